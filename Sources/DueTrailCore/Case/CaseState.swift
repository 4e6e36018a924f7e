/// What a case's events add up to: its balance, status, where it stands in its cadence and
/// what pauses it. Derived, never stored, so the timeline is the single source of truth and
/// a merge of two timelines recomputes it.
package struct CaseState: Sendable, Equatable {
    /// The version of the rules below; caches of derived state are keyed by it.
    package static let derivation = 7

    package enum Status: String, Sendable, Equatable, CaseIterable {
        case open, paid, closed
    }

    package var balance: Money {
        didSet { balanceMinor = balance.minorUnits }
    }
    /// `balance` in minor units, kept beside it for fast totals and ranking.
    package internal(set) var balanceMinor: Int64?
    package var status: Status
    package var closedReason: String?
    package var lastEvent: CalendarDate?
    /// The cadence step last sent or rejected (without a snooze), and when.
    package var lastStep: String?
    package var lastStepDate: CalendarDate?
    /// The days reminders went out for this case, oldest first, each once: what a template
    /// says ("Despite our reminders of 3 and 10 November"), and whether it may say it at all.
    package var reminderDates: [CalendarDate] = []
    /// The day the last reminder went out.
    package var lastReminder: CalendarDate? { reminderDates.last }
    /// What pauses the cadence, if anything.
    package var holds = CaseHolds()
    /// Message-IDs of the reminders sent for this case, oldest first (for threading).
    package var messageIDs: [String] = []
    /// A contact address a delivery failure was reported for (a `bounce` event), until a
    /// person acknowledges it (`ack`, or a logged contact).
    package var failingContact: String?
    /// What the last import said of this case, and what DueTrail recorded since; nil for a
    /// case no import made. Only an import asks, so a case read from the summary cache keeps
    /// it encoded until then (the queue reads 100,000 summaries and never looks).
    package var importBase: ImportBase? {
        get {
            switch importStorage {
            case .none: return nil
            case .decoded(let base): return base
            case .encoded(let text): return CaseSummary.importBase(text, currency: balance.currency)
            }
        }
        set { importStorage = newValue.map(ImportBaseStorage.decoded) ?? .none }
    }
    var importStorage: ImportBaseStorage = .none

    package init(facts: InvoiceFacts, events: [TimelineEvent]) {
        balance = facts.amount
        balanceMinor = facts.amount.minorUnits
        status = .open
        var base = ImportBase.Builder()
        for event in events.inEffect {
            base.add(event, currency: facts.amount.currency)
            apply(event)
        }
        if status != .closed { status = balance.amount <= 0 ? .paid : .open }
        self.importStorage = base.result.map(ImportBaseStorage.decoded) ?? .none
    }

    /// The cadence is past the step `event` names (`step:`), as of its day. A reminder chosen
    /// by hand outside the cadence moves no step.
    private mutating func reach(_ event: TimelineEvent) {
        guard let step = event.step, !CadenceStep.isOneOff(step) else { return }
        lastStep = step
        lastStepDate = event.date
    }

    /// `promise-broken · date · promised · paid · outcome: broken|part-kept`: how the open
    /// promise ended, recorded (at `clock`'s time, by `who`) just before a reminder for `step`
    /// is sent or rejected, when that is the broken promise's follow-up. Nil for any other
    /// step, or without an open promise.
    package func promiseOutcome(endedBy step: String, at clock: LedgerClock, who: String) -> TimelineEvent? {
        guard step == CadenceBook.promiseBrokenStepID, let promised = holds.promisedUntil, let before = holds.balanceAtPromise, let target = holds.promiseTarget else { return nil }
        let paid = Money(max(0, before.amount - balance.amount), before.currency)
        return clock.event(
            .promiseBroken,
            [
                (.date, promised.iso), (.promised, Money(before.amount - target.amount, before.currency).description),
                (.paid, paid.description), (.outcome, paid.amount > 0 ? "part-kept" : "broken"),
            ],
            who: who)
    }

    /// The state once `event` has happened too: the one rule for reading a timeline and for
    /// `simulate`, which plays out the events a cadence would cause.
    package mutating func apply(_ event: TimelineEvent) {
        let currency = balance.currency
        switch event.kind {
        case .opened, .balance, .payment, .credited, .creditApplied:
            balance = Self.balance(after: event, from: balance)
        case .closed:
            status = .closed
            closedReason = event.attribute(.reason) ?? event.text
        case .reopened:
            status = .open
            closedReason = nil
        case .sent:
            if event.step == CadenceBook.promiseBrokenStepID { holds.clearPromise() }
            reach(event)
            if !reminderDates.contains(event.date) {
                reminderDates.append(event.date)
                reminderDates.sort()
            }
            if let id = event.messageID, !messageIDs.contains(id) { messageIDs.append(id) }
        case .rejected:
            if let until = event.until {
                holds.snoozedUntil = max(holds.snoozedUntil ?? until, until)
            } else {
                reach(event)
            }
            if event.step == CadenceBook.promiseBrokenStepID { holds.clearPromise() }
        case .snoozed:
            if let until = event.until { holds.snoozedUntil = until }
        case .disputed: holds.disputedSince = event.date
        case .resolved:
            holds.disputedSince = nil
            balance = Self.balance(after: event, from: balance)
        case .escalated:
            holds.escalatedSince = event.date
            holds.escalatedTo = event.attribute(.to)
        case .deescalated:
            holds.escalatedSince = nil
            holds.escalatedTo = nil
        case .promised:
            if let promise = event.promise(in: currency) {
                holds.promisedUntil = promise.date
                // Kept once the balance is down by the promised amount (all of it when none was named).
                holds.promiseTerms = PromiseTerms(
                    made: event.date, balanceBefore: balance,
                    target: promise.amount.map { Money(max(0, balance.amount - $0.amount), currency) } ?? Money.zero(currency))
            }
        case .promiseBroken:
            holds.clearPromise()
        case .reply:
            holds.replySince = event.date
        case .bounce:
            failingContact = event.attribute(.address) ?? failingContact
        case .ack:
            failingContact = nil
        case .contact:
            failingContact = nil
            reach(event)  // a logged call that finished the cadence's call step
        case .done, .skipped:
            reach(event)
        case .updated, .withdrawn, .autoReply, .note, .reversed, .other:
            break
        }
        // A promise is kept the moment the balance reaches its target.
        if let target = holds.promiseTarget, holds.promisedUntil != nil, balance.amount <= target.amount { holds.clearPromise() }
        // A person looking at the case answers a waiting reply.
        if holds.replySince != nil, event.kind.answersReply { holds.replySince = nil }
        lastEvent = max(lastEvent ?? event.date, event.date)
        if status != .closed { status = balance.amount <= 0 ? .paid : .open }
    }

    /// The balance once `event` has happened: an opening or changed balance sets it, a payment
    /// or a dispute's credit lowers it; anything else (or another currency) leaves it. The one
    /// rule for the state above and for reports that replay a timeline.
    package static func balance(after event: TimelineEvent, from balance: Money) -> Money {
        let currency = balance.currency
        switch event.kind {
        case .opened, .balance:
            return event.statedBalance(in: currency) ?? balance
        case .payment:
            return event.payment(in: currency).map { Money(balance.amount - $0.amount.amount, currency) } ?? balance
        case .resolved:
            return event.credit(in: currency).map { Money(balance.amount - $0.amount, currency) } ?? balance
        case .credited:
            return event.money(.amount, in: currency).map { Money(balance.amount - $0.amount, currency) } ?? balance
        case .creditApplied:
            return event.money(.amount, in: currency).map { Money(balance.amount + $0.amount, currency) } ?? balance
        case .updated, .reopened, .closed, .sent, .rejected, .withdrawn, .promised, .promiseBroken, .disputed, .escalated,
            .deescalated, .snoozed, .reply, .autoReply, .bounce, .ack, .contact, .done, .skipped, .reversed, .note, .other:
            return balance
        }
    }

    /// Why the case is no longer chased at all ("paid", "closed (void)"), or nil while open.
    package var inactiveReason: String? {
        switch status {
        case .open: return nil
        case .paid: return "paid"
        case .closed: return "closed" + (closedReason.map { " (\($0))" } ?? "")
        }
    }

    /// Why the case must not be chased on `today` — paid or closed, or paused by a dispute,
    /// escalation, reply, promise (until `promiseDeadline` of its date) or snooze — or nil.
    package func reasonNotToChase(today: CalendarDate, promiseDeadline: (CalendarDate) -> CalendarDate) -> String? {
        inactiveReason ?? holds.reason(today: today, promiseGrace: promiseDeadline)
    }
}

