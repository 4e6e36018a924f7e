import Foundation
internal import CLibgit2

/// Who did something and when: the author or committer of a commit.
package struct Signature: Sendable, Equatable {
    package var name: String
    package var email: String
    package var time: Date
    /// Offset from UTC in minutes, as git records it.
    package var offsetMinutes: Int

    package init(name: String, email: String, time: Date = Date(), offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// Calls `body` with a libgit2 signature that lives only inside the closure.
    func withGitSignature<T>(_ body: (UnsafeMutablePointer<git_signature>) throws -> T) throws -> T {
        var sig: UnsafeMutablePointer<git_signature>?
        try check(
            git_signature_new(&sig, name, email, git_time_t(time.timeIntervalSince1970.rounded(.down)), Int32(offsetMinutes)),
            "git_signature_new")
        guard let sig else { throw GitError(code: .other(-1), function: "git_signature_new", message: "no signature") }
        defer { git_signature_free(sig) }
        return try body(sig)
    }

    init(_ sig: UnsafePointer<git_signature>) {
        name = String(cString: sig.pointee.name)
        email = String(cString: sig.pointee.email)
        time = Date(timeIntervalSince1970: TimeInterval(sig.pointee.when.time))
        offsetMinutes = Int(sig.pointee.when.offset)
    }
}
