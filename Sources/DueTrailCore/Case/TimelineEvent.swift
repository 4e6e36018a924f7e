import Foundation

/// One line of a case's `## Timeline`: something that happened, when, and who did it.
///
/// Written as `- 2026-11-29 09:14 · opened · balance: 1200.00 EUR · by Ana Ruiz · #7f3a9c1e`:
/// date and time (the ledger's timezone; the time may be left out when typed by hand), kind,
/// details (`key: value` attributes and free text), `by` someone, and an identity `#id` that
/// later merges use to unite two people's edits. An event typed without an id gets one derived
/// from its content, so hand-written lines behave like the tool's own.
package struct TimelineEvent: Sendable, Equatable {
    package var id: String
    package var date: CalendarDate
    /// Minutes after midnight, when known.
    package var minutes: Int?
    package var kind: EventKind
    /// `key: value` details, as written: any text reads back the same (see `TimelineText`).
    package var attributes: [(key: String, value: String)]
    package var text: String?
    package var who: String

    package static func == (l: TimelineEvent, r: TimelineEvent) -> Bool {
        l.id == r.id && l.date == r.date && l.minutes == r.minutes && l.kind == r.kind && l.text == r.text && l.who == r.who
            && l.attributes.map(\.key) == r.attributes.map(\.key) && l.attributes.map(\.value) == r.attributes.map(\.value)
    }

    package static let separator = " · "

    /// Events are made by `LedgerClock.event` (the tool) or `parse` (a line read back).
    /// Attribute values and text are kept exactly; an empty text is no text.
    package init(
        id: String? = nil, date: CalendarDate, minutes: Int?, kind: EventKind,
        attributes: [(key: String, value: String)] = [], text: String? = nil, who: String
    ) {
        self.date = date
        self.minutes = minutes
        self.kind = kind
        self.attributes = attributes
        self.text = text.flatMap { $0.isEmpty ? nil : $0 }
        self.who = Self.oneLine(who).replacingAll("·", with: "-")
        self.id = ""
        self.id = id ?? derivedID(salt: 0)
    }

    package func attribute(_ key: String) -> String? { attributes.first { $0.key == key }?.value }

    /// What the state rules need of an event a person may type by hand, checked so that a
    /// typo is a `check` error with its line instead of an event silently ignored.
    package var problem: String? {
        for need in kind.requirements {
            guard let text = attribute(need.key) else { return need.missing }
            if need.shape == .date, CalendarDate(iso: text) == nil { return "`\(need.key.rawValue): \(text)` is not a date (YYYY-MM-DD)" }
        }
        return nil
    }

    /// An id from the event's content; `salt` separates two identical events in one case.
    package func derivedID(salt: Int) -> String {
        var basis = "\(date.iso) \(minutes.map(String.init) ?? "") \(kind.wireName)"
        for (k, v) in attributes { basis += "|\(k)=\(v)" }
        basis += "|\(text ?? "")|\(who)"
        if salt > 0 { basis += "|\(salt)" }
        return StableHash.hex(basis, length: 8)
    }

    /// One line of text for the file (no newline).
    package var line: String {
        var parts = [timestamp, kind.wireName]
        for (k, v) in attributes { parts.append("\(k): \(TimelineText.encodeValue(v))") }
        if let text { parts.append(TimelineText.encodeText(text, textOnly: kind.isTextOnly)) }
        parts.append("by \(who)")
        parts.append("#\(id)")
        return "- " + parts.joined(separator: Self.separator)
    }

    package var timestamp: String {
        guard let minutes else { return date.iso }
        return date.iso + " " + padded(minutes / 60, 2) + ":" + padded(minutes % 60, 2)
    }

    /// A name on one line (names come from settings, not from what is recorded).
    static func oneLine(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 == 10 || $0 == 13 }) { return text.trimmedSpaces }
        return text.replacingAll("\r\n", with: " ").replacingAll("\n", with: " ").replacingAll("\r", with: " ").trimmedSpaces
    }

    /// Why a timeline line could not be read.
    package enum ParseError: Error, Equatable {
        case notAListItem
        case badTimestamp(String)
        case missingKind
        case missingWho
        case badID(String)
    }

    /// Reads one timeline line (`- …`).
    package static func parse(_ line: Substring) -> Result<TimelineEvent, ParseError> {
        guard line.hasPrefix("- ") else { return .failure(.notAListItem) }
        var parts = line.dropFirst(2).splitOn(separator).map { $0.trimmedSpaces }
        guard parts.count >= 2 else { return .failure(parts.isEmpty ? .badTimestamp("") : .missingKind) }
        let stamp = parts.removeFirst()
        guard let (date, minutes) = parseTimestamp(stamp) else { return .failure(.badTimestamp(stamp)) }
        let kindName = parts.removeFirst()
        // Letters and hyphens; ASCII is decided by bytes, anything else by Unicode's letters.
        let asciiKind = kindName.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || $0 == 45 }
        guard !kindName.isEmpty, asciiKind || kindName.allSatisfy({ $0.isLetter || $0 == "-" }) else { return .failure(.missingKind) }
        let kind = EventKind(wireName: kindName)
        var id: String?
        if let last = parts.last, last.hasPrefix("#") {
            let candidate = String(last.dropFirst())
            guard !candidate.isEmpty, candidate.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == 45 }) else {
                return .failure(.badID(candidate))
            }
            id = candidate
            parts.removeLast()
        }
        guard let last = parts.last, last.hasPrefix("by ") else { return .failure(.missingWho) }
        let who = String(last.dropFirst(3)).trimmedSpaces
        parts.removeLast()
        var attributes: [(key: String, value: String)] = []
        var text: [String] = []
        for part in parts {
            if !kind.isTextOnly, text.isEmpty, let (k, v) = attributePair(part) {
                attributes.append((k, TimelineText.decode(v)))
            } else {
                text.append(part)
            }
        }
        let joined = TimelineText.decode(text.joined(separator: separator))
        return .success(TimelineEvent(id: id, date: date, minutes: minutes, kind: kind, attributes: attributes, text: joined.isEmpty ? nil : joined, who: who))
    }

    static func attributePair(_ part: String) -> (String, String)? {
        // `key: value`, the key lower-case ASCII letters, digits and hyphens, starting with a
        // letter; found by bytes (every timeline line of 100,000 files passes here).
        let utf8 = part.utf8
        guard let first = utf8.first, first >= 97, first <= 122 else { return nil }
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let c = utf8[i]
            if c == 58 {
                let next = utf8.index(after: i)
                guard next != utf8.endIndex, utf8[next] == 32 else { return nil }
                return (String(part[..<i]), String(part[utf8.index(after: next)...]))
            }
            guard (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 else { return nil }
            i = utf8.index(after: i)
        }
        return nil
    }

    static func parseTimestamp(_ text: String) -> (CalendarDate, Int?)? {
        let pieces = text.split(separator: " ")
        guard let first = pieces.first, let date = CalendarDate(iso: first) else { return nil }
        if pieces.count == 1 { return (date, nil) }
        guard pieces.count == 2 else { return nil }
        let hm = pieces[1].split(separator: ":")
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return (date, h * 60 + m)
    }
}
