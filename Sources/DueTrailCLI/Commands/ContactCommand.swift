import ArgumentParser
import DueTrailLedger

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Log a call, a meeting or an email from the customer on cases.",
        discussion: "A call on a case whose cadence has a call step due (`duetrail tasks`) finishes that step.")

    enum Kind: String, EnumerableFlag {
        case call, meeting
        case emailIn = "email-in"
        static func name(for value: Kind) -> NameSpecification { .customLong(value.rawValue) }
    }

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Flag(help: "What kind of contact.")
    var kind: Kind

    @Option(help: ArgumentHelp("Who you spoke with.", valueName: "name"))
    var with: String?

    @Option(help: ArgumentHelp("What was said.", valueName: "text"))
    var summary: String

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.contact(cases, via: kind.rawValue, with: with, summary: summary) }
        CaseActionOutput.print(result, "a \(kind.rawValue)")
        for (number, step) in result.finishedSteps.sorted(by: { $0.key < $1.key }) {
            Terminal.print("The call finishes step `\(step)` of \(number)'s cadence; the cadence moves on.")
        }
    }
}
