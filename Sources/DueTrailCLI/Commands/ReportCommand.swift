import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

/// `duetrail report …`: what a finance lead reads on Monday, and what proves the cadence works.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Aging, DSO, promises, cadence effectiveness, trend and activity reports.",
        discussion: """
            Each report prints a table, or --json / --csv. `duetrail report --html FILE` writes \
            all of them into one self-contained HTML file with charts, to email to a colleague.
            """,
        subcommands: [
            ReportAgingCommand.self, ReportDSOCommand.self, ReportPromisesCommand.self, ReportCadenceCommand.self, ReportTrendCommand.self,
            ReportActivityCommand.self,
        ])

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("Write every report into this HTML file (charts included, no external files).", valueName: "file"))
    var html: String?

    func run() throws {
        guard let html else { throw CleanExit.helpRequest(self) }
        let ledger = try options.open()
        let today = ledger.clock.today
        let page = try guarded { () throws -> String in
            // One `Reports`: the snapshot, the cadence and the case files are read once for all six.
            let reports = Reports(ledger)
            let aging = try reports.aging(asOf: today, byCustomer: true)
            let trend = try reports.trend(from: today.adding(days: -89), to: today, perCommit: false)
            let promises = try reports.promises()
            let tables = [
                aging.table, try reports.dso(end: today, days: 90).table, promises.table, try reports.cadence().table, trend.table,
                try reports.activity(from: nil, to: nil).table,
            ].map(reports.annotated)
            let page = ReportPage.html(company: ledger.config.company, today: today, tables: tables, aging: aging, trend: trend, promises: promises)
            guard !page.isEmpty else { throw CLIError("internal: the report page could not be made; nothing was written") }
            return page
        }
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
        } catch {
            Terminal.error("could not write \(html): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        Terminal.print("Wrote \(html) (\(page.utf8.count / 1024) KB): aging, DSO, promises, cadence, trend and activity.")
    }
}

/// `--json` / `--csv`, shared by every report.
struct ReportFormatOptions: ParsableArguments {
    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV.")
    var csv = false

    /// `report aging --html FILE` would print aging and write nothing: refused.
    @ParentCommand var report: ReportCommand

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if let html = report.html {
            throw ValidationError("--html writes every report into one file: `duetrail report --html \(html)`, with no report named; one report prints as a table, --json or --csv")
        }
    }

    /// Opens the ledger, makes the table and prints it as asked.
    func print(_ options: LedgerOptions, _ make: (Reports, Ledger) throws(LedgerError) -> ReportTable) throws {
        let ledger = try options.open()
        let reports = Reports(ledger)
        let table = try guarded { try make(reports, ledger) }
        print(reports.annotated(table))
    }

    func print(_ table: ReportTable) {
        if json {
            Terminal.print(ReportRendering.json(table))
        } else if csv {
            Terminal.print(ReportRendering.csv(table), terminator: "")
        } else {
            Terminal.print(ReportRendering.text(table), terminator: "")
        }
    }
}

/// The three printed forms of a report table.
enum ReportRendering {
    static func text(_ table: ReportTable) -> String {
        var out = table.title + (table.facts.isEmpty ? "" : " (" + table.facts.map { "\($0.title.lowercased()) \($0.value)" }.joined(separator: ", ") + ")") + "\n\n"
        out += table.rows.isEmpty ? "(nothing to show)\n" : rows(table)
        if !table.notes.isEmpty { out += "\n" + table.notes.joined(separator: "\n") + "\n" }
        return out
    }

    /// The table's terminal columns, aligned.
    static func rows(_ table: ReportTable) -> String {
        let shown = table.columns.indices.filter { table.columns[$0].inTerminal }
        var t = TextTable(headers: shown.map { table.columns[$0].title }, align: shown.map { table.columns[$0].numeric ? .right : .left })
        t.rows = table.rows.map { row in shown.map { row[$0].display(grouped: true) } }
        return t.render()
    }

    static func csv(_ table: ReportTable) -> String {
        var out = csvLine(table.columns.map(\.id)) + "\n"
        for row in table.rows {
            // Only text cells can carry a formula; amounts and counts are written as they are.
            out += csvLine(row.map { $0.display(grouped: false) }, text: row.map { if case .text = $0 { true } else { false } }) + "\n"
        }
        return out
    }

    static func json(_ table: ReportTable) -> String {
        var object: [String: Any] = ["report": table.name]
        for fact in table.facts { object[fact.id] = fact.value }
        object["rows"] = table.rows.map { row in
            var item: [String: Any] = [:]
            for (column, cell) in zip(table.columns, row) {
                switch cell {
                case .text(let t): item[column.id] = t
                case .int(let n): item[column.id] = n
                case .amount, .money: item[column.id] = cell.display(grouped: false)
                case .number(let v): item[column.id] = v.map { NSDecimalNumber(decimal: $0) } ?? NSNull()
                }
            }
            return item
        }
        object["notes"] = table.notes
        object["unreadable"] = table.unreadable
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A date option: YYYY-MM-DD.
func reportDate(_ text: String?, option: String) throws -> CalendarDate? {
    guard let text else { return nil }
    guard let date = CalendarDate(iso: text) else { throw ValidationError("\(option) takes a date like 2026-11-30, not `\(text)`") }
    return date
}
