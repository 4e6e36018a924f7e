import Foundation

/// A received email, read the way real mail arrives: folded headers, RFC 2047 encoded words,
/// multipart/alternative and mixed, quoted-printable and base64, UTF-8, ISO-8859-1 and
/// Windows-1252 bodies, HTML-only messages reduced to text, delivery status reports. Written by
/// hand: no package on this machine's list parses MIME.
package struct MailMessage: Sendable {
    package struct Header: Sendable, Equatable {
        package let name: String
        /// Unfolded, encoded words decoded.
        package let value: String
    }

    /// Why one message could not be read; an import lists it and goes on with the rest.
    package enum Problem: Error, Equatable, CustomStringConvertible {
        case tooLarge(bytes: Int)
        case noHeaders
        case malformed(String)

        package var description: String {
            switch self {
            case .tooLarge(let n): return "the message is \(n / 1_048_576) MB; messages over \(MailMessage.maxBytes / 1_048_576) MB are not read"
            case .noHeaders: return "no mail headers at the start"
            case .malformed(let why): return why
            }
        }
    }

    package static let maxBytes = 25 * 1_048_576

    package let headers: [Header]
    /// The readable text: the text/plain part, else the HTML part reduced to text.
    package let text: String
    /// Addresses a bounce says could not be delivered to, for good: from a delivery status
    /// report, `X-Failed-Recipients`, or the text servers write without one (`BounceText`).
    package let failedRecipients: [String]
    /// Addresses a bounce says are delayed (the server will retry): never marked failing.
    package let delayedRecipients: [String]
    /// The headers of the message a bounce returned (our own reminder, usually): its
    /// Message-ID and `X-DueTrail-*` headers say which case and address it was.
    package let returnedHeaders: [Header]
    /// A spam complaint (an ARF feedback report).
    package let isComplaint: Bool
    /// A bounce: a delivery status or feedback report, named failed or delayed addresses, or a
    /// mailer daemon's words (decided once, as the message is read).
    package let isBounce: Bool

    /// What a person sees it as: `complaint`, `bounce`, `warning` (a delay only),
    /// `auto-reply` or `reply`.
    package var kindName: String {
        if isComplaint { return "complaint" }
        if isBounce { return failedRecipients.isEmpty && !delayedRecipients.isEmpty ? "warning" : "bounce" }
        return isAutoReply ? "auto-reply" : "reply"
    }

    /// The address the returned message was sent to (its `To`), lower-cased.
    package var returnedRecipient: String? { returnedHeaders.value(of: "To").flatMap(Self.mailbox)?.email }
    package let isDeliveryReport: Bool
    /// A read receipt or another machine report (multipart/report that is not a bounce).
    package let isMachineReport: Bool

    package func header(_ name: String) -> String? { headers.value(of: name) }

    package var subject: String { header("Subject") ?? "" }

    /// `<id@host>` without the brackets.
    package var messageID: String? { header("Message-ID").flatMap { Self.messageIDs(in: $0).first } }

    /// In-Reply-To, then References, newest first.
    package var referencedIDs: [String] {
        Self.messageIDs(in: header("In-Reply-To") ?? "") + Self.messageIDs(in: header("References") ?? "").reversed()
    }

    /// The sender's address (lower-cased) and display name.
    package var from: (name: String, email: String)? { header("From").flatMap(Self.mailbox) }

    /// An automatic answer (out of office, an autoresponder, a list): recorded, never a person's reply.
    package var isAutoReply: Bool {
        if isMachineReport && !isDeliveryReport { return true }
        if let auto = header("Auto-Submitted")?.lowercased(), !auto.hasPrefix("no") { return true }
        if header("X-Autoreply") != nil || header("X-Autorespond") != nil || header("X-Auto-Response-Suppress")?.lowercased().contains("all") == true { return true }
        if let precedence = header("Precedence")?.lowercased(), ["auto_reply", "bulk", "junk", "list"].contains(precedence.trimmingCharacters(in: .whitespaces)) { return true }
        return AutoReplyText.matches(subject: subject, text: text)
    }


    // MARK: Parsing

    package static func parse(_ bytes: [UInt8]) throws(Problem) -> MailMessage {
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes: bytes.count) }
        let entity = Entity(bytes[...])
        guard let first = entity.headers.first, !first.name.isEmpty else { throw .noHeaders }
        guard entity.headers.contains(where: { ["from", "subject", "message-id", "date", "to"].contains($0.name.lowercased()) }) else {
            throw .malformed("no From, To, Subject, Date or Message-ID header: not an email")
        }
        var reader = BodyReader()
        reader.read(entity, depth: 0)
        let text = Self.normalizedNewlines(reader.plain ?? reader.html.map(HTMLText.reduce) ?? "")
        var failed = reader.failed, delayed = reader.delayed
        let subject = entity.headers.value(of: "Subject") ?? ""
        let sender = entity.headers.value(of: "From").flatMap(Self.mailbox)?.email ?? ""
        for address in (entity.headers.value(of: "X-Failed-Recipients") ?? "").split(separator: ",") {
            let a = address.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t")).lowercased()
            if a.contains("@") && !failed.contains(a) { failed.append(a) }
        }
        let bounceWords = BounceText.looksLikeBounce(subject: subject, sender: sender)
        if failed.isEmpty && delayed.isEmpty && !reader.feedback && (reader.deliveryReport || bounceWords) {
            // No status report to read: the words the server wrote.
            let own = Set(["From", "To", "Cc", "Return-Path", "Delivered-To", "Reply-To", "Sender", "Errors-To"]
                .flatMap { name in entity.headers.filter { $0.name.lowercased() == name.lowercased() }.flatMap { BounceText.addresses(in: $0.value) } })
            let found = BounceText.read(text, subject: subject, excluding: own)
            if found.temporary { delayed = found.addresses } else { failed = found.addresses }
        }
        return MailMessage(
            headers: entity.headers, text: text, failedRecipients: failed, delayedRecipients: delayed, returnedHeaders: reader.returned,
            isComplaint: reader.feedback,
            isBounce: reader.deliveryReport || reader.feedback || !failed.isEmpty || !delayed.isEmpty || bounceWords,
            isDeliveryReport: reader.deliveryReport, isMachineReport: reader.machineReport)
    }

    static func normalizedNewlines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// `<a@b> <c@d>` → `["a@b", "c@d"]`.
    static func messageIDs(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            if !id.isEmpty && id.contains("@") { out.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// `"Jonas Bauer" <AP@acme.example>` → ("Jonas Bauer", "ap@acme.example").
    static func mailbox(_ text: String) -> (name: String, email: String)? {
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            let email = text[text.index(after: open)..<close].trimmedSpaces.lowercased()
            // Without Foundation's trimming (it bridged to NSString for every message read).
            var name = Substring(text[..<open])
            while let f = name.first, f == " " || f == "\t" || f == "\"" { name.removeFirst() }
            while let l = name.last, l == " " || l == "\t" || l == "\"" { name.removeLast() }
            return email.contains("@") ? (String(name), email) : nil
        }
        let email = text.split(separator: " ").first { $0.contains("@") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "()<>\"")).lowercased() }
        return email.map { ("", $0) }
    }
}

