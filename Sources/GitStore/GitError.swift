import Foundation
internal import CLibgit2

/// A libgit2 failure, carrying the function that failed and libgit2's own message,
/// so a person sees *what* git refused instead of a bare error code.
package struct GitError: Error, CustomStringConvertible, Sendable {
    /// The broad reason, for callers that react to specific failures (a race, a missing object).
    package enum Code: Sendable, Equatable {
        case notFound
        case exists
        case modified  // compare-and-swap lost: someone moved the ref first
        case unbornBranch
        case conflict
        case locked
        case bareRepository
        case owner
        case other(Int32)
    }

    package let code: Code
    package let function: String
    package let message: String

    package var description: String { "\(function): \(message)" }

    package init(code: Code, function: String, message: String) {
        self.code = code
        self.function = function
        self.message = message
    }

    static func from(_ result: Int32, function: String) -> GitError {
        // Read the error right after the failure; libgit2 1.5 may return NULL here.
        var message = "libgit2 error \(result)"
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let code: Code
        switch result {
        case GIT_ENOTFOUND.rawValue: code = .notFound
        case GIT_EEXISTS.rawValue: code = .exists
        case GIT_EMODIFIED.rawValue: code = .modified
        case GIT_EUNBORNBRANCH.rawValue: code = .unbornBranch
        case GIT_ECONFLICT.rawValue, GIT_EMERGECONFLICT.rawValue: code = .conflict
        case GIT_ELOCKED.rawValue: code = .locked
        case GIT_EBAREREPO.rawValue: code = .bareRepository
        case GIT_EOWNER.rawValue: code = .owner
        default:
            // libgit2 reports a lock file it could not create (another writer made it a moment
            // earlier) as a plain error: it is the same lost race as GIT_ELOCKED.
            code = message.hasPrefix("failed to lock file") || message.hasPrefix("failed to create lock file") ? .locked : .other(result)
        }
        git_error_clear()
        return GitError(code: code, function: function, message: message)
    }
}

/// Throws a `GitError` when a libgit2 call returned a negative code.
@inline(__always)
func check(_ result: Int32, _ function: String) throws(GitError) {
    if result < 0 { throw GitError.from(result, function: function) }
}

