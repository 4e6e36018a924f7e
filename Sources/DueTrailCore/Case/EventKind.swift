/// What happened, in a timeline event: the vocabulary every rule switches over. A kind has a
/// wire name (the word in the case file), the attributes the rules need of it, and what
/// `check` says when one is missing. Adding a kind here makes the compiler list every rule
/// (state, replay, reports, import, sending, replies) that must decide what it means.
package enum EventKind: Hashable, Sendable {
    /// An import opened the case (`balance:`, `due:`, `issued:`, `source:`).
    case opened
    /// An import stated a new balance (`balance:`, `was:`).
    case balance
    /// An import changed a fact (`due: 2026-09-09 → 2026-09-20`).
    case updated
    /// An import found a closed case open again.
    case reopened
    /// The case is closed (`reason:`), by an import or a person.
    case closed
    /// A reminder went out (`step:`, `message-id:`, `to:`, `file:`).
    case sent
    /// A person rejected a reminder (`step:`, optionally `until:`).
    case rejected
    /// A draft left the outbox unsent (`step:`, `draft:`).
    case withdrawn
    /// The customer promised to pay (`date:`, optionally `amount:`).
    case promised
    /// How an open promise ended (`date:`, `promised:`, `paid:`, `outcome:`).
    case promiseBroken
    /// Money received (`amount:`, optionally `date:` and `reference:`).
    case payment
    case disputed
    /// The dispute is settled, optionally with a `credit:`.
    case resolved
    /// Handed to legal, an agency or someone else (`to:`).
    case escalated
    case deescalated
    /// No reminders until `until:`.
    case snoozed
    /// The customer wrote back (`from:`, `subject:`, `file:`).
    case reply
    /// An out-of-office answer.
    case autoReply
    /// A delivery failure (`address:`, `file:`).
    case bounce
    /// A person has seen a reply or a bounce.
    case ack
    /// A call, meeting or email, logged (`via:`, `with:`; `step:` when it finished a call step).
    case contact
    /// A person finished a task step of the cadence (`step:`).
    case done
    /// A person skipped a step of the cadence (`step:`, with the reason as text).
    case skipped
    /// A person cancelled an earlier event's effect (`event:` its id, and why): a payment
    /// typed twice, a promise on the wrong case. The original stays on the timeline.
    case reversed
    /// Part of a customer's credit (this case's negative balance) applied to another of its
    /// invoices (`amount:`, `to:`): this balance goes up by it.
    case creditApplied
    /// A customer's credit applied to this invoice (`amount:`, `from:`): the balance goes down.
    case credited
    /// Free text only.
    case note
    /// A word this version does not know (typed by hand, or written by a later version): kept
    /// as written and changes nothing.
    case other(String)

    /// Every kind this version knows, in the order the README lists them.
    package static let known: [EventKind] = [
        .opened, .balance, .updated, .reopened, .closed, .sent, .rejected, .withdrawn, .promised, .promiseBroken, .payment,
        .disputed, .resolved, .escalated, .deescalated, .snoozed, .reply, .autoReply, .bounce, .ack, .contact, .done, .skipped, .reversed, .creditApplied, .credited, .note,
    ]

    private static let byWireName: [String: EventKind] = Dictionary(uniqueKeysWithValues: known.map { ($0.wireName, $0) })

    package init(wireName: some StringProtocol) {
        let name = String(wireName)
        self = Self.byWireName[name] ?? .other(name)
    }

    /// The word in the case file.
    package var wireName: String {
        switch self {
        case .opened: "opened"
        case .balance: "balance"
        case .updated: "updated"
        case .reopened: "reopened"
        case .closed: "closed"
        case .sent: "sent"
        case .rejected: "rejected"
        case .withdrawn: "withdrawn"
        case .promised: "promised"
        case .promiseBroken: "promise-broken"
        case .payment: "payment"
        case .disputed: "disputed"
        case .resolved: "resolved"
        case .escalated: "escalated"
        case .deescalated: "deescalated"
        case .snoozed: "snoozed"
        case .reply: "reply"
        case .autoReply: "auto-reply"
        case .bounce: "bounce"
        case .ack: "ack"
        case .contact: "contact"
        case .done: "done"
        case .skipped: "skipped"
        case .reversed: "reversed"
        case .creditApplied: "credit-applied"
        case .credited: "credited"
        case .note: "note"
        case .other(let name): name
        }
    }

    /// An attribute the state rules cannot do without, and the line `check` shows as an example.
    package struct Requirement: Sendable {
        package enum Shape: Sendable { case present, date }
        package let key: EventAttribute
        package let shape: Shape
        /// What `check` says when it is missing.
        package let missing: String
    }

    /// What the rules need of an event of this kind a person may type by hand. Kinds only the
    /// tool writes need nothing here: a hand-made `sent` line without a step is still a
    /// reminder sent.
    package var requirements: [Requirement] {
        switch self {
        case .promised:
            [Requirement(key: .date, shape: .date, missing: "a `promised` event needs `date: YYYY-MM-DD`, like `- 2026-11-30 · promised · date: 2026-12-10 · amount: 500.00 EUR · by Ana Ruiz`")]
        case .snoozed:
            [Requirement(key: .until, shape: .date, missing: "a `snoozed` event needs `until: YYYY-MM-DD`, like `- 2026-11-30 · snoozed · until: 2026-12-15 · CFO away · by Ana Ruiz`")]
        case .payment:
            [Requirement(key: .amount, shape: .present, missing: "a `payment` event needs `amount:`, like `- 2026-11-30 · payment · amount: 500.00 EUR · by Ana Ruiz`")]
        case .escalated:
            [Requirement(key: .to, shape: .present, missing: "an `escalated` event needs `to:` (legal, agency or other)")]
        case .done:
            [Requirement(key: .step, shape: .present, missing: "a `done` event needs `step:` (the cadence step finished), like `- 2026-11-30 · done · step: call · spoke to Jan · by Ana Ruiz`")]
        case .skipped:
            [Requirement(key: .step, shape: .present, missing: "a `skipped` event needs `step:` (the cadence step skipped), like `- 2026-11-30 · skipped · step: call · no phone number · by Ana Ruiz`")]
        case .reversed:
            [Requirement(key: .event, shape: .present, missing: "a `reversed` event needs `event:` (the id of the event it cancels), like `- 2026-11-30 · reversed · event: 5e17b968 · typed twice · by Ana Ruiz`")]
        case .opened, .balance, .updated, .reopened, .closed, .sent, .rejected, .withdrawn, .promiseBroken, .disputed, .resolved,
            .deescalated, .reply, .autoReply, .bounce, .ack, .contact, .note, .creditApplied, .credited, .other:
            []
        }
    }

    /// Kinds whose details are free text only (a note may well contain `re: …`).
    package var isTextOnly: Bool {
        switch self {
        case .note: true
        case .opened, .balance, .updated, .reopened, .closed, .sent, .rejected, .withdrawn, .promised, .promiseBroken, .payment,
            .disputed, .resolved, .escalated, .deescalated, .snoozed, .reply, .autoReply, .bounce, .ack, .contact, .done, .skipped, .reversed,
            .creditApplied, .credited, .other:
            false
        }
    }

    /// A person dealt with a customer's waiting reply by recording this.
    package var answersReply: Bool {
        switch self {
        case .ack, .note, .contact, .done, .skipped, .promised, .disputed, .resolved, .escalated, .deescalated, .snoozed, .payment, .rejected: true
        case .opened, .balance, .updated, .reopened, .closed, .sent, .withdrawn, .promiseBroken, .reply, .autoReply, .bounce, .reversed, .creditApplied, .credited, .other:
            false
        }
    }

    /// Kinds an import writes (with `source:`).
    package var isImportKind: Bool {
        switch self {
        case .opened, .balance, .updated, .reopened, .closed: true
        case .sent, .rejected, .withdrawn, .promised, .promiseBroken, .payment, .disputed, .resolved, .escalated, .deescalated,
            .snoozed, .reply, .autoReply, .bounce, .ack, .contact, .done, .skipped, .reversed, .creditApplied, .credited, .note, .other:
            false
        }
    }

    /// Whether a person may cancel an event of this kind with `reverse`: what a person (or a
    /// customer on the portal) recorded. Not a message sent (what went out went out), not an
    /// import's facts (the next import states them), not a reversal (record the event again).
    package var isReversible: Bool {
        switch self {
        case .payment, .promised, .disputed, .resolved, .escalated, .deescalated, .snoozed, .rejected, .contact, .done, .skipped, .ack,
            .reply, .autoReply, .bounce, .note, .closed, .other:
            true
        // A credit application moves money between two cases: it is undone on both or neither.
        case .opened, .balance, .updated, .reopened, .sent, .withdrawn, .promiseBroken, .reversed, .creditApplied, .credited:
            false
        }
    }
}

