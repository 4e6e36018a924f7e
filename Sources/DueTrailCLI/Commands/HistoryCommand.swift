import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "A case's trail from git history: when, who, what, and the commit.",
        discussion: """
            Every commit on the current branch that changed the case's file, newest first, with the \
            events it added (and any it removed) — changes made with plain git included, marked as such.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number.")
    var invoice: String

    @Option(help: ArgumentHelp("Show at most this many commits.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        let (summary, entries) = try guarded { try ledger.history(of: invoice, limit: limit) }
        let stamp = ISO8601DateFormatter()
        stamp.timeZone = ledger.config.timezone
        stamp.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate, .withSpaceBetweenDateAndTime]
        if json {
            struct Entry: Encodable { var commit: String; var when: String; var author: String; var email: String; var subject: String; var action: String?; var added: [String]; var removed: [String]; var facts: [String] }
            Terminal.print(JSON.render(entries.map {
                Entry(commit: $0.commit.hex, when: ISO8601DateFormatter().string(from: $0.author.time), author: $0.author.name, email: $0.author.email,
                    subject: $0.subject, action: $0.action, added: $0.added, removed: $0.removed, facts: $0.facts)
            }))
            return
        }
        var out = "History of \(summary.facts.number) (\(summary.path)), newest first\n"
        for e in entries {
            out += "\n\(e.commit.short)  \(stamp.string(from: e.author.time))  \(e.author.name) <\(e.author.email)>" + (e.action == nil ? "  (plain git)" : "") + "\n"
            out += "  \(e.subject)\n"
            for f in e.facts { out += "  * \(f)\n" }
            for line in e.added { out += "  + \(line.dropFirst(2))\n" }
            for line in e.removed { out += "  - REMOVED: \(line.dropFirst(2))\n" }
        }
        Terminal.print(out, terminator: "")
    }
}
