import Foundation

/// One invoice as an export states it, after dates, amounts and statuses are understood.
package struct ImportedInvoice: Sendable, Equatable {
    package enum Disposition: String, Sendable {
        /// Still owed: becomes or updates a case.
        case open
        /// Settled in the accounting package.
        case paid
        /// Cancelled (void, deleted, written off).
        case void
        /// Not yet sent (draft): not chased, not imported.
        case draft
    }

    /// Where the due date came from.
    package enum DueSource: Sendable, Equatable {
        /// The export's due date column.
        case export
        /// The row's payment terms (`Net 30`), counted from the issue date.
        case terms(PaymentTerms)
        /// The customer's `terms:`, or the ledger's `default_terms:` (set by the import plan).
        case customerTerms(PaymentTerms)
        case defaultTerms(PaymentTerms)

        /// Where terms came from, for the import's summary; nil for a due date column.
        package var origin: String? {
            switch self {
            case .export: return nil
            case .terms: return "the export's terms"
            case .customerTerms: return "customers' terms:"
            case .defaultTerms: return "default_terms:"
            }
        }

        /// `terms "Net 30"`, for the case's `opened` event; nil for a due date column.
        package var label: String? {
            switch self {
            case .export: return nil
            case .terms(let t): return "terms \(t.text) (\(t))"
            case .customerTerms(let t): return "customer terms \(t.text) (\(t))"
            case .defaultTerms(let t): return "default_terms \(t.text) (\(t))"
            }
        }
    }

    /// How the amount owed was known.
    package enum BalanceSource: Sendable, Equatable {
        case balanceColumn
        case totalMinusPaid
        /// Only a total: taken as owed (said in the import's output).
        case totalAsOwed
    }

    package var line: Int
    package var number: String
    package var customerName: String
    package var email: String?
    package var contactName: String?
    package var issued: CalendarDate?
    /// nil until the import plan applies the customer's or the ledger's terms.
    package var due: CalendarDate?
    package var dueSource: DueSource?
    package var total: Money
    /// False when the export has no total column (then `total` is the balance, a best guess
    /// that an update never writes over a known total).
    package var totalKnown: Bool = true
    package var balance: Money
    package var balanceSource: BalanceSource = .balanceColumn
    package var disposition: Disposition
}

/// Options that shape how an export is read.
package struct ExportOptions: Sendable {
    package var format: ExportFormat?
    package var overrides: [InvoiceField: String]
    package var dateOrder: DateOrder?
    package var defaultCurrency: Currency
    /// `--status open="Awaiting Payment"`: status words (as `StatusVocabulary.key`) a person classified.
    package var statuses: [String: StatusClass]

    package init(
        format: ExportFormat? = nil, overrides: [InvoiceField: String] = [:], dateOrder: DateOrder? = nil, defaultCurrency: Currency,
        statuses: [String: StatusClass] = [:]
    ) {
        self.format = format
        self.overrides = overrides
        self.dateOrder = dateOrder
        self.defaultCurrency = defaultCurrency
        self.statuses = statuses
    }
}

