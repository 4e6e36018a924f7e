import Foundation
import Testing
import TestSupport

/// `import payments` on the example ledger: the formats, unapplied payments, all or nothing,
/// and a second import of the same file.
@Suite struct PaymentImportTests {
    let sandbox: Sandbox
    let dir: String
    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
    func git(_ args: [String]) throws -> String { try sandbox.git(args, in: dir).stdout }

    func importFile(_ name: String, _ text: String, _ extra: [String] = []) throws -> ProcessResult {
        try sandbox.write(name, text)
        return try run(["import", "payments", sandbox.path(name)] + extra)
    }

    @Test func aGenericSheetIsAppliedInOneCommitAndUnknownInvoicesAreListedNotDropped() throws {
        #expect(try run(["draft"]).status == 0)  // acme's nudge for INV-1093 waits for review
        let r = try importFile("payments.csv", """
            Invoice No,Paid On,Amount,Reference
            INV-1093,2026-11-28,920.00,BANK-1
            INV-1042,2026-11-29,"1,150.00",BANK-2
            INV-9999,2026-11-29,75.00,BANK-3

            """)
        #expect(r.status == 2, "\(r)")  // one unapplied
        #expect(r.stdout.contains("Recorded 2 payments from ") && r.stdout.contains("(generic)"), "\(r.stdout)")
        #expect(r.stdout.contains("  INV-1093  EUR 920.00  → balance EUR 0.00 (paid)\n"))
        #expect(r.stdout.contains("  INV-1042  EUR 1,150.00  → balance EUR 6,000.00\n"))
        #expect(r.stdout.contains("Withdrew outbox/acme-gmbh/2026-11-30-statement.eml"), "\(r.stdout)")
        #expect(r.stdout.contains("Unapplied — no such invoice in the ledger") && r.stdout.contains("  line 4: INV-9999  75"))
        let log = try git(["log", "-1", "--format=%an|%s%n%b"])
        #expect(log.hasPrefix("Ana Ruiz|import: 2 payments from payments.csv (1 unapplied)\n"), "\(log)")
        #expect(log.contains("Unapplied (no such invoice in the ledger):\nline 4: INV-9999 75") && log.contains("DueTrail-Action: import-payments"))
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md").contains("· payment · amount: 920.00 EUR · date: 2026-11-28 · reference: BANK-1 · source: payments.csv · by Ana Ruiz"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/acme-gmbh/2026-11-30-nudge.eml"))
        // The same file again: nothing new.
        let head = try git(["rev-parse", "HEAD"])
        let again = try run(["import", "payments", sandbox.path("payments.csv")])
        #expect(again.stdout.contains("Recorded 0 payments") && again.stdout.contains("2 already recorded (not again)."), "\(again)")
        #expect(try git(["rev-parse", "HEAD"]) == head)
        #expect(try run(["check"]).status == 0)
    }

    @Test func anyBadRowStopsTheWholeImport() throws {
        let head = try git(["rev-parse", "HEAD"])
        let r = try importFile("bad.csv", """
            Invoice Number,Amount,Currency
            INV-1042,100.00,EUR
            INV-1090,50.00,EUR
            INV-1087,lots,EUR
            INV-1087,9999.00,EUR

            """)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("bad.csv:4: `lots` is not a payment amount"), "\(r.stderr)")
        #expect(try git(["rev-parse", "HEAD"]) == head)
        let r2 = try importFile("bad2.csv", "Invoice Number,Amount,Currency\nINV-1042,100.00,EUR\nINV-1090,50.00,EUR\nINV-1087,9999.00,EUR\n")
        #expect(r2.status == 1 && r2.stderr.contains("bad2.csv:3: INV-1090 is in USD, this payment in EUR"), "\(r2)")
        #expect(r2.stderr.contains("bad2.csv:4: INV-1087: EUR 9,999.00 is more than the balance EUR 3,200.00"))
        #expect(try git(["rev-parse", "HEAD"]) == head)
    }

    @Test func stripeXeroAndQuickBooksExportsAreRecognised() throws {
        let stripe = try importFile("unified_payments.csv", """
            id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Customer Email,Invoice Number
            py_1,2026-11-28 14:03:11,500.00,0.00,usd,Paid,invoices@fjord-software.example,INV-1090
            py_2,2026-11-28 15:00:00,990.00,0.00,usd,Failed,invoices@fjord-software.example,INV-1025

            """)
        #expect(stripe.status == 0 && stripe.stdout.contains("Recorded 1 payment from") && stripe.stdout.contains("(stripe)"), "\(stripe)")
        #expect(stripe.stdout.contains("INV-1090  USD 500.00  → balance USD 6,400.00") && stripe.stdout.contains("1 row not payments: line 3 (status `failed`, not a payment)"))
        let xero = try importFile("xero-payments.csv", "Payment Date,Invoice Number,Contact Name,Reference,Amount Paid,Currency\n28/11/2026,INV-1087,Blue Harbour Design,DD-77,200.00,EUR\n")
        #expect(xero.status == 0 && xero.stdout.contains("(xero)") && xero.stdout.contains("INV-1087  EUR 200.00  → balance EUR 3,000.00"), "\(xero)")
        #expect(try sandbox.read("ledger/cases/blue-harbour-design/inv-1087.md").contains("· payment · amount: 200.00 EUR · date: 2026-11-28 · reference: DD-77"))
        let qb = try importFile("qb.csv", """
            Date,Transaction Type,Num,Customer,Applied To,Amount
            11/27/2026,Payment,P-301,Acme GmbH,INV-1030,340.00
            11/27/2026,Invoice,INV-1200,Acme GmbH,,500.00

            """)
        #expect(qb.status == 0 && qb.stdout.contains("(quickbooks)") && qb.stdout.contains("INV-1030  EUR 340.00  → balance EUR 1,000.00"), "\(qb)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1030.md").contains("· payment · amount: 340.00 EUR · date: 2026-11-27 · reference: P-301"))
        #expect(try run(["check"]).status == 0)
    }
}
