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
    package let owner: Owner?
}

/// The cadence as committed at one branch tip: what `done`, `skip` and a logged call check
/// each case against. Built once per tip, not once per case.
final class CadenceView {
    let tip: ObjectID?
    let planner: CadencePlanner

    init(tip: ObjectID?, planner: CadencePlanner) {
        self.tip = tip
        self.planner = planner
    }

    /// The steps of `c`'s cadence and their dates for it.
    func steps(of c: CaseSummary) -> (steps: [CadenceStep], dates: [CalendarDate]) {
        let book = planner.book
        let steps = book.steps(of: planner.settings(of: c.facts.customer).cadence) ?? []
        return (steps, book.schedule(steps, due: c.facts.due))
    }

    /// The step `id` of `c`'s cadence, or an error listing the steps it has.
    func step(_ id: String, of c: CaseSummary) throws(LedgerError) -> CadenceStep {
        let steps = steps(of: c).steps
        guard let step = steps.first(where: { $0.id == id }) else {
            throw LedgerError.notFound("\(c.facts.number)'s cadence has no step `\(id)`; its steps: \(steps.map(\.id).joined(separator: ", "))")
        }
        return step
    }

    /// A step already behind the case (sent, done or skipped before) cannot be finished again.
    func requireNotBehind(_ step: CadenceStep, of c: CaseSummary) throws(LedgerError) {
        let (steps, dates) = steps(of: c)
        guard let index = steps.firstIndex(where: { $0.id == step.id }), index < CadencePlanner.firstOpenStep(c.state, steps: steps, dates: dates)
        else { return }
        throw LedgerError.conflict("\(c.facts.number) is already past step `\(step.id)` (last: `\(c.state.lastStep ?? "?")` on \(c.state.lastStepDate?.iso ?? "?"))")
    }
}

extension Ledger {
    /// Every task step due today, oldest first (then by invoice number).
    package func dueTasks() throws(LedgerError) -> [DueTask] {
        let snapshot = try self.snapshot()
        let setup = try cadenceSetup(tree: snapshot.tree)
        let (drafts, _) = try outbox(tree: snapshot.tree)
        let tasks = planner(snapshot, setup: setup, outbox: drafts).plan(snapshot.cases, today: clock.today).tasks
        return tasks.map { c, step, since in
            let customer = snapshot.customers[c.facts.customer]
            return DueTask(summary: c, step: step, since: since, customerName: customer?.name ?? c.facts.customer, owner: customer?.owner)
        }.sorted { ($0.since, $0.summary.facts.number) < ($1.since, $1.summary.facts.number) }
    }

    /// The cadence at the branch tip: `cached` when it was made for the same tip.
    func cadenceView(reusing cached: CadenceView?) throws(LedgerError) -> CadenceView {
        let tip = try branchTip()
        if let cached, cached.tip == tip { return cached }
        let snapshot = try self.snapshot(at: tip)
        let setup = try cadenceSetup(tree: snapshot.tree)
        let (drafts, _) = try outbox(tree: snapshot.tree)
        return CadenceView(tip: tip, planner: planner(snapshot, setup: setup, outbox: drafts))
    }

    /// `done`: a person finished a task step (the one due, or `step`). One commit, one `done`
    /// event; the cadence moves on to the next step.
    package func done(_ key: String, step wanted: String?, note: String) throws(LedgerError) -> (result: ActionResult, step: CadenceStep) {
        var finished: CadenceStep?
        var view: CadenceView?
        let result = try run(
            [key], action: .done,
            subject: { cases in "done: \(finished?.name ?? "task") on \(cases.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                if let why = c.state.inactiveReason { throw LedgerError.conflict("\(c.facts.number) is \(why); no task is due") }
                let current = try self.cadenceView(reusing: view)
                view = current
                if let wanted {
                    let step = try current.step(wanted, of: c)
                    guard !step.isEmail else {
                        throw LedgerError.badRequest("`\(wanted)` is an email step; a reminder is done when it is sent (or `duetrail skip \(c.facts.number) --step \(wanted) --reason …`)")
                    }
                    try current.requireNotBehind(step, of: c)
                    finished = step
                } else {
                    let status = current.planner.status(of: c, today: self.clock.today)
                    guard case .task(let step, _) = status else {
                        throw LedgerError.conflict("\(c.facts.number) has no task due (\(status.phrase(manual: false))); name one with --step")
                    }
                    finished = step
                }
            },
            event: { _, who in self.clock.event(.done, [(.step, finished?.id ?? "")], text: note, who: who.name) })
        guard let finished else { throw LedgerError.internalFailure("no step recorded") }
        return (result, finished)
    }

    /// `skip`: a person decided a step should not happen for this case. One commit, one
    /// `skipped` event with the reason; the cadence moves on to the step after it.
    package func skip(_ key: String, step wanted: String, reason: String) throws(LedgerError) -> (result: ActionResult, step: CadenceStep) {
        var skipped: CadenceStep?
        var view: CadenceView?
        let result = try run(
            [key], action: .skip,
            subject: { cases in "skip: \(skipped?.name ?? wanted) on \(cases.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                if let why = c.state.inactiveReason { throw LedgerError.conflict("\(c.facts.number) is \(why); nothing to skip") }
                let current = try self.cadenceView(reusing: view)
                view = current
                let step = try current.step(wanted, of: c)
                if case .drafted(let draft) = current.planner.status(of: c, today: self.clock.today) {
                    throw LedgerError.conflict("\(draft.path) is drafted for \(c.facts.number); reject it instead (`duetrail reject \(c.facts.number) --reason …`)")
                }
                try current.requireNotBehind(step, of: c)
                skipped = step
            },
            event: { _, who in self.clock.event(.skipped, [(.step, wanted)], text: reason, who: who.name) })
        guard let skipped else { throw LedgerError.internalFailure("no step recorded") }
        return (result, skipped)
    }
}
