import Foundation

/// The invoice fields an export can provide, and the names `--map FIELD=COLUMN` accepts.
package enum InvoiceField: String, CaseIterable, Sendable {
    case number, customer, email, contact, issued, due, terms, total, paid, balance, line, currency, status, type

    /// Position in `allCases`, without hashing (read per cell of a 100,000-row export).
    var ordinal: Int {
        switch self {
        case .number: return 0
        case .customer: return 1
        case .email: return 2
        case .contact: return 3
        case .issued: return 4
        case .due: return 5
        case .terms: return 6
        case .total: return 7
        case .paid: return 8
        case .balance: return 9
        case .line: return 10
        case .currency: return 11
        case .status: return 12
        case .type: return 13
        }
    }

    /// What the field means, for `--help` and the column report.
    package var meaning: String {
        switch self {
        case .number: return "invoice number"
        case .customer: return "customer"
        case .email: return "customer's email"
        case .contact: return "contact person"
        case .issued: return "issue date"
        case .due: return "due date"
        case .terms: return "payment terms"
        case .total: return "invoice total"
        case .paid: return "amount paid"
        case .balance: return "amount still owed"
        case .line: return "line amount (summed per invoice)"
        case .currency: return "currency"
        case .status: return "status"
        case .type: return "document type"
        }
    }
}

/// The accounting exports DueTrail recognises, each by its header row. `generic` is any
/// other sheet whose headers name the fields in one of the languages `HeaderNames` knows.
package enum ExportFormat: String, CaseIterable, Sendable {
    case xero, quickbooks, quickbooksDesktop = "quickbooks-desktop", stripe, freshbooks, zoho, wave
    case invoiceNinja4 = "invoiceninja4", invoiceNinja5 = "invoiceninja5", invoice2go, sage, myob, erpnext, generic

    package var displayName: String {
        switch self {
        case .xero: return "Xero"
        case .quickbooks: return "QuickBooks Online"
        case .quickbooksDesktop: return "QuickBooks Desktop"
        case .stripe: return "Stripe"
        case .freshbooks: return "FreshBooks"
        case .zoho: return "Zoho Books / Zoho Invoice"
        case .wave: return "Wave"
        case .invoiceNinja4: return "Invoice Ninja (v4)"
        case .invoiceNinja5: return "Invoice Ninja (v5)"
        case .invoice2go: return "Invoice2go"
        case .sage: return "Sage Accounting"
        case .myob: return "MYOB AccountRight"
        case .erpnext: return "ERPNext"
        case .generic: return "generic sheet"
        }
    }

    /// Lower case, accents folded, letters and digits only: `Fällig am` → `falligam`,
    /// `*InvoiceNumber` → `invoicenumber`, `N° de facture` → `ndefacture`.
    static func normalise(_ header: String) -> String {
        let folded = header.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var out = String.UnicodeScalarView()
        for s in folded.unicodeScalars where s.isASCII && CharacterSet.alphanumerics.contains(s) { out.append(s) }
        return String(out)
    }
}

/// How one vendor's export names its columns. `signature`: normalised header names that
/// must all be present for a header row to be that vendor's (distinctive ones: a generic
/// sheet with `Invoice Number` and `Due Date` is not a Xero export; `a|b` is either). `columns`: the names
/// per field, in preference order, written as the vendor writes them; fields a profile does
/// not name are looked up in the generic dictionary.
struct ExportProfile: Sendable {
    let format: ExportFormat
    let signature: [String]
    let columns: [InvoiceField: [String]]
    /// What a slash date means when the values cannot tell (every day ≤ 12).
    var slashOrder: DateOrder? = nil
    /// The customer is named in a heading row above its invoices, not on each row.
    var customerInGroupRows = false
    /// Status words that mean something else in this vendor's export than in general.
    var statuses: [String: StatusClass] = [:]
    /// A refusal for exports of this vendor that are not invoice lists (Wave's journal).
    var refusal: String? = nil

