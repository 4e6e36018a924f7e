import Foundation

/// An approved draft made ready for the wire: the same headers and words a person approved,
/// with a `Date:` stamped at sending, RFC 2047 encoded words for any non-ASCII name or
/// subject, the body in 7bit, 8bit (when the server takes it) or quoted-printable, and the
/// ledger's own `X-DueTrail-*` headers left out (they are for the ledger, not the customer).
///
/// Pure: the same draft, date and capabilities always give the same bytes, which is what
/// `send` keeps in `sent/` as the record of what went out.
package struct OutgoingMessage: Sendable, Equatable {
    /// The whole message, LF line endings (SMTP sends CRLF and dot-stuffs on the wire).
    package let text: String
    /// The envelope sender (the `From:` address).
    package let sender: String
    /// Every `To:` and `Cc:` address, in order, without repeats.
    package let recipients: [String]
    package let messageID: String
    package let subject: String
    /// The body is sent as 8-bit text (`BODY=8BITMIME` on SMTP).
    package let eightBit: Bool
    /// An address is not ASCII: only a server offering SMTPUTF8 can take it.
    package let needsSMTPUTF8: Bool

    /// What the receiving side accepts.
    package struct Capabilities: Sendable, Equatable {
        package var eightBitMIME: Bool
        package var smtpUTF8: Bool
        package init(eightBitMIME: Bool, smtpUTF8: Bool) {
            self.eightBitMIME = eightBitMIME
            self.smtpUTF8 = smtpUTF8
        }
        /// Files on this machine (Maildir): 8-bit text is fine.
        package static let local = Capabilities(eightBitMIME: true, smtpUTF8: true)
        /// Nothing assumed (a sendmail command hands the message to an unknown MTA).
        package static let unknown = Capabilities(eightBitMIME: false, smtpUTF8: false)
    }

    /// Header order on the wire; anything else a person added follows, in its order.
    static let order = ["from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to", "references"]
    static let addressHeaders: Set<String> = ["from", "to", "cc", "reply-to", "sender", "bcc"]
    /// Rewritten here: never taken from the draft.
    static let replaced: Set<String> = ["date", "mime-version", "content-type", "content-transfer-encoding", "bcc"]

    /// Prepares `draft` (the approved bytes of `path`) for sending at `date`.
    /// Errors name the draft file and line.
    package static func prepare(draft: String, path: String, date: Date, timezone: TimeZone, capabilities: Capabilities) throws(Diagnostic) -> OutgoingMessage {
        let headers = try DraftHeaders.parse(draft, path: path)
        var fields: [(name: String, value: String, line: Int)] = []
        for (i, field) in headers.fields.enumerated() {
            let lower = field.name.lowercased()
            if lower.hasPrefix("x-duetrail-") || replaced.contains(lower) { continue }
            fields.append((field.name, field.value, headers.fieldLines[i]))
        }
        func first(_ name: String) -> (name: String, value: String, line: Int)? { fields.first { $0.name.lowercased() == name } }
        for required in ["From", "To", "Subject", "Message-ID"] where (first(required.lowercased())?.value ?? "").isEmpty {
            throw Diagnostic(path: path, line: 1, message: "the draft has no `\(required):` header")
        }
        var recipients: [String] = []
        var sender = ""
        var international = false
        var out: [String] = []
        let sorted = fields.enumerated().sorted { a, b in
            let ia = order.firstIndex(of: a.element.name.lowercased()) ?? order.count
            let ib = order.firstIndex(of: b.element.name.lowercased()) ?? order.count
            return (ia, a.offset) < (ib, b.offset)
        }.map(\.element)
        var dateWritten = false
        for field in sorted {
            let lower = field.name.lowercased()
            if !dateWritten, (order.firstIndex(of: lower) ?? order.count) > order.firstIndex(of: "subject")! {
                out.append("Date: \(rfc5322Date(date, timezone: timezone))")
                dateWritten = true
            }
            if addressHeaders.contains(lower) {
                var rendered: [String] = []
                for (display, email) in ReminderDraft.addresses(in: field.value) {
                    if let why = EmailAddress.problem(email) {
                        throw Diagnostic(path: path, line: field.line, message: "`\(display)` in \(field.name) is not an email address: \(why)",
                            excerpt: "\(field.name): \(field.value)")
                    }
                    if EmailAddress.isInternational(email) { international = true }
                    if lower == "to" || lower == "cc", !recipients.contains(email) { recipients.append(email) }
                    if lower == "from", sender.isEmpty { sender = email }
                    rendered.append(mailbox(display: display, email: email))
                }
                out.append(fold(field.name + ": " + rendered.joined(separator: ", ")))
            } else if lower == "message-id" || lower == "in-reply-to" || lower == "references" {
                out.append(fold(field.name + ": " + ReminderDraft.oneLine(field.value)))
            } else {
                out.append(unstructured(field.name, ReminderDraft.oneLine(field.value)))
            }
        }
        if !dateWritten { out.append("Date: \(rfc5322Date(date, timezone: timezone))") }
        if international && !capabilities.smtpUTF8 {
            throw Diagnostic(path: path, line: 1, message: "an address is not ASCII and the mail server does not offer SMTPUTF8",
                hint: "write the address in ASCII in the customer file, or send through a server that supports SMTPUTF8")
        }
        guard !recipients.isEmpty else { throw Diagnostic(path: path, line: 1, message: "the draft has no recipient in To: or Cc:") }

        let body = String(headers.body).withLFLineEndings
        let bodyBytes = Array(body.utf8)
        let ascii = bodyBytes.allSatisfy { $0 < 0x80 }
        let longest = body.split(separator: "\n", omittingEmptySubsequences: false).map(\.utf8.count).max() ?? 0
        let encoding: String
        var wireBody: String
        if longest <= 998 && ascii {
            encoding = "7bit"
            wireBody = body
        } else if longest <= 998 && capabilities.eightBitMIME {
            encoding = "8bit"
            wireBody = body
        } else {
            encoding = "quoted-printable"
            wireBody = QuotedPrintable.encode(bodyBytes)
        }
        if !wireBody.hasSuffix("\n") { wireBody += "\n" }
        out.append("MIME-Version: 1.0")
        out.append("Content-Type: text/plain; charset=utf-8")
        out.append("Content-Transfer-Encoding: \(encoding)")
        let messageID = first("message-id")?.value ?? ""
        return OutgoingMessage(
            text: out.joined(separator: "\n") + "\n\n" + wireBody, sender: sender, recipients: recipients,
            messageID: ReminderDraft.oneLine(messageID), subject: first("subject")?.value ?? "",
            eightBit: encoding == "8bit", needsSMTPUTF8: international)
    }

    /// `Ana Ruiz <ana@x.example>`, `"Harbour & Finch, AP" <ap@x.example>`, or
    /// `=?UTF-8?Q?J=C3=B6rg?= <j@x.example>` when the name is not ASCII.
    static func mailbox(display: String, email: String) -> String {
        var name = display
        if let open = display.lastIndex(of: "<") { name = String(display[..<open]).trimmedSpaces } else { name = "" }
        if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 {
            name = String(name.dropFirst().dropLast()).replacingAll("\\\"", with: "\"").replacingAll("\\\\", with: "\\")
        }
        name = ReminderDraft.oneLine(name)
        guard !name.isEmpty else { return email }
        if name.utf8.contains(where: { $0 >= 0x80 }) { return EncodedWord.encode(name, phrase: true).joined(separator: " ") + " <\(email)>" }
        return ReminderDraft.Address(name: name, email: email).header
    }

    /// A free-text header: encoded words when not ASCII, folded within 78 characters.
    static func unstructured(_ name: String, _ value: String) -> String {
        guard value.utf8.contains(where: { $0 >= 0x80 }) else { return fold(name + ": " + value) }
        var line = name + ":"
        var out: [String] = []
        for word in EncodedWord.encode(value, phrase: false) {
            if line.utf8.count + 1 + word.utf8.count > 78 {
                out.append(line)
                line = " " + word
            } else {
                line += " " + word
            }
        }
        out.append(line)
        return out.joined(separator: "\n")
    }

    static func fold(_ line: String) -> String { ReminderDraft.fold(line) }

    /// `Mon, 30 Nov 2026 09:00:00 +0100` (RFC 5322 §3.3), in the ledger's timezone.
    package static func rfc5322Date(_ date: Date, timezone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timezone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offset = timezone.secondsFromGMT(for: date) / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(c.day ?? 1) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour ?? 0)):\(two(c.minute ?? 0)):\(two(c.second ?? 0)) \(sign)\(two(abs(offset) / 60))\(two(abs(offset) % 60))"
    }
}

