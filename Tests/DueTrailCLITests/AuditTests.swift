import Foundation
import Testing
import TestSupport

/// Review on a branch (merging is the approval), `send` only from main, and `audit` catching
/// what plain git can do behind the tool's back.
@Suite struct AuditTests {
    private func short(_ sandbox: Sandbox, _ rev: String, in dir: String) throws -> String {
        String(try sandbox.git(["rev-parse", rev], in: dir).stdout.prefix(8))
    }

    @Test func draftsReviewedOnABranchAreApprovedByTheMergeAndSentOnlyFromMain() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let drafted = try sandbox.duetrail(["draft", "--branch", "reminders-1130"], in: ledger)
        #expect(drafted.status == 0 && drafted.stdout.contains("for review on branch reminders-1130 (2026-11-30)"), "\(drafted)")
        #expect(drafted.stdout.contains("Next: `git push origin reminders-1130`"), "\(drafted)")
        // The review drafts live on the branch, not in the working tree.
        let proposed = try sandbox.git(["diff", "--name-only", "main", "reminders-1130"], in: ledger).stdout.split(separator: "\n")
        #expect(proposed.count >= 3 && proposed.allSatisfy { $0.hasPrefix("outbox/") }, "\(proposed)")
        #expect(try sandbox.git(["status", "--porcelain"], in: ledger).stdout.isEmpty)
        // Drafting again on main leaves what waits on the branch alone.
        let again = try sandbox.duetrail(["draft"], in: ledger)
        #expect(again.status == 0 && again.stdout.contains("Nothing new to draft today"), "\(again)")
        let queue = try sandbox.duetrail(["queue", "--all"], in: ledger)
        #expect(queue.stdout.contains("draft awaiting review"), "\(queue)")
        // A taken or malformed name is refused before anything is drafted.
        let taken = try sandbox.duetrail(["draft", "--branch", "reminders-1130"], in: ledger)
        #expect(taken.status == 1 && taken.stderr.contains("branch reminders-1130 already exists"), "\(taken)")
        let malformed = try sandbox.duetrail(["draft", "--branch", "bad..name"], in: ledger)
        #expect(malformed.status == 1 && malformed.stderr.contains("`bad..name` is not a valid branch name"), "\(malformed)")
        #expect(try sandbox.git(["status", "--porcelain"], in: ledger).stdout.isEmpty)

        // A proposal is not an approval: send refuses to run off main.
        #expect(try sandbox.git(["switch", "-q", "reminders-1130"], in: ledger).status == 0)
        let refused = try sandbox.duetrail(["send"], in: ledger)
        #expect(refused.status == 1 && refused.stderr.contains("send sends only drafts approved on main; this clone is on reminders-1130"), "\(refused)")
        #expect(try sandbox.git(["switch", "-q", "main"], in: ledger).status == 0)

