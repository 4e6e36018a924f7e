import DueTrailCore
import Foundation
import GitStore

/// A reminder `draft` wrote: to the working tree for review, or committed on a policy's authority.
public struct DraftedReminder: Sendable {
    public let path: String
    public let draft: ReminderDraft
    public let reminder: DueReminder
    public var text: String { draft.text }
}

/// What one `draft` run did.
public struct DraftRun: Sendable {
    /// Written to the working tree, waiting for review.
    public var forReview: [DraftedReminder] = []
    /// Committed at once, approved by a committed policy.
    public var approvedByPolicy: [DraftedReminder] = []
    public var commit: CommitOutcome?
    /// Customers with a reminder due that could not be drafted, and why.
    public var skipped: [(customer: String, reason: String)] = []
    /// Cases of manual or sensitive customers with a step due: drafted only on request.
    public var manualDue: [CaseSummary] = []
    /// Draft files in the outbox that do not read.
    public var outboxProblems: [Diagnostic] = []
    /// Names of the customers above, by slug.
    public var customerNames: [String: String] = [:]
}

extension Ledger {
    /// Writes today's due reminders: review drafts into the working tree, and drafts approved
    /// by a committed policy as one commit. Running it again the same day changes nothing.
    /// - Parameters:
    ///   - only: invoice numbers and customer slugs to limit drafting to (nil: everyone).
    ///   - requested: the same, for manual and sensitive customers a person asks to draft for.
    public func draftReminders(only: Set<String>? = nil, requested: Set<String> = []) throws(LedgerError) -> DraftRun {
        var run = DraftRun()
        var review: [DraftedReminder] = []
        let today = clock.today
        preloadSnapshot()
        // Only a policy commit needs an author; review drafts can be written without one.
        let knownIdentity = try? identity()
        let outcome = try commit(author: knownIdentity ?? Identity(name: "unknown", email: "unknown@invalid")) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let snapshot: LedgerSnapshot
            if let early = preloadedSnapshot(of: base) { snapshot = early } else { snapshot = try self.snapshot(at: base) }
            Timings.mark("snapshot")
            guard let base, let tree = snapshot.tree else { return nil }
            let setup = try cadenceSetup(tree: tree)
            let (drafts, problems) = try outbox(tree: tree)
            run.outboxProblems = problems
            let planner = planner(snapshot, setup: setup, outbox: drafts)
            let planned = planner.plan(snapshot.cases, today: today, requested: requested, only: only)
            let reminders = planned.reminders
            run.manualDue = planned.manualDue
            Timings.mark("plan")
            // Customers as the summary cache knows them; a file that does not read is reported.
            var customers: [String: CustomerFile] = [:]
            var skipped: [(String, String)] = []
            for slug in Set(reminders.map(\.customer)).sorted() {
                if let known = snapshot.customers[slug] {
                    customers[slug] = known.file(slug: slug)
                } else if let problem = snapshot.unreadable.first(where: { $0.path == ImportPlan.customerPath(slug) }) {
                    skipped.append((slug, problem.description))
                } else {
                    skipped.append((slug, "\(ImportPlan.customerPath(slug)) is missing; cases name this customer"))
                }
            }
            Timings.mark("read customers")
            let composer = ReminderComposer(config: config, book: setup.book, templates: setup.templates)
            let files = customers
            let composed = Parallel.map(count: reminders.count, minimum: 200) { i -> Result<ReminderDraft, ReminderComposer.Problem>? in
                guard let customer = files[reminders[i].customer] else { return nil }
                do throws(ReminderComposer.Problem) {
                    return .success(try composer.compose(reminders[i], customer: customer, today: today))
                } catch {
                    return .failure(error)
                }
            }
            Timings.mark("compose")
            var auto: [DraftedReminder] = []
            review = []
            let existing = Set(drafts.map(\.path))
            for (reminder, result) in zip(reminders, composed) {
                switch result {
                case nil: continue
                case .failure(.noContact(let slug))?:
                    skipped.append((slug, "\(ImportPlan.customerPath(slug)) lists no contact to write to; add `contacts:` with an `email:`"))
                case .failure(.missingTemplate(let name))?:
                    let why = setup.templateProblems.first { $0.path == "templates/\(name).mustache" }?.headline ?? "templates/\(name).mustache is missing"
                    skipped.append((reminder.customer, why))
                case .success(let draft)?:
                    let path = reminder.path(on: today)
                    if existing.contains(path) {
                        skipped.append((reminder.customer, "\(path) already exists (approve or reject it first)"))
                        continue
                    }
                    let drafted = DraftedReminder(path: path, draft: draft, reminder: reminder)
                    if reminder.approvedByPolicy { auto.append(drafted) } else { review.append(drafted) }
                }
            }
            run.skipped = skipped
            run.approvedByPolicy = auto
            let involved = Set(reminders.map(\.customer) + run.manualDue.map(\.facts.customer))
            run.customerNames = snapshot.customers.filter { involved.contains($0.key) }.mapValues(\.name)
            guard !auto.isEmpty else { return nil }
            if knownIdentity == nil { _ = try self.identity() }  // says what is missing
            var change = ChangeSet(
                subject: auto.count == 1
                    ? "draft: \(Self.describe(auto[0].reminder, names: run.customerNames)), approved by policy"
                    : "draft: \(auto.count) reminders approved by policy",
                body: auto.map { "\($0.path): \($0.reminder.cases.map(\.summary.facts.number).joined(separator: ", "))" }.joined(separator: "\n"),
                trailers: [("DueTrail-Action", "draft"), ("DueTrail-Approved-By", "policy")])
            var policies: Set<String> = []
            for drafted in auto {
                change.files[drafted.path] = drafted.text
                let settings = planner.settings(of: drafted.reminder.customer)
                let source = settings.policy == .auto ? ImportPlan.customerPath(drafted.reminder.customer) : CadenceBook.fileName
                if let entry = try? repository.entry(at: source, inTree: tree) { policies.insert("\(source) \(entry.id.short) in \(base.short)") }
            }
            change.trailers += policies.sorted().map { ("DueTrail-Policy", $0) }
            change.trailers += auto.flatMap { d in d.reminder.cases.map { ("DueTrail-Case", $0.summary.facts.number) } }
            return change
        }
        run.commit = outcome
        Timings.mark("commit")
        try writeDrafts(review)
        run.forReview = review
        Timings.mark("write drafts")
        return run
    }

    /// `firm reminder to Acme GmbH (INV-1042, INV-1043)`
    static func describe(_ reminder: DueReminder, names: [String: String]) -> String {
        let what = reminder.stepID == "statement" ? "statement" : (reminder.cases.first?.step.name ?? reminder.stepID)
        let numbers = reminder.cases.map(\.summary.facts.number)
        let shown = numbers.count <= 3 ? numbers.joined(separator: ", ") : numbers.prefix(3).joined(separator: ", ") + ", …"
        return "\(what) to \(names[reminder.customer] ?? reminder.customer) (\(shown))"
    }

    /// Writes review drafts into the working tree (each through a temporary file and a rename,
    /// so a draft is never half written).
    func writeDrafts(_ drafts: [DraftedReminder]) throws(LedgerError) {
        guard !repository.isBare else {
            if !drafts.isEmpty { throw LedgerError.usage("a bare repository has no working tree for review drafts; draft in a clone") }
            return
        }
        // Folders first, then the files on every core (thousands of small writes).
        for folder in Set(drafts.map { (root + "/" + $0.path as NSString).deletingLastPathComponent }).sorted() {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw LedgerError.io(path: folder, message: "cannot create the folder: \(error.localizedDescription)")
            }
        }
        let base = root
        let failures = Parallel.map(count: drafts.count, minimum: 500) { i -> LedgerError? in
            let d = drafts[i]
            let full = base + "/" + d.path
            let temp = (full as NSString).deletingLastPathComponent + "/.\((full as NSString).lastPathComponent).tmp"
            let bytes = Array(d.text.utf8)
            let fd = openForWriting(temp)
            guard fd >= 0 else { return LedgerError.io(path: d.path, message: "cannot write the draft: \(String(cString: strerror(errno)))") }
            let written = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress, raw.count) }
            close(fd)
            guard written == bytes.count, rename(temp, full) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temp)
                return LedgerError.io(path: d.path, message: "cannot write the draft: \(reason)")
            }
            return nil
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }
}

/// `open(2)` for a new file (the name `open` is taken by `Ledger.open` inside the extension).
private func openForWriting(_ path: String) -> Int32 { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
