import DueTrailCore
import Foundation
import Testing

/// The wire form of an approved draft: headers that cannot be forged, encodings within the
/// RFC limits, the same bytes for the same input.
@Suite struct OutgoingMessageTests {
    let date = Date(timeIntervalSince1970: 1_796_029_200)  // 2026-11-30 09:00 UTC
    let dublin = TimeZone(identifier: "Europe/Dublin")!

    func draft(subject: String = "Friendly reminder: INV-1 now overdue", to: String = "Jonas Bauer <ap@acme.example>", body: String = "Hello Jonas,\n\nPlease pay.\n", extra: String = "") -> String {
        """
        From: Accounts at Northwind <accounts@northwind.example>
        To: \(to)
        Reply-To: Accounts at Northwind <accounts@northwind.example>
        Subject: \(subject)
        Message-ID: <20261130.nudge.acme.abc123@northwind.example>
        \(extra)MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit
        X-DueTrail-Customer: acme
        X-DueTrail-Cases: INV-1
        X-DueTrail-Step: nudge
        X-DueTrail-Drafted: 2026-11-30

        \(body)
        """
    }

    func prepare(_ text: String, _ caps: OutgoingMessage.Capabilities = .unknown) throws -> OutgoingMessage {
        try OutgoingMessage.prepare(draft: text, path: "outbox/acme/2026-11-30-nudge.eml", date: date, timezone: dublin, capabilities: caps)
    }

    @Test func asciiDraftKeepsItsWordsGainsADateAndLosesTheLedgerHeaders() throws {
        let m = try prepare(draft())
        #expect(m.text == """
            From: Accounts at Northwind <accounts@northwind.example>
            To: Jonas Bauer <ap@acme.example>
            Reply-To: Accounts at Northwind <accounts@northwind.example>
            Subject: Friendly reminder: INV-1 now overdue
            Date: Mon, 30 Nov 2026 09:00:00 +0000
            Message-ID: <20261130.nudge.acme.abc123@northwind.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 7bit

            Hello Jonas,

            Please pay.

            """)
        #expect(m.sender == "accounts@northwind.example" && m.recipients == ["ap@acme.example"] && !m.eightBit)
        #expect(try prepare(draft()) == m)  // the same bytes every time
    }

    @Test func nonASCIINamesAndSubjectsBecomeEncodedWordsWithinTheLimits() throws {
        let longSubject = "Zahlungserinnerung für Rechnungen über fällige Beträge — bitte prüfen Sie die Überweisung ümlaut"
        let m = try prepare(draft(subject: longSubject, to: "Jörg Müller <ap@acme.example>", body: "Grüße\n"), .local)
        let headerBlock = m.text.components(separatedBy: "\n\n")[0]
        #expect(headerBlock.utf8.allSatisfy { $0 < 0x80 })
        #expect(headerBlock.contains("To: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <ap@acme.example>"))
        for line in headerBlock.split(separator: "\n") { #expect(line.utf8.count <= 78, "\(line)") }
        for word in headerBlock.split(whereSeparator: { $0 == " " || $0 == "\n" }) where word.hasPrefix("=?") {
            #expect(word.count <= 75)
        }
        #expect(m.eightBit && m.text.hasSuffix("\n\nGrüße\n"))  // 8BITMIME offered: the body as written
    }

    @Test func withoutEightBitTheBodyIsQuotedPrintableWithSoftBreaks() throws {
        let long = String(repeating: "Überweisung ", count: 20)
        let m = try prepare(draft(body: "Grüße, Jörg\n\(long)\n.\nend with space \n"))
        #expect(m.text.contains("Content-Transfer-Encoding: quoted-printable\n"))
        let body = m.text.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
        #expect(body.hasPrefix("Gr=C3=BC=C3=9Fe, J=C3=B6rg\n"))
        for line in body.split(separator: "\n") { #expect(line.utf8.count <= 76, "\(line)") }
        #expect(body.contains("=\n"))  // soft line breaks in the long line
        #expect(body.contains("end with space=20\n"))  // trailing space protected
        #expect(!m.eightBit)
    }

    @Test func noLineBreakOrControlCharacterCanAddAHeader() throws {
        // A display name and subject carrying a vertical tab, form feed and a NUL: all become spaces.
        let m = try prepare(draft(subject: "Hi\u{0B}Bcc: evil@x.example", to: "\"Eve\u{0C}Bcc: evil@x.example\" <ap@acme.example>"))
        let headers = m.text.components(separatedBy: "\n\n")[0].split(separator: "\n")
        #expect(!headers.contains { $0.lowercased().hasPrefix("bcc") })
        #expect(headers.contains("Subject: Hi Bcc: evil@x.example"))
        #expect(m.recipients == ["ap@acme.example"])
        // A Bcc typed into a draft is never sent as a header either.
        let typed = try prepare(draft(extra: "Bcc: boss@northwind.example\n"))
        #expect(!typed.text.contains("Bcc:") && typed.recipients == ["ap@acme.example"])
    }

    @Test func aBadAddressIsRefusedWithTheLine() throws {
        #expect(throws: Diagnostic.self) { try prepare(draft(to: "Jonas <ap@@acme.example>")) }
        do {
            _ = try prepare(draft(to: "Jonas <ap@acme>"))
            Issue.record("accepted a domain without a dot")
        } catch let d as Diagnostic {
            #expect(d.line == 2 && d.description.contains("has no dot"), "\(d)")
        }
        let international = draft(to: "Jörg <jörg@acme.example>")
        #expect(throws: Diagnostic.self) { try prepare(international, .unknown) }
        #expect(try prepare(international, .local).needsSMTPUTF8)
    }

    @Test func emailAddressRules() {
        for good in ["ap@acme.example", "first.last+tag@mail.acme-gmbh.example", "o'brien@x.example", "jörg@bücher.example"] {
            #expect(EmailAddress.problem(good) == nil, "\(good)")
        }
        let bad: [(String, String)] = [
            ("ap.acme.example", "no `@`"), ("@acme.example", "before the `@`"), ("a@b@acme.example", "more than one `@`"),
            ("ap@acme", "has no dot"), ("ap@acme..example", "empty label"), (".ap@acme.example", "empty dot-separated"),
            ("ap.@acme.example", "ends with a dot"), ("a p@acme.example", "a space"), ("ap@-acme.example", "starts or ends with `-`"),
            ("ap@acme_x.example", "cannot appear in the domain"), (String(repeating: "a", count: 65) + "@x.example", "64"),
        ]
        for (address, why) in bad {
            let problem = EmailAddress.problem(address)
            #expect(problem?.contains(why) == true, "\(address): \(problem ?? "accepted")")
        }
    }

    @Test func quotedPrintableAndDateFormats() {
        #expect(QuotedPrintable.encode(Array("a=b\tc \nd".utf8)) == "a=3Db\tc=20\nd")
        #expect(OutgoingMessage.rfc5322Date(Date(timeIntervalSince1970: 1_783_332_000), timezone: dublin) == "Mon, 6 Jul 2026 11:00:00 +0100")
        #expect(OutgoingMessage.rfc5322Date(Date(timeIntervalSince1970: 1_709_164_800), timezone: TimeZone(identifier: "America/New_York")!) == "Wed, 28 Feb 2024 19:00:00 -0500")
        #expect(EncodedWord.encode("Ä", phrase: true) == ["=?UTF-8?Q?=C3=84?="])
    }
}