    static let all: [ExportProfile] = [
        ExportProfile(
            format: .xero, signature: ["invoicenumber", "contactname", "invoiceamountdue"],
            columns: [
                .number: ["InvoiceNumber"], .customer: ["ContactName"], .email: ["EmailAddress"], .issued: ["InvoiceDate"],
                .due: ["DueDate"], .total: ["Total"], .paid: ["InvoiceAmountPaid"], .balance: ["InvoiceAmountDue"],
                .line: ["LineAmount"], .currency: ["Currency"], .status: ["Status"], .type: ["Type"],
            ], slashOrder: .dayMonthYear,
            statuses: ["submitted": .draft, "awaiting approval": .draft, "authorised": .open, "authorized": .open, "deleted": .void]),
        ExportProfile(
            format: .quickbooks, signature: ["transactiontype", "num", "openbalance"],
            columns: [
                .number: ["Num"], .customer: ["Customer full name", "Customer", "Name", "Client full name"], .issued: ["Date"],
                .due: ["Due date"], .terms: ["Term", "Terms"], .total: ["Amount"], .balance: ["Open balance"], .type: ["Transaction type"],
                .email: ["Customer email", "Email"],
            ], slashOrder: .monthDayYear, customerInGroupRows: true),
        ExportProfile(
            format: .quickbooksDesktop, signature: ["type", "num", "openbalance"],
            columns: [
                .number: ["Num"], .customer: ["Name", "Customer"], .issued: ["Date"], .due: ["Due Date"], .terms: ["Terms"],
                .total: ["Amount", "Original Amount"], .balance: ["Open Balance"], .type: ["Type"],
            ], slashOrder: .monthDayYear, customerInGroupRows: true),
        ExportProfile(
            format: .stripe, signature: ["status", "amountpaid|amountremaining|amountdue", "dateutc|createdutc|finalizedatutc|duedateutc"],
            columns: [
                .number: ["Number", "Invoice Number", "id"], .customer: ["Customer Name", "Customer Email", "Customer"],
                .email: ["Customer Email"], .issued: ["Date (UTC)", "Finalized At (UTC)", "Created (UTC)"], .due: ["Due Date (UTC)", "Due Date"],
                .total: ["Total", "Amount Due"], .paid: ["Amount Paid"], .balance: ["Amount Remaining"], .currency: ["Currency"], .status: ["Status"],
            ]),
        ExportProfile(
            format: .freshbooks, signature: ["clientname", "dateissued"],
            columns: [
                .number: ["Invoice #", "Invoice Number", "Invoice"], .customer: ["Client Name", "Organization", "Client"],
                .email: ["Email", "Client Email"], .issued: ["Date Issued", "Issue Date"], .due: ["Due Date"], .terms: ["Terms"],
                .total: ["Amount", "Total", "Invoice Total"], .paid: ["Paid", "Amount Paid"],
                .balance: ["Outstanding", "Amount Outstanding", "Balance", "Amount Due"], .line: ["Line Total"],
                .currency: ["Currency", "Currency Code"], .status: ["Invoice Status", "Status"],
            ]),
        ExportProfile(
            format: .zoho, signature: ["invoicenumber", "invoicestatus", "customername", "balance", "currencycode"],
            columns: [
                .number: ["Invoice Number"], .customer: ["Customer Name", "Company Name"], .email: ["Primary Contact EmailID", "Email"],
                .issued: ["Invoice Date"], .due: ["Due Date"], .terms: ["Payment Terms"], .total: ["Total"], .balance: ["Balance"],
                .line: ["Item Total"], .currency: ["Currency Code"], .status: ["Invoice Status"],
            ], statuses: ["closed": .paid, "pending approval": .draft, "approved": .open]),
        ExportProfile(
            format: .wave, signature: ["invoicenumber", "invoicetotal", "invoicepaid"],
            columns: [
                .number: ["Invoice Number"], .customer: ["Customer Name", "Customer"], .email: ["Customer Email", "Email"],
                .issued: ["Invoice Date", "Transaction Date"], .due: ["Due Date"], .total: ["Invoice Total"], .paid: ["Invoice Paid"],
                .balance: ["Invoice Amount Due", "Amount Due"], .currency: ["Currency"], .status: ["Status", "Invoice Status"],
            ]),
        ExportProfile(
            format: .wave, signature: ["transactionid", "accountgroup", "accounttype", "invoicenumber"], columns: [:],
            refusal: "this is Wave's accounting data export (journal lines), not a list of invoices; in Wave, export the invoice list (Sales › Invoices › Export) and import that"),
        ExportProfile(
            format: .invoiceNinja5, signature: ["invoiceinvoicenumber"],
            columns: [
                .number: ["Invoice Invoice Number"], .customer: ["Client Name"], .email: ["Contact Email", "Client Email"],
                .issued: ["Invoice Date"], .due: ["Invoice Due Date"], .total: ["Invoice Amount"], .paid: ["Invoice Paid to Date"],
                .balance: ["Invoice Balance"], .currency: ["Client Currency", "Invoice Currency"], .status: ["Invoice Status"],
            ]),
        ExportProfile(
            format: .invoiceNinja4, signature: ["client", "invoicenumber", "amount", "paid", "partialdeposit"],
            columns: [
                .number: ["Invoice Number"], .customer: ["Client"], .email: ["Email"], .issued: ["Invoice Date"], .due: ["Due Date"],
                .total: ["Amount"], .paid: ["Paid"], .status: ["Status"],
            ], statuses: ["deleted": .void]),
        ExportProfile(
            format: .invoice2go, signature: ["documentnumber", "totalamount", "documentstatus"],
            columns: [
                .number: ["DocumentNumber"], .customer: ["Name"], .email: ["EmailRecipient"], .issued: ["DocumentDate"],
                .terms: ["TermsOld"], .total: ["TotalAmount"], .paid: ["AmountPaidAmount"], .balance: ["BalanceDueAmount"],
                .currency: ["CurrencyCode"], .status: ["DocumentStatus"], .type: ["StyleName"],
            ]),
        ExportProfile(
            format: .sage, signature: ["customername", "customerreference", "reference", "details", "total"],
            columns: [
                .number: ["Reference"], .customer: ["Customer Name"], .issued: ["Date"], .due: ["Due Date"], .total: ["Total"],
                .paid: ["Paid", "Amount Paid"], .balance: ["Outstanding", "Balance"], .type: ["Type"],
            ], slashOrder: .dayMonthYear),
        ExportProfile(
            format: .myob, signature: ["colastname"],
            columns: [
                .number: ["Invoice #", "Invoice No."], .customer: ["Co./Last Name"], .issued: ["Date"], .terms: ["- Balance Due Days"],
                .paid: ["Amount Paid"], .line: ["Inc-Tax Amount", "Inc-Tax Total", "Amount", "Total"], .currency: ["Currency Code"],
                .type: ["Sale Status"],
            ], slashOrder: .dayMonthYear),
        ExportProfile(
            format: .erpnext, signature: ["voucherno", "outstandingamount"],
            columns: [
                .number: ["Voucher No"], .customer: ["Customer Name", "Party", "Customer"], .issued: ["Posting Date"], .due: ["Due Date"],
                .total: ["Invoiced Amount", "Invoice Grand Total", "Grand Total"], .paid: ["Paid Amount"], .balance: ["Outstanding Amount"],
                .currency: ["Currency"], .type: ["Voucher Type"], .status: ["Status"],
            ], statuses: ["submitted": .open, "return": .credit, "credit note issued": .void, "unpaid and discounted": .open,
                "partly paid and discounted": .open, "overdue and discounted": .open, "internal transfer": .void]),
    ]

    /// True when a header row (normalised) carries every name of the signature.
    func matches(_ headers: Set<String>) -> Bool {
        signature.allSatisfy { entry in entry.split(separator: "|").contains { headers.contains(String($0)) } }
    }

    /// The names of a field, normalised, in preference order.
    func names(_ field: InvoiceField) -> [String] {
        (columns[field] ?? []).map(ExportFormat.normalise)
    }
}