extension [MailMessage.Header] {
    /// The first header of that name (names are case-insensitive).
    func value(of name: String) -> String? {
        let lower = name.lowercased()
        return first { $0.name.lowercased() == lower }?.value
    }
}

/// One MIME entity: headers and the raw body bytes.
struct Entity {
    let headers: [MailMessage.Header]
    let body: ArraySlice<UInt8>

    /// `defaultType`: what a part without `Content-Type` is (`message/rfc822` in a digest).
    init(_ bytes: ArraySlice<UInt8>, defaultType: String = "text/plain") {
        self.defaultType = defaultType
        // Headers end at the first empty line (CRLF or LF). Blank or whitespace-only lines
        // before the first header are skipped; a line that is neither a header nor a
        // continuation ends the headers too (a message whose headers end without a blank line).
        var lines: [String] = []
        var i = bytes.startIndex
        var bodyStart = bytes.endIndex
        while i < bytes.endIndex {
            var end = i
            while end < bytes.endIndex && bytes[end] != 10 { end += 1 }
            var line = bytes[i..<end]
            if line.last == 13 { line = line.dropLast() }
            let next = end < bytes.endIndex ? end + 1 : end
            if lines.isEmpty, line.allSatisfy({ $0 == 32 || $0 == 9 }), next < bytes.endIndex {
                i = next
                continue
            }
            if line.isEmpty {
                bodyStart = next
                break
            }
            let continuation = line.first == 32 || line.first == 9
            if !lines.isEmpty, !continuation, Self.headerName(line) == nil {
                bodyStart = i
                break
            }
            let text = Charsets.decode(line, charset: nil)
            if (line.first == 32 || line.first == 9), !lines.isEmpty {
                lines[lines.count - 1] += " " + text.trimmingCharacters(in: .whitespaces)
            } else {
                lines.append(text)
            }
            i = next
            if i == bytes.endIndex { bodyStart = i }
        }
        var headers: [MailMessage.Header] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                // A first line without a colon is no header block (unless it is an mbox `From ` line).
                if headers.isEmpty && !line.hasPrefix("From ") { break }
                continue
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { continue }
            headers.append(MailMessage.Header(name: name, value: EncodedWords.decode(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))))
        }
        self.headers = headers
        body = bytes[bodyStart...]
    }

    let defaultType: String

    /// `Name:` at the start of a header line (a token of printable characters, no space).
    static func headerName(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let colon = line.firstIndex(of: 58), colon > line.startIndex else { return nil }
        let name = line[line.startIndex..<colon]
        return name.allSatisfy({ $0 > 32 && $0 < 127 }) ? name : nil
    }

    func header(_ name: String) -> String? { headers.value(of: name) }

    /// `text/plain; charset="utf-8"` → ("text/plain", ["charset": "utf-8"]), with RFC 2231's
    /// `name*=charset'lang'value` and `name*0=` / `name*1*=` continuations; a type without a
    /// subtype (`text`) is read as `text/plain`.
    var contentType: (type: String, parameters: [String: String]) {
        guard let value = header("Content-Type") else { return (defaultType, [:]) }
        return Self.parseContentType(value)
    }

    static func parseContentType(_ value: String) -> (type: String, parameters: [String: String]) {
        var parts = MIMEParameters.split(value)
        var type = parts.isEmpty ? "text/plain" : parts.removeFirst().trimmingCharacters(in: .whitespaces).lowercased()
        if !type.contains("/") { type = type == "text" || type.isEmpty ? "text/plain" : type + "/unknown" }
        return (type, MIMEParameters.parse(parts))
    }

    /// The body with its transfer encoding undone.
    var decodedBody: [UInt8] {
        switch (header("Content-Transfer-Encoding") ?? "").lowercased().trimmingCharacters(in: .whitespaces) {
        case "quoted-printable": return QuotedPrintable.decode(body)
        case "base64":
            var text = String(decoding: body.filter { $0 > 32 && $0 != 61 }, as: UTF8.self)
            while text.utf8.count % 4 != 0 { text += "=" }  // padding is often missing
            return Data(base64Encoded: text, options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? []
        default: return Array(body)
        }
    }
}

