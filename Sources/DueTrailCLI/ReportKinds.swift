import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

/// The six reports, each reading the ledger through `Reports`.
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
        let ledger = try options.open()
        let day = try reportDate(asOf, option: "--as-of") ?? ledger.clock.today
        format.print(try guarded { try Reports.aging(ledger, asOf: day, byCustomer: by == "customer").table })
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
        let ledger = try options.open()
        let end = try reportDate(asOf, option: "--as-of") ?? ledger.clock.today
        format.print(try guarded { try Reports.dso(ledger, end: end, days: days ?? 90).table })
    }
}

struct ReportPromisesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promises", abstract: "Promises made, kept, part-kept, broken and pending, by person and by customer.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    func run() throws {
        let ledger = try options.open()
        format.print(try guarded { try Reports.promises(ledger).table })
    }
}

struct ReportCadenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cadence", abstract: "For each step: cases paid within 7, 14 and 30 days after its reminder, and the median days to pay.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    func run() throws {
        let ledger = try options.open()
        format.print(try guarded { try Reports.cadence(ledger).table })
    }
}

struct ReportTrendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend", abstract: "Receivables and overdue totals over time, rebuilt from the ledger's git history.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    @Option(help: ArgumentHelp("First day (default: the first commit's).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last day (default: today).", valueName: "date"))
    var to: String?

    @Flag(help: "One point per commit instead of per day.")
    var perCommit = false

    func validate() throws {
        let f = try reportDate(from, option: "--from"), t = try reportDate(to, option: "--to")
        if let f, let t, f > t { throw ValidationError("--from \(f.iso) is after --to \(t.iso)") }
    }

    func run() throws {
        let ledger = try options.open()
        let table = try guarded {
            try Reports.trend(ledger, from: try reportDate(from, option: "--from"), to: try reportDate(to, option: "--to"), perCommit: perCommit).table
        }
        format.print(table)
    }
}

struct ReportActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activity", abstract: "Approvals, contacts, promises and the rest per person, from the history.")

    @OptionGroup var options: LedgerOptions
    @OptionGroup var format: ReportFormatOptions

    @Option(help: ArgumentHelp("First day (default: the beginning).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last day (default: today).", valueName: "date"))
    var to: String?

    func validate() throws {
        _ = try reportDate(from, option: "--from")
        _ = try reportDate(to, option: "--to")
    }

    func run() throws {
        let ledger = try options.open()
        let table = try guarded { try Reports.activity(ledger, from: try reportDate(from, option: "--from"), to: try reportDate(to, option: "--to")).table }
        format.print(table)
    }
}
