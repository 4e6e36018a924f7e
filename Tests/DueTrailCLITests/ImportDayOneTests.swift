import Foundation
import Testing
import TestSupport

/// The first afternoon with real data: exports without due dates, stale re-imports, facts a
/// person corrected, two sets of books, contacts added later, and what the import says it read.
@Suite struct ImportDayOneTests {
    let sandbox: Sandbox
    let dir: String
    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger(importing: false)
    }

    func run(_ args: [String], on day: String? = nil) throws -> ProcessResult {
        var extra: [String: String] = [:]
        if let day { extra = ["DUETRAIL_TODAY": day, "DUETRAIL_NOW": day + "T10:00:00Z"] }
        return try sandbox.duetrail(args, in: dir, extraEnvironment: extra)
    }
    func git(_ args: [String]) throws -> String { try sandbox.git(args, in: dir).stdout }
    func importSheet(_ name: String, _ text: String, _ extra: [String] = [], on day: String? = nil) throws -> ProcessResult {
        try sandbox.write(name, text)
        return try run(["import", "invoices", sandbox.path(name)] + extra, on: day)
    }
    func commitSetting(_ path: String, appending text: String) throws {
        try sandbox.write("ledger/" + path, try sandbox.read("ledger/" + path) + text)
        _ = try git(["commit", "-qam", "settings: \(path)"])
    }
    static func fixture(_ name: String) -> String { Binary.fixture("exports/" + name) }

    @Test func anExportWithoutDueDatesTakesTermsFromTheCustomerOrTheLedger() throws {
        let head = try git(["rev-parse", "HEAD"])
        let refused = try run(["import", "invoices", Self.fixture("freshbooks-invoice-details.csv")])
        #expect(refused.status == 1 && refused.stderr.contains("no due date for 0000031 (line 2), 0000032 (line 4)"), "\(refused)")
        #expect(refused.stderr.contains("set `default_terms: Net 30` (your usual terms) in duetrail.yaml"))
        #expect(try git(["rev-parse", "HEAD"]) == head && (try git(["status", "--porcelain"])).isEmpty)

        try commitSetting("duetrail.yaml", appending: "default_terms: 14 days\n")
        let r = try run(["import", "invoices", Self.fixture("freshbooks-invoice-details.csv")])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("the `Line Total` lines of each invoice are summed and taken as the amount owed: the export has no balance or paid column (2 invoices)"))
        #expect(r.stdout.contains("due dates from default_terms: (2 new cases)"))
        #expect(r.stdout.contains("warning: the export does not say how much is left (partly paid, or an empty balance), so not opened: 0000035"))
        // Issued 2026-09-04, 14 days: due 2026-09-18; the case says where the date came from.
        let file = try sandbox.read("ledger/cases/saltmarsh-books/0000031.md")
        #expect(file.contains("due: 2026-09-18\n") && file.contains("amount: 1100.00\ncurrency: CAD\nsource: freshbooks\n"))
        #expect(file.contains("· opened · balance: 1100.00 CAD · due: 2026-09-18 · due-from: default_terms 14 days (14 days) · issued: 2026-09-04 · source: freshbooks freshbooks-invoice-details.csv · by Ana Ruiz"))
        #expect(try run(["check"]).status == 0)
    }

    @Test func aCustomersTermsWinOverTheLedgersDefault() throws {
        try commitSetting("duetrail.yaml", appending: "default_terms: Net 30\n")
        try commitSetting("customers/acme-gmbh.yaml", appending: "terms: 14 Tage netto\n")
        let r = try importSheet("open.csv", "Invoice,Customer,Issued,Total\nA-1,Acme GmbH,2026-10-01,100.00\nB-1,Delta Foods Ltd,2026-10-01,50.00\n")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("`Total` is taken as the amount owed: the export has no balance or paid column (2 invoices)"))
        #expect(try sandbox.read("ledger/cases/acme-gmbh/a-1.md").contains("due: 2026-10-15\n"))
        #expect(try sandbox.read("ledger/cases/delta-foods/b-1.md").contains("due: 2026-10-31\n"))
        // A customer file with terms that say no number of days is a `check` error with its line.
        try sandbox.write("ledger/customers/acme-gmbh.yaml", try sandbox.read("ledger/customers/acme-gmbh.yaml").replacingOccurrences(of: "terms: 14 Tage netto", with: "terms: when convenient"))
        let check = try run(["check"])
        #expect(check.status == 1 && check.stdout.contains("customers/acme-gmbh.yaml:") && check.stdout.contains("`terms: when convenient` does not say how many days"), "\(check)")
    }

    @Test func theImportSaysWhatItReadLeftUnusedAndAssumed() throws {
        let text = "Rechnungsnummer;Kunde;Fällig am;Offen;Kontakt E-Mail\nR-1;Acme GmbH;31.10.2026;1.234,56;ap@acme-gmbh.example\n"
        let r = try importSheet("offen.csv", text, ["--dry-run"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("Read a generic sheet (German headers) export: 1 invoices (semicolon-separated, decimal mark `,`, dates DD/MM/YYYY)\n"))
        #expect(r.stdout.contains("Columns read:\n  number    ← Rechnungsnummer\n  customer  ← Kunde\n  due       ← Fällig am\n  balance   ← Offen\n"))
        #expect(r.stdout.contains("Not read: `Kontakt E-Mail`\nwarning: column `Kontakt E-Mail` looks like email addresses but was not read; read it with --map email=\"Kontakt E-Mail\""))
        #expect(r.stdout.contains("  - no currency column: amounts are EUR, the ledger's currency (1 invoice)"))
        let json = try importSheet("offen.csv", text, ["--dry-run", "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((parsed["columns"] as? [[String: String]])?.first == ["field": "number", "header": "Rechnungsnummer"])
        #expect(parsed["formatName"] as? String == "generic sheet (German headers)" && (parsed["unusedColumns"] as? [String]) == ["Kontakt E-Mail"])
    }

    @Test func aStaleExportNeverUndoesAPaymentRecordedSince() throws {
        let sheet = "Invoice,Customer,Due,Total,Balance\nA-1,Acme GmbH,2026-10-01,1000.00,1000.00\nA-2,Acme GmbH,2026-10-15,300.00,300.00\n"
        #expect(try importSheet("open.csv", sheet).status == 0)
        #expect(try run(["pay", "A-1", "--amount", "400", "--reference", "BANK-1"], on: "2026-12-03").status == 0)
        let paymentID = try #require(try sandbox.read("ledger/cases/acme-gmbh/a-1.md").split(separator: "\n").first { $0.contains("· payment ·") }?.split(separator: "#").last)
        let head = try git(["rev-parse", "HEAD"])
        // The accounting package has not heard of the payment yet: the same export again.
        let stale = try importSheet("open.csv", sheet, on: "2026-12-04")
        #expect(stale.status == 2, "\(stale)")
        #expect(stale.stdout.contains("Not applied: the export raises these balances (or reopens the case), but DueTrail recorded money or a closing since the last import:\n  A-1  ledger EUR 600.00, export EUR 1,000.00: payment 400.00 EUR on 2026-12-03 (#\(paymentID))"))
        #expect(stale.stdout.contains("If the export is right, apply it with --accept-export-balance A-1"))
        #expect(try git(["rev-parse", "HEAD"]) == head, "nothing to write: the conflict is not applied")
        #expect(try run(["show", "A-1", "--json"]).stdout.contains("\"balance\" : \"600.00\""))
        // The package catches up (600 left): nothing to change. A lower balance is applied.
        #expect(try importSheet("open.csv", sheet.replacingOccurrences(of: "1000.00,1000.00", with: "1000.00,600.00"), on: "2026-12-05").status == 0)
        #expect(try git(["rev-parse", "HEAD"]) == head)
        // Told the export is right, it is applied with the payment left in the timeline.
        let accepted = try importSheet("open.csv", sheet, ["--accept-export-balance", "A-1"], on: "2026-12-06")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/a-1.md").contains("· balance · balance: 1000.00 EUR · was: 600.00 EUR · source: generic open.csv"))
        #expect(try git(["log", "-1", "--format=%(trailers:key=DueTrail-Accepted-Export-Balance,valueonly)"]) == "A-1\n\n")
    }

    @Test func aConflictStaysWhileTheExportChangesOtherFactsAndAClosingIsNotUndone() throws {
        let sheet = "Invoice,Customer,Due,Balance\nA-1,Acme GmbH,2026-10-01,1000.00\nA-2,Acme GmbH,2026-10-01,200.00\n"
        #expect(try importSheet("open.csv", sheet).status == 0)
        #expect(try run(["pay", "A-1", "--amount", "400"], on: "2026-12-02").status == 0)
        // The package moves A-1's due date but still shows the old balance: the date is taken,
        // the balance is not, and the same export again does not slip the balance through.
        let moved = sheet.replacingOccurrences(of: "A-1,Acme GmbH,2026-10-01", with: "A-1,Acme GmbH,2026-10-15")
        let first = try importSheet("open.csv", moved, on: "2026-12-03")
        #expect(first.status == 2 && first.stdout.contains("A-1  ledger EUR 600.00, export EUR 1,000.00"), "\(first)")
        let second = try importSheet("open.csv", moved, on: "2026-12-04")
        #expect(second.status == 2 && second.stdout.contains("A-1  ledger EUR 600.00, export EUR 1,000.00") && second.stdout.contains("Nothing written: apart from the balances not applied"), "\(second)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/a-1.md").contains("due: 2026-10-15\n"))
        #expect(try run(["show", "A-1", "--json"]).stdout.contains("\"balance\" : \"600.00\""))
        // A case a person closed is not reopened by an export that has not heard of it.
        let path = "ledger/cases/acme-gmbh/a-2.md"
        try sandbox.write(path, try sandbox.read(path) + "- 2026-12-04 · closed · reason: written off · by Ana Ruiz\n")
        _ = try git(["commit", "-qam", "A-2 written off"])
        let reopen = try importSheet("open.csv", moved, on: "2026-12-05")
        #expect(reopen.status == 2 && reopen.stdout.contains("A-2  ledger closed, export EUR 200.00: closed on 2026-12-04"), "\(reopen)")
        #expect(!(try sandbox.read(path)).contains("reopened"))
    }

    @Test func twoSetsOfBooksMayShareAnInvoiceNumber() throws {
        #expect(try importSheet("uk.csv", "Invoice,Customer,Due,Balance\nINV-0001,Acme GmbH,2026-10-01,100.00\n", ["--account", "uk"]).status == 0)
        let ie = try importSheet("ie.csv", "Invoice,Customer,Due,Balance\nINV-0001,Acme GmbH,2026-10-05,250.00\n", ["--account", "ie"])
        #expect(ie.status == 0 && ie.stdout.contains("1 new, 0 updated"), "\(ie)")
        let files = try git(["ls-files", "cases/acme-gmbh"]).split(separator: "\n")
        #expect(files.count == 2, "\(files)")
        let uk = try sandbox.read("ledger/cases/acme-gmbh/inv-0001.md")
        #expect(uk.contains("source_account: uk\n") && uk.contains("balance: 100.00 EUR"))
    }

    @Test func aFactAPersonCorrectedIsKeptUntilTheExportChangesIt() throws {
        let sheet = "Invoice,Customer,Due,Balance\nA-1,Acme GmbH,2026-10-01,100.00\n"
        #expect(try importSheet("open.csv", sheet).status == 0)
        let path = "ledger/cases/acme-gmbh/a-1.md"
        try sandbox.write(path, try sandbox.read(path).replacingOccurrences(of: "\ndue: 2026-10-01\n", with: "\ndue: 2026-10-20\n"))
        _ = try git(["commit", "-qam", "due date agreed with Acme"])
        let again = try importSheet("open.csv", sheet)
        #expect(again.status == 0 && again.stdout.contains("Kept as changed in the ledger (the export still shows the value it had at the last import):\n  A-1  due 2026-10-20 (export: 2026-10-01)"), "\(again)")
        #expect(try sandbox.read(path).contains("due: 2026-10-20\n"))
        // When the package itself moves the date, the export's new date is taken.
        #expect(try importSheet("open.csv", sheet.replacingOccurrences(of: "2026-10-01", with: "2026-10-31")).status == 0)
        #expect(try sandbox.read(path).contains("due: 2026-10-31\n") && (try sandbox.read(path)).contains("· updated · due: 2026-10-20 → 2026-10-31 · source: generic open.csv"))
    }

    @Test func onlyCasesOfTheSameSourceAndAccountAreMissingFromAnExport() throws {
        #expect(try importSheet("uk.csv", "Invoice,Customer,Due,Balance\nUK-1,Acme GmbH,2026-10-01,10.00\n", ["--account", "uk"]).status == 0)
        #expect(try sandbox.read("ledger/cases/acme-gmbh/uk-1.md").contains("source: generic\nsource_account: uk\n"))
        #expect(try run(["import", "invoices", Self.fixture("xero-sales-invoices.csv")]).status == 0)
        let ie = try importSheet("ie.csv", "Invoice,Customer,Due,Balance\nIE-1,Delta Foods Ltd,2026-10-01,20.00\n", ["--account", "ie", "--close-missing"])
        #expect(ie.status == 0 && !ie.stdout.contains("UK-1") && !ie.stdout.contains("INV-2041"), "\(ie)")
        let ukAgain = try importSheet("uk.csv", "Invoice,Customer,Due,Balance\nUK-2,Acme GmbH,2026-10-01,10.00\n", ["--account", "uk"])
        #expect(ukAgain.stdout.contains("Not in this export — paid? (--close-missing closes them):\n  UK-1  acme-gmbh  EUR 10.00\n"), "\(ukAgain)")
        #expect(!ukAgain.stdout.contains("IE-1") && !ukAgain.stdout.contains("INV-2044"))
    }

    @Test func aLaterEmailColumnFillsCustomersThatHaveNoContact() throws {
        try sandbox.write("ledger/customers/acme-gmbh.yaml", "name: Acme GmbH\ncontacts: []\npolicy: review\nsensitive: false\n")
        _ = try git(["commit", "-qam", "acme: no contact yet"])
        #expect(try importSheet("open.csv", "Invoice,Customer,Due,Balance\nA-1,Acme GmbH,2026-10-01,10.00\n").status == 0)
        let r = try importSheet("open.csv", "Invoice,Customer,Due,Balance,AP contact\nA-1,Acme GmbH,2026-10-01,10.00,ap@acme-gmbh.example\n", ["--map", "email=AP contact"])
        #expect(r.status == 0 && r.stdout.contains("contacts added to: acme-gmbh (ap@acme-gmbh.example)"), "\(r)")
        #expect(try sandbox.read("ledger/customers/acme-gmbh.yaml") == "name: Acme GmbH\ncontacts:\n  - email: ap@acme-gmbh.example\npolicy: review\nsensitive: false\n")
        // A customer who has contacts keeps exactly them.
        let delta = try sandbox.read("ledger/customers/delta-foods.yaml")
        #expect(try importSheet("d.csv", "Invoice,Customer,Due,Balance,Email\nD-1,Delta Foods Ltd,2026-10-01,10.00,other@delta.example\n").status == 0)
        #expect(try sandbox.read("ledger/customers/delta-foods.yaml") == delta)
    }

    @Test func badExportsAreRefusedWholeWithTheirLines() throws {
        let head = try git(["rev-parse", "HEAD"])
        let unknown = try importSheet("s.csv", "Invoice,Customer,Due,Balance,Status\nA-1,Acme GmbH,2026-10-01,10.00,Awaiting Payment\nA-2,Acme GmbH,2026-10-01,10.00,Hold\n")
        #expect(unknown.status == 1 && unknown.stderr.contains("s.csv:3: status `Hold` (line 3) is not one DueTrail knows"), "\(unknown)")
        #expect(try importSheet("s.csv", "Invoice,Customer,Due,Balance,Status\nA-2,Acme GmbH,2026-10-01,10.00,Hold\n", ["--status", "draft=Hold"]).stdout.contains("1 draft (never sent) not opened"))
        let ragged = try importSheet("r.csv", "Invoice,Customer,Due,Balance,Currency\nA-1,Acme GmbH,2026-10-01,10.00\n")
        #expect(ragged.status == 1 && ragged.stderr.contains("r.csv:2: this row has 4 fields but the header (line 1) has 5"), "\(ragged)")
        let journal = try run(["import", "invoices", Self.fixture("wave-data-export.csv")])
        #expect(journal.status == 1 && journal.stderr.contains("this is Wave's accounting data export (journal lines), not a list of invoices"))
        #expect(try run(["import", "invoices", "x.csv", "--status", "maybe=Hold"]).stderr.contains("--status takes CLASS=WORD with CLASS one of draft, open, paid, void, credit"))
        #expect(try git(["rev-parse", "HEAD"]) == head && (try git(["status", "--porcelain"])).isEmpty)
    }

    @Test func paymentExportsWithTitleAndTotalRows() throws {
        #expect(try importSheet("open.csv", "Invoice,Customer,Due,Balance\nA-1,Acme GmbH,2026-10-01,100.00\nA-2,Acme GmbH,2026-10-01,50.00\n").status == 0)
        try sandbox.write("pay.csv", """
            Zahlungseingänge November 2026;;;
            ;;;
            Rechnungsnummer;Zahlungsdatum;Betrag;Verwendungszweck
            A-1;28.11.2026;60,00;SEPA 881
            A-2;29.11.2026;50,00;SEPA 882
            Summe;;110,00;

            """)
        let r = try run(["import", "payments", sandbox.path("pay.csv")])
        #expect(r.status == 0, "\(r)")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/a-1.md").contains("· payment · amount: 60.00 EUR · date: 2026-11-28 · reference: SEPA 881"))
    }
}
