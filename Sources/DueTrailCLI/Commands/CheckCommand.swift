import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate every ledger file; each problem as path:line: message.",
        discussion: "Checks the working tree (your uncommitted edits too), or HEAD of a bare repository. Exit 1 when anything is wrong.")

    @OptionGroup var options: LedgerOptions

    @Flag(help: "Print problems as JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        let report = try guarded { try ledger.check() }
        if json {
            struct Problem: Encodable { var path: String; var line: Int?; var column: Int?; var message: String }
            struct Out: Encodable { var ok: Bool; var cases: Int; var customers: Int; var events: Int; var drafts: Int; var problems: [Problem]; var warnings: [Problem] }
            func rows(_ list: [Diagnostic]) -> [Problem] { list.map { Problem(path: $0.path, line: $0.line, column: $0.column, message: $0.message) } }
            Terminal.print(JSON.render(Out(ok: report.problems.isEmpty, cases: report.cases, customers: report.customers, events: report.events,
                drafts: report.drafts, problems: rows(report.problems), warnings: rows(report.warnings))))
        } else if report.problems.isEmpty {
            for w in report.warnings { Terminal.note("warning: " + w.headline) }
            Terminal.print("ok: \(report.cases) cases, \(report.customers) customers, \(report.events) events, \(report.drafts) drafts checked, no problems")
        } else {
            for p in report.problems { Terminal.print(p.description + "\n") }
            Terminal.note("\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") found")
            // Files an interrupted command left behind HEAD are not a person's mistake to fix by hand.
            let lagging = ledger.laggingPaths(Array(Set(report.problems.map(\.path))).sorted())
            if !lagging.isEmpty {
                Terminal.note("\(lagging.joined(separator: ", ")) still \(lagging.count == 1 ? "holds" : "hold") an earlier or half-written version than HEAD: a command was stopped after committing and before writing \(lagging.count == 1 ? "it" : "them"); `duetrail repair` writes \(lagging.count == 1 ? "it" : "them") from HEAD (your own edits are left alone). Do not `git commit` now: it would undo the last commit")
            }
        }
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}
