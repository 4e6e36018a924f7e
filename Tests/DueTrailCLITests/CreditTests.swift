import Foundation
import Testing
import TestSupport

/// Credits and unapplied cash are first-class (issue 19): shown where balances are, applied
/// with a commit, never left only in a terminal's scrollback.
@Suite struct CreditTests {
    @Test func anOverpaymentIsACreditShownEverywhereAndAppliedToAnotherInvoice() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        // INV-1030 owes 1,340.00; 1,500.00 came in.
        #expect(try run(["pay", "INV-1030", "--amount", "1500", "--allow-overpayment"]).status == 0)
        let queue = try run(["queue", "--customer", "acme-gmbh"]).stdout
        #expect(queue.contains("Credits (owed to customers, not in the totals above):\n  Acme GmbH: EUR 160.00 (INV-1030)"), "\(queue)")
        #expect(try run(["queue", "--json"]).stdout.contains("\"invoices\" : [\n        \"INV-1030\"\n      ]"))
        #expect(try run(["show", "INV-1093"]).stdout.contains("customer credit  EUR 160.00 (INV-1030): `duetrail apply-credit acme-gmbh --to INVOICE`"))
        let aging = try run(["report", "aging", "--json"]).stdout
        #expect(aging.contains("\"credit\" : \"160.00\""), "\(aging)")
        // Refusals: another customer's invoice, more than the credit, a currency it has none in.
        #expect(try run(["apply-credit", "acme-gmbh", "--to", "INV-1021"]).stderr.contains("is an invoice of blue-harbour-design"))
        #expect(try run(["apply-credit", "acme-gmbh", "--to", "INV-1093", "--amount", "200"]).stderr.contains("has EUR 160.00 of credit, less than EUR 200.00"))
        #expect(try run(["apply-credit", "delta-foods", "--to", "INV-1008"]).stderr.contains("delta-foods has no credit in EUR"))
        let before = try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout

