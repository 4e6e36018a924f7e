/// How an attribute value or an event's free text is written on a timeline line so that it
/// reads back exactly. Nearly every value is written as it is (and so every line an earlier
/// version wrote is written again byte for byte); one the line format would change (empty,
/// spaces at either end, a ` · ` that would split it, a line break or another control
/// character, text that would read as a `key: value` detail, or text that is itself what this
/// quoting writes) is written as a JSON string literal: `subject: ""`, `"amount: 1.00 EUR"`,
/// `"a \u00b7 b"`. Hand-written by necessity: the escaping must also hide the separator, which
/// no JSON encoder does.
package enum TimelineText {
    /// `value` as it appears after `key: `.
    package static func encodeValue(_ value: String) -> String {
        needsQuotes(value) ? quoted(value) : value
    }

    /// `text` as the free-text detail of an event (`textOnly`: a note, where `key: value`
    /// reads as text anyway). Text may hold the separator: the parser joins the pieces again.
    package static func encodeText(_ text: String, textOnly: Bool) -> String {
        if needsQuotes(text, separatorAllowed: true) { return quoted(text) }
        if !textOnly, TimelineEvent.attributePair(text) != nil { return quoted(text) }
        return text
    }

    /// What `encodeValue` or `encodeText` wrote, read back. Only a literal this quoting would
    /// have written is unquoted; other text in quotes (typed by hand, or by an earlier
    /// version: `"We will pay next week"`, `"C:\new"`) stays exactly as it is.
    package static func decode(_ text: String) -> String {
        guard text.utf8.first == 0x22, text.utf8.count >= 2, text.utf8.last == 0x22, let inner = unquoted(text) else { return text }
        return quoted(inner) == text && (needsQuotes(inner) || needsQuotes(inner, separatorAllowed: true) || TimelineEvent.attributePair(inner) != nil) ? inner : text
    }

    /// Whether `text`, written as it is, would read back as something else.
    static func needsQuotes(_ text: String, separatorAllowed: Bool = false) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        if isSpace(first) || isSpace(last) { return true }
        if text.unicodeScalars.contains(where: mustEscape) { return true }
        if text.utf8.contains(0xB7) {
            // A middle dot is harmless unless it makes a separator with the spaces around it.
            if separatorAllowed {
                if !splitsBack(text) { return true }
            } else if (" " + text + " ").contains(TimelineEvent.separator) {
                return true
            }
        }
        return first == "\"" && decode(text) != text
    }

    /// Free text holding ` · ` reads back as its pieces joined again: true when that gives the text.
    static func splitsBack(_ text: String) -> Bool {
        guard !(" " + text + " ").hasPrefix(" · "), !(" " + text + " ").hasSuffix(" · ") else { return false }
        let pieces = text.splitOn(TimelineEvent.separator)
        return pieces.allSatisfy { $0 == $0.trimmedSpaces && !$0.isEmpty } && pieces.joined(separator: TimelineEvent.separator) == text
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    /// Characters that cannot stand on a timeline line as themselves (a tab inside a value
    /// can, and stays as written).
    static func mustEscape(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s.value != 0x09) || s.value == 0x7F || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029
    }

    static func quoted(_ text: String) -> String {
        // The middle dot too: the line is split on ` · ` before any value is unquoted.
        YAMLText.doubleQuoted(text, uppercaseHex: false) { mustEscape($0) || $0.value == 0xB7 }
    }

    static func unquoted(_ text: String) -> String? {
        var scalars = Array(text.unicodeScalars.dropFirst().dropLast())[...]
        var out = String.UnicodeScalarView()
        func hex4() -> UInt32? {
            guard scalars.count >= 4, let v = UInt32(String(String.UnicodeScalarView(scalars.prefix(4))), radix: 16) else { return nil }
            scalars = scalars.dropFirst(4)
            return v
        }
        while let s = scalars.first {
            scalars = scalars.dropFirst()
            if s == "\"" { return nil }  // an unescaped quote inside: not one literal
            guard s == "\\" else {
                out.append(s)
                continue
            }
            guard let e = scalars.first else { return nil }
            scalars = scalars.dropFirst()
            switch e {
            case "\"", "\\", "/": out.append(e)
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "u":
                guard let v = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(v) {
                    // A surrogate pair, as JSON writes characters beyond the basic plane.
                    guard scalars.starts(with: ["\\", "u"]) else { return nil }
                    scalars = scalars.dropFirst(2)
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low),
                        let pair = Unicode.Scalar(0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00))
                    else { return nil }
                    out.append(pair)
                } else {
                    guard let scalar = Unicode.Scalar(v) else { return nil }
                    out.append(scalar)
                }
            default: return nil
            }
        }
        return String(out)
    }
}
