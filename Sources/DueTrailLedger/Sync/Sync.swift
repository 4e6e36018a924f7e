import DueTrailCore
import Foundation
import GitStore

/// What `sync` did: the shared history it reached, and anything a person must settle.
package struct SyncReport: Sendable {
    package enum Outcome: String, Sendable {
        /// Both sides already held the same commit.
        case upToDate = "up-to-date"
        /// Only the remote had new commits: the branch moved forward to them.
        case fastForwarded = "fast-forwarded"
        /// Only this clone had new commits: they were pushed.
        case pushed
        /// Both had: a merge commit joins them, and was pushed.
        case merged
        /// The same fact changed two ways: nothing was merged or pushed.
        case conflicts
    }

    package var outcome: Outcome = .upToDate
    package var remote: String
    package var branch: String
    package var before: ObjectID?
    package var after: ObjectID?
    /// Commits the remote had that this clone did not.
    package var received = 0
    /// Commits this clone had that the remote did not, now pushed.
    package var sent = 0
    /// Files both sides changed, merged by meaning (or by lines).
    package var mergedFiles: [String] = []
    package var conflicts: [CaseMerge.Conflict] = []
    package var settled: [CaseMerge.Conflict] = []
    /// The side kept for each settled file, by path.
    package var keptSides: [String: CaseMerge.Side] = [:]
    /// Untracked drafts an incoming change replaced, and where they were kept.
    package var keptAside: [String] = []
    /// How many times the push lost to someone else's and sync merged again.
    package var retries = 0
    /// Commits of this clone the last merge joined with the remote's.
    package var mine = 0
}

/// How `sync` should settle conflicts a person has looked at: each choice keeps one side
/// for the files its keys name (`--take theirs INV-1042 --take ours acme-gmbh`).
package struct SyncSettlement: Sendable {
    package struct Choice: Sendable {
        package var side: CaseMerge.Side
        /// Invoice numbers, customer slugs (all that customer's files) or ledger paths;
        /// empty: every conflict no other choice names.
        package var keys: [String]

        package init(side: CaseMerge.Side, keys: [String]) {
            self.side = side
            self.keys = keys
        }
    }

    package var choices: [Choice]

    package init(_ choices: [Choice]) { self.choices = choices }

    package init(side: CaseMerge.Side, cases: [String]) { self.init([Choice(side: side, keys: cases)]) }

    /// Every key a choice names.
    package var namedKeys: [String] { choices.flatMap(\.keys) }
}

extension Ledger {
    /// Clones a ledger, then configures the clone as `init` would (compatibility settings,
    /// the merge driver for plain git). Refuses a repository that is not a ledger, leaving
    /// nothing behind.
    package static func clone(
        url: String, to path: String, access: RemoteAccess, driverExecutable: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LedgerError) -> Ledger {
        let folder = try NewLedgerFolder(path)
        do {
            let repo = try Repository.clone(url: url, to: path, access: access)
            for (key, value) in compatibilitySettings { try repo.setConfig(key, value) }
            if try repo.headCommit() == nil { try checkOutMain(repo) }
        } catch {
            folder.discard()
            throw error.context("cloning \(GitCredential.redacted(url))")
        }
        do {
            let ledger = try Ledger.open(at: path, environment: environment)
            if let driverExecutable { try ledger.installMergeDriver(executable: driverExecutable) }
            return ledger
        } catch {
            folder.discard()
            if case .notALedger = error { throw LedgerError.badRequest("\(GitCredential.redacted(url)) is not a DueTrail ledger (no \(LedgerConfig.fileName) on its default branch); nothing was kept") }
            throw error
        }
    }

