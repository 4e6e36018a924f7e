/// A problem found in a ledger file or an import, pointing at the file, line and text,
/// printed the way hledger does: `path:line: message`, then the line with a caret.
package struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var line: Int?
    package var column: Int?
    package var message: String
    /// The offending line as it stands in the file, when known.
    package var excerpt: String?
    /// What to do about it, when there is something to say.
    package var hint: String?

    package init(path: String, line: Int? = nil, column: Int? = nil, message: String, excerpt: String? = nil, hint: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.excerpt = excerpt
        self.hint = hint
    }

    /// `path:line[:column]: message`
    package var headline: String {
        var location = path
        if let line { location += ":\(line)" }
        if let line, let column, line > 0 { location += ":\(column)" }
        return "\(location): \(message)"
    }

    /// The headline, then the excerpt with a gutter and a caret, then the hint.
    package var description: String {
        var out = headline
        if let excerpt, let line {
            let gutter = String(line)
            let pad = String(repeating: " ", count: gutter.count)
            out += "\n\(pad) |\n\(gutter) | \(excerpt)"
            if let column, column > 0 {
                out += "\n\(pad) | " + String(repeating: " ", count: column - 1) + "^"
            }
        }
        if let hint { out += "\n" + hint }
        return out
    }
}

/// Several diagnostics at once: `check` and import report every problem, not the first.
package struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    package var items: [Diagnostic]
    package init(_ items: [Diagnostic]) { self.items = items }
    package var description: String { items.map(\.description).joined(separator: "\n") }
}
