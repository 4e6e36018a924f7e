import Foundation
import Testing
import TestSupport

/// `reverse CASE #EVENT --reason`: a mistake corrected by a new event, never by rewriting
/// history (issue 19).
@Suite struct ReversalTests {
    /// The id at the end of the last timeline line of `kind` in the case file.
    static func lastID(_ kind: String, in file: String) throws -> String {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        guard let line = text.split(separator: "\n").last(where: { $0.contains(" · \(kind) · ") }), let hash = line.lastIndex(of: "#") else { return "" }
        return String(line[line.index(after: hash)...])
    }

    @Test func aPaymentTypedTwiceIsReversedAndEveryReaderHonoursIt() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        let file = dir + "/cases/acme-gmbh/inv-1042.md"
        #expect(try run(["pay", "INV-1042", "--amount", "1000"]).status == 0)
        let agingOnce = try run(["report", "aging", "--json"]).stdout
        let queueOnce = try run(["queue", "--all"]).stdout
        #expect(try run(["pay", "INV-1042", "--amount", "1000"]).status == 0)
        let twice = try Self.lastID("payment", in: file)
        #expect(try run(["queue", "--all"]).stdout != queueOnce)

        let r = try run(["reverse", "INV-1042", "#" + twice, "--reason", "typed twice"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Reversed #\(twice) (payment of 2026-11-30 by Ana Ruiz) on INV-1042; balance now EUR 6,150.00, open"), "\(r.stdout)")
        // The original stays, shown as reversed; the reversal names it.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("· payment · amount: 1000.00 EUR · by Ana Ruiz · #\(twice)"))
        #expect(text.contains("· reversed · event: \(twice) · typed twice · by Ana Ruiz · #"))
        let show = try run(["show", "INV-1042"]).stdout
        #expect(show.contains("balance   EUR 6,150.00") && show.contains("#\(twice)  [REVERSED by #"), "\(show)")
        #expect(try run(["show", "INV-1042", "--json"]).stdout.contains("\"reversedBy\""))
        // Queue and reports read the case as if it had been paid once.
        #expect(try run(["queue", "--all"]).stdout == queueOnce)
        #expect(try run(["report", "aging", "--json"]).stdout == agingOnce)
        #expect(try run(["report", "activity"]).stdout.contains("Reversals"))
        // The commit says what it did; audit accepts it; history shows both.
        let log = try sandbox.git(["log", "-1", "--format=%B"], in: dir).stdout
        #expect(log.hasPrefix("reverse: INV-1042 #\(twice) (payment)") && log.contains("DueTrail-Action: reverse"), "\(log)")
        #expect(try run(["audit", "--no-record"]).status == 0)
        let history = try run(["history", "INV-1042"]).stdout
        #expect(history.contains("+ 2026-11-30 09:00 · reversed · event: \(twice)") && history.contains("· payment · amount: 1000.00 EUR · by Ana Ruiz · #\(twice)"))
        // Not twice; not a reversal; not an import's facts; not a made-up id.
        let again = try run(["reverse", "INV-1042", twice, "--reason", "again"])
        #expect(again.status != 0 && again.stderr.contains("already reversed"), "\(again)")
        let opened = try Self.lastID("opened", in: file)
        #expect(try run(["reverse", "INV-1042", opened, "--reason", "x"]).stderr.contains("a fact the accounting export states"))
        #expect(try run(["reverse", "INV-1042", "#ffffffff", "--reason", "x"]).stderr.contains("INV-1042 has no event #ffffffff"))
        #expect(try run(["reverse", "INV-1042", twice, "--reason", " "]).status != 0)
        #expect(try run(["check"]).status == 0)
    }

    @Test func aSentReminderCannotBeReversedButAMistakenDisputeOrPromiseCan() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        let file = dir + "/cases/acme-gmbh/inv-1042.md"
        // A sent line (as send writes it).
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "- 2026-11-30 09:00 · sent · step: nudge · message-id: <a@b> · by Ana Ruiz · #0a0b0c0d\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "sent by hand"], in: dir)
        let sent = try run(["reverse", "INV-1042", "0a0b0c0d", "--reason", "oops"])
        #expect(sent.status != 0 && sent.stderr.contains("what went out went out"), "\(sent)")

        #expect(try run(["dispute", "INV-1042", "--reason", "wrong case"]).status == 0)
        #expect(try run(["show", "INV-1042"]).stdout.contains("disputed"))
        let dispute = try Self.lastID("disputed", in: file)
        #expect(try run(["reverse", "INV-1042", dispute, "--reason", "recorded on the wrong case"]).status == 0)
        let queue = try run(["queue", "--customer", "acme-gmbh", "--json"]).stdout
        #expect(!queue.contains("disputed"), "\(queue)")
        // A second dispute may be recorded again (the first no longer stands).
        #expect(try run(["dispute", "INV-1042", "--reason", "really disputed"]).status == 0)

        #expect(try run(["promise", "INV-1093", "--date", "2026-12-10"]).status == 0)
        let promise = try Self.lastID("promised", in: dir + "/cases/acme-gmbh/inv-1093.md")
        #expect(try run(["reverse", "INV-1093", promise, "--reason", "that was Delta's promise"]).status == 0)
        #expect(!(try run(["show", "INV-1093"]).stdout.contains("promise   pay")))
        let promises = try run(["report", "promises", "--json"]).stdout
        #expect(!promises.contains("INV-1093"), "\(promises)")
    }

    @Test func reversalsMadeInTwoClonesMergeThroughSync() throws {
        let sandbox = try Sandbox()
        let seed = try sandbox.exampleLedger("seed")
        #expect(try sandbox.duetrail(["pay", "INV-1042", "--amount", "1000"], in: seed).status == 0)
        #expect(try sandbox.duetrail(["pay", "INV-1042", "--amount", "1000"], in: seed).status == 0)
        let remote = sandbox.path("shared.git")
        _ = try sandbox.git(["init", "-q", "--bare", remote])
        _ = try sandbox.git(["push", "-q", remote, "HEAD:refs/heads/main"], in: seed)
        let a = sandbox.path("a"), b = sandbox.path("b")
        #expect(try sandbox.duetrail(["clone", remote, a]).status == 0)
        #expect(try sandbox.duetrail(["clone", remote, b]).status == 0)
        let twice = try Self.lastID("payment", in: a + "/cases/acme-gmbh/inv-1042.md")
        var bo = sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example")
        bo["DUETRAIL_NOW"] = "2026-11-30T10:00:00Z"
        // Both reverse the same payment; Bo also notes something.
        #expect(try sandbox.duetrail(["reverse", "INV-1042", twice, "--reason", "typed twice"], in: a).status == 0)
        #expect(try sandbox.duetrail(["sync"], in: a).status == 0)
        #expect(try ProcessResult.run(Binary.duetrail, ["reverse", "INV-1042", twice, "--reason", "duplicate"], cwd: b, environment: bo).status == 0)
        #expect(try ProcessResult.run(Binary.duetrail, ["note", "INV-1042", "called"], cwd: b, environment: bo).status == 0)
        let synced = try ProcessResult.run(Binary.duetrail, ["sync"], cwd: b, environment: bo)
        #expect(synced.status == 0, "\(synced)")
        let show = try sandbox.duetrail(["show", "INV-1042"], in: b).stdout
        #expect(show.contains("balance   EUR 6,150.00"), "cancelled once, whatever the number of reversals:\n\(show)")
        #expect(try sandbox.duetrail(["check"], in: b).status == 0)
        #expect(try sandbox.duetrail(["audit", "--no-record"], in: b).status == 0)
    }
}
