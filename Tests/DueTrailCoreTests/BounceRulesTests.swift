import DueTrailCore
import Foundation
import Testing

/// Bounces as servers write them (issue "Replies as mail servers … really write them"), each
/// rule on a message written in the layout real servers use.
@Suite struct BounceRulesTests {
    func parse(_ text: String) throws -> MailMessage {
        try MailMessage.parse(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    func report(_ status: String, disposition: String = "", returned: String = "") -> String {
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: accounts@northwind-studio.example
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

        --B1
        Content-Type: text/plain

        This is the mail system at host mx.example.net.

        --B1
        Content-Type: message/delivery-status\(disposition)

        Reporting-MTA: dns; mx.example.net

        \(status)
        --B1
        Content-Type: message/rfc822

        \(returned.isEmpty ? "From: accounts@northwind-studio.example\nTo: ap@acme-gmbh.example\nMessage-ID: <20261130.nudge.acme@northwind-studio.example>\nSubject: INV-1093" : returned)

        Hello
        --B1--

        """
    }

    @Test func bracketsAnyCaseActionAnywhereAnAttachedStatusAndSeveralRecipients() throws {
        let m = try parse(report("""
            Final-Recipient: rfc822; <AP@Acme-GmbH.example>
            Status: 5.1.1
            Action: FAILURE

            Final-Recipient: rfc822;jonas@acme-gmbh.example
            Action: delivered
            Status: 2.0.0

            Final-Recipient: RFC822; <billing@acme-gmbh.example>
            Action: Error
            Status: 5.2.2
            """, disposition: "\nContent-Disposition: attachment; filename=status.txt"))
        #expect(m.isBounce)
        #expect(m.failedRecipients == ["ap@acme-gmbh.example", "billing@acme-gmbh.example"])
        #expect(m.delayedRecipients.isEmpty)
        #expect(m.returnedRecipient == "ap@acme-gmbh.example")
        #expect(m.returnedHeaders.first { $0.name == "Message-ID" }?.value == "<20261130.nudge.acme@northwind-studio.example>")
    }

    @Test func theOriginalRecipientIsPreferredToAnAliasOrANonInternetAddress() throws {
        let alias = try parse(report("""
            Original-Recipient: rfc822;ap@acme-gmbh.example
            Final-Recipient: rfc822;jonas.private@mailhost.example.org
            Action: failed
            Status: 5.1.1
            """))
        #expect(alias.failedRecipients == ["ap@acme-gmbh.example"])
        let x400 = try parse(report("""
            Final-Recipient: x400; /C=DE/ADMD=/PRMD=ACME/O=ACME/S=Bauer/
            Original-Recipient: rfc822;jonas@acme-gmbh.example
            Action: failed
            """))
        #expect(x400.failedRecipients == ["jonas@acme-gmbh.example"])
        let daemon = try parse(report("""
            Final-Recipient: rfc822;jonas@mail-daemon
            Original-Recipient: rfc822;jonas@acme-gmbh.example
            Action: failed
            """))
        #expect(daemon.failedRecipients == ["jonas@acme-gmbh.example"])
    }

    @Test func aDelayIsRecordedButNeverAFailure() throws {
        let m = try parse(report("""
            Final-Recipient: rfc822; ap@acme-gmbh.example
            Action: delayed
            Status: 4.4.7
            Will-Retry-Until: Fri, 4 Dec 2026 09:00:00 +0000
            """))
        #expect(m.isBounce)
        #expect(m.failedRecipients.isEmpty && m.delayedRecipients == ["ap@acme-gmbh.example"])
        let plain = try parse("""
            From: postmaster@mx.example.net
            To: accounts@northwind-studio.example
            Subject: Warning: could not send message for past 4 hours

            The original message was received at Mon, 30 Nov 2026 09:00:00 GMT

               ----- The following addresses had transient non-fatal errors -----
            <ap@acme-gmbh.example>

            Warning: message still undelivered after 4 hours. Will keep trying until message is 5 days old
            """)
        #expect(plain.failedRecipients.isEmpty && plain.delayedRecipients == ["ap@acme-gmbh.example"], "\(plain.failedRecipients) \(plain.delayedRecipients)")
    }

    @Test func xFailedRecipientsAndPlainTextBouncesWithoutAStatusPart() throws {
        let exim = try parse("""
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>
            To: accounts@northwind-studio.example
            Subject: Mail delivery failed: returning message to sender
            X-Failed-Recipients: ap@acme-gmbh.example

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              ap@acme-gmbh.example
                host mx.acme-gmbh.example [192.0.2.1]
                SMTP error from remote mail server after RCPT TO:<ap@acme-gmbh.example>:
                550 5.1.1 User unknown
            """)
        #expect(exim.isBounce && exim.failedRecipients == ["ap@acme-gmbh.example"])
        let gmail = try parse("""
            From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
            To: accounts@northwind-studio.example
            Subject: Delivery Status Notification (Failure)

            Delivery to the following recipient failed permanently:

                 billing@corvid-analytics.example

            Technical details of permanent failure:
            The email account that you tried to reach does not exist.

            ----- Original message -----
            From: accounts@northwind-studio.example
            To: billing@corvid-analytics.example
            """)
        #expect(gmail.isBounce && gmail.failedRecipients == ["billing@corvid-analytics.example"], "\(gmail.failedRecipients)")
        let exchange = try parse("""
            From: postmaster@outlook.example
            To: accounts@northwind-studio.example
            Subject: Undeliverable: Invoice INV-1093

            Delivery has failed to these recipients or groups:

            ap@acme-gmbh.example
            The email address you entered couldn't be found.
            """)
        #expect(exchange.isBounce && exchange.failedRecipients == ["ap@acme-gmbh.example"])
    }

    @Test func aSpamComplaintIsAComplaintNotAFailure() throws {
        let m = try parse("""
            From: feedback@fbl.example.net
            To: accounts@northwind-studio.example
            Subject: Abuse report
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="F"

            --F
            Content-Type: text/plain

            This is an email abuse report.
            --F
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: FBL/1.0
            Version: 1
            Original-Rcpt-To: ap@acme-gmbh.example
            --F
            Content-Type: message/rfc822

            From: accounts@northwind-studio.example
            To: ap@acme-gmbh.example
            Message-ID: <20261130.nudge.acme@northwind-studio.example>

            Hello
            --F--

            """)
        #expect(m.isComplaint && m.isBounce)
        #expect(m.failedRecipients.isEmpty)
        #expect(m.returnedRecipient == "ap@acme-gmbh.example")
    }
}
