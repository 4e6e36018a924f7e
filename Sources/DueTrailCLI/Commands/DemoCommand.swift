import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo ledger from example-ledger/ at a fixed date and walk through the main job.",
        discussion: """
            Creates a new ledger (default ./duetrail-demo) with the example's settings and \
            customers, imports its Xero export, shows the worklist, drafts, reviews, approves and \
            sends today's reminders into a local Maildir (nothing leaves the machine), all as of \
            \(DemoCommand.demoDate) and authored by a demo identity, so every run prints the same.
            """)

    static let demoDate = "2026-11-30"
    static let marker = "duetrail-demo"
    static let demoNow = "2026-11-30T09:00:00Z"
    /// Two weeks on, for the tasks the first emails lead to.
    static let laterNow = "2026-12-14T09:00:00Z"

    @Argument(help: "Folder for the demo ledger.")
    var directory: String = "duetrail-demo"

    @Option(help: "The example ledger to start from (default: ./example-ledger, or the one beside the source tree).")
    var example: String?

    @Flag(help: "Replace the folder if it already holds a previous demo.")
    var force = false

    func run() throws {
        let fm = FileManager.default
        guard let example = locateExample() else {
            Terminal.error("cannot find example-ledger/; run from the DueTrail source folder or pass --example PATH")
            throw ExitCode.failure
        }
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        if fm.fileExists(atPath: target) {
            // --force replaces only a folder this command made (marked inside its .git), never a real ledger.
            guard force, fm.fileExists(atPath: target + "/.git/" + Self.marker) else {
                Terminal.error("\(target) already exists; choose another folder" + (force ? " (--force replaces only a previous demo)" : ", or --force to replace a previous demo"))
                throw ExitCode.failure
            }
            try fm.removeItem(atPath: target)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["DUETRAIL_NOW"] = Self.demoNow
        environment["GIT_AUTHOR_NAME"] = "Dana Demo"
        environment["GIT_AUTHOR_EMAIL"] = "dana@northwind-studio.example"

        try guarded {
            // 1. A ledger with the example's settings and customers.
            let configText = try String(contentsOfFile: example + "/" + LedgerConfig.fileName, encoding: .utf8)
            let config = try LedgerConfig.parse(configText, path: "example-ledger/" + LedgerConfig.fileName)
            var extra: [String: String] = [LedgerConfig.fileName: configText]
            for name in (try fm.contentsOfDirectory(atPath: example + "/customers")).sorted() where name.hasSuffix(".yaml") {
                extra["customers/" + name] = try String(contentsOfFile: example + "/customers/" + name, encoding: .utf8)
            }
            if let cadence = try? String(contentsOfFile: example + "/cadence.yaml", encoding: .utf8) { extra["cadence.yaml"] = cadence }
            step(1, "init: a new ledger for \(config.company) in \(target)")
            _ = try Ledger.initialize(at: target, bare: false, config: config, extraFiles: extra, environment: environment)
            _ = fm.createFile(atPath: target + "/.git/" + Self.marker, contents: Data("made by duetrail demo; `demo --force` may replace this folder\n".utf8))

            // 2. Import the accounting export.
            let ledger = try Ledger.open(at: target, today: CalendarDate(iso: Self.demoDate), environment: environment)
            let csv = example + "/exports/open-invoices.csv"
            step(2, "import invoices \(relative(csv)) (a Xero export, as of \(Self.demoDate))")
            guard let data = fm.contents(atPath: csv) else { throw CLIError("\(csv): cannot read") }
            let result = try ledger.importInvoices(
                bytes: [UInt8](data), source: csv, options: ExportOptions(defaultCurrency: ledger.config.currency), closeMissing: false, dryRun: false)
            Terminal.print(indent(ImportReport(result, file: csv, dryRun: false, currency: ledger.config.currency).text))

            // 3. The worklist.
            step(3, "queue: the aging worklist, most urgent first")
            let snapshot = try ledger.snapshot()
            let setup = try ledger.cadenceSetup(tree: snapshot.tree)
            let planner = ledger.planner(snapshot, setup: setup, outbox: try ledger.outbox(tree: snapshot.tree).drafts)
            let queue = Queue(cases: snapshot.cases, customerNames: snapshot.customerNames, today: ledger.clock.today, limit: 10).describing(with: planner)
            let items = queue.items
            Terminal.print(indent(QueueCommand.table(queue)))

            // 4. One case, and a note on it.
            if let top = items.first {
                step(4, "note \(top.summary.facts.number): a contact, recorded as a commit")
                _ = try ledger.note([top.summary.facts.number], text: "Called accounts payable; invoice is with their approver")
                Terminal.print("    cases file: \(top.summary.path)")
            }

            // 5. Today's reminders, by the cadence in cadence.yaml.
            step(5, "draft: today's due reminders, written to outbox/ for review")
            let drafted = try ledger.draftReminders()
            Terminal.print(indent(DraftCommand.report(drafted, names: drafted.customerNames, today: ledger.clock.today)))
            // Most of this backlog is old: the cadence catches up with an email, never a task first.
            if let final = (drafted.approvedByPolicy + drafted.forReview).first(where: { $0.reminder.stepID == "final" }) {
                let numbers = final.draft.caseNumbers.joined(separator: ", ")
                Terminal.print("    Catch-up: \(numbers) never had a reminder, so the cadence starts at the final notice their age has passed,")
                Terminal.print("    worded as a first contact (\(final.path)):")
                let body = final.draft.body.split(separator: "\n", omittingEmptySubsequences: false)
                for line in body.dropFirst(2).prefix(1) { Terminal.print("      " + line) }
            }

            // 6. What a reviewer sees (the same as `git diff`).
            if let first = drafted.forReview.first {
                step(6, "review \(first.reminder.customer): the draft as a diff, with its case")
                let head = try ledger.snapshot()
                let patches = try ledger.draftPatches([first.path], tree: head.tree)
                for c in first.reminder.cases { Terminal.print("    " + ReviewCommand.context(c.summary, today: ledger.clock.today)) }
                Terminal.print(indent(patches[first.path]?.text ?? ""))

                // 7. Approval is a commit by the approver.
                step(7, "approve --all: commit the drafts exactly as reviewed")
                let approved = try ledger.approve(keys: [])
                Terminal.print("    Approved \(approved.drafts.count) drafts in commit \(approved.outcome?.commit.short ?? "-"); only these bytes will ever be sent.")

                // 8. Sending: into a local Maildir (the default transport), recorded in the ledger.
                let transport = try Transports.make(for: ledger, verbose: false)
                step(8, "send: the approved drafts from HEAD, via \(transport.description)")
                let sent = try ledger.send(SendOptions(), transport: transport)
                Terminal.print(indent(SendCommand.report(sent, dryRun: false)))
                if let one = sent.sent.first(where: { $0.draftPath == first.path }) ?? sent.sent.first {
                    Terminal.print("    The sent record (what went out, byte for byte): \(one.sentPath)")
                    if let number = one.caseNumbers.first, let c = try ledger.snapshot().casesByNumber()[number],
                        let text = try? String(contentsOfFile: target + "/" + c.path, encoding: .utf8),
                        let line = text.split(separator: "\n").last(where: { $0.contains(" · sent · ") })
                    {
                        Terminal.print("    On the case (\(c.path)):\n      \(line)")
                    }
                }
            }

            // 9. A promise and a payment, and what they do to the worklist.
            let before = try ledger.snapshot()
            let open = Queue(cases: before.cases, customerNames: before.customerNames, today: ledger.clock.today).items
            if open.count >= 2 {
                let promised = open[0].summary, paid = open[1].summary
                let promiseDate = ledger.clock.today.adding(days: 7)
                step(9, "promise \(promised.facts.number) --date \(promiseDate.iso) --via phone: the cadence pauses until then")
                let p = try ledger.promise([promised.facts.number], date: promiseDate, amount: nil, via: "phone", note: "Promised on the phone")
                Terminal.print("    Recorded in commit \(p.commit?.short ?? "-")")
                step(10, "pay \(paid.facts.number) --amount \(paid.state.balance.plain): paid in full, the case closes")
                let q = try ledger.pay(paid.facts.number, amount: paid.state.balance.plain, date: nil, reference: "DEMO-1", allowOverpayment: false)
                Terminal.print("    Recorded in commit \(q.commit?.short ?? "-")")
                step(11, "queue: the worklist now")
                let after = try ledger.snapshot()
                let setup = try ledger.cadenceSetup(tree: after.tree)
                let planner = ledger.planner(after, setup: setup, outbox: try ledger.outbox(tree: after.tree).drafts)
                let queue = Queue(cases: after.cases, customerNames: after.customerNames, today: ledger.clock.today, limit: 5,
                    promiseDeadline: setup.book.promiseDeadline).describing(with: planner)
                Terminal.print(indent(QueueCommand.table(queue)))
                Terminal.print("    \(paid.facts.number) is paid and gone from the worklist; \(promised.facts.number) waits for its promise.")
            }

            // 12. A hold: nothing is drafted for a customer in negotiation.
            let held = "blue-harbour-design"
            step(12, "hold \(held) --reason \"negotiating a settlement\": no reminders for any of its cases")
            let hold = try ledger.hold(held, reason: "negotiating a settlement", until: nil)
            Terminal.print("    \(hold.file.name) is \(hold.file.hold?.phrase ?? "on hold"); commit \(hold.outcome?.commit.short ?? "-")")

            // 13. Two weeks on: the tasks the emails led to, and one finished with `done`.
            var later = environment
            later["DUETRAIL_NOW"] = Self.laterNow
            let laterDay = CalendarDate(iso: String(Self.laterNow.prefix(10)))
            let then = try Ledger.open(at: target, today: laterDay, environment: later)
            let tasks = try then.dueTasks()
            step(13, "tasks --today \(then.clock.today.iso): \(tasks.count) tasks due, each after its email went out")
            Terminal.print(indent(ReportRendering.rows(TasksCommand.table(Array(tasks.prefix(5)), today: then.clock.today))))
            if let first = tasks.first {
                let done = try then.done(first.summary.facts.number, step: nil, note: "Decided: one more week, then the agency")
                Terminal.print("    duetrail done \(first.summary.facts.number) --note …: \(done.step.name) finished in commit \(done.result.commit?.short ?? "-"); the cadence moves on.")
            }
        }
        let binDir = URL(fileURLWithPath: DueTrailExecutable.path).deletingLastPathComponent().path
        Terminal.print("""

            Try next:
              export PATH="\(binDir):$PATH"
              cd \(relative(target))
              git log --stat                       # every action is a commit
              ls .git/duetrail/maildir/new         # the demo's "sent" mail (a local Maildir)
              duetrail cadence                     # the cadence in plain words
              duetrail simulate --today \(Self.demoDate) --to 2026-12-31
              duetrail tasks --today \(Self.laterNow.prefix(10))
              duetrail queue --today \(Self.demoDate) --bucket 90+
              duetrail show INV-1042 --today \(Self.demoDate)
              duetrail check
              duetrail queue --json --today \(Self.demoDate) | head -30
            """)
    }

    func step(_ n: Int, _ text: String) {
        Terminal.print("\n[\(n)] duetrail \(text)")
    }

    func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    func relative(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    func locateExample() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let example { candidates.append(example) }
        candidates.append(fm.currentDirectoryPath + "/example-ledger")
        // Beside the source tree, when run from .build/<config>/duetrail.
        let exe = URL(fileURLWithPath: DueTrailExecutable.path).deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../../../example-ledger").standardizedFileURL.path)
        candidates.append(exe.appendingPathComponent("../../example-ledger").standardizedFileURL.path)
        return candidates.first { fm.fileExists(atPath: $0 + "/" + LedgerConfig.fileName) }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }
}
