import DueTrailCore
import Foundation
import Testing

private let eur = Currency(code: "EUR")!
private func read(_ text: String, format: ExportFormat? = nil, map: [InvoiceField: String] = [:], dates: DateOrder? = nil) throws -> InvoiceExport {
    try InvoiceExport(bytes: Array(text.utf8), path: "export.csv", options: ExportOptions(format: format, overrides: map, dateOrder: dates, defaultCurrency: eur))
}

@Suite struct CSVTests {
    @Test func readsWhatSpreadsheetsWrite() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a;b;c\r\n1;\"two; \"\"quoted\"\"\nline\";3\r\n\r\n4;5;6".utf8)
        let table = try CSVTable(bytes: bytes)
        #expect(table.delimiterName == "semicolon")
        #expect(table.records.map(\.fields) == [["a", "b", "c"], ["1", "two; \"quoted\"\nline", "3"], ["4", "5", "6"]])
        #expect(table.records.map(\.line) == [1, 2, 5])  // the quoted field spans lines 2-3
    }

    @Test func readsWindows1252AndReportsAnUnclosedQuote() throws {
        let table = try CSVTable(bytes: Array("name\n".utf8) + [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x20, 0x80])
        #expect(table.records[1].fields == ["Müller €"])
        #expect(throws: Diagnostic.self) { try CSVTable(bytes: Array("a,b\n\"open,2\n".utf8)) }
    }
}

@Suite struct ExportFormatTests {
    @Test func xeroLineItemsGroupIntoInvoicesWithDayFirstDates() throws {
        let csv = """
            *ContactName,EmailAddress,*InvoiceNumber,*InvoiceDate,*DueDate,Total,InvoiceAmountPaid,InvoiceAmountDue,*Description,Currency,Type,Status
            Acme GmbH,ap@acme.example,INV-1,01/10/2026,31/10/2026,1500.00,500.00,1000.00,Design,EUR,Sales invoice,AUTHORISED
            Acme GmbH,ap@acme.example,INV-1,01/10/2026,31/10/2026,1500.00,500.00,1000.00,Print,EUR,Sales invoice,AUTHORISED
            Blue Ltd,ap@blue.example,INV-2,02/10/2026,01/11/2026,200.00,200.00,0.00,Copy,GBP,Sales invoice,PAID
            Blue Ltd,ap@blue.example,INV-3,03/10/2026,02/11/2026,300.00,0.00,300.00,Copy,GBP,Sales invoice,DRAFT
            """
        let export = try read(csv)
        #expect(export.format == .xero)
        #expect(export.invoices.map(\.number) == ["INV-1", "INV-2", "INV-3"])
        let first = export.invoices[0]
        #expect(first.due?.iso == "2026-10-31" && first.issued?.iso == "2026-10-01")
        #expect(first.balance.description == "1000.00 EUR" && first.total.description == "1500.00 EUR")
        #expect(export.invoices.map(\.disposition) == [.open, .paid, .draft])
    }

    @Test func quickBooksReportsSkipTitlesGroupsAndTotals() throws {
        let csv = """
            Northwind Studio
            A/R Aging Detail
            As of November 30, 2026

            ,Date,Transaction Type,Num,Customer,Due Date,Past Due,Amount,Open Balance
            1 - 30 days past due
            ,11/03/2026,Invoice,1042,Corvid Analytics,11/13/2026,17,"$1,250.00","$1,250.00"
            ,11/05/2026,Payment,,Corvid Analytics,11/05/2026,,-100.00,-100.00
            Total for 1 - 30 days past due,,,,,,,"$1,150.00","$1,150.00"
            Current
            ,11/20/2026,Invoice,1050,Union Square Media,12/20/2026,0,$980.50,$980.50
            TOTAL,,,,,,,"$2,130.50","$2,130.50"
            """
        let export = try read(csv)
        #expect(export.format == .quickbooks)
        #expect(export.invoices.map(\.number) == ["1042", "1050"])
        #expect(export.invoices[0].due?.iso == "2026-11-13")  // month first
        #expect(export.invoices[0].balance.description == "1250.00 USD")  // `$` means USD
        #expect(export.invoices[1].customerName == "Union Square Media")
    }

