import DueTrailCore
import Foundation
import Testing

private func read(_ text: String, map: [InvoiceField: String] = [:]) throws -> InvoiceExport {
    try InvoiceExport(bytes: Array(text.utf8), path: "sheet.csv", options: ExportOptions(overrides: map, defaultCurrency: .euro))
}

private func problems(_ text: String, map: [InvoiceField: String] = [:]) -> String {
    do {
        _ = try read(text, map: map)
        return "(read without a problem)"
    } catch {
        return (error as? DiagnosticList)?.description ?? "\(error)"
    }
}

/// Issue 20, the text part: what a terminal is shown, what a spreadsheet is given, which
/// amounts are taken, which headers are too ambiguous to read, and what a file may record.
@Suite struct HostileTextTests {
    @Test func controlAndBidiCharactersShowAsVisibleEscapes() {
        #expect(TerminalText.escaped("Evil \u{1B}[31mRED") == "Evil \\e[31mRED")
        #expect(TerminalText.escaped("\u{1B}]0;pwned\u{07}") == "\\e]0;pwned\\u0007")
        #expect(TerminalText.escaped("\u{202E}abc\u{2066}\u{200F}\u{061C}") == "\\u202Eabc\\u2066\\u200F\\u061C")
        #expect(TerminalText.escaped("a\u{7F}b\u{9B}c\rd") == "a\\u007Fb\\u009Bc\\rd")
        // Layout stays in the multi-line form and is shown in the one-line form.
        #expect(TerminalText.escaped("Line1\nLine2\tx") == "Line1\nLine2\tx")
        #expect(TerminalText.oneLine("Line1\nLine2\tx") == "Line1\\nLine2\\tx")
        // Ordinary text, accents and right-to-left letters (not overrides) are untouched.
        #expect(TerminalText.oneLine("Müller Holzbau — שלום") == "Müller Holzbau — שלום")
    }

