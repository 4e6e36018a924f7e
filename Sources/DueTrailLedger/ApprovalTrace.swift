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
            boundary = info
            cursor = info.parents.first
        }
        guard let boundary else { return nil }
        for second in boundary.parents.dropFirst() where try repo.entry(at: path, inTree: try repo.commit(second).tree)?.id == blob {
            guard let inner = try approvalCommit(path: path, blob: blob, from: second) else { return boundary.id }
            let innerInfo = try repo.commit(inner)
            return CommitTrailers(innerInfo.message).values("DueTrail-Review-Branch").isEmpty ? inner : boundary.id
        }
        return boundary.id
    }

    /// Why the committed draft at `path` must not be sent although HEAD holds it: it reached
    /// the main line as a review-branch proposal without a merge commit (a fast-forward or a
    /// rebase), so no one approved it. Nil when it was approved.
    func unapprovedProposal(path: String, head: ObjectID) -> String? {
        guard let tree = try? repository.commit(head).tree, let blob = (try? repository.entry(at: path, inTree: tree))??.id,
            let approval = (try? approvalCommit(path: path, blob: blob, from: head)) ?? nil, let info = try? repository.commit(approval),
            info.parents.count < 2, let branch = CommitTrailers(info.message).values("DueTrail-Review-Branch").first
        else { return nil }
        return "it was proposed on review branch \(branch) and reached the main branch without a merge commit (\(approval.short)), so no one approved it; merge review branches with a merge commit (git merge --no-ff, or \"Create a merge commit\" on the git host), or approve it again by editing and committing it"
    }
}
