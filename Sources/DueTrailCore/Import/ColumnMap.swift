import Foundation

/// Which column holds which field, once the header row is found; and what was left unused.
package struct ColumnMap: Sendable {
    package var format: ExportFormat
    var profile: ExportProfile?
    package var headerLine: Int
    package var headerRecord: Int
    package var columns: [InvoiceField: Int]
    package var headers: [String]
    /// For a generic sheet, the language most of its headers are in (`German`); nil for English.
    package var language: String?
    /// MYOB's `Terms - Payment is Due` (how its `- Balance Due Days` count), when present.
    var myobTermsKind: Int?

    /// `Xero`, `generic sheet (German headers)`.
    package var formatName: String {
        guard format == .generic, let language else { return format.displayName }
        return "generic sheet (\(language) headers)"
    }

    /// Columns no field reads, by header, each with the field it looks like it holds when that
    /// is an email address or a contact (an unread one is worth a warning).
    package var unusedColumns: [(header: String, looksLike: InvoiceField?)] {
        let used = Set(columns.values)
        return headers.indices.filter { !used.contains($0) && !headers[$0].trimmedSpaces.isEmpty }.map { i in
            let n = ExportFormat.normalise(headers[i])
            let field: InvoiceField? = HeaderNames.emailHints.contains { n.contains($0) } ? .email
                : HeaderNames.contactHints.contains { n.contains($0) } ? .contact : nil
            return (headers[i], field)
        }
    }

    /// A problem with field `f` of row `r`, naming its column by number and header.
    func problem(_ r: CSVTable.Record, _ f: InvoiceField, _ message: String, path: String, delimiter: String) -> Diagnostic {
        let i = columns[f] ?? -1
        let name = i >= 0 && i < headers.count ? headers[i] : f.rawValue
        return Diagnostic(
            path: path, line: r.line, message: "column \(i >= 0 ? String(i + 1) : "?") (\(name)): \(message)", excerpt: r.fields.joined(separator: delimiter))
    }

    /// Finds the header row of `table` (titles may come first) and maps its columns.
    /// `overrides` come from `--map FIELD=COLUMN` and win over detection; an empty column
    /// (`--map terms=`) leaves that field unread.
    package static func detect(_ table: CSVTable, format forced: ExportFormat?, overrides: [InvoiceField: String], path: String) throws(Diagnostic) -> ColumnMap {
        let profiles = forced.map { f in ExportProfile.all.filter { $0.format == f } } ?? ExportProfile.all
        for (index, record) in table.records.prefix(40).enumerated() {
            let fields = record.fields
            guard fields.filter({ !$0.trimmedSpaces.isEmpty }).count >= 2 else { continue }
            let normalised = fields.map(ExportFormat.normalise)
            let present = Set(normalised)
            var profile: ExportProfile?
            for p in profiles where p.matches(present) {
                if let refusal = p.refusal {
                    throw Diagnostic(path: path, line: record.line, message: refusal, excerpt: fields.joined(separator: ","))
                }
                profile = p
                break
            }
            if profile == nil && forced != nil && forced != .generic { continue }
            var columns: [InvoiceField: Int] = [:]
            var used = Set<Int>()
            var languageVotes: [String: Int] = [:]
            func take(_ field: InvoiceField, _ names: [String]) -> Bool {
                for name in names {
                    guard let i = normalised.firstIndex(of: name), !used.contains(i) || field == .email else { continue }
                    columns[field] = i
                    used.insert(i)
                    return true
                }
                return false
            }
            for field in InvoiceField.allCases {
                if let profile, take(field, profile.names(field)) { continue }
                if profile != nil && !ExportProfile.genericFallback.contains(field) { continue }
                for (name, languages) in HeaderNames.byField[field] ?? [] {
                    guard let i = normalised.firstIndex(of: name), !used.contains(i) else { continue }
                    columns[field] = i
                    used.insert(i)
                    for language in languages { languageVotes[language, default: 0] += 1 }
                    break
                }
            }
            var unmatched: [(InvoiceField, String)] = []
            var byPosition = Set<InvoiceField>()
            for (field, column) in overrides.sorted(by: { $0.key.ordinal < $1.key.ordinal }) {
                let wanted = column.trimmedSpaces
                if wanted.isEmpty {
                    columns[field] = nil
                    continue
                }
                let named = fields.firstIndex(where: { $0.trimmedSpaces.caseInsensitiveCompare(wanted) == .orderedSame })
                    ?? normalised.firstIndex(of: ExportFormat.normalise(wanted))
                // `--map balance=#5`: the fifth column, whatever its header (two share one).
                let position = named == nil ? Self.position(wanted, count: fields.count) : nil
                if position != nil { byPosition.insert(field) }
                guard let i = named ?? position else {
                    unmatched.append((field, column))
                    continue
                }
                for (other, j) in columns where j == i && other != field { columns[other] = nil }
                columns[field] = i
            }
            // Line amounts are summed only where no invoice total is given (Xero and Zoho repeat
            // the total on every line; FreshBooks' line export has none).
            if columns[.total] != nil { columns[.line] = nil }
            let customerKnown = columns[.customer] != nil || profile?.customerInGroupRows == true
            let amountKnown = columns[.balance] != nil || columns[.total] != nil || columns[.line] != nil
            guard columns[.number] != nil, customerKnown, amountKnown else { continue }
            if let (field, column) = unmatched.first {
                throw Diagnostic(path: path, line: record.line, message: "--map \(field.rawValue)=\(column): the header row has no column `\(column)`",
                    excerpt: fields.joined(separator: ","), hint: "columns: " + fields.joined(separator: ", ") + " (or pick one by its position: --map \(field.rawValue)=#3)")
            }
            try Self.refuseRepeatedHeaders(columns, byPosition: byPosition, headers: fields, normalised: normalised, line: record.line, path: path)
            // The language most matched names belong to, when one leads (a sheet of `Fakturanummer`
            // and `Kunde` could be Danish or Norwegian: then it is named for neither).
            let ranked = languageVotes.sorted { $0.value > $1.value }
            let language = ranked.first.flatMap { top in
                top.key != "English" && (ranked.count == 1 || ranked[1].value < top.value) ? top.key : nil
            }
            var map = ColumnMap(
                format: profile?.format ?? .generic, profile: profile, headerLine: record.line, headerRecord: index, columns: columns,
                headers: fields, language: profile == nil ? language : nil)
            if profile?.format == .myob { map.myobTermsKind = normalised.firstIndex(of: "termspaymentisdue") }
            return map
        }
        let mapped = overrides.isEmpty ? "" : " (with the --map given)"
        let wanted = forced.map { " of a \($0.displayName) export" } ?? ""
        throw Diagnostic(
            path: path, line: table.records.first?.line,
            message: "cannot find the header row\(wanted): one with an invoice number, a customer and an amount (balance, total or line amounts)\(mapped)",
            excerpt: table.records.first.map { $0.fields.joined(separator: ",") },
            hint: "name the columns with --map, e.g. --map number=\"Invoice No\" --map customer=Client --map due=\"Due Date\" --map balance=Open\n"
                + "fields: " + InvoiceField.allCases.map(\.rawValue).joined(separator: ", "))
    }
}

