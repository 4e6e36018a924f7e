import DueTrailCore
import GitStore

/// Why a ledger operation stopped. Each case reads as a sentence a person can act on.
public enum LedgerError: Error, CustomStringConvertible {
    case notALedger(String)
    case git(GitError, doing: String)
    case invalid(DiagnosticList)
    case dirtyPaths([String])
    case io(path: String, message: String)
    case usage(String)
    case raceLost(attempts: Int)

    public var description: String {
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
        case .io(let path, let message):
            return "\(path): \(message)"
        case .usage(let message):
            return message
        case .raceLost(let attempts):
            return "the ledger kept changing underneath (\(attempts) attempts); try again"
        }
    }
}

extension GitError {
    func context(_ doing: String) -> LedgerError { .git(self, doing: doing) }
}
