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
        func cell(_ r: CSVTable.Record, _ f: InvoiceField) -> String {
            let i = columnOf[f.ordinal]
            return r.field(i).trimmedSpaces
        }
        func columnName(_ f: InvoiceField) -> String {
            guard let i = map.columns[f], i < map.headers.count else { return f.rawValue }
            return map.headers[i]
        }

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
        let dates = DateReader(slashOrder: order)
        // `$` alone says "dollar": the ledger's own currency when that is a dollar, else USD.
        let dollars: Set<String> = ["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"]
        func fromSymbol(_ code: String) -> Currency? {
            if code == "USD", dollars.contains(options.defaultCurrency.code) { return options.defaultCurrency }
            return Currency(code: code)
        }
        let amounts = AmountReader(decimalComma: mark.comma)

        var problems: [Diagnostic] = []
        var invoices: [ImportedInvoice] = []
        var byNumber: [String: Int] = [:]
        var groupCustomer: String?
        func problem(_ r: CSVTable.Record, _ f: InvoiceField, _ message: String) {
            var column: Int?
            if let i = map.columns[f] { column = i + 1 }
            problems.append(Diagnostic(
                path: path, line: r.line,
                message: "column \(column.map(String.init) ?? "?") (\(columnName(f))): \(message)",
                excerpt: r.fields.joined(separator: table.delimiter == 9 ? "\t" : String(UnicodeScalar(table.delimiter)))))
        }

        for r in data {
            let number = cell(r, .number)
            // Report exports (QuickBooks) carry group headings, totals and footers.
            if number.isEmpty {
                let nonEmpty = r.fields.filter { !$0.trimmedSpaces.isEmpty }
                if let first = nonEmpty.first {
                    let lowered = first.lowercased()
                    if nonEmpty.count == 1 && !lowered.hasPrefix("total") && !Self.isBucketHeading(lowered) {
                        groupCustomer = first.trimmedSpaces
                    }
                    if lowered.hasPrefix("total") || lowered.hasPrefix("grand total") || nonEmpty.count == 1 || map.format == .quickbooks {
                        continue
                    }
                }
                if nonEmpty.isEmpty { continue }
                problem(r, .number, "the invoice number is empty")
                continue
            }
            if let t = map.columns[.type], t < r.count {
                let type = r.field(t).lowercased()
                // Credit notes, payments and bills are not invoices to chase.
                if !type.isEmpty && !type.contains("invoice") && !type.contains("accrec") { continue }
            }
            var customer = cell(r, .customer)
            if customer.isEmpty { customer = groupCustomer ?? "" }
            if customer.isEmpty { problem(r, .customer, "the customer is empty"); continue }

            let dueText = cell(r, .due)
            guard let due = dates.parse(dueText) else {
                problem(r, .due, dueText.isEmpty ? "the due date is empty" : "`\(dueText)` is not a date")
                continue
            }
            var issued: CalendarDate?
            let issuedText = cell(r, .issued)
            if !issuedText.isEmpty {
                guard let d = dates.parse(issuedText) else { problem(r, .issued, "`\(issuedText)` is not a date"); continue }
                issued = d
            }
            let currencyText = cell(r, .currency)
            var currency = options.defaultCurrency
            if !currencyText.isEmpty {
                guard let c = Currency(code: currencyText) else { problem(r, .currency, "`\(currencyText)` is not a currency code"); continue }
                currency = c
            }
            let totalText = cell(r, .total), balanceText = cell(r, .balance)
            var total: Decimal?, balance: Decimal?
            if map.columns[.total] != nil {
                guard let (v, symbol) = amounts.parse(totalText) else { problem(r, .total, "`\(totalText)` is not an amount"); continue }
                total = v
                if currencyText.isEmpty, let symbol, let c = fromSymbol(symbol) { currency = c }
            }
            if map.columns[.balance] != nil {
                guard let (v, symbol) = amounts.parse(balanceText) else { problem(r, .balance, "`\(balanceText)` is not an amount"); continue }
                balance = v
                if currencyText.isEmpty, let symbol, let c = fromSymbol(symbol) { currency = c }
            }
            let totalValue = total ?? balance ?? 0
            let balanceValue = balance ?? totalValue
            let status = cell(r, .status).lowercased()
            var disposition: ImportedInvoice.Disposition = balanceValue > 0 ? .open : .paid
            if Self.voidStatuses.contains(status) { disposition = .void }
            if Self.draftStatuses.contains(status) { disposition = .draft }
            if status == "paid" { disposition = .paid }
            let email = cell(r, .email)
            if !email.isEmpty && !EmailAddress.isPlausible(email) { problem(r, .email, "`\(email)` is not an email address"); continue }
            let contact = cell(r, .contact)
            let invoice = ImportedInvoice(
                line: r.line, number: number, customerName: customer, email: email.isEmpty ? nil : email,
                contactName: contact.isEmpty ? nil : contact, issued: issued, due: due,
                total: Money(totalValue, currency).rounded, totalKnown: total != nil,
                balance: Money(disposition == .open ? balanceValue : min(balanceValue, 0), currency).rounded,
                disposition: disposition)
            if let earlier = byNumber[number] {
                let first = invoices[earlier]
                // Xero writes one row per line item: the invoice facts repeat on every row.
                if first.customerName == invoice.customerName && first.due == invoice.due && first.balance == invoice.balance
                    && first.total == invoice.total && first.issued == invoice.issued
                {
                    continue
                }
                problems.append(Diagnostic(
                    path: path, line: r.line,
                    message: "invoice \(number) appears again with different facts (first on line \(first.line))",
                    excerpt: r.fields.joined(separator: ","),
                    hint: "an export lists each invoice once (or repeats the same facts on each line item)"))
                continue
            }
            byNumber[number] = invoices.count
            invoices.append(invoice)
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
