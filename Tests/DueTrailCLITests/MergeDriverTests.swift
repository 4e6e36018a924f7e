import Foundation
import Testing
import TestSupport

/// Two teammates on one ledger through a bare remote, pulling with plain git: case files
/// merge by meaning through `duetrail merge-driver`.
@Suite struct MergeDriverTests {
    @Test func aPromiseAndAPaymentOnOneCaseInTwoClonesMergeWithPlainGitPull() throws {
        let sandbox = try Sandbox()
        let a = try sandbox.exampleLedger("a")
        let remote = sandbox.path("shared.git")
        #expect(try sandbox.git(["init", "-q", "--bare", remote]).status == 0)
        #expect(try sandbox.git(["remote", "add", "origin", remote], in: a).status == 0)
        #expect(try sandbox.git(["push", "-q", "origin", "HEAD:refs/heads/main"], in: a).status == 0)
        // Bo clones with plain git, then lets DueTrail set the clone up.
        let b = sandbox.path("b")
        #expect(try sandbox.git(["clone", "-q", "--branch", "main", remote, b]).status == 0)
        let setup = try sandbox.duetrail(["setup"], in: b)
        #expect(setup.status == 0 && setup.stdout.contains("merge.duetrail.driver set"), "\(setup)")
        #expect(try sandbox.git(["config", "--get", "merge.duetrail.driver"], in: b).stdout.contains("merge-driver %O %A %B %P"))

        // Ana records a promise and pushes; Bo records a payment on the same case.
        #expect(try sandbox.duetrail(["promise", "INV-1042", "--date", "2026-12-10"], in: a).status == 0)
        #expect(try sandbox.git(["push", "-q", "origin", "HEAD:refs/heads/main"], in: a).status == 0)
        var bo = sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example")
        bo["DUETRAIL_NOW"] = "2026-11-30T10:00:00Z"
        #expect(try ProcessResult.run(Binary.duetrail, ["pay", "INV-1042", "--amount", "150"], cwd: b, environment: bo).status == 0)
        let pull = try ProcessResult.run("/usr/bin/env", ["git", "pull", "--no-rebase", "--no-edit", "-q", "origin", "main"], cwd: b, environment: bo)
        #expect(pull.status == 0, "\(pull)")
        let merged = try String(contentsOfFile: b + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8)
        #expect(merged.contains("· promised · date: 2026-12-10 · by Ana Ruiz") && merged.contains("· payment · amount: 150.00 EUR · by Bo Chen"), "\(merged)")
        #expect(!merged.contains("<<<<<<<"))
        #expect(try sandbox.duetrail(["check"], in: b).status == 0)
        let show = try sandbox.duetrail(["show", "INV-1042"], in: b)
        #expect(show.stdout.contains("balance   EUR 7,000.00") && show.stdout.contains("promise   pay EUR 7,150.00 by 2026-12-10"), "\(show)")

        // A true conflict: the invoice amount changed two ways. The pull stops, says what, loses nothing.
        #expect(try ProcessResult.run("/usr/bin/env", ["git", "push", "-q", "origin", "HEAD:refs/heads/main"], cwd: b, environment: bo).status == 0)
        #expect(try sandbox.git(["pull", "--no-rebase", "--no-edit", "-q", "origin", "main"], in: a).status == 0)
        func setAmount(_ dir: String, _ value: String, _ env: [String: String]) throws {
            let path = dir + "/cases/acme-gmbh/inv-1042.md"
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "amount: 7150.00", with: "amount: \(value)")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            _ = try ProcessResult.run("/usr/bin/env", ["git", "commit", "-qam", "amount \(value)"], cwd: dir, environment: env)
        }
        try setAmount(a, "7200.00", sandbox.environment)
        #expect(try sandbox.git(["push", "-q", "origin", "HEAD:refs/heads/main"], in: a).status == 0)
        try setAmount(b, "7100.00", bo)
        let conflict = try ProcessResult.run("/usr/bin/env", ["git", "pull", "--no-rebase", "--no-edit", "origin", "main"], cwd: b, environment: bo)
        #expect(conflict.status != 0, "\(conflict)")
        #expect(conflict.stderr.contains("cases/acme-gmbh/inv-1042.md: amount changed on both sides: ours `7100.00 EUR`, theirs `7200.00 EUR`"), "\(conflict)")
        #expect(try String(contentsOfFile: b + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8).contains("amount: 7100.00"))
        #expect(try sandbox.git(["show", "MERGE_HEAD:cases/acme-gmbh/inv-1042.md"], in: b).stdout.contains("amount: 7200.00"))
    }

    /// `duetrail` found through PATH (as a person runs it), started from a folder that has
    /// nothing to do with the ledger: the driver git config names is the program itself, so a
    /// later plain `git pull` (with no `duetrail` on PATH at all) merges a case by meaning.
    @Test func aDuetrailFoundThroughPathRegistersItselfAndPlainGitPullMergesTwoNotes() throws {
        let sandbox = try Sandbox()
        let seed = try sandbox.exampleLedger("seed")
        let remote = sandbox.path("shared.git")
        #expect(try sandbox.git(["init", "-q", "--bare", remote]).status == 0)
        #expect(try sandbox.git(["push", "-q", remote, "HEAD:refs/heads/main"], in: seed).status == 0)
        let bin = sandbox.path("bin"), elsewhere = sandbox.path("elsewhere")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/duetrail", withDestinationPath: Binary.duetrail)
        var onPath = sandbox.environment
        onPath["PATH"] = bin + ":" + (onPath["PATH"] ?? "/usr/bin:/bin")
        func viaPath(_ args: [String], _ env: [String: String]? = nil) throws -> ProcessResult {
            try ProcessResult.run("duetrail", args, cwd: elsewhere, environment: env ?? onPath)
        }
        let program = URL(fileURLWithPath: Binary.duetrail).resolvingSymlinksInPath().path
        let expected = "'\(program)' merge-driver %O %A %B %P"
        let a = sandbox.path("a"), b = sandbox.path("b"), fresh = sandbox.path("fresh")
        #expect(try viaPath(["clone", remote, a]).status == 0)
        #expect(try viaPath(["clone", remote, b]).status == 0)
        let initialised = try viaPath(["init", fresh, "--company", "Fresh Ltd"])
        #expect(initialised.status == 0, "\(initialised)")
        for dir in [a, b, fresh] {
            let driver = try sandbox.git(["config", "--get", "merge.duetrail.driver"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(driver == expected, "\(dir): \(driver)")
            #expect(!driver.contains(elsewhere))
        }

        // A clone whose driver points at a program that is gone: setup repairs it.
        #expect(try sandbox.git(["config", "merge.duetrail.driver", "'\(elsewhere)/duetrail' merge-driver %O %A %B %P"], in: b).status == 0)
        let repaired = try viaPath(["setup", "--ledger", b])
        #expect(repaired.status == 0 && repaired.stdout.contains("merge.duetrail.driver repaired") && repaired.stdout.contains("now \(expected)"), "\(repaired)")
        #expect(try sandbox.git(["config", "--get", "merge.duetrail.driver"], in: b).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)

        // Two notes on one case, one in each clone; Bo pulls with plain git, `duetrail` not on PATH.
        #expect(try viaPath(["note", "INV-1042", "Ana called: paying Friday", "--ledger", a]).status == 0)
        #expect(try sandbox.git(["push", "-q", "origin", "HEAD:refs/heads/main"], in: a).status == 0)
        var bo = sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example")
        bo["DUETRAIL_NOW"] = "2026-11-30T10:00:00Z"
        var boOnPath = bo
        boOnPath["PATH"] = onPath["PATH"]
        #expect(try viaPath(["note", "INV-1042", "Bo: remittance expected", "--ledger", b], boOnPath).status == 0)
        let pull = try ProcessResult.run("/usr/bin/env", ["git", "pull", "--no-rebase", "--no-edit", "origin", "main"], cwd: b, environment: bo)
        #expect(pull.status == 0 && !pull.stdout.contains("CONFLICT"), "\(pull)")
        let merged = try String(contentsOfFile: b + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8)
        #expect(merged.contains("Ana called: paying Friday") && merged.contains("Bo: remittance expected") && !merged.contains("<<<<<<<"), "\(merged)")
        #expect(try sandbox.git(["log", "-1", "--format=%P"], in: b).stdout.split(separator: " ").count == 2, "a merge commit joins both")
        #expect(try sandbox.duetrail(["check"], in: b).status == 0)
    }
}
