import Foundation

/// One invoice as an export states it, after dates, amounts and statuses are understood.
public struct ImportedInvoice: Sendable, Equatable {
    public enum Disposition: String, Sendable {
        /// Still owed: becomes or updates a case.
        case open
        /// Settled in the accounting package.
        case paid
        /// Cancelled (void, deleted, credited away).
        case void
        /// Not yet sent (draft): not chased, not imported.
        case draft
    }

    public var line: Int
    public var number: String
    public var customerName: String
    public var email: String?
    public var contactName: String?
    public var issued: CalendarDate?
    public var due: CalendarDate
    public var total: Money
    /// False when the export has no total column (then `total` is the balance, a best guess
    /// that an update never writes over a known total).
    public var totalKnown: Bool = true
    public var balance: Money
    public var disposition: Disposition
}

/// Options that shape how an export is read.
public struct ExportOptions: Sendable {
    public var format: ExportFormat?
    public var overrides: [InvoiceField: String]
    public var dateOrder: DateOrder?
    public var defaultCurrency: Currency

    public init(format: ExportFormat? = nil, overrides: [InvoiceField: String] = [:], dateOrder: DateOrder? = nil, defaultCurrency: Currency) {
        self.format = format
        self.overrides = overrides
        self.dateOrder = dateOrder
        self.defaultCurrency = defaultCurrency
    }
}

/// The invoices of one export, read all at once: either every invoice, or every problem.
public struct InvoiceExport: Sendable {
    public let format: ExportFormat
    public let invoices: [ImportedInvoice]
    public let dateOrder: DateOrder?
    public let decimalComma: Bool
    public let delimiterName: String