    /// A bare repository made with plain `git init --bare` names `master` as its default
    /// branch even when only `main` was pushed, and the clone comes out empty. Check out
    /// `main` (or the only branch) as git users would expect.
    private static func checkOutMain(_ repo: Repository) throws(GitError) {
        let candidates = ["main", "master"]
        guard let name = candidates.first(where: { (try? repo.resolve(reference: "refs/remotes/origin/\($0)")) != nil }),
            let tip = try repo.resolve(reference: "refs/remotes/origin/\(name)")
        else { return }
        try repo.updateReference("refs/heads/\(name)", to: tip, expected: nil, message: "clone: \(name) from origin")
        try repo.setHead("refs/heads/\(name)")
        try repo.setConfig("branch.\(name).remote", "origin")
        try repo.setConfig("branch.\(name).merge", "refs/heads/\(name)")
        let empty = try repo.makeTree(base: nil, updates: [])
        try repo.checkout(from: try repo.commit(tip).tree, baseline: empty)
    }

    /// Shares this clone's work with `remote` and takes the team's: fetch, then fast-forward
    /// or make a merge commit (never a rebase: published commits are never rewritten), then
    /// push; when someone pushed in between, fetch and merge again (up to `maxAttempts`).
    /// Case and customer files both sides changed merge by meaning. On a true conflict
    /// nothing is merged, committed or pushed: the report names each conflict, and a person
    /// settles it (`settlement`, or an edit) and syncs again.
    package func sync(
        remote: String = "origin", access: RemoteAccess, settlement: SyncSettlement? = nil, maxAttempts: Int = 10
    ) throws(LedgerError) -> SyncReport {
        let repo = repository
        let branch = try branch()
        guard branch.hasPrefix("refs/heads/") else { throw LedgerError.conflict("HEAD is not on a branch; check out the main branch (git switch main) first") }
        let short = String(branch.dropFirst("refs/heads/".count))
        let tracking = "refs/remotes/\(remote)/\(short)"
        let url: String?
        do { url = try repo.remoteURL(remote) } catch { throw error.context("reading remote \(remote)") }
        guard let url else {
            throw LedgerError.notFound("this ledger has no remote `\(remote)`; add one (git remote add \(remote) URL) or start from `duetrail clone URL`")
        }
        let settle = try settlementRule(settlement)
        // Names given to settle must name conflicts: checked on the first merge, before anything moves.
        var namesChecked = settlement?.namedKeys.isEmpty ?? true
        func refuseUnmerged() throws(LedgerError) {
            guard !namesChecked else { return }
            throw LedgerError.badRequest(
                "nothing is in conflict with \(remote)/\(short), so there is nothing to settle for \(Self.listed(settlement?.namedKeys ?? [])); nothing was changed. Run `duetrail sync` without --take")
        }
        var report = SyncReport(remote: remote, branch: short)
        Timings.mark("open")
        var pause: UInt32 = 20_000
        for attempt in 1...maxAttempts {
            report.retries = attempt - 1
            // Someone pushed first last time: let the other writers' pushes land before
            // fetching again (growing, with jitter, so writers that collided spread out).
            if attempt > 1 { LockRetry.pause(&pause) }
            let local: ObjectID?, remoteTip: ObjectID?
            do {
                try repo.fetch(remote: remote, access: access)
                Timings.mark("fetch")
                local = try repo.resolve(reference: branch)
                remoteTip = try repo.resolve(reference: tracking)
            } catch {
                throw error.context("fetching from \(remote) (\(GitCredential.redacted(url)))")
            }
            if report.before == nil { report.before = local }
            report.after = local
            guard let remoteTip else {
                // An empty remote (or a new branch): publish ours.
                try refuseUnmerged()
                guard let local else { return report }
                report.sent = try count(from: local, excluding: nil)
                if try push(remote: remote, branch: branch, access: access) { report.outcome = .pushed; return report }
                continue
            }
            guard let local else {
                try refuseUnmerged()
                try moveBranch(branch, from: nil, to: remoteTip, tree: try tree(of: remoteTip), report: &report)
                report.received = try count(from: remoteTip, excluding: nil)
                report.outcome = .fastForwarded
                return report
            }
            if local == remoteTip { try refuseUnmerged(); return report }
            let descends: Bool, behind: Bool
            do {
                descends = try repo.isAncestor(remoteTip, of: local)
                behind = try repo.isAncestor(local, of: remoteTip)
            } catch { throw error.context("comparing with \(remote)") }
            if behind || descends { try refuseUnmerged() }
            if behind {
                report.received += try count(from: remoteTip, excluding: local)
                try moveBranch(branch, from: local, to: remoteTip, tree: try tree(of: remoteTip), report: &report)
                report.after = remoteTip
                if report.outcome != .merged { report.outcome = .fastForwarded }
                return report
            }
            var head = local
            if !descends {
                let base: ObjectID?
                do { base = try repo.mergeBase(local, remoteTip) } catch { throw error.context("finding the common history") }
                let merged = try TreeMerge(repository: repo).merge(base: base, ours: local, theirs: remoteTip, settle: settle.side)
                Timings.mark("merge trees")
                if !namesChecked, let settlement {
                    let conflicted = merged.settled.map(\.path) + merged.conflicts.map(\.path)
                    let strays = settlement.namedKeys.filter { key in !conflicted.contains { settle.matches(key, $0) } }
                    if !strays.isEmpty {
                        let now = Array(Set(conflicted)).sorted()
                        throw LedgerError.badRequest(
                            "\(Self.listed(strays)) \(strays.count == 1 ? "is" : "are") not in conflict with \(remote)/\(short)"
                                + (now.isEmpty ? " (nothing is)" : " (in conflict: \(now.joined(separator: ", ")))")
                                + "; nothing was merged or pushed. Name an invoice number, a customer slug or a path that is in conflict")
                    }
                    namesChecked = true
                }
                for c in merged.settled { report.keptSides[c.path] = settle.side(c.path) }
                report.received += try count(from: remoteTip, excluding: local)
                report.mergedFiles += merged.merged
                report.settled += merged.settled
                report.mine = try count(from: local, excluding: remoteTip)
                guard let tree = merged.tree else {
                    report.conflicts = merged.conflicts
                    report.outcome = .conflicts
                    return report
                }
                head = try commitMerge(tree: tree, ours: local, theirs: remoteTip, remote: remote, short: short, report: report)
                Timings.mark("commit merge")
                try moveBranch(branch, from: local, to: head, tree: tree, report: &report)
                Timings.mark("update working tree")
                report.after = head
                report.outcome = .merged
            }
            report.sent = try count(from: head, excluding: remoteTip)
            defer { Timings.mark("push") }
            if try push(remote: remote, branch: branch, access: access) {
                if report.outcome != .merged { report.outcome = .pushed }
                return report
            }
            // Someone pushed first: fetch their work and merge again.
        }
        throw LedgerError.lostRace("\(remote) kept moving while syncing (\(maxAttempts) attempts); your commits are safe here; run sync again")
    }

