import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    /// The `git diff` of each of `paths` against `tree`, by path.
    package func draftPatches(_ paths: [String], tree: ObjectID?) throws(LedgerError) -> [String: FilePatch] {
        guard !paths.isEmpty else { return [:] }
        do {
            var out: [String: FilePatch] = [:]
            // Many drafts: one pass over the folder beats matching thousands of pathspecs.
            let wanted = Set(paths)
            let specs = paths.count > 100 ? [Self.outboxFolder + "/"] : paths
            for p in try repository.diffWorkingTree(against: tree, pathspecs: specs) where wanted.contains(p.path) { out[p.path] = p }
            return out
        } catch {
            throw error.context("comparing drafts with HEAD")
        }
    }

    /// Drafts matching `keys` (invoice numbers, customer slugs or names, draft paths), or all
    /// of `drafts` when `keys` is empty. A key that matches nothing is an error.
    package static func selectDrafts(_ drafts: [OutboxDraft], keys: [String], names: [String: String]) throws(LedgerError) -> [OutboxDraft] {
        guard !keys.isEmpty else { return drafts }
        var out: [OutboxDraft] = []
        var unknown: [String] = []
        for key in keys {
            let lowered = key.lowercased()
            let hits = drafts.filter { d in
                d.path == key || (key.contains("/") && d.path.hasSuffix("/" + key)) || d.pending.customer == lowered
                    || names[d.pending.customer]?.lowercased() == lowered
                    || d.pending.caseNumbers.contains { $0 == key || $0.lowercased() == lowered }
            }
            if hits.isEmpty { unknown.append(key) }
            for hit in hits where !out.contains(where: { $0.path == hit.path }) { out.append(hit) }
        }
        if !unknown.isEmpty {
            let listed = drafts.isEmpty ? "there are none" : "they are: " + drafts.map { "\($0.path) (\($0.pending.caseNumbers.joined(separator: ", ")))" }.joined(separator: "; ")
            throw LedgerError.notFound("no draft for \(unknown.map { "`\($0)`" }.joined(separator: ", ")) (\(listed))")
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Commits the working-tree bytes of the drafts awaiting review that match `keys` (all of
    /// them when `keys` is empty): the commit is the approval, authored by the approver. A draft
    /// a person edited keeps the edit. Every chosen draft is checked first; one bad draft
    /// stops them all.
    package func approve(keys: [String]) throws(LedgerError) -> (drafts: [OutboxDraft], outcome: CommitOutcome?) {
        let identity = try identity()
        var chosen: [OutboxDraft] = []
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            let (drafts, problems) = try outbox(tree: tree)
            // A draft committed only as a review branch's proposal (no merge) is approved again here.
            let stuck = stuckProposals(drafts, head: base)
            let waiting = drafts.filter { $0.awaitingReview || stuck[$0.path] != nil }
            let snapshot = try snapshot(at: base)
            let snapshotNames = snapshot.customerNames
            do throws(LedgerError) {
                chosen = try Self.selectDrafts(waiting, keys: keys, names: snapshotNames)
            } catch {
                // Named drafts that wait on a review branch are approved by merging it.
                guard case .notFound(let message) = error, let onBranches = try? pendingReviewBranches(), !onBranches.isEmpty else { throw error }
                let there = onBranches.filter { b in
                    b.drafts.contains { d in
                        keys.contains { k in d.pending.customer == k.lowercased() || d.pending.caseNumbers.contains { $0.lowercased() == k.lowercased() } || d.path == k }
                    }
                }
                guard !there.isEmpty else { throw error }
                throw LedgerError.notFound(message + "; " + there.map { "review branch \($0.branch) proposes drafts for them: merging it with a merge commit approves them (git merge --no-ff \($0.branch))" }.joined(separator: "; "))
            }
            let broken = problems.filter { p in keys.isEmpty || keys.contains { p.path.contains($0) } }
            if !broken.isEmpty { throw LedgerError.invalid(DiagnosticList(broken)) }
            guard !chosen.isEmpty else { return nil }
            var issues: [Diagnostic] = []
            for draft in chosen {
                guard draft.workingIsUTF8 else {
                    issues.append(Diagnostic(path: draft.path, message: "the draft is not valid UTF-8 text; save it as UTF-8 and approve again"))
                    continue
                }
                issues += DraftHeaders.problems(approving: draft.working ?? "", path: draft.path)
            }
            // A case paid, closed or paused since the draft was written is not chased.
            let setup: CadenceSetup? = try cadenceSetup(tree: tree)
            let byNumber = snapshot.casesByNumber()
            for draft in chosen {
                for number in draft.pending.caseNumbers {
                    guard let c = byNumber[number] else {
                        issues.append(Diagnostic(path: draft.path, message: "case \(number) is no longer in the ledger; reject this draft (duetrail reject \(draft.path) --reason …)"))
                        continue
                    }
                    if let why = c.state.reasonNotToChase(today: clock.today, promiseDeadline: setup?.book.promiseDeadline ?? { $0 }) {
                        issues.append(Diagnostic(path: draft.path, message: "\(number) is \(why) since this draft was written; not approved",
                            hint: "drop it with `duetrail reject \(number) --reason …`"))
                    }
                }
            }
            if !issues.isEmpty { throw LedgerError.invalid(DiagnosticList(issues)) }
            func what(_ d: OutboxDraft) -> String {
                Self.describe(
                    step: setup?.book.stepName(d.pending.step) ?? d.pending.step, customer: snapshotNames[d.pending.customer] ?? d.pending.customer,
                    numbers: d.pending.caseNumbers)
            }
            var change = ChangeSet(
                subject: chosen.count == 1 ? "approve: \(what(chosen[0]))" : "approve: \(chosen.count) reminders",
                body: chosen.count == 1 ? "" : chosen.map(what).joined(separator: "\n"),
                trailers: [.action(.approve)])
            for d in chosen {
                let text: String? = d.working ?? d.committed
                change.files[d.path] = .some(text)
                change.trailers.append(.draft(d.path))
            }
            let again = chosen.filter { stuck[$0.path] != nil }
            if !again.isEmpty {
                // Nothing changes in those files: the commit itself is the approval.
                change.allowEmpty = true
                change.body += (change.body.isEmpty ? "" : "\n\n")
                    + "Approved as committed (they reached the main branch from a review branch without a merge commit):\n"
                    + again.map { "  \($0.path)" }.joined(separator: "\n")
            }
            change.trailers += chosen.flatMap { d in d.pending.caseNumbers.map { .caseNumber($0) } }
            return change
        }
        return (chosen, outcome)
    }

    /// Removes the drafts for `keys` (cases, customers, draft paths) and records the rejection
    /// on each case, so tomorrow's `draft` does not recreate them; with `snoozeDays`, the
    /// cadence waits that long and then drafts what is due then. A case without a draft but
    /// with a step due has that step rejected.
    package func reject(keys: [String], reason: String, snoozeDays: Int?) throws(LedgerError) -> (cases: [CaseSummary], drafts: [OutboxDraft], outcome: CommitOutcome?) {
        guard !reason.trimmedSpaces.isEmpty else { throw LedgerError.badRequest("say why with --reason (it goes on the case's timeline)") }
        let identity = try identity()
        var removedDrafts: [OutboxDraft] = []
        var touched: [CaseSummary] = []
        let today = clock.today
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            let snapshot = try snapshot(at: base)
            let setup = try cadenceSetup(tree: tree)
            let (drafts, _) = try outbox(tree: tree)
            let planner = planner(snapshot, setup: setup, outbox: drafts)
            let byNumber = snapshot.casesByNumber()
            removedDrafts = []
            touched = []
            var steps: [(CaseSummary, String)] = []
            var unknown: [String] = []
            for key in keys {
                let hits = (try? Self.selectDrafts(drafts, keys: [key], names: snapshot.customerNames)) ?? []
                if !hits.isEmpty {
                    for d in hits {
                        if !removedDrafts.contains(where: { $0.path == d.path }) { removedDrafts.append(d) }
                        // Named by invoice: only that case's step is rejected; the others of a
                        // grouped message are drafted again next time.
                        let named = d.pending.caseNumbers.filter { $0 == key || $0.lowercased() == key.lowercased() }
                        for n in named.isEmpty ? d.pending.caseNumbers : named {
                            if let c = byNumber[n] { steps.append((c, d.pending.step(for: n))) }
                        }
                    }
                    continue
                }
                // No draft: reject the step due now on the case(s) the key names.
                let cases = snapshot.find(key) + snapshot.cases.filter { $0.facts.customer == key.lowercased() && $0.state.status == .open }
                let due = cases.compactMap { c -> (CaseSummary, String)? in
                    if case .due(let step, _) = planner.status(of: c, today: today) { return (c, step.id) }
                    return nil
                }
                if due.isEmpty { unknown.append(key) } else { steps += due }
            }
            if !unknown.isEmpty {
                throw LedgerError.notFound("nothing to reject for \(unknown.map { "`\($0)`" }.joined(separator: ", ")): no draft and no reminder due (see `duetrail queue`)")
            }
            let until = snoozeDays.map { today.adding(days: $0) }
            var change = ChangeSet(subject: "", trailers: [.action(.reject)])
            var seen: Set<String> = []
            for (c, step) in steps where seen.insert(c.facts.number).inserted {
                if let outcome = c.state.promiseOutcome(endedBy: step, at: clock, who: identity.name) {
                    try append(outcome, to: c, tree: tree, into: &change)
                }
                var attributes: [(key: EventAttribute, value: String)] = [(.step, step)]
                if let until { attributes.append((.until, until.iso)) }
                let event = clock.event(.rejected, attributes, text: reason, who: identity.name)
                try append(event, to: c, tree: tree, into: &change)
                touched.append(c)
                change.trailers.append(.caseNumber(c.facts.number))
            }
            for d in removedDrafts where d.committed != nil {
                change.files[d.path] = .some(nil)
                change.trailers.append(.draft(d.path))
            }
            let names = snapshot.customerNames
            let who = Set(touched.map { names[$0.facts.customer] ?? $0.facts.customer }).sorted().joined(separator: ", ")
            let numbers = touched.map(\.facts.number)
            change.subject = "reject: reminder to \(who) (\(numbers.count <= 3 ? numbers.joined(separator: ", ") : "\(numbers.count) invoices"))"
                + (until.map { ", snoozed until \($0.iso)" } ?? "")
            change.body = reason
            return change
        }
        // Drafts that were never committed live only in the working tree; a copy is kept in
        // .git/duetrail/rejected/ in case a person had edited it.
        keepAside(drafts: removedDrafts.filter { $0.committed == nil }.map(\.path))
        return (touched, removedDrafts, outcome)
    }
}
