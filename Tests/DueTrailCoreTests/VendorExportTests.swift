import DueTrailCore
import Foundation
import Testing

/// Exports written in the layouts real accounting packages use (headers, statuses, title and
/// total rows, line items as the vendors write them; see the README's list of sources). The
/// data is ours; each file is in `Tests/Fixtures/exports/`.
@Suite struct VendorExportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/exports")

    func export(_ name: String, currency: String = "EUR", statuses: [String: StatusClass] = [:]) throws -> InvoiceExport {
        let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(name)))
        return try InvoiceExport(bytes: bytes, path: name, options: ExportOptions(defaultCurrency: Currency(code: currency)!, statuses: statuses))
    }

    /// `number status balance/total due` for each invoice, to compare at a glance.
    func rows(_ e: InvoiceExport) -> [String] {
        e.invoices.map { "\($0.number) \($0.disposition.rawValue) \($0.balance.description)/\($0.total.plain) \($0.due?.iso ?? "-")" }
    }

    @Test func xeroLineItemsStatusesCreditNotesAndOverpayments() throws {
        let e = try export("xero-sales-invoices.csv")
        #expect(e.format == .xero && e.map.formatName == "Xero")
        #expect(rows(e) == [
            "INV-2041 open 1440.00 GBP/1440.00 2026-10-03",  // two lines, the total taken once
            "INV-2044 open 1400.00 GBP/2400.00 2026-10-14",  // partly paid: InvoiceAmountDue
            "INV-2045 paid 0.00 GBP/600.00 2026-10-20",
            "INV-2049 draft 0.00 GBP/360.00 2026-11-01",
            "INV-2050 void 0.00 GBP/120.00 2026-11-04",
            "INV-2052 draft 0.00 GBP/3120.00 2026-11-08",  // Awaiting Approval is not yet sent
        ])
        #expect(e.creditNotes == ["CN-0091"] && e.otherDocuments == ["Sales overpayment": 1] && e.lineRows == 1)
        #expect(e.invoices[0].customerName == "Harrow & Lyle Ltd" && e.invoices[0].email == "accounts@harrowlyle.example")
    }

    @Test func quickBooksOnlineInvoiceListWithTitleTotalAndFooter() throws {
        let e = try export("quickbooks-online-invoice-list.csv", currency: "USD")
        #expect(e.format == .quickbooks && e.dateOrder == .monthDayYear)
        #expect(rows(e) == [
            "1001 open 1250.00 USD/1250.00 2026-10-02", "1002 open 300.00 USD/800.00 2026-10-15", "1003 paid 0.00 USD/450.00 2026-10-20",
            "01005 open 2400.00 USD/2400.00 2026-11-04",  // the number stays text
        ])
        #expect(e.creditNotes == ["1004"] && e.skippedRows == 5)  // TOTAL, three blank-ish rows, the footer
    }

    @Test func quickBooksOpenInvoicesTakeCustomersFromHeadingsAndSkipPayments() throws {
        let e = try export("quickbooks-online-open-invoices.csv", currency: "USD")
        #expect(e.invoices.map { "\($0.number) \($0.customerName) \($0.balance.plain)" } == ["1002 Bramble & Co 300.00", "1011 Bramble & Co 1125.00", "01005 Larkspur Dental 2400.00"])
        #expect(e.otherDocuments == ["Payment": 1])
    }

    @Test func quickBooksDesktopAgingWithBucketsAndParenthesisedCredits() throws {
        let e = try export("quickbooks-desktop-ar-aging.csv", currency: "USD")
        #expect(e.format == .quickbooksDesktop && e.map.formatName == "QuickBooks Desktop")
        #expect(rows(e) == ["3017 open 4250.00 USD/4250.00 2026-12-10", "3009 open 12500.00 USD/12500.00 2026-11-13", "2950 open 975.50 USD/975.50 2026-07-16"])
        #expect(e.creditNotes == ["3011"])
        #expect(e.invoices.map(\.customerName) == ["Ridgeview Condo Association", "Pinecrest Builders", "Harbor Lane HOA"])  // never "1 - 30"
    }

    @Test func stripeDraftsWithoutNumbersVoidAndUncollectible() throws {
        let e = try export("stripe-invoices.csv", currency: "USD")
        #expect(e.format == .stripe)
        #expect(rows(e) == [
            "7F3A21C9-0001 open 1200.00 USD/1200.00 2026-10-28", "7F3A21C9-0002 open 500.00 USD/800.00 2026-11-09",
            "7F3A21C9-0003 paid 0.00 USD/45.00 2026-10-26", "7F3A21C9-0004 void 0.00 USD/310.00 2026-10-31",
            "7F3A21C9-0005 void 0.00 USD/2750.00 2026-07-01",
        ])
        #expect(e.unnumberedDrafts == 1)
    }

    @Test func freshBooksLineItemsAreSummedAndAPartialWithoutBalanceIsNotChased() throws {
        let e = try export("freshbooks-invoice-details.csv")
        #expect(e.format == .freshbooks)
        // No due date column: the import plan applies terms; a `partial` invoice whose balance
        // the export cannot give is listed, never chased in full.
        #expect(rows(e) == ["0000031 open 1100.00 CAD/1100.00 -", "0000032 open 750.00 CAD/750.00 -", "0000033 paid 0.00 CAD/600.00 -", "0000034 draft 0.00 CAD/450.00 -"])
        #expect(e.invoices[0].balanceSource == .totalAsOwed)
        #expect(e.balanceUnknown == ["0000035"])
    }

    @Test func zohoRepeatsTheTotalOnEveryLineAndCallsPaidClosed() throws {
        let e = try export("zoho-invoices.csv")
        #expect(e.format == .zoho)
        #expect(rows(e) == [
            "INV-000041 open 812.50 USD/812.50 2026-10-01", "INV-000042 open 250.00 USD/650.00 2026-10-31", "INV-000043 paid 0.00 USD/400.00 2026-10-03",
            "INV-000044 draft 0.00 USD/650.00 2026-11-10", "INV-000045 void 0.00 USD/900.00 2026-11-19",
        ])
    }

    @Test func invoiceNinjaFourHasATitleSectionRowsAndNoBalanceColumn() throws {
        let e = try export("invoiceninja4.csv")
        #expect(e.format == .invoiceNinja4 && e.map.headerLine == 4)
        // Amount − Paid: 1,350 − 350 = 1,000 still owed on 0017.
        #expect(rows(e) == [
            "0017 open 1000.00 USD/1350.00 2026-10-10", "0018 open 600.00 USD/600.00 2026-11-01", "0019 paid 0.00 USD/220.00 2026-10-19",
            "0020 draft 0.00 USD/980.00 2026-12-25", "0021 open 480.00 USD/480.00 2026-11-03",
        ])
        #expect(e.invoices[0].balanceSource == .totalMinusPaid)
        #expect(e.duplicateRows == [7])
    }

    @Test func invoiceNinjaFiveStatusesIncludingReversed() throws {
        let e = try export("invoiceninja5.csv")
        #expect(e.format == .invoiceNinja5)
        #expect(e.invoices.map { "\($0.number) \($0.disposition.rawValue)" } == [
            "R-2026-0101 open", "R-2026-0102 open", "R-2026-0103 paid", "R-2026-0104 void", "R-2026-0105 draft", "R-2026-0106 void",
        ])
        #expect(e.invoices[1].balance.description == "590.00 EUR")
    }

    @Test func invoice2goDueDatesFromTermsInDays() throws {
        let e = try export("invoice2go.csv")
        #expect(e.format == .invoice2go)
        #expect(rows(e) == ["7 open 198.00 AUD/198.00 2026-11-01", "8 open 300.00 AUD/550.00 2026-11-03", "9 draft 0.00 AUD/70.20 -", "10 paid 0.00 AUD/72.90 2026-11-03"])
        #expect(e.invoices[0].dueSource == .terms(PaymentTerms(rule: .days(30), text: "30")))
    }

    @Test func sageTotalsWithCreditNotesByType() throws {
        let e = try export("sage-accounting.csv", currency: "GBP")
        #expect(e.format == .sage && e.dateOrder == .dayMonthYear)
        #expect(rows(e) == ["SI-1187 open 1800.00 GBP/1800.00 -", "SI-1203 open 1800.00 GBP/1800.00 -", "SI-1215 open 2640.00 GBP/2640.00 -"])
        #expect(e.invoices.allSatisfy { $0.balanceSource == .totalAsOwed } && e.creditNotes == ["SC-0042"])
    }

    @Test func myobSalesSeparatedByBlankLinesWithQuotesSkipped() throws {
        let e = try export("myob-sales.csv", currency: "AUD")
        #expect(e.format == .myob)
        // 00000104: 1,320 + 220 inc-tax lines, nothing paid, 30 days; 00000105: 880 − 380 paid, 14 days.
        #expect(rows(e) == ["00000104 open 1540.00 AUD/1540.00 2026-11-14", "00000105 open 500.00 AUD/880.00 2026-11-15"])
        #expect(e.otherDocuments == ["quote": 1])
    }

    @Test func erpnextFilterRowsPaymentEntriesAndTheTotalRow() throws {
        let e = try export("erpnext-accounts-receivable.csv", currency: "INR")
        #expect(e.format == .erpnext && e.map.headerLine == 4)
        #expect(rows(e) == ["ACC-SINV-2026-00071 open 68000.00 INR/118000.00 2026-09-04", "ACC-SINV-2026-00094 open 23600.00 INR/23600.00 2026-11-09"])
        #expect(e.otherDocuments == ["Payment Entry": 1] && e.skippedRows == 1)
    }

    @Test func waveInvoiceListAndTheJournalExportRefused() throws {
        let e = try export("wave-invoices.csv")
        #expect(e.format == .wave)
        #expect(rows(e) == ["1021 open 565.00 CAD/565.00 2026-10-20", "1022 open 630.00 CAD/1130.00 2026-11-04", "1023 paid 0.00 CAD/226.00 2026-10-25", "1024 draft 0.00 CAD/339.00 2026-12-27"])
        #expect {
            try export("wave-data-export.csv")
        } throws: { error in
            (error as? DiagnosticList)?.description.contains("wave-data-export.csv:1: this is Wave's accounting data export (journal lines), not a list of invoices") == true
        }
    }

    @Test func aGenericSheetIsNotNamedAfterAVendor() throws {
        let csv = "Invoice Number,Customer,Due Date,Amount Due\nA-1,Acme,2026-10-01,10.00\n"
        let e = try InvoiceExport(bytes: Array(csv.utf8), path: "x.csv", options: ExportOptions(defaultCurrency: .euro))
        #expect(e.format == .generic && e.map.formatName == "generic sheet")
    }
}
