import Foundation
import Testing
import TestSupport

/// `history CASE`: the trail of a case from git history, the tool's commits and plain git's.
@Suite struct HistoryTests {
    @Test func theTrailShowsEachCommitWithWhoWhenAndTheEventsItAddedOrRemoved() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.exampleLedger()
        func run(_ args: [String]) throws -> ProcessResult { try sandbox.duetrail(args, in: dir) }
        #expect(try run(["note", "INV-1042", "Called Jonas"]).status == 0)
        #expect(try run(["promise", "INV-1042", "--date", "2026-12-10"]).status == 0)
        // A teammate edits the file with plain git: adds a line, and deletes the note.
        let path = dir + "/cases/acme-gmbh/inv-1042.md"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(" · note · Called Jonas") }.joined(separator: "\n")
        try (text + "- 2026-11-30 · contact · via: email-in · asked for a copy · by Bo Chen\n").write(toFile: path, atomically: true, encoding: .utf8)
        var env = sandbox.environment
        env["GIT_AUTHOR_NAME"] = "Bo Chen"
        env["GIT_AUTHOR_EMAIL"] = "bo@northwind-studio.example"
        env["GIT_AUTHOR_DATE"] = "2026-11-30T10:15:00Z"
        env["GIT_COMMITTER_DATE"] = "2026-11-30T10:15:00Z"
        _ = try ProcessResult.run("/usr/bin/env", ["git", "commit", "-qam", "tidy up"], cwd: dir, environment: env)
        let later = ["DUETRAIL_NOW": "2026-11-30T11:00:00Z"]
        #expect(try sandbox.duetrail(["note", "INV-1093", "other case"], in: dir, extraEnvironment: later).status == 0)  // not in INV-1042's history

        let r = try run(["history", "INV-1042"])
        #expect(r.status == 0, "\(r)")
        let blocks = r.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 5, "\(r.stdout)")  // heading + 4 commits
        #expect(blocks[0] == "History of INV-1042 (cases/acme-gmbh/inv-1042.md), newest first")
        #expect(blocks[1].contains("Bo Chen <bo@northwind-studio.example>  (plain git)\n  tidy up\n"), "\(blocks[1])")
        #expect(blocks[1].contains("  + 2026-11-30 · contact · via: email-in · asked for a copy · by Bo Chen"))
        #expect(blocks[1].contains("  - REMOVED: 2026-11-30 09:00 · note · Called Jonas · by Ana Ruiz"))
        #expect(blocks[2].contains("Ana Ruiz <ana@northwind-studio.example>\n  promise: INV-1042 by 2026-12-10\n  + 2026-11-30 09:00 · promised · date: 2026-12-10 · by Ana Ruiz"), "\(blocks[2])")
        #expect(blocks[3].contains("  note: INV-1042\n  + 2026-11-30 09:00 · note · Called Jonas · by Ana Ruiz"))
        #expect(blocks[4].contains("  import: 28 invoices from open-invoices.csv (25 new, 0 updated)\n  * file created\n  + 2026-11-30 09:00 · opened · balance: 7150.00 EUR"))
        // Each commit id is the real one.
        let ids = try sandbox.git(["log", "--format=%h", "--", "cases/acme-gmbh/inv-1042.md"], in: dir).stdout.split(separator: "\n")
        #expect(ids.count == 4)
        for (block, id) in zip(blocks.dropFirst(), ids) { #expect(block.hasPrefix(String(id.prefix(8)))) }
        #expect(try run(["history", "INV-0000"]).stderr.contains("no case for `INV-0000`"))
    }
}
