import Foundation
import Testing
import TestSupport

/// `send` as a team uses it on the example ledger (2026-11-30), against real receivers: a
/// Maildir, a sendmail-compatible script, and SMTP servers on loopback (aiosmtpd with STARTTLS
/// and AUTH, and a bare one offering PIPELINING), every message read back by Python's `email`.
@Suite struct SendTests {
    let sandbox: Sandbox
    let dir: String
    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    func run(_ args: [String], extra: [String: String] = [:]) throws -> ProcessResult {
        try sandbox.duetrail(args, in: dir, extraEnvironment: extra)
    }

    @discardableResult
    func git(_ args: [String]) throws -> String { try sandbox.git(args, in: dir).stdout }

    /// Replaces the `transport:` block of duetrail.yaml and commits it.
    func useTransport(_ block: String) throws {
        let path = dir + "/duetrail.yaml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if let r = text.range(of: "transport:") { text = String(text[..<r.lowerBound]) }
        try (text + block).write(toFile: path, atomically: true, encoding: .utf8)
        try git(["commit", "-qam", "transport"])
    }

    /// Drafts today's reminders and approves them all.
    func draftAndApprove() throws {
        let d = try run(["draft"])
        #expect(d.status == 0, "\(d)")
        let a = try run(["approve", "--all"])
        #expect(a.status == 0, "\(a)")
    }

