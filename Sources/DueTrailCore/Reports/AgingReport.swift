import Foundation

/// Open balances by how long past due they are, per currency (and per customer with `--by
/// customer`): the report a finance lead reads first.
package struct AgingReport: Sendable {
    package static let buckets = ["current", "1-30", "31-60", "61-90", "90+"]

    package struct Row: Sendable {
        /// nil for the ledger-wide rows.
        package let customer: String?
        package let customerName: String?
        package let currency: Currency
        /// One amount per bucket, in `buckets` order.
        package let amounts: [Decimal]
        package let cases: Int
        package var total: Decimal { amounts.reduce(0, +) }
        /// Credits owed back to the customer (negative balances), shown beside, not netted.
        package var credit: Decimal = 0
    }

    package let asOf: CalendarDate
    /// Per customer (when asked) then per currency; sorted by customer name, then currency.
    package let rows: [Row]
    /// The ledger-wide row per currency.
    package let totals: [Row]

    /// The bucket of a balance due on `due`, on `day`: 0 for not yet overdue.
    package static func bucket(due: CalendarDate, on day: CalendarDate) -> Int {
        switch due.days(to: day) {
        case ...0: return 0
        case 1...30: return 1
        case 31...60: return 2
        case 61...90: return 3
        default: return 4
        }
    }

    package init(cases: [CaseSummary], asOf: CalendarDate, byCustomer: Bool, customerNames: [String: String]) {
        self.asOf = asOf
        struct Key: Hashable { let customer: String?; let currency: Currency }
        var sums: [Key: [Decimal]] = [:]
        var counts: [Key: Int] = [:]
        for c in cases where c.state.status == .open && c.state.balance.amount > 0 {
            let b = Self.bucket(due: c.facts.due, on: asOf)
            for key in [Key(customer: nil, currency: c.state.balance.currency)] + (byCustomer ? [Key(customer: c.facts.customer, currency: c.state.balance.currency)] : []) {
                sums[key, default: Array(repeating: 0, count: Self.buckets.count)][b] += c.state.balance.amount
                counts[key, default: 0] += 1
            }
        }
        var credits: [Key: Decimal] = [:]
        for c in cases where c.state.status != .closed && c.state.balance.amount < 0 {
            for key in [Key(customer: nil, currency: c.state.balance.currency)] + (byCustomer ? [Key(customer: c.facts.customer, currency: c.state.balance.currency)] : []) {
                credits[key, default: 0] -= c.state.balance.amount
                if sums[key] == nil { sums[key] = Array(repeating: 0, count: Self.buckets.count) }
            }
        }
        func row(_ key: Key) -> Row {
            Row(customer: key.customer, customerName: key.customer.map { customerNames[$0] ?? $0 }, currency: key.currency,
                amounts: sums[key] ?? [], cases: counts[key] ?? 0, credit: credits[key] ?? 0)
        }
        totals = sums.keys.filter { $0.customer == nil }.sorted { $0.currency < $1.currency }.map(row)
        rows = sums.keys.filter { $0.customer != nil }.map(row).sorted {
            ($0.customerName ?? "", $0.customer ?? "", $0.currency.code) < ($1.customerName ?? "", $1.customer ?? "", $1.currency.code)
        }
    }
}
