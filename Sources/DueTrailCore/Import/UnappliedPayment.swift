import Foundation

/// A payment an import could not apply (its invoice is not in the ledger), kept in the ledger
/// as `unapplied/<id>.yaml` so it is never lost between the import and the person who works
/// out where it belongs (`duetrail unapplied`, then `pay INV --from-unapplied ID`).
package struct UnappliedPayment: Sendable, Equatable {
    /// Stable: the same export row gives the same id, so importing the file again adds nothing.
    package let id: String
    /// The invoice number the export named.
    package let invoice: String
    package let amount: Decimal
    package let currency: Currency?
    package let date: CalendarDate?
    package let reference: String?
    /// The export's file name and the row's line in it.
    package let source: String
    package let line: Int
    /// The day it was imported.
    package let imported: CalendarDate

    package static let folder = "unapplied"
    package var path: String { "\(Self.folder)/\(id).yaml" }

    package init(_ p: ImportedPayment, source: String, imported: CalendarDate) {
        let key = [source, p.number, Decimals.plain(p.amount, scale: p.currency?.minorDigits ?? 2), p.currency?.code ?? "", p.date?.iso ?? "", p.reference ?? "", String(p.line)].joined(separator: "\u{1F}")
        self.init(
            id: StableHash.hex(key, length: 10), invoice: p.number, amount: p.amount, currency: p.currency, date: p.date, reference: p.reference,
            source: source, line: p.line, imported: imported)
    }

    package init(
        id: String, invoice: String, amount: Decimal, currency: Currency?, date: CalendarDate?, reference: String?, source: String, line: Int,
        imported: CalendarDate
    ) {
        self.id = id
        self.invoice = invoice
        self.amount = amount
        self.currency = currency
        self.date = date
        self.reference = reference
        self.source = source
        self.line = line
        self.imported = imported
    }

    /// `500.00 EUR`, or the bare number when the export named no currency.
    package var amountText: String { plainAmount + (currency.map { " \($0.code)" } ?? "") }
    var plainAmount: String { Decimals.plain(amount, scale: currency?.minorDigits ?? 2) }

    /// The file's bytes: one `key: value` per line, values quoted where YAML would misread them.
    package func render() -> String {
        var lines = [
            "# A payment `import payments` could not apply: no invoice \(Self.quoted(invoice)) in the ledger.",
            "# Apply it with `duetrail pay INVOICE --from-unapplied \(id)`.",
            "id: \(id)", "invoice: \(Self.quoted(invoice))", "amount: \(plainAmount)",
        ]
        if let currency { lines.append("currency: \(currency.code)") }
        if let date { lines.append("date: \(date.iso)") }
        if let reference { lines.append("reference: \(Self.quoted(reference))") }
        lines += ["source: \(Self.quoted(source))", "line: \(line)", "imported: \(imported.iso)"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.controlCharactersAsSpaces.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }

    package static func parse(_ text: String, path: String) -> Result<UnappliedPayment, DiagnosticList> {
        do throws(Diagnostic) {
            let map = try YAMLMap(text: text, path: path)
            let (id, _) = try map.requiredString("id")
            let (invoice, _) = try map.requiredString("invoice")
            let (amountText, amountEntry) = try map.requiredString("amount")
            guard let amount = Decimals.parsePlain(amountText) else { throw map.problem(amountEntry, "`amount` must be a number like 500.00, not `\(amountText)`") }
            var currency: Currency?
            if let (text, entry) = try map.optionalEntry("currency") {
                guard let c = Currency(code: text) else { throw map.problem(entry, "`currency` must be a three-letter code like EUR, not `\(text)`") }
                currency = c
            }
            var date: CalendarDate?
            if let (text, entry) = try map.optionalEntry("date") {
                guard let d = CalendarDate(iso: text) else { throw map.problem(entry, "`date` must be a date YYYY-MM-DD, not `\(text)`") }
                date = d
            }
            let (importedText, importedEntry) = try map.requiredString("imported")
            guard let imported = CalendarDate(iso: importedText) else { throw map.problem(importedEntry, "`imported` must be a date YYYY-MM-DD") }
            let line = Int(try map.optionalString("line") ?? "") ?? 0
            return .success(UnappliedPayment(
                id: id, invoice: invoice, amount: amount, currency: currency, date: date, reference: try map.optionalString("reference"),
                source: try map.optionalString("source") ?? "", line: line, imported: imported))
        } catch {
            return .failure(DiagnosticList([error]))
        }
    }
}
