import DueTrailCore
import Foundation
import Testing

private func mail(_ text: String) throws -> MailMessage {
    try MailMessage.parse(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
}

/// Received mail as it really arrives, made here byte by byte.
@Suite struct MailMessageTests {
    @Test func foldedAndEncodedHeadersAndAQuotedPrintableLatin1Body() throws {
        let bytes = Array("""
            From: =?ISO-8859-1?Q?J=F6rg_M=FCller?=
             <AP@Acme-GmbH.example>
            Subject: =?utf-8?B?UmU6IFJlY2hudW5n?= =?utf-8?Q?_INV-1042_=E2=80=93_Zahlung?=
            Message-ID: <r1@acme.example>
            In-Reply-To: <sent-1@northwind.example>
            References: <sent-0@northwind.example> <sent-1@northwind.example>
            Content-Type: text/plain; charset="ISO-8859-1"
            Content-Transfer-Encoding: quoted-printable

            Wir zahlen n=E4chste Woche, Gr=FC=DFe =
            J=F6rg

            """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let m = try MailMessage.parse(bytes)
        #expect(m.from?.name == "Jörg Müller" && m.from?.email == "ap@acme-gmbh.example")
        #expect(m.subject == "Re: Rechnung INV-1042 – Zahlung")
        #expect(m.messageID == "r1@acme.example")
        #expect(m.referencedIDs == ["sent-1@northwind.example", "sent-1@northwind.example", "sent-0@northwind.example"])
        #expect(m.text.hasPrefix("Wir zahlen nächste Woche, Grüße Jörg"))
    }

    @Test func multipartAlternativePrefersPlainTextAndBase64Windows1252Decodes() throws {
        let plain = Data([0x93, 0x4F, 0x4B, 0x94, 0x20, 0x80, 0x35, 0x30]).base64EncodedString()  // “OK” €50 in Windows-1252
        let m = try mail("""
            From: ap@acme-gmbh.example
            Subject: Re: INV-1042
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=windows-1252
            Content-Transfer-Encoding: base64

            \(plain)
            --inner
            Content-Type: text/html; charset=utf-8

            <p>HTML version</p>
            --inner--
            --outer
            Content-Type: application/pdf
            Content-Disposition: attachment; filename="remittance.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --outer--
            """)
        #expect(m.text == "“OK” €50")
    }

    @Test func anHTMLOnlyMessageIsReducedToText() throws {
        let m = try mail("""
            From: ap@acme-gmbh.example
            Subject: Payment
            Content-Type: text/html; charset=utf-8

            <html><head><style>p { color: red }</style></head><body><p>We paid &euro;7,150&nbsp;today.</p><div>Regards,<br>Jonas &amp; team</div><script>alert(1)</script></body></html>
            """)
        #expect(m.text == "We paid €7,150 today.\n\nRegards,\nJonas & team")
    }

    @Test func autoRepliesAndBouncesAreRecognised() throws {
        let ooo = try mail("From: ap@acme-gmbh.example\nSubject: Automatic reply: Invoice INV-1042\nAuto-Submitted: auto-replied\n\nAway until Monday.\n")
        #expect(ooo.isAutoReply && !ooo.isBounce)
        let listy = try mail("From: ap@acme-gmbh.example\nSubject: Re: INV-1042\nPrecedence: bulk\n\nx\n")
        #expect(listy.isAutoReply)
        let person = try mail("From: ap@acme-gmbh.example\nSubject: Re: INV-1042\nAuto-Submitted: no\n\nWe will pay.\n")
        #expect(!person.isAutoReply)
        let bounce = try mail("""
            From: Mail Delivery System <MAILER-DAEMON@mx.example>
            Subject: Undelivered Mail Returned to Sender
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            The mail could not be delivered.
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example

            Final-Recipient: rfc822; old-ap@acme-gmbh.example
            Action: failed
            Status: 5.1.1
            --b--
            """)
        #expect(bounce.isBounce && bounce.failedRecipients == ["old-ap@acme-gmbh.example"])
    }

    @Test func malformedAndHugeMessagesAreRefusedWithAReason() {
        #expect(throws: MailMessage.Problem.noHeaders) { try MailMessage.parse(Array("\r\njust text\r\n".utf8)) }
        #expect(throws: MailMessage.Problem.self) { try MailMessage.parse(Array("this is not mail at all\nnor this\n".utf8)) }
        #expect(throws: MailMessage.Problem.tooLarge(bytes: MailMessage.maxBytes + 1)) { try MailMessage.parse([UInt8](repeating: 65, count: MailMessage.maxBytes + 1)) }
        // A multipart without its closing boundary keeps what came.
        let cut = try? mail("From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\nhalf a message")
        #expect(cut?.text == "half a message")
    }

    @Test func theNewTextOfAReplyLeavesTheQuoteOut() {
        let text = """
            Thanks, we will pay on Friday.
            The PO was approved.

            On Mon, 30 Nov 2026 at 09:00, Accounts at Northwind <accounts@northwind.example> wrote:
            > Invoice INV-1042 is overdue.
            """
        #expect(ReplyText.new(text) == "Thanks, we will pay on Friday.\nThe PO was approved.")
        #expect(ReplyText.summary(text) == "Thanks, we will pay on Friday. The PO was approved.")
        #expect(ReplyText.new("Paid.\n\n-----Original Message-----\nFrom: x") == "Paid.")
        #expect(ReplyText.new("> quoted first\nmy answer") == "my answer")
    }

    @Test func aCutOffHTMLPageAndAReadReceiptAndAnAnswerBelowTheQuote() throws {
        // A megabyte of `<` with no `>`: read in one pass, not once per `<`.
        let started = Date()
        let html = try mail("From: a@b.example\nSubject: x\nContent-Type: text/html\n\n" + String(repeating: "a<", count: 500_000))
        #expect(html.text.count == 1_000_000 && Date().timeIntervalSince(started) < 20)
        let receipt = try mail("""
            From: ap@acme-gmbh.example
            Subject: Read: Invoice INV-1042
            Content-Type: multipart/report; report-type=disposition-notification; boundary=r

            --r
            Content-Type: text/plain

            Your message was read.
            --r
            Content-Type: message/disposition-notification

            Disposition: manual-action/MDN-sent-manually; displayed
            --r--
            """)
        #expect(receipt.isAutoReply && !receipt.isBounce)
        #expect(ReplyText.new("On Mon, 30 Nov 2026, Accounts wrote:\n> Invoice INV-1042 is overdue.\n\nPaid this morning.\n") == "Paid this morning.")
        // A boundary's name inside a longer line is not a boundary; base64 without padding reads.
        let parts = try mail("From: a@b.example\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nUGFpZA\n--bx not a boundary\n--b--\n")
        #expect(parts.text.hasPrefix("Paid"))
    }
}
