import DueTrailCore
import Foundation
import Testing
import TestSupport

/// MIME as mail programs really write it; each case checked against what Python's `email`
/// package reads from the same bytes (an independent parser): the same sender, subject and
/// reply text (`get_body(preferencelist=("plain",))`, which skips attached and digested messages).
@Suite struct MIMEQuirkTests {
    static let cases: [(name: String, raw: String, text: String)] = [
        ("RFC 2231 boundary and continuations",
         "From: ap@acme-gmbh.example\nSubject: Re: INV-1093\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary*0=\"part-\"; boundary*1=\"one\"\n\n--part-one\nContent-Type: text/plain; charset*=utf-8''utf-8\n\nPaid today.\n--part-one\nContent-Type: application/pdf; name*=UTF-8''Zahlung%20M%C3%A4rz.pdf\nContent-Disposition: attachment; filename*=UTF-8''Zahlung%20M%C3%A4rz.pdf\n\nJVBERi0=\n--part-one--\n",
         "Paid today."),
        ("a quoted boundary holding a semicolon",
         "From: ap@acme-gmbh.example\nSubject: Re: INV-1093\nContent-Type: multipart/alternative; boundary=\"a;b\"\n\n--a;b\nContent-Type: text/plain\n\nWe pay Friday.\n--a;b--\n",
         "We pay Friday."),
        ("text without a subtype",
         "From: ap@acme-gmbh.example\nSubject: Re: INV-1093\nContent-Type: text\n\nPlain words.\n",
         "Plain words."),
        ("a leading blank line before the headers",
         "\n  \nFrom: ap@acme-gmbh.example\nSubject: Re: INV-1093\n\nAfter a blank line.\n",
         "After a blank line."),
        ("headers that end without a blank line",
         "From: ap@acme-gmbh.example\nSubject: Re: INV-1093\nThis line is the body.\nAnd this.\n",
         "This line is the body.\nAnd this."),
        ("a forwarded message is not the reply's text",
         "From: ap@acme-gmbh.example\nSubject: Fwd: INV-1093\nContent-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: message/rfc822\n\nFrom: someone@else.example\nSubject: inner\n\nInner text.\n--X\nContent-Type: text/plain\n\nSee below.\n--X--\n",
         "See below."),
        ("a digest's parts are messages",
         "From: list@lists.example\nSubject: Digest\nContent-Type: multipart/digest; boundary=D\n\n--D\n\nFrom: a@b.example\nSubject: one\n\nFirst digest message.\n--D--\n",
         ""),
    ]

    @Test(arguments: cases.map(\.name))
    func readsAsMailProgramsWriteIt(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let m = try MailMessage.parse(Array(c.raw.utf8))
        #expect(m.text.trimmingCharacters(in: .whitespacesAndNewlines) == c.text, "\(name): `\(m.text)`")
        // Python's `email` takes a leading blank line for the end of (no) headers; mail that
        // arrives so (some webmail exports) is still a message, so DueTrail reads past it.
        guard name != "a leading blank line before the headers" else { return }
        let oracle = try Self.python(c.raw)
        #expect(oracle.text == c.text, "Python's email reads the text of \(name) as `\(oracle.text)`")
        #expect(oracle.subject == m.subject && oracle.from == m.from?.email, "\(name): Python reads \(oracle)")
    }

    static func python(_ raw: String) throws -> (subject: String, from: String, text: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString).eml")
        try Data(raw.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import email, email.policy, email.utils, json, sys
            m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
            b = m.get_body(preferencelist=("plain",))
            print(json.dumps({"subject": str(m.get("Subject", "")), "from": email.utils.parseaddr(str(m.get("From", "")))[1].lower(),
                "text": (b.get_content() if b is not None else "").strip()}))
            """
        let r = try ProcessResult.run("/usr/bin/python3", ["-c", script, file.path], cwd: "/", environment: ProcessInfo.processInfo.environment)
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: String] else {
            throw FixtureError("python3 email: \(r)")
        }
        return (json["subject"] ?? "", json["from"] ?? "", json["text"] ?? "")
    }
}
