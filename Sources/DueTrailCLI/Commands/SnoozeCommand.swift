import ArgumentParser
import DueTrailLedger

struct SnoozeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snooze",
        abstract: "No reminders for cases until a date.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Option(help: ArgumentHelp("The first day reminders may resume, YYYY-MM-DD.", valueName: "date"))
    var until: String

    @Option(help: ArgumentHelp("Why, for the timeline.", valueName: "text"))
    var reason: String

    func run() throws {
        let ledger = try options.open()
        CaseActionOutput.print(try guarded { try ledger.snooze(cases, until: try CaseActionOutput.date(until, option: "--until"), reason: reason) }, "a snooze until \(until)")
    }
}
