import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct UnappliedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unapplied",
        abstract: "Payments an import could not apply (no such invoice), kept in the ledger until a person places them.",
        discussion: """
            `import payments` keeps each payment whose invoice is not in the ledger as \
            unapplied/<id>.yaml, with the export's file and line. Apply one to the right invoice \
            with `duetrail pay INVOICE --from-unapplied ID` (one commit: the payment on the case, \
            the file removed).
            """)

    @OptionGroup var options: LedgerOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        let (payments, problems) = try guarded { try ledger.unappliedPayments() }
        for p in problems { Terminal.note("warning: " + p.headline) }
        if json {
            struct Row: Encodable { var id: String; var invoice: String; var amount: String; var currency: String?; var date: String?; var reference: String?; var source: String; var line: Int; var imported: String; var path: String }
            Terminal.print(JSON.render(payments.map {
                Row(id: $0.id, invoice: $0.invoice, amount: Decimals.plain($0.amount, scale: $0.currency?.minorDigits ?? 2), currency: $0.currency?.code,
                    date: $0.date?.iso, reference: $0.reference, source: $0.source, line: $0.line, imported: $0.imported.iso, path: $0.path)
            }))
            return
        }
        guard !payments.isEmpty else {
            Terminal.print("No unapplied payments.")
            return
        }
        var table = TextTable(headers: ["ID", "INVOICE (AS EXPORTED)", "AMOUNT", "PAID", "REFERENCE", "FROM"], align: [.left, .left, .right, .left, .left, .left])
        table.rows = payments.map {
            [$0.id, $0.invoice.controlCharactersAsSpaces, $0.amountText, $0.date?.iso ?? "-", ($0.reference ?? "-").controlCharactersAsSpaces,
                "\($0.source.controlCharactersAsSpaces) line \($0.line)"]
        }
        Terminal.write(table.render())
        Terminal.print("\n\(payments.count) unapplied payment\(payments.count == 1 ? "" : "s"). Apply one with `duetrail pay INVOICE --from-unapplied ID`.")
    }
}
