/// Free text as a case or customer file may record it. A note from the portal, a CLI
/// `--note` or `--reason`, an event's details: control characters (ESC, BEL, NUL, …) never
/// enter the ledger's files, where a NUL makes git treat a case file as binary and an escape
/// would drive the terminal of whoever runs `git log -p` or `cat`. Line breaks stay (CRLF and
/// a lone CR become LF); a tab becomes a space (on a one-line timeline entry it is only an
/// invisible gap). Received mail is not text of this kind: it stays byte for byte under
/// `replies/`.
package enum RecordedText {
    /// A control character no file records: C0 other than tab, LF and CR; DEL; C1.
    package static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\t" && s != "\n" && s != "\r") || s.value == 0x7F || (s.value >= 0x80 && s.value <= 0x9F)
    }

    /// `text` with control characters removed, tabs as spaces and line breaks as LF.
    package static func cleaned(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 && $0 != 10 || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for s in text.unicodeScalars {
            defer { previousCR = s == "\r" }
            switch s {
            case "\r": out.append("\n")
            case "\n" where previousCR: continue  // CRLF: the CR was the line break
            case "\t": out.append(" ")
            default: if !isControl(s) { out.append(s) }
            }
        }
        return String(out)
    }

    /// The first control character in `text`, for a refusal that names it (`\e`, `\u0000`).
    package static func firstControl(_ text: String) -> String? {
        text.unicodeScalars.first(where: isControl).map { TerminalText.visible($0) }
    }

    /// The file renderers' last safety net: raw control bytes (other than tab and line
    /// breaks) removed from a rendered file. Escapes YAML and timeline lines write (`\u001B`)
    /// are text, and stay.
    package static func withoutRawControls(_ rendered: String) -> String {
        // Fast path, byte by byte: C1 controls are 0xC2 0x80–0x9F in UTF-8 (0xC2 alone also
        // starts `£`, `§`, `°` and the no-break space, which are kept).
        var previous: UInt8 = 0
        var found = false
        for byte in rendered.utf8 {
            if (byte < 0x20 && byte != 9 && byte != 10 && byte != 13) || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
                found = true
                break
            }
            previous = byte
        }
        guard found else { return rendered }
        return String(String.UnicodeScalarView(rendered.unicodeScalars.filter { !isControl($0) }))
    }
}