/// The attribute keys the tool writes and reads. A hand-typed event may carry any other key;
/// it is kept and shown, and no rule reads it.
package enum EventAttribute: String, Sendable, CaseIterable {
    case amount, answer, address, balance, credit, date, draft, due, file, from, issued, matched, outcome, paid, promised, reason
    case event, reference, source, step, subject, to, total, until, via, was, with
    case messageID = "message-id"
    case dueFrom = "due-from"
}

extension TimelineEvent {
    package func attribute(_ key: EventAttribute) -> String? { attribute(key.rawValue) }

    /// A money attribute in `currency` (another currency, or text that is not an amount: nil).
    package func money(_ key: EventAttribute, in currency: Currency) -> Money? {
        guard let money = attribute(key).flatMap({ Money(ledgerText: $0) }), money.currency == currency else { return nil }
        return money
    }

    package func date(_ key: EventAttribute) -> CalendarDate? { attribute(key).flatMap { CalendarDate(iso: $0) } }

    /// The cadence step of a `sent`, `rejected` or `withdrawn` event.
    package var step: String? { attribute(.step) }
    /// The Message-ID of a reminder sent.
    package var messageID: String? { attribute(.messageID) }
    /// The balance an import stated (`opened`, `balance`), in `currency`.
    package func statedBalance(in currency: Currency) -> Money? {
        switch kind {
        case .opened, .balance: money(.balance, in: currency)
        default: nil
        }
    }