/// What pauses a case's cadence: a dispute, an escalation, a snooze, a promise to pay, or a
/// customer's reply nobody has looked at yet. Each is recorded as an event by a person (or the
/// customer through the portal), never inferred.
package struct CaseHolds: Sendable, Equatable {
    package var disputedSince: CalendarDate?
    package var escalatedSince: CalendarDate?
    /// Whom it was escalated to (`legal`, `agency`, …).
    package var escalatedTo: String?
    package var snoozedUntil: CalendarDate?
    package var promisedUntil: CalendarDate?
    package var replySince: CalendarDate?
    /// The open promise's terms (with `promisedUntil`), boxed: few cases have one, and every
    /// byte added to a case summary is copied 100,000 times by the queue.
    package var promiseTerms: PromiseTerms?
    /// When the open promise was made.
    package var promiseMade: CalendarDate? { promiseTerms?.made }
    /// The balance when it was made.
    package var balanceAtPromise: Money? { promiseTerms?.balanceBefore }
    /// The balance that keeps it.
    package var promiseTarget: Money? { promiseTerms?.target }

    package init() {}

    mutating func clearPromise() {
        promisedUntil = nil
        promiseTerms = nil
    }

    /// The open promise is past its date plus the grace period (`deadline`) and not kept.
    package func promiseBroken(today: CalendarDate, deadline: (CalendarDate) -> CalendarDate) -> Bool {
        guard let d = promisedUntil else { return false }
        return today > deadline(d)
    }

    /// Something pauses the cadence on `today` (what `reason` would name, without the words).
    package func pauses(today: CalendarDate, promiseGrace: (CalendarDate) -> CalendarDate = { $0 }) -> Bool {
        escalatedSince != nil || disputedSince != nil || replySince != nil
            || promisedUntil.map { today <= promiseGrace($0) } == true || snoozedUntil.map { today < $0 } == true
    }

    /// Why the cadence does not draft for this case on `today`, in a few words, or nil.
    /// `promiseGrace` is how long after the promised date the cadence still waits.
    package func reason(today: CalendarDate, promiseGrace: (CalendarDate) -> CalendarDate = { $0 }) -> String? {
        if let d = escalatedSince { return "escalated" + (escalatedTo.map { " to \($0)" } ?? "") + " since \(d.iso)" }
        if let d = disputedSince { return "disputed \(d.iso) (\(Plural.days(max(0, d.days(to: today)))))" }
        if let d = replySince { return "reply waiting since \(d.iso)" }
        if let d = promisedUntil, today <= promiseGrace(d) { return "promised for \(d.iso)" }
        if let d = snoozedUntil, today < d { return "snoozed until \(d.iso)" }
        return nil
    }
}

