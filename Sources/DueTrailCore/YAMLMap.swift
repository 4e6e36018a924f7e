import Foundation
import Yams

/// A YAML mapping read with line numbers, so every complaint about a ledger file can name
/// the line. Wraps Yams' node tree; values are read as the text the person typed.
public struct YAMLMap {
    public struct Entry {
        public let key: String
        public let value: Node
        /// Line of the key in the file (already shifted by the document's offset).
        public let line: Int
    }

    public let path: String
    public let entries: [Entry]
    let lineOffset: Int
    let lines: [Substring]

    /// Parses `text` (lines of `path` starting after `lineOffset` lines) as a mapping.
    public init(text: String, path: String, lineOffset: Int = 0) throws(Diagnostic) {
        self.path = path
        self.lineOffset = lineOffset
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.diagnostic(for: error, path: path, lineOffset: lineOffset, lines: lines)
        } catch {
            throw Diagnostic(path: path, message: "cannot read YAML: \(error)")
        }
        guard let node else {
            entries = []
            return
        }
        guard let mapping = node.mapping else {
            throw Diagnostic(path: path, line: (node.mark?.line ?? 1) + lineOffset, message: "expected `key: value` lines")
        }
        var seen: Set<String> = []
        var entries: [Entry] = []
        for (k, v) in mapping {
            let line = (k.mark?.line ?? 0) + lineOffset
            guard let key = k.scalar?.string else {
                throw Diagnostic(path: path, line: line, message: "a key must be plain text")
            }
            if !seen.insert(key).inserted {
                throw Diagnostic(path: path, line: line, message: "`\(key)` appears twice", excerpt: Self.line(lines, line - lineOffset))
            }
            entries.append(Entry(key: key, value: v, line: line))
        }
        self.entries = entries
    }

    public subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    /// The text of the line `fileLine` for an excerpt.
    public func excerpt(_ fileLine: Int) -> String? { Self.line(lines, fileLine - lineOffset) }

    static func line(_ lines: [Substring], _ n: Int) -> String? {
        guard n >= 1, n <= lines.count else { return nil }
        return String(lines[n - 1])
    }

    /// The line a node starts on, in file terms.
    public func line(of node: Node) -> Int? { node.mark.map { $0.line + lineOffset } }

    /// A diagnostic pointing at `entry`'s value.
    public func problem(_ entry: Entry, _ message: String, hint: String? = nil) -> Diagnostic {
        let line = line(of: entry.value) ?? entry.line
        return Diagnostic(path: path, line: line, column: entry.value.mark?.column, message: message, excerpt: excerpt(line), hint: hint)
    }

    /// A required scalar, or a diagnostic naming the missing key.
    public func requiredString(_ key: String, wholeLine: Int = 1) throws(Diagnostic) -> (String, Entry) {
        guard let entry = self[key] else {
            throw Diagnostic(path: path, line: wholeLine, message: "missing `\(key):`")
        }
        guard let text = entry.value.scalar?.string else {
            throw problem(entry, "`\(key)` must be a single value")
        }
        return (text, entry)
    }

    public func optionalString(_ key: String) throws(Diagnostic) -> String? {
        guard let entry = self[key] else { return nil }
        if entry.value.scalar?.string == "" || entry.value.scalar?.string == "~" || entry.value.scalar?.string == "null" { return nil }
        guard let text = entry.value.scalar?.string else { throw problem(entry, "`\(key)` must be a single value") }
        return text
    }

    public func optionalBool(_ key: String) throws(Diagnostic) -> Bool? {
        guard let entry = self[key], let text = try optionalString(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw problem(entry, "`\(key)` must be true or false, not `\(text)`")
        }
    }

    static func diagnostic(for error: YamlError, path: String, lineOffset: Int, lines: [Substring]) -> Diagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            let line = mark.line + lineOffset
            return Diagnostic(path: path, line: line, column: mark.column, message: "YAML: \(problem)", excerpt: Self.line(lines, mark.line))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let line = context.mark.line + lineOffset
            return Diagnostic(path: path, line: line, message: "duplicate keys: \(duplicates.joined(separator: ", "))", excerpt: Self.line(lines, context.mark.line))
        default:
            return Diagnostic(path: path, line: lineOffset + 1, message: "YAML: \(error)")
        }
    }
}

/// The raw text of a YAML document split into top-level key blocks, so the tool can rewrite
/// the keys it owns and keep every other key (and its comments) exactly as a person wrote it.
public struct YAMLBlocks: Sendable, Equatable {
    public struct Block: Sendable, Equatable {
        public var key: String?  // nil for leading comments
        public var text: String  // the lines, each ending in "\n"
    }

    public var blocks: [Block]

    public init(_ text: String) {
        var blocks: [Block] = []
        var current = Block(key: nil, text: "")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            if let key = Self.topLevelKey(line) {
                if current.key != nil || !current.text.isEmpty { blocks.append(current) }
                current = Block(key: key, text: "")
            }
            current.text += line + "\n"
        }
        if current.key != nil || !current.text.isEmpty { blocks.append(current) }
        self.blocks = blocks
    }

    static func topLevelKey(_ line: Substring) -> String? {
        guard let first = line.first, first != " ", first != "#", first != "-", first != "\t" else { return nil }
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let after = line.index(after: colon)
        guard after == line.endIndex || line[after] == " " else { return nil }
        var key = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        if key.hasPrefix("\"") && key.hasSuffix("\"") && key.count >= 2 { key = String(key.dropFirst().dropLast()) }
        return key
    }

    /// The blocks whose keys are not in `owned`, in their original order.
    public func foreign(excluding owned: Set<String>) -> String {
        blocks.filter { $0.key.map { !owned.contains($0) } ?? false }.map(\.text).joined()
    }
}
