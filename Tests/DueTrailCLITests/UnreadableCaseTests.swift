import Foundation
import Testing
import TestSupport

/// A committed case file that does not read never drops out of sight, and `check` says
/// everything that is wrong at once (issue 19).
@Suite struct UnreadableCaseTests {
    /// The EUR total line of `queue`.
    static func eurTotal(_ queue: String) -> String? {
        queue.split(separator: "\n").first { $0.hasPrefix("Total EUR") }.map(String.init)
    }

    @Test func aBadLineInACommittedCaseKeepsTheCaseVisibleAtItsLastReadableState() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        #expect(try run(["pay", "INV-1042", "--amount", "100"]).status == 0)
        let before = try run(["queue", "--all"])
        let agingBefore = try run(["report", "aging", "--json"])
        let path = dir + "/cases/acme-gmbh/inv-1042.md"
        let good = try String(contentsOfFile: path, encoding: .utf8)
        try good.replacingOccurrences(of: "amount: 7150.00", with: "amount: EUR 7.150,00").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "typo"], in: dir)

        let show = try run(["show", "INV-1042"])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains("UNREADABLE"))
        #expect(show.stdout.contains("cases/acme-gmbh/inv-1042.md:6:9: `amount` must be a number"), "\(show.stdout)")
        #expect(show.stdout.contains("balance   EUR 7,050.00"))
        #expect(show.stdout.contains("payment  amount: 100.00 EUR"))
        let showJSON = try run(["show", "INV-1042", "--json"]).stdout
        #expect(showJSON.contains("\"lastReadCommit\""))

        let queue = try run(["queue", "--all"])
        #expect(queue.status == 0)
        let row = queue.stdout.split(separator: "\n").first { $0.contains("INV-1042") }.map(String.init) ?? ""
        #expect(row.contains("EUR 7,050.00") && row.contains("UNREADABLE") && row.contains("inv-1042.md:6:9"), "\(queue.stdout)")
        #expect(Self.eurTotal(queue.stdout) != nil && Self.eurTotal(queue.stdout) == Self.eurTotal(before.stdout), "the total keeps its balance")
        #expect(queue.stdout.contains("1 case file does not read"))
        // Ranked among what needs a person today: first of Acme's rows.
        let acme = queue.stdout.split(separator: "\n").filter { $0.contains("Acme GmbH") }
        #expect(acme.first?.contains("INV-1042") == true, "\(acme)")
        let json = try run(["queue", "--json"]).stdout
        #expect(json.contains("\"unreadableCases\" : 1"), "\(json)")

        // Reports keep the balance and say which file did not read.
        let aging = try run(["report", "aging", "--json"])
        #expect(aging.stdout.contains("cases/acme-gmbh/inv-1042.md:6:9"))
        func totals(_ s: String) -> [String] { s.split(separator: "\n").filter { $0.contains("\"total\"") }.map(String.init) }
        #expect(totals(aging.stdout) == totals(agingBefore.stdout) && !totals(aging.stdout).isEmpty)
        let promises = try run(["report", "promises"])
        #expect(promises.stdout.contains("1 case file could not be read"), "\(promises.stdout)")

        // Draft: nothing for Acme (its message would be wrong), the rest drafted, exit 2 naming the file.
        let draft = try run(["draft"])
        #expect(draft.status == 2, "\(draft)")
        #expect(draft.stdout.contains("acme-gmbh: cases/acme-gmbh/inv-1042.md:6:9"), "\(draft.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/acme-gmbh"))
        #expect(FileManager.default.fileExists(atPath: dir + "/outbox/blue-harbour-design"))

        // History says the file stopped reading, not that its events were removed.
        let history = try run(["history", "INV-1042"])
        #expect(history.stdout.contains("the file stopped reading: cases/acme-gmbh/inv-1042.md:6:9"), "\(history.stdout)")
        #expect(!history.stdout.contains("REMOVED"))
        #expect(try run(["audit", "--no-record"]).status == 0)

        // A "fix" that also drops the payment is still caught, against the version that last read.
        let dropped = good.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(" · payment · ") }.joined(separator: "\n")
        try dropped.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "fix"], in: dir)
        let fixed = try run(["history", "INV-1042"])
        #expect(fixed.stdout.contains("the file reads again") && fixed.stdout.contains("REMOVED: 2026-11-30 09:00 · payment · amount: 100.00 EUR"), "\(fixed.stdout)")
        let audit = try run(["audit", "--no-record"])
        #expect(audit.status == 4 && audit.stderr.contains("[event-removed]"), "\(audit)")
        #expect(try run(["queue"]).stdout.contains("UNREADABLE") == false)
    }

    @Test func sendHoldsAnApprovedMessageWhoseCaseFileStoppedReading() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        #expect(try run(["draft"]).status == 0)
        #expect(try run(["approve", "--all"]).status == 0)
        let path = dir + "/cases/acme-gmbh/inv-1030.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "amount: 1340.00", with: "amount: 1.340,00").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "typo"], in: dir)
        let send = try run(["send"])
        #expect(send.status == 2, "\(send)")
        #expect(send.stdout.contains("outbox/acme-gmbh/2026-11-30-statement.eml: INV-1030's case file does not read (cases/acme-gmbh/inv-1030.md:6:9"), "\(send.stdout)")
        #expect(send.stdout.contains("Sent 6 messages"))
        // Held, not withdrawn: still approved, and sent once the file reads again.
        #expect(FileManager.default.fileExists(atPath: dir + "/outbox/acme-gmbh/2026-11-30-statement.eml"))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "fix"], in: dir)
        let again = try run(["send"])
        #expect(again.status == 0 && again.stdout.contains("Sent 1 message"), "\(again)")
    }

    @Test func checkListsEveryProblemOfAFile() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        try """
            ---
            invoice: INV-9001
            customer: Acme GmbH
            due: 2026-13-01
            currency: EURO
            amount: 12,50
            ---

            ## Timeline

            - 2026-11-30 opened
            - yesterday · note · called · by Ana

            """.write(toFile: dir + "/cases/acme-gmbh/inv-9001.md", atomically: true, encoding: .utf8)
        var customer = try String(contentsOfFile: dir + "/customers/acme-gmbh.yaml", encoding: .utf8)
        customer = customer.replacingOccurrences(of: "policy: review", with: "policy: sometimes") + "owner: nobody\nterms: whenever\n"
        try customer.write(toFile: dir + "/customers/acme-gmbh.yaml", atomically: true, encoding: .utf8)
        let r = try sandbox.duetrail(["check"], in: dir)
        #expect(r.status == 1)
        for expected in [
            "inv-9001.md:3:11: `customer` must be a customer file's slug", "inv-9001.md:4:6: `due` must be a date",
            "inv-9001.md:5:11: `currency` must be a three-letter code", "inv-9001.md:6:9: `amount` must be a number",
            "inv-9001.md:11: the event kind is missing", "inv-9001.md:12: `yesterday` is not a date",
            "customers/acme-gmbh.yaml:5:9: `policy` is one of", "`owner: nobody` is not a person", "`terms: whenever` does not say",
        ] {
            #expect(r.stdout.contains(expected), "missing \(expected) in\n\(r.stdout)")
        }
        #expect(r.stderr.contains("9 problems found"), "\(r.stderr)")
    }

    @Test func checkAppliesApprovesRulesToDrafts() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        #expect(try sandbox.duetrail(["draft"], in: dir).status == 0)
        let draft = dir + "/outbox/acme-gmbh/2026-11-30-statement.eml"
        var text = try String(contentsOfFile: draft, encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Subject:") }.joined(separator: "\n")
        text = text.replacingOccurrences(of: "<ap@acme-gmbh.example>", with: "<ap@acme-gmbh>")
        try text.write(toFile: draft, atomically: true, encoding: .utf8)
        let check = try sandbox.duetrail(["check"], in: dir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("2026-11-30-statement.eml:1: the draft has no `Subject:` header"), "\(check.stdout)")
        #expect(check.stdout.contains("in To is not an email address"), "\(check.stdout)")
        // The same verdict as approve.
        let approve = try sandbox.duetrail(["approve", "INV-1030"], in: dir)
        #expect(approve.status != 0 && approve.stderr.contains("no `Subject:` header"), "\(approve)")
    }

    @Test func checkReportsWhatAnUnfinishedGitMergeLeft() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        _ = try sandbox.git(["checkout", "-qb", "side"], in: dir)
        let template = dir + "/templates/courtesy.mustache"
        let original = try String(contentsOfFile: template, encoding: .utf8)
        try original.replacingOccurrences(of: "{{", with: "Side: {{", options: [], range: original.range(of: "{{")).write(toFile: template, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "side"], in: dir)
        _ = try sandbox.git(["checkout", "-q", "-"], in: dir)
        try original.replacingOccurrences(of: "{{", with: "Main: {{", options: [], range: original.range(of: "{{")).write(toFile: template, atomically: true, encoding: .utf8)
        _ = try sandbox.git(["commit", "-qam", "main"], in: dir)
        _ = try? sandbox.git(["merge", "side", "-m", "merge"], in: dir)
        let check = try sandbox.duetrail(["check"], in: dir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("templates/courtesy.mustache:") && check.stdout.contains("a git merge conflict marker"), "\(check.stdout)")
        #expect(check.stdout.contains("templates/courtesy.mustache: unmerged in git's index"), "\(check.stdout)")
    }
}
