import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an accounting export into the ledger.",
        subcommands: [ImportInvoicesCommand.self, ImportPaymentsCommand.self])
}

struct ImportInvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices",
        abstract: "Import invoices from a CSV export (Xero, QuickBooks, Stripe, FreshBooks, Zoho, Wave, Invoice Ninja, Invoice2go, Sage, MYOB, ERPNext or any sheet).",
        discussion: """
            The export becomes cases, in one commit: all of it or, on any bad row, nothing. \
            It says which column fed which field, which columns were left unused and what it \
            assumed. Re-importing the same file changes nothing; a changed balance updates the \
            case, but never undoes a payment recorded in DueTrail since the last import. \
            Invoices open in the ledger but missing from the export are listed; --close-missing \
            closes them.

            Headers are recognised in English, German, French, Spanish, Italian, Dutch, \
            Portuguese, Swedish, Danish, Norwegian and Finnish. Name others with --map, e.g.
              --map number="Rechnungsnr." --map customer=Kunde --map due=Fällig --map balance=Offen
            Fields: \(InvoiceField.allCases.map(\.rawValue).joined(separator: ", ")). `--map terms=` (empty) leaves a column unread; \
            `--map balance=#5` reads the fifth column (for a header the export names twice).
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "auto, or one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "auto"

    @Option(name: .customLong("map"), help: ArgumentHelp("Which column holds a field: FIELD=COLUMN (repeatable).", valueName: "field=column"))
    var mappings: [String] = []

    @Option(name: .customLong("status"), help: ArgumentHelp("What a status word of this export means: CLASS=WORD, CLASS one of draft, open, paid, void, credit (repeatable).", valueName: "class=word"))
    var statuses: [String] = []

    @Option(help: ArgumentHelp("Which books of the package this export is from (two Xero organisations in one ledger): only their cases are listed as missing.", valueName: "name"))
    var account: String?

    @Option(name: .customLong("accept-export-balance"),
        help: ArgumentHelp("Apply the export's balance to these invoices although DueTrail recorded payments or a closing since the last import (repeatable, or comma-separated).", valueName: "invoice"))
    var acceptExportBalance: [String] = []

    @Option(name: .customLong("date-format"), help: "How dates are written when the file cannot tell: DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD.")
    var dateFormat: String?

    @Flag(name: .customLong("dry-run"), help: "Show what would change; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("close-missing"), help: "Close open cases of this source that this (full) export no longer lists.")
    var closeMissing = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if format != "auto" && ExportFormat(rawValue: format) == nil {
            throw ValidationError("--format is one of auto, \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")); not `\(format)`")
        }
        _ = try parsedMappings()
        _ = try parsedStatuses()
        if let dateFormat, DateOrder(pattern: dateFormat) == nil {
            throw ValidationError("--date-format takes DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD (any separators), not `\(dateFormat)`")
        }
        if let account, account.trimmingCharacters(in: .whitespaces).isEmpty || account.contains(where: { $0.isNewline }) {
            throw ValidationError("--account takes a short name for the books, like `uk`")
        }
    }

    func parsedMappings() throws -> [InvoiceField: String] {
        var out: [InvoiceField: String] = [:]
        for m in mappings {
            let parts = m.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let field = InvoiceField(rawValue: parts[0].trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("--map takes FIELD=COLUMN with FIELD one of \(InvoiceField.allCases.map(\.rawValue).joined(separator: ", ")); not `\(m)`")
            }
            out[field] = String(parts[1])
        }
        return out
    }

    func parsedStatuses() throws -> [String: StatusClass] {
        var out: [String: StatusClass] = [:]
        for m in statuses {
            let parts = m.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let cls = StatusClass(rawValue: parts[0].trimmingCharacters(in: .whitespaces).lowercased()),
                !parts[1].trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw ValidationError("--status takes CLASS=WORD with CLASS one of \(StatusClass.allCases.map(\.rawValue).joined(separator: ", ")), e.g. --status open=\"Awaiting Payment\"; not `\(m)`")
            }
            out[StatusVocabulary.key(String(parts[1]))] = cls
        }
        return out
    }

    func run() throws {
        let ledger = try options.open()
        guard let data = FileManager.default.contents(atPath: file) else {
            Terminal.error("\(file): cannot read the file (does it exist?)")
            throw ExitCode.failure
        }
        let exportOptions = ExportOptions(
            format: ExportFormat(rawValue: format), overrides: try parsedMappings(),
            dateOrder: dateFormat.flatMap(DateOrder.init(pattern:)), defaultCurrency: ledger.config.currency, statuses: try parsedStatuses())
        let result = try guarded {
            try ledger.importInvoices(
                bytes: [UInt8](data), source: file, options: exportOptions, account: account, closeMissing: closeMissing,
                acceptExportBalance: Set(acceptExportBalance.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }), dryRun: dryRun, progress: Terminal.progress)
        }
        let report = ImportReport(result, file: file, dryRun: dryRun, currency: ledger.config.currency)
        Terminal.print(json ? JSON.render(report) : report.text)
        fflush(nil)
        if !result.plan.conflicts.isEmpty { throw ExitCode(2) }
        Terminal.finish()
    }
}
