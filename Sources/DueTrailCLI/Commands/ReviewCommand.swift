import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Show the drafts awaiting approval as diffs, with what a reviewer needs to know of each case.",
        discussion: "The same diffs as `git diff`, new drafts included (they are untracked files, which plain `git diff` leaves out: `git add -N outbox && git diff` shows them too). Approve with `duetrail approve` or `git commit`.")

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Only drafts for these cases or customers (default: all).")
    var keys: [String] = []

    @Flag(help: "One line per draft: path, recipient, cases, lines added and removed.")
    var stat = false

    @Option(help: "Colour the diff: auto (when a terminal), always, never.")
    var color: ColorChoice = .auto

    @Flag(help: "Only the drafts of customers whose `owner:` is your git identity.")
    var mine = false

    func run() throws {
        let ledger = try options.open()
        let snapshot = try guarded { try ledger.snapshot() }
        let (drafts, problems) = try guarded { try ledger.outbox(tree: snapshot.tree) }
        for p in problems { Terminal.note("warning: " + p.headline) }
        // Drafts committed only as a review branch's proposal (fast-forwarded, no merge) await approval too.
        let stuck = ledger.stuckProposals(drafts, head: snapshot.commit)
        var waiting = try guarded {
            try Ledger.selectDrafts(drafts.filter { $0.awaitingReview || stuck[$0.path] != nil }, keys: keys, names: snapshot.customerNames)
        }
        if mine {
            let me = try guarded { try ledger.identity() }
            waiting = waiting.filter { d in
                snapshot.customers[d.pending.customer]?.owner?.isPerson(name: me.name, email: me.email) == true
            }
        }
        let onBranches = keys.isEmpty ? try guarded { try ReviewBranchHint.text(ledger) } : ""
        if waiting.isEmpty {
            let approved = drafts.filter { $0.committed != nil }.count
            Terminal.print("No drafts awaiting review" + (onBranches.isEmpty ? "" : " here") + "."
                + (approved > 0 ? " \(approved) approved, not sent yet." : onBranches.isEmpty ? " Run `duetrail draft` to write today's reminders." : ""))
            Terminal.print(onBranches, terminator: "")
            return
        }
        let patches = try guarded { try ledger.draftPatches(waiting.map(\.path), tree: snapshot.tree) }
        let paint = color == .always || (color == .auto && Terminal.isInteractive && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let byNumber = snapshot.casesByNumber()
        let today = ledger.clock.today
        var out = ""
        if stat {
            let width = waiting.map(\.path.count).max() ?? 0
            for d in waiting {
                let p = patches[d.path]
                let name = TerminalText.oneLine(snapshot.customerNames[d.pending.customer] ?? d.pending.customer)
                let pad = String(repeating: " ", count: width - d.path.count)
                let plus = paint ? "\u{1B}[32m+\(p?.additions ?? 0)\u{1B}[0m" : "+\(p?.additions ?? 0)"
                let minus = paint ? "\u{1B}[31m-\(p?.deletions ?? 0)\u{1B}[0m" : "-\(p?.deletions ?? 0)"
                out += "\(TerminalText.oneLine(d.path))\(pad) | \(plus) \(minus) | \(d.committed == nil ? "new" : "edited since approval") | \(name): \(TerminalText.oneLine(d.pending.caseNumbers.joined(separator: ", ")))\n"
            }
            out += "\(waiting.count) draft\(waiting.count == 1 ? "" : "s") awaiting review\n"
        } else {
            for d in waiting {
                let name = TerminalText.oneLine(snapshot.customerNames[d.pending.customer] ?? d.pending.customer)
                // The draft's own headers (step, cases) are whatever its file says: escaped too.
                let header = "== \(TerminalText.oneLine(d.path)): \(name), step \(TerminalText.oneLine(d.pending.step))"
                    + (stuck[d.path] != nil ? " (reached main from a review branch without a merge commit: not approved)" : d.committed == nil ? "" : " (edited since approval)")
                out += (paint ? "\u{1B}[1m\(header)\u{1B}[0m" : header) + "\n"
                for number in d.pending.caseNumbers {
                    guard let c = byNumber[number] else { out += "   \(TerminalText.oneLine(number)): no such case in HEAD\n"; continue }
                    out += "   " + TerminalText.oneLine(Self.context(c, today: today) + " · step \(d.pending.step(for: number))") + "\n"
                }
                for number in d.pending.alsoListed {
                    guard let c = byNumber[number] else { continue }
                    out += "   " + TerminalText.oneLine(Self.context(c, today: today)) + " · also listed (no step of its own)\n"
                }
                if stuck[d.path] != nil {
                    out += TerminalText.oneLine("   Committed as proposed, unchanged: read it with `git show HEAD:\(d.path)`; `duetrail approve \(d.pending.caseNumbers.first ?? d.path)` approves it as it stands.") + "\n"
                }
                // Nothing in a draft may drive the terminal: escapes show as `\e`, overrides as `\u202E`.
                let text = TerminalText.escaped(patches[d.path]?.text ?? "")
                for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                    out += (paint ? Self.paint(line) : String(line)) + "\n"
                }
                out += "\n"
            }
            out += "\(waiting.count) draft\(waiting.count == 1 ? "" : "s") awaiting review. Approve: `duetrail approve [CASE|CUSTOMER…]` or `--all`; drop one: `duetrail reject CASE --reason …`.\n"
        }
        if !stat, waiting.contains(where: { $0.committed == nil }) {
            out += "New drafts are untracked files, which plain `git diff` leaves out; `git add -N outbox && git diff` shows them with the rest.\n"
        }
        out += TerminalText.escaped(onBranches)
        // Every value above is escaped already; only the colours this command adds remain.
        if paint { Terminal.printPainted(out) } else { Terminal.print(out, terminator: "") }
    }

    /// `INV-1042 · balance EUR 1,200.00 · due 2026-10-31, 30 days overdue · last: nudge sent 2026-11-20 · open`
    static func context(_ c: CaseSummary, today: CalendarDate) -> String {
        let days = c.facts.due.days(to: today)
        let due = days > 0 ? "\(Plural.days(days)) overdue" : days == 0 ? "due today" : "due in \(Plural.days(-days))"
        var parts = [c.facts.number, "balance \(c.state.balance.display)", "due \(c.facts.due.iso), \(due)"]
        if let sent = c.state.lastReminder {
            let count = c.state.reminderDates.count
            parts.append("\(count) reminder\(count == 1 ? "" : "s") sent, last \(sent.iso)" + (c.state.lastStep.map { " (\($0))" } ?? ""))
        } else {
            parts.append("no reminder sent yet")
        }
        if let last = c.state.lastEvent { parts.append("last activity \(last.iso)") }
        parts.append(c.state.holds.reason(today: today) ?? c.state.status.rawValue)
        return parts.joined(separator: " · ")
    }

    static func paint(_ line: Substring) -> String {
        if line.hasPrefix("+++") || line.hasPrefix("---") || line.hasPrefix("diff ") || line.hasPrefix("index ") || line.hasPrefix("new file") {
            return "\u{1B}[1m\(line)\u{1B}[0m"
        }
        if line.hasPrefix("@@") { return "\u{1B}[36m\(line)\u{1B}[0m" }
        if line.hasPrefix("+") { return "\u{1B}[32m\(line)\u{1B}[0m" }
        if line.hasPrefix("-") { return "\u{1B}[31m\(line)\u{1B}[0m" }
        return String(line)
    }
}
