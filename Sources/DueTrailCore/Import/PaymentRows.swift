import Foundation

/// The payment fields an export can provide.
package enum PaymentField: String, CaseIterable, Sendable {
    case number, amount, date, reference, currency, status
}

/// The payment exports DueTrail recognises, each by its header row: a generic sheet, Xero's
/// and QuickBooks' payment exports, and Stripe's payments (charges) export, whose rows carry
/// the invoice number they paid.
package enum PaymentFormat: String, CaseIterable, Sendable {
    case xero, quickbooks, stripe, generic

    /// Column names (normalised: lower case, letters and digits only) per field, in preference order.
    var columns: [PaymentField: [String]] {
        switch self {
        case .xero:
            return [.number: ["invoicenumber"], .amount: ["amountpaid", "paymentamount", "amount"], .date: ["paymentdate", "date"],
                .reference: ["reference", "paymentreference"], .currency: ["currency", "currencycode"]]
        case .quickbooks:
            return [.number: ["appliedto", "invoiceno", "invoicenumber"], .amount: ["amount", "paymentamount"], .date: ["date", "paymentdate"],
                .reference: ["num", "refno", "referenceno"], .currency: ["currency"], .status: ["transactiontype"]]
        case .stripe:
            return [.number: ["invoicenumber", "invoicenumbermetadata", "invoice"], .amount: ["amount", "convertedamount"],
                .date: ["createddateutc", "createdutc", "created"], .reference: ["id", "paymentintentid"], .currency: ["currency"],
                .status: ["status"]]
        case .generic:
            return Self.genericColumns
        }
    }

    /// A generic payment sheet's names: English first, then the invoice number, currency and
    /// amount words of every language `HeaderNames` knows (a payment sheet's amount is its
    /// paid or its plain amount column), and payment dates and references.
    static let genericColumns: [PaymentField: [String]] = {
        func names(_ field: InvoiceField) -> [String] { (HeaderNames.byField[field] ?? []).map(\.name) }
        let dates = ["Zahlungsdatum", "Zahldatum", "Datum", "Date de paiement", "Date de règlement", "Date", "Fecha de pago", "Fecha",
            "Data pagamento", "Data di pagamento", "Data", "Betaaldatum", "Betalningsdatum", "Betalingsdato", "Maksupäivä"]
        let references = ["Verwendungszweck", "Referenz", "Référence", "Referencia", "Riferimento", "Referentie", "Referência", "Referens", "Viite"]
        return [
            .number: ["invoicenumber", "invoiceno", "invoice", "number", "invoicenr"] + names(.number),
            .amount: ["amountappliedtoinvoice", "amountpaid", "paid", "payment", "paymentamount", "amount", "zahlungsbetrag"] + names(.paid) + names(.total),
            .date: ["paymentdate", "paidon", "datepaid", "date"] + dates.map(ExportFormat.normalise),
            .reference: ["reference", "ref", "paymentreference", "transactionid", "transaction", "transactionreference"] + references.map(ExportFormat.normalise),
            .currency: ["currency", "ccy", "currencycode"] + names(.currency),
        ]
    }()

    /// Fields whose presence recognises the format.
    var signature: [PaymentField] {
        switch self {
        case .xero: return [.number, .amount, .date, .reference]
        case .quickbooks: return [.number, .amount, .status]
        case .stripe: return [.number, .amount, .status, .currency]
        case .generic: return [.number, .amount]
        }
    }
}

/// One payment row of an export.
package struct ImportedPayment: Sendable, Equatable {
    package let number: String
    package let amount: Decimal
    /// The currency named by the row, if any (else the case's).
    package let currency: Currency?
    package let date: CalendarDate?
    package let reference: String?
    /// Line in the file.
    package let line: Int
    /// The amount as the file wrote it, for an error about it.
    package var amountText: String = ""
}

