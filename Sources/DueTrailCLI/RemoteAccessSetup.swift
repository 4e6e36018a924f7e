import DueTrailLedger
import Foundation
import GitStore

/// How the commands reach a remote: https passwords from `git credential` (never a prompt),
/// ssh through the agent and then `~/.ssh/id_*`, and a progress line on a terminal.
enum RemoteAccessSetup {
    static func make(environment: [String: String] = ProcessInfo.processInfo.environment) -> RemoteAccess {
        RemoteAccess(
            password: { url, username in
                guard let answer = GitCredential.fill(GitCredential.fields(forURL: url, username: username), environment: environment),
                    let password = answer["password"]
                else { return nil }
                return (answer["username"] ?? username ?? "", password)
            },
            passwordWorked: { url, username, password, worked in
                var fields = GitCredential.fields(forURL: url, username: username)
                fields.append(("password", password))
                GitCredential.report(worked: worked, fields, environment: environment)
            },
            progress: { received, total in
                guard total > 200, received == total || received % 500 == 0 else { return }
                Terminal.progress("Receiving objects: \(received)/\(total)")
            })
    }
}