    @Test func quickBooksOpenInvoicesTakeTheCustomerFromGroupRows() throws {
        let csv = """
            Open Invoices
            ,Date,Transaction Type,Num,Terms,Due Date,Amount,Open Balance
            Corvid Analytics
            ,10/01/2026,Invoice,2001,Net 30,10/31/2026,500.00,500.00
            Total for Corvid Analytics,,,,,,500.00,500.00
            """
        let export = try read(csv)
        #expect(export.invoices.map(\.customerName) == ["Corvid Analytics"])
    }

    @Test func stripeStatusesAndLowerCaseCurrencies() throws {
        let csv = """
            id,Number,Customer Name,Customer Email,Date (UTC),Due Date (UTC),Total,Amount Remaining,Currency,Status
            in_1,ABC-0001,Fjord AS,ap@fjord.example,2026-10-01 10:00,2026-10-31 10:00,900.00,900.00,usd,open
            in_2,ABC-0002,Fjord AS,ap@fjord.example,2026-10-02 10:00,2026-11-01 10:00,50.00,0.00,usd,paid
            in_3,ABC-0003,Fjord AS,ap@fjord.example,2026-10-03 10:00,2026-11-02 10:00,75.00,75.00,usd,void
            """
        let export = try read(csv)
        #expect(export.format == .stripe)
        #expect(export.invoices.map(\.disposition) == [.open, .paid, .void])
        #expect(export.invoices[0].balance.description == "900.00 USD")
        #expect(export.invoices[0].due?.iso == "2026-10-31")
    }

    @Test func freshBooksExport() throws {
        let csv = """
            Client Name,Invoice #,Date Issued,Due Date,Invoice Status,Amount,Outstanding,Currency
            Evergreen Legal,0000123,2026-09-01,2026-10-01,overdue,"1,200.00",700.00,EUR
            """
        let export = try read(csv)
        #expect(export.format == .freshbooks)
        #expect(export.invoices[0].number == "0000123")
        #expect(export.invoices[0].balance.description == "700.00 EUR")
    }

    @Test func europeanSheetWithDecimalCommasAndMappedGermanHeaders() throws {
        let csv = "Rechnungsnr.;Kunde;Fällig am;Offen;Währung\nR-2026-7;Müller GmbH;15.10.2026;1.234,56;EUR\n"
        let export = try read(csv, map: [.number: "Rechnungsnr.", .customer: "Kunde", .due: "Fällig am", .balance: "Offen", .currency: "Währung"])
        #expect(export.decimalComma)
        #expect(export.invoices[0].balance.description == "1234.56 EUR")
        #expect(export.invoices[0].due?.iso == "2026-10-15")
    }

