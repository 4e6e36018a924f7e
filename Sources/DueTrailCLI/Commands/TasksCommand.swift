import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Every task step due today: calls, escalation decisions, custom to-dos.",
        discussion: """
            A task is a cadence step for a person (`task:` in cadence.yaml). It comes due only after \
            the email before it was sent. Finish one with `duetrail done CASE --note …`, skip one \
            with `duetrail skip CASE --step ID --reason …`; a logged call (`duetrail contact CASE \
            --call`) finishes a call step.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("Only the tasks of customers this account owner looks after (a name or email, as in `owner:`).", valueName: "name"))
    var owner: String?

    @Flag(help: "Only your tasks: customers whose `owner:` is your git identity.")
    var mine = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if mine && owner != nil { throw ValidationError("choose one of --mine and --owner") }
    }

    func run() throws {
        let ledger = try options.open()
        var tasks = try guarded { try ledger.dueTasks() }
        if mine {
            let me = try guarded { try ledger.identity() }
            tasks = tasks.filter { $0.owner?.isPerson(name: me.name, email: me.email) == true }
        } else if let owner {
            tasks = tasks.filter { $0.owner?.matches(owner) == true }
        }
        let table = Self.table(tasks, today: ledger.clock.today)
        if json {
            Terminal.print(ReportRendering.json(table))
        } else if csv {
            Terminal.write(ReportRendering.csv(table))
        } else if tasks.isEmpty {
            Terminal.print("No tasks due as of \(ledger.clock.today.iso)" + (mine ? " for you" : owner.map { " for \($0)" } ?? "") + ".")
        } else {
            Terminal.write(ReportRendering.text(table))
        }
    }

    static func table(_ tasks: [DueTask], today: CalendarDate) -> ReportTable {
        let columns = [
            ReportTable.Column("invoice", "Invoice"), ReportTable.Column("customer", "Customer"), ReportTable.Column("customer_slug", "Slug", inTerminal: false),
            ReportTable.Column("step", "Step"), ReportTable.Column("task", "Task"), ReportTable.Column("due_since", "Due since"),
            ReportTable.Column("days_overdue", "Days", numeric: true), ReportTable.Column("balance", "Balance", numeric: true),
            ReportTable.Column("owner", "Owner"), ReportTable.Column("path", "Path", inTerminal: false),
        ]
        let rows: [[ReportTable.Cell]] = tasks.map { t in
            let what: String
            if case .task(let text) = t.step.action { what = text } else { what = t.step.name }
            let s = t.summary
            return [
                .text(s.facts.number), .text(t.customerName), .text(s.facts.customer), .text(t.step.id), .text(what), .text(t.since.iso),
                .int(max(0, s.facts.due.days(to: today))), .money(s.state.balance, minor: s.state.balanceMinor), .text(t.owner?.text ?? ""), .text(s.path),
            ]
        }
        return ReportTable(
            name: "tasks", title: "Tasks due", facts: [("as_of", "As of", today.iso)], columns: columns, rows: rows,
            notes: tasks.isEmpty ? [] : ["Finish one: duetrail done INVOICE --note …; skip one: duetrail skip INVOICE --step STEP --reason …"])
    }
}

struct DoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "done",
        abstract: "Finish a task step of a case's cadence (one commit, a `done` event); the cadence moves on.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number.")
    var invoice: String

    @Option(help: ArgumentHelp("The step (its id in cadence.yaml); default: the task due now.", valueName: "id"))
    var step: String?

    @Option(help: ArgumentHelp("What was done (goes on the timeline).", valueName: "text"))
    var note: String

    func validate() throws {
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--note must say what was done") }
    }

    func run() throws {
        let ledger = try options.open()
        let (result, finished) = try guarded { try ledger.done(invoice, step: step, note: note) }
        for c in result.cases { Terminal.print("Done: \(finished.name) (step \(finished.id)) on \(c.facts.number) (\(c.path))") }
        if let commit = result.commit { Terminal.print("Commit \(commit.short)") }
    }
}

struct SkipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip",
        abstract: "Skip a step of a case's cadence (one commit, a `skipped` event with the reason).")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number.")
    var invoice: String

    @Option(help: ArgumentHelp("The step to skip (its id in cadence.yaml).", valueName: "id"))
    var step: String

    @Option(help: ArgumentHelp("Why (goes on the timeline).", valueName: "text"))
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
    }

    func run() throws {
        let ledger = try options.open()
        let (result, skipped) = try guarded { try ledger.skip(invoice, step: step, reason: reason) }
        for c in result.cases { Terminal.print("Skipped: \(skipped.name) (step \(skipped.id)) on \(c.facts.number) (\(c.path))") }
        if let commit = result.commit { Terminal.print("Commit \(commit.short)") }
    }
}