/// What a promise to pay was: when it was made, the balance then, and the balance that keeps it.
package final class PromiseTerms: Sendable, Equatable {
    package let made: CalendarDate
    package let balanceBefore: Money
    package let target: Money

    package init(made: CalendarDate, balanceBefore: Money, target: Money) {
        self.made = made
        self.balanceBefore = balanceBefore
        self.target = target
    }

    package static func == (a: PromiseTerms, b: PromiseTerms) -> Bool {
        a.made == b.made && a.balanceBefore == b.balanceBefore && a.target == b.target
    }
}

/// What the last import said of a case (its balance, due date, issue date and total as the
/// export stated them) and the money events DueTrail recorded since (payments, credits, a
/// closing by a person): what a re-import compares three ways, so a stale export never undoes
/// the team's work and a fact a person corrected is changed only when the export changes it.
/// How a case state holds its `ImportBase`: worked out from its events, or still as the
/// summary cache wrote it.
enum ImportBaseStorage: Sendable, Equatable {
    case none
    case decoded(ImportBase)
    case encoded(String)

    /// Equal when they encode alike (the cache's encoding is deterministic).
    static func == (a: ImportBaseStorage, b: ImportBaseStorage) -> Bool {
        CaseSummary.importField(a) == CaseSummary.importField(b)
    }
}

