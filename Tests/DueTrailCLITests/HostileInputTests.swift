import Foundation
import Testing
import TestSupport

/// Issue 20, "Hostile input stays harmless": an export, a typed argument or a mail with
/// terminal escapes, bidi overrides, formulas, repeated headers or impossible amounts.
@Suite struct HostileInputTests {
    static let red = "Evil \u{1B}[31mRED"
    static let title = "Title \u{1B}]0;pwned\u{07} Ltd"
    static let broken = "Line1\nLine2"
    static let reversed = "\u{202E}Reversed Co"
    /// One row per hostile name, quoted as a spreadsheet writes them (the line break too).
    static let export = """
        Invoice,Customer,Due,Balance
        H-1,"\(red)",2026-10-01,100.00
        H-2,"\(title)",2026-10-05,200.00
        H-3,"\(broken)",2026-10-10,300.00
        H-4,"\(reversed)",2026-10-15,400.00
        H-5,"=HYPERLINK(""http://evil.example"",""x"")",2026-10-20,500.00

        """

    /// Nothing a terminal would obey: no ESC, BEL, C1 or bidi override.
    static func harmless(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E || (0x80...0x9F).contains($0.value) }
    }

    func ledgerWithHostileNames() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        try sandbox.write("hostile.csv", Self.export)
        let r = try sandbox.duetrail(["import", "invoices", sandbox.path("hostile.csv")], in: ledger)
        #expect(r.status == 0, "\(r)")
        #expect(Self.harmless(r.stdout + r.stderr), "\(r)")
        #expect(r.stdout.contains("Evil \\e[31mRED") && r.stdout.contains("Title \\e]0;pwned\\u0007 Ltd") && r.stdout.contains("Line1\\nLine2")
            && r.stdout.contains("\\u202EReversed Co"), "\(r)")
        return (sandbox, ledger)
    }

    @Test func everyPrintingCommandShowsHostileNamesEscapedWhileTheFilesKeepThem() throws {
        let (sandbox, ledger) = try ledgerWithHostileNames()
        // The customer files hold each name exactly (as YAML escapes: no raw control byte).
        let customers = try FileManager.default.contentsOfDirectory(atPath: ledger + "/customers").map { try sandbox.read("ledger/customers/" + $0) }
        #expect(customers.contains { $0.hasPrefix("name: \"Evil \\u001B[31mRED\"\n") }, "\(customers)")
        #expect(customers.contains { $0.hasPrefix("name: \"Title \\u001B]0;pwned\\u0007 Ltd\"\n") })
        #expect(customers.contains { $0.hasPrefix("name: \"Line1\\nLine2\"\n") })
        #expect(customers.contains { $0.hasPrefix("name: \"\\u202EReversed Co\"\n") })
        let queueJSON = try sandbox.duetrail(["queue", "--json"], in: ledger)
        let object = try JSONSerialization.jsonObject(with: Data(queueJSON.stdout.utf8)) as? [String: Any]
        let names = Set(((object?["cases"] as? [[String: Any]]) ?? []).compactMap { $0["customerName"] as? String })
        #expect(names.isSuperset(of: [Self.red, Self.title, Self.broken, Self.reversed]), "--json keeps the raw data: \(names)")
        #expect(Self.harmless(queueJSON.stdout))

        let case1 = try sandbox.read("ledger/cases/evil-31mred/h-1.md")
        #expect(Self.harmless(case1) && case1.contains("# Invoice H-1 — Evil [31mRED\n"), "\(case1)")
        #expect(try Self.harmless(sandbox.read("ledger/cases/reversed-co/h-4.md")))

        try sandbox.write("ledger/Maildir/new/1796000001.M1.host", "From: \"\u{1B}[31mMallory\" <m@evil.example>\nSubject: \u{202E}gpj.exe \u{1B}]0;x\u{07}\nMessage-ID: <h1@evil.example>\n\nhi\n")
        for dir in ["cur", "tmp"] { try FileManager.default.createDirectory(atPath: ledger + "/Maildir/" + dir, withIntermediateDirectories: true) }
        let commands: [[String]] = [
            ["queue"], ["queue", "--all"], ["queue", "--csv"], ["show", "H-1"], ["show", "H-2"], ["show", "H-4"], ["draft"], ["review"], ["review", "--stat"],
            ["history", "H-1"], ["report", "aging"], ["report", "aging", "--csv"], ["customer", "evil-31mred"], ["inbox", "import", ledger + "/Maildir"],
            ["inbox", "unmatched"], ["show", "H-9"],
        ]
        for args in commands {
            let r = try sandbox.duetrail(args, in: ledger)
            #expect(Self.harmless(r.stdout + r.stderr), "\(args): \(r)")
        }
        let show = try sandbox.duetrail(["show", "H-3"], in: ledger)
        #expect(show.stdout.hasPrefix("Invoice H-3 — Line1\\nLine2\n"), "one line: \(show)")
        let queue = try sandbox.duetrail(["queue"], in: ledger)
        #expect(queue.stdout.contains("Title \\e]0;pwned\\u0007 Ltd") && !queue.stdout.contains("Line1\nLine2"), "\(queue)")
        // An error quoting a hostile row is escaped too, and changes nothing.
        let head = try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout
        try sandbox.write("bad.csv", "Invoice,Customer,Due,Balance\nH-6,\"\(Self.red)\",2026-10-01,lots\n")
        let bad = try sandbox.duetrail(["import", "invoices", sandbox.path("bad.csv")], in: ledger)
        #expect(bad.status == 1 && Self.harmless(bad.stderr) && bad.stderr.contains("Evil \\e[31mRED"), "\(bad)")
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout == head)
    }

    @Test func csvOutputsNeutraliseFormulas() throws {
        let (sandbox, ledger) = try ledgerWithHostileNames()
        let queue = try sandbox.duetrail(["queue", "--csv"], in: ledger)
        #expect(queue.stdout.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","), "\(queue)")
        #expect(!queue.stdout.contains(",=HYPERLINK") && !queue.stdout.contains(",\"=HYPERLINK"), "\(queue)")
        #expect(queue.stdout.contains(",500.00,EUR,"), "amounts stay numbers: \(queue)")
        let report = try sandbox.duetrail(["report", "aging", "--by", "customer", "--csv"], in: ledger)
        #expect(report.status == 0 && report.stdout.contains("\n\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","), "\(report)")
        #expect(!report.stdout.contains("\n=HYPERLINK") && !report.stdout.contains("\n\"=HYPERLINK"), "\(report)")
    }

    @Test func aHeaderNamedTwiceIsRefusedNamingBothPositionsAndReadWithMap() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let head = try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout
        try sandbox.write("twice.csv", "Invoice,Customer,Due,Balance,Balance\nT-1,Acme GmbH,2026-10-01,100.00,7.00\n")
        let refused = try sandbox.duetrail(["import", "invoices", sandbox.path("twice.csv")], in: ledger)
        #expect(refused.status == 1 && refused.stderr.contains("twice.csv:1: the header names `Balance` in columns 4 and 5: cannot tell which holds the balance"), "\(refused)")
        #expect(refused.stderr.contains("--map balance=#4 or --map balance=#5"), "\(refused)")
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout == head)
        let taken = try sandbox.duetrail(["import", "invoices", sandbox.path("twice.csv"), "--map", "balance=#5"], in: ledger)
        #expect(taken.status == 0, "\(taken)")
        #expect(try sandbox.duetrail(["show", "T-1"], in: ledger).stdout.contains("balance   EUR 7.00"))

        try sandbox.write("payments.csv", "Invoice Number,Amount,Amount\nT-1,7.00,3.00\n")
        let payments = try sandbox.duetrail(["import", "payments", sandbox.path("payments.csv")], in: ledger)
        #expect(payments.status == 1 && payments.stderr.contains("the header names `Amount` in columns 2 and 3"), "\(payments)")
    }

    @Test func eachBadAmountIsRefusedWithFileLineAndValueAndTheLedgerUntouched() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let head = try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout
        let huge = String(repeating: "12345", count: 12)
        for (row, message) in [
            ("INV-1042,Acme GmbH,2026-10-31,", "amounts.csv:2: column 4 (Balance): the balance of INV-1042 is empty; an empty cell is not 0.00"),
            ("A-9,Acme GmbH,2026-10-31,\(huge)", "amounts.csv:2: column 4 (Balance): `\(huge)` is larger than the ledger holds exactly"),
            ("A-9,Acme GmbH,2026-10-31,100.123456789", "amounts.csv:2: column 4 (Balance): `100.123456789` has more decimal places than EUR has (2)"),
            ("A-9,Acme GmbH,2026-10-31,JPY 1000.5", "amounts.csv:2: column 4 (Balance): `JPY 1000.5` has more decimal places than JPY has (0)"),
        ] {
            try sandbox.write("amounts.csv", "Invoice,Customer,Due,Balance\n\(row)\n")
            let r = try sandbox.duetrail(["import", "invoices", sandbox.path("amounts.csv"), "--close-missing"], in: ledger)
            #expect(r.status == 1 && r.stderr.contains(message), "\(row): \(r)")
            #expect(try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout == head, "\(row)")
            #expect(try sandbox.git(["status", "--porcelain"], in: ledger).stdout.isEmpty, "\(row)")
        }
        #expect(try sandbox.duetrail(["show", "INV-1042"], in: ledger).stdout.contains("status    open"))
        try sandbox.write("pay.csv", "Invoice Number,Amount\nINV-1042,10.125\n")
        let pay = try sandbox.duetrail(["import", "payments", sandbox.path("pay.csv")], in: ledger)
        #expect(pay.status == 1 && pay.stderr.contains("pay.csv:2: INV-1042: `10.125` has more decimal places than EUR has (2)"), "\(pay)")
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout == head)
    }

    @Test func aTypedNoteWithAControlCharacterIsRefusedAndNothingIsWritten() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let head = try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout
        let r = try sandbox.duetrail(["note", "INV-1042", "called \u{1B}[2J them"], in: ledger)
        #expect(r.status != 0 && r.stderr.contains("holds the control character `\\e`") && Self.harmless(r.stderr), "\(r)")
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout == head)
        // A line break is fine: it is recorded (escaped on the timeline line).
        let ok = try sandbox.duetrail(["note", "INV-1042", "called them\nwill pay"], in: ledger)
        #expect(ok.status == 0, "\(ok)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md").contains("\"called them\\nwill pay\""))
    }
}