    /// A promise to pay: by when, and how much when not all of it.
    package struct Promise: Sendable, Equatable {
        package let date: CalendarDate
        /// Nil: the whole balance (or an amount in another currency, which cannot be counted).
        package let amount: Money?
    }

    /// The promise of a `promised` event, with its amount in `currency`; nil when it has no date.
    package func promise(in currency: Currency) -> Promise? {
        guard kind == .promised, let date = date(.date) else { return nil }
        return Promise(date: date, amount: money(.amount, in: currency))
    }

    /// Money received, and the day it was paid (the `date:` typed, else the day recorded).
    package struct Payment: Sendable, Equatable {
        package let amount: Money
        package let paidOn: CalendarDate
        package let reference: String?
    }

    /// The payment of a `payment` event in `currency`; nil for any other kind or currency.
    package func payment(in currency: Currency) -> Payment? {
        guard kind == .payment, let amount = money(.amount, in: currency) else { return nil }
        return Payment(amount: amount, paidOn: date(.date) ?? date, reference: attribute(.reference))
    }

    /// The day money moved: a payment's own `date:`, else the day the event was recorded.
    package var effectiveDate: CalendarDate { kind == .payment ? date(.date) ?? date : date }

    /// The credit a `resolved` event grants, in `currency`.
    package func credit(in currency: Currency) -> Money? { kind == .resolved ? money(.credit, in: currency) : nil }

    /// The event a `reversed` event cancels.
    package var reverses: String? { kind == .reversed ? attribute(.event).map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 } : nil }

    /// A snooze's end (`snoozed`, or `rejected` with a snooze).
    package var until: CalendarDate? { date(.until) }
}

extension LedgerClock {
    /// A new event at this clock's moment: the one way the tool makes events, so every one
    /// carries the ledger's day and time, and no control character from any source (a
    /// portal note, an export, a reply) enters a case file (`RecordedText`).
    package func event(
        _ kind: EventKind, _ attributes: [(key: EventAttribute, value: String)] = [], text: String? = nil, who: String
    ) -> TimelineEvent {
        TimelineEvent(
            date: eventDate, minutes: minutes, kind: kind, attributes: attributes.map { ($0.key.rawValue, RecordedText.cleaned($0.value)) },
            text: text.map(RecordedText.cleaned), who: RecordedText.cleaned(who))
    }
}

extension Array where Element == TimelineEvent {
    /// The ids of the events a `reversed` event cancels.
    package var reversedIDs: Set<String> { Set(lazy.compactMap(\.reverses)) }

    /// The first `reversed` event that cancelled each event, by the cancelled event's id.
    package var reversals: [String: TimelineEvent] {
        Dictionary(compactMap { e in e.reverses.map { ($0, e) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The events whose effect stands: every event but those reversed, and the reversals
    /// themselves. What the state, the cadence and every report are derived from.
    package var inEffect: [TimelineEvent] {
        guard contains(where: { $0.kind == .reversed }) else { return self }
        let reversed = reversedIDs
        return filter { $0.kind != .reversed && !reversed.contains($0.id) }
    }
}
