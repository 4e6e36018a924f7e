import DueTrailCore
import Foundation
import GitStore

/// A DueTrail ledger: a git repository (working clone or bare) holding `duetrail.yaml`,
/// `customers/` and `cases/`. Reads come from the committed state (HEAD), so every reader
/// sees what the team has agreed on, and the same on a bare repository.
package final class Ledger {
    package let repository: Repository
    package let config: LedgerConfig
    package let clock: LedgerClock
    package let environment: [String: String]
    /// The folder a person works in (the working tree, or the bare repository).
    package let root: String
    /// A summary cache read ahead on another core (see `preloadSummaries`).
    let preloadedCache = CacheBox()
    /// One writer at a time in this working clone (see `CloneLock`).
    let cloneLock: CloneLock
    /// What opening the ledger finished of a working-tree update an interrupted command left.
    package private(set) var recovered: CloneRepair?
    /// How long a commit waits for another writer of this working clone (`CloneLock`): two
    /// minutes for a person's command behind a long import; the portal waits less and answers
    /// "try again" rather than hold a thread its page views need.
    package var cloneLockTimeout: Double = 120
    /// Why such an update could not be finished on opening (the command goes on).
    package private(set) var recoveryProblem: String?

    init(repository: Repository, config: LedgerConfig, clock: LedgerClock, environment: [String: String]) {
        self.repository = repository
        self.config = config
        self.clock = clock
        self.environment = environment
        cloneLock = CloneLock(gitDirectory: repository.gitDirectory)
        // libgit2 gives folders with a trailing slash; paths are joined as `root + "/" + path`,
        // so without it (nothing printed shows `//`).
        var folder = repository.workingDirectory ?? repository.gitDirectory
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        root = folder
    }

    /// Opens the ledger containing `path` (`--ledger`, `DUETRAIL_LEDGER`, or the current folder).
    /// `finishingInterrupted`: finish a working-tree update an interrupted command left (every
    /// command does, but `repair --dry-run`, which must change nothing).
    package static func open(
        at path: String, today: CalendarDate? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        finishingInterrupted: Bool = true
    ) throws(LedgerError) -> Ledger {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            throw LedgerError.notFound("the ledger folder \(path) does not exist; point at an existing ledger with --ledger (or $DUETRAIL_LEDGER), or create one with `duetrail init \(path)`")
        }
        if !isFolder.boolValue { throw LedgerError.badRequest("\(path) is a file, not a ledger folder; point at the ledger's folder with --ledger") }
        let repo: Repository
        do {
            repo = try Repository.discover(from: path)
        } catch {
            // Only "no repository here" means no ledger; any other failure is git's to report.
            guard error.code == .notFound || !FileManager.default.fileExists(atPath: path) else { throw error.context("opening \(path)") }
            throw LedgerError.notALedger(path)
        }
        let text: String
        do {
            guard let head = try repo.headCommit(),
                let entry = try repo.entry(at: LedgerConfig.fileName, inTree: try repo.commit(head).tree)
            else { throw LedgerError.notALedger(repo.workingDirectory ?? repo.gitDirectory) }
            text = String(decoding: try repo.readBlob(entry.id), as: UTF8.self)
        } catch let error as GitError {
            throw error.context("reading \(LedgerConfig.fileName)")
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.notALedger(path)
        }
        let config: LedgerConfig
        do {
            config = try LedgerConfig.parse(text)
        } catch {
            throw LedgerError.invalid(DiagnosticList([error]))
        }
        let now = environment["DUETRAIL_NOW"].flatMap(LedgerClock.parseInstant)
        let clock = LedgerClock(timezone: config.timezone, today: today, now: now)
        let ledger = Ledger(repository: repo, config: config, clock: clock, environment: environment)
        // The next command after a crash finishes what the crashed one left half-written. If
        // that cannot be done now, the command still runs (a read needs no working files) and
        // says why; a command that writes meets the same cause and names it.
        if finishingInterrupted {
            do { ledger.recovered = try ledger.finishInterruptedCheckout() } catch { ledger.recoveryProblem = error.description }
        }
        return ledger
    }

    /// The person acting (commit author).
    package func identity() throws(LedgerError) -> Identity {
        try Identity.resolve(repository, environment: environment)
    }

    /// The signature for a commit made now by `identity`.
    func signature(_ identity: Identity) -> Signature {
        Signature(name: identity.name, email: identity.email, time: clock.instant,
            offsetMinutes: config.timezone.secondsFromGMT(for: clock.instant) / 60)
    }

    package func branch() throws(LedgerError) -> String {
        do { return try repository.headBranch() } catch { throw error.context("reading HEAD") }
    }

    /// The tree of the current branch's tip.
    package func headTree() throws(LedgerError) -> ObjectID {
        let head: ObjectID?
        do { head = try repository.headCommit() } catch { throw error.context("reading HEAD") }
        guard let head else { throw LedgerError.notALedger(root) }
        do { return try repository.commit(head).tree } catch { throw error.context("reading HEAD") }
    }

    /// The tree of `base`, the commit an action builds on: no commit at all is no ledger; a
    /// commit that cannot be read is a repository failure, said as such.
    func tree(ofBase base: ObjectID?) throws(LedgerError) -> ObjectID {
        guard let base else { throw LedgerError.notALedger(root) }
        do { return try repository.commit(base).tree } catch { throw error.context("reading commit \(base.short)") }
    }

    /// The tip of the current branch, nil before the first commit.
    func branchTip() throws(LedgerError) -> ObjectID? {
        let name = try branch()
        do { return try repository.resolve(reference: name) } catch { throw error.context("reading \(name)") }
    }

    /// The committed bytes of `path` at `tree`, or nil when absent.
    package func read(_ path: String, inTree tree: ObjectID) throws(LedgerError) -> String? {
        do {
            guard let entry = try repository.entry(at: path, inTree: tree) else { return nil }
            return String(decoding: try repository.readBlob(entry.id), as: UTF8.self)
        } catch {
            throw error.context("reading \(path)")
        }
    }
}

