import Foundation
import Testing
import TestSupport

/// Templates that once crashed (600 nested sections: a stack overflow in the Mustache parser)
/// or never finished (100,000 tags, `{{#invoices}}` nested 8 deep) are refused by `check`,
/// `cadence check` and `draft`, quickly and with the file and line.
@Suite struct HostileTemplateTests {
    let sandbox: Sandbox
    let dir: String

    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    /// `body` as every template of the ledger (so whichever step is due uses it), committed.
    func everyTemplate(_ body: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/templates") where name.hasSuffix(".mustache") {
            try Data(("Subject: Your invoices\n\n" + body).utf8).write(to: URL(fileURLWithPath: dir + "/templates/" + name))
        }
        try sandbox.git(["commit", "-qam", "hostile templates"], in: dir)
    }

    /// Runs `duetrail`, killed after `seconds` (exit 137) so a hang fails the test instead of the run.
    func run(_ args: [String], within seconds: Int = 20) throws -> (result: ProcessResult, seconds: Double) {
        let started = Date()
        let r = try ProcessResult.run("/usr/bin/timeout", ["--signal=KILL", String(seconds), Binary.duetrail] + args, cwd: dir, environment: sandbox.environment)
        return (r, Date().timeIntervalSince(started))
    }

    @Test func sixHundredNestedSectionsAreACheckErrorEverywhere() throws {
        try everyTemplate(String(repeating: "{{#plural}}\n", count: 600) + "x\n" + String(repeating: "{{/plural}}\n", count: 600))
        let check = try run(["check"]).result
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("templates/nudge.mustache:11: sections nested more than 8 deep"), "\(check)")
        let cadence = try run(["cadence", "check"]).result
        #expect(cadence.status == 1 && cadence.stdout.contains("templates/firm.mustache:11: sections nested more than 8 deep"), "\(cadence)")
        let draft = try run(["draft"]).result
        #expect(draft.status == 2, "\(draft)")
        #expect((draft.stdout + draft.stderr).contains("nested more than 8 deep"), "\(draft)")
        let drafted = ((try? FileManager.default.subpathsOfDirectory(atPath: dir + "/outbox")) ?? []).filter { $0.hasSuffix(".eml") }
        #expect(drafted.isEmpty, "\(drafted)")
    }

    @Test func aHundredThousandTagsAreRefusedQuickly() throws {
        try everyTemplate(String(repeating: "{{company}}\n", count: 100_000))
        let (check, seconds) = try run(["check"])
        #expect(check.status == 1 && check.stdout.contains("templates/nudge.mustache:") && check.stdout.contains("a template may be at most 64 KiB"), "\(check)")
        #expect(seconds < 10, "check took \(seconds) s")
        // Under the size limit, over the tag limit: the line of the first tag too many.
        try everyTemplate(String(repeating: "{{company}}\n", count: 3_000))
        let tags = try run(["check"]).result
        #expect(tags.stdout.contains("templates/nudge.mustache:2003: more than 2000 tags"), "\(tags)")
    }

    @Test func invoicesNestedInInvoicesAreRefusedQuickly() throws {
        try everyTemplate(String(repeating: "{{#invoices}}\n", count: 8) + "{{number}}\n" + String(repeating: "{{/invoices}}\n", count: 8))
        let (check, seconds) = try run(["check"])
        #expect(check.stdout.contains("templates/nudge.mustache:4: `{{#invoices}}` inside `{{#invoices}}` (line 3)"), "\(check)")
        let (draft, draftSeconds) = try run(["draft"])
        #expect(draft.status == 2 && (draft.stdout + draft.stderr).contains("a list cannot be nested in a list"), "\(draft)")
        #expect(seconds + draftSeconds < 15, "check \(seconds) s, draft \(draftSeconds) s")
    }
}
