import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Drop a draft (or the reminder due now) and record why, so it is not drafted again.",
        discussion: """
            Removes the draft, adds a `rejected` event with your reason to each of its cases and \
            commits both. The cadence moves on to its next step; with --snooze it waits that long \
            and then drafts whatever is due then.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Cases (invoice numbers), customers or draft paths.")
    var keys: [String]

    @Option(help: "Why (goes on each case's timeline).")
    var reason: String

    @Option(help: ArgumentHelp("Wait this long before the cadence drafts again, e.g. 7d or 2w.", valueName: "days"))
    var snooze: String?

    func validate() throws {
        if keys.isEmpty { throw ValidationError("name the cases or customers whose reminder to reject") }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
        if let snooze, Self.days(snooze) == nil { throw ValidationError("--snooze takes a number of days like 7d, not `\(snooze)`") }
    }

    static func days(_ text: String) -> Int? {
        guard let days = (Span(text) ?? Span(text + "d"))?.calendarDays, days > 0, days <= 366 else { return nil }
        return days
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.reject(keys: keys, reason: reason, snoozeDays: snooze.flatMap(Self.days)) }
        let commit = result.outcome.map { " in commit \($0.commit.short)" } ?? ""
        Terminal.print("Rejected the reminder for \(result.cases.map(\.facts.number).joined(separator: ", "))\(commit).")
        for d in result.drafts {
            Terminal.print("  removed \(d.path)" + (d.committed == nil ? " (a copy is in .git/duetrail/rejected/)" : ""))
        }
    }
}
