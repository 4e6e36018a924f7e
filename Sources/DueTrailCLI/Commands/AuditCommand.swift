import ArgumentParser
import DueTrailLedger
import Foundation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify the history: every sent message approved before sending, no event removed or altered, no history rewritten.",
        discussion: """
            Walks the current branch's commits since the last passed audit (kept in \
            refs/duetrail/audited), or since REV, or from the start with --all, and checks:

              - every message recorded as sent is exactly the draft approved before it, \
            approved by a person other than the automation identity (`automation:` in \
            duetrail.yaml), by a merge of a review branch, or by an `auto` policy committed \
            before the draft;
              - no timeline event was later removed or altered, and no case file deleted;
              - the last audited commit is still in the history (nothing was rewritten).

            Each violation names the commit, the case or message, and what is wrong. A clean \
            audit moves refs/duetrail/audited to HEAD. Exit status: 0 clean, 1 error, 4 violations.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("Check only commits after this one (a commit id, tag, HEAD~N…).", valueName: "rev"))
    var since: String?

    @Flag(help: "Check the whole history, not only what came since the last audit.")
    var all = false

    @Flag(help: "Do not move refs/duetrail/audited, even when the audit passes.")
    var noRecord = false

    @Flag(help: "List every sent message with who approved it.")
    var verbose = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if all && since != nil { throw ValidationError("--all and --since exclude each other") }
    }

    func run() throws {
        let ledger = try options.open()
        let report = try guarded { try ledger.audit(since: all ? "" : since, record: !noRecord) }
        if json {
            struct Violation: Encodable { let kind, commit, path, message: String }
            struct Approval: Encodable { let sent, approver, commit: String }
            struct Out: Encodable {
                let head, since: String?
                let commitsChecked, sentChecked: Int
                let recorded: Bool
                let violations: [Violation]
                let approvals: [Approval]
            }
            Terminal.print(JSON.render(Out(
                head: report.head?.hex, since: report.since?.hex, commitsChecked: report.commitsChecked, sentChecked: report.sentChecked,
                recorded: report.recorded,
                violations: report.violations.map { Violation(kind: $0.kind.rawValue, commit: $0.commit.hex, path: $0.path, message: $0.message) },
                approvals: report.approvals.map { Approval(sent: $0.sent, approver: $0.approver, commit: $0.commit.hex) })))
        } else {
            let range = report.since.map { "since \($0.short)" } ?? "from the first commit"
            Terminal.print("Checked \(report.commitsChecked) commit\(report.commitsChecked == 1 ? "" : "s") \(range) to \(report.head?.short ?? "(none)"); \(report.sentChecked) sent message\(report.sentChecked == 1 ? "" : "s").")
            if verbose {
                for a in report.approvals { Terminal.print("  \(a.sent): approved by \(a.approver) in \(a.commit.short)") }
            }
            if report.violations.isEmpty {
                Terminal.print(report.recorded ? "No violations. Recorded \(report.head?.short ?? "") in \(Ledger.auditedRef)." : "No violations.")
            } else {
                Terminal.error("\(report.violations.count) violation\(report.violations.count == 1 ? "" : "s"):")
                for v in report.violations { Terminal.note("  [\(v.kind.rawValue)] \(v.description)") }
            }
        }
        if !report.violations.isEmpty { throw ExitCode(4) }
    }
}
