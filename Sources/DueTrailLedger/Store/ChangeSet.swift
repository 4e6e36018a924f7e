import DueTrailCore
import Foundation
import GitStore

/// Files to write (or remove) in one commit, and the commit's message. Every action of the
/// tool is one of these: one commit with a clear subject and machine-readable trailers.
package struct ChangeSet: Sendable {
    /// New contents by ledger path; nil removes the file.
    package var files: [String: String?] = [:]
    /// New files kept byte for byte (a received email in Latin-1 is not UTF-8).
    package var bytes: [String: [UInt8]] = [:]
    package var subject: String
    package var body: String = ""
    /// `Key: value` lines at the end of the message (`DueTrail-Action: import`).
    package var trailers: [Trailer] = []
    /// What the written case and customer files say, by path, when the caller knows it:
    /// the summary cache is then brought up to date without reading them back.
    package var caseSummaries: [String: CaseSummary] = [:]
    package var customers: [String: CustomerSummary] = [:]
    /// Commit even when no file changes (`approve` of drafts already committed unapproved):
    /// the commit itself is what is recorded.
    package var allowEmpty = false

    package init(subject: String, body: String = "", trailers: [Trailer] = []) {
        self.subject = subject
        self.body = body
        self.trailers = trailers
    }

    package var message: String {
        var out = subject.replacingOccurrences(of: "\n", with: " ") + "\n"
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { out += "\n" + trimmed + "\n" }
        if !trailers.isEmpty {
            out += "\n"
            for trailer in trailers { out += trailer.line + "\n" }
        }
        return out
    }
}

/// The commit an action made.
package struct CommitOutcome: Sendable {
    package let commit: ObjectID
    package let paths: [String]
    package let attempts: Int
}

extension Ledger {
    /// Above this many files a change is written through one pack instead of loose objects.
    static let bulkThreshold = 2000

    /// Nothing is recorded for a day that has not come: `--today` (or `DUETRAIL_TODAY`) later
    /// than the real date (or `DUETRAIL_NOW`'s) may look ahead, never commit or draft ahead.
    package func refuseFutureToday() throws(LedgerError) {
        guard clock.today > clock.eventDate else { return }
        throw LedgerError.badRequest(
            "today is set to \(clock.today.iso) (--today or DUETRAIL_TODAY), after the real date \(clock.eventDate.iso); nothing is recorded for a day that has not come. Look ahead with `duetrail simulate` or `duetrail queue --today \(clock.today.iso)`")
    }

    /// Makes one commit on the current branch from what `build` returns for the current tip,
    /// advancing the branch with compare-and-swap; when another writer moved it first,
    /// `build` runs again on the new tip (up to `maxAttempts`). In a working clone the
    /// changed files and the index are brought up to date, and files with uncommitted edits
    /// are refused up front, so nothing a person typed is ever overwritten.
    /// Returns nil when there was nothing to change.
    package func commit(
        author identity: Identity, maxAttempts: Int = 8, _ build: (_ base: ObjectID?) throws(LedgerError) -> ChangeSet?
    ) throws(LedgerError) -> CommitOutcome? {
        try refuseFutureToday()
        guard !repository.isBare else { return try commitHoldingClone(author: identity, maxAttempts: maxAttempts, build) }
        // One writer at a time in a working clone: the dirty check, the branch move and the
        // file writes of two commands must not interleave (see `CloneLock`).
        return try cloneLock.holding(timeout: cloneLockTimeout) { () throws(LedgerError) -> CommitOutcome? in
            _ = try finishInterruptedCheckout()
            return try commitHoldingClone(author: identity, maxAttempts: maxAttempts, build)
        }
    }

