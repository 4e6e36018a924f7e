import Foundation
import GitStore

/// Who is acting: the author of every commit the tool makes. Honours `GIT_AUTHOR_NAME` /
/// `GIT_AUTHOR_EMAIL` as git does (libgit2 does not), then `user.name` / `user.email`.
package struct Identity: Sendable, Equatable {
    package var name: String
    package var email: String

    package init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    static func resolve(_ repo: Repository, environment: [String: String]) throws(LedgerError) -> Identity {
        if let name = environment["GIT_AUTHOR_NAME"], !name.isEmpty, let email = environment["GIT_AUTHOR_EMAIL"], !email.isEmpty {
            return Identity(name: name, email: email)
        }
        do {
            let (name, email) = try repo.defaultIdentity()
            return Identity(name: name, email: email)
        } catch {
            throw LedgerError.badRequest("who is acting? \(error.message)")
        }
    }
}
