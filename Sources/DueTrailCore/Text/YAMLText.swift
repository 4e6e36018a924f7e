/// Writes YAML scalars so that Yams reads back exactly the same string: plain where that is
/// unambiguous, double-quoted with escapes otherwise. Case and customer files are written by
/// hand (not by Yams' emitter) so key order and layout stay fixed and diffs stay minimal.
package enum YAMLText {
    package static func scalar(_ value: String) -> String {
        needsQuotes(value) ? quoted(value) : value
    }

    package static func quoted(_ value: String) -> String {
        doubleQuoted(value, uppercaseHex: true) { s in
            s.value < 0x20 || s.value == 0x7F || (s.value >= 0x80 && s.value < 0xA0) || s.value == 0xFEFF || s.value == 0x2028 || s.value == 0x2029
                || TerminalText.isHostile(s)  // a bidi override too: `cat` and `git diff` show the name in order
        }
    }

    /// `"…"` with `"`, `\\`, `\n`, `\r` and `\t` escaped and every scalar `escape` picks written
    /// as `\uXXXX`: the double-quoted form YAML and the timeline lines share (each with its
    /// own set of escaped scalars and case of hex digits, so files keep their bytes).
    package static func doubleQuoted(_ value: String, uppercaseHex: Bool, escape: (Unicode.Scalar) -> Bool) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if escape(scalar) {
                    out += String(format: uppercaseHex ? "\\u%04X" : "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static let reserved: Set<String> = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ]

    static func needsQuotes(_ value: String) -> Bool {
        if value.utf8.count <= 5 && reserved.contains(value.lowercased()) { return true }
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return true }
        if first == " " || last == " " { return true }
        if "-?:,[]{}#&*!|>'\"%@`.".unicodeScalars.contains(first) { return true }
        // Numbers, dates and anything numeric-looking would change type.
        if first.properties.numericType != nil || first == "+" { return true }
        for scalar in value.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value >= 0x80 && scalar.value < 0xA0 || scalar.value == 0xFEFF
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar == "\\" || scalar == "\"" || TerminalText.isHostile(scalar)
            {
                return true
            }
        }
        // `: ` and ` #` start a mapping or a comment inside a plain scalar.
        var previous: UInt8 = 0
        for byte in value.utf8 {
            if (previous == UInt8(ascii: ":") && byte == 32) || (previous == 32 && byte == UInt8(ascii: "#")) { return true }
            previous = byte
        }
        return previous == UInt8(ascii: ":")
    }
}
