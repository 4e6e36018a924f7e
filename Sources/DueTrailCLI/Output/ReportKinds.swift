import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

/// The six reports, each reading the ledger through `Reports` and printed by
/// `ReportFormatOptions`.
struct ReportAgingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "aging", abstract: "Open balances in buckets: current, 1-30, 31-60, 61-90, 90+ days past due, per currency.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    @Option(help: ArgumentHelp("Age the ledger as it stood at the end of this day (default: today).", valueName: "date"))
    var asOf: String?

    @Option(help: ArgumentHelp("Break the totals down: `customer`.", valueName: "group"))
    var by: String?

    func validate() throws {
        _ = try reportDate(asOf, option: "--as-of")
        if let by, by != "customer" { throw ValidationError("--by takes `customer`, not `\(by)`") }
    }

    func run() throws {
        let day = try reportDate(asOf, option: "--as-of")
        try format.print(options) { reports, ledger throws(LedgerError) in
            try reports.aging(asOf: day ?? ledger.clock.today, byCustomer: by == "customer").table
        }
    }
}

struct ReportDSOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dso", abstract: "Days sales outstanding: receivables at the period's end ÷ credit sales in the period × days.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    @Option(help: ArgumentHelp("The period: 90d, 30d, 365d …", valueName: "days"))
    var period = "90d"

    @Option(help: ArgumentHelp("The period's last day (default: today).", valueName: "date"))
    var asOf: String?

    var days: Int? { Int(period.hasSuffix("d") ? String(period.dropLast()) : period).flatMap { (1...3660).contains($0) ? $0 : nil } }

    func validate() throws {
        _ = try reportDate(asOf, option: "--as-of")
        if days == nil { throw ValidationError("--period takes a number of days like 90d, not `\(period)`") }
    }

    func run() throws {
        let end = try reportDate(asOf, option: "--as-of")
        try format.print(options) { reports, ledger throws(LedgerError) in
            try reports.dso(end: end ?? ledger.clock.today, days: days ?? 90).table
        }
    }
}

struct ReportPromisesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promises", abstract: "Promises made, kept, part-kept, broken and pending, by person and by customer.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    func run() throws {
        try format.print(options) { reports, _ throws(LedgerError) in try reports.promises().table }
    }
}

struct ReportCadenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cadence", abstract: "For each step: cases paid within 7, 14 and 30 days after its reminder, and the median days to pay.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    func run() throws {
        try format.print(options) { reports, _ throws(LedgerError) in try reports.cadence().table }
    }
}

struct ReportTrendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend", abstract: "Receivables and overdue totals over time, rebuilt from the ledger's git history.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions
    @OptionGroup var range: ReportRangeOptions

    @Flag(help: "One point per commit instead of per day.")
    var perCommit = false

    func run() throws {
        let (from, to) = try range.dates()
        try format.print(options) { reports, _ throws(LedgerError) in try reports.trend(from: from, to: to, perCommit: perCommit).table }
    }
}

struct ReportActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activity", abstract: "Approvals, contacts, promises and the rest per person, from the history.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions
    @OptionGroup var range: ReportRangeOptions

    func run() throws {
        let (from, to) = try range.dates()
        try format.print(options) { reports, _ throws(LedgerError) in try reports.activity(from: from, to: to).table }
    }
}

/// `--from` / `--to`, shared by the reports over the history.
struct ReportRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("First day (default: the start of the history; for trend, two years back at most).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last day (default: today).", valueName: "date"))
    var to: String?

    func validate() throws { _ = try dates() }

    func dates() throws -> (from: CalendarDate?, to: CalendarDate?) {
        let f = try reportDate(from, option: "--from"), t = try reportDate(to, option: "--to")
        if let f, let t, f > t { throw ValidationError("--from \(f.iso) is after --to \(t.iso)") }
        return (f, t)
    }
}
