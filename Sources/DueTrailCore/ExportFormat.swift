import Foundation

/// The invoice fields an export can provide, and the names `--map FIELD=COLUMN` accepts.
public enum InvoiceField: String, CaseIterable, Sendable {
    case number, customer, email, contact, issued, due, total, balance, currency, status, type

    /// Position in `allCases`, without hashing (read per cell of a 100,000-row export).
    var ordinal: Int {
        switch self {
        case .number: return 0
        case .customer: return 1
        case .email: return 2
        case .contact: return 3
        case .issued: return 4
        case .due: return 5
        case .total: return 6
        case .balance: return 7
        case .currency: return 8
        case .status: return 9
        case .type: return 10
        }
    }
}

/// The accounting exports DueTrail recognises, each by its header row.
public enum ExportFormat: String, CaseIterable, Sendable {
    case xero, quickbooks, stripe, freshbooks, generic

    /// Column names (normalised: lower case, letters and digits only) per field, in preference order.
    var columns: [InvoiceField: [String]] {
        switch self {
        case .xero:
            return [
                .number: ["invoicenumber"], .customer: ["contactname"], .email: ["emailaddress"],
                .issued: ["invoicedate"], .due: ["duedate"], .total: ["total"],
                .balance: ["invoiceamountdue", "amountdue"], .currency: ["currency"], .status: ["status"], .type: ["type"],
            ]
        case .quickbooks:
            return [
                .number: ["num", "no"], .customer: ["customer", "customerfullname", "name"], .issued: ["date"],
                .due: ["duedate"], .total: ["amount", "total"], .balance: ["openbalance", "balance"],
                .currency: ["currency"], .type: ["transactiontype", "type"],
            ]
        case .stripe:
            return [
                .number: ["number", "invoicenumber"], .customer: ["customername", "customeremail", "customer"],
                .email: ["customeremail"], .issued: ["dateutc", "createdutc", "date"], .due: ["duedateutc", "duedate"],
                .total: ["total", "amountdue"], .balance: ["amountremaining"], .currency: ["currency"], .status: ["status"],
            ]
        case .freshbooks:
            return [
                .number: ["invoice", "invoicenumber"], .customer: ["clientname", "organization", "client"],
                .email: ["email", "clientemail"], .issued: ["dateissued", "issuedate", "date"], .due: ["duedate"],
                .total: ["amount", "total", "invoicetotal"], .balance: ["outstanding", "amountoutstanding", "balance", "amountdue"],
                .currency: ["currency", "currencycode"], .status: ["invoicestatus", "status"],
            ]
        case .generic:
            return [
                .number: ["invoicenumber", "invoiceno", "invoicenr", "invoice", "number", "no", "nr", "docnumber", "rechnungsnummer", "factuur", "facture"],
                .customer: ["customer", "customername", "client", "clientname", "company", "debtor", "kunde", "klant", "client", "name"],
                .email: ["email", "emailaddress", "customeremail", "contactemail", "mail"],
                .contact: ["contact", "contactname", "attention"],
                .issued: ["issued", "issuedate", "invoicedate", "date", "dated"],
                .due: ["due", "duedate", "dueon", "paymentdue"],
                .total: ["total", "amount", "invoicetotal", "invoiceamount", "gross"],
                .balance: ["balance", "openbalance", "amountdue", "balancedue", "outstanding", "open", "due amount", "amountoutstanding", "remaining"],
                .currency: ["currency", "cur", "ccy", "currencycode"],
                .status: ["status", "state"],
            ]
        }
    }

    /// Fields that must be present for the format to be recognised.
    var signature: [InvoiceField] {
        switch self {
        case .xero: return [.number, .customer, .due, .balance]
        case .quickbooks: return [.number, .due, .balance, .type]
        case .stripe: return [.number, .balance, .status, .currency]
        case .freshbooks: return [.number, .customer, .balance, .status]
        case .generic: return [.number, .customer, .due]
        }
    }

    /// What a slash date means when the values cannot tell (every day ≤ 12).
    var defaultSlashOrder: DateOrder? {
        switch self {
        case .xero: return .dayMonthYear
        case .quickbooks: return .monthDayYear
        default: return nil
        }
    }

    public var displayName: String {
        switch self {
        case .xero: return "Xero"
        case .quickbooks: return "QuickBooks Online"
        case .stripe: return "Stripe"
        case .freshbooks: return "FreshBooks"
        case .generic: return "generic sheet"
        }
    }

    static func normalise(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII })
    }
}

/// Which column holds which field, once the header row is found.
public struct ColumnMap: Sendable {
    public var format: ExportFormat
    public var headerLine: Int
    public var headerRecord: Int
    public var columns: [InvoiceField: Int]
    public var headers: [String]

    /// Finds the header row of `table` (titles may come first) and maps its columns.
    /// `overrides` come from `--map FIELD=COLUMN` and win over detection.
    public static func detect(_ table: CSVTable, format forced: ExportFormat?, overrides: [InvoiceField: String], path: String) throws(Diagnostic) -> ColumnMap {
        let formats = forced.map { [$0] } ?? ExportFormat.allCases
        for (index, record) in table.records.prefix(40).enumerated() {
            let normalised = record.fields.map(ExportFormat.normalise)
            let unmatched = overrides.filter { (_, column) in
                !record.fields.contains { $0.trimmedSpaces.caseInsensitiveCompare(column) == .orderedSame } && !normalised.contains(ExportFormat.normalise(column))
            }
            for format in formats {
                var columns: [InvoiceField: Int] = [:]
                for (field, names) in format.columns {
                    for name in names {
                        if let i = normalised.firstIndex(of: name) {
                            columns[field] = i
                            break
                        }
                    }
                }
                for (field, column) in overrides {
                    if let i = record.fields.firstIndex(where: { $0.trimmedSpaces.caseInsensitiveCompare(column) == .orderedSame })
                        ?? normalised.firstIndex(of: ExportFormat.normalise(column))
                    {
                        columns[field] = i
                    }
                }
                // Stripe's `id` is the invoice's id when it has no number column.
                if format == .stripe, columns[.number] == nil, let i = normalised.firstIndex(of: "id") { columns[.number] = i }
                let required = forced == nil ? format.signature : [.number, .due]
                if required.allSatisfy({ columns[$0] != nil }) && (columns[.balance] != nil || columns[.total] != nil)
                    && (columns[.customer] != nil || format == .quickbooks)
                {
                    if let (field, column) = unmatched.sorted(by: { $0.key.rawValue < $1.key.rawValue }).first {
                        throw Diagnostic(path: path, line: record.line, message: "--map \(field.rawValue)=\(column): the header row has no column `\(column)`",
                            excerpt: record.fields.joined(separator: ","), hint: "columns: " + record.fields.joined(separator: ", "))
                    }
                    return ColumnMap(format: format, headerLine: record.line, headerRecord: index, columns: columns, headers: record.fields)
                }
            }
        }
        let mapped = overrides.isEmpty ? "" : " (with the --map given)"
        throw Diagnostic(
            path: path, line: table.records.first?.line,
            message: "cannot find a header row with an invoice number, customer, due date and balance\(mapped)",
            excerpt: table.records.first.map { $0.fields.joined(separator: ",") },
            hint: "name the columns with --map, e.g. --map number=\"Invoice No\" --map customer=Client --map due=\"Due Date\" --map balance=Open\n"
                + "fields: " + InvoiceField.allCases.map(\.rawValue).joined(separator: ", "))
    }
}
