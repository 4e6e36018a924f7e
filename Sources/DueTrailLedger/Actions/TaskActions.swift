import DueTrailCore
import Foundation
import GitStore

/// A task step of the cadence that is due: a call, an escalation decision, a custom to-do.
package struct DueTask: Sendable {
    package let summary: CaseSummary
    package let step: CadenceStep
    package let since: CalendarDate
    package let customerName: String
    /// The customer's `owner:` (`Name <email>`), if set.
    package let owner: String?
}

extension Ledger {
    /// Every task step due today, oldest first (then by invoice number).
    package func dueTasks() throws(LedgerError) -> [DueTask] {
        let snapshot = try self.snapshot()
        let setup = try cadenceSetup(tree: snapshot.tree)
        let (drafts, _) = try outbox(tree: snapshot.tree)
        let planner = planner(snapshot, setup: setup, outbox: drafts)
        let today = clock.today
        var memo = CadencePlanner.ScheduleMemo()
        var out: [DueTask] = []
        for c in snapshot.cases where c.state.status == .open {
            guard case .task(let step, let since) = planner.status(of: c, today: today, memo: &memo) else { continue }
            let customer = snapshot.customers[c.facts.customer]
            out.append(DueTask(summary: c, step: step, since: since, customerName: customer?.name ?? c.facts.customer, owner: customer?.owner))
        }
        return out.sorted { ($0.since, $0.summary.facts.number) < ($1.since, $1.summary.facts.number) }
    }

    /// Where `c` stands in its cadence as committed now, with the steps of its cadence.
    func cadencePosition(of c: CaseSummary) throws(LedgerError) -> (status: CadenceStatus, steps: [CadenceStep]) {
        let snapshot = try self.snapshot()
        let setup = try cadenceSetup(tree: snapshot.tree)
        let (drafts, _) = try outbox(tree: snapshot.tree, customers: [c.facts.customer])
        let planner = planner(snapshot, setup: setup, outbox: drafts)
        let steps = setup.book.steps(of: planner.settings(of: c.facts.customer).cadence) ?? []
        return (planner.status(of: c, today: clock.today), steps)
    }

    /// `done`: a person finished a task step (the one due, or `step`). One commit, one `done`
    /// event; the cadence moves on to the next step.
    package func done(_ key: String, step wanted: String?, note: String) throws(LedgerError) -> (result: ActionResult, step: CadenceStep) {
        var finished: CadenceStep?
        let result = try record(
            on: [key], action: .done,
            subject: { cases in "done: \(finished?.name ?? "task") on \(cases.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                if let why = c.state.inactiveReason { throw LedgerError.conflict("\(c.facts.number) is \(why); no task is due") }
                let (status, steps) = try self.cadencePosition(of: c)
                if let wanted {
                    guard let step = steps.first(where: { $0.id == wanted }) else {
                        throw LedgerError.notFound("\(c.facts.number)'s cadence has no step `\(wanted)`; its steps: \(steps.map(\.id).joined(separator: ", "))")
                    }
                    guard !step.isEmail else {
                        throw LedgerError.badRequest("`\(wanted)` is an email step; a reminder is done when it is sent (or `duetrail skip \(c.facts.number) --step \(wanted) --reason …`)")
                    }
                    try Self.requireNotBehind(step, steps: steps, of: c)
                    finished = step
                } else {
                    guard case .task(let step, _) = status else {
                        throw LedgerError.conflict("\(c.facts.number) has no task due (\(status.phrase(manual: false))); name one with --step")
                    }
                    finished = step
                }
            },
            event: { _, who in
                self.clock.event(.done, [(.step, finished?.id ?? "")], text: note, who: who.name)
            })
        guard let finished else { throw LedgerError.internalFailure("no step recorded") }
        return (ActionResult(cases: result.cases, commit: result.outcome?.commit, withdrawnDrafts: []), finished)
    }

    /// `skip`: a person decided a step should not happen for this case. One commit, one
    /// `skipped` event with the reason; the cadence moves on to the step after it.
    package func skip(_ key: String, step wanted: String, reason: String) throws(LedgerError) -> (result: ActionResult, step: CadenceStep) {
        var skipped: CadenceStep?
        let result = try record(
            on: [key], action: .skip,
            subject: { cases in "skip: \(skipped?.name ?? wanted) on \(cases.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                if let why = c.state.inactiveReason { throw LedgerError.conflict("\(c.facts.number) is \(why); nothing to skip") }
                let (status, steps) = try self.cadencePosition(of: c)
                guard let step = steps.first(where: { $0.id == wanted }) else {
                    throw LedgerError.notFound("\(c.facts.number)'s cadence has no step `\(wanted)`; its steps: \(steps.map(\.id).joined(separator: ", "))")
                }
                if case .drafted(let draft) = status {
                    throw LedgerError.conflict("\(draft.path) is drafted for \(c.facts.number); reject it instead (`duetrail reject \(c.facts.number) --reason …`)")
                }
                try Self.requireNotBehind(step, steps: steps, of: c)
                skipped = step
            },
            event: { _, who in
                self.clock.event(.skipped, [(.step, wanted)], text: reason, who: who.name)
            })
        guard let skipped else { throw LedgerError.internalFailure("no step recorded") }
        return (ActionResult(cases: result.cases, commit: result.outcome?.commit, withdrawnDrafts: []), skipped)
    }

    /// A step already behind the case (sent, done or skipped before) cannot be finished again.
    private static func requireNotBehind(_ step: CadenceStep, steps: [CadenceStep], of c: CaseSummary) throws(LedgerError) {
        guard let last = c.state.lastStep, let lastIndex = steps.firstIndex(where: { $0.id == last }),
            let index = steps.firstIndex(where: { $0.id == step.id }), index <= lastIndex
        else { return }
        throw LedgerError.conflict("\(c.facts.number) is already past step `\(step.id)` (last: `\(last)` on \(c.state.lastStepDate?.iso ?? "?"))")
    }

    /// The call step a logged call finishes: the task due for `c` when it is a call.
    func callStepDue(for c: CaseSummary) throws(LedgerError) -> CadenceStep? {
        guard c.state.status == .open, case .task(let step, _) = try cadencePosition(of: c).status, step.isCall else { return nil }
        return step
    }
}