/// The invoices of one export, read all at once: either every invoice, or every problem;
/// and what was assumed along the way, so the import can say it.
package struct InvoiceExport: Sendable {
    package let map: ColumnMap
    package var format: ExportFormat { map.format }
    package let invoices: [ImportedInvoice]
    package let dateOrder: DateOrder?
    package let decimalComma: Bool
    package let delimiterName: String
    /// Rows read once because an earlier row was exactly the same.
    package let duplicateRows: [Int]
    /// Rows that carry lines of an invoice already read (line-item exports).
    package let lineRows: Int
    /// Credit notes (negative invoices, a credit-note type): never opened as debts.
    package let creditNotes: [String]
    /// Rows of other documents (payments, journal entries, quotes), by kind.
    package let otherDocuments: [String: Int]
    /// Heading, section and total rows around and inside the table.
    package let skippedRows: Int
    /// Invoices with no currency of their own, taken in the ledger's currency.
    package let defaultCurrencyRows: Int
    /// Invoices whose balance the export does not give (partly paid without a balance, an
    /// empty balance cell): not opened, listed.
    package let balanceUnknown: [String]
    /// Lines of a generic sheet where the balance is not total − paid (a wrong column?).
    package let balanceMismatches: [Int]
    /// Line rows exactly alike within one invoice, each counted (line-item sums).
    package let repeatedLines: [Int]
    /// Drafts without an invoice number yet: never opened.
    package let unnumberedDrafts: Int

    /// Reads `bytes` (the file at `path`). Throws a `DiagnosticList` with every bad line.
    package init(bytes: [UInt8], path: String, options: ExportOptions) throws(DiagnosticList) {
        let table: CSVTable
        let map: ColumnMap
        do {
            table = try CSVTable(bytes: bytes)
            map = try ColumnMap.detect(table, format: options.format, overrides: options.overrides, path: path)
        } catch var error {
            error.path = path
            throw DiagnosticList([error])
        }
        self.map = map
        delimiterName = table.delimiterName
        let data = Array(table.records[(map.headerRecord + 1)...])
        // Column of each field (-1: absent), looked up once instead of per cell.
        var columnOf = [Int](repeating: -1, count: InvoiceField.allCases.count)
        for (field, column) in map.columns { columnOf[field.ordinal] = column }
        func cell(_ r: CSVTable.Record, _ f: InvoiceField) -> String { RowReader.cell(r, f, columnOf) }
        let numberColumn = columnOf[InvoiceField.number.ordinal]

        // Which rows are invoices, in order: report exports (QuickBooks) carry group headings,
        // totals and footers; sheets carry titles and blank rows.
        var problems: [Diagnostic] = []
        var invoiceRows: [(row: Int, group: String?)] = []
        invoiceRows.reserveCapacity(data.count)
        var groupCustomer: String?
        var skipped = 0, unnumbered = 0
        var others: [String: Int] = [:]
        var unknownKinds = LinesByValue()
        let width = map.headers.count
        // Status words, document types and terms repeat across rows: each distinct text is
        // classified once (folding accents per row was most of the cost of a large export).
        var lookups = RowLookups()
        func kind(_ r: CSVTable.Record) -> DocumentKind {
            let text = cell(r, .type)
            if let k = lookups.kinds[text] { return k }
            let k = DocumentKind.of(text, format: map.format)
            lookups.kinds[text] = k
            return k
        }
        func status(_ r: CSVTable.Record) -> StatusClass? {
            let text = cell(r, .status)
            if let known = lookups.statuses[text] { return known.cls }
            let reading = StatusVocabulary.reading(text, vendor: map.profile?.statuses ?? [:], overrides: options.statuses)
            lookups.statuses[text] = reading
            return reading.cls
        }
        /// A row of a known other kind (a payment, a quote) is counted, of an unknown kind noted.
        func isOtherDocument(_ r: CSVTable.Record) -> Bool {
            guard columnOf[InvoiceField.type.ordinal] >= 0 else { return false }
            switch kind(r) {
            case .other(let name): others[name, default: 0] += 1
            case .unknown(let name): unknownKinds.add(name, line: r.line)
            case .invoice, .creditNote: return false
            }
            return true
        }
        let delimiterText = table.delimiterText
        for (row, r) in data.enumerated() {
            if !r.isBlank(numberColumn) && !Self.isTotal(r.field(numberColumn)) {
                if isOtherDocument(r) { continue }
                if r.count < width || (r.count > width && (width..<r.count).contains { !r.isBlank($0) }) {
                    problems.append(Diagnostic(
                        path: path, line: r.line,
                        message: "this row has \(r.count) fields but the header (line \(map.headerLine)) has \(width)"
                            + (r.count < width ? ": a field is missing, so the columns after it cannot be trusted" : ": a value may hold an unquoted `\(delimiterText)`"),
                        excerpt: r.fields.joined(separator: delimiterText),
                        hint: "fix the row in the sheet (or export it again) so every row has the header's columns"))
                    continue
                }
                invoiceRows.append((row, groupCustomer))
                continue
            }
            let nonEmpty = r.fields.map(\.trimmedSpaces).filter { !$0.isEmpty }
            guard let first = nonEmpty.first else { skipped += 1; continue }
            let lowered = first.lowercased()
            // Headings (a customer, an aging bucket, a section) and totals carry no invoice.
            if nonEmpty.count == 1 || Self.isTotal(lowered) || nonEmpty.allSatisfy(Self.looksNumeric) {
                // A lone name heads a customer's group (`Total Energies` too); `TOTAL` does not.
                if nonEmpty.count == 1 && !Self.isBareTotal(lowered) && !Self.isBucketHeading(lowered) { groupCustomer = first }
                skipped += 1
                continue
            }
            // Drafts may have no number yet (Stripe numbers an invoice when it is finalised).
            if columnOf[InvoiceField.status.ordinal] >= 0, status(r) == .draft {
                unnumbered += 1
                continue
            }
            if isOtherDocument(r) { continue }
            // A report's row without a number is a heading or a subtotal, unless it says it is an invoice.
            if (map.format == .quickbooks || map.format == .quickbooksDesktop) && (cell(r, .type).isEmpty || kind(r) != .invoice) {
                skipped += 1
            } else {
                problems.append(map.problem(r, .number, "the invoice number is empty", path: path, delimiter: delimiterText))
            }
        }

        let typeHeader = map.columns[.type].map { map.headers[$0] } ?? "type"
        problems += unknownKinds.problems(
            path: path, message: { "document type `\($0)` in `\(typeHeader)` (\($1)) is not an invoice, credit note, payment or other kind DueTrail knows" },
            hint: { _ in "if that column is not the document's type, leave it unread with --map type=" })

        // Date order and decimal mark, decided once for the whole file.
        var dateValues: [String] = []
        var amountValues: [String] = []
        let hasStatus = columnOf[InvoiceField.status.ordinal] >= 0, hasTerms = columnOf[InvoiceField.terms.ordinal] >= 0
        for (row, _) in invoiceRows {
            let r = data[row]
            for f in [InvoiceField.issued, .due] { let v = cell(r, f); if !v.isEmpty { dateValues.append(v) } }
            for f in [InvoiceField.total, .paid, .balance, .line] { let v = cell(r, f); if !v.isEmpty { amountValues.append(v) } }
            if hasStatus { _ = status(r) }
            if hasTerms {
                let text = cell(r, .terms)
                if lookups.terms[text] == nil { lookups.terms[text] = .some(PaymentTerms(text)) }
            }
        }
        var order = options.dateOrder
        if order == nil {
            let inferred = DateReader.inferOrder(dateValues, default: map.profile?.slashOrder)
            if inferred.ambiguous {
                let sample = dateValues.first(where: DateReader.needsOrder) ?? ""
                throw DiagnosticList([Diagnostic(
                    path: path, line: map.headerLine,
                    message: "cannot tell whether dates like `\(sample)` are day/month or month/day",
                    hint: "say which with --date-format DD/MM/YYYY or --date-format MM/DD/YYYY")])
            }
            order = inferred.order
        }
        dateOrder = order
        let mark = AmountReader.inferDecimalComma(amountValues, delimiter: table.delimiter)
        if mark.conflict {
            throw DiagnosticList([Diagnostic(path: path, line: map.headerLine,
                message: "amounts use both `,` and `.` as the decimal mark; save the sheet with one number format")])
        }
        decimalComma = mark.comma
        let reader = RowReader(
            map: map, columnOf: columnOf, dates: DateReader(slashOrder: order), amounts: AmountReader(decimalComma: mark.comma),
            defaultCurrency: options.defaultCurrency, path: path, delimiter: delimiterText, lookups: lookups)

        // The rows, independent of each other, are read on every core…
        let rows = invoiceRows
        let read = Parallel.map(count: rows.count, minimum: 4000) { reader.read(data[rows[$0].row], group: rows[$0].group) }

        // …then grouped by invoice number in file order: line items of one invoice repeat its
        // facts; a row exactly like an earlier one is read once.
        let summing = columnOf[InvoiceField.total.ordinal] < 0 && columnOf[InvoiceField.line.ordinal] >= 0
        var groups: [RowValues] = []
        groups.reserveCapacity(rows.count)
        var byNumber: [String: Int] = [:]
        byNumber.reserveCapacity(rows.count)
        // The rows already read of each repeated invoice, as text: made only once a number
        // repeats (line items), never for the 100,000 rows of an export of single rows.
        var firstRow: [Int] = []  // by group: the row it began on
        var seenRows: [Int: Set<[String]>] = [:]  // by group
        var duplicates: [Int] = [], repeated: [Int] = []
        var lineRows = 0
        var unknownStatuses = LinesByValue(), badTerms = LinesByValue()
        for (k, outcome) in read.enumerated() {
            switch outcome {
            case .problem(let problem): problems.append(problem)
            case .unknownStatus(let text, let line): unknownStatuses.add(text, line: line)
            case .unreadableTerms(let text, let line): badTerms.add(text, line: line)
            case .row(var values):
                if let earlier = byNumber[values.number] {
                    let raw = data[rows[k].row].fields
                    if seenRows[earlier] == nil { seenRows[earlier] = [data[firstRow[earlier]].fields] }
                    let exact = seenRows[earlier]?.contains(raw) == true
                    if exact && !summing {
                        duplicates.append(values.line)
                        continue
                    }
                    if !groups[earlier].sameInvoice(as: values) {
                        problems.append(Diagnostic(
                            path: path, line: values.line,
                            message: "invoice \(values.number) appears again with different facts (first on line \(groups[earlier].line))",
                            excerpt: raw.joined(separator: ","),
                            hint: "an export lists each invoice once (or repeats the same facts on each line item)"))
                        continue
                    }
                    lineRows += 1
                    if summing {
                        if exact { repeated.append(values.line) }
                        groups[earlier].lineSum += values.lineSum
                    }
                    seenRows[earlier, default: []].insert(raw)
                    continue
                }
                values.group = rows[k].group
                byNumber[values.number] = groups.count
                firstRow.append(rows[k].row)
                groups.append(values)
            }
        }
        problems += unknownStatuses.problems(
            path: path, message: { "status `\($0)` (\($1)) is not one DueTrail knows" },
            hint: { "say what it means with --status open=\"\($0)\" (or draft=, paid=, void=, credit=): open is chased, draft never, paid and void close a case" })
        problems += badTerms.problems(
            path: path, message: { "payment terms `\($0)` (\($1)) do not say for certain how many days" },
            hint: { _ in "export with a due date column, or leave the terms column unread with --map terms= (then customers' `terms:` and `default_terms:` in duetrail.yaml apply)" })
        if !problems.isEmpty { throw DiagnosticList(problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }

        // Each invoice's amounts, now that its lines are summed.
        var invoices: [ImportedInvoice] = []
        invoices.reserveCapacity(groups.count)
        var credits: [String] = [], partlyPaid: [String] = []
        var defaultCurrency = 0
        let balanceColumn = columnOf[InvoiceField.balance.ordinal] >= 0
        let checkSums = map.format == .generic && balanceColumn && columnOf[InvoiceField.paid.ordinal] >= 0
            && (columnOf[InvoiceField.total.ordinal] >= 0 || summing)
        var mismatches: [Int] = []
        for g in groups {
            if g.kind == .creditNote || g.status == .credit {
                credits.append(g.number)
                continue
            }
            let made = g.invoice(summing: summing, currency: g.currency, balanceColumn: balanceColumn, path: path)
            let invoice: ImportedInvoice
            switch made {
            case .invoice(let i): invoice = i
            case .balanceUnknown:
                partlyPaid.append(g.number)
                continue
            case .contradiction(let problem):
                problems.append(problem)
                continue
            case .emptyBalance:
                let column = columnOf[InvoiceField.balance.ordinal]
                problems.append(Diagnostic(
                    path: path, line: g.line, message: "column \(column + 1) (\(map.headers[column])): the balance of \(g.number) is empty; an empty cell is not 0.00",
                    hint: "write what is still owed (0 for a paid invoice), or give the row a paid or void status"))
                continue
            }
            // A generic sheet whose balance is not total − paid may have the wrong column mapped.
            if checkSums, let b = g.balance, let p = g.paid, let t = g.total ?? (summing ? g.lineSum : nil), (t - p - b).magnitude > Decimal(sign: .plus, exponent: -3, significand: 5) {
                mismatches.append(g.line)
            }
            if invoice.total.amount < 0 || (!invoice.totalKnown && invoice.balance.amount < 0 && g.status == nil) {
                credits.append(g.number)  // a negative invoice is a credit note
                continue
            }
            if !g.currencyNamed { defaultCurrency += 1 }
            invoices.append(invoice)
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        self.invoices = invoices
        balanceMismatches = mismatches
        duplicateRows = duplicates
        repeatedLines = repeated
        self.lineRows = lineRows
        creditNotes = credits
        otherDocuments = others
        skippedRows = skipped
        defaultCurrencyRows = defaultCurrency
        balanceUnknown = partlyPaid
        unnumberedDrafts = unnumbered
    }

    /// `Current`, `1 - 30 days past due`, `> 90`, `91 or more`: an aging bucket, not a customer.
    static func isBucketHeading(_ text: String) -> Bool {
        if text == "current" || text.contains("days past due") || text.contains("91 or more") || text.contains("and over") { return true }
        var rest = text
        for word in ["days", "day", "over", "older", "than", "or more", "and"] { rest = rest.replacingOccurrences(of: word, with: " ") }
        return rest.contains(where: \.isNumber) && rest.allSatisfy { $0.isNumber || " -<>+–".contains($0) }
    }

    /// Words that begin a sum's row (`Total for Acme`, `TOTAL`, `Grand total`, `Summe`, `Totaal`).
    static let totalWords = ["total", "grand total", "summe", "gesamt", "gesamtsumme", "totaal", "totale", "somme", "suma", "soma", "summa", "yhteensa", "i alt", "sum"]

    /// The first three letters of `totalWords`, packed: most cells are invoice numbers and
    /// names, and only those that begin like a total are folded.
    static let totalHeads: Set<UInt32> = Set(totalWords.map { word in word.utf8.prefix(3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } })

    /// `TOTAL`, `Grand total`, `Summe` alone in a row: a sum, never a customer's heading.
    static func isBareTotal(_ text: String) -> Bool {
        let t = StatusVocabulary.key(text)
        return totalWords.contains(t) || t == "total:" || t.hasPrefix("total for ")
    }

    /// `Total for Acme`, `TOTAL`, `Grand total`, `Summe`, `Totaal`, `Gesamt`: a sum, not an invoice.
    static func isTotal(_ text: String) -> Bool {
        var head: UInt32 = 0, n = 0
        for b in text.utf8 where n < 3 {
            if n == 0 && (b == 32 || b == 9) { continue }
            head = head << 8 | UInt32(b >= 65 && b <= 90 ? b + 32 : b)
            n += 1
        }
        guard Self.totalHeads.contains(head) else { return false }
        let t = StatusVocabulary.key(text)
        return totalWords.contains { t == $0 || t.hasPrefix($0 + " ") || t.hasPrefix($0 + ":") }
    }

    /// A cell of a totals row: an amount, a date, a count or a currency code, never a name.
    static func looksNumeric(_ text: String) -> Bool {
        if text.count == 3, Currency(code: text) != nil, text == text.uppercased() { return true }
        return text.unicodeScalars.allSatisfy { CharacterSet.decimalDigits.contains($0) || ".,-+()$€£¥ '/%".unicodeScalars.contains($0) || $0 == "\u{00A0}" }
    }
}

/// The lines each distinct value was seen on, in the order values first appeared: one
/// message per unknown status, type or terms text, naming all its lines.
struct LinesByValue {
    private(set) var order: [String] = []
    private var lines: [String: [Int]] = [:]

    mutating func add(_ value: String, line: Int) {
        if lines[value] == nil { order.append(value) }
        lines[value, default: []].append(line)
    }

    var isEmpty: Bool { order.isEmpty }
    func lines(of value: String) -> [Int] { lines[value] ?? [] }

    /// `line 3` or `lines 3, 4, …` (eight at most).
    func named(_ value: String) -> String {
        let all = lines(of: value)
        return "line\(all.count == 1 ? "" : "s") " + all.prefix(8).map(String.init).joined(separator: ", ") + (all.count > 8 ? ", …" : "")
    }

    /// One problem per value, at its first line: `message(value, "lines 3, 4")`.
    func problems(path: String, message: (String, String) -> String, hint: (String) -> String) -> [Diagnostic] {
        order.map { Diagnostic(path: path, line: lines(of: $0).first, message: message($0, named($0)), hint: hint($0)) }
    }
}

/// What each distinct status, type and terms text of an export means, worked out once.
struct RowLookups: Sendable {
    var statuses: [String: (cls: StatusClass?, partial: Bool)] = [:]
    var kinds: [String: DocumentKind] = [:]
    var terms: [String: PaymentTerms?] = [:]
}

/// One invoice row as read, before the rows of one invoice are put together.
struct RowValues: Sendable {
    var line: Int
    var number: String
    var customer: String
    var email: String?
    var contact: String?
    var issued: CalendarDate?
    var due: CalendarDate?
    var dueSource: ImportedInvoice.DueSource?
    var total: Decimal?
    var paid: Decimal?
    var balance: Decimal?
    var lineSum: Decimal
    var currency: Currency
    var currencyNamed: Bool
    var status: StatusClass?
    var statusIsPartial: Bool
    var kind: DocumentKind
    var group: String?

    /// The same invoice facts (line items repeat them; only line amounts may differ).
    func sameInvoice(as o: RowValues) -> Bool {
        customer == o.customer && issued == o.issued && due == o.due && total == o.total && paid == o.paid && balance == o.balance
            && currency == o.currency && status == o.status
    }

    enum Made {
        case invoice(ImportedInvoice)
        /// Partly paid, and the export has no balance column: how much is left is not known.
        case balanceUnknown
        /// The export has a balance column, but this invoice's cell is empty (and no paid
        /// column or paid status says what is left): an error, never read as 0.00.
        case emptyBalance
        /// A paid status with money still owed by the export's own figures.
        case contradiction(Diagnostic)
    }

    /// The invoice these rows make. `balanceColumn`: the export has one (so an empty cell
    /// there is not knowledge).
    func invoice(summing: Bool, currency: Currency, balanceColumn: Bool, path: String) -> Made {
        let totalValue = total ?? (summing ? lineSum : nil)
        var source = ImportedInvoice.BalanceSource.balanceColumn
        var owed: Decimal
        if let balance {
            owed = balance
        } else if let totalValue, let paid {
            owed = totalValue - paid
            source = .totalMinusPaid
        } else {
            if balanceColumn && status != .paid && status != .void && status != .draft { return .emptyBalance }
            owed = totalValue ?? 0
            source = .totalAsOwed
            if statusIsPartial && status == .open { return .balanceUnknown }
        }
        var disposition: ImportedInvoice.Disposition = owed > 0 ? .open : .paid
        switch status {
        case .draft: disposition = .draft
        case .void: disposition = .void
        case .paid:
            if owed > 0 && source != .totalAsOwed {
                return .contradiction(Diagnostic(
                    path: path, line: line,
                    message: "invoice \(number) has a paid status, but the export's own figures leave \(Money(owed, currency).rounded.display) owed",
                    hint: "check the status and balance columns in the accounting package; DueTrail neither chases nor closes an invoice whose export contradicts itself"))
            }
            disposition = .paid
        case .open, .credit, nil: break
        }
        let totalMoney = Money(totalValue ?? owed, currency).rounded
        return .invoice(ImportedInvoice(
            line: line, number: number, customerName: customer, email: email, contactName: contact, issued: issued, due: due,
            dueSource: dueSource, total: totalMoney, totalKnown: totalValue != nil,
            balance: Money(disposition == .open ? owed : min(owed, 0), currency).rounded, balanceSource: source, disposition: disposition))
    }
}

/// Reads one invoice row of an export whose layout, date order and decimal mark are known.
/// Rows are independent of each other, so a large export is read on every core.
struct RowReader: Sendable {
    enum Outcome: Sendable {
        case row(RowValues)
        case problem(Diagnostic)
        /// A status word nobody classified: collected, then reported once with its lines.
        case unknownStatus(String, line: Int)
        case unreadableTerms(String, line: Int)
    }

    let map: ColumnMap
    /// The column of each field by `InvoiceField.ordinal` (-1: absent).
    let columnOf: [Int]
    let dates: DateReader
    let amounts: AmountReader
    let defaultCurrency: Currency
    let path: String
    let delimiter: String
    let lookups: RowLookups

    /// `$` alone says "dollar": the ledger's own currency when that is a dollar, else USD.
    func fromSymbol(_ code: String) -> Currency? {
        if code == "USD", Currency.dollars.contains(defaultCurrency.code) { return defaultCurrency }
        return Currency(code: code)
    }

    func cell(_ r: CSVTable.Record, _ f: InvoiceField) -> String { Self.cell(r, f, columnOf) }

    /// Field `f` of row `r`, trimmed ("" when the export has no such column).
    static func cell(_ r: CSVTable.Record, _ f: InvoiceField, _ columnOf: [Int]) -> String { r.field(columnOf[f.ordinal]).trimmedSpaces }
    func has(_ f: InvoiceField) -> Bool { columnOf[f.ordinal] >= 0 }

    func problem(_ r: CSVTable.Record, _ f: InvoiceField, _ message: String) -> Diagnostic {
        map.problem(r, f, message, path: path, delimiter: delimiter)
    }

    static let amountFields: [InvoiceField] = [.total, .paid, .balance, .line]

    /// The invoice number as text: Excel's `="00123"` unwrapped, leading zeros kept.
    static func invoiceNumber(_ raw: String) -> String {
        if raw.hasPrefix("=\"") && raw.hasSuffix("\"") && raw.count >= 3 { return String(raw.dropFirst(2).dropLast()) }
        return raw
    }

    /// The invoice on row `r`; `group` is the customer heading above it in a report export.
    func read(_ r: CSVTable.Record, group: String?) -> Outcome {
        let number = Self.invoiceNumber(cell(r, .number))
        if number.isEmpty { return .problem(problem(r, .number, "the invoice number is empty")) }  // only odd spaces
        let kind = has(.type) ? lookups.kinds[cell(r, .type)] ?? DocumentKind.of(cell(r, .type), format: map.format) : .invoice
        var customer = cell(r, .customer)
        if customer.isEmpty { customer = group ?? "" }
        if customer.isEmpty { return .problem(problem(r, .customer, "the customer is empty")) }

        var status: StatusClass?
        var partial = false
        if has(.status) {
            let text = cell(r, .status)
            if !text.isEmpty {
                guard let known = lookups.statuses[text], let c = known.cls else { return .unknownStatus(text, line: r.line) }
                status = c
                partial = known.partial
            }
        }
        var issued: CalendarDate?
        let issuedText = cell(r, .issued)
        if !issuedText.isEmpty {
            guard let d = dates.parse(issuedText) else { return .problem(problem(r, .issued, "`\(issuedText)` is not a date")) }
            issued = d
        }
        let dueText = cell(r, .due)
        var due: CalendarDate?
        var dueSource: ImportedInvoice.DueSource?
        if !dueText.isEmpty {
            guard let d = dates.parse(dueText) else { return .problem(problem(r, .due, "`\(dueText)` is not a date")) }
            due = d
            dueSource = .export
        } else if has(.terms), case let termsText = cell(r, .terms), !termsText.isEmpty, status != .draft, kind == .invoice {
            var found = lookups.terms[termsText] ?? PaymentTerms(termsText)
            if let kindColumn = map.myobTermsKind, let days = Int(termsText) {
                // MYOB: 0 C.O.D. and 1 prepaid are due at once, 2 counts days from the sale, 4 days
                // after the end of its month; a day of the month (3, 5) is not read.
                switch r.field(kindColumn).trimmedSpaces {
                case "0", "1": found = PaymentTerms(rule: .days(0), text: termsText)
                case "2", "": found = PaymentTerms(rule: .days(days), text: termsText)
                case "4": found = PaymentTerms(rule: .endOfMonthThenDays(days), text: "\(termsText) after EOM")
                case let code: return .unreadableTerms("Terms - Payment is Due \(code), - Balance Due Days \(termsText)", line: r.line)
                }
            }
            guard let terms = found else { return .unreadableTerms(termsText, line: r.line) }
            guard let issued else { return .problem(problem(r, .issued, "no due date, and no issue date to count the terms `\(termsText)` from")) }
            due = terms.due(issued: issued)
            dueSource = .terms(terms)
        }
        let currencyText = cell(r, .currency)
        var currency = defaultCurrency
        var named = false
        if !currencyText.isEmpty {
            guard let c = Currency(code: currencyText) else { return .problem(problem(r, .currency, "`\(currencyText)` is not a currency code")) }
            currency = c
            named = true
        }
        var values: (total: Decimal?, paid: Decimal?, balance: Decimal?, line: Decimal?) = (nil, nil, nil, nil)
        var read: [(field: InvoiceField, text: String, value: Decimal)] = []
        for f in Self.amountFields where has(f) {
            let text = cell(r, f)
            // An empty balance or total says nothing (not zero); an empty paid or line amount is none.
            if text.isEmpty && (f == .balance || f == .total) { continue }
            guard let (v, symbol) = amounts.parse(text) else { return .problem(problem(r, f, "`\(text)` is not an amount")) }
            read.append((f, text, v))
            switch f {
            case .total: values.total = v
            case .paid: values.paid = v
            case .balance: values.balance = v
            default: values.line = v
            }
            if !named, let symbol, let c = fromSymbol(symbol) {
                currency = c
                named = true
            }
        }
        // Exactly as written, or refused: never rounded to the currency's digits.
        for (f, text, v) in read {
            if let why = ExactAmount.problem(v, text: text, currency: currency) { return .problem(problem(r, f, why)) }
        }
        let email = cell(r, .email)
        if !email.isEmpty && !EmailAddress.isPlausible(email) { return .problem(problem(r, .email, "`\(email)` is not an email address: \(EmailAddress.problem(email) ?? "")")) }
        let contact = cell(r, .contact)
        return .row(RowValues(
            line: r.line, number: number, customer: customer, email: email.isEmpty ? nil : email, contact: contact.isEmpty ? nil : contact,
            issued: issued, due: due, dueSource: dueSource, total: values.total, paid: values.paid, balance: values.balance,
            lineSum: values.line ?? 0, currency: currency, currencyNamed: named, status: status, statusIsPartial: partial, kind: kind))
    }
}
