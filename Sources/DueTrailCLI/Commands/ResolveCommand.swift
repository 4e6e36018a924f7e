import ArgumentParser
import DueTrailLedger

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Record how a dispute was settled (a credit reduces the balance); the cadence resumes.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Option(help: ArgumentHelp("A credit agreed, in the case's currency, read like pay --amount.", valueName: "amount"))
    var credit: String?

    @Option(help: ArgumentHelp("How it was settled.", valueName: "text"))
    var note: String

    func run() throws {
        let ledger = try options.open()
        CaseActionOutput.print(try guarded { try ledger.resolve(cases, credit: credit, note: note) }) { money in
            "the dispute's resolution" + (money.map { " with a credit of \($0.display)" } ?? "")
        }
    }
}
