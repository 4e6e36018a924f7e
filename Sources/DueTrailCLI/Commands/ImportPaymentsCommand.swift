import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct ImportPaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "Apply a payments export (Xero, QuickBooks, Stripe payments, or any sheet) to the cases.",
        discussion: """
            Each payment names the invoice it pays (an `Invoice Number` column; Stripe's payments \
            export carries it too) and is recorded on that case, all in one commit: all of the file \
            or, on any bad row, nothing. Payments for invoices the ledger does not have are listed \
            as unapplied (and in the commit message), never dropped and never guessed. A payment \
            already recorded (same reference, or same date and amount) is not recorded again, so \
            importing a file twice changes nothing. A payment in full closes the case and withdraws \
            its drafts. Exit status 2 when some payments were unapplied.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "auto, xero, quickbooks, stripe or generic.")
    var format: String = "auto"

    @Option(name: .customLong("date-format"), help: "How dates are written when the file cannot tell: DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD.")
    var dateFormat: String?

    @Flag(name: .customLong("allow-overpayment"), help: "Accept payments above a balance; the rest shows as a credit.")
    var allowOverpayment = false

    @Flag(name: .customLong("dry-run"), help: "Show what would be recorded; write nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if format != "auto" && PaymentFormat(rawValue: format) == nil {
            throw ValidationError("--format is one of auto, \(PaymentFormat.allCases.map(\.rawValue).joined(separator: ", ")); not `\(format)`")
        }
        if let dateFormat, DateOrder(pattern: dateFormat) == nil {
            throw ValidationError("--date-format takes DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD (any separators), not `\(dateFormat)`")
        }
    }

    func run() throws {
        let ledger = try options.open()
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read") }
        let result = try guarded {
            try ledger.importPayments(
                bytes: [UInt8](data), source: file, format: PaymentFormat(rawValue: format), dateOrder: dateFormat.flatMap(DateOrder.init(pattern:)),
                allowOverpayment: allowOverpayment, dryRun: dryRun)
        }
        if json {
            struct Applied: Encodable { var invoice: String; var amount: String; var balance: String; var line: Int }
            struct Other: Encodable { var invoice: String; var amount: String; var line: Int; var reference: String? }
            struct Out: Encodable {
                var format: String; var dryRun: Bool; var applied: [Applied]; var unapplied: [Other]; var alreadyRecorded: [Other]
                var withdrawnDrafts: [String]; var commit: String?
            }
            func other(_ p: ImportedPayment) -> Other { Other(invoice: p.number, amount: "\(p.amount)", line: p.line, reference: p.reference) }
            Terminal.print(JSON.render(Out(
                format: result.format.rawValue, dryRun: dryRun,
                applied: result.applied.map { Applied(invoice: $0.number, amount: $0.amount.description, balance: $0.balance.description, line: $0.line) },
                unapplied: result.unapplied.map(other), alreadyRecorded: result.alreadyRecorded.map(other), withdrawnDrafts: result.withdrawnDrafts,
                commit: result.commit?.hex)))
        } else {
            var out = "\(dryRun ? "Would record" : "Recorded") \(result.applied.count) payment\(result.applied.count == 1 ? "" : "s") from \(file) (\(result.format.rawValue))"
                + (result.commit.map { " in commit \($0.short)" } ?? "") + ":\n"
            for a in result.applied {
                out += "  \(a.number)  \(a.amount.display)  → balance \(a.balance.display)\(a.balance.amount <= 0 ? " (paid)" : "")\n"
            }
            for d in result.withdrawnDrafts { out += "Withdrew \(d): a paid invoice is never chased\n" }
            if !result.alreadyRecorded.isEmpty { out += "\(result.alreadyRecorded.count) already recorded (not again).\n" }
            if !result.skipped.isEmpty { out += "\(result.skipped.count) row\(result.skipped.count == 1 ? "" : "s") not payments: " + result.skipped.prefix(5).map { "line \($0.line) (\($0.why))" }.joined(separator: ", ") + "\n" }
            if !result.unapplied.isEmpty {
                let where_ = dryRun ? "would be kept in unapplied/" : "kept in unapplied/ (`duetrail unapplied`)"
                out += "Unapplied — no such invoice in the ledger; \(where_), apply one with `duetrail pay INVOICE --from-unapplied ID`:\n"
                let sourceName = URL(fileURLWithPath: file).lastPathComponent
                for p in result.unapplied {
                    let id = UnappliedPayment(p, source: sourceName, imported: ledger.clock.today).id
                    out += "  \(id)  line \(p.line): \(p.number)  \(p.amount)\(p.currency.map { " \($0.code)" } ?? "")" + (p.reference.map { "  ref \($0)" } ?? "") + "\n"
                }
            }
            Terminal.print(out, terminator: "")
        }
        if !result.unapplied.isEmpty { throw ExitCode(2) }
    }
}
