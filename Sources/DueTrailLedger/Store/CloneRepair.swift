import Foundation
import GitStore

/// What bringing a clone's files back in line with its branch did: the files the tool wrote
/// that were restored from HEAD, and the files left alone because they hold what a person
/// wrote (or staged) rather than an earlier version the tool wrote.
package struct CloneRepair: Sendable {
    /// The commit an interrupted command made and did not finish writing out, when it left
    /// its record behind.
    package var interrupted: ObjectID?
    package var restored: [String] = []
    /// Files that hold a person's edit; where their index still held an earlier version of
    /// the branch it was set to HEAD's, so the edit shows as an ordinary unstaged change.
    package var keptEdits: [String] = []

    package var isEmpty: Bool { interrupted == nil && restored.isEmpty && keptEdits.isEmpty }
}

extension Ledger {
    /// How far back `repair` looks for the version a lagging index still holds.
    static let repairDepth = 50

    /// Finishes the working-tree update an interrupted command left recorded (see
    /// `PendingCheckout`); every command calls this on opening a working clone, so the next
    /// command after a crash repairs the clone before doing anything. Nil when nothing was left.
    func finishInterruptedCheckout() throws(LedgerError) -> CloneRepair? {
        guard !repository.isBare, PendingCheckout.exists(gitDirectory: repository.gitDirectory) else { return nil }
        return try cloneLock.holding { () throws(LedgerError) -> CloneRepair? in
            // A command still running holds the lock with its record in place; once we have
            // the lock the record is either gone (it finished) or left by one that died.
            guard let pending = PendingCheckout.read(gitDirectory: repository.gitDirectory) else {
                PendingCheckout.remove(gitDirectory: repository.gitDirectory)
                return nil
            }
            let repair = try finish(pending)
            PendingCheckout.remove(gitDirectory: repository.gitDirectory)
            return repair
        }
    }

    /// `duetrail repair`: restores from HEAD every file whose working copy and index still
    /// show an earlier version the tool wrote (a command stopped between moving the branch and
    /// writing its files, by this or an older version of the tool, or a crash of the machine),
    /// and leaves each file a person edited or staged as it is.
    package func repair(dryRun: Bool = false) throws(LedgerError) -> CloneRepair {
        guard !repository.isBare else {
            throw LedgerError.badRequest("\(root) is a bare repository: it has no working files to repair")
        }
        return try cloneLock.holding { () throws(LedgerError) -> CloneRepair in
            var result = CloneRepair()
            if !dryRun, let pending = PendingCheckout.read(gitDirectory: repository.gitDirectory) {
                result = try finish(pending)
                PendingCheckout.remove(gitDirectory: repository.gitDirectory)
            }
            let head = try branchTip()
            let headTree = try tree(ofBase: head)
            let staged: [String]
            do throws(GitError) {
                staged = try repository.changedFiles(from: headTree, to: try repository.writeIndexTree()).keys.sorted()
            } catch {
                throw LedgerError.conflict(
                    "the index holds an unfinished merge (\(error.message)); finish or abort it with git (`git merge --abort`) before repairing")
            }
            guard let head else { return result }
            let history = try firstParentTrees(from: head, depth: Self.repairDepth)
            let plan = try restorePlan(staged, target: headTree) { (path, id) throws(GitError) in
                for tree in history where try self.repository.entry(at: path, inTree: tree)?.id == id { return true }
                return false
            }
            result.restored += plan.files.map(\.path)
            result.keptEdits = Array(Set(result.keptEdits + plan.kept)).sorted()
            result.restored.sort()
            if !dryRun { try writeRestored(plan) }
            return result
        }
    }

    /// Of `paths`, those whose index still holds an earlier version of the branch (what an
    /// interrupted command leaves), as opposed to a person's edits.
    package func laggingPaths(_ paths: [String]) -> [String] {
        guard let head = try? branchTip(), let headTree = try? tree(ofBase: head),
            let indexTree = try? repository.writeIndexTree(), let history = try? firstParentTrees(from: head, depth: Self.repairDepth)
        else { return [] }
        return paths.filter { path in
            guard let staged = try? repository.entry(at: path, inTree: indexTree)?.id,
                staged != (try? repository.entry(at: path, inTree: headTree)?.id) ?? nil
            else {
                // Not in the index at all while HEAD has it: a file the interrupted commit added.
                let inIndex = (try? repository.entry(at: path, inTree: indexTree)) != nil
                return !inIndex && (try? repository.entry(at: path, inTree: headTree)) != nil
            }
            return history.contains { (try? repository.entry(at: path, inTree: $0)?.id) == staged }
        }
    }