package final class ImportBase: Sendable, Equatable {
    package let balance: Money?
    package let due: CalendarDate?
    package let issued: CalendarDate?
    package let total: Money?
    /// `payment 400.00 EUR on 2026-12-03 (#ab12cd34)`, oldest first.
    package let since: [String]

    package init(balance: Money?, due: CalendarDate?, issued: CalendarDate?, total: Money?, since: [String]) {
        self.balance = balance
        self.due = due
        self.issued = issued
        self.total = total
        self.since = since
    }

    /// Between a fact's old and new value in an `updated` event (`due: 2026-09-09 → 2026-09-20`).
    package static let changeArrow = " → "

    /// A person closed the case since the last import.
    package var closedSince: Bool { since.contains { $0.hasPrefix("closed ") } }

    package static func == (a: ImportBase, b: ImportBase) -> Bool {
        a.balance == b.balance && a.due == b.due && a.issued == b.issued && a.total == b.total && a.since == b.since
    }

    struct Builder {
        var seen = false
        var balance: Money?, total: Money?
        var due: CalendarDate?, issued: CalendarDate?
        var since: [String] = []

        mutating func add(_ event: TimelineEvent, currency: Currency) {
            if event.kind.isImportKind, event.attribute(.source) != nil {
                seen = true
                func newValue(_ key: EventAttribute) -> String? {
                    // `due: 2026-09-09 → 2026-09-20` on an `updated` event: the export's new value.
                    guard let v = event.attribute(key) else { return nil }
                    return v.components(separatedBy: ImportBase.changeArrow).last?.trimmingCharacters(in: .whitespaces)
                }
                switch event.kind {
                case .opened:
                    since = []
                    balance = event.money(.balance, in: currency)
                    total = event.money(.total, in: currency) ?? balance
                    due = event.date(.due)
                    issued = event.date(.issued)
                case .balance:
                    // Only an import that stated the balance has heard of what came before it; a
                    // fact it updated (a new due date) says nothing of payments.
                    since = []
                    balance = event.money(.balance, in: currency)
                case .updated:
                    if let d = newValue(.due).flatMap({ CalendarDate(iso: $0) }) { due = d }
                    if let d = newValue(.issued).flatMap({ CalendarDate(iso: $0) }) { issued = d }
                    if let t = newValue(.amount).flatMap({ Money(ledgerText: $0) }) { total = t }
                case .closed:
                    since = []
                    balance = Money.zero(currency)
                case .reopened:
                    break
                case .sent, .rejected, .withdrawn, .promised, .promiseBroken, .payment, .disputed, .resolved, .escalated, .deescalated,
                    .snoozed, .reply, .autoReply, .bounce, .ack, .contact, .done, .skipped, .reversed, .creditApplied, .credited, .note, .other:
                    break
                }
                return
            }
            guard seen else { return }
            switch event.kind {
            case .payment:
                since.append("payment \(event.attribute(.amount) ?? "") on \(event.date.iso) (#\(event.id))")
            case .resolved:
                if let credit = event.attribute(.credit) { since.append("credit \(credit) on \(event.date.iso) (#\(event.id))") }
            case .closed:
                since.append("closed on \(event.date.iso) (#\(event.id))")
            case .credited:
                since.append("credit \(event.attribute(.amount) ?? "") applied on \(event.date.iso) (#\(event.id))")
            case .creditApplied:
                break
            case .opened, .balance, .updated, .reopened, .sent, .rejected, .withdrawn, .promised, .promiseBroken, .disputed,
                .escalated, .deescalated, .snoozed, .reply, .autoReply, .bounce, .ack, .contact, .done, .skipped, .reversed, .note, .other:
                break
            }
        }

        var result: ImportBase? {
            seen ? ImportBase(balance: balance, due: due, issued: issued, total: total, since: since) : nil
        }
    }
}
