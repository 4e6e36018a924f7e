import Foundation

/// What the cadence would do day by day over a date range: the same planner as `draft`, run
/// over a copy of the ledger in memory that records what it would draft and send each day,
/// and the events sending causes (a `sent` on each case, a broken promise's outcome), through
/// the same state rules as a case file (`CaseState.apply`). Every reminder is approved and
/// sent the day it is drafted; events a person expects (a payment, a promise, a dispute) can be
/// scripted on their days. Writes nothing; "watch one full cycle" before going live.
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

    /// An event a person expects on a day (`simulate --events`): a payment, a promise, a dispute.
    package struct Scripted: Sendable {
        package var invoice: String
        package var event: TimelineEvent

        package init(invoice: String, event: TimelineEvent) {
            self.invoice = invoice
            self.event = event
        }

        /// `INV-1042 - 2026-12-05 · payment · amount: 500.00 EUR · by Ana`: an invoice number,
        /// then a timeline line as a case file holds it. Nil with the reason when it does not read.
        package static func parse(_ line: Substring) -> Result<Scripted, ScriptError> {
            let trimmed = line.trimmedSpaces
            guard let space = trimmed.firstIndex(of: " ") else { return .failure(ScriptError("write the invoice number, then the event: `INV-1042 - 2026-12-05 · payment · amount: 500.00 EUR · by Ana`")) }
            let invoice = String(trimmed[..<space])
            switch TimelineEvent.parse(trimmed[trimmed.index(after: space)...].trimmedSpaces[...]) {
            case .success(let event): return .success(Scripted(invoice: invoice, event: event))
            case .failure(let error): return .failure(ScriptError("not a timeline event (\(error))"))
            }
        }
    }

    /// Why a scripted line does not read.
    package struct ScriptError: Error, Sendable {
        package let message: String
        init(_ message: String) { self.message = message }
    }

    package let events: [Event]

    /// - Parameters:
    ///   - pending: drafts already in the outbox; they count as sent on the day drafted.
    ///   - scripted: events that happen on their days, before that day's drafting.
    package init(
        book: CadenceBook, customers: [String: CustomerCadence], cases: [CaseSummary], pending: [PendingDraft] = [],
        scripted: [Scripted] = [], from: CalendarDate, to: CalendarDate, timezone: TimeZone = .gmt
    ) {
        let scriptedCases = Set(scripted.map(\.invoice))
        var current = cases.filter { $0.state.status == .open || scriptedCases.contains($0.facts.number) }
        var index: [String: Int] = [:]
        for (i, c) in current.enumerated() { index[c.facts.number] = i }
        func clock(_ day: CalendarDate) -> LedgerClock {
            LedgerClock(timezone: timezone, today: day, now: day.end(in: timezone).addingTimeInterval(-15 * 3_600))
        }
        /// What `send` records on a case: a broken promise's outcome before its follow-up, then `sent`.
        func send(_ number: String, step: String, at clock: LedgerClock) {
            guard let i = index[number] else { return }
            if let outcome = current[i].state.promiseOutcome(endedBy: step, at: clock, who: "simulate") { current[i].state.apply(outcome) }
            current[i].state.apply(clock.event(.sent, [(.step, step)], who: "simulate"))
        }
        for draft in pending {
            let at = clock(draft.date)
            for number in draft.caseNumbers where index[number] != nil { send(number, step: draft.step(for: number), at: at) }
        }
        let byDay = Dictionary(grouping: scripted, by: { (s: Scripted) in s.event.date })
        var out: [Event] = []
        var shown: Set<String> = []
        var day = from
        while day <= to {
            for s in byDay[day] ?? [] {
                if let i = index[s.invoice] { current[i].state.apply(s.event) }
            }
            let planner = CadencePlanner(book: book, customers: customers, cases: current, pending: [])
            let plan = planner.plan(current, today: day)
            let at = clock(day)
            for reminder in plan.reminders {
                out.append(Event(
                    day: day, kind: reminder.approvedByPolicy ? .auto : .review, customer: reminder.customer, step: reminder.stepID,
                    template: reminder.template, cases: reminder.cases.map(\.summary.facts.number)))
                for (summary, step) in reminder.cases { send(summary.facts.number, step: step.id, at: at) }
            }
            // A manual customer's step and a task stay due until a person acts: shown once.
            for (c, step) in plan.manualDue where shown.insert(c.facts.number + "\u{1}" + step.id).inserted {
                var template: String?
                if case .email(let t) = step.action { template = t }
                out.append(Event(day: day, kind: .manual, customer: c.facts.customer, step: step.id, template: template, cases: [c.facts.number]))
            }
            for (c, step, _) in plan.tasks where shown.insert(c.facts.number + "\u{1}" + step.id).inserted {
                guard case .task(let what) = step.action else { continue }
                out.append(Event(day: day, kind: .task, customer: c.facts.customer, step: step.id, template: what, cases: [c.facts.number]))
            }
            day = day.adding(days: 1)
        }
        events = out
    }
}
