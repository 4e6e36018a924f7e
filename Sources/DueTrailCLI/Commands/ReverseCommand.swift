import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct ReverseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverse",
        abstract: "Cancel an earlier event's effect (a payment typed twice, a promise on the wrong case); both stay on the timeline.",
        discussion: """
            Records a `reversed` event naming the event it cancels: the balance, the state, the \
            cadence and every report then read the case as if that event had not happened, while \
            the timeline, `history` and `audit` keep both. Then record the right event, if there \
            is one (`duetrail pay INV-1042 --amount 500`). A reminder sent cannot be reversed, nor \
            an import's facts (correct them in the accounting package and import again). Event ids \
            are the `#…` at the end of each timeline line (`duetrail show INV-1042`).
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number.")
    var invoice: String

    @Argument(help: ArgumentHelp("The event to cancel: its id as shown after `#` (a unique prefix of 4+ characters will do).", valueName: "#event-id"))
    var event: String

    @Option(help: ArgumentHelp("Why (it goes on the timeline).", valueName: "text"))
    var reason: String

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason is empty") }
    }

    func run() throws {
        let ledger = try options.open()
        let reversal = try guarded { try ledger.reverse(invoice, event: event, reason: reason) }
        let e = reversal.reversed
        if json {
            struct Out: Encodable { var invoice: String; var reversed: String; var kind: String; var balance: String; var currency: String; var status: String; var commit: String? }
            let c = reversal.result.cases.first
            Terminal.print(JSON.render(Out(
                invoice: c?.facts.number ?? invoice, reversed: e.id, kind: e.kind.wireName, balance: c?.state.balance.plain ?? "",
                currency: c?.state.balance.currency.code ?? "", status: c?.state.status.rawValue ?? "", commit: reversal.result.commit?.hex)))
            return
        }
        for c in reversal.result.cases {
            Terminal.print("Reversed #\(e.id) (\(e.kind.wireName) of \(e.date.iso) by \(e.who)) on \(c.facts.number); balance now \(c.state.balance.display), \(c.state.status.rawValue)")
        }
        if let commit = reversal.result.commit { Terminal.print("Commit \(commit.short)") }
        Terminal.print("If something else should stand in its place, record it now (e.g. `duetrail pay \(invoice) --amount …`).")
    }
}
