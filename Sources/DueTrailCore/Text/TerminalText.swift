/// Text from outside (an export's customer name, a portal note, a mail's subject) as a
/// terminal shows it: control characters and bidirectional overrides are written as visible
/// escapes, so a value can never recolour, retitle, clear or reorder what a person reads.
/// Only what is printed changes; the ledger's files keep the data as it came.
///
/// ESC shows as `\e`, line breaks and tabs (in the one-line form) as `\n`, `\r`, `\t`, and
/// every other escaped character as `\uXXXX`: JSON's own escape, so `--json` output passed
/// through it stays valid JSON that decodes to the raw data (JSON encoders already escape
/// C0 controls themselves).
package enum TerminalText {
    /// Characters a terminal would obey (or that reorder the text around them) instead of
    /// showing: C0 controls, DEL, C1 controls, and the bidi marks, embeddings, overrides
    /// and isolates (U+200E/F, U+202A–U+202E, U+2066–U+2069, U+061C).
    package static func isHostile(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0..<0x20, 0x7F, 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// For lines a person reads where a value may span lines (a draft, a note, a whole
    /// summary): newlines and tabs stay, everything else hostile is escaped.
    package static func escaped(_ text: String) -> String {
        escape(text, keepLayout: true)
    }

    /// For a value inside one line (a table cell, a name in a list): line breaks and tabs are
    /// escaped too, so one value cannot start a line that looks like another.
    package static func oneLine(_ text: String) -> String {
        escape(text, keepLayout: false)
    }

    static func escape(_ text: String, keepLayout: Bool) -> String {
        // Nearly all output is printable ASCII: checked by bytes, returned as it is.
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || (keepLayout && ($0 == 10 || $0 == 9)) }) { return text }
        guard text.unicodeScalars.contains(where: { isHostile($0) && !(keepLayout && ($0 == "\n" || $0 == "\t")) }) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            guard isHostile(s), !(keepLayout && (s == "\n" || s == "\t")) else {
                out.append(s)
                continue
            }
            out.append(contentsOf: visible(s).unicodeScalars)
        }
        return String(out)
    }

    /// The visible form of one hostile character.
    static func visible(_ s: Unicode.Scalar) -> String {
        switch s {
        case "\u{1B}": return "\\e"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(s.value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }
}
