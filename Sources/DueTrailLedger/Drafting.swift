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
            let reminders = planner.dueReminders(snapshot.cases, today: today, requested: requested, only: only)
            Timings.mark("plan")
            run.manualDue = snapshot.cases.filter { c in
                guard planner.settings(of: c.facts.customer).isManual, case .due = planner.status(of: c, today: today) else { return false }
                return !requested.contains(c.facts.number) && !requested.contains(c.facts.customer)
            }
            // Customer files are read here, in order; composing runs on every core.
            var customers: [String: CustomerFile] = [:]
            var skipped: [(String, String)] = []
            for reminder in reminders where customers[reminder.customer] == nil {
                do throws(LedgerError) {
                    if let file = try customerFile(reminder.customer, tree: tree) { customers[reminder.customer] = file }
                } catch {
                    skipped.append((reminder.customer, error.description))
                }
            }
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
            guard !auto.isEmpty else { return nil }
            if knownIdentity == nil { _ = try self.identity() }  // says what is missing
            var change = ChangeSet(
                subject: auto.count == 1
                    ? "draft: \(Self.describe(auto[0].reminder, names: snapshot.customerNames)), approved by policy"
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
        let fm = FileManager.default
        for d in drafts {
            let full = root + "/" + d.path
            let folder = (full as NSString).deletingLastPathComponent
            let temp = folder + "/.\((full as NSString).lastPathComponent).tmp"
            do {
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(d.text.utf8).write(to: URL(fileURLWithPath: temp))
                guard rename(temp, full) == 0 else { throw CocoaError(.fileWriteUnknown) }
            } catch {
                try? fm.removeItem(atPath: temp)
                throw LedgerError.io(path: d.path, message: "cannot write the draft: \(error.localizedDescription)")
            }
        }
    }
}