    /// Which side to keep for a conflicted path, from `--take SIDE [CASE…]…`, and whether a
    /// key names a path: the path itself (or a folder of it), `customer/invoice`, a customer
    /// slug (its customer file and all its cases), or an invoice number.
    private func settlementRule(_ settlement: SyncSettlement?) throws(LedgerError) -> (side: (String) -> CaseMerge.Side?, matches: (String, String) -> Bool) {
        guard let settlement else { return ({ _ in nil }, { _, _ in false }) }
        var numbered: [String: Set<String>] = [:]
        if !settlement.namedKeys.isEmpty {
            let snapshot = try snapshot()
            for key in settlement.namedKeys { numbered[key] = Set(snapshot.find(key).map(\.path)) }
        }
        let known = numbered
        let matches = { (key: String, path: String) -> Bool in
            var k = key
            while k.hasSuffix("/") { k.removeLast() }
            if k.hasPrefix("./") { k.removeFirst(2) }
            guard !k.isEmpty else { return false }
            if path == k || path.hasPrefix(k + "/") || path == "cases/\(k).md" || known[key]?.contains(path) == true { return true }
            let lower = k.lowercased()
            if path == "customers/\(lower).yaml" || path.hasPrefix("cases/\(lower)/") { return true }
            // An invoice number: its case file is named by it (INV-1042 → …/inv-1042.md), on either side.
            if let slug = Slug.make(k), path.hasPrefix("cases/"), path.hasSuffix("/\(slug).md") { return true }
            return false
        }
        let named = settlement.choices.filter { !$0.keys.isEmpty }
        let rest = settlement.choices.first { $0.keys.isEmpty }?.side
        let side = { (path: String) -> CaseMerge.Side? in
            named.first { choice in choice.keys.contains { matches($0, path) } }?.side ?? rest
        }
        return (side, matches)
    }