extension ColumnMap {
    /// `#5` → column index 4, when the header row has a fifth column.
    static func position(_ text: String, count: Int) -> Int? {
        guard text.hasPrefix("#"), let n = Int(text.dropFirst()), n >= 1, n <= count else { return nil }
        return n - 1
    }

    /// A field read from a column whose header the row names more than once is ambiguous
    /// (which of the two `Balance` columns is owed?): refused naming every position, unless
    /// `--map FIELD=#N` picked one. A repeated header no field reads is harmless.
    static func refuseRepeatedHeaders(
        _ columns: [InvoiceField: Int], byPosition: Set<InvoiceField>, headers: [String], normalised: [String], line: Int, path: String
    ) throws(Diagnostic) {
        for (field, i) in columns.sorted(by: { $0.key.ordinal < $1.key.ordinal }) where !byPosition.contains(field) {
            let same = normalised.indices.filter { normalised[$0] == normalised[i] }
            guard same.count > 1 else { continue }
            let positions = same.map { String($0 + 1) }
            let listed = positions.dropLast().joined(separator: ", ") + " and " + positions[positions.count - 1]
            throw Diagnostic(
                path: path, line: line,
                message: "the header names `\(headers[i].trimmedSpaces)` in columns \(listed): cannot tell which holds the \(field.rawValue)",
                excerpt: headers.joined(separator: ","),
                hint: "say which column with --map \(field.rawValue)=#\(positions[0])" + positions.dropFirst().map { " or --map \(field.rawValue)=#\($0)" }.joined())
        }
    }
}

extension ExportProfile {
    /// Fields a vendor's export may carry beyond its usual columns (a customised report's
    /// `Terms` or `Email`), looked up in the generic dictionary. Amount columns never are:
    /// a vendor's `Amount` may be a line's, not the invoice's.
    static let genericFallback: Set<InvoiceField> = [.email, .contact, .terms, .currency, .status]
}