        // Bo merges the branch: that is the approval.
        let bo = sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example")
        let merged = try ProcessResult.run("/usr/bin/env", ["git", "merge", "--no-ff", "-q", "-m", "Approve reminders of 30 November", "reminders-1130"], cwd: ledger, environment: bo)
        #expect(merged.status == 0, "\(merged)")
        let mergeCommit = try short(sandbox, "HEAD", in: ledger)
        let sent = try sandbox.duetrail(["send"], in: ledger)
        #expect(sent.status == 0, "\(sent)")
        let audit = try sandbox.duetrail(["audit", "--verbose"], in: ledger)
        #expect(audit.status == 0, "\(audit)")
        for path in proposed {
            let file = (path as NSString).lastPathComponent
            let customer = path.split(separator: "/")[1]
            #expect(audit.stdout.contains("sent/2026/11/\(customer)/\(file): approved by Bo Chen <bo@northwind-studio.example> in \(mergeCommit)"), "\(audit)")
        }
        #expect(audit.stdout.contains("No violations. Recorded"), "\(audit)")
        #expect(try sandbox.git(["rev-parse", "refs/duetrail/audited"], in: ledger).stdout == sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout)
    }

    @Test func auditCatchesAutomationApprovalEditedEventsForgedSendsAndRewrittenHistory() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        try (try String(contentsOfFile: ledger + "/duetrail.yaml", encoding: .utf8) + "automation: bot@northwind-studio.example\n")
            .write(toFile: ledger + "/duetrail.yaml", atomically: true, encoding: .utf8)
        #expect(try sandbox.git(["commit", "-qam", "the nightly job commits as bot@"], in: ledger).status == 0)
        let clean = try sandbox.duetrail(["audit"], in: ledger)
        #expect(clean.status == 0 && clean.stdout.contains("No violations. Recorded"), "\(clean)")
        let again = try sandbox.duetrail(["audit"], in: ledger)
        #expect(again.stdout.contains("Checked 0 commits since"), "\(again)")

        // History rewritten with plain git after the audit.
        #expect(try sandbox.git(["commit", "-q", "--amend", "-m", "reworded"], in: ledger).status == 0)
        // An event edited by hand, a message claimed as sent that nobody approved.
        let casePath = ledger + "/cases/acme-gmbh/inv-1042.md"
        let text = try String(contentsOfFile: casePath, encoding: .utf8)
        try text.replacingOccurrences(of: "balance: 7150.00 EUR", with: "balance: 1.00 EUR").write(toFile: casePath, atomically: true, encoding: .utf8)
        #expect(try sandbox.git(["commit", "-qam", "tidy"], in: ledger).status == 0)
        let altered = try short(sandbox, "HEAD", in: ledger)
        try sandbox.write("ledger/sent/2026/11/acme-gmbh/2026-11-30-forged.eml", "From: a@b.example\nTo: ap@acme-gmbh.example\nSubject: pay\n\nPay now.\n")
        #expect(try sandbox.git(["add", "sent"], in: ledger).status == 0)
        #expect(try sandbox.git(["commit", "-qm", "sent by hand"], in: ledger).status == 0)
        let forged = try short(sandbox, "HEAD", in: ledger)
        // The automation identity approves and sends review drafts itself.
        let bot = sandbox.environment(actingAs: "Nightly", email: "bot@northwind-studio.example")
        #expect(try ProcessResult.run(Binary.duetrail, ["draft"], cwd: ledger, environment: bot).status == 0)
        #expect(try ProcessResult.run(Binary.duetrail, ["approve", "INV-1093"], cwd: ledger, environment: bot).status == 0)
        let approval = try short(sandbox, "HEAD", in: ledger)
        #expect(try ProcessResult.run(Binary.duetrail, ["send"], cwd: ledger, environment: bot).status == 0)

        let audit = try sandbox.duetrail(["audit"], in: ledger)
        // Four violations, and not the reminders the committed auto policy approved and the bot sent.
        #expect(audit.status == 4 && audit.stderr.contains("error: 4 violations:"), "\(audit)")
        #expect(audit.stderr.contains("[history-rewritten]") && audit.stderr.contains("is no longer in the history of HEAD"), "\(audit)")
        #expect(audit.stderr.contains("[event-altered] \(altered) cases/acme-gmbh/inv-1042.md: event #"), "\(audit)")
        #expect(audit.stderr.contains("was altered (by Ana Ruiz)"), "\(audit)")
        #expect(audit.stderr.contains("[sent-without-approval] \(forged) sent/2026/11/acme-gmbh/2026-11-30-forged.eml: recorded as sent (by Ana Ruiz), but no approved draft"), "\(audit)")
        #expect(audit.stderr.contains("[approved-by-automation]") && audit.stderr.contains("was approved in \(approval) by the automation identity bot@northwind-studio.example"), "\(audit)")
        // A failed audit does not move the mark.
        #expect(try sandbox.git(["rev-parse", "refs/duetrail/audited"], in: ledger).stdout != sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout)
        let json = try sandbox.duetrail(["audit", "--json", "--no-record"], in: ledger)
        #expect(json.status == 4 && json.stdout.contains("\"kind\" : \"event-altered\""), "\(json)")
    }

    @Test func aReviewBranchFastForwardedIntoMainIsNotAnApprovalAndIsNotSent() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        #expect(try sandbox.duetrail(["draft", "--branch", "review"], in: ledger).status == 0)
        #expect(try sandbox.git(["merge", "-q", "--ff-only", "review"], in: ledger).status == 0)
        let send = try sandbox.duetrail(["send", "--json"], in: ledger)
        #expect(send.stdout.contains("reached the main branch without a merge commit"), "\(send)")
        #expect(!send.stdout.contains("outbox/acme-gmbh/2026-11-30-nudge.eml\" : \"sent"), "\(send)")
        #expect(try sandbox.git(["ls-files", "sent/2026/11/acme-gmbh"], in: ledger).stdout.isEmpty)
        // Auditing a review branch does not touch main's mark.
        #expect(try sandbox.duetrail(["audit"], in: ledger).status == 0)
        let mark = try sandbox.git(["rev-parse", "refs/duetrail/audited"], in: ledger).stdout
        #expect(try sandbox.git(["switch", "-q", "-c", "other"], in: ledger).status == 0)
        #expect(try sandbox.duetrail(["note", "INV-1042", "on another branch"], in: ledger).status == 0)
        #expect(try sandbox.duetrail(["audit"], in: ledger).status == 0)
        #expect(try sandbox.git(["rev-parse", "refs/duetrail/audited"], in: ledger).stdout == mark)
    }
}