    private static func listed(_ keys: [String]) -> String { keys.map { "`\($0)`" }.joined(separator: ", ") }

    private func tree(of commit: ObjectID) throws(LedgerError) -> ObjectID {
        do { return try repository.commit(commit).tree } catch { throw error.context("reading \(commit.short)") }
    }

    /// Commits reachable from `tip` and not from `excluding`.
    private func count(from tip: ObjectID, excluding: ObjectID?) throws(LedgerError) -> Int {
        do {
            guard let excluding else { return try repository.log(from: tip).count }
            return try repository.log(from: tip, hiding: excluding).count
        } catch { throw error.context("counting commits") }
    }

    private func commitMerge(
        tree: ObjectID, ours: ObjectID, theirs: ObjectID, remote: String, short: String, report: SyncReport
    ) throws(LedgerError) -> ObjectID {
        let identity = try identity()
        var change = ChangeSet(subject: "sync: merge \(remote)/\(short)", trailers: [.action(.sync)])
        var body: [String] = []
        if !report.mergedFiles.isEmpty { body.append("Merged by meaning:\n" + report.mergedFiles.map { "  \($0)" }.joined(separator: "\n")) }
        if !report.settled.isEmpty { body.append("Settled by hand:\n" + report.settled.map { "  \($0.path): \($0.what) (kept \(report.keptSides[$0.path]?.rawValue ?? "?"))" }.joined(separator: "\n")) }
        change.body = body.joined(separator: "\n\n")
        let signature = signature(identity)
        do {
            return try repository.writeCommit(tree: tree, parents: [ours, theirs], author: signature, committer: signature, message: change.message)
        } catch { throw error.context("committing the merge") }
    }

    /// Moves the branch from `old` to `new` (compare-and-swap) and brings the working tree
    /// along: only the files that differ, only where they hold no uncommitted edits. An
    /// untracked draft in the way of an incoming file is kept aside, never overwritten.
    private func moveBranch(_ branch: String, from old: ObjectID?, to new: ObjectID, tree: ObjectID, report: inout SyncReport) throws(LedgerError) {
        guard !repository.isBare else { return try moveBranchHoldingClone(branch, from: old, to: new, tree: tree, report: &report) }
        try cloneLock.holding { () throws(LedgerError) in
            _ = try finishInterruptedCheckout()
            try moveBranchHoldingClone(branch, from: old, to: new, tree: tree, report: &report)
        }
    }