    @Test func escapedJSONIsStillJSONWithTheRawData() throws {
        let json = "{\"name\" : \"\u{202E}x\u{85}y\\u001b\"}"
        let shown = TerminalText.escaped(json)
        #expect(!shown.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x85 })
        let decoded = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: String]
        #expect(decoded?["name"] == "\u{202E}x\u{85}y\u{1B}")
    }

    @Test func csvTextCellsThatStartAFormulaAreWrittenAsText() {
        #expect(CSVText.field("=HYPERLINK(\"http://evil.example\",\"x\")") == "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")
        for cell in ["+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"] { #expect(CSVText.field(cell).hasPrefix("'") || CSVText.field(cell).hasPrefix("\"'"), "\(cell)") }
        // Numbers and a lone dash stay; a numeric column is never touched.
        for cell in ["-12.50", "+3", "-", "12.50", "Acme GmbH", "2026-11-30"] { #expect(CSVText.field(cell) == cell, "\(cell)") }
        #expect(CSVText.line(["=1", "-1=1"], text: [true, false]) == "'=1,-1=1")
    }

    @Test func amountsTheLedgerCannotHoldExactlyAreRefusedNamingTheValue() {
        #expect(ExactAmount.problem(Decimal(string: "100.123456789")!, text: "100.123456789", currency: .euro)
            == "`100.123456789` has more decimal places than EUR has (2); DueTrail does not round amounts")
        #expect(ExactAmount.problem(Decimal(string: "1000.5")!, text: "1000.5", currency: Currency(code: "JPY")!)?.contains("JPY has (0)") == true)
        #expect(ExactAmount.problem(Decimal(string: "1000.00")!, text: "1000.00", currency: Currency(code: "JPY")!) == nil)  // exact
        #expect(ExactAmount.problem(Decimal(string: "100.120")!, text: "100.120", currency: .euro) == nil)
        let huge = String(repeating: "9", count: 60)
        #expect(ExactAmount.problem(Decimal(string: huge)!, text: huge, currency: .euro)?.contains("larger than the ledger holds exactly") == true)
        #expect(ExactAmount.problem(Decimal(string: "999999999999999.99")!, text: "", currency: .euro) == nil)
        #expect(throws: AmountInputError.tooLarge("1000000000000000")) { try TypedAmount.parse("1000000000000000", currency: .euro, format: .commaThousandsPointDecimal) }
    }

    @Test func anExportsBadAmountsAreErrorsWithLineAndColumn() {
        let csv = "Invoice,Customer,Due,Balance,Currency\nA-1,Acme,2026-10-01,100.123456789,EUR\nA-2,Acme,2026-10-01,1000.5,JPY\nA-3,Acme,2026-10-01,\(String(repeating: "1", count: 60)),EUR\n"
        let text = problems(csv)
        #expect(text.contains("sheet.csv:2: column 4 (Balance): `100.123456789` has more decimal places than EUR has (2)"), "\(text)")
        #expect(text.contains("sheet.csv:3: column 4 (Balance): `1000.5` has more decimal places than JPY has (0)"), "\(text)")
        #expect(text.contains("sheet.csv:4: column 4 (Balance): `111111"), "\(text)")
        let empty = problems("Invoice,Customer,Due,Balance\nA-1,Acme,2026-10-01,5\nA-4,Acme,2026-10-01,\n")
        #expect(empty.contains("sheet.csv:3: column 4 (Balance): the balance of A-4 is empty; an empty cell is not 0.00"), "\(empty)")
        // What real exports write still reads: grouped amounts and a 0 for a paid row.
        #expect((try? read("Invoice;Customer;Due;Balance\nA-1;Acme;2026-10-01;1.234,50\nA-2;Acme;2026-10-01;0\n"))?.invoices.map(\.balance.description) == ["1234.50 EUR", "0.00 EUR"])
    }

    @Test func aHeaderNamedTwiceIsRefusedUnlessMapPicksAPosition() throws {
        let csv = "Invoice,Customer,Due,Balance,Balance\nA-1,Acme,2026-10-01,100.00,7.00\n"
        let text = problems(csv)
        #expect(text.contains("sheet.csv:1: the header names `Balance` in columns 4 and 5: cannot tell which holds the balance"), "\(text)")
        #expect(text.contains("--map balance=#4 or --map balance=#5"), "\(text)")
        #expect(problems(csv, map: [.balance: "Balance"]).contains("in columns 4 and 5"))
        #expect(try read(csv, map: [.balance: "#5"]).invoices.first?.balance.description == "7.00 EUR")
        #expect(try read(csv, map: [.balance: "#4"]).invoices.first?.balance.description == "100.00 EUR")
        // A repeated header no field reads is harmless.
        #expect(try read("Invoice,Customer,Due,Balance,Notes,Notes\nA-1,Acme,2026-10-01,100.00,a,b\n").invoices.count == 1)
    }

    @Test func recordedTextLosesControlCharactersButKeepsLineBreaks() {
        #expect(RecordedText.cleaned("pay\u{1B}[31m soon\u{07}\u{0}") == "pay[31m soon")
        #expect(RecordedText.cleaned("a\r\nb\rc\td") == "a\nb\nc d")
        #expect(RecordedText.firstControl("x\u{1B}y") == "\\e" && RecordedText.firstControl("x\ny\tz") == nil)
        let clock = LedgerClock(timezone: TimeZone(identifier: "UTC")!, today: CalendarDate(iso: "2026-11-30"), now: Date(timeIntervalSince1970: 1_795_000_000))
        let event = clock.event(.note, text: "after\u{0} the\u{1B} board", who: "Ana\u{07}")
        #expect(event.text == "after the board" && event.who == "Ana")
        var file = CaseFile(
            facts: InvoiceFacts(number: "A-1", customer: "evil", issued: nil, due: CalendarDate(iso: "2026-10-01")!, amount: Money(1, .euro)),
            customerName: "Evil \u{1B}[31mRED\nx", events: [event])
        file.postamble = "hand\u{0}written\n"
        let rendered = file.render()
        #expect(!rendered.unicodeScalars.contains { RecordedText.isControl($0) }, "\(rendered)")
        #expect(rendered.contains("# Invoice A-1 — Evil [31mRED x\n") && rendered.contains("handwritten"))
    }
}