/// Walks the parts: the first text/plain and text/html that are not attachments, and any
/// delivery status report.
struct BodyReader {
    var plain: String?
    var html: String?
    var failed: [String] = []
    var delayed: [String] = []
    var returned: [MailMessage.Header] = []
    var feedback = false
    var deliveryReport = false
    var machineReport = false

    /// Parts read even when marked as attachments: a bounce's report and returned message.
    static let reportTypes: Set<String> = [
        "message/delivery-status", "message/global-delivery-status", "message/rfc822", "text/rfc822-headers", "message/global",
        "message/feedback-report", "message/global-headers",
    ]

    mutating func read(_ entity: Entity, depth: Int) {
        guard depth < 12 else { return }
        let (type, parameters) = entity.contentType
        if entity.header("Content-Disposition")?.lowercased().hasPrefix("attachment") == true && !Self.reportTypes.contains(type) { return }
        if type.hasPrefix("multipart/") {
            if type == "multipart/report" {
                machineReport = true
                deliveryReport = deliveryReport || parameters["report-type"]?.lowercased() == "delivery-status"
            }
            guard let boundary = parameters["boundary"], !boundary.isEmpty else { return }
            // A digest's parts are messages (message/rfc822 unless they say otherwise): never the reply's text.
            let partType = type == "multipart/digest" ? "message/rfc822" : "text/plain"
            for part in Self.split(entity.body, boundary: boundary) { read(Entity(part, defaultType: partType), depth: depth + 1) }
            return
        }
        switch type {
        case "text/plain":
            if plain == nil { plain = Charsets.decode(entity.decodedBody[...], charset: parameters["charset"]) }
        case "text/html":
            if html == nil { html = Charsets.decode(entity.decodedBody[...], charset: parameters["charset"]) }
        case "message/disposition-notification":
            machineReport = true
        case "message/delivery-status", "message/global-delivery-status":
            deliveryReport = true
            let status = Charsets.decode(entity.decodedBody[...], charset: "utf-8")
            for block in DeliveryStatus.recipients(MailMessage.normalizedNewlines(status)) {
                switch block.outcome {
                case .failed: if !failed.contains(block.address) { failed.append(block.address) }
                case .delayed: if !delayed.contains(block.address) { delayed.append(block.address) }
                case .other: break
                }
            }
        case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
            let inner = Entity(entity.decodedBody[...])
            // A bounce forwarded as an attachment: its report is the one to read.
            if type != "text/rfc822-headers", !deliveryReport, inner.contentType.0 == "multipart/report" {
                read(inner, depth: depth + 1)
            } else if returned.isEmpty {
                returned = inner.headers
            }
        case "message/feedback-report":
            feedback = true
            machineReport = true
        default:
            if type.hasPrefix("text/") && plain == nil && html == nil { plain = Charsets.decode(entity.decodedBody[...], charset: parameters["charset"]) }
        }
    }

