import DueTrailCore
import Foundation
import GitStore

/// One commit that changed a case file, read from git history: who, when, and what it did to
/// the case in terms of events — whether the tool made it or a person with plain git.
package struct CaseHistoryEntry: Sendable {
    package let commit: ObjectID
    package let author: Signature
    package let subject: String
    /// The `DueTrail-Action` trailer, when the tool made the commit.
    package let action: String?
    /// Timeline lines added, by this commit.
    package let added: [String]
    /// Timeline lines that were there before and are gone (something an audit looks at).
    package let removed: [String]
    /// Front-matter facts that changed (`amount: 100.00 EUR → 120.00 EUR`), the file created or deleted.
    package let facts: [String]
}

extension Ledger {
    /// The trail of the case `key` names, newest first: every commit on the current branch
    /// that changed its file.
    package func history(of key: String, limit: Int? = nil) throws(LedgerError) -> (summary: CaseSummary, entries: [CaseHistoryEntry]) {
        let snapshot = try snapshot()
        guard let summary = try Self.resolve([key], in: snapshot).first else { throw LedgerError.notFound("no case for `\(key)`") }
        let path = summary.path
        var entries: [CaseHistoryEntry] = []
        let branch = try branch()
        do throws(GitError) {
            guard let head = try repository.resolve(reference: branch) else { return (summary, []) }
            var cache = CaseFileCache(repository: repository)
            for id in try repository.log(from: head) {
                let info = try repository.commit(id)
                let now = try repository.entry(at: path, inTree: info.tree)?.id
                var before: [ObjectID?] = []
                for parent in info.parents { before.append(try repository.entry(at: path, inTree: repository.commit(parent).tree)?.id) }
                // Changed by this commit: different from every parent (a merge that took one side's version did not change it).
                if before.isEmpty ? now == nil : before.contains(where: { $0 == now }) { continue }
                var old = try cache.file(before.first ?? nil, path: path)
                let new = try cache.file(now, path: path)
                var facts: [String] = []
                // A version that does not read is a bad edit, not events removed: said as such,
                // and the fix after it is compared with the last version that read.
                let problems = try cache.problems(now, path: path)
                if !problems.isEmpty {
                    let problem = problems.first?.headline ?? "does not read"
                    let already = try cache.isUnreadable(before.first ?? nil, path: path)
                    facts.append("the file \(already ? "still does not read" : "stopped reading"): \(problem)")
                    entries.append(CaseHistoryEntry(
                        commit: id, author: info.author, subject: info.message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "",
                        action: TrailerLines(info.message).values(.action).last, added: [], removed: [], facts: facts))
                    if let limit, entries.count >= limit { break }
                    continue
                }
                if old == nil, try cache.isUnreadable(before.first ?? nil, path: path), let parent = info.parents.first {
                    old = try cache.lastReadable(path, from: parent)
                    facts.append("the file reads again")
                }
                let oldIDs = Set(old?.events.map(\.id) ?? []), newIDs = Set(new?.events.map(\.id) ?? [])
                if old == nil && new != nil && before.allSatisfy({ $0 == nil }) { facts.append("file created") }
                if now == nil { facts.append("file deleted") }
                if let a = old?.facts, let b = new?.facts {
                    if a.amount != b.amount { facts.append("amount: \(a.amount) → \(b.amount)") }
                    if a.due != b.due { facts.append("due: \(a.due.iso) → \(b.due.iso)") }
                    if a.issued != b.issued { facts.append("issued: \(a.issued?.iso ?? "-") → \(b.issued?.iso ?? "-")") }
                    if a.customer != b.customer { facts.append("customer: \(a.customer) → \(b.customer)") }
                }
                let message = info.message
                let action = TrailerLines(message).values(.action).last
                entries.append(CaseHistoryEntry(
                    commit: id, author: info.author, subject: message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "",
                    action: action,
                    added: (new?.events ?? []).filter { !oldIDs.contains($0.id) }.map(\.line),
                    removed: (old?.events ?? []).filter { !newIDs.contains($0.id) }.map(\.line),
                    facts: facts))
                if let limit, entries.count >= limit { break }
            }
        } catch {
            throw error.context("reading the history of \(path)")
        }
        return (summary, entries)
    }
}
