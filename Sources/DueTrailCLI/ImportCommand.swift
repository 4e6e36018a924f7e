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
        abstract: "Import open invoices from a CSV export (Xero, QuickBooks Online, Stripe, FreshBooks or any sheet).",
        discussion: """
            The export becomes cases, in one commit: all of it or, on any bad row, nothing. \
            Re-importing the same file changes nothing; a changed balance updates the case. \
            Invoices open in the ledger but missing from the export are listed; --close-missing \
            closes them.

            Columns are recognised by their headers. Name others with --map, e.g.
              --map number="Rechnungsnr." --map customer=Kunde --map due=Fällig --map balance=Offen \
            Fields: \(InvoiceField.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "auto, xero, quickbooks, stripe, freshbooks or generic.")
    var format: String = "auto"

    @Option(name: .customLong("map"), help: ArgumentHelp("Which column holds a field: FIELD=COLUMN (repeatable).", valueName: "field=column"))
    var mappings: [String] = []

    @Option(name: .customLong("date-format"), help: "How dates are written when the file cannot tell: DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD.")
    var dateFormat: String?

    @Flag(name: .customLong("dry-run"), help: "Show what would change; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("close-missing"), help: "Close open cases that this (full) export no longer lists.")
    var closeMissing = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if format != "auto" && ExportFormat(rawValue: format) == nil {
            throw ValidationError("--format is one of auto, \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")); not `\(format)`")
        }
        _ = try parsedMappings()
        if let dateFormat, DateOrder(pattern: dateFormat) == nil {
            throw ValidationError("--date-format takes DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD (any separators), not `\(dateFormat)`")
        }
    }

    func parsedMappings() throws -> [InvoiceField: String] {
        var out: [InvoiceField: String] = [:]
        for m in mappings {
            let parts = m.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let field = InvoiceField(rawValue: parts[0].trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("--map takes FIELD=COLUMN with FIELD one of \(InvoiceField.allCases.map(\.rawValue).joined(separator: ", ")); not `\(m)`")
            }
            out[field] = String(parts[1])
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
            dateOrder: dateFormat.flatMap(DateOrder.init(pattern:)), defaultCurrency: ledger.config.currency)
        let result = try guarded {
            try ledger.importInvoices(
                bytes: [UInt8](data), source: file, options: exportOptions, closeMissing: closeMissing, dryRun: dryRun,
                progress: Terminal.progress)
        }
        if json {
            Terminal.print(JSON.render(ImportReport(result, file: file, dryRun: dryRun)))
        } else {
            Terminal.print(ImportReport(result, file: file, dryRun: dryRun).text)
        }
        Terminal.finish()
    }
}

/// What `import invoices` tells a person (and a script, as JSON).
struct ImportReport: Encodable {
    var file: String
    var format: String
    var invoices: Int
    var new: Int
    var updated: Int
    var unchanged: Int
    var notOpened: Int
    var newCustomers: [String]
    var missing: [String]
    var commit: String?
    var dryRun: Bool
    var dateFormat: String?
    var decimalMark: String
    var delimiter: String

    init(_ r: ImportResult, file: String, dryRun: Bool) {
        self.file = file
        format = r.export.format.rawValue
        invoices = r.plan.invoiceCount
        new = r.plan.newCases.count
        updated = r.plan.updates.count
        unchanged = r.plan.unchanged
        notOpened = r.plan.notOpened
        newCustomers = r.plan.newCustomers.map(\.name)
        missing = r.plan.missing.map(\.facts.number)
        commit = r.outcome?.commit.hex
        self.dryRun = dryRun
        dateFormat = r.export.dateOrder?.rawValue
        decimalMark = r.export.decimalComma ? "," : "."
        delimiter = r.export.delimiterName
        plan = r.plan
    }

    private var plan: ImportPlan
    enum CodingKeys: String, CodingKey {
        case file, format, invoices, new, updated, unchanged, notOpened, newCustomers, missing, commit, dryRun, dateFormat, decimalMark, delimiter
    }

    var text: String {
        var lines: [String] = []
        var how = "\(delimiter)-separated, decimal mark `\(decimalMark)`"
        if let dateFormat { how += ", dates \(dateFormat)" }
        lines.append("Read a \(ExportFormat(rawValue: format)?.displayName ?? format) export: \(invoices) invoices (\(how))")
        lines.append("  \(new) new, \(updated) updated, \(unchanged) unchanged, \(notOpened) paid/void/draft not opened")
        if !newCustomers.isEmpty {
            let shown = newCustomers.prefix(8).joined(separator: ", ")
            lines.append("  \(newCustomers.count) new customer\(newCustomers.count == 1 ? "" : "s"): \(shown)\(newCustomers.count > 8 ? ", …" : "")")
        }
        if !plan.missing.isEmpty {
            let closing = plan.updates.contains { u in u.events.contains { $0.kind == "closed" } }
            lines.append(closing ? "Closed, not in this export:" : "Not in this export — paid? (--close-missing closes them):")
            for m in plan.missing.prefix(20) {
                lines.append("  \(m.facts.number)  \(m.facts.customer)  \(m.state.balance.display)")
            }
            if plan.missing.count > 20 { lines.append("  … and \(plan.missing.count - 20) more") }
        }
        if dryRun {
            lines.append(plan.isEmpty ? "Dry run: nothing would change." : "Dry run: nothing was written. Without --dry-run: \(plan.subject(source: "the file"))")
        } else if let commit {
            lines.append("Committed \(commit.prefix(8)).")
        } else {
            lines.append("Nothing to change: the ledger already matches this export.")
        }
        return lines.joined(separator: "\n")
    }
}
