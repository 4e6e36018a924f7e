import DueTrailCore
import Foundation
import Testing

private func read(_ text: String, statuses: [String: StatusClass] = [:], map: [InvoiceField: String] = [:]) throws -> InvoiceExport {
    try InvoiceExport(bytes: Array(text.utf8), path: "sheet.csv", options: ExportOptions(overrides: map, defaultCurrency: .euro, statuses: statuses))
}

private func problems(_ text: String) -> String {
    do {
        _ = try read(text)
        return "(read without a problem)"
    } catch {
        return (error as? DiagnosticList)?.description ?? "\(error)"
    }
}

/// Sheets whose headers are in the languages teams write them in, recognised without --map.
@Suite struct ExportLanguageTests {
    @Test(arguments: [
        ("German", "Rechnungsnummer;Kunde;Rechnungsdatum;Fällig am;Betrag;Bezahlt;Offen;Währung;Status\nR-2026-0017;Müller Holzbau GmbH;01.10.2026;31.10.2026;1.428,00;428,00;1.000,00;EUR;teilweise bezahlt\n"),
        ("French", "N° de facture;Client;Date de facture;Échéance;Montant TTC;Reste à payer;Devise;Statut\nF-0017;Atelier Lumière SARL;01/10/2026;31/10/2026;1 428,00;1\u{202F}000,00;EUR;En retard\n"),
        ("Spanish", "Número de factura;Cliente;Fecha de factura;Fecha de vencimiento;Total;Pendiente;Moneda;Estado\nFV-0017;Talleres Ibérica SL;01/10/2026;31/10/2026;1.428,00;1.000,00;EUR;Vencida\n"),
        ("Italian", "Numero fattura;Cliente;Data fattura;Scadenza;Totale;Residuo;Valuta;Stato\n17/2026;Officine Rossi Srl;01/10/2026;31/10/2026;1.428,00;1.000,00;EUR;Scaduta\n"),
        ("Dutch", "Factuurnummer;Klant;Factuurdatum;Vervaldatum;Totaal;Openstaand;Valuta;Status\n2026-0017;Bakkerij de Vries BV;01-10-2026;31-10-2026;1.428,00;1.000,00;EUR;Vervallen\n"),
        ("Portuguese", "Número da fatura;Cliente;Data de emissão;Data de vencimento;Valor total;Em aberto;Moeda;Estado\nFT 2026/17;Padaria Lisboa Lda;01/10/2026;31/10/2026;1.428,00;1.000,00;EUR;Vencida\n"),
        ("Swedish", "Fakturanummer;Kund;Fakturadatum;Förfallodatum;Totalt;Restbelopp;Valuta;Status\n10017;Snickeri Berg AB;2026-10-01;2026-10-31;1 428,00;1 000,00;EUR;Förfallen\n"),
        ("Finnish", "Laskun numero;Asiakas;Laskun päivämäärä;Eräpäivä;Summa;Avoin;Valuutta;Tila\n17;Puusepät Oy;1.10.2026;31.10.2026;1428,00;1000,00;EUR;Erääntynyt\n"),
    ])
    func aSheetInEachLanguageIsReadWithoutMap(language: String, csv: String) throws {
        let e = try read(csv)
        #expect(e.format == .generic && e.map.formatName == "generic sheet (\(language) headers)")
        let invoice = try #require(e.invoices.first)
        #expect(invoice.balance.description == "1000.00 EUR" && invoice.total.description == "1428.00 EUR", "\(language)")
        #expect(invoice.due?.iso == "2026-10-31" && invoice.issued?.iso == "2026-10-01" && invoice.disposition == .open, "\(language)")
    }

    @Test func nordicSheetsThatCouldBeDanishOrNorwegianAreNotMisnamed() throws {
        let e = try read("Fakturanummer;Kunde;Fakturadato;Forfaldsdato;Beløb;Restbeløb;Valuta\n501;Tømrer Hansen ApS;01-10-2026;31-10-2026;2.000,00;500,00;DKK\n")
        #expect(e.map.formatName == "generic sheet (Danish headers)")
        #expect(e.invoices.first?.balance.description == "500.00 DKK")
    }

