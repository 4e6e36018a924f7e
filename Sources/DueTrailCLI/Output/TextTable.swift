import DueTrailCore

/// A plain-text table for the terminal: left-aligned text, right-aligned numbers,
/// two spaces between columns. Widths count characters, not bytes.
struct TextTable {
    enum Align { case left, right }
    var headers: [String]
    var align: [Align]
    var rows: [[String]] = []

    func render() -> String {
        // One value per cell: a line break or an escape in a name cannot break the table.
        let rows = rows.map { $0.map(TerminalText.oneLine) }
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                let isLast = i == cells.count - 1
                switch align[i] {
                case .left: out += cell + (isLast ? "" : pad)
                case .right: out += pad + cell
                }
                if !isLast { out += "  " }
            }
            return out
        }
        var out = line(headers) + "\n"
        out.reserveCapacity(rows.count * (widths.reduce(0, +) + 2 * widths.count))
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

/// One CSV line, through `CSVText` (quoting, and formulas neutralised) like every `--csv`.
func csvLine(_ fields: [String], text: [Bool]? = nil) -> String {
    CSVText.line(fields, text: text)
}
