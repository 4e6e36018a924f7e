import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new ledger repository with settings, a cadence placeholder and the shipped templates.",
        discussion: "The first commit is authored by you (git's user.name and user.email).")

    @Argument(help: "Folder for the new ledger (created; must be empty).")
    var directory: String = "."

    @Flag(help: "Create a bare repository (for a shared server or the portal).")
    var bare = false

    @Option(help: "Your company's name, as customers know it.")
    var company: String = "Your Company"

    @Option(help: "Default currency code for invoices without one.")
    var currency: String = "EUR"

    @Option(help: "Timezone for dates and times (e.g. Europe/Berlin).")
    var timezone: String = TimeZone.current.identifier

    @Option(name: .customLong("sender-email"), help: "Address reminders come from (and replies go to).")
    var senderEmail: String = "accounts@example.com"

    func validate() throws {
        guard Currency(code: currency) != nil else { throw ValidationError("--currency takes a code like EUR, not `\(currency)`") }
        guard TimeZone(identifier: timezone) != nil else { throw ValidationError("--timezone takes a name like Europe/Berlin, not `\(timezone)`") }
        guard EmailAddress.isPlausible(senderEmail) else { throw ValidationError("--sender-email `\(senderEmail)` is not an email address") }
    }

    func run() throws {
        guard let currency = Currency(code: currency), let tz = TimeZone(identifier: timezone) else { throw ExitCode.validationFailure }
        let config = LedgerConfig(company: company, senderName: "Accounts at \(company)", senderEmail: senderEmail, currency: currency, timezone: tz,
            extra: TransportSettings.initialText)
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        let ledger = try guarded { try Ledger.initialize(at: path, bare: bare, config: config) }
        if !bare { try guarded { try ledger.installMergeDriver(executable: DueTrailExecutable.path) } }
        Terminal.print("Created a\(bare ? " bare" : "") DueTrail ledger in \(ledger.root)")
        Terminal.print("Next: edit duetrail.yaml, then `duetrail import invoices FILE.csv`")
    }
}
