import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct PayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Record a payment on a case (partial or full).",
        discussion: """
            A payment in full closes the case and withdraws any draft for it, approved or not: a paid \
            invoice is never chased. More than the balance is refused unless --allow-overpayment \
            (the rest then shows as a credit).
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number.")
    var invoice: String

    @Option(help: ArgumentHelp("The amount paid, e.g. 500, 1250.50 or 1.250,50 EUR, read by `number_format` in duetrail.yaml; one that reads two ways (1,500) is refused.", valueName: "amount"))
    var amount: String?

    @Option(name: .customLong("from-unapplied"), help: ArgumentHelp("Apply a payment an import kept as unapplied (its id from `duetrail unapplied`): its amount, date and reference, and it leaves unapplied/ in the same commit.", valueName: "id"))
    var fromUnapplied: String?

    @Option(help: ArgumentHelp("When it was paid, YYYY-MM-DD (default: today).", valueName: "date"))
    var date: String?

    @Option(help: ArgumentHelp("The bank or payment reference.", valueName: "text"))
    var reference: String?

    @Flag(name: .customLong("allow-overpayment"), help: "Accept more than the balance; the rest shows as a credit.")
    var allowOverpayment = false

    func validate() throws {
        if amount == nil && fromUnapplied == nil { throw ValidationError("say how much with --amount (or apply an unapplied payment with --from-unapplied ID)") }
        if amount != nil && fromUnapplied != nil { throw ValidationError("--from-unapplied brings its own amount; leave out --amount") }
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded {
            let unapplied = try fromUnapplied.map { id throws(LedgerError) in try ledger.unappliedPayment(id) }
            return try ledger.pay(invoice, amount: amount ?? "", date: try date.map { try CaseActionOutput.date($0, option: "--date") }, reference: reference,
                allowOverpayment: allowOverpayment, fromUnapplied: unapplied)
        }
        CaseActionOutput.print(result) { "a payment of \($0?.display ?? amount ?? "")" }
        for c in result.cases {
            Terminal.print("Balance now \(c.state.balance.display)" + (c.state.balance.amount <= 0 ? " — paid in full, case closed" : ""))
        }
    }
}