/// The payments of one export, read all at once: every payment, or every problem.
package struct PaymentExport: Sendable {
    package let format: PaymentFormat
    package let payments: [ImportedPayment]
    /// Rows that are not payments (a failed or refunded charge, a QuickBooks invoice line): line and why.
    package let skipped: [(line: Int, why: String)]

    package init(bytes: [UInt8], path: String, format wanted: PaymentFormat?, dateOrder: DateOrder?) throws(DiagnosticList) {
        let table: CSVTable
        do {
            table = try CSVTable(bytes: bytes)
        } catch var error {
            error.path = path
            throw DiagnosticList([error])
        }
        guard let first = table.records.first else { throw DiagnosticList([Diagnostic(path: path, line: 1, message: "the file is empty")]) }
        func columns(_ format: PaymentFormat, _ names: [String]) -> [PaymentField: Int] {
            var out: [PaymentField: Int] = [:]
            var used = Set<Int>()
            for field in PaymentField.allCases {
                guard let candidates = format.columns[field] else { continue }
                if let column = candidates.lazy.compactMap({ name in names.indices.first { names[$0] == name && !used.contains($0) } }).first {
                    out[field] = column
                    used.insert(column)
                }
            }
            return out
        }
        let candidates = wanted.map { [$0] } ?? PaymentFormat.allCases
        // The header may follow title rows (a report's name and date range) and blank rows.
        var found: (format: PaymentFormat, header: CSVTable.Record, index: Int, names: [String])?
        search: for (index, record) in table.records.prefix(40).enumerated() where record.fields.filter({ !$0.trimmedSpaces.isEmpty }).count >= 2 {
            let names = record.fields.map(ExportFormat.normalise)
            for f in candidates where f.signature.allSatisfy({ columns(f, names)[$0] != nil }) {
                found = (f, record, index, names)
                break search
            }
        }
        guard let (format, header, headerIndex, names) = found else {
            throw DiagnosticList([Diagnostic(
                path: path, line: first.line,
                message: wanted.map { "the header does not look like a \($0.rawValue) payment export" } ?? "no invoice-number and amount columns in the header",
                excerpt: first.fields.joined(separator: ","),
                hint: "a payment sheet needs at least `Invoice Number` and `Amount` columns (optionally Date, Reference, Currency)")])
        }
        self.format = format
        let map = columns(format, names)
        // Two columns under one header the import reads: which is the payment? Never guessed.
        for (field, i) in map.sorted(by: { $0.value < $1.value }) {
            let same = names.indices.filter { names[$0] == names[i] }
            guard same.count > 1 else { continue }
            let positions = same.map { String($0 + 1) }
            throw DiagnosticList([Diagnostic(
                path: path, line: header.line,
                message: "the header names `\(header.fields[i].trimmedSpaces)` in columns \(positions.dropLast().joined(separator: ", ")) and \(positions[positions.count - 1]): cannot tell which holds the \(field.rawValue)",
                excerpt: header.fields.joined(separator: ","), hint: "rename or remove the column that is not the \(field.rawValue) in the file")])
        }
        let rows = table.records.dropFirst(headerIndex + 1)
        func cell(_ r: CSVTable.Record, _ f: PaymentField) -> String {
            guard let c = map[f], c < r.count else { return "" }
            return r.field(c).trimmedSpaces
        }
        let amountValues = rows.map { cell($0, .amount) }.filter { !$0.isEmpty }
        let mark = AmountReader.inferDecimalComma(amountValues, delimiter: table.delimiter)
        let amounts = AmountReader(decimalComma: mark.comma)
        let dateValues = rows.map { cell($0, .date) }.filter { !$0.isEmpty }
        let inferred = DateReader.inferOrder(dateValues, default: format == .quickbooks ? .monthDayYear : nil)
        if dateOrder == nil && inferred.ambiguous {
            throw DiagnosticList([Diagnostic(path: path, line: header.line,
                message: "cannot tell whether dates like `\(dateValues.first(where: DateReader.needsOrder) ?? "")` are day/month or month/day",
                hint: "say which with --date-format DD/MM/YYYY or --date-format MM/DD/YYYY")])
        }
        let order = dateOrder ?? inferred.order
        let dates = DateReader(slashOrder: order)
        var payments: [ImportedPayment] = []
        var skipped: [(Int, String)] = []
        var problems: [Diagnostic] = []
        for r in rows {
            let nonEmpty = r.fields.map(\.trimmedSpaces).filter { !$0.isEmpty }
            // Blank, heading and total rows (`Total`, `TOTAL`, a sum under the amounts).
            let numberText = cell(r, .number)
            if nonEmpty.isEmpty || InvoiceExport.isTotal(numberText.lowercased())
                || (numberText.isEmpty && (nonEmpty.count == 1 || InvoiceExport.isTotal(nonEmpty[0].lowercased()) || nonEmpty.allSatisfy(InvoiceExport.looksNumeric)))
            {
                continue
            }
            let status = cell(r, .status).lowercased()
            if format == .stripe, !status.isEmpty, !["paid", "succeeded", "captured"].contains(status) {
                skipped.append((r.line, "status `\(status)`, not a payment"))
                continue
            }
            if format == .quickbooks, !status.isEmpty, status != "payment" {
                skipped.append((r.line, "a \(status) line, not a payment"))
                continue
            }
            let number = cell(r, .number)
            guard !number.isEmpty else {
                problems.append(Diagnostic(path: path, line: r.line, message: "no invoice number on this payment row", excerpt: r.fields.joined(separator: ","),
                    hint: "every payment must name the invoice it pays; DueTrail never guesses"))
                continue
            }
            guard let (value, symbol) = amounts.parse(cell(r, .amount)), value > 0 else {
                problems.append(Diagnostic(path: path, line: r.line, message: "`\(cell(r, .amount))` is not a payment amount", excerpt: r.fields.joined(separator: ",")))
                continue
            }
            var currency: Currency?
            let code = cell(r, .currency)
            if !code.isEmpty {
                guard let c = Currency(code: code) else {
                    problems.append(Diagnostic(path: path, line: r.line, message: "`\(code)` is not a currency code"))
                    continue
                }
                currency = c
            } else if let symbol {
                currency = Currency(code: symbol)
            }
            var date: CalendarDate?
            let dateText = cell(r, .date)
            if !dateText.isEmpty {
                // Stripe writes `2026-11-28 14:03:11`.
                let day = format == .stripe ? String(dateText.prefix(10)) : dateText
                guard let d = dates.parse(day) else {
                    problems.append(Diagnostic(path: path, line: r.line, message: "`\(dateText)` is not a date", hint: "say how dates are written with --date-format"))
                    continue
                }
                date = d
            }
            let reference = cell(r, .reference)
            // Exactly as written or refused (the case's currency is checked when it is known).
            let amountText = cell(r, .amount)
            if let why = currency.map({ ExactAmount.problem(value, text: amountText, currency: $0) }) ?? ExactAmount.tooLarge(value, text: amountText) {
                problems.append(Diagnostic(path: path, line: r.line, message: "column \(map[.amount].map { $0 + 1 } ?? 0) (\(header.fields[map[.amount] ?? 0])): \(why)"))
                continue
            }
            payments.append(ImportedPayment(
                number: number, amount: value, currency: currency, date: date, reference: reference.isEmpty ? nil : reference, line: r.line, amountText: amountText))
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        self.payments = payments
        self.skipped = skipped
    }
}