    /// The parts between `--boundary` lines (up to `--boundary--`).
    static func split(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let marker = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start: Int?
        var i = body.startIndex
        while i < body.endIndex {
            var end = i
            while end < body.endIndex && body[end] != 10 { end += 1 }
            var line = body[i..<end]
            if line.last == 13 { line = line.dropLast() }
            if line.starts(with: marker), case let rest = line.dropFirst(marker.count),
                rest.starts(with: [45, 45]) || rest.allSatisfy({ $0 == 32 || $0 == 9 })
            {
                if let s = start {
                    // The line break before the boundary belongs to the boundary.
                    var stop = i
                    if stop > s && body[stop - 1] == 10 { stop -= 1 }
                    if stop > s && body[stop - 1] == 13 { stop -= 1 }
                    parts.append(body[s..<stop])
                }
                if rest.starts(with: [45, 45]) { return parts }
                start = end < body.endIndex ? end + 1 : end
            }
            i = end < body.endIndex ? end + 1 : end
        }
        if let s = start, s < body.endIndex { parts.append(body[s...]) }  // no closing boundary: keep what came
        return parts
    }
}

extension QuotedPrintable {
    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            case 97...102: return b - 87
            default: return nil
            }
        }
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 61 {  // "="
                if i + 1 < bytes.endIndex, bytes[i + 1] == 10 { i += 2; continue }  // soft break (LF)
                if i + 2 < bytes.endIndex, bytes[i + 1] == 13, bytes[i + 2] == 10 { i += 3; continue }  // soft break (CRLF)
                if i + 2 < bytes.endIndex, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}

/// Bytes to text in the charsets mail really uses; anything unknown is read as UTF-8 with
/// replacement characters rather than refused.
enum Charsets {
    static let windows1252: [UInt16] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: ArraySlice<UInt8>, charset: String?) -> String {
        let name = (charset ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        switch name {
        case "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "latin1", "iso8859-1", "l1", "iso_8859-1":
            // ISO-8859-1 read as Windows-1252, as browsers do: its 0x80–0x9F are control codes
            // no one means, and mail labelled Latin-1 is usually Windows-1252.
            return String(String.UnicodeScalarView(bytes.map { b in
                (0x80...0x9F).contains(b) ? Unicode.Scalar(windows1252[Int(b) - 0x80]) ?? "\u{FFFD}" : Unicode.Scalar(b)
            }))
        case "iso-8859-15", "latin9", "latin-9":
            let changed: [UInt8: Unicode.Scalar] = [0xA4: "€", 0xA6: "Š", 0xA8: "š", 0xB4: "Ž", 0xB8: "ž", 0xBC: "Œ", 0xBD: "œ", 0xBE: "Ÿ"]
            return String(String.UnicodeScalarView(bytes.map { changed[$0] ?? Unicode.Scalar($0) }))
        default:
            // UTF-8, ASCII, or unknown: UTF-8 when valid, else Windows-1252, which is what
            // mislabelled or unlabelled 8-bit mail almost always is.
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return decode(bytes, charset: "windows-1252")
        }
    }
}

