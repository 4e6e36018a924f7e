import DueTrailCore
import Testing
import TestSupport

/// Whatever the tool writes on a timeline line reads back as it was written: every attribute
/// value and every free text, however odd.
@Suite struct TimelineLineTests {
    static let day = CalendarDate(iso: "2026-11-30")!

    /// Strings a line format could trip on, and random ones built from the same pieces.
    static let awkward: [String] = [
        "", " ", "   ", "\t", " leading", "trailing ", " · ", "a · b", "·", "a·b", "· by x", "by Ana", "#7f3a9c1e", "# heading",
        "key: value", "amount: 1.00 EUR", "due: 2026-09-09 → 2026-09-20", "\"", "\"quoted\"", "\"half", "back\\slash", "\\u00b7",
        "line\nbreak", "cr\rlf\r\n", "nul\u{0}byte", "bell\u{7}", "del\u{7F}", "next\u{85}line", "sep\u{2028}para\u{2029}",
        "Ünïcödé — 日本語 🧾", "emoji 👩‍💼 and ZWJ", "\"\"", "\"  \"", "\"a \\u00b7 b\"", "\"amount: 1.00 EUR\"", "Col·lell", "a · · b", "· a", "a ·", "a  · b", "\u{A0}nbsp\u{A0}", "tab\there", "- list", "—", ": colon first", "x:y",
    ]

    static var samples: [String] {
        var out = awkward
        var rng = SplitMix(seed: 17)
        let pieces = awkward + ["a", "b", " ", "·", ": ", "\"", "\\", "\n", "é", "🧾", "#", "by "]
        for _ in 0..<400 {
            let n = Int(rng.next() % 5) + 1
            out.append((0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined())
        }
        return out
    }

    @Test func anyAttributeValueReadsBackIdentically() throws {
        for value in Self.samples {
            let event = TimelineEvent(
                date: Self.day, minutes: 540, kind: .reply, attributes: [("from", value), ("subject", value), ("file", "replies/x.eml")],
                text: "after", who: "Ana Ruiz")
            let read = try TimelineEvent.parse(Substring(event.line)).get()
            #expect(read.attributes.map(\.key) == ["from", "subject", "file"], "\(event.line)")
            #expect(read.attribute(.subject) == value, "\(event.line)")
            #expect(read.attribute(.file) == "replies/x.eml", "the link after an odd value survives: \(event.line)")
            #expect(read.text == "after")
            #expect(read == event, "\(event.line)")
        }
    }

    @Test func anyFreeTextReadsBackIdentically() throws {
        for text in Self.samples {
            for kind in [EventKind.disputed, .note, .promised] {
                let attributes: [(key: String, value: String)] = kind == .promised ? [("date", "2026-12-15")] : []
                let event = TimelineEvent(date: Self.day, minutes: 541, kind: kind, attributes: attributes, text: text, who: "Acme GmbH")
                let read = try TimelineEvent.parse(Substring(event.line)).get()
                #expect(read.text == (text.isEmpty ? nil : text), "\(event.line)")
                #expect(read.attributes.count == attributes.count, "\(event.line)")
                #expect(read.who == "Acme GmbH")
                #expect(read == event, "\(event.line)")
            }
        }
    }

    @Test func anEmptySubjectKeepsTheFileLink() throws {
        let event = TimelineEvent(
            date: Self.day, minutes: 600, kind: .reply, attributes: [("from", "ap@acme.example"), ("subject", ""), ("file", "replies/acme/1.eml")],
            text: "We paid on Friday", who: "Acme AP")
        #expect(event.line.contains("subject: \"\" · file: replies/acme/1.eml"), "\(event.line)")
        let read = try TimelineEvent.parse(Substring(event.line)).get()
        #expect(read.attribute(.file) == "replies/acme/1.eml")
        #expect(read.text == "We paid on Friday")
    }

    @Test func linesAnEarlierVersionWroteAreWrittenAgainByteForByte() throws {
        // Free text with the separator, a name with a Catalan middle dot, a customer's quoted
        // words, a path with a backslash, a tab: all as the tool always wrote them.
        let lines = [
            "- 2026-11-30 09:00 · note · called · no answer · by Ana Ruiz · #1a2b3c4d",
            "- 2026-11-30 09:01 · contact · via: phone · with: Jordi Col·lell · \"We will pay next week\" · by Ana Ruiz · #1a2b3c4e",
            "- 2026-11-30 09:02 · reply · from: ap@acme.example · subject: \"Invoice 42\" · file: replies/acme/1.eml · C:\\new folder · by Acme AP · #1a2b3c4f",
            "- 2026-11-30 09:03 · note · a\tb · by Ana · #1a2b3c50",
            "- 2026-11-30 09:04 · disputed · — amount: abc · by Acme GmbH · #1a2b3c51",
        ]
        for line in lines {
            let event = try TimelineEvent.parse(Substring(line)).get()
            #expect(event.line == line)
        }
        let contact = try TimelineEvent.parse(Substring(lines[1])).get()
        #expect(contact.attribute(.with) == "Jordi Col·lell")
        #expect(contact.text == "\"We will pay next week\"", "quotes a person typed are kept")
        #expect(try TimelineEvent.parse(Substring(lines[2])).get().attribute(.subject) == "\"Invoice 42\"")
    }

    @Test func everyKnownKindKeepsItsWireName() {
        for kind in EventKind.known {
            #expect(EventKind(wireName: kind.wireName) == kind)
            if case .other = kind { Issue.record("\(kind) is listed as known") }
        }
        #expect(Set(EventKind.known.map(\.wireName)).count == EventKind.known.count)
        #expect(EventKind(wireName: "promissed") == .other("promissed"))
    }

    @Test func aHandTypedEventMissingWhatItsKindNeedsIsAProblem() throws {
        let missing = try TimelineEvent.parse("- 2026-11-30 · promised · next week · by Ana").get()
        #expect(missing.problem?.contains("needs `date: YYYY-MM-DD`") == true)
        let wrong = try TimelineEvent.parse("- 2026-11-30 · snoozed · until: soon · by Ana").get()
        #expect(wrong.problem == "`until: soon` is not a date (YYYY-MM-DD)")
        let fine = try TimelineEvent.parse("- 2026-11-30 · payment · amount: 5.00 EUR · by Ana").get()
        #expect(fine.problem == nil)
    }
}