        let part = try run(["apply-credit", "acme-gmbh", "--to", "INV-1093", "--amount", "100"])
        #expect(part.status == 0, "\(part)")
        #expect(part.stdout.contains("Applied EUR 100.00 to INV-1093; balance now EUR 820.00"), "\(part.stdout)")
        // One commit, both sides.
        #expect(try sandbox.git(["rev-list", "--count", before.trimmingCharacters(in: .whitespacesAndNewlines) + "..HEAD"], in: dir).stdout.hasPrefix("1"))
        let files = try sandbox.git(["show", "--name-only", "--format=%s", "HEAD"], in: dir).stdout
        #expect(files.contains("apply-credit: EUR 100.00 of acme-gmbh's credit to INV-1093") && files.contains("cases/acme-gmbh/inv-1030.md") && files.contains("cases/acme-gmbh/inv-1093.md"), "\(files)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1030.md").contains("· credit-applied · amount: 100.00 EUR · to: INV-1093 · by Ana Ruiz"))
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md").contains("· credited · amount: 100.00 EUR · from: INV-1030 · by Ana Ruiz"))
        #expect(try run(["queue", "--customer", "acme-gmbh"]).stdout.contains("Acme GmbH: EUR 60.00 (INV-1030)"))
        // The rest, by default all that fits.
        #expect(try run(["apply-credit", "acme-gmbh", "--to", "INV-1093"]).stdout.contains("balance now EUR 760.00"))
        #expect(!(try run(["queue"]).stdout.contains("Credits")))
        #expect(try run(["apply-credit", "acme-gmbh", "--to", "INV-1093"]).stderr.contains("acme-gmbh has no credit in EUR"))
        #expect(try run(["check"]).status == 0)
        #expect(try run(["audit", "--no-record"]).status == 0)
    }

    @Test func paymentsAnImportCouldNotApplyAreKeptAndAppliedLater() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        try sandbox.write("payments.csv", "Date,Invoice Number,Amount,Reference\n2026-11-28,INV-1093,100.00,TX-1\n2026-11-28,INV-9999,250.00,TX-2\n2026-11-29,IVN-1101,300.00,TX-3\n")
        let imported = try run(["import", "payments", sandbox.path("payments.csv")])
        #expect(imported.status == 2, "\(imported)")
        #expect(imported.stdout.contains("kept in unapplied/"), "\(imported.stdout)")
        let files = try sandbox.git(["show", "--name-only", "--format=", "HEAD"], in: dir).stdout.split(separator: "\n").filter { $0.hasPrefix("unapplied/") }
        #expect(files.count == 2, "\(files)")
        // Importing the same file again keeps nothing twice.
        _ = try run(["import", "payments", sandbox.path("payments.csv")])
        #expect(try sandbox.git(["ls-files", "unapplied"], in: dir).stdout.split(separator: "\n").count == 2)
        let list = try run(["unapplied"])
        #expect(list.status == 0 && list.stdout.contains("IVN-1101") && list.stdout.contains("payments.csv line 4") && list.stdout.contains("2 unapplied payments"), "\(list)")
        let json = try JSONSerialization.jsonObject(with: Data(try run(["unapplied", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        let typo = try #require(json.first { $0["invoice"] as? String == "IVN-1101" })
        let id = try #require(typo["id"] as? String)
        #expect(typo["amount"] as? String == "300.00" && typo["reference"] as? String == "TX-3" && typo["line"] as? Int == 4)

        let paid = try run(["pay", "INV-1101", "--from-unapplied", id])
        #expect(paid.status == 0, "\(paid)")
        #expect(paid.stdout.contains("Balance now EUR 4,500.00"))
        let commit = try sandbox.git(["show", "--stat", "--format=%B", "HEAD"], in: dir).stdout
        #expect(commit.contains("From unapplied payment \(id): 300.00 for `IVN-1101` (payments.csv line 4)") && commit.contains("unapplied/\(id).yaml"), "\(commit)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1101.md").contains("· payment · amount: 300.00 EUR · date: 2026-11-29 · reference: TX-3 · source: payments.csv line 4"))
        #expect(try run(["unapplied"]).stdout.contains("1 unapplied payment."))
        #expect(try run(["pay", "INV-1101", "--from-unapplied", id]).stderr.contains("no unapplied payment"))
        #expect(try run(["pay", "INV-1101"]).stderr.contains("--amount"))
        #expect(try run(["check"]).status == 0)
    }

    /// In Stripe's unified-payments layout (its own header names): the currency the row names
    /// stays with the kept payment, and decides which invoice may take it.
    @Test func aStripePaymentForAnUnknownInvoiceIsKeptWithItsCurrency() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        try sandbox.write("unified_payments.csv", """
            id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Customer Email,Invoice Number
            py_1,2026-11-28 14:03:11,750.00,0.00,usd,Paid,invoices@fjord-software.example,INV-10900
            py_2,2026-11-28 15:00:00,990.00,0.00,usd,Failed,invoices@fjord-software.example,INV-1025

            """)
        let imported = try run(["import", "payments", sandbox.path("unified_payments.csv")])
        #expect(imported.status == 2 && imported.stdout.contains("(stripe)"), "\(imported)")
        let json = try JSONSerialization.jsonObject(with: Data(try run(["unapplied", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        #expect(json.count == 1, "the failed charge is not a payment: \(json)")
        let kept = try #require(json.first)
        #expect(kept["invoice"] as? String == "INV-10900" && kept["currency"] as? String == "USD" && kept["amount"] as? String == "750.00", "\(kept)")
        let id = try #require(kept["id"] as? String)
        let wrong = try run(["pay", "INV-1042", "--from-unapplied", id])
        #expect(wrong.status != 0 && wrong.stderr.contains("INV-1042 is in EUR, unapplied payment \(id) in USD"), "\(wrong)")
        #expect(try run(["pay", "INV-1090", "--from-unapplied", id]).stdout.contains("Balance now USD 6,150.00"))
    }

    @Test func anUnmatchedMessageIsFiledOntoACaseByHand() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        let message = "From: Jonas Bauer <jonas@private.example>\r\nSubject: Hello\r\nMessage-ID: <m2@private.example>\r\n\r\nWe will pay the big one next week.\r\n"
        try sandbox.write("Maildir/new/1.M1.host", message)
        try FileManager.default.createDirectory(atPath: sandbox.path("Maildir/cur"), withIntermediateDirectories: true)
        #expect(try run(["inbox", "import", sandbox.path("Maildir")]).stdout.contains("unmatched: jonas@private.example: Hello"))
        let path = try #require(try sandbox.git(["ls-files", "inbox/unmatched"], in: dir).stdout.split(separator: "\n").first.map(String.init))
        let name = String(path.split(separator: "/").last ?? "")

        #expect(try run(["inbox", "assign", name, "INV-1042", "INV-1021"]).stderr.contains("one message is filed on one customer's cases"))
        let r = try run(["inbox", "assign", String(name.prefix(6)), "INV-1042"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Filed replies/acme-gmbh/\(name) on INV-1042 as a reply"), "\(r.stdout)")
        #expect(try sandbox.git(["ls-files", "inbox/unmatched"], in: dir).stdout.isEmpty)
        #expect(try sandbox.git(["show", "HEAD:replies/acme-gmbh/\(name)"], in: dir).stdout == message)
        #expect(try run(["show", "INV-1042"]).stdout.contains("reply waiting since 2026-11-30"))
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md").contains("· reply · from: jonas@private.example · subject: Hello · file: replies/acme-gmbh/\(name) · matched: by hand · We will pay the big one next week. · by Jonas Bauer"))
        #expect(try run(["inbox", "unmatched"]).stdout.contains("No unmatched messages."))
        #expect(try run(["inbox", "assign", name, "INV-1042"]).stderr.contains("no unmatched message"))
    }
}
