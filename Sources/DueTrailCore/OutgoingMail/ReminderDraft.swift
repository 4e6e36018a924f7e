/// A reminder as a complete RFC 5322 message: the file a person reviews in `outbox/`, commits to
/// approve, and `send` delivers byte for byte (adding only the Date and transfer encoding).
///
/// Headers are written in UTF-8 as typed (RFC 6532), so a draft reads well in a diff; no name,
/// subject or address can carry a line break, so nothing can add a header. The `X-DueTrail-*`
/// headers tie the message to its customer, cases and cadence step.
package struct ReminderDraft: Sendable, Equatable {
    package struct Address: Sendable, Equatable {
        package var name: String?
        package var email: String
        package init(name: String?, email: String) {
            self.name = name
            self.email = email
        }

        /// `"Harbour & Finch, Accounts" <ap@harbour.example>` (quoted only when needed).
        package var header: String {
            let email = ReminderDraft.oneLine(self.email).replacingAll(" ", with: "")
            guard let raw = name.map(ReminderDraft.oneLine), !raw.isEmpty else { return email }
            let specials = "()<>[]:;@\\,.\""
            if raw.contains(where: { specials.contains($0) }) {
                return "\"" + raw.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\" <\(email)>"
            }
            return "\(raw) <\(email)>"
        }
    }

    package var from: Address
    package var to: [Address]
    package var cc: [Address]
    package var replyTo: Address
    package var subject: String
    package var messageID: String
    /// Earlier messages of these cases, oldest first (threading).
    package var references: [String]
    package var customer: String
    package var caseNumbers: [String]
    package var step: String
    /// For a statement (cases at different steps): each case's step, by invoice number.
    package var caseSteps: [String: String] = [:]
    /// Other overdue invoices of the customer the message lists without a step of their own
    /// (`list: all`): shown to the customer, and nothing is recorded on them when it is sent.
    package var alsoListed: [String] = []
    package var drafted: CalendarDate
    package var body: String

    package init(
        from: Address, to: [Address], cc: [Address], replyTo: Address, subject: String, messageID: String, references: [String],
        customer: String, caseNumbers: [String], step: String, drafted: CalendarDate, body: String
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.messageID = messageID
        self.references = references
        self.customer = customer
        self.caseNumbers = caseNumbers
        self.step = step
        self.drafted = drafted
        self.body = body
    }

    /// The message text, LF line endings (`send` writes CRLF on the wire).
    package var text: String {
        var h: [(String, String)] = [("From", from.header), ("To", to.map(\.header).joined(separator: ", "))]
        if !cc.isEmpty { h.append(("Cc", cc.map(\.header).joined(separator: ", "))) }
        h.append(("Reply-To", replyTo.header))
        h.append(("Subject", Self.oneLine(subject)))
        h.append(("Message-ID", messageID))
        if let last = references.last {
            h.append(("In-Reply-To", last))
            h.append(("References", references.joined(separator: " ")))
        }
        h += [
            ("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "8bit"),
            ("X-DueTrail-Customer", customer), ("X-DueTrail-Cases", caseNumbers.map(Self.oneLine).joined(separator: ", ")),
            ("X-DueTrail-Step", step),
        ]
        if !caseSteps.isEmpty {
            h.append(("X-DueTrail-Case-Steps", caseNumbers.compactMap { n in caseSteps[n].map { "\(Self.oneLine(n))=\($0)" } }.joined(separator: ", ")))
        }
        if !alsoListed.isEmpty { h.append(("X-DueTrail-Also-Listed", alsoListed.map(Self.oneLine).joined(separator: ", "))) }
        h += [("X-DueTrail-Drafted", drafted.iso)]
        var out = ""
        for (k, v) in h { out += Self.fold("\(k): \(v)") + "\n" }
        return out + "\n" + body
    }

    /// Folds a header line longer than 78 characters at spaces (RFC 5322 §2.2.3).
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 78 else { return line }
        if line.utf8.allSatisfy({ $0 < 0x80 }) { return foldASCII(Array(line.utf8)) }
        guard line.count > 78 else { return line }
        var out = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > 78 {
                out += current + "\n"
                current = " " + word
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        return out + current
    }

    /// `fold` for ASCII text, on bytes.
    static func foldASCII(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var lineStart = 0  // index in `out` where the current line starts
        var wordStart = 0
        var i = 0
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == 32 {
                let word = bytes[wordStart..<i]
                let current = out.count - lineStart
                if current > 0 && current + 1 + word.count > 78 {
                    out.append(10)
                    lineStart = out.count
                    out.append(32)
                } else if wordStart > 0 {
                    out.append(32)
                }
                out.append(contentsOf: word)
                wordStart = i + 1
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// No line breaks or control characters survive into a header.
    static func oneLine(_ text: String) -> String { text.controlCharactersAsSpaces.trimmedSpaces }

    /// `<20261130.nudge.acme-gmbh.3f9a2c@northwind.example>`: the same reminder always gets
    /// the same id (drafting twice changes nothing); different days, steps, customers or sets
    /// of invoices never share one.
    package static func messageID(day: CalendarDate, step: String, customer: String, cases: [String], senderEmail: String) -> String {
        let domain = senderEmail.split(separator: "@").last.map(String.init) ?? "duetrail.invalid"
        let compact = day.iso.replacingAll("-", with: "")
        return "<\(compact).\(step).\(customer).\(StableHash.hex(cases.joined(separator: "\n"), length: 6))@\(domain)>"
    }
}

extension ReminderDraft {
    /// The addresses of an address header (`To:`), split at commas outside quotes and angle
    /// brackets: `"Bauer, Jonas" <ap@acme.example>, cfo@acme.example` is two.
    package static func addresses(in header: String) -> [(display: String, email: String)] {
        var out: [(String, String)] = []
        var current = ""
        var quoted = false, angle = false, escaped = false
        func flush() {
            let item = current.trimmedSpaces
            current = ""
            guard !item.isEmpty else { return }
            if let open = item.lastIndex(of: "<"), let close = item.lastIndex(of: ">"), open < close {
                out.append((item, String(item[item.index(after: open)..<close]).trimmedSpaces))
            } else {
                out.append((item, item))
            }
        }
        for ch in header {
            if escaped { current.append(ch); escaped = false; continue }
            switch ch {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle()
            case "<" where !quoted: angle = true
            case ">" where !quoted: angle = false
            case "," where !quoted && !angle:
                flush()
                continue
            default: break
            }
            current.append(ch)
        }
        flush()
        return out
    }
}

/// What `draft` and `approve` need to know of a draft file: read from its headers.
package struct DraftHeaders: Sendable {
    package var fields: [(name: String, value: String)]
    /// The line (1-based) each field starts on, in the order of `fields`.
    package var fieldLines: [Int] = []
    /// Line where the body starts (1-based).
    package var bodyLine: Int
    package var body: Substring

    package func value(_ name: String) -> String? { fields.first { Self.sameName($0.name, name) }?.value }

    /// Header names compared as RFC 5322 does, ignoring ASCII case (the names `parse` accepts
    /// are ASCII letters, digits and dashes): byte by byte, without Foundation's
    /// locale-aware comparison, as `outbox` reads 5,000 drafts' headers.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 97 && (x | 0x20) <= 122) }
    }

    /// Reads the header block of a message (unfolding continuation lines).
    package static func parse(_ raw: String, path: String) throws(Diagnostic) -> DraftHeaders {
        // A draft saved by an editor with Windows line endings reads the same.
        let text = raw.withLFLineEndings
        var fields: [(String, String)] = []
        var fieldLines: [Int] = []
        var lineNumber = 0
        var remainder = text[...]
        while true {
            lineNumber += 1
            guard !remainder.isEmpty else {
                throw Diagnostic(path: path, line: lineNumber, message: "the message has no blank line between the headers and the body")
            }
            // Found on the bytes: a newline always ends a character, so the index is one of the string's.
            let end = remainder.utf8.firstIndex(of: 10) ?? remainder.endIndex
            var line = remainder[..<end]
            remainder = end < remainder.endIndex ? remainder[remainder.utf8.index(after: end)...] : ""
            if line.utf8.last == 13 { line = line.dropLast() }
            if line.isEmpty { return DraftHeaders(fields: fields, fieldLines: fieldLines, bodyLine: lineNumber + 1, body: remainder) }
            if line.utf8.first == 32 || line.utf8.first == 9 {
                guard !fields.isEmpty else { throw Diagnostic(path: path, line: lineNumber, message: "a continuation line before any header", excerpt: String(line)) }
                fields[fields.count - 1].1 += " " + line.trimmedSpaces
                continue
            }
            guard let colon = line.utf8.firstIndex(of: 58), colon > line.startIndex,
                line.utf8[..<colon].allSatisfy({ ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
            else {
                throw Diagnostic(path: path, line: lineNumber, message: "not a header line (`Name: value`)", excerpt: String(line),
                    hint: "the headers end at the first blank line; keep the body below it")
            }
            fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmedSpaces))
            fieldLines.append(lineNumber)
        }
    }

    /// The pending-draft facts, or a diagnostic naming the missing header.
    package func pending(path: String, approved: Bool) throws(Diagnostic) -> PendingDraft {
        func need(_ name: String) throws(Diagnostic) -> String {
            guard let v = value(name), !v.isEmpty else {
                throw Diagnostic(path: path, line: 1, message: "the draft has no `\(name):` header", hint: "drafts are written by `duetrail draft`; keep its X-DueTrail headers")
            }
            return v
        }
        let customer = try need("X-DueTrail-Customer")
        let cases = try need("X-DueTrail-Cases").split(separator: ",").map { $0.trimmedSpaces }.filter { !$0.isEmpty }
        let step = try need("X-DueTrail-Step")
        let draftedText = try need("X-DueTrail-Drafted")
        guard let drafted = CalendarDate(iso: draftedText) else {
            throw Diagnostic(path: path, line: 1, message: "`X-DueTrail-Drafted: \(draftedText)` is not a date")
        }
        var draft = PendingDraft(path: path, customer: customer, caseNumbers: cases, step: step, date: drafted, approved: approved)
        for pair in (value("X-DueTrail-Case-Steps") ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { draft.caseSteps[kv[0].trimmedSpaces] = kv[1].trimmedSpaces }
        }
        draft.alsoListed = (value("X-DueTrail-Also-Listed") ?? "").split(separator: ",").map { $0.trimmedSpaces }.filter { !$0.isEmpty && !cases.contains($0) }
        return draft
    }
}

extension DraftHeaders {
    /// What stops a draft from being approved: headers that do not read, no recipient, an
    /// address that is not one, a personal note still to write. `check` applies the same rules.
    /// `personalNote: false` leaves out the personal note still to write (for `check`, where
    /// it is work in progress, not a broken file).
    package static func problems(approving text: String, path: String, personalNote: Bool = true) -> [Diagnostic] {
        let headers: DraftHeaders
        do throws(Diagnostic) {
            headers = try DraftHeaders.parse(text, path: path)
            _ = try headers.pending(path: path, approved: false)
        } catch {
            return [error]
        }
        var out: [Diagnostic] = []
        for name in ["From", "To", "Subject", "Message-ID"] where (headers.value(name) ?? "").isEmpty {
            out.append(Diagnostic(path: path, line: 1, message: "the draft has no `\(name):` header"))
        }
        for (i, field) in headers.fields.enumerated() where ["to", "cc", "from", "reply-to"].contains(field.name.lowercased()) {
            for (display, email) in ReminderDraft.addresses(in: field.value) {
                if let why = EmailAddress.problem(email) {
                    out.append(Diagnostic(path: path, line: headers.fieldLines[i], message: "`\(display)` in \(field.name) is not an email address: \(why)",
                        excerpt: "\(field.name): \(field.value)"))
                }
            }
        }
        var lineNumber = headers.bodyLine
        for line in headers.body.split(separator: "\n", omittingEmptySubsequences: false) {
            if personalNote, line.contains(ReminderTemplate.personalNoteMarker) {
                out.append(Diagnostic(path: path, line: lineNumber, message: "this sensitive customer's draft still asks for a personal note",
                    excerpt: String(line), hint: "write the note in place of this line, then approve again"))
            }
            lineNumber += 1
        }
        return out
    }

}
