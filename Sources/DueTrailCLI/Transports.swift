import DueTrailCore
import GitStore
import DueTrailLedger
import DueTrailMail
import Foundation

/// Builds the transport `duetrail.yaml` names, with its password from where passwords live.
enum Transports {
    static func make(for ledger: Ledger, verbose: Bool) throws -> MailTransport {
        switch ledger.config.transport {
        case .maildir(let path):
            return MaildirTransport(folder: maildirFolder(path, ledger: ledger), now: ledger.clock.instant)
        case .sendmail(let command):
            return SendmailTransport(command: command)
        case .smtp(let settings):
            let password: String?
            do {
                password = try SMTPPassword.find(
                    settings: settings, ledgerRoot: ledger.root, environment: ledger.environment,
                    credentials: { host, port, username in
                        GitCredential.fill([("protocol", "smtp"), ("host", "\(host):\(port)"), ("username", username)], environment: ledger.environment)?["password"]
                    })
            } catch {
                throw CLIError(error.description)
            }
            let domain = ledger.config.senderEmail.split(separator: "@").last.map(String.init) ?? "localhost"
            return SMTPTransport(settings: settings, password: password, heloName: domain,
                transcript: verbose ? { Terminal.note("  " + $0) } : nil)
        }
    }

    /// The Maildir folder: as configured (`~` and paths relative to the ledger allowed), or
    /// `duetrail/maildir` in the git folder.
    static func maildirFolder(_ configured: String?, ledger: Ledger) -> String {
        guard let configured else { return (ledger.repository.gitDirectory as NSString).appendingPathComponent("duetrail/maildir") }
        if configured.hasPrefix("~/") { return (ledger.environment["HOME"] ?? NSHomeDirectory()) + configured.dropFirst(1) }
        if configured.hasPrefix("/") { return configured }
        return ledger.root + "/" + configured
    }
}
