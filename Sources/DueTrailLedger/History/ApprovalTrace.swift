import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    /// The commit that approved `blob` at `path`, searching back from `tip`: the commit on
    /// the first-parent line where it arrived. When it arrived through a merge, the approval
    /// is the one on the merged side (a teammate's, brought by `sync`), unless that side only
    /// proposed it on a review branch: then the merge is the approval.
    func approvalCommit(path: String, blob: ObjectID, from tip: ObjectID) throws(GitError) -> ObjectID? {
        let repo = repository
        var boundary: CommitInfo?
        var cursor: ObjectID? = tip
        while let id = cursor {
            let info = try repo.commit(id)
            guard try repo.entry(at: path, inTree: info.tree)?.id == blob else { break }
            // `approve` of these very bytes (a draft that reached the main line unapproved,
            // approved again without a change): that commit is the approval.
            if Self.approvedDrafts(info.message).contains(path) { return info.id }
            boundary = info
            cursor = info.parents.first
        }
        guard let boundary else { return nil }
        for second in boundary.parents.dropFirst() where try repo.entry(at: path, inTree: try repo.commit(second).tree)?.id == blob {
            guard let inner = try approvalCommit(path: path, blob: blob, from: second) else { return boundary.id }
            let innerInfo = try repo.commit(inner)
            return TrailerLines(innerInfo.message).values(.reviewBranch).isEmpty ? inner : boundary.id
        }
        return boundary.id
    }

    /// Which of the committed drafts at `paths` must not be sent although HEAD holds them, and
    /// why: each reached the main line as a review-branch proposal without a merge commit (a
    /// fast-forward or a rebase), so no one approved it. One walk down the first-parent line
    /// for all drafts, comparing only the `outbox/` trees, until every draft's arrival is found:
    /// `send` asks this on every batch.
    func unapprovedProposals(_ paths: [String], head: ObjectID) -> [String: String] {
        let repo = repository
        var out: [String: String] = [:]
        do throws(GitError) {
            let headTree = try repo.commit(head).tree
            var pending: [String: ObjectID] = [:]
            for path in paths { if let blob = try repo.entry(at: path, inTree: headTree)?.id { pending[path] = blob } }
            var cursor: ObjectID? = head
            while !pending.isEmpty, let id = cursor {
                let info = try repo.commit(id)
                // Approved again since it arrived (`approve` of the same bytes): it may go.
                for path in Self.approvedDrafts(info.message) where pending[path] != nil {
                    if try repo.entry(at: path, inTree: info.tree)?.id == pending[path] { pending[path] = nil }
                }
                let parentTree = try info.parents.first.map { (p: ObjectID) throws(GitError) in try repo.commit(p).tree }
                let before = try parentTree.flatMap { (t: ObjectID) throws(GitError) in try repo.entry(at: Self.outboxFolder, inTree: t)?.id }
                let after = try repo.entry(at: Self.outboxFolder, inTree: info.tree)?.id
                if before != after {
                    // Which review branch a commit proposed, read once per commit: an approval
                    // of 5,000 drafts has a message listing them all.
                    var proposedOn: [ObjectID: String?] = [:]
                    func reviewBranch(_ commit: ObjectID) throws(GitError) -> String? {
                        if let known = proposedOn[commit] { return known }
                        let proposal = try repo.commit(commit)
                        let branch = proposal.parents.count < 2 ? TrailerLines(proposal.message).values(.reviewBranch).first : nil
                        proposedOn[commit] = branch
                        return branch
                    }
                    for (relative, blob) in try repo.changedFiles(from: before, to: after) {
                        let path = Self.outboxFolder + "/" + relative
                        guard let blob, pending[path] == blob else { continue }
                        pending[path] = nil  // arrived here
                        // Through a merge: the approval is on the merged side or the merge itself.
                        let approval = info.parents.count > 1 ? try approvalCommit(path: path, blob: blob, from: id) : id
                        guard let approval, let branch = try reviewBranch(approval) else { continue }
                        out[path] = "it was proposed on review branch \(branch) and reached the main branch without a merge commit (\(approval.short)), so no one approved it; merge review branches with a merge commit (git merge --no-ff, or \"Create a merge commit\" on the git host), or approve it as it stands with `duetrail approve \(path)`"
                    }
                }
                cursor = info.parents.first
            }
        } catch {
            return out  // history that cannot be read: the audit reports it; sending goes by HEAD
        }
        return out
    }

    /// The drafts an `approve` commit names (`DueTrail-Draft:`); none for any other commit.
    static func approvedDrafts(_ message: String) -> [String] {
        guard message.contains("\(Trailer.Key.action.rawValue): \(LedgerAction.approve.rawValue)") else { return [] }
        let trailers = TrailerLines(message)
        guard trailers.values(.action).contains(LedgerAction.approve.rawValue) else { return [] }
        return trailers.values(.draft)
    }
}
