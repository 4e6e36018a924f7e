import Foundation

/// A case's timeline replayed: its balance after each event, and when a payment or balance
/// change happened (a payment's `date:`, when given, is when the money came, which may be
/// before it was recorded). What the promise and cadence reports judge by.
package struct CaseReplay: Sendable {
    package struct Step: Sendable {
        package let event: TimelineEvent
        /// When the balance change took effect.
        package let effective: CalendarDate
        package let balance: Money
    }

    package let file: CaseFile
    package let steps: [Step]

    package init(_ file: CaseFile) {
        self.file = file
        var balance = file.facts.amount
        var out: [Step] = []
        let events = file.events.inEffect
        out.reserveCapacity(events.count)
        for event in events {
            balance = CaseState.balance(after: event, from: balance)
            out.append(Step(event: event, effective: event.effectiveDate, balance: balance))
        }
        steps = out
    }

    /// The first day the balance reached zero or less, if it did.
    package var paidOn: CalendarDate? {
        steps.first { $0.balance.amount <= 0 && $0.event.kind != .closed }?.effective
    }
}

/// One promise to pay and how it turned out.
package struct PromiseRecord: Sendable, Equatable {
    package enum Outcome: String, Sendable, CaseIterable {
        /// The balance came down by the promised amount (all of it when none was named) in time.
        case kept
        /// Some was paid in time, not all that was promised.
        case partKept = "part-kept"
        /// Nothing was paid by the deadline (or before a new promise replaced it).
        case broken
        /// The deadline has not come yet.
        case pending
        /// The invoice was closed (voided, written off) before the deadline, unpaid.
        case cancelled
    }

    package let invoice: String
    package let customer: String
    /// Who recorded it: a team member, or the customer through the portal.
    package let person: String
    package let made: CalendarDate
    package let promisedFor: CalendarDate
    package let outcome: Outcome

    /// Every promise in a case's timeline, judged at its deadline (`deadline` of the promised
    /// date: the grace the cadence allows), or when a later promise replaced it.
    package static func judge(_ replay: CaseReplay, today: CalendarDate, deadline: (CalendarDate) -> CalendarDate) -> [PromiseRecord] {
        var out: [PromiseRecord] = []
        let steps = replay.steps
        for (i, step) in steps.enumerated() {
            let before = i > 0 ? steps[i - 1].balance : replay.file.facts.amount
            guard let promise = step.event.promise(in: before.currency) else { continue }
            let (date, amount) = (promise.date, promise.amount)
            let target = amount.map { max(0, before.amount - $0.amount) } ?? 0
            let due = deadline(date)
            let replacedOn = steps[(i + 1)...].first { $0.event.kind == .promised }?.event.date
            let judgedOn = min(due, replacedOn ?? due)
            var lowest = before.amount
            var closed = false
            for later in steps[(i + 1)...] where later.effective <= judgedOn {
                if later.event.kind == .closed {
                    closed = true
                    break
                }
                lowest = min(lowest, later.balance.amount)
            }
            let outcome: Outcome
            if lowest <= target {
                outcome = .kept
            } else if closed {
                outcome = .cancelled
            } else if replacedOn == nil && today <= due {
                outcome = .pending
            } else if lowest < before.amount {
                outcome = .partKept
            } else {
                outcome = .broken
            }
            out.append(PromiseRecord(
                invoice: replay.file.facts.number, customer: replay.file.facts.customer, person: step.event.who, made: step.event.date,
                promisedFor: date, outcome: outcome))
        }
        return out
    }
}

/// Promises made and how they turned out, by person and by customer.
package struct PromiseReport: Sendable {
    package struct Tally: Sendable, Equatable {
        package let name: String
        package var counts: [PromiseRecord.Outcome: Int] = [:]
        package var made: Int { counts.values.reduce(0, +) }
        package subscript(outcome: PromiseRecord.Outcome) -> Int { counts[outcome] ?? 0 }
    }

    package let records: [PromiseRecord]
    package let byPerson: [Tally]
    package let byCustomer: [Tally]
    package let total: Tally

    package init(records: [PromiseRecord], customerNames: [String: String]) {
        self.records = records.sorted { ($0.made, $0.invoice) < ($1.made, $1.invoice) }
        /// Counted by `key`, shown as `named(key)`: customers are counted by slug (two may
        /// share a name) and shown by name. Most promises first.
        func tally(by key: (PromiseRecord) -> String, named: (String) -> String = { $0 }) -> [Tally] {
            var out: [String: Tally] = [:]
            for r in records { out[key(r), default: Tally(name: named(key(r)))].counts[r.outcome, default: 0] += 1 }
            return out.values.sorted { ($0.made, $1.name) > ($1.made, $0.name) }
        }
        byPerson = tally(by: \.person)
        byCustomer = tally(by: \.customer, named: { customerNames[$0] ?? $0 })
        total = tally(by: { _ in "all" }).first ?? Tally(name: "all")
    }
}
