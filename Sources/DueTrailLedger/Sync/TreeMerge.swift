import DueTrailCore
import Foundation
import GitStore

/// The three-way merge of two ledger commits, file by file: what `sync` uses instead of
/// libgit2's line merge. A file changed on one side takes that side; changed the same way on
/// both, it is one (two identical drafts are one draft); changed two ways, a case or customer
/// file merges by meaning, any other text file by lines, and what still disagrees is a
/// conflict naming the file, the key and both values.
struct TreeMerge {
    struct Result {
        /// The merged tree; nil when there are conflicts.
        var tree: ObjectID?
        var conflicts: [CaseMerge.Conflict] = []
        /// Files both sides changed that were merged by meaning or by lines.
        var merged: [String] = []
        /// Conflicts a person settled with `--take`.
        var settled: [CaseMerge.Conflict] = []
    }

    let repository: Repository

    /// `settle` says, for a conflicted path, which side a person chose to keep (or nil).
    func merge(base: ObjectID?, ours: ObjectID, theirs: ObjectID, settle: (String) -> CaseMerge.Side?) throws(LedgerError) -> Result {
        var result = Result()
        var updates: [TreeUpdate] = []
        do {
            let baseTree = try base.map { (b: ObjectID) throws(GitError) in try repository.commit(b).tree }
            let ourTree = try repository.commit(ours).tree
            let theirTree = try repository.commit(theirs).tree
            let ourChanges = try repository.changedFiles(from: baseTree, to: ourTree)
            let theirChanges = try repository.changedFiles(from: baseTree, to: theirTree)
            for path in theirChanges.keys.sorted() {
                let theirBlob = theirChanges[path] ?? nil
                guard let ourChange = ourChanges[path] else {
                    updates.append(theirBlob.map { .upsert(path: path, blob: $0) } ?? .remove(path: path))
                    continue
                }
                if ourChange == theirBlob { continue }
                guard let ourBlob = ourChange, let theirBlob else {
                    let side = settle(path)
                    let conflict = CaseMerge.Conflict(
                        path: path, what: "the file", ours: ourChange == nil ? "(removed)" : "(changed)", theirs: theirBlob == nil ? "(removed)" : "(changed)")
                    if let side {
                        result.settled.append(conflict)
                        if side == .theirs { updates.append(theirBlob.map { .upsert(path: path, blob: $0) } ?? .remove(path: path)) }
                    } else {
                        result.conflicts.append(conflict)
                    }
                    continue
                }
                let baseBlob = try baseTree.flatMap { (t: ObjectID) throws(GitError) in try repository.entry(at: path, inTree: t)?.id }
                switch try mergeFile(path: path, base: baseBlob, ours: ourBlob, theirs: theirBlob, settle: settle(path)) {
                case .merged(let bytes, let settled):
                    updates.append(.upsert(path: path, blob: try repository.writeBlob(bytes)))
                    result.merged.append(path)
                    result.settled += settled
                case .conflicts(let conflicts):
                    result.conflicts += conflicts
                }
            }
            if result.conflicts.isEmpty {
                result.tree = try repository.makeTree(base: ourTree, updates: updates)
            }
        } catch {
            throw error.context("merging")
        }
        return result
    }

    private enum FileOutcome {
        case merged([UInt8], settled: [CaseMerge.Conflict])
        case conflicts([CaseMerge.Conflict])
    }

    private func mergeFile(path: String, base: ObjectID?, ours: ObjectID, theirs: ObjectID, settle: CaseMerge.Side?) throws(GitError) -> FileOutcome {
        let baseBytes = try base.map { (b: ObjectID) throws(GitError) in try repository.readBlob(b) }
        let ourBytes = try repository.readBlob(ours), theirBytes = try repository.readBlob(theirs)
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        switch LedgerFileMerge.merge(path: path, base: baseBytes.map(text), ours: text(ourBytes), theirs: text(theirBytes), settle: settle) {
        case .merged(let merged): return .merged(Array(merged.utf8), settled: [])
        case .settled(let merged, let conflicts): return .merged(Array(merged.utf8), settled: conflicts)
        case .conflicts(let conflicts): return .conflicts(conflicts)
        case .notLedgerFile: break
        }
        // Drafts and sent messages are never spliced line by line; other text files are.
        if !path.hasPrefix(Ledger.outboxFolder + "/"), !path.hasPrefix("sent/"), let baseBytes, !baseBytes.isEmpty, !ourBytes.isEmpty, !theirBytes.isEmpty,
            let merged = try repository.mergeText(base: baseBytes, ours: ourBytes, theirs: theirBytes)
        {
            return .merged(merged, settled: [])
        }
        let conflict = CaseMerge.Conflict(path: path, what: "the file", ours: "(changed)", theirs: "(changed)")
        if let settle { return .merged(settle == .ours ? ourBytes : theirBytes, settled: [conflict]) }
        return .conflicts([conflict])
    }
}
