import Foundation

/// Aging buckets, as a finance team names them.
package enum AgingBucket: String, CaseIterable, Sendable, Comparable {
    case current, d1_30 = "1-30", d31_60 = "31-60", d61_90 = "61-90", d90plus = "90+"

    package init(daysOverdue: Int) {
        switch daysOverdue {
        case ..<1: self = .current
        case 1...30: self = .d1_30
        case 31...60: self = .d31_60
        case 61...90: self = .d61_90
        default: self = .d90plus
        }
    }

    /// Accepts `current`, `1-30`, `31-60`, `61-90`, `90+` (also `90plus`).
    package init?(argument: String) {
        let a = argument.lowercased().replacingAll("–", with: "-")
        if a == "90plus" || a == "over90" { self = .d90plus; return }
        guard let b = AgingBucket(rawValue: a) else { return nil }
        self = b
    }

    var order: Int { AgingBucket.allCases.firstIndex(of: self) ?? 0 }
    package static func < (l: AgingBucket, r: AgingBucket) -> Bool { l.order < r.order }
}

/// One line of the worklist.
package struct QueueItem: Sendable, Equatable {
    package let summary: CaseSummary
    package let customerName: String
    package let daysOverdue: Int
    package let bucket: AgingBucket
    package let priority: Double
    package let nextAction: String
    /// Where the case stands in its cadence, when the queue was given a planner.
    package let cadence: CadenceStatus?
}

/// How the worklist is ordered (`queue --sort`).
package enum QueueSort: String, Sendable, CaseIterable {
    /// What a person can act on today first (broken promises, replies, drafts to review, tasks
    /// and steps due), then what waits (promised, snoozed, held, disputed); each by urgency.
    case priority
    /// Most days overdue first.
    case age
    /// Largest balance first (compared as numbers across currencies).
    case balance
    /// By customer name, then due date.
    case customer
}

/// Whether a person can do something about a case today: what `--sort priority` ranks first.
package enum Actionability: Int, Sendable, Comparable {
    case actNow = 0, later = 1

    package static func < (a: Actionability, b: Actionability) -> Bool { a.rawValue < b.rawValue }

    /// A broken promise or a reply nobody has read (someone is waiting for us), a step or task
    /// due, a draft to review or send: act now. Paused, waiting for a date or the minimum gap:
    /// later.
    package init(_ status: CadenceStatus, brokenPromise: Bool, reply: Bool) {
        if brokenPromise || reply {
            self = .actNow
            return
        }
        switch status {
        case .due, .task, .drafted, .unknownCadence, .finished: self = .actNow
        case .inactive, .paused, .held, .waiting: self = .later
        }
    }
}

