import DueTrailCore
import DueTrailLedger
import Foundation

/// How the case commands report what they recorded (one line per case, then the commit).
enum CaseActionOutput {
    static func print(_ result: Ledger.ActionResult, _ what: String) {
        print(result) { _ in what }
    }

    /// `what` is told the amount recorded on each case (as read from what was typed, with its
    /// currency), so the line says exactly what went into the ledger.
    static func print(_ result: Ledger.ActionResult, _ what: (Money?) -> String) {
        for c in result.cases {
            Terminal.print("Recorded \(what(result.amounts[c.facts.number])) on \(c.facts.number) (\(c.path))")
        }
        for path in result.withdrawnDrafts { Terminal.print("Withdrew \(path): a paid invoice is never chased") }
        if let commit = result.commit { Terminal.print("Commit \(commit.short)") }
    }

    /// `2026-12-10`, or an error naming the option.
    static func date(_ text: String, option: String) throws -> CalendarDate {
        guard let d = CalendarDate(iso: text) else { throw CLIError("\(option) takes a date like 2026-12-10, not `\(text)`") }
        return d
    }
}
