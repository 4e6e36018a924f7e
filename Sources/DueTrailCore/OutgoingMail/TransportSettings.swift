import Foundation
import Yams

/// How `send` delivers: the `transport:` block of `duetrail.yaml`. Never holds a secret: an
/// SMTP password comes from `DUETRAIL_SMTP_PASSWORD`, a file outside the repository, or
/// `git credential fill`.
///
/// ```yaml
/// transport:
///   kind: smtp                  # maildir (the default) | sendmail | smtp
///   host: smtp.example.com
///   port: 587                   # default 587 (starttls), 465 (tls), 25 (none)
///   security: starttls          # starttls | tls | none (none only to this machine)
///   username: ar@example.com    # AUTH PLAIN or LOGIN when set
///   password_file: ~/.config/duetrail/smtp-password
///   ca_file: /etc/ssl/company-ca.pem   # trust this CA instead of the system's
///   timeout: 30                 # seconds per step
/// ```
package enum TransportSettings: Sendable, Equatable {
    /// A Maildir folder; `nil`: `duetrail/maildir` in the repository's git folder, never committed.
    case maildir(path: String?)
    /// A sendmail-compatible command, the message on its standard input.
    case sendmail(command: [String])
    case smtp(SMTPSettings)

    package static let defaultSendmail = ["/usr/sbin/sendmail", "-t", "-i"]

    package struct SMTPSettings: Sendable, Equatable {
        package enum Security: String, Sendable, CaseIterable { case starttls, tls, none }
        package var host: String
        package var port: Int
        package var security: Security
        package var username: String?
        package var passwordFile: String?
        package var caFile: String?
        package var timeoutSeconds: Int
        /// The name given in EHLO (default: the sender's domain).
        package var heloName: String?

        package init(host: String, port: Int, security: Security, username: String? = nil, passwordFile: String? = nil,
            caFile: String? = nil, timeoutSeconds: Int = 30, heloName: String? = nil)
        {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.passwordFile = passwordFile
            self.caFile = caFile
            self.timeoutSeconds = timeoutSeconds
            self.heloName = heloName
        }

        /// `localhost`, `127.x.x.x`, `::1`: where an unencrypted connection cannot be overheard.
        package var isLoopback: Bool { Self.isLoopback(host) }

        package static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        }
    }

    /// What a new ledger's `duetrail.yaml` says: nothing leaves the machine until a team
    /// configures a real transport.
    package static let initialText = """
        transport:
          kind: maildir          # maildir | sendmail | smtp — see the README, "Sending"
          # path: /home/me/Maildir/duetrail   (default: .git/duetrail/maildir, never committed)

        """

    /// Reads `transport:` from the configuration (`.maildir(nil)` when absent).
    package static func parse(_ map: YAMLMap) throws(Diagnostic) -> TransportSettings {
        guard let entry = map["transport"] else { return .maildir(path: nil) }
        guard let block = entry.value.mapping else {
            throw map.problem(entry, "`transport:` is a block of settings (`kind: smtp`, `host: …`)")
        }
        func text(_ key: String) -> (String, Int)? {
            guard let node = block[key] else { return nil }
            return (node.string ?? "", map.line(of: node) ?? entry.line)
        }
        func fail(_ line: Int, _ message: String, hint: String? = nil) -> Diagnostic {
            Diagnostic(path: map.path, line: line, message: message, excerpt: map.excerpt(line), hint: hint)
        }
        let known: Set<String> = ["kind", "path", "command", "host", "port", "security", "username", "password_file", "ca_file", "timeout", "helo", "password"]
        for (key, _) in block {
            let name = key.string ?? ""
            let line = map.line(of: key) ?? entry.line
            if name == "password" {
                throw fail(line, "passwords never go in duetrail.yaml (it is committed and shared)",
                    hint: "set DUETRAIL_SMTP_PASSWORD, or `password_file:` outside the repository, or store it with `git credential approve`")
            }
            if !known.contains(name) { throw fail(line, "unknown transport setting `\(name)`", hint: "known: \(known.subtracting(["password"]).sorted().joined(separator: ", "))") }
        }
        let (kind, kindLine) = text("kind") ?? ("maildir", entry.line)
        switch kind {
        case "maildir":
            return .maildir(path: text("path").map(\.0).flatMap { $0.isEmpty ? nil : $0 })
        case "sendmail":
            guard let (command, line) = text("command") else { return .sendmail(command: defaultSendmail) }
            let words = command.split(separator: " ").map(String.init)
            guard !words.isEmpty else { throw fail(line, "`command:` is empty", hint: "e.g. /usr/sbin/sendmail -t -i") }
            return .sendmail(command: words)
        case "smtp":
            guard let (host, hostLine) = text("host"), !host.isEmpty else {
                throw fail(kindLine, "an smtp transport needs `host:`")
            }
            var security = SMTPSettings.Security.starttls
            if let (value, line) = text("security") {
                guard let s = SMTPSettings.Security(rawValue: value) else {
                    throw fail(line, "`security` is one of starttls, tls, none — not `\(value)`")
                }
                security = s
            }
            if security == .none && !SMTPSettings.isLoopback(host) {
                throw fail(hostLine, "`security: none` sends the password and every message in clear text; it is only allowed to this machine (localhost)",
                    hint: "use `security: starttls` (port 587) or `security: tls` (port 465)")
            }
            var port = security == .tls ? 465 : security == .starttls ? 587 : 25
            if let (value, line) = text("port") {
                guard let p = Int(value), (1...65535).contains(p) else { throw fail(line, "`port` is a number from 1 to 65535, not `\(value)`") }
                port = p
            }
            var timeout = 30
            if let (value, line) = text("timeout") {
                guard let t = Int(value.hasSuffix("s") ? String(value.dropLast()) : value), (1...3600).contains(t) else {
                    throw fail(line, "`timeout` is a number of seconds (1 to 3600), not `\(value)`")
                }
                timeout = t
            }
            let username = text("username").map(\.0).flatMap { $0.isEmpty ? nil : $0 }
            return .smtp(SMTPSettings(
                host: host, port: port, security: security, username: username,
                passwordFile: text("password_file").map(\.0), caFile: text("ca_file").map(\.0),
                timeoutSeconds: timeout, heloName: text("helo").map(\.0)))
        default:
            throw fail(kindLine, "`kind` is one of maildir, sendmail, smtp — not `\(kind)`")
        }
    }
}
