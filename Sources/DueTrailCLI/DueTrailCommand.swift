import ArgumentParser
import DueTrailLedger

/// `duetrail`: accounts-receivable collections over a git ledger.
package struct DueTrailCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "duetrail",
        abstract: "Accounts-receivable collections over a git repository of plain-text case files.",
        discussion: """
            Every overdue invoice is a case file in a git repository (the ledger). Every action \
            is a commit, so `git log` is the audit trail and any git remote shares the ledger.

            Start with `duetrail demo`, or `duetrail init my-ledger` and \
            `duetrail import invoices open-invoices.csv`.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, ImportCommand.self, QueueCommand.self, ShowCommand.self, CadenceCommand.self, DraftCommand.self,
            ReviewCommand.self, ApproveCommand.self, RejectCommand.self, SimulateCommand.self, NoteCommand.self, CheckCommand.self,
            SendCommand.self, PromiseCommand.self, PayCommand.self, DisputeCommand.self, ResolveCommand.self, EscalateCommand.self,
            DeescalateCommand.self, ContactCommand.self, SnoozeCommand.self, ReverseCommand.self, ApplyCreditCommand.self, UnappliedCommand.self, TasksCommand.self, DoneCommand.self, SkipCommand.self, HoldCommand.self, ReleaseCommand.self, CustomerCommand.self, HistoryCommand.self, AuditCommand.self, CloneCommand.self, PortalCommand.self, ReportCommand.self, InboxCommand.self, AckCommand.self, SyncCommand.self, RepairCommand.self, SetupCommand.self, MergeDriverCommand.self, DemoCommand.self,
        ]
    )

    package init() {}
}

extension DueTrailCommand {
    /// Waits for writes a command left running in the background (see `BackgroundWrites`).
    package static func finishBackgroundWork() { BackgroundWrites.wait() }
}