/// RFC 2047 encoded words (`=?UTF-8?Q?…?=`) for non-ASCII text in headers: each word at most
/// 75 characters, never splitting a character across two words.
package enum EncodedWord {
    /// `phrase`: a display name, where fewer characters may appear unencoded (RFC 2047 §5(3)).
    package static func encode(_ text: String, phrase: Bool) -> [String] {
        let prefix = "=?UTF-8?Q?", suffix = "?="
        let room = 75 - prefix.count - suffix.count
        var words: [String] = []
        var current = ""
        for character in text {
            var piece = ""
            for byte in String(character).utf8 {
                if byte == 32 {
                    piece += "_"
                } else if isSafe(byte, phrase: phrase) {
                    piece.append(Character(UnicodeScalar(byte)))
                } else {
                    piece += "=" + hex(byte)
                }
            }
            if current.utf8.count + piece.utf8.count > room {
                words.append(prefix + current + suffix)
                current = ""
            }
            current += piece
        }
        if !current.isEmpty || words.isEmpty { words.append(prefix + current + suffix) }
        return words
    }

    static func isSafe(_ b: UInt8, phrase: Bool) -> Bool {
        if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) { return true }
        return phrase ? "!*+-/".utf8.contains(b) : "!*+-/,.;:'()".utf8.contains(b)
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}

/// Quoted-printable (RFC 2045 §6.7) for text bodies: lines of at most 76 characters, soft
/// breaks `=` at the end of a wrapped line, line breaks kept as line breaks.
package enum QuotedPrintable {
    package static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        var lineLength = 0
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        for (n, line) in lines.enumerated() {
            var content = line[...]
            if content.last == 13 { content = content.dropLast() }
            for (i, b) in zip(content.indices, content) {
                let last = i == content.index(before: content.endIndex)
                let literal = (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !last)
                let piece: [UInt8] = literal ? [b] : Array("=\(EncodedWord.hex(b))".utf8)
                // Keep room for the soft break `=` within 76.
                if lineLength + piece.count > 75 {
                    out += Array("=\n".utf8)
                    lineLength = 0
                }
                out += piece
                lineLength += piece.count
            }
            if n < lines.count - 1 {
                out.append(10)
                lineLength = 0
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