/// Holds a summary cache, or a whole snapshot, read on a background thread until the
/// foreground takes it.
final class CacheBox: @unchecked Sendable {
    private let lock = NSLock()
    private let group = DispatchGroup()
    private var value: SummaryCache?
    private var snapshot: LedgerSnapshot?

    /// Summarises HEAD on another core through a handle of its own (libgit2 handles are not
    /// shared between threads), while the caller does other work.
    func loadSnapshot(gitDirectory: String, config: LedgerConfig, clock: LedgerClock, environment: [String: String]) {
        group.enter()
        DispatchQueue.global().async {
            var result: LedgerSnapshot?
            if let repo = try? Repository.open(at: gitDirectory) {
                let background = Ledger(repository: repo, config: config, clock: clock, environment: environment)
                result = try? background.snapshot()
            }
            self.lock.lock()
            self.snapshot = result
            self.lock.unlock()
            self.group.leave()
        }
    }

    /// Waits for a load in flight, and hands over its cache once.
    func take() -> SummaryCache? {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        let out = value
        value = nil
        return out
    }

    /// The snapshot read in the background, if it is of `commit`.
    func takeSnapshot(of commit: ObjectID?) -> LedgerSnapshot? {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        guard let s = snapshot, s.commit == commit else { return nil }
        snapshot = nil
        return s
    }
}

extension Ledger {
    /// Starts summarising HEAD on another core while the caller does other work (an import
    /// reads its export meanwhile); `preloadedSnapshot(of:)` hands it over.
    package func preloadSnapshot() {
        preloadedCache.loadSnapshot(gitDirectory: repository.gitDirectory, config: config, clock: clock, environment: environment)
    }

    func preloadedSnapshot(of commit: ObjectID?) -> LedgerSnapshot? {
        preloadedCache.takeSnapshot(of: commit)
    }
}
