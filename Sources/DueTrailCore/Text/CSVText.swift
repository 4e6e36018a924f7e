/// How every `--csv` output writes its cells: RFC 4180 quoting, and a text cell a spreadsheet
/// would run as a formula (`=HYPERLINK(…)`, `+1+1`, `@SUM(…)`, a leading tab or carriage
/// return) written with a leading `'`, so it shows as the text it is. A customer name or a
/// note from an export or the portal must never become a live formula in the sheet a person
/// opens (CSV injection). Numbers (`-12.50`) are written as they are.
package enum CSVText {
    /// One line of fields, joined by commas, without the line break. `text[i]` false marks a
    /// numeric column (an amount, a count), never neutralised.
    package static func line(_ fields: [String], text: [Bool]? = nil) -> String {
        fields.indices.map { i in field(fields[i], isText: text.map { i < $0.count ? $0[i] : true } ?? true) }.joined(separator: ",")
    }

    /// One cell, neutralised when it is text that starts like a formula, then quoted if needed.
    package static func field(_ value: String, isText: Bool = true) -> String {
        let safe = isText && startsFormula(value) ? "'" + value : value
        guard safe.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return safe }
        return "\"" + safe.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Whether a spreadsheet would read `value` as a formula: it starts with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return, and is not simply a number (`-12.50`, `+3`) or a
    /// lone dash (what a table writes for nothing).
    package static func startsFormula(_ value: String) -> Bool {
        guard let first = value.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13].contains(first) else {
            return false
        }
        if value == "-" { return false }
        let rest = value.dropFirst()
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-"), rest.first?.isASCII == true, rest.first != "-", Decimals.parsePlain(rest) != nil {
            return false
        }
        return true
    }
}
