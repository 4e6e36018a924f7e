import DueTrailCore
import Foundation
import Testing

/// Behaviour pinned down after review: rounding, partial exports, mapping mistakes, hand edits.
@Suite struct ExportEdgeTests {
    func read(_ text: String, currency: String = "EUR", map: [InvoiceField: String] = [:]) throws -> InvoiceExport {
        try InvoiceExport(bytes: Array(text.utf8), path: "x.csv", options: ExportOptions(overrides: map, defaultCurrency: Currency(code: currency)!))
    }

    @Test func amountsAreNeverRoundedToTheCurrencysDigitsOnRead() throws {
        // Issue 20: refused naming the value, not silently rounded to 100.13.
        #expect(throws: DiagnosticList.self) { try read("Invoice,Customer,Due,Total,Balance\nA-1,Acme,2026-10-01,100.125,100.125\n") }
        let export = try read("Invoice,Customer,Due,Total,Balance\nA-1,Acme,2026-10-01,100.130,100.130\n")
        #expect(export.invoices[0].balance.plain == "100.13")
        #expect(export.invoices[0].total.plain == "100.13")
    }

    @Test func aDollarSignMeansTheLedgersOwnDollar() throws {
        let csv = "Invoice,Customer,Due,Balance\nA-1,Acme,2026-10-01,\"$1,000.00\"\n"
        #expect(try read(csv, currency: "CAD").invoices[0].balance.currency.code == "CAD")
        #expect(try read(csv, currency: "EUR").invoices[0].balance.currency.code == "USD")
    }

    @Test func aBalanceOnlyExportDoesNotKnowTheTotal() throws {
        let export = try read("Invoice,Customer,Due,Balance\nA-1,Acme,2026-10-01,40.00\n")
        #expect(export.invoices[0].totalKnown == false)
    }

    @Test func aMapToAColumnThatIsNotThereIsAnError() {
        #expect {
            try read("Invoice,Customer,Due,Total,Balance\nA-1,Acme,2026-10-01,1,1\n", map: [.balance: "Open Amount"])
        } throws: { error in
            (error as? DiagnosticList)?.items.first?.message == "--map balance=Open Amount: the header row has no column `Open Amount`"
        }
    }
}

@Suite struct HandEditTests {
    @Test func commentsInTheFrontMatterSurviveARewrite() throws {
        let text = """
            ---
            # Imported from Xero; ask Bo before changing the due date.
            invoice: A-1
            customer: acme
            due: 2026-10-01
            # moved once already
            amount: 10.00
            currency: EUR
            ---

            ## Timeline

            """
        let file = try CaseFile.parse(text, path: "c.md").get()
        let out = file.render()
        #expect(out.hasPrefix("---\n# Imported from Xero; ask Bo before changing the due date.\ninvoice: A-1\n"))
        #expect(out.contains("# moved once already\n"))
        #expect(try CaseFile.parse(out, path: "c.md").get().render() == out)
    }

    @Test func aBalanceThatIsNotMoneyIsAProblemNotIgnored() {
        let text = "---\ninvoice: A-1\ncustomer: acme\ndue: 2026-10-01\namount: 10.00\ncurrency: EUR\n---\n\n## Timeline\n\n- 2026-11-01 · balance · balance: 4150 · by Ana\n"
        guard case .failure(let list) = CaseFile.parse(text, path: "c.md") else {
            Issue.record("expected a problem")
            return
        }
        #expect(list.items.map(\.headline) == ["c.md:11: `balance: 4150` must be an amount in the case's currency, like `balance: 120.00 EUR`"])
    }
}

@Suite struct ClockTests {
    @Test func todayMovesTheRulesButNotTheRecordedTime() {
        let now = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30 00:53 UTC
        let clock = LedgerClock(timezone: TimeZone(identifier: "UTC")!, today: CalendarDate(iso: "2027-03-01"), now: now)
        #expect(clock.today.iso == "2027-03-01")
        #expect(clock.eventDate.iso == "2026-11-30")
        #expect(clock.minutes == 53)
        #expect(clock.instant == now)
    }
}
