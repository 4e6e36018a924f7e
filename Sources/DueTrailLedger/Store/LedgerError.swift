import DueTrailCore
import GitStore

/// Why a ledger operation stopped. Each case reads as a sentence a person can act on, and
/// says whose move it is: the person's (a bad request, something not found, a state that
/// does not allow it), nobody's (a race lost to another writer: try again), or the
/// repository's (a git or file failure someone must look at). The CLI maps them to exit codes
/// and the portal to HTTP statuses, each in one place.
package enum LedgerError: Error, CustomStringConvertible {
    /// The folder holds no ledger.
    case notALedger(String)
    /// What was asked makes no sense as given (a bad amount, a date in the past, a missing option).
    case badRequest(String)
    /// A case, customer, draft, commit or remote that is not there.
    case notFound(String)
    /// The ledger's current state does not allow it (already disputed, paid, a lock held).
    case conflict(String)
    /// Another writer kept moving the branch; nothing was written.
    case lostRace(String)
    /// Committed files that do not read (see `duetrail check`).
    case invalid(DiagnosticList)
    /// Uncommitted edits in files the action would rewrite.
    case dirtyPaths([String])
    /// Files whose working copy and index still hold an earlier commit's version: a command
    /// stopped between moving the branch and writing them.
    case cloneBehind([String])
    /// git refused or failed.
    case git(GitError, doing: String)
    /// A file outside git could not be read or written.
    case io(path: String, message: String)
    /// A rule of the tool's own was broken: a bug, reported as such.
    case internalFailure(String)

    /// `attempts` commits in a row lost to another writer.
    package static func raceLost(attempts: Int) -> LedgerError {
        .lostRace("the ledger kept changing underneath (\(attempts) attempts); nothing was written; try again")
    }

    package var description: String {
        switch self {
        case .notALedger(let path):
            return "\(path) is not a DueTrail ledger (no \(LedgerConfig.fileName) committed); create one with `duetrail init`, or point at one with --ledger"
        case .git(let error, let doing):
            if error.code == .owner {
                return "\(doing): the repository belongs to another user; git refuses it for safety (git config --global --add safe.directory PATH)"
            }
            return "\(doing): \(error.message) (\(error.function))"
        case .invalid(let list):
            return list.description
        case .dirtyPaths(let paths):
            let shown = paths.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = paths.count > 10 ? "\n  … and \(paths.count - 10) more" : ""
            return "uncommitted changes in files this would rewrite:\n\(shown)\(more)\ncommit them (git commit) or discard them (git checkout -- PATH) first; nothing was changed"
        case .cloneBehind(let paths):
            let shown = paths.prefix(10).map { "  \($0)" }.joined(separator: "\n")
            let more = paths.count > 10 ? "\n  … and \(paths.count - 10) more" : ""
            return "these files still hold an earlier version than the branch (HEAD): a command was stopped after committing and before writing them out:\n\(shown)\(more)\n"
                + "run `duetrail repair` to write them from HEAD (it leaves your own edits alone); do not `git commit` now, it would undo the last commit; nothing was changed"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .badRequest(let message), .notFound(let message), .conflict(let message), .lostRace(let message):
            return message
        case .internalFailure(let message):
            return "internal error (please report it): \(message)"
        }
    }

    /// Whose move it is, for the CLI's exit code and the portal's status.
    package enum Kind: Sendable, Equatable {
        /// The person's: fix the request, the files or the state, then run again.
        case person
        /// Nobody's: another writer won; running again will do.
        case retry
        /// The repository's or the tool's: someone must look.
        case failure
    }

    package var kind: Kind {
        switch self {
        case .notALedger, .badRequest, .notFound, .conflict, .invalid, .dirtyPaths, .cloneBehind: .person
        case .lostRace: .retry
        case .git, .io, .internalFailure: .failure
        }
    }
}

extension GitError {
    func context(_ doing: String) -> LedgerError { .git(self, doing: doing) }
}