    /// Reads `bytes` (the file at `path`). Throws a `DiagnosticList` with every bad line.
    public init(bytes: [UInt8], path: String, options: ExportOptions) throws(DiagnosticList) {
        let table: CSVTable
        let map: ColumnMap
        do {
            table = try CSVTable(bytes: bytes)
            map = try ColumnMap.detect(table, format: options.format, overrides: options.overrides, path: path)
        } catch var error {
            error.path = path
            throw DiagnosticList([error])
        }
        format = map.format
        delimiterName = table.delimiterName
        let data = Array(table.records[(map.headerRecord + 1)...])
        // Column of each field (-1: absent), looked up once instead of per cell.
        var columnOf = [Int](repeating: -1, count: InvoiceField.allCases.count)
        for (field, column) in map.columns { columnOf[field.ordinal] = column }
        func cell(_ r: CSVTable.Record, _ f: InvoiceField) -> String { RowReader.cell(r, f, columnOf) }

        // Decide date order and decimal mark once for the whole file.
        var dateValues: [String] = []
        var amountValues: [String] = []
        for r in data {
            for f in [InvoiceField.issued, .due] { let v = cell(r, f); if !v.isEmpty { dateValues.append(v) } }
            for f in [InvoiceField.total, .balance] { let v = cell(r, f); if !v.isEmpty { amountValues.append(v) } }
        }
        var order = options.dateOrder
        if order == nil {
            let inferred = DateReader.inferOrder(dateValues, default: map.format.defaultSlashOrder)
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
            defaultCurrency: options.defaultCurrency, path: path, delimiter: table.delimiter)

        // Report exports (QuickBooks) carry group headings, totals and footers: one pass in
        // order settles which rows are invoices and the group each belongs to…
        var outcomes: [RowReader.Outcome] = []
        outcomes.reserveCapacity(data.count)
        var invoiceRows: [(row: Int, group: String?)] = []
        invoiceRows.reserveCapacity(data.count)
        var groupCustomer: String?
        for (row, r) in data.enumerated() {
            if !r.isBlank(columnOf[InvoiceField.number.ordinal]) {
                invoiceRows.append((row, groupCustomer))
                outcomes.append(.skip)
                continue
            }
            let nonEmpty = r.fields.filter { !$0.trimmedSpaces.isEmpty }
            guard let first = nonEmpty.first else { outcomes.append(.skip); continue }
            let lowered = first.lowercased()
            if nonEmpty.count == 1 && !lowered.hasPrefix("total") && !Self.isBucketHeading(lowered) {
                groupCustomer = first.trimmedSpaces
            }
            if lowered.hasPrefix("total") || lowered.hasPrefix("grand total") || nonEmpty.count == 1 || map.format == .quickbooks {
                outcomes.append(.skip)
            } else {
                outcomes.append(.problem(reader.problem(r, .number, "the invoice number is empty")))
            }
        }
        // …then the rows, independent of each other, are read on every core.
        let rows = invoiceRows
        let read = Parallel.map(count: rows.count, minimum: 4000) { reader.read(data[rows[$0].row], group: rows[$0].group) }
        for (k, item) in rows.enumerated() { outcomes[item.row] = read[k] }

        var problems: [Diagnostic] = []
        var invoices: [ImportedInvoice] = []
        invoices.reserveCapacity(rows.count)
        var byNumber: [String: Int] = [:]
        byNumber.reserveCapacity(rows.count)
        for (row, outcome) in outcomes.enumerated() {
            switch outcome {
            case .skip: continue
            case .problem(let problem): problems.append(problem)
            case .invoice(let invoice):
                if let earlier = byNumber[invoice.number] {
                    let first = invoices[earlier]
                    // Xero writes one row per line item: the invoice facts repeat on every row.
                    if first.customerName == invoice.customerName && first.due == invoice.due && first.balance == invoice.balance
                        && first.total == invoice.total && first.issued == invoice.issued
                    {
                        continue
                    }
                    problems.append(Diagnostic(
                        path: path, line: invoice.line,
                        message: "invoice \(invoice.number) appears again with different facts (first on line \(first.line))",
                        excerpt: data[row].fields.joined(separator: ","),
                        hint: "an export lists each invoice once (or repeats the same facts on each line item)"))
                    continue
                }
                byNumber[invoice.number] = invoices.count
                invoices.append(invoice)
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        self.invoices = invoices
    }

    static let voidStatuses: Set<String> = ["void", "voided", "deleted", "cancelled", "canceled", "uncollectible"]
    static let draftStatuses: Set<String> = ["draft", "submitted"]

    static func isBucketHeading(_ text: String) -> Bool {
        text == "current" || text.contains("days past due") || text.contains("over 90") || text.contains("91 or more") || text.contains("and over")
    }
}

/// Reads one invoice row of an export whose layout, date order and decimal mark are known.
/// Rows are independent of each other, so a large export is read on every core.
struct RowReader: Sendable {
    enum Outcome: Sendable {
        case invoice(ImportedInvoice)
        case problem(Diagnostic)
        /// Not an invoice to chase (a credit note, a heading, a total).
        case skip
    }

    let map: ColumnMap
    /// The column of each field by `InvoiceField.ordinal` (-1: absent).
    let columnOf: [Int]
    let dates: DateReader
    let amounts: AmountReader
    let defaultCurrency: Currency
    let path: String
    let delimiter: UInt8

    /// `$` alone says "dollar": the ledger's own currency when that is a dollar, else USD.
    static let dollars: Set<String> = ["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"]

    func cell(_ r: CSVTable.Record, _ f: InvoiceField) -> String { Self.cell(r, f, columnOf) }

    /// Field `f` of row `r`, trimmed ("" when the export has no such column).
    static func cell(_ r: CSVTable.Record, _ f: InvoiceField, _ columnOf: [Int]) -> String { r.field(columnOf[f.ordinal]).trimmedSpaces }
    func has(_ f: InvoiceField) -> Bool { columnOf[f.ordinal] >= 0 }

    func fromSymbol(_ code: String) -> Currency? {
        if code == "USD", Self.dollars.contains(defaultCurrency.code) { return defaultCurrency }
        return Currency(code: code)
    }

    func problem(_ r: CSVTable.Record, _ f: InvoiceField, _ message: String) -> Diagnostic {
        let i = columnOf[f.ordinal]
        let name = i >= 0 && i < map.headers.count ? map.headers[i] : f.rawValue
        return Diagnostic(
            path: path, line: r.line,
            message: "column \(i >= 0 ? String(i + 1) : "?") (\(name)): \(message)",
            excerpt: r.fields.joined(separator: delimiter == 9 ? "\t" : String(UnicodeScalar(delimiter))))
    }

    /// The invoice on row `r`; `group` is the customer heading above it in a report export.
    func read(_ r: CSVTable.Record, group: String?) -> Outcome {
        let number = cell(r, .number)
        if number.isEmpty { return .problem(problem(r, .number, "the invoice number is empty")) }  // only odd spaces
        if has(.type) {
            let type = cell(r, .type).lowercased()
            // Credit notes, payments and bills are not invoices to chase.
            if !type.isEmpty && !type.contains("invoice") && !type.contains("accrec") { return .skip }
        }
        var customer = cell(r, .customer)
        if customer.isEmpty { customer = group ?? "" }
        if customer.isEmpty { return .problem(problem(r, .customer, "the customer is empty")) }

        let dueText = cell(r, .due)
        guard let due = dates.parse(dueText) else {
            return .problem(problem(r, .due, dueText.isEmpty ? "the due date is empty" : "`\(dueText)` is not a date"))
        }
        var issued: CalendarDate?
        let issuedText = cell(r, .issued)
        if !issuedText.isEmpty {
            guard let d = dates.parse(issuedText) else { return .problem(problem(r, .issued, "`\(issuedText)` is not a date")) }
            issued = d
        }
        let currencyText = cell(r, .currency)
        var currency = defaultCurrency
        if !currencyText.isEmpty {
            guard let c = Currency(code: currencyText) else { return .problem(problem(r, .currency, "`\(currencyText)` is not a currency code")) }
            currency = c
        }
        var total: Decimal?, balance: Decimal?
        if has(.total) {
            let text = cell(r, .total)
            guard let (v, symbol) = amounts.parse(text) else { return .problem(problem(r, .total, "`\(text)` is not an amount")) }
            total = v
            if currencyText.isEmpty, let symbol, let c = fromSymbol(symbol) { currency = c }
        }
        if has(.balance) {
            let text = cell(r, .balance)
            guard let (v, symbol) = amounts.parse(text) else { return .problem(problem(r, .balance, "`\(text)` is not an amount")) }
            balance = v
            if currencyText.isEmpty, let symbol, let c = fromSymbol(symbol) { currency = c }
        }
        let totalValue = total ?? balance ?? 0
        let balanceValue = balance ?? totalValue
        var disposition: ImportedInvoice.Disposition = balanceValue > 0 ? .open : .paid
        if has(.status) {
            let status = cell(r, .status).lowercased()
            if InvoiceExport.voidStatuses.contains(status) { disposition = .void }
            if InvoiceExport.draftStatuses.contains(status) { disposition = .draft }
            if status == "paid" { disposition = .paid }
        }
        let email = cell(r, .email)
        if !email.isEmpty && !EmailAddress.isPlausible(email) { return .problem(problem(r, .email, "`\(email)` is not an email address: \(EmailAddress.problem(email) ?? "")")) }
        let contact = cell(r, .contact)
        return .invoice(ImportedInvoice(
            line: r.line, number: number, customerName: customer, email: email.isEmpty ? nil : email,
            contactName: contact.isEmpty ? nil : contact, issued: issued, due: due,
            total: Money(totalValue, currency).rounded, totalKnown: total != nil,
            balance: Money(disposition == .open ? balanceValue : min(balanceValue, 0), currency).rounded,
            disposition: disposition))
    }
}
