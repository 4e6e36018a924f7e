import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    /// The branch drafts are sent from: `main`, or `master` in a ledger that has no `main`.
    package func mainBranch() throws(LedgerError) -> String {
        do {
            if try repository.resolve(reference: "refs/heads/main") != nil { return "refs/heads/main" }
            if try repository.resolve(reference: "refs/heads/master") != nil { return "refs/heads/master" }
        } catch {
            throw error.context("reading branches")
        }
        return "refs/heads/main"
    }

    /// Commits the review drafts of `run` to a new branch `name` on top of the current tip,
    /// instead of leaving them in the working tree: the team pushes the branch and reviews it
    /// as a pull request on any git host. Merging it into the main branch is the approval
    /// (the merger is the approver). The drafts leave the working tree; nothing else changes.
    package func proposeOnBranch(_ run: DraftRun, name: String) throws(LedgerError) -> CommitOutcome? {
        guard !run.forReview.isEmpty else { return nil }
        try checkReviewBranch(name)
        let ref = "refs/heads/" + name
        let repo = repository
        let identity = try identity()
        do {
            guard let base = try repo.resolve(reference: try branch()) else { throw LedgerError.notALedger(root) }
            let baseTree = try repo.commit(base).tree
            var updates: [TreeUpdate] = []
            for drafted in run.forReview {
                updates.append(.upsert(path: drafted.path, blob: try repo.writeBlob(drafted.text)))
            }
            let tree = try repo.makeTree(base: baseTree, updates: updates)
            var change = ChangeSet(
                subject: "draft: \(run.forReview.count) reminder\(run.forReview.count == 1 ? "" : "s") for review on \(name)",
                body: "Merging this branch into the main branch approves these drafts exactly as they stand.\n\n"
                    + run.forReview.map { "\($0.path): \($0.draft.caseNumbers.joined(separator: ", "))" }.joined(separator: "\n"),
                trailers: [.action(.draft), Trailer(.reviewBranch, name)])
            change.trailers += run.forReview.flatMap { d in d.draft.caseNumbers.map { .caseNumber($0) } }
            let signature = signature(identity)
            let commit = try repo.writeCommit(tree: tree, parents: [base], author: signature, committer: signature, message: change.message)
            try repo.updateReference(ref, to: commit, expected: nil, message: "draft: review branch \(name)")
            // The drafts now live on the branch; the copies draft just wrote go.
            for drafted in run.forReview { unlink(root + "/" + drafted.path) }
            return CommitOutcome(commit: commit, paths: run.forReview.map(\.path), attempts: 1)
        } catch let error as GitError {
            throw error.context("committing drafts to \(name)")
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.internalFailure("\(error)")
        }
    }

    /// Refuses a review branch name that is malformed or taken, before anything is drafted.
    package func checkReviewBranch(_ name: String) throws(LedgerError) {
        let ref = "refs/heads/" + name
        guard Repository.isValidReferenceName(ref), !name.hasPrefix("-") else {
            throw LedgerError.badRequest("`\(name)` is not a valid branch name (see git check-ref-format)")
        }
        let exists: Bool
        do { exists = try repository.resolve(reference: ref) != nil } catch { throw error.context("reading \(ref)") }
        if exists { throw LedgerError.conflict("branch \(name) already exists; choose another name, or delete it (git branch -D \(name)) first") }
    }

    /// Drafts waiting on review branches not merged yet (`draft --branch`): the cadence
    /// counts them as awaiting review, so drafting again on main does not write them twice.
    func draftsOnReviewBranches(head: ObjectID, known: Set<String>) throws(LedgerError) -> [OutboxDraft] {
        try reviewProposals(head: head, known: known).flatMap(\.drafts)
    }

    /// The review branches not merged into the current branch and the drafts each proposes:
    /// local branches, and branches only on a remote (`origin/reminders-1211` after a fetch,
    /// named so), a draft counted once (a local branch first).
    package func pendingReviewBranches() throws(LedgerError) -> [(branch: String, drafts: [OutboxDraft])] {
        guard !repository.isBare, let head = try branchTip() else { return [] }
        return try reviewProposals(head: head, known: [])
    }

    private func reviewProposals(head: ObjectID, known: Set<String>) throws(LedgerError) -> [(branch: String, drafts: [OutboxDraft])] {
        var out: [(branch: String, drafts: [OutboxDraft])] = []
        var known = known
        let repo = repository
        do {
            let current = try branch()
            let currentShort = current.replacingOccurrences(of: "refs/heads/", with: "")
            let locals = try repo.localBranches()
            let localTips = Set(locals.map(\.tip))
            // A remote's copy of the current branch is the team's main line, not a proposal;
            // one whose tip a local branch has is that branch.
            let remotes = try repo.remoteBranches().filter { r in
                !r.name.hasSuffix("/" + currentShort) && !localTips.contains(r.tip)
            }
            var headTree: ObjectID?
            for (name, tip) in locals.filter({ $0.name != current }) + remotes {
                guard try !repo.isAncestor(tip, of: head), let base = try repo.mergeBase(head, tip) else { continue }
                let shown = name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count))
                    : name.hasPrefix("refs/remotes/") ? String(name.dropFirst("refs/remotes/".count)) : name
                var drafts: [OutboxDraft] = []
                let proposal = try repo.commit(tip)
                guard !TrailerLines(proposal.message).values(.reviewBranch).isEmpty else { continue }
                let changes = try repo.changedFiles(from: try repo.commit(base).tree, to: proposal.tree)
                if headTree == nil { headTree = try repo.commit(head).tree }
                for (path, blob) in changes.sorted(by: { $0.key < $1.key }) where path.hasPrefix(Self.outboxFolder + "/") && !known.contains(path) {
                    guard let blob, let headTree, try !Self.alreadySent(path, in: headTree, repo) else { continue }
                    let text = String(decoding: try repo.readBlob(blob), as: UTF8.self)
                    guard let headers = try? DraftHeaders.parse(text, path: path), let pending = try? headers.pending(path: path, approved: false) else { continue }
                    drafts.append(OutboxDraft(pending: pending, committed: nil, working: text, workingDiffers: true, workingIsUTF8: true))
                    known.insert(path)
                }
                if !drafts.isEmpty { out.append((shown, drafts)) }
            }
        } catch let error as GitError {
            throw error.context("reading review branches")
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.internalFailure("reading review branches: \(error)")
        }
        return out
    }

    /// Whether the main line already holds `outbox/<customer>/<YYYY-MM-DD-step>.eml` as sent
    /// (`sent/YYYY/MM/<customer>/…`): a review branch merged by squash leaves its tip behind.
    static func alreadySent(_ path: String, in tree: ObjectID, _ repo: Repository) throws(GitError) -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count == 3, parts[2].count > 10 else { return false }
        let file = parts[2]
        let sent = "sent/\(file.prefix(4))/\(file.dropFirst(5).prefix(2))/\(parts[1])/\(file)"
        return try repo.entry(at: sent, inTree: tree) != nil
    }

    /// `send` sends only what the main branch holds: drafts on a review branch are proposals.
    func requireMainBranch() throws(LedgerError) {
        let current = try branch()
        let main = try mainBranch()
        guard current == main else {
            let short = { (r: String) in r.replacingOccurrences(of: "refs/heads/", with: "") }
            throw LedgerError.conflict("send sends only drafts approved on \(short(main)); this clone is on \(short(current)). Switch (git switch \(short(main))) and send from there; drafts on a review branch are sent once it is merged")
        }
    }
}
