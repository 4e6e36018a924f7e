import Foundation

/// Aging buckets, as a finance team names them.
public enum AgingBucket: String, CaseIterable, Sendable, Comparable {
    case current, d1_30 = "1-30", d31_60 = "31-60", d61_90 = "61-90", d90plus = "90+"

    public init(daysOverdue: Int) {
        switch daysOverdue {
        case ..<1: self = .current
        case 1...30: self = .d1_30
        case 31...60: self = .d31_60
        case 61...90: self = .d61_90
        default: self = .d90plus
        }
    }

    /// Accepts `current`, `1-30`, `31-60`, `61-90`, `90+` (also `90plus`).
    public init?(argument: String) {
        let a = argument.lowercased().replacingOccurrences(of: "–", with: "-")
        if a == "90plus" || a == "over90" { self = .d90plus; return }
        guard let b = AgingBucket(rawValue: a) else { return nil }
        self = b
    }

    var order: Int { AgingBucket.allCases.firstIndex(of: self) ?? 0 }
    public static func < (l: AgingBucket, r: AgingBucket) -> Bool { l.order < r.order }
}

/// One line of the worklist.
public struct QueueItem: Sendable, Equatable {
    public let summary: CaseSummary
    public let customerName: String
    public let daysOverdue: Int
    public let bucket: AgingBucket
    public let priority: Double
    public let nextAction: String
}

/// The aging worklist: open cases, most urgent first.
///
/// Priority grows with days overdue and with the size of the balance (on a log scale, so one
/// huge invoice does not bury every old one): `days × (1 + log10(1 + balance))`, and cases
/// not yet due come last, soonest due first. Ties break on due date, then invoice number, so
/// the order is the same on every run.
public struct Queue: Sendable {
    public let items: [QueueItem]
    public let today: CalendarDate

    public init(cases: [CaseSummary], customerNames: [String: String], today: CalendarDate) {
        self.today = today
        var items: [QueueItem] = []
        items.reserveCapacity(cases.count)
        for c in cases where c.state.status == .open {
            let days = c.facts.due.days(to: today)
            let balance = NSDecimalNumber(decimal: c.state.balance.amount).doubleValue
            let priority = days > 0 ? Double(days) * (1 + log10(1 + max(0, balance))) : Double(days) / 1000
            items.append(QueueItem(
                summary: c, customerName: customerNames[c.facts.customer] ?? c.facts.customer, daysOverdue: max(0, days),
                bucket: AgingBucket(daysOverdue: days), priority: priority, nextAction: Self.nextAction(daysOverdue: days)))
        }
        items.sort { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.summary.facts.due != b.summary.facts.due { return a.summary.facts.due < b.summary.facts.due }
            return a.summary.path < b.summary.path
        }
        self.items = items
    }

    /// Until the cadence decides, the next action follows the age of the debt.
    static func nextAction(daysOverdue days: Int) -> String {
        switch days {
        case ..<(-3): return "wait (due in \(-days) days)"
        case -3...0: return "courtesy reminder"
        case 1...14: return "friendly reminder"
        case 15...30: return "firm reminder"
        case 31...60: return "phone the customer"
        case 61...90: return "final notice"
        default: return "decide on escalation"
        }
    }

    /// Open balance per currency, never summed across currencies.
    public static func totals(_ items: [QueueItem]) -> [(currency: Currency, total: Money, count: Int)] {
        var sums: [Currency: (Decimal, Int)] = [:]
        for i in items {
            let b = i.summary.state.balance
            sums[b.currency, default: (0, 0)].0 += b.amount
            sums[b.currency, default: (0, 0)].1 += 1
        }
        return sums.keys.sorted().map { ($0, Money(sums[$0]!.0, $0), sums[$0]!.1) }
    }
}
