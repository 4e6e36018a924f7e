import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct ApplyCreditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply-credit",
        abstract: "Apply a customer's credit (an overpayment, a credit note) to another of its open invoices, as one commit.",
        discussion: """
            A credit is a case whose balance went below zero. The amount (default: as much as the \
            credit and the invoice allow) leaves the oldest credits first, as `credit-applied` \
            events, and reaches the invoice as a `credited` event, in the invoice's currency. \
            `duetrail queue` lists every customer's credits.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The customer (slug, as in customers/<slug>.yaml).")
    var customer: String

    @Option(help: ArgumentHelp("The open invoice to apply it to.", valueName: "invoice"))
    var to: String

    @Option(help: ArgumentHelp("How much (in the invoice's currency); default: all that fits.", valueName: "amount"))
    var amount: String?

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.applyCredit(customer: customer, to: to, amount: amount) }
        for c in result.cases {
            let part = result.amounts[c.facts.number]?.display ?? "credit"
            if c.state.balance.amount < 0 || c.facts.number.lowercased() != to.lowercased() {
                Terminal.print("Took \(part) of credit from \(c.facts.number) (credit left \(Money(max(0, -c.state.balance.amount), c.state.balance.currency).display))")
            } else {
                Terminal.print("Applied \(part) to \(c.facts.number); balance now \(c.state.balance.display)")
            }
        }
        for path in result.withdrawnDrafts { Terminal.print("Withdrew \(path): a paid invoice is never chased") }
        if let commit = result.commit { Terminal.print("Commit \(commit.short)") }
    }
}