    private func commitHoldingClone(
        author identity: Identity, maxAttempts: Int, _ build: (_ base: ObjectID?) throws(LedgerError) -> ChangeSet?
    ) throws(LedgerError) -> CommitOutcome? {
        let repo = repository
        let branch = try branch()
        for attempt in 1...maxAttempts {
            let base: ObjectID?
            let baseTree: ObjectID?
            do {
                base = try repo.resolve(reference: branch)
                baseTree = try base.map { (b: ObjectID) throws(GitError) in try repo.commit(b).tree }
            } catch {
                throw error.context("reading \(branch)")
            }
            guard let changes = try build(base), !changes.files.isEmpty || !changes.bytes.isEmpty || changes.allowEmpty else { return nil }
            let paths = Set(changes.files.keys).union(changes.bytes.keys).sorted()
            try refuseDirty(paths, tree: baseTree, writing: changes)
            Timings.mark("check working tree")
            let written: (commit: ObjectID, tree: ObjectID, files: [WorkingFile])?
            do throws(GitError) {
                written = try write(changes, paths: paths, onto: branch, base: base, baseTree: baseTree, author: identity)
            } catch {
                // git's background `gc --auto` (started by a plain `git commit` a moment ago)
                // may remove an emptied objects/xx/ folder between libgit2 creating it and
                // moving an object into it. Nothing was committed: write it all again.
                if attempt < maxAttempts, error.function.hasPrefix("git_blob_create") || error.function.hasPrefix("git_tree"),
                    error.message.contains("No such file or directory")
                {
                    continue
                }
                throw error.context("committing \"\(changes.subject)\"")
            }
            guard let written else { continue }  // someone else committed first: rebuild on their tip
            if written.tree == baseTree && !changes.allowEmpty { return nil }
            Timings.mark("write objects and commit")
            try updateWorkingTree(written.files, tree: written.tree, baseline: baseTree, commit: written.commit)
            PendingCheckout.remove(gitDirectory: repo.gitDirectory)
            Timings.mark("update working tree")
            var hints = SummaryHints()
            for file in written.files {
                guard let blob = file.blob else { continue }
                if let s = changes.caseSummaries[file.path] { hints.cases[blob] = s }
                if let n = changes.customers[file.path] { hints.customers[blob] = n }
            }
            try? journal(tree: written.tree, base: baseTree, hints: hints)
            Timings.mark("update summary cache")
            return CommitOutcome(commit: written.commit, paths: paths, attempts: attempt)
        }
        throw LedgerError.raceLost(attempts: maxAttempts)
    }

    /// Writes `files` (paths the branch just changed from `baseline` to `tree`, checked to hold
    /// no uncommitted edits) into the working tree and the index. When the fast path fails,
    /// libgit2's checkout of those paths is tried; the commit stands either way.
    /// The record of this update stays in `.git/duetrail` until it is done: a command killed
    /// meanwhile leaves it for the next one to finish (`PendingCheckout`).
    func updateWorkingTree(_ files: [WorkingFile], tree: ObjectID, baseline: ObjectID?, commit: ObjectID) throws(LedgerError) {
        if let crash = environment["DUETRAIL_CRASH"] { Self.crash(crash, files: files, root: root) }
        do {
            try repository.writeWorkingFiles(files)
        } catch {
            do {
                try repository.checkout(paths: files.map(\.path), from: tree, baseline: baseline)
            } catch let second {
                throw LedgerError.io(path: root, message: "committed \(commit.short), but the working files could not be updated (\(error.message); \(second.message)); "
                    + "once the cause is fixed, `duetrail repair` writes them from HEAD (your own edits are left alone)")
            }
        }
    }

    /// Moves `branch` from `expected` to `commit` (compare-and-swap), having first recorded the
    /// working-tree update it calls for, so that a kill at any instant after the move leaves
    /// what the next command needs to finish it. The record is dropped if the move fails.
    func moveBranchRecorded(
        _ branch: String, to commit: ObjectID, expected: ObjectID?, baseline: ObjectID?, tree: ObjectID, message: String
    ) throws(GitError) {
        let pending = PendingCheckout(commit: commit, baseline: baseline, tree: tree)
        if !repository.isBare {
            do { try pending.write(gitDirectory: repository.gitDirectory) } catch {
                throw GitError(code: .other(-1), function: "recording the working-tree update", message: error.description)
            }
        }
        do {
            try repository.updateReference(branch, to: commit, expected: expected, message: message)
        } catch {
            if !repository.isBare { PendingCheckout.remove(gitDirectory: repository.gitDirectory) }
            throw error
        }
        if environment["DUETRAIL_CRASH"] == "after-branch-move" { Self.crash("after-branch-move", files: [], root: root) }
    }