    var maildir: String { dir + "/.git/duetrail/maildir" }
    func delivered() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: maildir + "/new")) ?? []).sorted() }

    @Test func maildirByDefaultRecordsWhatWentOutAndNeverSendsTwice() throws {
        try draftAndApprove()
        let head = try git(["rev-parse", "HEAD"])
        let dry = try run(["send", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("Would send 7 approved messages via maildir"), "\(dry)")
        #expect(delivered().isEmpty)
        #expect(try git(["rev-parse", "HEAD"]) == head, "a dry run commits nothing")
        #expect(try git(["status", "--porcelain"]).isEmpty, "a dry run changes no file")

        let r = try run(["send"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Sent 7 messages via maildir"))
        #expect(delivered().count == 7)
        // The outbox is empty, in HEAD and on disk; each message is kept under sent/ byte for byte.
        #expect(try git(["ls-files", "outbox"]).isEmpty)
        #expect(try git(["status", "--porcelain"]).isEmpty)
        let sentFiles = try git(["ls-files", "sent"]).split(separator: "\n").map(String.init)
        #expect(sentFiles.count == 7 && sentFiles.contains("sent/2026/11/acme-gmbh/2026-11-30-statement.eml"))
        let inMaildir = Set(try delivered().map { try String(contentsOfFile: maildir + "/new/" + $0, encoding: .utf8) })
        let inLedger = Set(try sentFiles.map { try sandbox.read("ledger/" + $0) })
        #expect(inMaildir == inLedger)
        // One commit, by the person sending, with the cases and Message-IDs as trailers.
        let log = try git(["log", "-1", "--format=%an|%s%n%(trailers:only,unfold)"])
        #expect(log.hasPrefix("Ana Ruiz|send: 7 reminders\nDueTrail-Action: send\nDueTrail-Transport: maildir "), "\(log)")
        #expect(log.contains("DueTrail-Case: INV-1093") && log.contains("DueTrail-Message-ID: <20261130.statement.acme-gmbh."))
        // The case's timeline has the sent event with the Message-ID and where the copy is.
        let acme = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        let sentLine = try #require(acme.split(separator: "\n").first { $0.contains(" · sent · ") })
        #expect(sentLine.contains("step: nudge · message-id: <20261130.statement.acme-gmbh.") && sentLine.contains("to: ap@acme-gmbh.example"))
        #expect(sentLine.contains("answer: delivered to Maildir new/") && sentLine.contains("file: sent/2026/11/acme-gmbh/2026-11-30-statement.eml · by Ana Ruiz"))
        // The queue now knows the reminder went out.
        let show = try run(["show", "INV-1093"])
        #expect(show.stdout.contains("sent"), "\(show)")
        // Again: nothing to send, nothing delivered twice, no commit; drafting today adds nothing for these cases.
        let head2 = try git(["rev-parse", "HEAD"])
        let again = try run(["send"])
        #expect(again.status == 0 && again.stdout.contains("Nothing approved to send."), "\(again)")
        #expect(delivered().count == 7)
        #expect(try git(["rev-parse", "HEAD"]) == head2)
        #expect(try run(["draft"]).stdout.contains("Nothing new to draft today"))
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
        #expect(try run(["check"]).status == 0)
    }

    @Test func sendsTheApprovedBytesNotTheWorkingCopyAndSaysSo() throws {
        try draftAndApprove()
        let path = dir + "/outbox/acme-gmbh/2026-11-30-statement.eml"
        let approved = try String(contentsOfFile: path, encoding: .utf8)
        try approved.replacingOccurrences(of: "Kind regards,", with: "Pay now or else,").write(toFile: path, atomically: true, encoding: .utf8)
        // A new, unapproved draft in the working tree is not sent either.
        try sandbox.write("ledger/outbox/blue-harbour-design/2026-11-30-nudge.eml", approved.replacingOccurrences(of: "acme-gmbh", with: "blue-harbour-design"))
        let r = try run(["send"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Note: outbox/acme-gmbh/2026-11-30-statement.eml was edited after approval; the approved version was sent."))
        #expect(r.stdout.contains("    -Kind regards,\n    +Pay now or else,\n"), "\(r.stdout)")
        let sent = try sandbox.read("ledger/sent/2026/11/acme-gmbh/2026-11-30-statement.eml")
        #expect(sent.contains("Kind regards,") && !sent.contains("Pay now or else"))
        #expect(delivered().count == 7)
        // The edit is kept, not lost; the unapproved draft is still waiting.
        let kept = dir + "/.git/duetrail/edited-after-approval/acme-gmbh_2026-11-30-statement.eml"
        #expect(try String(contentsOfFile: kept, encoding: .utf8).contains("Pay now or else"))
        #expect(try git(["status", "--porcelain"]) == "?? outbox/\n")
    }

    @Test func casesPaidDisputedOrAnsweredSinceApprovalAreWithdrawnNotSent() throws {
        try draftAndApprove()
        // Typed by hand in the documented form, committed with plain git.
        func add(_ file: String, _ line: String) throws {
            let path = dir + "/cases/" + file
            try (try String(contentsOfFile: path, encoding: .utf8) + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try add("acme-gmbh/inv-1093.md", "- 2026-11-30 08:00 · balance · balance: 0.00 EUR · paid by bank transfer · by Ana Ruiz")
        try add("fjord-software/inv-1090.md", "- 2026-11-30 08:10 · reply · from: invoices@fjord-software.example · we paid on Friday · by Ana Ruiz")
        try git(["commit", "-qam", "payment and a reply"])
        let r = try run(["send"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Withdrawn outbox/acme-gmbh/2026-11-30-statement.eml: INV-1093 is paid (recorded on the case)"), "\(r.stdout)")
        #expect(r.stdout.contains("Withdrawn outbox/fjord-software/2026-11-30-statement.eml: INV-1090 is reply waiting since 2026-11-30"))
        #expect(delivered().count == 5)
        let acme = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        #expect(acme.contains(" · withdrawn · step: nudge · draft: outbox/acme-gmbh/2026-11-30-statement.eml · not sent: INV-1093 is paid · by Ana Ruiz"))
        #expect(!acme.contains(" · sent · "))
        #expect(try git(["log", "--format=%s"]).contains("withdraw: 2 approved reminders no longer due"))
        #expect(try git(["ls-files", "outbox"]).isEmpty)
    }

    @Test func aCasePaidWhileTheRunIsSendingIsCheckedAgainAndWithdrawn() throws {
        // The "mail server" is a script that, on its first message, records a payment with
        // plain git, as a teammate would while `send` is busy.
        let captured = sandbox.path("captured")
        try FileManager.default.createDirectory(atPath: captured, withIntermediateDirectories: true)
        try sandbox.write("pay.sh", """
            #!/bin/sh
            n=$(ls \(captured) | wc -l)
            cat > \(captured)/$n.eml
            if [ "$n" = 0 ]; then
              cd \(dir) && printf '%s\\n' '- 2026-11-30 08:30 · balance · balance: 0.00 USD · paid by card · by Ben Ortiz' >> cases/union-square-media/inv-1079.md && git commit -qam "payment by Ben"
            fi

            """)
        chmod(sandbox.path("pay.sh"), 0o755)
        try useTransport("transport:\n  kind: sendmail\n  command: \(sandbox.path("pay.sh"))\n")
        try draftAndApprove()
        let r = try run(["send"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Sent 6 messages") && r.stdout.contains("Withdrawn outbox/union-square-media/2026-11-30-final.eml: INV-1079 is paid"), "\(r.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: captured).count == 6)
        #expect(try sandbox.read("ledger/cases/union-square-media/inv-1079.md").contains(" · withdrawn · step: final"))
        #expect(try git(["status", "--porcelain"]).isEmpty)
    }

    @Test func smtpWithStartTLSAndAuthDeliversMessagesAnIndependentParserReads() throws {
        let certs = try TestCertificate.make(in: sandbox.path(""))
        let server = try SMTPTestServer(folder: sandbox.path("received"), arguments: ["--tls-cert", certs.cert, "--tls-key", certs.key, "--auth", "ar@northwind-studio.example:s3cret-Pw"])
        defer { server.stop() }
        // A contact with a name and subject beyond ASCII, and a second contact in Cc.
        try sandbox.write("ledger/customers/acme-gmbh.yaml", """
            name: Acme GmbH
            contacts:
              - name: Jörg Müller-Lüdenscheidt
                email: ap@acme-gmbh.example
              - name: "Bauer, Jonas"
                email: jonas@acme-gmbh.example
            policy: review
            sensitive: false

            """)
        try git(["commit", "-qam", "Acme contacts"])
        try useTransport("""
            transport:
              kind: smtp
              host: localhost
              port: \(server.port)
              security: starttls
              username: ar@northwind-studio.example
              ca_file: \(certs.cert)
              timeout: 10

            """)
        try draftAndApprove()
        let r = try run(["send", "--verbose"], extra: ["DUETRAIL_SMTP_PASSWORD": "s3cret-Pw"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Sent 7 messages via smtp localhost:\(server.port) (starttls)"))
        // The conversation is shown, the password never (nor its base64 form).
        #expect(r.stderr.contains("C: STARTTLS") && r.stderr.contains("C: AUTH PLAIN ****"), "\(r.stderr)")
        #expect(!r.stderr.contains("s3cret-Pw") && !r.stderr.contains(Data("\u{0}ar@northwind-studio.example\u{0}s3cret-Pw".utf8).base64EncodedString()))
        let received = try server.received()
        #expect(received.count == 7)
        // One connection for the batch, over TLS, logged in.
        #expect(Set(received.compactMap { $0.envelope["peer_port"] as? Int }).count == 1)
        #expect(received.allSatisfy { ($0.envelope["tls"] as? Bool) == true && ($0.envelope["login"] as? String) == "ar@northwind-studio.example" })
        let acmeIndex = try #require(received.firstIndex { $0.text.contains("X-Never") || $0.text.contains("acme-gmbh.example") })
        #expect((received[acmeIndex].envelope["recipients"] as? [String]) == ["ap@acme-gmbh.example", "jonas@acme-gmbh.example"])
        let mail = try ParsedMail(file: server.folder + "/\(acmeIndex + 1).eml")
        #expect(mail.addresses("to") == [["Jörg Müller-Lüdenscheidt", "ap@acme-gmbh.example"]])
        #expect(mail.addresses("cc") == [["Bauer, Jonas", "jonas@acme-gmbh.example"]])
        #expect(mail["subject"] == "Invoices from Northwind Studio Ltd awaiting payment: EUR 9,410.00")
        #expect(mail["date_parsed"] == "2026-11-30T09:00:00+00:00")
        #expect(mail["reply_to"] == "Accounts at Northwind Studio <accounts@northwind-studio.example>")
        #expect(mail["message_id"].hasPrefix("<20261130.statement.acme-gmbh.") && mail["in_reply_to"].isEmpty)
        #expect(mail["content_type"] == "text/plain" && mail["charset"] == "utf-8")
        #expect(mail["transfer_encoding"] == "8bit")  // the server offers 8BITMIME
        #expect(mail.body.hasPrefix("Hello Jörg Müller-Lüdenscheidt,\n") && mail.body.contains("Invoice INV-1093, issued 27 October 2026, due 26 November 2026 (4 days overdue): EUR 920.00"))
        #expect((mail.fields["headers_ascii"] as? Bool) == true)  // RFC 2047 words, not raw UTF-8
        #expect((mail.fields["defects"] as? [String]) == [])
        #expect(!(mail.fields["header_names"] as? [String] ?? []).contains { $0.lowercased().hasPrefix("x-duetrail") })
        #expect((received[acmeIndex].envelope["mail_options"] as? [String])?.contains("BODY=8BITMIME") == true)
        // The Message-ID on the case is the one the customer received.
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md").contains("message-id: \(mail["message_id"])"))

        // Ten days later the firm reminder threads under the nudge.
        let later = ["DUETRAIL_TODAY": "2026-12-07", "DUETRAIL_NOW": "2026-12-07T09:00:00Z", "DUETRAIL_SMTP_PASSWORD": "s3cret-Pw"]
        #expect(try run(["draft", "--customer", "acme-gmbh"], extra: later).status == 0)
        #expect(try run(["approve", "acme-gmbh"], extra: later).status == 0)
        let second = try run(["send"], extra: later)
        #expect(second.status == 0, "\(second)")
        let followUp = try ParsedMail(file: server.folder + "/8.eml")
        #expect(followUp["in_reply_to"] == mail["message_id"] && followUp["references"] == mail["message_id"])
        #expect(followUp["message_id"] != mail["message_id"])
    }

    @Test func withoutEightBitMIMEBodiesAreQuotedPrintableAndAuthLoginUsesThePasswordFromGitCredential() throws {
        let server = try SMTPTestServer(folder: sandbox.path("received"), arguments: ["--no-8bitmime", "--auth", "ar:pw-from-git", "--login-only"])
        defer { server.stop() }
        // git's own credential store, in the sandbox's HOME.
        try sandbox.git(["config", "--global", "credential.helper", "store"])
        try sandbox.write("home/.git-credentials", "smtp://ar:pw-from-git@127.0.0.1%3a\(server.port)\n")
        try sandbox.write("ledger/customers/acme-gmbh.yaml", "name: Acme GmbH\ncontacts:\n  - name: Jörg Müller\n    email: ap@acme-gmbh.example\npolicy: review\n")
        try git(["commit", "-qam", "Acme contact"])
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(server.port)\n  security: none\n  username: ar\n")
        try draftAndApprove()
        let r = try run(["send", "--limit", "2", "--verbose"])
        #expect(r.status == 0, "\(r)")
        // Only AUTH LOGIN offered: user and password each masked.
        #expect(r.stderr.contains("C: AUTH LOGIN\n") && r.stderr.contains("C: ****") && !r.stderr.contains("pw-from-git"), "\(r.stderr)")
        #expect(!r.stderr.contains(Data("pw-from-git".utf8).base64EncodedString()))
        #expect(r.stdout.contains("Sent 2 messages") && r.stdout.contains("5 more approved messages left for the next run (--limit)."))
        let received = try server.received()
        let acme = try #require(received.firstIndex { $0.text.contains("ap@acme-gmbh.example") })
        #expect(received[acme].text.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(received[acme].text.contains("Hello J=C3=B6rg M=C3=BCller,"))
        let mail = try ParsedMail(file: server.folder + "/\(acme + 1).eml")
        #expect(mail.body.hasPrefix("Hello Jörg Müller,\n"))
        #expect((mail.fields["max_line_octets"] as? Int ?? 999) <= 78)
        #expect(try run(["send"]).stdout.contains("Sent 5 messages"))
        #expect(try server.received().count == 7)
    }

    @Test func pipelinedEnvelopeAndAPerRecipientRefusalIsReported() throws {
        let server = try SMTPTestServer(folder: sandbox.path("received"), arguments: ["--raw", "--refuse-rcpt", "old@acme-gmbh.example"])
        defer { server.stop() }
        try sandbox.write("ledger/customers/acme-gmbh.yaml", "name: Acme GmbH\ncontacts:\n  - email: ap@acme-gmbh.example\n  - email: old@acme-gmbh.example\npolicy: review\n")
        try git(["commit", "-qam", "Acme contacts"])
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(server.port)\n  security: none\n")
        #expect(try run(["draft"]).status == 0)
        // A reviewer's edit with lines that start with a dot: SMTP must not end the message there.
        let path = dir + "/outbox/acme-gmbh/2026-11-30-statement.eml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "Kind regards,\n", with: ".\n..two dots\n.one dot\nKind regards,\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try run(["approve", "--all"]).status == 0)
        let r = try run(["send", "--verbose"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("refused for old@acme-gmbh.example: 550 5.1.1 <old@acme-gmbh.example>: mailbox unknown — fix the address in customers/acme-gmbh.yaml"), "\(r.stdout)")
        // PIPELINING: the envelope and DATA go out together, then the replies are read.
        #expect(r.stderr.contains("C: MAIL FROM:<accounts@northwind-studio.example> SIZE=") && r.stderr.contains("C: RCPT TO:<old@acme-gmbh.example>\n  C: DATA\n"), "\(r.stderr)")
        let received = try server.received()
        #expect(received.count == 7)
        #expect(Set(received.compactMap { $0.envelope["peer_port"] as? Int }).count == 1)
        let acme = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        #expect(acme.contains("(refused: old@acme-gmbh.example 550 5.1.1"))
        let acmeMail = try #require(received.first { $0.text.contains("ap@acme-gmbh.example") })
        #expect(acmeMail.text.replacingOccurrences(of: "\r\n", with: "\n").contains("\n.\n..two dots\n.one dot\nKind regards,\n"))
    }

    @Test func aTemporaryRefusalKeepsTheDraftForTheNextRun() throws {
        let busy = try SMTPTestServer(folder: sandbox.path("busy"), arguments: ["--data-reply", "451 4.3.0 try again later"])
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(busy.port)\n  security: none\n")
        try draftAndApprove()
        let r = try run(["send"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stdout.contains("Not sent (still approved; sent on the next run once fixed):\n  outbox/acme-gmbh/2026-11-30-statement.eml: the server refused the message: 451 4.3.0 try again later"), "\(r.stdout)")
        #expect(try git(["ls-files", "outbox"]).split(separator: "\n").count == 7)
        busy.stop()
        let ok = try SMTPTestServer(folder: sandbox.path("ok"))
        defer { ok.stop() }
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(ok.port)\n  security: none\n")
        let again = try run(["send"])
        #expect(again.status == 0, "\(again)")
        #expect(try ok.received().count == 7)
    }

    @Test func aConnectionLostMidMessageIsUncertainAndNeverResentUntilSettled() throws {
        let dropper = try SMTPTestServer(folder: sandbox.path("drop"), arguments: ["--drop-in-data"])
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(dropper.port)\n  security: none\n  timeout: 5\n")
        try draftAndApprove()
        let r = try run(["send", "--limit", "1"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stdout.contains("Delivery uncertain (1)") && r.stdout.contains("outbox/acme-gmbh/2026-11-30-statement.eml"), "\(r.stdout)")
        let id = try #require(r.stdout.split(separator: "\n").first { $0.contains("outbox/acme-gmbh/") && $0.hasPrefix("  ") }?.split(separator: " ").first.map(String.init))
        dropper.stop()
        let ok = try SMTPTestServer(folder: sandbox.path("ok"))
        defer { ok.stop() }
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(ok.port)\n  security: none\n")
        // The others go; the uncertain one does not, and is listed again.
        let next = try run(["send"])
        #expect(next.status == 2, "\(next)")
        #expect(next.stdout.contains("Sent 6 messages") && next.stdout.contains("Delivery uncertain (1)"))
        #expect(try ok.received().count == 6 && !(try ok.received().contains { $0.text.contains("ap@acme-gmbh.example") }))
        // The person checked: it did not arrive. Retry sends it, once.
        let retried = try run(["send", "--retry", id])
        #expect(retried.status == 0, "\(retried)")
        #expect(try ok.received().filter { $0.text.contains("ap@acme-gmbh.example") }.count == 1)
        #expect(try run(["send"]).stdout.contains("Nothing approved to send."))
    }

    @Test func aServerThatNeverAnswersTimesOutAndNothingIsMarkedSent() throws {
        let mute = try SMTPTestServer(folder: sandbox.path("mute"), arguments: ["--mute"])
        defer { mute.stop() }
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: \(mute.port)\n  security: none\n  timeout: 1\n")
        try draftAndApprove()
        let started = Date()
        let r = try run(["send"])
        #expect(r.status == 1 && r.stdout.contains("cannot send via smtp 127.0.0.1:\(mute.port) (none): 127.0.0.1:\(mute.port): the server did not answer in time"), "\(r)")
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(try git(["ls-files", "outbox"]).split(separator: "\n").count == 7)
        #expect(try git(["ls-files", "sent"]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.git/duetrail/send.journal"))
    }

    @Test func aBrokenCadenceStopsSendAsItStopsDraft() throws {
        try draftAndApprove()
        // Committed after approval: the promise grace would be lost, so nothing goes out.
        let path = dir + "/cadence.yaml"
        try (try String(contentsOfFile: path, encoding: .utf8) + "\npromise_grace: soon\n").write(toFile: path, atomically: true, encoding: .utf8)
        try git(["commit", "-qam", "a typo in the cadence"])
        let head = try git(["rev-parse", "HEAD"])
        let refused = try run(["send"])
        #expect(refused.status == 1 && refused.stderr.contains("cadence.yaml:") && refused.stderr.contains("promise_grace"), "\(refused)")
        #expect(delivered().isEmpty)
        #expect(try git(["rev-parse", "HEAD"]) == head)
        #expect(try run(["draft"]).status == 1, "draft refuses the same file")
    }

    @Test func crashBeforeDeliveringLeavesAnUncertainIntentThatRetrySends() throws {
        try draftAndApprove()
        let crashed = try run(["send"], extra: ["DUETRAIL_FAULT": "before-delivery"])
        #expect(crashed.status == 75, "\(crashed)")
        #expect(delivered().isEmpty)
        #expect(try git(["ls-files", "sent"]).isEmpty)
        let listed = try run(["send", "--dry-run"])
        #expect(listed.status == 2 && listed.stdout.contains("Delivery uncertain (1)"), "\(listed)")
        let id = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("  ") && $0.contains("outbox/acme-gmbh/") }?.split(separator: " ").first.map(String.init))
        // A plain `send` sends the others but not the uncertain one.
        let rest = try run(["send"])
        #expect(rest.status == 2 && rest.stdout.contains("Sent 6 messages"), "\(rest)")
        #expect(delivered().count == 6)
        let retried = try run(["send", "--retry", id])
        #expect(retried.status == 0 && retried.stdout.contains("Sent 1 message"), "\(retried)")
        #expect(delivered().count == 7)
        #expect(try run(["send"]).stdout.contains("Nothing approved to send."))
        #expect(!FileManager.default.fileExists(atPath: dir + "/.git/duetrail/send.journal"))
    }

    @Test func crashAfterTheServerAcceptedIsNeverSentTwiceAndMarkDeliveredRecordsIt() throws {
        try draftAndApprove()
        let crashed = try run(["send"], extra: ["DUETRAIL_FAULT": "after-accept"])
        #expect(crashed.status == 75, "\(crashed)")
        #expect(delivered().count == 1)  // it went out
        #expect(try git(["ls-files", "sent"]).isEmpty)  // but the ledger does not know yet
        let rest = try run(["send"])
        #expect(rest.status == 2, "\(rest)")
        #expect(rest.stdout.contains("Sent 6 messages") && rest.stdout.contains("Delivery uncertain (1)"))
        #expect(delivered().count == 7)  // six more; the first not again
        let id = try #require(rest.stdout.split(separator: "\n").first { $0.hasPrefix("  ") && $0.contains("outbox/acme-gmbh/") }?.split(separator: " ").first.map(String.init))
        let marked = try run(["send", "--mark-delivered", id])
        #expect(marked.status == 0, "\(marked)")
        #expect(marked.stdout.contains("Recorded 1 message delivered by an earlier run"))
        #expect(delivered().count == 7)
        let acme = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        #expect(acme.contains(" · sent · step: nudge") && acme.contains("answer: marked delivered by Ana Ruiz; no server answer was recorded"))
        // The sent copy is the exact bytes that reached the Maildir.
        let inMaildir = try delivered().map { try String(contentsOfFile: maildir + "/new/" + $0, encoding: .utf8) }
        #expect(inMaildir.contains(try sandbox.read("ledger/sent/2026/11/acme-gmbh/2026-11-30-statement.eml")))
        #expect(try git(["ls-files", "outbox"]).isEmpty)
        let wrong = try run(["send", "--retry", id])
        #expect(wrong.status == 1 && wrong.stderr.contains("is not an uncertain delivery"), "\(wrong)")
    }

    @Test func aSendKilledAfterItsCommitIsRecordedOnceAndAuditFindsADoubleRecording() throws {
        try draftAndApprove()
        let crashed = try run(["send"], extra: ["DUETRAIL_FAULT": "after-recording"])
        #expect(crashed.status == 75, "\(crashed)")
        #expect(delivered().count == 7)
        let recordedOnce = try git(["ls-files", "sent"])
        #expect(recordedOnce.split(separator: "\n").count == 7)
        // The journal still says "delivered, not recorded": the next run must see the ledger has it.
        let next = try run(["send"])
        #expect(next.status == 0, "\(next)")
        #expect(!next.stdout.contains("Recorded"), "nothing is recorded again: \(next)")
        #expect(try git(["ls-files", "sent"]) == recordedOnce, "no sent/…-2.eml copies")
        #expect(delivered().count == 7, "nothing went twice")
        let ids = try git(["log", "--format=%(trailers:key=DueTrail-Message-ID,valueonly)"]).split(separator: "\n").filter { !$0.isEmpty }
        #expect(ids.count == 7 && Set(ids).count == 7, "\(ids)")
        let activity = try run(["report", "activity", "--json"])
        #expect(activity.stdout.contains("\"sent\" : 7"), "\(activity)")
        let clean = try run(["audit"])
        #expect(clean.status == 0, "\(clean)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.git/duetrail/send.journal"))

        // A second recording of a message (as the old version made): audit names it.
        let first = try #require(ids.first)
        try git(["commit", "-q", "--allow-empty", "-m", "send: again\n\nDueTrail-Action: send\nDueTrail-Message-ID: \(first)"])
        let audit = try run(["audit"])
        #expect(audit.status != 0, "\(audit)")
        #expect(audit.stderr.contains("[recorded-sent-twice]") && audit.stderr.contains("\(first) is recorded as sent a second time"), "\(audit)")
    }

    @Test func sendmailCommandGetsTheMessageOnStandardInput() throws {
        let capture = sandbox.path("capture.sh")
        try sandbox.write("capture.sh", "#!/bin/sh\nn=$(ls \(sandbox.path("captured")) | wc -l)\ncat > \(sandbox.path("captured"))/$n.eml\necho \"$@\" > \(sandbox.path("captured"))/$n.args\n")
        try FileManager.default.createDirectory(atPath: sandbox.path("captured"), withIntermediateDirectories: true)
        chmod(capture, 0o755)
        try sandbox.write("ledger/customers/acme-gmbh.yaml", "name: Acme GmbH\ncontacts:\n  - name: Jörg Müller\n    email: ap@acme-gmbh.example\npolicy: review\n")
        try git(["commit", "-qam", "Acme contact"])
        try useTransport("transport:\n  kind: sendmail\n  command: \(capture) -t -i\n")
        try draftAndApprove()
        let r = try run(["send"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("accepted by capture.sh (exit 0)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.path("captured")).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 7)
        #expect(try sandbox.read("captured/0.args") == "-t -i\n")
        let acme = try #require(files.first { (try? sandbox.read("captured/" + $0))?.contains("ap@acme-gmbh.example") == true })
        let mail = try ParsedMail(file: sandbox.path("captured/" + acme))
        #expect(mail["transfer_encoding"] == "quoted-printable" && mail.body.hasPrefix("Hello Jörg Müller,\n"))
        #expect(mail.addresses("to") == [["Jörg Müller", "ap@acme-gmbh.example"]])

        // A failing command: reported, the draft stays approved.
        try sandbox.write("fail.sh", "#!/bin/sh\ncat >/dev/null\necho 'queue full' >&2\nexit 75\n")
        chmod(sandbox.path("fail.sh"), 0o755)
        try useTransport("transport:\n  kind: sendmail\n  command: \(sandbox.path("fail.sh"))\n")
        try sandbox.write("ledger/customers/blue-harbour-design.yaml", try sandbox.read("ledger/customers/blue-harbour-design.yaml"))
        let later = ["DUETRAIL_TODAY": "2026-12-07", "DUETRAIL_NOW": "2026-12-07T09:00:00Z"]
        _ = try run(["draft"], extra: later)
        _ = try run(["approve", "--all"], extra: later)
        let failed = try run(["send"], extra: later)
        #expect(failed.status == 2 && failed.stdout.contains("exited with status 75: queue full"), "\(failed)")
    }

    @Test func aBadAddressIsRefusedAtDraftTimeWithTheCustomerFileAndLine() throws {
        try sandbox.write("ledger/customers/acme-gmbh.yaml", "name: Acme GmbH\ncontacts:\n  - name: Jonas Bauer\n    email: ap@acme-gmbh\npolicy: review\n")
        try git(["commit", "-qam", "typo"])
        let r = try run(["draft"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stdout.contains("Not drafted:\n  acme-gmbh: customers/acme-gmbh.yaml:4: `ap@acme-gmbh` is not an email address: the domain `acme-gmbh` has no dot"), "\(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/acme-gmbh"))
    }

    @Test func transportSettingsAreCheckedWithFileAndLine() throws {
        try useTransport("transport:\n  kind: smtp\n  host: smtp.example.com\n  security: none\n")
        let plain = try run(["send"])
        #expect(plain.status == 1 && plain.stderr.contains("duetrail.yaml:11") && plain.stderr.contains("only allowed to this machine"), "\(plain)")
        try useTransport("transport:\n  kind: smtp\n  host: smtp.example.com\n  password: hunter2\n")
        let secret = try run(["check"])
        #expect(secret.status != 0 && secret.stderr.contains("passwords never go in duetrail.yaml"), "\(secret)")
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: 1\n  security: none\n  username: ar\n  password_file: \(dir)/secret.txt\n")
        try draftAndApprove()
        let inside = try run(["send"])
        #expect(inside.status == 1 && inside.stderr.contains("is inside the ledger repository"), "\(inside)")
        try useTransport("transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: 1\n  security: none\n")
        let refused = try run(["send"])
        #expect(refused.status == 1 && refused.stdout.contains("error: cannot send via smtp 127.0.0.1:1 (none): cannot connect to 127.0.0.1:1"), "\(refused)")
        #expect(try git(["ls-files", "outbox"]).split(separator: "\n").count == 7)
    }
}
