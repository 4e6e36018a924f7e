import Foundation
import Testing
import TestSupport

/// `inbox import` over mailboxes nobody vetted: a large mbox imports in time linear in its
/// messages; a Maildir entry that is not a message file (a FIFO, a link to a device, a folder)
/// is listed with its reason while the rest are imported, and never blocks the import.
@Suite struct HostileMailboxTests {
    let sandbox: Sandbox

    init() throws { sandbox = try Sandbox() }

    /// Runs `duetrail`, killed after `seconds` (exit 137): a hang fails the test, not the run.
    func run(_ args: [String], in dir: String, within seconds: Int) throws -> (result: ProcessResult, seconds: Double) {
        let started = Date()
        let r = try ProcessResult.run("/usr/bin/timeout", ["--signal=KILL", String(seconds), Binary.duetrail] + args, cwd: dir, environment: sandbox.environment)
        return (r, Date().timeIntervalSince(started))
    }

    /// `count` replies, each naming one of the example ledger's invoices in its subject.
    func mbox(_ name: String, count: Int) throws -> String {
        let invoices = ["INV-1101", "INV-1102", "INV-1103", "INV-1090", "INV-1042", "INV-1021", "INV-1012", "INV-1049", "INV-1045"]
        var text = ""
        for i in 0..<count {
            text += "From someone@example.com Mon Nov 30 09:00:00 2026\n"
            text += "From: Someone <someone\(i % 50)@example.com>\nTo: accounts@northwind-studio.example\n"
            text += "Subject: Re: invoice \(invoices[i % invoices.count]) (\(i))\nMessage-ID: <m\(i)@example.com>\n\n"
            text += "We will pay soon (message \(i)).\nFrom the desk of accounts payable\n\n"
        }
        try sandbox.write(name, text)
        return sandbox.path(name)
    }

    @Test func anMboxOfFiveThousandMessagesImportsInLinearTime() throws {
        let small = try sandbox.exampleLedger("small"), large = try sandbox.exampleLedger("large")
        let (one, oneSeconds) = try run(["inbox", "import", try mbox("1000.mbox", count: 1_000)], in: small, within: 60)
        #expect(one.status == 0 && one.stdout.contains("1000 message(s): 1000 recorded"), "\(one)")
        let (five, fiveSeconds) = try run(["inbox", "import", try mbox("5000.mbox", count: 5_000)], in: large, within: 60)
        #expect(five.status == 0 && five.stdout.contains("5000 message(s): 5000 recorded"), "\(five)")
        // Quadratic would be 25 times the time of 1,000; linear about 5 (plus start-up).
        #expect(fiveSeconds < 30, "5,000 messages in \(fiveSeconds) s")
        #expect(fiveSeconds < max(oneSeconds, 0.5) * 12, "1,000 in \(oneSeconds) s, 5,000 in \(fiveSeconds) s")
        // Every reply is on its case, in one commit.
        let count = try sandbox.git(["rev-list", "--count", "HEAD"], in: large).stdout
        let before = try sandbox.git(["rev-list", "--count", "HEAD~1"], in: large).stdout
        #expect((Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) == (Int(before.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) + 1)
        let shown = try sandbox.git(["show", "HEAD:cases/acme-gmbh/inv-1101.md"], in: large).stdout
        #expect(shown.components(separatedBy: "We will pay soon").count - 1 == 556, "\(shown.prefix(2000))")
    }

    @Test func aMaildirWithAFIFOALinkToDevZeroAndAFolderImportsTheRest() throws {
        let dir = try sandbox.exampleLedger()
        let box = sandbox.path("Maildir")
        for (i, subject) in ["Re: invoice INV-1101", "Re: invoice INV-1102"].enumerated() {
            try sandbox.write("Maildir/new/\(1_796_000_000 + i).M\(i).host",
                "From: Someone <someone@example.com>\r\nSubject: \(subject)\r\nMessage-ID: <ok\(i)@example.com>\r\n\r\nPaid today.\r\n")
        }
        try FileManager.default.createDirectory(atPath: box + "/cur", withIntermediateDirectories: true)
        #expect(mkfifo(box + "/new/1796000010.fifo.host", 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: box + "/new/1796000011.zero.host", withDestinationPath: "/dev/zero")
        try FileManager.default.createDirectory(atPath: box + "/new/1796000012.folder.host", withIntermediateDirectories: true)
        let (r, seconds) = try run(["inbox", "import", box], in: dir, within: 30)
        #expect(r.status == 2, "\(r)")
        #expect(seconds < 20)
        #expect(r.stdout.contains("5 message(s): 2 recorded") && r.stdout.contains("3 unreadable"), "\(r)")
        #expect(r.stderr.contains("1796000010.fifo.host: not a regular file (a FIFO)"), "\(r)")
        #expect(r.stderr.contains("1796000011.zero.host: not a regular file (a device)"), "\(r)")
        #expect(r.stderr.contains("1796000012.folder.host: not a regular file (a folder)"), "\(r)")
        // The readable two are on their cases.
        let log = try sandbox.git(["log", "-1", "--format=%s"], in: dir).stdout
        #expect(log.hasPrefix("inbox: 2 replies"), "\(log)")
    }
}
