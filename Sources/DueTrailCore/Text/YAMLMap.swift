import Foundation
import Yams

/// A YAML mapping read with line numbers, so every complaint about a ledger file can name
/// the line. Wraps Yams' node tree; values are read as the text the person typed.
package struct YAMLMap {
    package struct Entry {
        package let key: String
        package let value: Node
        /// Line of the key in the file (already shifted by the document's offset).
        package let line: Int
        /// Line and column where the value starts.
        package let valueLine: Int
        package let valueColumn: Int?
    }

    package let path: String
    package let entries: [Entry]
    let lineOffset: Int
    let lines: [Substring]

    /// Parses `text` (lines of `path` starting after `lineOffset` lines) as a mapping.
    package init(text: String, path: String, lineOffset: Int = 0) throws(Diagnostic) {
        self.path = path
        self.lineOffset = lineOffset
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let fast = Self.simpleEntries(lines, lineOffset: lineOffset) {
            var seen: Set<String> = []
            for e in fast where !seen.insert(e.key).inserted {
                throw Diagnostic(path: path, line: e.line, message: "`\(e.key)` appears twice", excerpt: Self.line(lines, e.line - lineOffset))
            }
            entries = fast
            return
        }
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
            entries.append(Entry(key: key, value: v, line: line, valueLine: (v.mark?.line ?? 0) + lineOffset, valueColumn: v.mark?.column))
        }
        self.entries = entries
    }

    package subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    /// The text of the line `fileLine` for an excerpt.
    package func excerpt(_ fileLine: Int) -> String? { Self.line(lines, fileLine - lineOffset) }

    static func line(_ lines: [Substring], _ n: Int) -> String? {
        guard n >= 1, n <= lines.count else { return nil }
        return String(lines[n - 1])
    }

    /// The line a node starts on, in file terms.
    package func line(of node: Node) -> Int? { node.mark.map { $0.line + lineOffset } }

    /// A diagnostic pointing at `entry`'s value.
    package func problem(_ entry: Entry, _ message: String, hint: String? = nil) -> Diagnostic {
        let line = entry.valueLine > lineOffset ? entry.valueLine : entry.line
        return Diagnostic(path: path, line: line, column: entry.valueColumn, message: message, excerpt: excerpt(line), hint: hint)
    }

    /// The common case read without Yams: every line is `key: value` with a plain or
    /// double-quoted scalar (what the tool itself writes), or a comment or blank. Anything else
    /// (nesting, lists, block scalars, anchors, single quotes) returns nil and goes to Yams.
    /// Yams resolves every scalar's tag with a regular expression, which made reading 100,000
    /// case files take many seconds; this keeps the same meaning for the simple form.
    /// `Tag.implicit` builds a new constructor (and its tables of dictionaries) for every
    /// scalar; one constructor serves them all. Each scalar still gets a tag of its own, since
    /// Yams resolves a tag in place the first time it is compared.
    nonisolated(unsafe) static let sharedConstructor = Constructor.default
    static var implicitTag: Tag { Tag(.implicit, .default, sharedConstructor) }

    static func simpleEntries(_ lines: [Substring], lineOffset: Int) -> [Entry]? {
        var out: [Entry] = []
        for (i, line) in lines.enumerated() {
            let bytes = line.utf8
            guard let first = bytes.first else { continue }
            if first == UInt8(ascii: "#") { continue }
            // Keys: letters, digits, `_`, `-`, starting at column 1.
            guard (first >= 97 && first <= 122) || (first >= 65 && first <= 90) else { return nil }
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let keyBytes = bytes[bytes.startIndex..<colon]
            guard keyBytes.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }) else { return nil }
            var rest = bytes[bytes.index(after: colon)...]
            guard rest.isEmpty || rest.first == 32 else { return nil }
            var column = keyBytes.count + 2
            while rest.first == 32 { rest = rest.dropFirst(); column += 1 }
            while rest.last == 32 || rest.last == 13 { rest = rest.dropLast() }
            guard let v0 = rest.first else { return nil }  // `key:` alone opens a block
            let value: String
            if v0 == UInt8(ascii: "\"") {
                guard let decoded = decodeDoubleQuoted(rest) else { return nil }
                value = decoded
            } else {
                // Characters that make a plain scalar mean something else in YAML.
                if "'[]{}|>&*!%@`#,?-".utf8.contains(v0) { return nil }
                // A tab, ` #` (a comment), `: ` or a final `:` (a nested mapping): Yams decides.
                var previous: UInt8 = 0
                for c in rest {
                    if c == 9 || (c == 35 && previous == 32) || (c == 32 && previous == 58) { return nil }
                    previous = c
                }
                if previous == 58 { return nil }
                value = String(decoding: rest, as: UTF8.self)
            }
            let lineNumber = i + 1 + lineOffset
            out.append(Entry(key: String(decoding: keyBytes, as: UTF8.self), value: .scalar(Node.Scalar(value, Self.implicitTag)), line: lineNumber,
                valueLine: lineNumber, valueColumn: column))
        }
        return out
    }

    /// `"…"` with the escapes `YAMLText.quoted` writes; nil for anything else.
    static func decodeDoubleQuoted(_ bytes: Substring.UTF8View.SubSequence) -> String? {
        guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else { return nil }
        let inner = Array(bytes.dropFirst().dropLast())
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        var i = 0
        while i < inner.count {
            let c = inner[i]
            if c == UInt8(ascii: "\"") { return nil }
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            guard i + 1 < inner.count else { return nil }
            switch inner[i + 1] {
            case UInt8(ascii: "\""): out.append(34)
            case UInt8(ascii: "\\"): out.append(92)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                guard i + 5 < inner.count, let v = UInt32(String(decoding: inner[(i + 2)...(i + 5)], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(v)
                else { return nil }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i += 6
                continue
            default: return nil
            }
            i += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A required scalar, or a diagnostic naming the missing key.
    package func requiredString(_ key: String, wholeLine: Int = 1) throws(Diagnostic) -> (String, Entry) {
        guard let entry = self[key] else {
            throw Diagnostic(path: path, line: wholeLine, message: "missing `\(key):`")
        }
        guard let text = entry.value.scalar?.string else {
            throw problem(entry, "`\(key)` must be a single value")
        }
        return (text, entry)
    }

    /// An optional scalar with its entry, for pointing at it in a complaint.
    package func optionalEntry(_ key: String) throws(Diagnostic) -> (String, Entry)? {
        guard let entry = self[key], let text = try optionalString(key) else { return nil }
        return (text, entry)
    }

    package func optionalString(_ key: String) throws(Diagnostic) -> String? {
        guard let entry = self[key] else { return nil }
        if entry.value.scalar?.string == "" || entry.value.scalar?.string == "~" || entry.value.scalar?.string == "null" { return nil }
        guard let text = entry.value.scalar?.string else { throw problem(entry, "`\(key)` must be a single value") }
        return text
    }

    package func optionalBool(_ key: String) throws(Diagnostic) -> Bool? {
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
package struct YAMLBlocks: Sendable, Equatable {
    package struct Block: Sendable, Equatable {
        package var key: String?  // nil for leading comments
        package var text: String  // the lines, each ending in "\n"
    }

    package var blocks: [Block]

    package init(_ text: String) {
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
        var key = String(line[..<colon]).trimmedSpaces
        if key.hasPrefix("\"") && key.hasSuffix("\"") && key.count >= 2 { key = String(key.dropFirst().dropLast()) }
        return key
    }

    /// The blocks whose keys are not in `owned`, in their original order, followed by any
    /// comment lines a person put under an owned key (the tool rewrites that key's line).
    package func foreign(excluding owned: Set<String>) -> String {
        var out = ""
        for block in blocks {
            guard let key = block.key else { continue }
            if !owned.contains(key) {
                out += block.text
            } else {
                for line in block.text.split(separator: "\n").dropFirst() where line.trimmedSpaces.hasPrefix("#") { out += line + "\n" }
            }
        }
        return out
    }

    /// Comment lines before the first key.
    package var leading: String { blocks.first { $0.key == nil }?.text ?? "" }
}
