/// What a case's events add up to: its balance and status. Derived, never stored, so the
/// timeline is the single source of truth and a merge of two timelines recomputes it.
public struct CaseState: Sendable, Equatable {
    /// The version of the rules below; caches of derived state are keyed by it.
    public static let derivation = 1

    public enum Status: String, Sendable, Equatable, CaseIterable {
        case open, paid, closed
    }

    public var balance: Money {
        didSet { balanceMinor = balance.minorUnits }
    }
    /// `balance` in minor units, kept beside it for fast totals and ranking.
    public internal(set) var balanceMinor: Int64?
    public var status: Status
    public var closedReason: String?
    public var lastEvent: CalendarDate?

    public init(facts: InvoiceFacts, events: [TimelineEvent]) {
        var balance = facts.amount
        var closed = false
        var reason: String?
        for event in events {
            switch event.kind {
            case "opened", "balance":
                if let text = event.attribute("balance"), let money = Money(ledgerText: text), money.currency == facts.amount.currency {
                    balance = money
                }
            case "closed":
                closed = true
                reason = event.attribute("reason") ?? event.text
            case "reopened":
                closed = false
                reason = nil
            default:
                break
            }
        }
        self.balance = balance
        self.balanceMinor = balance.minorUnits
        self.lastEvent = events.map(\.date).max()
        if closed {
            status = .closed
            closedReason = reason
        } else if balance.amount <= 0 {
            status = .paid
        } else {
            status = .open
        }
    }
}
