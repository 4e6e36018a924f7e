import DueTrailCore
import Foundation

/// Where an SMTP password comes from, in this order: `DUETRAIL_SMTP_PASSWORD`, the
/// `password_file:` (which must lie outside the ledger repository), or what
/// the credential store the caller hands in (the CLI asks `git credential fill` for
/// `smtp://HOST:PORT` and the username; this module knows nothing of git). Never from
/// `duetrail.yaml`, never printed.
package enum SMTPPassword {
    package enum Problem: Error, CustomStringConvertible {
        case insideRepository(String)
        case unreadable(String, String)
        case empty(String)

        package var description: String {
            switch self {
            case .insideRepository(let path):
                return "password_file \(path) is inside the ledger repository, where it could be committed; keep it outside (e.g. ~/.config/duetrail/smtp-password)"
            case .unreadable(let path, let why): return "cannot read password_file \(path): \(why)"
            case .empty(let path): return "password_file \(path) is empty"
            }
        }
    }

    /// A stored secret for `host`, `port` and `username`, or nil.
    package typealias CredentialStore = (_ host: String, _ port: Int, _ username: String) -> String?

    /// The password, or nil when none is configured anywhere.
    package static func find(
        settings: TransportSettings.SMTPSettings, ledgerRoot: String, environment: [String: String], credentials: CredentialStore
    ) throws(Problem) -> String? {
        guard let username = settings.username else { return nil }
        if let fromEnvironment = environment["DUETRAIL_SMTP_PASSWORD"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let file = settings.passwordFile {
            let path = URL(fileURLWithPath: SMTPTransport.expandingTilde(file), relativeTo: URL(fileURLWithPath: ledgerRoot)).standardizedFileURL.resolvingSymlinksInPath().path
            let root = URL(fileURLWithPath: ledgerRoot).standardizedFileURL.resolvingSymlinksInPath().path
            if path == root || path.hasPrefix(root + "/") { throw .insideRepository(file) }
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .unreadable(file, error.localizedDescription)
            }
            let password = text.trimmingCharacters(in: .newlines)
            guard !password.isEmpty else { throw .empty(file) }
            return password
        }
        return credentials(settings.host, settings.port, username)
    }
}
