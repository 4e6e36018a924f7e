/// What the cadence would do day by day over a date range, assuming no payment and no reply:
/// each reminder drafted counts as sent that day, so the next steps and the minimum gap play
/// out as they would live. Writes nothing; "watch one full cycle" before going live.
package struct CadenceSimulation: Sendable {
    package struct Event: Sendable, Equatable {
        package enum Kind: String, Sendable {
            /// A draft a person reviews.
            case review
            /// A draft approved by a committed policy.
            case auto
            /// A manual or sensitive customer's step: drafted only when a person asks.
            case manual
            /// A task for a person.
            case task
        }

        package var day: CalendarDate
        package var kind: Kind
        package var customer: String
        package var step: String
        package var template: String?
        package var cases: [String]
    }

    package let events: [Event]

    /// - Parameter pending: drafts already in the outbox; they count as sent on the day drafted.
    package init(
        book: CadenceBook, customers: [String: CustomerCadence], cases: [CaseSummary], pending: [PendingDraft] = [],
        from: CalendarDate, to: CalendarDate
    ) {
        var current = cases.filter { $0.state.status == .open }
        var index: [String: Int] = [:]
        for (i, c) in current.enumerated() { index[c.facts.number] = i }
        for draft in pending {
            for number in draft.caseNumbers {
                guard let i = index[number] else { continue }
                current[i].state.lastStep = draft.step(for: number)
                current[i].state.lastStepDate = draft.date
                current[i].state.lastReminder = draft.date
            }
        }
        var out: [Event] = []
        var tasksShown: Set<String> = []
        var day = from
        while day <= to {
            let planner = CadencePlanner(book: book, customers: customers, cases: current, pending: [])
            for reminder in planner.dueReminders(current, today: day, requested: Set(customers.keys)) {
                let settings = planner.settings(of: reminder.customer)
                let kind: Event.Kind = settings.isManual ? .manual : reminder.approvedByPolicy ? .auto : .review
                if kind == .manual {
                    // Shown once: it stays due until a person drafts it.
                    let fresh = reminder.cases.filter { tasksShown.insert($0.summary.facts.number + "\u{1}" + $0.step.id).inserted }
                    if fresh.isEmpty { continue }
                }
                out.append(Event(day: day, kind: kind, customer: reminder.customer, step: reminder.stepID, template: reminder.template,
                    cases: reminder.cases.map(\.summary.facts.number)))
                // Manual steps wait for a person; in the simulation they stay due.
                guard kind != .manual else { continue }
                for (summary, step) in reminder.cases {
                    guard let i = index[summary.facts.number] else { continue }
                    current[i].state.lastStep = step.id
                    current[i].state.lastStepDate = day
                    current[i].state.lastReminder = day
                }
            }
            var memo = CadencePlanner.ScheduleMemo()
            for c in current {
                guard case .task(let step, _) = planner.status(of: c, today: day, memo: &memo),
                    tasksShown.insert(c.facts.number + "\u{1}" + step.id).inserted, case .task(let what) = step.action
                else { continue }
                out.append(Event(day: day, kind: .task, customer: c.facts.customer, step: step.id, template: what, cases: [c.facts.number]))
            }
            day = day.adding(days: 1)
        }
        events = out
    }
}