/// RFC 2047 encoded words in headers: `=?iso-8859-1?Q?M=FCller?=`, `=?utf-8?B?...?=`.
enum EncodedWords {
    static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var out = ""
        var rest = Substring(text)
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("="), let decoded = word(charset: String(pieces[0]), encoding: String(pieces[1]), text: String(pieces[2])) else {
                out += before + "=?"
                rest = afterStart
                lastWasEncoded = false
                continue
            }
            // Whitespace between two encoded words is not part of the text.
            if !(lastWasEncoded && before.allSatisfy { $0 == " " || $0 == "\t" }) { out += before }
            out += decoded
            let consumed = pieces[0].count + pieces[1].count + pieces[2].count + 4
            rest = afterStart.dropFirst(consumed)
            lastWasEncoded = true
        }
        return out + rest
    }

    static func word(charset: String, encoding: String, text: String) -> String? {
        let bytes: [UInt8]
        switch encoding.lowercased() {
        case "b":
            var padded = text
            while padded.count % 4 != 0 { padded += "=" }
            guard let data = Data(base64Encoded: padded) else { return nil }
            bytes = [UInt8](data)
        case "q":
            bytes = QuotedPrintable.decode(Array(text.replacingOccurrences(of: "_", with: " ").utf8)[...])
        default:
            return nil
        }
        let name = charset.split(separator: "*").first.map(String.init) ?? charset  // RFC 2231 language suffix
        return Charsets.decode(bytes[...], charset: name)
    }
}

/// An HTML-only message as plain text: scripts and styles dropped, block elements as line
/// breaks, entities decoded.
enum HTMLText {
    static func reduce(_ html: String) -> String {
        // One pass over the bytes: a `<` with no `>` after it is text, and is noticed once
        // (searching again for every later `<` made a cut-off page take hours).
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var skipping: String?
        var noMoreTags = false
        while i < bytes.count {
            let b = bytes[i]
            if b == 60, !noMoreTags {  // "<"
                var close = i + 1
                while close < bytes.count && bytes[close] != 62 { close += 1 }
                if close == bytes.count {
                    noMoreTags = true
                } else {
                    var j = i + 1
                    let closing = j < close && bytes[j] == 47
                    if closing { j += 1 }
                    var name: [UInt8] = []
                    while j < close, name.count < 12, isTagByte(bytes[j]) {
                        name.append(bytes[j] | 0x20)
                        j += 1
                    }
                    let tag = String(decoding: name, as: UTF8.self)
                    if let s = skipping {
                        if closing && tag == s { skipping = nil }
                    } else if !closing && (tag == "script" || tag == "style" || tag == "head") {
                        skipping = tag
                    } else if blocks.contains(tag) {
                        out.append(10)
                    }
                    i = close + 1
                    continue
                }
            }
            if skipping == nil { out.append(b) }
            i += 1
        }
        let decoded = entities(String(decoding: out, as: UTF8.self))
        // Collapse runs of spaces per line and runs of blank lines.
        var lines: [String] = []
        for raw in decoded.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }).joined(separator: " ")
            if line.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(line)
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let blocks: Set<String> = ["br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "blockquote", "table"]

    static func isTagByte(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }

    static func entities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "euro": "€", "uuml": "ü", "ouml": "ö", "auml": "ä", "szlig": "ß", "eacute": "é"]
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(10).firstIndex(of: ";") {
                let name = String(after[..<semi])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                    replacement = String(Character(s))
                } else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let s = Unicode.Scalar(v) {
                    replacement = String(Character(s))
                } else {
                    replacement = named[name.lowercased()]
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }
}
