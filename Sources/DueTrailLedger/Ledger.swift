import DueTrailCore
import Foundation
import GitStore

/// A DueTrail ledger: a git repository (working clone or bare) holding `duetrail.yaml`,
/// `customers/` and `cases/`. Reads come from the committed state (HEAD), so every reader
/// sees what the team has agreed on, and the same on a bare repository.
public final class Ledger {
    public let repository: Repository
    public let config: LedgerConfig
    public let clock: LedgerClock
    public let environment: [String: String]
    /// The folder a person works in (the working tree, or the bare repository).
    public let root: String

    init(repository: Repository, config: LedgerConfig, clock: LedgerClock, environment: [String: String]) {
        self.repository = repository
        self.config = config
        self.clock = clock
        self.environment = environment
        root = repository.workingDirectory ?? repository.gitDirectory
    }

    /// Opens the ledger containing `path` (`--ledger`, `DUETRAIL_LEDGER`, or the current folder).
    public static func open(
        at path: String, today: CalendarDate? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LedgerError) -> Ledger {
        let repo: Repository
        do {
            repo = try Repository.discover(from: path)
        } catch {
            if error.code == .owner { throw error.context("opening \(path)") }
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
        return Ledger(repository: repo, config: config, clock: clock, environment: environment)
    }

    /// The person acting (commit author).
    public func identity() throws(LedgerError) -> Identity {
        try Identity.resolve(repository, environment: environment)
    }

    /// The signature for a commit made now by `identity`.
    func signature(_ identity: Identity) -> Signature {
        Signature(name: identity.name, email: identity.email, time: clock.instant,
            offsetMinutes: config.timezone.secondsFromGMT(for: clock.instant) / 60)
    }

    public func branch() throws(LedgerError) -> String {
        do { return try repository.headBranch() } catch { throw error.context("reading HEAD") }
    }

    /// The committed bytes of `path` at `tree`, or nil when absent.
    public func read(_ path: String, inTree tree: ObjectID) throws(LedgerError) -> String? {
        do {
            guard let entry = try repository.entry(at: path, inTree: tree) else { return nil }
            return String(decoding: try repository.readBlob(entry.id), as: UTF8.self)
        } catch {
            throw error.context("reading \(path)")
        }
    }
}
