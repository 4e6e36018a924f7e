import ArgumentParser
import DueTrailLedger

struct DisputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "Record that the customer disputes a case; the cadence pauses until `resolve`.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Option(help: ArgumentHelp("What the customer disputes.", valueName: "text"))
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason is empty") }
    }

    func run() throws {
        let ledger = try options.open()
        CaseActionOutput.print(try guarded { try ledger.dispute(cases, reason: reason) }, "a dispute")
    }
}