/// The aging worklist: open cases, most urgent first.
///
/// Priority grows with days overdue and with the size of the balance (on a log scale, so one
/// huge invoice does not bury every old one): `days × (1 + log10(1 + balance))`, and cases
/// not yet due come last, soonest due first. Ties break on due date, then invoice number, so
/// the order is the same on every run.
package struct Queue: Sendable {
    /// The worklist, most urgent first: every open case that passed the filter, or the first
    /// `limit` of them when one was given.
    package private(set) var items: [QueueItem]
    /// How many open cases passed the filter (`items` may hold fewer).
    package let count: Int
    /// Open balance per currency over every case that passed the filter.
    package let totals: [(currency: Currency, total: Money, count: Int)]
    package let today: CalendarDate
    /// How many of the `count` cases are files that do not read (in the totals at their last
    /// readable balance).
    let unreadableListed: Int

    /// - Parameters:
    ///   - include: which open cases to list (a bucket, a customer); all by default.
    ///   - limit: build only the first `limit` rows (totals and `count` still cover all).
    ///   - cadence: for `sort: .priority`, where each listed case stands in its cadence, given
    ///     their indices in `cases` (see `CadencePlanner.statuses`): what a person can act on
    ///     today comes first, and the rows keep their status for `describing`.
    package init(
        cases: [CaseSummary], customerNames: [String: String], today: CalendarDate,
        include: (CaseSummary, AgingBucket) -> Bool = { _, _ in true }, limit: Int? = nil,
        promiseDeadline: (CalendarDate) -> CalendarDate = { $0 }, sort: QueueSort = .priority,
        cadence: ((_ indices: [Int]) -> [CadenceStatus])? = nil
    ) {
        self.today = today
        var listed: [Int] = []
        listed.reserveCapacity(cases.count)
        for (i, c) in cases.enumerated() where c.state.status == .open && include(c, AgingBucket(daysOverdue: c.facts.due.days(to: today))) {
            listed.append(i)
        }
        count = listed.count
        totals = Self.totals(listed.lazy.map { cases[$0].state })
        unreadableListed = listed.lazy.filter { cases[$0].unreadable != nil }.count
        let statuses = sort == .priority ? cadence?(listed) : nil
        // Rank small keys, not whole cases: copying 100,000 summaries is most of the cost.
        struct Key { let tier: Int; let group: Int; let priority: Double; let due: Int; let index: Int; let slot: Int }
        var groups: [String: Int] = [:]
        if sort == .customer {
            let slugs = Set(listed.map { cases[$0].facts.customer })
            let ranked = slugs.map { ($0, (customerNames[$0] ?? $0).lowercased()) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            for (rank, entry) in ranked.enumerated() { groups[entry.0] = rank }
        }
        var keys: [Key] = []
        keys.reserveCapacity(listed.count)
        for (slot, i) in listed.enumerated() {
            let c = cases[i]
            var tier = 0, group = 0
            let priority: Double
            switch sort {
            case .priority:
                var score = Self.priority(c, today: today)
                let broken = c.state.holds.promiseBroken(today: today, deadline: promiseDeadline)
                let reply = c.state.holds.replySince != nil
                // A broken promise tops the worklist: someone said a date and it passed.
                if broken { score += Self.brokenPromiseBoost }
                // A customer's answer nobody has read comes next: they are waiting for us.
                if reply { score += Self.replyBoost }
                if let statuses { tier = Actionability(statuses[slot], brokenPromise: broken, reply: reply).rawValue }
                // A file that does not read needs a person today, whatever its last state said.
                if c.unreadable != nil { tier = Actionability.actNow.rawValue }
                priority = score
            case .age: priority = Double(c.facts.due.days(to: today))
            case .balance: priority = Self.balanceNumber(c)
            case .customer:
                group = groups[c.facts.customer] ?? 0
                priority = 0
            }
            keys.append(Key(tier: tier, group: group, priority: priority, due: c.facts.due.daysSinceEpoch, index: i, slot: slot))
        }
        keys.sort { a, b in
            if a.tier != b.tier { return a.tier < b.tier }
            if a.group != b.group { return a.group < b.group }
            if a.priority != b.priority { return a.priority > b.priority }
            if a.due != b.due { return a.due < b.due }
            return cases[a.index].path < cases[b.index].path
        }
        items = keys.prefix(limit ?? keys.count).map { key in
            let c = cases[key.index]
            let days = c.facts.due.days(to: today)
            return QueueItem(
                summary: c, customerName: customerNames[c.facts.customer] ?? c.facts.customer, daysOverdue: max(0, days),
                bucket: AgingBucket(daysOverdue: days), priority: key.priority,
                nextAction: c.unreadable.map(Self.unreadableAction) ?? Self.nextAction(daysOverdue: days),
                cadence: statuses?[key.slot])
        }
    }

    /// The same rows with their next action from the cadence (the status the queue was ranked
    /// by, or worked out now). `planner` needs to know only the drafts of the customers in
    /// `items` (see `customersShown`).
    package func describing(with planner: CadencePlanner) -> Queue {
        var copy = self
        var memo = CadencePlanner.ScheduleMemo()
        copy.items = items.map { item in
            if item.summary.unreadable != nil { return item }
            let status = item.cadence ?? planner.status(of: item.summary, today: today, memo: &memo)
            return QueueItem(
                summary: item.summary, customerName: item.customerName, daysOverdue: item.daysOverdue, bucket: item.bucket, priority: item.priority,
                nextAction: (item.summary.state.failingContact.map { "contact failing (\($0) bounced); " } ?? "")
                    + status.phrase(manual: planner.settings(of: item.summary.facts.customer).isManual)
                    + (planner.draftListing(item.summary.facts.number).map { "; listed in \($0.approved ? "approved" : "draft") \($0.step)" } ?? ""),
                cadence: status)
        }
        return copy
    }

    /// What the worklist says of a case whose file does not read.
    static func unreadableAction(_ u: UnreadableCase) -> String {
        "UNREADABLE, fix the file (duetrail check): \(u.headline)"
            + (u.lastReadDay.map { "; balance as last read on \($0.iso)" } ?? "")
    }

    /// How many listed cases are unreadable and counted at their last readable balance.
    package var unreadableCount: Int { unreadableListed }

    /// The customers of the rows shown.
    package var customersShown: Set<String> { Set(items.map(\.summary.facts.customer)) }

    /// Above any days × balance score.
    static let brokenPromiseBoost = 1e9
    /// Above any days × balance score, below a broken promise.
    static let replyBoost = 5e8

    static func priority(_ c: CaseSummary, today: CalendarDate) -> Double {
        let days = c.facts.due.days(to: today)
        guard days > 0 else { return Double(days) / 1000 }
        return Double(days) * (1 + log10(1 + max(0, balanceNumber(c))))
    }

    /// The balance as a plain number, for ranking.
    static func balanceNumber(_ c: CaseSummary) -> Double {
        if let minor = c.state.balanceMinor { return Double(minor) / pow(10, Double(c.state.balance.currency.minorDigits)) }
        return NSDecimalNumber(decimal: c.state.balance.amount).doubleValue
    }

    /// Without a cadence (no planner given), the next action follows the age of the debt.
    static func nextAction(daysOverdue days: Int) -> String {
        switch days {
        case ..<(-3): return "wait (due in \(Plural.days(-days)))"
        case -3...0: return "courtesy reminder"
        case 1...14: return "friendly reminder"
        case 15...30: return "firm reminder"
        case 31...60: return "phone the customer"
        case 61...90: return "final notice"
        default: return "decide on escalation"
        }
    }

    /// Open balance per currency, never summed across currencies.
    package static func totals(_ items: [QueueItem]) -> [(currency: Currency, total: Money, count: Int)] {
        totals(items.lazy.map(\.summary.state))
    }

    static func totals(_ states: some Sequence<CaseState>) -> [(currency: Currency, total: Money, count: Int)] {
        // Whole minor units add exactly as integers; anything else (or an overflow) as Decimal.
        var sums: [Currency: (minor: Int64, exact: Decimal, count: Int)] = [:]
        for state in states {
            let b = state.balance
            var sum = sums[b.currency] ?? (0, 0, 0)
            if let minor = state.balanceMinor, case let (total, overflow) = sum.minor.addingReportingOverflow(minor), !overflow {
                sum.minor = total
            } else {
                sum.exact += b.amount
            }
            sum.count += 1
            sums[b.currency] = sum
        }
        return sums.sorted { $0.key < $1.key }.map { currency, sum in
            let scaled = Decimal(sign: sum.minor < 0 ? .minus : .plus, exponent: -currency.minorDigits, significand: Decimal(sum.minor.magnitude))
            return (currency, Money(scaled + sum.exact, currency), sum.count)
        }
    }
}
