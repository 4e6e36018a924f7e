import Foundation
import Testing
import TestSupport

/// `inbox import` over a Maildir and an mbox: replies matched by the reminder they answer, an
/// invoice number, or the sender; auto-replies and bounces recorded without pausing; unmatched
/// and unreadable messages kept and listed; nothing recorded twice.
@Suite struct InboxTests {
    let sandbox: Sandbox
    let dir: String

    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }

    func maildir(_ name: String, _ messages: [String]) throws -> String {
        for (i, m) in messages.enumerated() { try sandbox.write("\(name)/new/\(1_796_000_000 + i).M\(i).host", m.replacingOccurrences(of: "\n", with: "\r\n")) }
        try FileManager.default.createDirectory(atPath: sandbox.path("\(name)/cur"), withIntermediateDirectories: true)
        return sandbox.path(name)
    }

    @Test func aReplyToAReminderSentOverSMTPPausesItsCaseUntilAcknowledged() throws {
        let server = try SMTPTestServer(folder: sandbox.path("received"))
        defer { server.stop() }
        var yaml = try sandbox.read("ledger/duetrail.yaml")
        if let r = yaml.range(of: "transport:") { yaml = String(yaml[..<r.lowerBound]) }
        try sandbox.write("ledger/duetrail.yaml", yaml + "transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(server.port)\n  security: none\n")
        try sandbox.git(["commit", "-qam", "smtp"], in: dir)
        #expect(try run(["draft"]).status == 0)
        #expect(try run(["approve", "--all"]).status == 0)
        #expect(try run(["send"]).status == 0)
        // The reminder to Fjord Software as the server received it; the customer answers it.
        let sent = try #require(try server.received().first { $0.text.contains("invoices@fjord-software.example") }).text
        // Headers unfolded: a long Message-ID or Subject may continue on the next line.
        let unfolded = sent.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        let id = try #require(unfolded.split(separator: "\r\n").first { $0.lowercased().hasPrefix("message-id:") }).dropFirst("message-id:".count).trimmingCharacters(in: .whitespaces)
        let subject = try #require(unfolded.split(separator: "\r\n").first { $0.hasPrefix("Subject:") }).dropFirst(9)
        let reply = """
            From: Ingrid Dahl <invoices@fjord-software.example>
            To: accounts@northwind-studio.example
            Subject: Re: \(subject)
            Message-ID: <reply-1@fjord-software.example>
            In-Reply-To: \(id)
            References: \(id)
            Content-Type: text/plain; charset=utf-8

            The PO number was missing; can you resend with PO 4471?

            On Mon, 30 Nov 2026, Accounts wrote:
            > Hello,

            """
        let box = try maildir("Maildir", [reply])
        let imported = try run(["inbox", "import", box, "--json"])
        #expect(imported.status == 0, "\(imported)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        let recorded = json["recorded"] as? [[String: Any]] ?? []
        #expect(recorded.count == 1 && recorded.first?["method"] as? String == "thread" && recorded.first?["kind"] as? String == "reply", "\(json)")
        let cases = recorded.first?["cases"] as? [String] ?? []
        let number = try #require(cases.first)
        let show = try run(["show", number])
        #expect(show.stdout.contains("reply waiting since 2026-11-30"), "\(show)")
        #expect(show.stdout.contains("The PO number was missing; can you resend with PO 4471?") && !show.stdout.contains("> Hello"), "\(show)")
        let log = try sandbox.git(["log", "-1", "--format=%s%n%b", "--name-only"], in: dir).stdout
        #expect(log.hasPrefix("inbox: 1 reply\n") && log.contains("DueTrail-Action: inbox") && log.contains("replies/fjord-software/"), "\(log)")
        // The raw message is kept byte for byte.
        let stored = try #require(log.split(separator: "\n").first { $0.hasPrefix("replies/") })
        #expect(try sandbox.git(["show", "HEAD:\(stored)"], in: dir).stdout == reply.replacingOccurrences(of: "\n", with: "\r\n"))
        let queue = try run(["queue"])
        #expect(queue.stdout.contains("reply waiting"), "\(queue)")
        // Acknowledged: the cadence goes on.
        let ack = try run(["ack", number, "--note", "resent with the PO"])
        #expect(ack.status == 0, "\(ack)")
        #expect(!(try run(["show", number]).stdout.contains("reply waiting")))
        #expect(try run(["ack", number]).stderr.contains("has no reply waiting"))
    }

    @Test func subjectsSendersAutoRepliesBouncesDuplicatesAndBadMessages() throws {
        let box = try maildir("Maildir", [
            // An invoice number in the subject.
            "From: ap@acme-gmbh.example\nSubject: Re: invoice INV-1030\nMessage-ID: <m1@acme.example>\n\nPaid today.\n",
            // Only the sender: St. Brigid's has two open cases, Union Square three — unmatched;
            // Evergreen has INV-1105 as a draft, so three open; use a customer with one open case below.
            "From: someone@unknown.example\nSubject: Hello\nMessage-ID: <m2@unknown.example>\n\nWho is this?\n",
            // An out-of-office answer: recorded, no pause.
            "From: ap@acme-gmbh.example\nSubject: Automatic reply: INV-1093\nAuto-Submitted: auto-replied\nMessage-ID: <m3@acme.example>\n\nAway.\n",
            // A bounce for an address of Acme's.
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered: INV-1101\nMessage-ID: <m4@mx.example>\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; ap@acme-gmbh.example\nAction: failed\n--b--\n",
            // Not mail.
            "this is not an email\n",
        ])
        let r = try run(["inbox", "import", box])
        #expect(r.status == 2, "an unreadable message is reported: \(r)")
        #expect(r.stderr.contains("new/1796000004.M4.host: no mail headers at the start") || r.stderr.contains("not an email"), "\(r)")
        #expect(r.stdout.contains("reply from ap@acme-gmbh.example on INV-1030 (by subject)"), "\(r)")
        #expect(r.stdout.contains("auto-reply from ap@acme-gmbh.example on INV-1093 (by subject)"), "\(r)")
        #expect(r.stdout.contains("bounce from mailer-daemon@mx.example on INV-1101 (by subject)"), "\(r)")
        #expect(r.stdout.contains("unmatched: someone@unknown.example: Hello"), "\(r)")
        #expect(r.stdout.contains("5 message(s): 3 recorded, 1 unmatched, 0 already imported, 1 unreadable"), "\(r)")
        // Only the person's reply pauses its case.
        #expect(try run(["show", "INV-1030"]).stdout.contains("reply waiting since"))
        #expect(!(try run(["show", "INV-1093"]).stdout.contains("reply waiting")))
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1101.md").contains("· bounce · address: ap@acme-gmbh.example · from: mailer-daemon@mx.example"))
        // The queue: the waiting reply first, the failing address named on Acme's cases.
        let queue = try run(["queue", "--json"])
        let rows = (try JSONSerialization.jsonObject(with: Data(queue.stdout.utf8)) as? [String: Any])?["cases"] as? [[String: Any]] ?? []
        #expect(rows.first?["invoice"] as? String == "INV-1030", "\(queue)")
        #expect((rows.first { $0["invoice"] as? String == "INV-1101" }?["nextAction"] as? String)?.hasPrefix("contact failing (ap@acme-gmbh.example bounced); ") == true, "\(queue)")
        let unmatched = try run(["inbox", "unmatched"])
        #expect(unmatched.stdout.contains("someone@unknown.example  Hello"), "\(unmatched)")

        // The same messages again, from an mbox this time: nothing recorded twice.
        let mbox = ["From: ap@acme-gmbh.example\nSubject: Re: invoice INV-1030\nMessage-ID: <m1@acme.example>\n\nPaid today.\n",
                    "From: ap@acme-gmbh.example\nSubject: Re: INV-1042\nMessage-ID: <m5@acme.example>\n\n>From the bank: paid.\nWe pay monthly.\n"]
            .map { "From ap@acme-gmbh.example Mon Nov 30 10:00:00 2026\n" + $0 }.joined(separator: "\n")
        try sandbox.write("replies.mbox", mbox)
        let again = try run(["inbox", "import", sandbox.path("replies.mbox")])
        #expect(again.status == 0 && again.stdout.contains("2 message(s): 1 recorded, 0 unmatched, 1 already imported"), "\(again)")
        #expect(again.stdout.contains("on INV-1042 (by subject)"))
        // `>From ` in an mbox body is the escaped `From `.
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md").contains("· From the bank: paid. We pay monthly. · by ap@acme-gmbh.example"))
        let none = try run(["inbox", "import", box])
        #expect(none.stdout.contains("nothing new to commit"), "\(none)")
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout.isEmpty)
        let missing = try run(["inbox", "import", sandbox.path("nowhere")])
        #expect(missing.status == 1 && missing.stderr.contains("no such Maildir folder or mbox file"), "\(missing)")
    }

    @Test func aDelayNeverMarksFailingAComplaintIsShownAndAReturnedReminderFindsItsCase() throws {
        // A reminder to Acme went out: its Message-ID is on INV-1093's timeline.
        #expect(try run(["draft"]).status == 0)
        #expect(try run(["approve", "--all"]).status == 0)
        #expect(try run(["send"]).status == 0)
        let sent = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        let id = try #require(sent.split(separator: "\n").first { $0.contains("· sent ·") }?.components(separatedBy: "message-id: ").last?.components(separatedBy: " ·").first)
        let returned = "From: accounts@northwind-studio.example\nTo: ap@acme-gmbh.example\nMessage-ID: \(id)\nSubject: Reminder\n\nHello\n"
        let box = try maildir("Maildir", [
            // A delay warning, subject and sender naming nothing: found by the returned copy.
            "From: postmaster@mx.example\nSubject: Delivery delayed\nMessage-ID: <d1@mx.example>\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; <ap@acme-gmbh.example>\nAction: delayed\nStatus: 4.4.7\n--b\nContent-Type: message/rfc822\n\n\(returned)--b--\n",
            // A spam complaint about the same reminder.
            "From: fbl@isp.example\nSubject: Complaint\nMessage-ID: <c1@isp.example>\nContent-Type: multipart/report; report-type=feedback-report; boundary=f\n\n--f\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n--f\nContent-Type: message/rfc822\n\n\(returned)--f--\n",
        ])
        let r = try run(["inbox", "import", box])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("bounce from postmaster@mx.example on INV-1030, INV-1042, INV-1093 (by returned)") && r.stdout.contains("bounce from fbl@isp.example on INV-1030, INV-1042, INV-1093 (by returned)"), "\(r)")
        let file = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        #expect(file.contains("delivery delayed (ap@acme-gmbh.example); the server will retry"), "\(file)")
        #expect(file.contains("spam complaint"), "\(file)")
        #expect(!file.contains("· bounce · address:"), "neither marks the address failing")
        #expect(file.contains("· matched: returned ·"), "the case says how the bounce was tied to it")
        let queue = try run(["queue", "--json"])
        #expect(!queue.stdout.contains("contact failing"), "\(queue)")
    }

    @Test func unmatchedMessagesShowTheirKindAndTheAddressesABounceNames() throws {
        let box = try maildir("Maildir", [
            "From: MAILER-DAEMON@mx.example\nSubject: Undeliverable: Hello\nMessage-ID: <u1@mx.example>\nX-Failed-Recipients: nobody@unknown.example\n\nDelivery has failed.\n",
            "From: someone@unknown.example\nSubject: Réponse automatique : Hello\nMessage-ID: <u2@unknown.example>\n\nJe suis absente.\n",
        ])
        #expect(try run(["inbox", "import", box]).status == 0)
        let list = try run(["inbox", "unmatched"])
        let lines = list.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("  bounce  ") && $0.hasSuffix("Undeliverable: Hello  (nobody@unknown.example)") }, "\(list)")
        #expect(lines.contains { $0.contains("  auto-reply  ") && $0.contains("someone@unknown.example") }, "\(list)")
        let json = try run(["inbox", "unmatched", "--json"])
        #expect(json.stdout.contains("\"failed\" : [\n      \"nobody@unknown.example\"\n    ]") && json.stdout.contains("\"kind\" : \"bounce\""), "\(json)")
    }

    @Test func aSenderWithOneOpenCaseABounceByItsAddressAndNoOtherCustomersInvoice() throws {
        // St. Brigid's pays INV-1049: INV-1095 is their one open case.
        #expect(try run(["pay", "INV-1049", "--amount", "650"]).status == 0)
        let box = try maildir("Maildir", [
            "From: Finance <finance@stbrigids.example>\nSubject: Question about our account\nMessage-ID: <s1@stbrigids.example>\n\nCan we pay in two parts?\n",
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <s2@mx.example>\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; finance@stbrigids.example\nAction: failed\n--b--\n",
            // Acme's address naming Delta's invoice: not filed under Delta.
            "From: ap@acme-gmbh.example\nSubject: Re: INV-1047\nMessage-ID: <s3@acme.example>\n\nWrong invoice number?\n",
            // Our own reminder, Bcc'd back to us.
            "From: Accounts at Northwind Studio <accounts@northwind-studio.example>\nSubject: Invoice INV-1042\nMessage-ID: <s4@northwind.example>\n\nHello\n",
        ])
        let r = try run(["inbox", "import", box])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("reply from finance@stbrigids.example on INV-1095 (by sender)"), "\(r)")
        #expect(r.stdout.contains("bounce from mailer-daemon@mx.example on INV-1095 (by failed-address)"), "\(r)")
        #expect(r.stdout.contains("unmatched: ap@acme-gmbh.example: Re: INV-1047"), "\(r)")
        #expect(r.stdout.contains("4 message(s): 2 recorded, 1 unmatched, 0 already imported, 1 of our own (left alone)"), "\(r)")
        // `ack` clears both the waiting reply and the failing address.
        #expect(try run(["show", "INV-1095"]).stdout.contains("reply waiting"))
        #expect(try run(["ack", "INV-1095"]).status == 0)
        let queue = try run(["queue", "--json"])
        let rows = (try JSONSerialization.jsonObject(with: Data(queue.stdout.utf8)) as? [String: Any])?["cases"] as? [[String: Any]] ?? []
        #expect((rows.first { $0["invoice"] as? String == "INV-1095" }?["nextAction"] as? String)?.contains("contact failing") == false, "\(queue)")
    }
}