    /// Writes out what `pending` recorded, for the paths it changed, where the files still
    /// hold what the tool wrote before (or began writing); HEAD's version when the branch has
    /// moved on since. A record whose commit the branch never reached is dropped: nothing was
    /// written then.
    private func finish(_ pending: PendingCheckout) throws(LedgerError) -> CloneRepair {
        var result = CloneRepair()
        let head = try branchTip()
        guard let head else { return result }
        var reached = head == pending.commit
        if !reached { reached = (try? repository.isAncestor(pending.commit, of: head)) ?? false }
        guard reached else { return result }
        result.interrupted = pending.commit
        let target = try tree(ofBase: head)
        let paths: [String]
        do { paths = try repository.changedFiles(from: pending.baseline, to: pending.tree).keys.sorted() } catch {
            throw error.context("comparing the interrupted commit \(pending.commit.short) with its parent")
        }
        let plan = try restorePlan(paths, target: target) { (path, id) throws(GitError) in
            guard let baseline = pending.baseline else { return id == nil }
            return try self.repository.entry(at: path, inTree: baseline)?.id == id
        }
        try writeRestored(plan)
        result.restored = plan.files.map(\.path)
        result.keptEdits = plan.kept
        return result
    }

    /// For each path: HEAD's version to write when the index and the file on disk hold a
    /// version the tool wrote (`isToolVersion`), HEAD's, or a beginning of HEAD's (a write cut
    /// short); otherwise the path is kept as a person's edit.
    private func restorePlan(
        _ paths: [String], target: ObjectID, isToolVersion: (String, ObjectID?) throws(GitError) -> Bool
    ) throws(LedgerError) -> (files: [WorkingFile], kept: [String], indexOnly: [(path: String, blob: ObjectID?)]) {
        guard !paths.isEmpty else { return ([], [], []) }
        var files: [WorkingFile] = []
        var kept: [String] = []
        var indexOnly: [(path: String, blob: ObjectID?)] = []
        do throws(GitError) {
            let indexTree = try repository.writeIndexTree()
            for path in paths {
                let want = try repository.entry(at: path, inTree: target)?.id
                let staged = try repository.entry(at: path, inTree: indexTree)?.id
                let disk = WorkingCopy(root + "/" + path)
                if staged == want {
                    // The index is up to date: a file that differs is a person's change.
                    if disk.id != want { kept.append(path) }
                    continue
                }
                guard try isToolVersion(path, staged) else {
                    kept.append(path)
                    continue
                }
                var wantBytes: [UInt8]?
                if let want { wantBytes = try repository.readBlob(want) }
                var ours: Bool
                switch disk {
                case .missing: ours = true
                case .other: ours = false
                case .file(let bytes, let id):
                    ours = id == staged || id == want || (wantBytes.map { $0.starts(with: bytes) } ?? false)
                    if !ours { ours = try isToolVersion(path, id) }
                }
                if ours {
                    files.append(WorkingFile(path: path, bytes: wantBytes, blob: want))
                } else {
                    // A person edited the file after the crash: keep it, and bring only the
                    // index to HEAD, so `git commit` no longer undoes the last commit.
                    kept.append(path)
                    indexOnly.append((path, want))
                }
            }
        } catch {
            throw error.context("comparing the working files with HEAD")
        }
        return (files, kept, indexOnly)
    }

    private func writeRestored(_ plan: (files: [WorkingFile], kept: [String], indexOnly: [(path: String, blob: ObjectID?)])) throws(LedgerError) {
        do {
            if !plan.files.isEmpty { try repository.writeWorkingFiles(plan.files) }
            try repository.resetIndexEntries(plan.indexOnly)
        } catch {
            throw error.context("restoring files from HEAD")
        }
    }

    /// The trees of `head`'s first-parent ancestors (not `head` itself), newest first.
    private func firstParentTrees(from head: ObjectID, depth: Int) throws(LedgerError) -> [ObjectID] {
        var trees: [ObjectID] = []
        var cursor = head
        do throws(GitError) {
            for _ in 0..<depth {
                guard let parent = try repository.commit(cursor).parents.first else { break }
                trees.append(try repository.commit(parent).tree)
                cursor = parent
            }
        } catch {
            throw error.context("reading the history of HEAD")
        }
        return trees
    }
}

/// What a working-tree path holds: nothing, a regular file (its bytes and blob id), or
/// something else (a folder, a link) that is never overwritten.
private enum WorkingCopy {
    case missing
    case file([UInt8], ObjectID?)
    case other

    init(_ full: String) {
        var st = stat()
        guard lstat(full, &st) == 0 else {
            self = .missing
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFREG, let data = FileManager.default.contents(atPath: full) else {
            self = .other
            return
        }
        let bytes = [UInt8](data)
        self = .file(bytes, Repository.blobID(bytes))
    }

    var id: ObjectID? {
        if case .file(_, let id) = self { return id }
        return nil
    }
}