    @Test func ambiguousDatesAskForAFormatInsteadOfGuessing() throws {
        let csv = "Invoice,Customer,Due,Balance\nA-1,Acme,03/04/2026,10.00\nA-2,Acme,05/06/2026,12.00\n"
        #expect {
            try read(csv)
        } throws: { error in
            (error as? DiagnosticList)?.description.contains("--date-format DD/MM/YYYY or --date-format MM/DD/YYYY") == true
        }
        let dayFirst = try read(csv, dates: .dayMonthYear)
        #expect(dayFirst.invoices[0].due?.iso == "2026-04-03")
        let monthFirst = try read(csv, dates: .monthDayYear)
        #expect(monthFirst.invoices[0].due?.iso == "2026-03-04")
        // One unambiguous date settles the whole file.
        #expect(try read(csv + "A-3,Acme,25/06/2026,1.00\n").invoices[0].due?.iso == "2026-04-03")
    }

    @Test func everyBadRowIsReportedWithLineColumnAndValue() throws {
        let csv = """
            Invoice,Customer,Due,Balance
            A-1,Acme,2026-10-01,10.00
            A-2,Acme,2026-13-01,12.00
            A-3,,2026-10-01,12.00
            A-4,Acme,2026-10-01,twelve
            A-1,Acme,2026-10-01,99.00
            """
        #expect {
            try read(csv)
        } throws: { error in
            guard let list = error as? DiagnosticList else { return false }
            return list.items.map(\.headline) == [
                "export.csv:3: column 3 (Due): `2026-13-01` is not a date",
                "export.csv:4: column 2 (Customer): the customer is empty",
                "export.csv:5: column 4 (Balance): `twelve` is not an amount",
                "export.csv:6: invoice A-1 appears again with different facts (first on line 2)",
            ]
        }
    }

    @Test func aLargeExportIsReadOnEveryCoreButReportedInFileOrder() throws {
        // 12,000 rows: enough to be split across workers; problems near both ends.
        var lines = ["Invoice,Customer,Due,Balance"]
        for i in 0..<12_000 { lines.append("N-\(i),Customer \(i % 50),2026-10-\(String(format: "%02d", i % 28 + 1)),\(i).50") }
        lines[11_500] = "N-11499,Customer 1,2026-02-30,1.00"
        lines[3] = "N-2,,2026-10-01,1.00"
        lines.append("N-7,Customer 7,2026-10-08,999.00")
        #expect {
            try read(lines.joined(separator: "\n"))
        } throws: { error in
            (error as? DiagnosticList)?.items.map(\.headline) == [
                "export.csv:4: column 2 (Customer): the customer is empty",
                "export.csv:11501: column 3 (Due): `2026-02-30` is not a date",
                "export.csv:12002: invoice N-7 appears again with different facts (first on line 9)",
            ]
        }
        lines.removeLast()
        lines[11_500] = "N-11499,Customer 1,2026-02-28,1.00"
        lines[3] = "N-2,Customer 2,2026-10-03,2.50"
        let export = try read(lines.joined(separator: "\n"))
        #expect(export.invoices.count == 12_000)
        #expect(export.invoices.map(\.number) == (0..<12_000).map { "N-\($0)" })
        #expect(export.invoices[11_499].line == 11_501 && export.invoices[11_499].balance.description == "1.00 EUR")
    }

    @Test func aFileWithoutTheNeededColumnsSaysHowToMapThem() {
        #expect {
            try read("Foo,Bar\n1,2\n")
        } throws: { error in
            let text = (error as? DiagnosticList)?.description ?? ""
            return text.contains("cannot find the header row: one with an invoice number, a customer and an amount") && text.contains("--map number=")
        }
    }
}

@Suite struct ImportPlanTests {
    let clock = LedgerClock(timezone: TimeZone(identifier: "UTC")!, today: CalendarDate(iso: "2026-11-30"), now: Date(timeIntervalSince1970: 1_796_000_000))
    let csv = """
        Invoice,Customer,Email,Due,Total,Balance
        A-1,Acme GmbH,ap@acme.example,2026-10-01,100.00,100.00
        A-2,Acme GmbH,ap@acme.example,2026-11-01,50.00,50.00
        B-1,Blue Ltd,,2026-12-01,70.00,70.00
        """

    func plan(_ text: String, cases: [String: CaseSummary] = [:], customers: [String: String] = [:], closeMissing: Bool = false) throws -> ImportPlan {
        let someone = [CustomerFile.Contact(name: nil, email: "ap@known.example")]
        let summaries = customers.mapValues { CustomerSummary(name: $0, cadence: CustomerCadence(policy: .review, sensitive: false, cadence: nil), contacts: someone) }
        return try ImportPlan.make(
            export: try read(text), settings: ImportSettings(source: "open.csv", closeMissing: closeMissing), cases: Array(cases.values),
            customers: summaries, who: "Ana", clock: clock)
    }

