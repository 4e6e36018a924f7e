/// A problem found in a ledger file or an import, pointing at the file, line and text,
/// printed the way hledger does: `path:line: message`, then the line with a caret.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var message: String
    /// The offending line as it stands in the file, when known.
    public var excerpt: String?
    /// What to do about it, when there is something to say.
    public var hint: String?

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String, excerpt: String? = nil, hint: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.excerpt = excerpt
        self.hint = hint
    }

    /// `path:line[:column]: message`
    public var headline: String {
        var location = path
        if let line { location += ":\(line)" }
        if let line, let column, line > 0 { location += ":\(column)" }
        return "\(location): \(message)"
    }

    /// The headline, then the excerpt with a gutter and a caret, then the hint.
    public var description: String {
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
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]
    public init(_ items: [Diagnostic]) { self.items = items }
    public var description: String { items.map(\.description).joined(separator: "\n") }
}
