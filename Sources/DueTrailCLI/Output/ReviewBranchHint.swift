import DueTrailCore
import DueTrailLedger

/// What `review` and `approve` say of drafts waiting on review branches (local, or only on a
/// remote after a fetch): where they are, how to read them, and that a merge approves them.
enum ReviewBranchHint {
    static func text(_ ledger: Ledger) throws(LedgerError) -> String {
        let branches = try ledger.pendingReviewBranches()
        guard !branches.isEmpty else { return "" }
        let current = try ledger.branch().replacingOccurrences(of: "refs/heads/", with: "")
        var out = ""
        for (branch, drafts) in branches {
            let cases = drafts.flatMap(\.pending.caseNumbers)
            out += "\(drafts.count) draft\(drafts.count == 1 ? "" : "s") await review on branch \(branch)"
                + " (\(cases.count <= 6 ? cases.joined(separator: ", ") : "\(cases.count) cases")):"
                + " read them with `git diff \(current)...\(branch)`; merging it with a merge commit approves them (`git merge --no-ff \(branch)`, or \"Create a merge commit\" on the git host).\n"
        }
        return out
    }
}