    /// The ledger's view after applying `plan`, as the ledger layer would see it.
    func apply(_ plan: ImportPlan, to cases: [String: CaseSummary]) -> [String: CaseSummary] {
        var out = cases
        for (path, file) in plan.newCases { out[file.facts.number] = CaseSummary(path: path, file: file) }
        for update in plan.updates {
            guard var s = out[update.number] else { continue }
            var file = CaseFile(facts: update.facts ?? s.facts, customerName: "", events: [])
            for e in update.events { file.append(e) }
            s.state = CaseState(facts: file.facts, events: [TimelineEvent(date: clock.today, minutes: 0, kind: .opened, attributes: [("balance", s.state.balance.description)], who: "x")] + file.events)
            s.facts = file.facts
            out[update.number] = s
        }
        return out
    }

    @Test func aFirstImportCreatesCustomersAndCases() throws {
        let p = try plan(csv)
        #expect(p.newCustomers.map(\.slug) == ["acme-gmbh", "blue-ltd"])
        #expect(p.newCustomers[0].contacts.map(\.email) == ["ap@acme.example"])
        #expect(p.newCases.map(\.path) == ["cases/acme-gmbh/a-1.md", "cases/acme-gmbh/a-2.md", "cases/blue-ltd/b-1.md"])
        #expect(p.newCases[0].file.events.map(\.kind) == [.opened])
        #expect(p.subject(source: "open.csv") == "import: 3 invoices from open.csv (3 new, 0 updated)")
    }

    @Test func reImportingTheSameExportChangesNothing() throws {
        let ledger = apply(try plan(csv), to: [:])
        let again = try plan(csv, cases: ledger, customers: ["acme-gmbh": "Acme GmbH", "blue-ltd": "Blue Ltd"])
        #expect(again.isEmpty)
        #expect(again.unchanged == 3)
    }

    @Test func aChangedBalanceBecomesAnEventAndMissingInvoicesAreListed() throws {
        let ledger = apply(try plan(csv), to: [:])
        let later = """
            Invoice,Customer,Due,Total,Balance
            A-1,Acme GmbH,2026-10-15,100.00,40.00
            B-1,Blue Ltd,2026-12-01,70.00,70.00
            """
        let p = try plan(later, cases: ledger, customers: ["acme-gmbh": "Acme GmbH", "blue-ltd": "Blue Ltd"])
        #expect(p.updates.count == 1)
        #expect(p.updates[0].events.map(\.kind) == [.updated, .balance])
        #expect(p.updates[0].events[1].attribute("balance") == "40.00 EUR")
        #expect(p.updates[0].events[1].attribute("was") == "100.00 EUR")
        #expect(p.updates[0].facts?.due.iso == "2026-10-15")
        #expect(p.missing.map(\.facts.number) == ["A-2"])
        let closing = try plan(later, cases: ledger, customers: ["acme-gmbh": "Acme GmbH", "blue-ltd": "Blue Ltd"], closeMissing: true)
        #expect(closing.updates.map(\.number).sorted() == ["A-1", "A-2"])
        #expect(closing.updates.first { $0.number == "A-2" }?.events.map(\.kind) == [.closed])
    }

    @Test func slugCollisionsAndHostileNumbersStayInsideTheLedger() throws {
        let text = "Invoice,Customer,Due,Balance\nINV 7,Acme,2026-10-01,1\ninv-7,Acme,2026-10-01,2\n../../x,Acme,2026-10-01,3\n2026/118,ACME,2026-10-01,4\n"
        let p = try plan(text, customers: ["acme": "Acme"])
        let paths = p.newCases.map(\.path)
        #expect(Set(paths).count == 4)
        #expect(paths.allSatisfy { $0.hasPrefix("cases/acme/") && !$0.contains("..") && $0.split(separator: "/").count == 3 })
        #expect(paths.contains("cases/acme/x.md") && paths.contains("cases/acme/2026-118.md"))
        #expect(p.newCustomers.isEmpty)  // `ACME` is the existing `Acme`
    }
}

