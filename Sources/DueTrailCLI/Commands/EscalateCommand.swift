import ArgumentParser
import DueTrailLedger

struct EscalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate",
        abstract: "Hand a case to legal, a collection agency or someone else; the cadence stops.",
        discussion: "Only ever done by a person: no cadence step escalates by itself. `deescalate` reverses it.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Option(help: ArgumentHelp("Who takes it over.", valueName: "legal|agency|other"))
    var to: String

    @Option(help: ArgumentHelp("Why, for the timeline.", valueName: "text"))
    var note: String

    func validate() throws {
        if !["legal", "agency", "other"].contains(to) { throw ValidationError("--to is one of legal, agency, other") }
    }

    func run() throws {
        let ledger = try options.open()
        CaseActionOutput.print(try guarded { try ledger.escalate(cases, to: to, note: note) }, "an escalation to \(to)")
    }
}
