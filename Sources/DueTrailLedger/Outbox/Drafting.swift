import AtomicFiles
import DueTrailCore
import Foundation
import GitStore

/// A reminder `draft` wrote: to the working tree for review, or committed on a policy's authority.
package struct DraftedReminder: Sendable {
    package let path: String
    package let draft: ReminderDraft
    package let reminder: DueReminder
    package var text: String { draft.text }
}

/// What one `draft` run did.
package struct DraftRun: Sendable {
    /// Written to the working tree, waiting for review.
    package var forReview: [DraftedReminder] = []
    /// Committed at once, approved by a committed policy.
    package var approvedByPolicy: [DraftedReminder] = []
    package var commit: CommitOutcome?
    /// Customers with a reminder due that could not be drafted, and why.
    package var skipped: [(customer: String, reason: String)] = []
    /// Cases of manual or sensitive customers with a step due: drafted only on request.
    package var manualDue: [CaseSummary] = []
    /// Draft files in the outbox that do not read.
    package var outboxProblems: [Diagnostic] = []
    /// Names of the customers above, by slug.
    package var customerNames: [String: String] = [:]
}

extension Ledger {
    /// Writes today's due reminders: review drafts into the working tree, and drafts approved
    /// by a committed policy as one commit. Running it again the same day changes nothing.
    /// - Parameters:
    ///   - only: invoice numbers and customer slugs to limit drafting to (nil: everyone).
    ///   - requested: the same, for manual and sensitive customers a person asks to draft for.
    ///   - template: a reminder a person chose now, outside the cadence (`draft --case INV
    ///     --template firm`): drafted for `only`'s cases whatever their step, for review.
    package func draftReminders(only: Set<String>? = nil, requested: Set<String> = [], template chosen: String? = nil) throws(LedgerError) -> DraftRun {
        try refuseFutureToday()
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
            if let only {
                // A typo must not read as "nothing due".
                let numbers = Set(snapshot.cases.map(\.facts.number))
                let unknown = only.filter { !numbers.contains($0) && snapshot.customers[$0] == nil }.sorted()
                if !unknown.isEmpty {
                    throw LedgerError.notFound("no case or customer \(unknown.map { "`\($0)`" }.joined(separator: ", ")) (give an invoice number as written, or a customer slug as in customers/<slug>.yaml)")
                }
            }
            let setup = try cadenceSetup(tree: tree, compilingTemplates: true)
            let (drafts, problems) = try outbox(tree: tree, reviewBranches: true)
            run.outboxProblems = problems
            let planner = planner(snapshot, setup: setup, outbox: drafts)
            var planned: [DueReminder]
            if let chosen {
                planned = try self.oneOffReminders(template: chosen, cases: only ?? [], snapshot: snapshot, setup: setup, planner: planner, today: today)
            } else {
                let day = planner.plan(snapshot.cases, today: today, requested: requested, only: only)
                planned = day.reminders
                run.manualDue = day.manualDue.map(\.summary)
            }
            Timings.mark("plan")
            var skipped: [(String, String)] = []
            // A customer with a case file that does not read gets no reminder until it is fixed:
            // its message would leave that invoice out, or chase one already paid.
            var blocked: [String: [String]] = [:]
            for (path, problems, lastRead) in snapshot.unreadableCases {
                // The customer as last read, else the folder (cases/<customer>/<invoice>.md).
                let parts = path.split(separator: "/")
                guard let slug = lastRead?.facts.customer ?? (parts.count == 3 ? String(parts[1]) : nil) else { continue }
                blocked[slug, default: []].append(lastRead?.unreadable?.headline ?? problems.first?.headline ?? path)
            }
            if let only { blocked = blocked.filter { slug, _ in only.contains(slug) || snapshot.cases.contains { $0.facts.customer == slug && only.contains($0.facts.number) } } }
            if !blocked.isEmpty {
                planned.removeAll { blocked[$0.customer] != nil }
                for (slug, problems) in blocked.sorted(by: { $0.key < $1.key }) {
                    skipped.append((slug, problems.joined(separator: "; ") + " — a case file that does not read: nothing is drafted for this customer until it is fixed (duetrail check)"))
                }
            }
            let reminders = planned
            // Customers as the summary cache knows them; a file that does not read is reported.
            var customers: [String: CustomerFile] = [:]
            for slug in Set(reminders.map(\.customer)).sorted() {
                if let known = snapshot.customers[slug] {
                    customers[slug] = known.file(slug: slug)
                } else if let problem = snapshot.unreadable.first(where: { $0.path == ImportPlan.customerPath(slug) }) {
                    skipped.append((slug, problem.description))
                } else {
                    skipped.append((slug, "\(ImportPlan.customerPath(slug)) is missing; cases name this customer"))
                }
            }
            let composer = ReminderComposer(config: config, book: setup.book, templates: setup.templates, portalLink: try portalLinks(today: today, templates: setup.templates.values))
            let files = customers
            // Every file in the outbox counts, even one whose headers a person broke: never write over it.
            let existing = Set(drafts.map(\.path) + problems.map(\.path))
            // Written by an earlier attempt of this run (the branch moved): ours, not someone else's.
            let ours = Set(review.map(\.path))
            if knownIdentity == nil && reminders.contains(where: \.approvedByPolicy) { _ = try self.identity() }  // before writing anything
            let gitDirectory = repository.gitDirectory
            let workingTree = repository.isBare ? nil : root
            if let workingTree {
                try? FileManager.default.createDirectory(atPath: workingTree + "/" + Self.outboxFolder, withIntermediateDirectories: true)
                Self.excludeDraftTemporaries(gitDirectory: gitDirectory)
            }
            // Composing (CPU) and writing review drafts (file system) overlap on every core.
            // A review draft is only a file for a person to read: written even if the policy
            // commit below then fails, and never written twice (the outbox is checked first).
            typealias Composed = (result: Result<ReminderDraft, ReminderComposer.Problem>?, written: Bool, error: LedgerError?)
            let composed = Parallel.map(count: reminders.count, minimum: 200) { i -> Composed in
                let reminder = reminders[i]
                guard let customer = files[reminder.customer] else { return (nil, false, nil) }
                let draft: ReminderDraft
                do throws(ReminderComposer.Problem) {
                    draft = try composer.compose(reminder, customer: customer, today: today)
                } catch {
                    return (.failure(error), false, nil)
                }
                let path = reminder.path(on: today)
                guard !reminder.approvedByPolicy, let workingTree, !existing.contains(path) else { return (.success(draft), false, nil) }
                let error = Self.writeDraft(path: path, text: draft.text, root: workingTree, gitDirectory: gitDirectory)
                return (.success(draft), error == nil, error)
            }
            Timings.mark("compose and write")
            if let error = composed.lazy.compactMap(\.error).first { throw error }
            var auto: [DraftedReminder] = []
            for (reminder, outcome) in zip(reminders, composed) {
                switch outcome.result {
                case nil: continue
                case .failure(.noContact(let slug))?:
                    skipped.append((slug, "\(ImportPlan.customerPath(slug)) lists no contact to write to; add `contacts:` with an `email:`"))
                case .failure(.missingTemplate(let name))?:
                    let why = setup.templateProblems.first { $0.path == "templates/\(name).mustache" }?.headline ?? "templates/\(name).mustache is missing"
                    skipped.append((reminder.customer, why))
                case .failure(.tooLarge(let name, let bytes))?:
                    skipped.append((reminder.customer, "templates/\(name).mustache renders a \(bytes / 1024) KiB reminder for this customer, over the \(TemplateLimits.standard.maxRenderedBytes / 1024) KiB a reminder may be; shorten the template"))
                case .success(let draft)?:
                    let path = reminder.path(on: today)
                    if ours.contains(path) { continue }
                    if existing.contains(path) {
                        skipped.append((reminder.customer, "\(path) already exists (approve or reject it first)"))
                        continue
                    }
                    let drafted = DraftedReminder(path: path, draft: draft, reminder: reminder)
                    if reminder.approvedByPolicy {
                        auto.append(drafted)
                    } else if outcome.written {
                        review.append(drafted)
                    } else {
                        throw LedgerError.badRequest("a bare repository has no working tree for review drafts; draft in a clone")
                    }
                }
            }
            run.skipped = skipped
            run.approvedByPolicy = auto
            let involved = Set(reminders.map(\.customer) + run.manualDue.map(\.facts.customer))
            run.customerNames = snapshot.customers.filter { involved.contains($0.key) }.mapValues(\.name)
            guard !auto.isEmpty else { return nil }
            var change = ChangeSet(
                subject: auto.count == 1
                    ? "draft: \(Self.describe(step: auto[0].reminder.stepName, customer: run.customerNames[auto[0].reminder.customer] ?? auto[0].reminder.customer, numbers: auto[0].draft.caseNumbers)), approved by policy"
                    : "draft: \(auto.count) reminders approved by policy",
                body: auto.map { "\($0.path): \($0.reminder.cases.map(\.summary.facts.number).joined(separator: ", "))" }.joined(separator: "\n"),
                trailers: [.action(.draft), .approvedByPolicy])
            var policies: Set<String> = []
            for drafted in auto {
                change.files[drafted.path] = drafted.text
                let settings = planner.settings(of: drafted.reminder.customer)
                let source = settings.policy == .auto ? ImportPlan.customerPath(drafted.reminder.customer) : CadenceBook.fileName
                if let entry = try? repository.entry(at: source, inTree: tree) { policies.insert("\(source) \(entry.id.short) in \(base.short)") }
            }
            change.trailers += policies.sorted().map { Trailer(.policy, $0) }
            change.trailers += auto.flatMap { d in d.reminder.cases.map { .caseNumber($0.summary.facts.number) } }
            return change
        }
        run.commit = outcome
        Timings.mark("commit")
        run.forReview = review
        return run
    }

    /// One reminder per customer from `template` for the cases `keys` name (invoice numbers),
    /// outside the cadence: step `one-off-<template>`, always for review. A case that is paid,
    /// closed or paused (its customer on hold too), or already has a draft, is refused with
    /// the reason.
    func oneOffReminders(
        template: String, cases keys: Set<String>, snapshot: LedgerSnapshot, setup: CadenceSetup, planner: CadencePlanner, today: CalendarDate
    ) throws(LedgerError) -> [DueReminder] {
        guard setup.templates[template] != nil else {
            if let problem = setup.templateProblems.first(where: { $0.path == "templates/\(template).mustache" }) { throw LedgerError.invalid(DiagnosticList([problem])) }
            throw LedgerError.notFound("no template `\(template)` (templates/\(template).mustache); templates here: \(setup.templates.keys.sorted().joined(separator: ", "))")
        }
        let byNumber = snapshot.casesByNumber()
        let chosen = keys.compactMap { byNumber[$0] }.sorted { ($0.facts.due, $0.facts.number) < ($1.facts.due, $1.facts.number) }
        guard !chosen.isEmpty, chosen.count == keys.count else {
            throw LedgerError.badRequest("--template drafts for the cases named with --case (invoice numbers), not for a whole customer")
        }
        let step = CadenceStep.oneOff(template: template)
        var byCustomer: [String: [CaseSummary]] = [:]
        for c in chosen {
            switch planner.status(of: c, today: today) {
            case .inactive(let why), .paused(let why):
                throw LedgerError.conflict("\(c.facts.number) is \(why); no reminder is drafted for it")
            case .drafted(let d):
                throw LedgerError.conflict("\(c.facts.number) already has a draft (\(d.path)); approve or reject it first")
            case .due, .held, .task, .waiting, .finished, .unknownCadence:
                byCustomer[c.facts.customer, default: []].append(c)
            }
        }
        return byCustomer.keys.sorted().map { customer in
            DueReminder(
                customer: customer, cases: (byCustomer[customer] ?? []).map { (summary: $0, step: step) }, stepID: step.id, template: template,
                approvedByPolicy: false, requested: true)
        }
    }

    /// `firm reminder to Acme GmbH (INV-1042, INV-1043)`: how commit subjects name a reminder.
    static func describe(step: String, customer: String, numbers: [String]) -> String {
        let shown = numbers.count <= 3 ? numbers.joined(separator: ", ") : numbers.prefix(3).joined(separator: ", ") + ", …"
        return "\(step) to \(customer) (\(shown))"
    }

    /// Writes one review draft into the working tree, through a temporary file and a rename so
    /// that a draft is never half written. Returns the error instead of throwing (it runs on
    /// worker threads).
    /// The temporary file (`.<name>.tmp` beside it) is listed in `.git/info/exclude` (see
    /// `excludeDraftTemporaries`), so a crash cannot leave a file for `git add -A` to pick up.
    static func writeDraft(path: String, text: String, root: String, gitDirectory: String) -> LedgerError? {
        let full = root + "/" + path
        let folder = (full as NSString).deletingLastPathComponent
        let temp = folder + "/." + (full as NSString).lastPathComponent + ".tmp"
        func failure(_ what: String, _ code: Int32) -> LedgerError {
            LedgerError.io(path: path, message: "\(what): \(String(cString: strerror(code)))")
        }
        if mkdir(folder, 0o755) != 0 {
            let code = errno
            if code != EEXIST { return failure("cannot create its folder", code) }
        }
        unlink(temp)  // left by a crash while writing this same draft
        do throws(AtomicFileError) {
            try AtomicFile.write(text.utf8, to: full, temporary: temp)
        } catch {
            return failure("cannot write the draft", error.errno.rawValue)
        }
        return nil
    }
}

extension Ledger {
    static let temporaryPattern = "/outbox/**/.*.tmp"

    /// Adds the drafts' temporary files to `.git/info/exclude` (local, never committed) once.
    static func excludeDraftTemporaries(gitDirectory: String) {
        let path = gitDirectory + "/info/exclude"
        let current = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard !current.split(separator: "\n").contains(Substring(temporaryPattern)) else { return }
        try? FileManager.default.createDirectory(atPath: gitDirectory + "/info", withIntermediateDirectories: true)
        let text = current + (current.isEmpty || current.hasSuffix("\n") ? "" : "\n") + "# duetrail: drafts being written\n" + temporaryPattern + "\n"
        try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

