import Foundation
import Testing
import TestSupport

/// Review branches as a team meets them: one a teammate pushed (only `origin/…` here after a
/// fetch) waits for review like a local one, and drafts that reached main by a fast-forward
/// (no merge, so no approval) can be approved again with `approve`.
@Suite struct ReviewBranchTests {
    private func head(_ sandbox: Sandbox, _ dir: String) throws -> String {
        try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aReviewBranchOnlyOnTheRemoteCountsAsAwaitingReview() throws {
        let sandbox = try Sandbox()
        let seed = try sandbox.exampleLedger("seed")
        let remote = sandbox.path("shared.git")
        #expect(try sandbox.git(["init", "-q", "--bare", remote]).status == 0)
        #expect(try sandbox.git(["push", "-q", remote, "HEAD:refs/heads/main"], in: seed).status == 0)
        let a = sandbox.path("a"), b = sandbox.path("b")
        #expect(try sandbox.duetrail(["clone", remote, a]).status == 0)
        #expect(try sandbox.duetrail(["clone", remote, b]).status == 0)
        let drafted = try sandbox.duetrail(["draft", "--branch", "reminders-1211"], in: a)
        #expect(drafted.status == 0 && drafted.stdout.contains("for review on branch reminders-1211"), "\(drafted)")
        #expect(try sandbox.git(["push", "-q", "origin", "reminders-1211"], in: a).status == 0)

        // Bo fetches: the branch is origin/reminders-1211 only.
        #expect(try sandbox.git(["fetch", "-q", "origin"], in: b).status == 0)
        #expect(try sandbox.git(["branch", "--list", "reminders-1211"], in: b).stdout.isEmpty)
        let queue = try sandbox.duetrail(["queue", "--all"], in: b)
        #expect(queue.status == 0 && queue.stdout.contains("draft awaiting review"), "\(queue)")
        let again = try sandbox.duetrail(["draft"], in: b)
        #expect(again.status == 0 && again.stdout.contains("Nothing new to draft today"), "\(again)")
        #expect(try sandbox.git(["status", "--porcelain"], in: b).stdout.isEmpty, "nothing drafted twice")
        let review = try sandbox.duetrail(["review"], in: b)
        #expect(review.status == 0 && review.stdout.contains("await review on branch origin/reminders-1211"), "\(review)")
        #expect(review.stdout.contains("git diff main...origin/reminders-1211") && review.stdout.contains("git merge --no-ff origin/reminders-1211"), "\(review)")
        let approve = try sandbox.duetrail(["approve", "--all"], in: b)
        #expect(approve.stdout.contains("await review on branch origin/reminders-1211"), "\(approve)")
        let named = try sandbox.duetrail(["approve", "INV-1042"], in: b)
        #expect(named.status == 1 && named.stderr.contains("review branch origin/reminders-1211 proposes drafts for them: merging it with a merge commit approves them"), "\(named)")

        // Merged (with a merge commit) into main, they are approved and nothing waits.
        #expect(try sandbox.git(["merge", "-q", "--no-ff", "-m", "approve reminders", "origin/reminders-1211"], in: b).status == 0)
        let after = try sandbox.duetrail(["review"], in: b)
        #expect(after.stdout.contains("No drafts awaiting review.") && !after.stdout.contains("origin/reminders-1211"), "\(after)")
    }

    @Test func draftsFastForwardedFromAReviewBranchCanBeApprovedAgain() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        #expect(try sandbox.duetrail(["draft", "--branch", "review"], in: ledger).status == 0)
        #expect(try sandbox.git(["merge", "-q", "--ff-only", "review"], in: ledger).status == 0)
        // Not approved: send will not send them, and the queue does not call them approved.
        let refused = try sandbox.duetrail(["send"], in: ledger)
        #expect(refused.stdout.contains("reached the main branch without a merge commit") || refused.stderr.contains("reached the main branch without a merge commit"), "\(refused)")
        let proposal = try head(sandbox, ledger)  // after send sent what a policy approved
        let queue = try sandbox.duetrail(["queue", "--all"], in: ledger)
        #expect(!queue.stdout.contains("approved, not sent") && queue.stdout.contains("draft awaiting review"), "\(queue)")
        let review = try sandbox.duetrail(["review"], in: ledger)
        #expect(review.stdout.contains("reached main from a review branch without a merge") && review.stdout.contains("duetrail approve"), "\(review)")

        // `approve` records a fresh approval, by the person who runs it.
        let bo = sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example")
        let approved = try ProcessResult.run(Binary.duetrail, ["approve", "acme-gmbh"], cwd: ledger, environment: bo)
        #expect(approved.status == 0 && approved.stdout.contains("Approved 1 draft in commit"), "\(approved)")
        let all = try ProcessResult.run(Binary.duetrail, ["approve", "--all"], cwd: ledger, environment: bo)
        #expect(all.status == 0 && all.stdout.contains("Approved"), "\(all)")
        let log = try sandbox.git(["log", "-2", "--format=%an|%(trailers:key=DueTrail-Action,valueonly)"], in: ledger).stdout
        #expect(log.components(separatedBy: "Bo Chen|approve").count == 3, "\(log)")
        #expect(try sandbox.git(["diff", "--stat", proposal, "HEAD"], in: ledger).stdout.isEmpty, "the approval changes no bytes")
        let nothing = try sandbox.duetrail(["approve", "--all"], in: ledger)
        #expect(nothing.stdout.contains("Nothing to approve"), "\(nothing)")

        let sent = try sandbox.duetrail(["send"], in: ledger)
        #expect(sent.status == 0 && !sent.stdout.contains("without a merge commit") && !sent.stderr.contains("without a merge commit"), "\(sent)")
        #expect(try !sandbox.git(["ls-files", "sent/2026/11/acme-gmbh"], in: ledger).stdout.isEmpty)
        let audit = try sandbox.duetrail(["audit", "--verbose"], in: ledger)
        #expect(audit.status == 0 && audit.stdout.contains("approved by Bo Chen <bo@northwind-studio.example>") && audit.stdout.contains("No violations."), "\(audit)")
    }
}