    private func moveBranchHoldingClone(_ branch: String, from old: ObjectID?, to new: ObjectID, tree: ObjectID, report: inout SyncReport) throws(LedgerError) {
        let repo = repository
        // Another command of this clone may have committed while this sync fetched and
        // merged: its files are not edits, and the move below would lose the race anyway.
        if try branchTip() != old {
            throw LedgerError.lostRace("the branch moved while syncing (another command committed); nothing was lost; run sync again")
        }
        let oldTree = try old.map { (o: ObjectID) throws(LedgerError) in try self.tree(of: o) }
        // Decide everything before touching a file: a refusal leaves the working tree as it was.
        var changed: [String: ObjectID?] = [:]
        var sameBytes: [String] = [], draftsInTheWay: [String] = []
        if !repo.isBare {
            do { changed = try repo.changedFiles(from: oldTree, to: tree) } catch { throw error.context("comparing trees") }
            let dirty: [String]
            do { dirty = try repo.modifiedPaths(changed.keys.sorted(), comparedTo: oldTree) } catch { throw error.context("checking the working tree") }
            var blocking: [String] = []
            for path in dirty {
                let wasTracked: Bool
                do { wasTracked = try oldTree.map { (t: ObjectID) throws(GitError) in try repo.entry(at: path, inTree: t) != nil } ?? false } catch {
                    throw error.context("reading \(path)")
                }
                guard !wasTracked else { blocking.append(path); continue }
                // Untracked: the same bytes are no loss; a draft is kept aside; anything else waits.
                if let blob = changed[path] ?? nil, let incoming = try? repo.readBlob(blob),
                    FileManager.default.contents(atPath: root + "/" + path) == Data(incoming)
                {
                    sameBytes.append(path)
                } else if path.hasPrefix(Self.outboxFolder + "/") {
                    draftsInTheWay.append(path)
                } else {
                    blocking.append(path)
                }
            }
            if !blocking.isEmpty {
                let lagging = laggingPaths(blocking)
                throw lagging.isEmpty ? LedgerError.dirtyPaths(blocking.sorted()) : LedgerError.cloneBehind(lagging.sorted())
            }
        }
        do {
            try moveBranchRecorded(branch, to: new, expected: old, baseline: oldTree, tree: tree, message: "sync: \(old?.short ?? "(none)") → \(new.short)")
        } catch where error.code == .modified || error.code == .exists {
            throw LedgerError.lostRace("the branch moved while syncing (another command committed); nothing was lost; run sync again")
        } catch {
            throw error.context("moving \(branch)")
        }
        guard !repo.isBare else { return }
        // A draft that cannot be moved aside is not overwritten: its incoming file waits.
        let moved = keepAside(drafts: draftsInTheWay, in: "sync")
        report.keptAside += moved.map { "\($0.path) → \($0.copy)" }
        let stuck = Set(draftsInTheWay).subtracting(moved.map(\.path))
        for path in sameBytes { unlink(root + "/" + path) }
        // Only the changed files are written and indexed (a checkout would walk all of a
        // 100,000-file working tree); they held no edits, checked above.
        var files: [WorkingFile] = []
        do {
            for (path, blob) in changed.sorted(by: { $0.key < $1.key }) where !stuck.contains(path) {
                files.append(WorkingFile(path: path, bytes: try blob.map { (b: ObjectID) throws(GitError) in try repo.readBlob(b) }, blob: blob))
            }
        } catch {
            throw error.context("reading what \(new.short) changed")
        }
        try updateWorkingTree(files, tree: tree, baseline: oldTree, commit: new)
        PendingCheckout.remove(gitDirectory: repo.gitDirectory)
        if !stuck.isEmpty {
            throw LedgerError.io(path: root, message: "\(branch) is now at \(new.short), but these untracked drafts could not be moved aside and were left as they are: \(stuck.sorted().joined(separator: " ")); move them elsewhere, then: git checkout HEAD -- \(stuck.sorted().joined(separator: " "))")
        }
        try? journal(tree: tree, base: oldTree, hints: SummaryHints())
    }

    /// Pushes the branch; false when the remote refused because it moved on.
    private func push(remote: String, branch: String, access: RemoteAccess) throws(LedgerError) -> Bool {
        let outcome: PushOutcome
        do { outcome = try repository.push(remote: remote, refspec: "\(branch):\(branch)", access: access) } catch {
            throw error.context("pushing to \(remote)")
        }
        guard let why = outcome.rejected[branch] else { return true }
        let lower = why.lowercased()
        if lower.contains("fast-forward") || lower.contains("fetch first") || lower.contains("stale") || lower.contains("failed to update ref")
            || lower.contains("non-fast") || lower.contains("cannot lock")
        {
            return false
        }
        throw LedgerError.conflict("\(remote) refused \(branch): \(why); nothing of yours was lost")
    }
}