    @Test func statusWordsInOtherLanguagesKeepDraftsOutAndClosePaidOnes() throws {
        let csv = """
            Rechnungsnummer;Kunde;Fällig am;Betrag;Status
            R-1;Müller;31.10.2026;100,00;Entwurf
            R-2;Müller;31.10.2026;100,00;Bezahlt
            R-3;Müller;31.10.2026;100,00;Storniert
            R-4;Müller;31.10.2026;100,00;Überfällig
            """
        #expect(try read(csv).invoices.map(\.disposition) == [.draft, .paid, .void, .open])
    }

    @Test func anUnknownStatusStopsTheImportNamingEachValueAndItsLines() throws {
        let csv = "Invoice,Customer,Due,Balance,Status\nA-1,Acme,2026-10-01,10.00,Awaiting Payment\nA-2,Acme,2026-10-01,10.00,On Hold\nA-3,Acme,2026-10-01,10.00,On Hold\n"
        // `Awaiting Payment` is known; `On Hold` is not.
        #expect(problems(csv) == """
            sheet.csv:3: status `On Hold` (lines 3, 4) is not one DueTrail knows
            say what it means with --status open="On Hold" (or draft=, paid=, void=, credit=): open is chased, draft never, paid and void close a case
            """)
        let classified = try read(csv, statuses: [StatusVocabulary.key("on hold"): .draft])
        #expect(classified.invoices.map(\.disposition) == [.open, .draft, .draft])
    }

    @Test func aRowWithTooFewOrTooManyFieldsIsAnError() {
        let csv = "Invoice,Customer,Due,Balance,Currency\nA-1,Acme,2026-10-01,10.00,USD\nA-2,Acme,2026-10-01,12.00\nA-3,Acme,2026-10-01,1,200.00,USD\nA-4,Acme,2026-10-01,5.00,USD,,\n"
        let text = problems(csv)
        // A missing currency is never silently the ledger's; a trailing empty field is harmless.
        #expect(text.contains("sheet.csv:3: this row has 4 fields but the header (line 1) has 5: a field is missing, so the columns after it cannot be trusted"))
        #expect(text.contains("sheet.csv:4: this row has 6 fields but the header (line 1) has 5: a value may hold an unquoted `,`"))
        #expect(!text.contains("sheet.csv:5"))
    }

    @Test func exactDuplicatesAreReadOnceAndConflictingOnesAreAnError() throws {
        let csv = "Invoice,Customer,Due,Balance\nA-1,Acme,2026-10-01,10.00\nA-1,Acme,2026-10-01,10.00\nA-2,Acme,2026-10-01,5.00\n"
        let e = try read(csv)
        #expect(e.invoices.map(\.number) == ["A-1", "A-2"] && e.duplicateRows == [3])
        #expect(problems(csv + "A-2,Acme,2026-10-01,6.00\n").contains("sheet.csv:5: invoice A-2 appears again with different facts (first on line 4)"))
    }

    @Test func balancesFromTotalAndPaidAndAmountsAsPeopleWriteThem() throws {
        let csv = """
            Invoice,Customer,Due,Total,Paid,Currency
            A-1,Acme,2026-10-01,"$1,200.00 ","$200.00",
            A-2,Acme,2026-10-01,($400.00),0,
            A-3,Acme,2026-10-01,900.00 EUR,900,EUR
            A-4,Acme,2026-10-01,€ 50.00,0.00,
            """
        let e = try read(csv)
        // A-2 is negative: a credit note, not a debt.
        #expect(e.invoices.map { "\($0.number) \($0.balance.description) \($0.disposition.rawValue)" } == ["A-1 1000.00 USD open", "A-3 0.00 EUR paid", "A-4 50.00 EUR open"])
        #expect(e.creditNotes == ["A-2"] && e.invoices[0].balanceSource == .totalMinusPaid)
    }

    @Test func titleBlankAndTotalRowsAroundTheTable() throws {
        let csv = """
            Offene Posten;;;;
            Stand 30.11.2026;;;;
            ;;;;
            Rechnungsnummer;Kunde;Fällig am;Offen;Währung
            R-1;Müller;31.10.2026;100,00;EUR

            R-2;Schmidt;15.11.2026;50,00;EUR
            Summe;;;150,00;EUR
            """
        let e = try read(csv)
        #expect(e.invoices.map(\.number) == ["R-1", "R-2"] && e.map.headerLine == 4 && e.skippedRows == 1)
    }

    @Test func excelsQuotedNumbersKeepTheirLeadingZeros() throws {
        let e = try read("Invoice,Customer,Due,Balance\n=\"000123\",Acme,2026-10-01,1.00\n")
        #expect(e.invoices.first?.number == "000123")
    }

    @Test func aPaidStatusThatTheFiguresContradictStopsTheImport() {
        let csv = "Invoice,Customer,Due,Total,Balance,Status\nA-1,Acme,2026-10-01,1000.00,700.00,Paid\nA-2,Acme,2026-10-01,100.00,0.00,Paid\n"
        #expect(problems(csv).contains("sheet.csv:2: invoice A-1 has a paid status, but the export's own figures leave EUR 700.00 owed"))
        // `Deposit Paid` is an open invoice with money left, not a paid one.
        #expect((try? read(csv.replacingOccurrences(of: "700.00,Paid", with: "700.00,Deposit Paid")))?.invoices.first?.disposition == .open)
    }

    @Test func anEmptyBalanceIsNotZero() throws {
        // Issue 20: an empty balance cell is an error naming the line and the column, never
        // 0.00 (nor an invoice left out, that a later --close-missing would close).
        #expect(problems("Invoice,Customer,Due,Total,Balance\nA-1,Acme,2026-10-01,1000.00,\nA-2,Acme,2026-10-01,50.00,50.00\n")
            .contains("sheet.csv:2: column 5 (Balance): the balance of A-1 is empty; an empty cell is not 0.00"))
        // A paid status says what is left: nothing.
        let paidStatus = try read("Invoice,Customer,Due,Total,Balance,Status\nA-1,Acme,2026-10-01,1000.00,,Paid\n")
        #expect(paidStatus.invoices.first?.disposition == .paid)
        // With a paid column, total − paid says it.
        let paid = try read("Invoice,Customer,Due,Total,Paid,Balance\nA-1,Acme,2026-10-01,1000.00,250.00,\n")
        #expect(paid.invoices.first?.balance.description == "750.00 EUR")
    }

    @Test func aRowCounterBesideTheInvoiceNumberIsNotTheNumber() throws {
        let e = try read("Nr.;Rechnungsnummer;Kunde;Fällig am;Offen\n1;R-2026-0017;Müller;31.10.2026;100,00\n2;R-2026-0018;Müller;30.11.2026;50,00\n")
        #expect(e.invoices.map(\.number) == ["R-2026-0017", "R-2026-0018"])
        #expect(e.map.unusedColumns.map(\.header) == ["Nr."])
    }

    @Test func aGenericSheetWhoseBalanceIsNotTotalLessPaidIsFlagged() throws {
        let e = try read("Invoice,Customer,Due,Total,Paid,Balance\nA-1,Acme,2026-10-01,1000.00,1000.00,1000.00\nA-2,Acme,2026-10-01,100.00,40.00,60.00\n")
        #expect(e.balanceMismatches == [2])
    }

    @Test func anUnknownDocumentTypeStopsTheImportInsteadOfSkippingRows() {
        let csv = "Invoice,Customer,Due,Balance,Type\nA-1,Acme,2026-10-01,10.00,Invoice\nA-2,Acme,2026-10-01,10.00,Consulting\nA-3,Acme,2026-10-01,10.00,Consulting\nP-1,Acme,2026-10-01,10.00,Payment\n"
        let text = problems(csv)
        #expect(text.contains("sheet.csv:3: document type `Consulting` in `Type` (lines 3, 4) is not an invoice, credit note, payment or other kind DueTrail knows"), "\(text)")
        #expect(text.contains("--map type="))
        #expect((try? read(csv, map: [.type: ""]))?.invoices.count == 4)
    }

    @Test func aCustomerHeadingThatBeginsWithTotalIsStillACustomer() throws {
        let csv = ",Date,Transaction type,Num,Due date,Open balance\nTotal Energies\n,10/01/2026,Invoice,2001,10/31/2026,500.00\nTotal for Total Energies,,,,,500.00\nTOTAL,,,,,500.00\n"
        let e = try read(csv)
        #expect(e.format == .quickbooks && e.invoices.map(\.customerName) == ["Total Energies"])
        // A QuickBooks invoice row without a number is an error, not a heading skipped.
        #expect(problems(csv + ",10/02/2026,Invoice,,10/31/2026,80.00\n").contains("the invoice number is empty"))
    }

    @Test func myobTermsCountAsItsTermsCodeSays() throws {
        let header = "\"Co./Last Name\",\"Invoice #\",\"Date\",\"Inc-Tax Total\",\"Terms - Payment is Due\",\"- Balance Due Days\",\"Amount Paid\",\"Sale Status\"\n"
        let eom = try read(header + "\"Bellbird\",\"00000201\",\"15/10/2026\",\"$100.00\",\"4\",\"30\",\"$0.00\",\"I\"\n")
        #expect(eom.invoices.first?.due?.iso == "2026-11-30")  // 30 days after the end of October
        #expect(problems(header + "\"Bellbird\",\"00000202\",\"15/10/2026\",\"$100.00\",\"3\",\"15\",\"$0.00\",\"I\"\n")
            .contains("payment terms `Terms - Payment is Due 3, - Balance Due Days 15`"))
    }

    @Test func aTermsColumnThatDoesNotSayHowManyDaysIsRefused() {
        let csv = "Invoice,Customer,Issued,Terms,Balance\nA-1,Acme,2026-10-01,Net 30,1.00\nA-2,Acme,2026-10-01,2nd of next month,1.00\n"
        #expect(problems(csv).contains("sheet.csv:3: payment terms `2nd of next month` (line 3) do not say for certain how many days"))
        #expect(problems(csv).contains("--map terms="))
    }
}

/// Payment terms as exports, customers' files and `default_terms:` write them.
@Suite struct PaymentTermsTests {
    let issued = CalendarDate(iso: "2026-10-10")!

    @Test(arguments: [
        ("Net 30", "2026-11-09"), ("net30", "2026-11-09"), ("N30", "2026-11-09"), ("30", "2026-11-09"), ("30 days", "2026-11-09"),
        ("Due on Receipt", "2026-10-10"), ("Upon Receipt", "2026-10-10"), ("Due upon receipt", "2026-10-10"), ("0", "2026-10-10"),
        ("14 Tage", "2026-10-24"), ("14 Tage netto", "2026-10-24"), ("Zahlbar innerhalb von 14 Tagen", "2026-10-24"), ("zahlbar sofort", "2026-10-10"),
        ("14 Tage 2% Skonto, 30 Tage netto", "2026-11-09"), ("2/10 Net 30", "2026-11-09"), ("1% 10 Net 30", "2026-11-09"),
        ("2% Skonto bei Zahlung innerhalb 10 Tagen, 30 Tage netto", "2026-11-09"),
        ("30 jours", "2026-11-09"), ("À réception", "2026-10-10"), ("30 días", "2026-11-09"), ("30 giorni", "2026-11-09"),
        ("30 dagen", "2026-11-09"), ("Netto 30 dagar", "2026-11-09"), ("30 dias", "2026-11-09"), ("14 päivää netto", "2026-10-24"),
        // End of month: 30 days after the end of October, or the end of the month 30 days on.
        ("Net 30 EOM", "2026-11-30"), ("30 Tage ab Monatsende", "2026-11-30"), ("Lb. md. 14 dage", "2026-11-14"), ("EOM", "2026-10-31"),
        ("30 jours fin de mois", "2026-11-30"), ("45 días fin de mes", "2026-11-30"), ("60 giorni fine mese", "2026-12-31"),
    ])
    func readsTermsAndCountsTheDueDate(text: String, due: String) {
        #expect(PaymentTerms(text)?.due(issued: issued).iso == due, "\(text)")
    }

    @Test func defaultTermsThatSayNoNumberOfDaysAreACheckErrorWithTheirLine() {
        do {
            _ = try LedgerConfig.parse("company: X\nsender:\n  name: A\n  email: a@x.example\ncurrency: EUR\ntimezone: UTC\ndefault_terms: soon\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 7 && error.message == "`default_terms: soon` does not say how many days; write e.g. `default_terms: Net 30` or `default_terms: 14 days`")
        }
        #expect((try? LedgerConfig.parse("company: X\nsender:\n  name: A\n  email: a@x.example\ncurrency: EUR\ntimezone: UTC\ndefault_terms: Net 45\n"))?.defaultTerms?.rule == .days(45))
    }

    @Test(arguments: ["2nd of next month", "Net 30/60", "", "soon", "30 60", "Quarterly", "14 Tage 2% Skonto", "2% 10 Tage", "Net 30 EOM + 15"])
    func refusesTermsItCannotBeSureOf(text: String) {
        #expect(PaymentTerms(text) == nil, "\(text)")
    }
}
