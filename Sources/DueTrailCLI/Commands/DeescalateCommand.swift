import ArgumentParser
import DueTrailLedger

struct DeescalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deescalate",
        abstract: "Take an escalated case back into the cadence.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Option(help: ArgumentHelp("Why, for the timeline.", valueName: "text"))
    var note: String

    func run() throws {
        let ledger = try options.open()
        CaseActionOutput.print(try guarded { try ledger.deescalate(cases, note: note) }, "a de-escalation")
    }
}