    /// Stops the process as `kill -9` would at a chosen instant (a switch for the fault tests):
    /// `after-branch-move`, or `mid-checkout` (the first file cut short, the rest and the index
    /// not written).
    static func crash(_ point: String, files: [WorkingFile], root: String) {
        guard point == "mid-checkout" || point == "after-branch-move" else { return }
        if point == "mid-checkout", let first = files.first(where: { $0.bytes != nil }), let bytes = first.bytes {
            let half = Data(bytes.prefix(bytes.count / 2))
            FileManager.default.createFile(atPath: root + "/" + first.path, contents: half)
        }
        _exit(137)
    }

    /// Writes the objects and the commit; nil when the branch moved (lost the race).
    private func write(
        _ changes: ChangeSet, paths: [String], onto branch: String, base: ObjectID?, baseTree: ObjectID?, author identity: Identity
    ) throws(GitError) -> (commit: ObjectID, tree: ObjectID, files: [WorkingFile])? {
        let repo = repository
        let batch = paths.count > Self.bulkThreshold ? try ObjectBatch(gitDirectory: repo.gitDirectory) : nil
        let writer = batch?.repository ?? repo
        var updates: [TreeUpdate] = []
        var files: [WorkingFile] = []
        updates.reserveCapacity(paths.count)
        files.reserveCapacity(paths.count)
        for path in paths {
            if let raw = changes.bytes[path] {
                let blob = try writer.writeBlob(raw)
                updates.append(.upsert(path: path, blob: blob))
                files.append(WorkingFile(path: path, bytes: raw, blob: blob))
            } else if let content = changes.files[path] ?? nil {
                let bytes = Array(content.utf8)
                let blob = try writer.writeBlob(bytes)
                updates.append(.upsert(path: path, blob: blob))
                files.append(WorkingFile(path: path, bytes: bytes, blob: blob))
            } else if let tree = baseTree, try repo.entry(at: path, inTree: tree) != nil {
                updates.append(.remove(path: path))
                files.append(WorkingFile(path: path, bytes: nil, blob: nil))
            }
        }
        Timings.mark("write blobs")
        let tree = try writer.makeTree(base: baseTree, updates: updates)
        Timings.mark("write trees")
        if let batch {
            try batch.finish(tree: tree, base: baseTree)
            try repo.refreshObjects()
        }
        if tree == baseTree, let base, !changes.allowEmpty { return (base, tree, []) }
        let signature = signature(identity)
        do {
            let commit = try repo.writeCommit(tree: tree, parents: base.map { [$0] } ?? [], author: signature, committer: signature, message: changes.message)
            let subject = changes.message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            try moveBranchRecorded(branch, to: commit, expected: base, baseline: baseTree, tree: tree, message: "commit: \(subject)")
            return (commit, tree, files)
        } catch where error.code == .modified {
            return nil
        } catch where error.code == .locked {
            // The branch's lock file stayed through every bounded retry (about 3 s): not a
            // race of a moment but a git command holding it, or one killed that left it.
            throw GitError(code: .locked, function: error.function, message: error.message
                + " for over 3 s: another git command is holding it, or one was stopped and left it behind; if no git command is running, remove that file; nothing was committed")
        }
    }

    /// Refuses to rewrite files that have uncommitted edits in the working tree.
    /// A file whose working copy already holds exactly what `changes` writes is not in the
    /// way: that is how `approve` commits a draft a person wrote or edited.
    func refuseDirty(_ paths: [String], tree: ObjectID?, writing changes: ChangeSet? = nil) throws(LedgerError) {
        guard !repository.isBare else { return }
        let dirty: [String]
        do throws(GitError) {
            // Path by path (an index lookup and an lstat each, a hash only when the stat data
            // changed): a status pass over the folders instead walked and hashed every file
            // there, 4.7 s for an inbox import beside 20,000 case files.
            dirty = try repository.modifiedPaths(paths, comparedTo: tree)
        } catch {
            throw error.context("checking the working tree")
        }
        let blocking = dirty.filter { path in
            guard let changes, let wanted = changes.files[path] else { return true }
            let onDisk = FileManager.default.contents(atPath: root + "/" + path)
            if let wanted { return onDisk != Data(wanted.utf8) }
            return onDisk != nil
        }
        if !blocking.isEmpty {
            let lagging = laggingPaths(blocking)
            if !lagging.isEmpty { throw LedgerError.cloneBehind(lagging.sorted()) }
            throw LedgerError.dirtyPaths(blocking.sorted())
        }
    }
}