@Suite struct QueueTests {
    func summary(_ number: String, due: String, balance: String, currency: String = "EUR", status: CaseState.Status = .open) -> CaseSummary {
        let cur = Currency(code: currency)!
        let facts = InvoiceFacts(number: number, customer: "acme", issued: nil, due: CalendarDate(iso: due)!, amount: Money(Decimals.parsePlain(balance)!, cur))
        var state = CaseState(facts: facts, events: [])
        state.status = status
        return CaseSummary(path: "cases/acme/\(number).md", facts: facts, state: state)
    }

    @Test func ordersByAgeAndSizeAndTotalsPerCurrency() {
        let today = CalendarDate(iso: "2026-11-30")!
        let queue = Queue(cases: [
            summary("current", due: "2026-12-10", balance: "9000.00"),
            summary("old-small", due: "2026-06-01", balance: "100.00"),
            summary("mid-large", due: "2026-09-01", balance: "50000.00"),
            summary("recent", due: "2026-11-20", balance: "800.00", currency: "USD"),
            summary("paid", due: "2026-01-01", balance: "0.00", status: .paid),
        ], customerNames: ["acme": "Acme"], today: today)
        #expect(queue.items.map(\.summary.facts.number) == ["old-small", "mid-large", "recent", "current"])
        #expect(queue.items.map(\.bucket) == [.d90plus, .d61_90, .d1_30, .current])
        #expect(queue.items[0].daysOverdue == 182)
        let totals = Queue.totals(queue.items)
        #expect(totals.map(\.total.display) == ["EUR 59,100.00", "USD 800.00"])
        // A hand-typed balance finer than cents still adds exactly.
        var odd = summary("odd", due: "2026-10-01", balance: "0.10")
        odd.state.balance = Money(Decimals.parsePlain("0.125")!, Currency(code: "EUR")!)
        let withOdd = Queue(cases: queue.items.map(\.summary) + [odd], customerNames: [:], today: today)
        #expect(Queue.totals(withOdd.items).first?.total.amount == Decimals.parsePlain("59100.125"))
    }

    @Test(arguments: [(0, AgingBucket.current), (1, .d1_30), (30, .d1_30), (31, .d31_60), (60, .d31_60), (61, .d61_90), (90, .d61_90), (91, .d90plus)])
    func bucketsHaveTheUsualEdges(days: Int, bucket: AgingBucket) {
        #expect(AgingBucket(daysOverdue: days) == bucket)
    }
}

@Suite struct LedgerCheckTests {
    @Test func reportsEveryProblemWithItsFileAndLine() throws {
        let good = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/DueTrailCoreTests/ImportTests.swift", with: "example-ledger/duetrail.yaml"), encoding: .utf8)
        let files = [
            "duetrail.yaml": good,
            "customers/acme.yaml": "name: Acme\ncontacts:\n  - email: not-an-address\n",
            "customers/blue.yaml": "name: Blue\npolicy: sometimes\n",
            "cases/acme/a-1.md": "---\ninvoice: A-1\ncustomer: blue\ndue: 2026-10-01\namount: 1.00\ncurrency: EUR\n---\n\n## Timeline\n",
            "cases/zeta/z-1.md": "---\ninvoice: A-1\ncustomer: zeta\ndue: 2026-10-01\namount: 1.00\ncurrency: EUR\n---\n\n## Timeline\n",
            "cases/stray.txt": "x",
        ]
        let report = LedgerCheck.run(files: files)
        #expect(report.problems.map(\.headline) == [
            "customers/acme.yaml:3: `not-an-address` is not an email address: it has no `@`",
            "customers/blue.yaml:2:9: `policy` is one of review, auto, manual — not `sometimes`",
            "cases/acme/a-1.md:3: the case is in folder `acme` but names customer `blue`",
            "cases/stray.txt: unexpected file: cases are cases/<customer>/<invoice>.md",
            "cases/zeta/z-1.md:3: no customer file customers/zeta.yaml",
            "cases/zeta/z-1.md:2: invoice A-1 also has a case in cases/acme/a-1.md",
        ])
    }
}
