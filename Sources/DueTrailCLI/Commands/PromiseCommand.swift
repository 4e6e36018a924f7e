import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct PromiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promise",
        abstract: "Record a promise to pay by a date; the cadence pauses until then.",
        discussion: """
            The cadence waits until the promised date plus the grace period (`promise_grace` in \
            cadence.yaml, default 2 business days). If the balance has not come down by the promised \
            amount (all of it when no amount is given) by then, the promise is broken: the case tops \
            the queue and a broken-promise follow-up is drafted. A date in the past, or beyond \
            `promise_horizon` (default 90 days), is refused.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice numbers.")
    var cases: [String]

    @Option(help: ArgumentHelp("The promised date, YYYY-MM-DD.", valueName: "date"))
    var date: String

    @Option(help: ArgumentHelp("The amount promised (default: the whole balance), read like pay --amount.", valueName: "amount"))
    var amount: String?

    @Option(help: ArgumentHelp("How it was promised.", valueName: "phone|email|portal|meeting"))
    var via: String?

    @Option(help: ArgumentHelp("A note for the timeline.", valueName: "text"))
    var note: String?

    func validate() throws {
        if let via, !["phone", "email", "portal", "meeting"].contains(via) { throw ValidationError("--via is one of phone, email, portal, meeting") }
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded {
            try ledger.promise(cases, date: try CaseActionOutput.date(date, option: "--date"), amount: amount, via: via, note: note)
        }
        CaseActionOutput.print(result) { money in "a promise to pay " + (money.map { "\($0.display) " } ?? "the whole balance ") + "by \(date)" }
    }
}
