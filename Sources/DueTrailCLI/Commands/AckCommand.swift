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
        let clock = ledger.clock
        let result = try guarded {
            try ledger.record(
                on: invoices, action: "ack",
                subject: { cases in "ack: reply on \(cases.map(\.facts.number).joined(separator: ", ")) read" },
                validate: { (c: CaseSummary) throws(LedgerError) in
                    guard c.state.holds.replySince != nil || c.state.failingContact != nil else {
                        throw LedgerError.usage("\(c.facts.number) has no reply waiting and no failing address")
                    }
                },
                event: { _, who in TimelineEvent(date: clock.eventDate, minutes: clock.minutes, kind: "ack", text: note, who: who.name) })
        }
        for c in result.cases { Terminal.print("Acknowledged \(c.facts.number); its cadence goes on.") }
        if let commit = result.outcome?.commit { Terminal.print("Commit \(commit.short)") }
    }
}
