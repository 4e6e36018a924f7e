import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Write today's due reminders into outbox/ for review.",
        discussion: """
            Follows cadence.yaml and the templates as committed. Review drafts are written to the \
            working tree (see them with `duetrail review` or `git diff`); customers with \
            `policy: auto` get theirs committed at once, approved by that committed policy. \
            Manual and sensitive customers are drafted only when named with --case or --customer. \
            Running it again the same day changes nothing. Exit status 2 when a customer with a \
            reminder due could not be drafted for (no contact, a file that does not read).
            """)

    @OptionGroup var options: LedgerOptions

    @Option(name: .customLong("case"), help: ArgumentHelp("Only this case (invoice number); repeatable. Drafts for a manual customer too.", valueName: "invoice"))
    var cases: [String] = []

    @Option(name: .customLong("customer"), help: ArgumentHelp("Only this customer (slug); repeatable. Drafts for a manual customer too.", valueName: "slug"))
    var customers: [String] = []

    @Option(help: ArgumentHelp("Draft this template now for the --case invoices, outside the cadence (reviewed like any draft; moves no cadence step).", valueName: "name"))
    var template: String?

    @Option(help: ArgumentHelp("Commit the review drafts to this new branch instead of the working tree, to review as a pull request; merging it into main approves them.", valueName: "name"))
    var branch: String?

    @Flag(help: "Print what was drafted as JSON.")
    var json = false

    func validate() throws {
        if template != nil && cases.isEmpty { throw ValidationError("--template needs the invoices to write about: --case INVOICE") }
        if template != nil && !customers.isEmpty { throw ValidationError("--template drafts for --case invoices, not --customer") }
    }

    func run() throws {
        let ledger = try options.open()
        let named = Set(cases + customers.map { $0.lowercased() })
        if let branch { try guarded { try ledger.checkReviewBranch(branch) } }
        let run = try guarded { try ledger.draftReminders(only: named.isEmpty ? nil : named, requested: named, template: template) }
        let proposal = try branch.flatMap { name in try guarded { try ledger.proposeOnBranch(run, name: name) } }
        for problem in run.outboxProblems { Terminal.note("warning: " + problem.headline) }
        let names = run.customerNames
        if json {
            struct Draft: Encodable { var path: String; var customer: String; var step: String; var cases: [String]; var subject: String; var to: [String]; var approvedByPolicy: Bool }
            struct Skip: Encodable { var customer: String; var reason: String }
            struct Out: Encodable { var today: String; var drafts: [Draft]; var commit: String?; var branch: String?; var branchCommit: String?; var skipped: [Skip]; var manualDue: [String] }
            func row(_ d: DraftedReminder, _ auto: Bool) -> Draft {
                Draft(path: d.path, customer: d.reminder.customer, step: d.reminder.stepID, cases: d.draft.caseNumbers, subject: d.draft.subject,
                    to: d.draft.to.map(\.email), approvedByPolicy: auto)
            }
            Terminal.print(JSON.render(Out(
                today: ledger.clock.today.iso, drafts: run.forReview.map { row($0, false) } + run.approvedByPolicy.map { row($0, true) },
                commit: run.commit?.commit.hex, branch: proposal == nil ? nil : branch, branchCommit: proposal?.commit.hex, skipped: run.skipped.map { Skip(customer: $0.customer, reason: $0.reason) },
                manualDue: run.manualDue.map(\.facts.number))))
            if !run.skipped.isEmpty { throw ExitCode(2) }
            Terminal.finish()
        }
        var report = Self.report(run, names: names, today: ledger.clock.today, branch: proposal.flatMap { p in branch.map { ($0, p.commit.short) } })
        if proposal == nil, let branch { report += "Nothing for review, so no branch \(branch) was made.\n" }
        Terminal.print(report, terminator: "")
        if !run.skipped.isEmpty { throw ExitCode(2) }
        Terminal.finish()  // skip freeing 100,000 summaries one by one
    }

    /// The summary a person reads; shared with `demo`.
    /// `branch`: the review branch the drafts were committed to, and its commit.
    static func report(_ run: DraftRun, names: [String: String], today: CalendarDate, branch: (name: String, commit: String)? = nil) -> String {
        var out = ""
        func line(_ d: DraftedReminder) -> String {
            let numbers = d.draft.caseNumbers.joined(separator: ", ")
            return "  \(d.path)  \(names[d.reminder.customer] ?? d.reminder.customer) (\(numbers)): \(d.draft.subject)\n"
        }
        if !run.forReview.isEmpty {
            out += "Drafted \(run.forReview.count) reminder\(run.forReview.count == 1 ? "" : "s") for review\(branch.map { " on branch \($0.name)" } ?? "") (\(today.iso)):\n"
            for d in run.forReview.prefix(50) { out += line(d) }
            if run.forReview.count > 50 { out += "  … and \(run.forReview.count - 50) more\n" }
        }
        if !run.approvedByPolicy.isEmpty {
            out += "Approved by policy and committed" + (run.commit.map { " (\($0.commit.short))" } ?? "") + ":\n"
            for d in run.approvedByPolicy.prefix(50) { out += line(d) }
            if run.approvedByPolicy.count > 50 { out += "  … and \(run.approvedByPolicy.count - 50) more\n" }
        }
        if !run.skipped.isEmpty {
            out += "Not drafted:\n"
            for s in run.skipped { out += "  \(s.customer): \(s.reason)\n" }
        }
        if !run.manualDue.isEmpty {
            let byCustomer = Dictionary(grouping: run.manualDue, by: \.facts.customer)
            out += "Manual or sensitive customers with a step due (draft with --case INVOICE):\n"
            for (slug, cases) in byCustomer.sorted(by: { $0.key < $1.key }) {
                out += "  \(names[slug] ?? slug): \(cases.map(\.facts.number).sorted().joined(separator: ", "))\n"
            }
        }
        if run.forReview.isEmpty && run.approvedByPolicy.isEmpty {
            out += "Nothing new to draft today (\(today.iso)).\n"
        } else if !run.forReview.isEmpty {
            if let branch {
                out += "Committed to branch \(branch.name) (\(branch.commit)); the working tree is unchanged.\n"
                out += "Next: `git push origin \(branch.name)` and review it as a pull request; merging it into main approves the drafts.\n"
            } else {
                out += "Next: `duetrail review` (or `git add -N outbox && git diff`), then `duetrail approve` (or `git commit`); `duetrail reject CASE --reason …` drops one.\n"
            }
        }
        return out
    }
}
