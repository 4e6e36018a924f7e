import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

/// `duetrail ack CASE…`: someone has read the customer's reply; the cadence may go on.
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge a customer's reply or a bounced address, so the case's cadence goes on (any other action on the case does too).")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var invoices: [String]

    @Option(help: ArgumentHelp("What was done about the reply.", valueName: "text"))
    var note: String?

    func validate() throws {
        if invoices.isEmpty { throw ValidationError("name at least one case (an invoice number)") }
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.ack(invoices, note: note) }
        for c in result.cases { Terminal.print("Acknowledged \(c.facts.number); its cadence goes on.") }
        if let commit = result.commit { Terminal.print("Commit \(commit.short)") }
    }
}
