import Foundation

/// Days sales outstanding, by the standard method: receivables at the end of the period ÷
/// credit sales in the period × the days of the period. Credit sales are the totals of the
/// invoices issued in the period, so the ledger must hold every invoice of the period (paid
/// ones too), not only the overdue ones; the report shows what it counted.
package struct DSOReport: Sendable {
    package struct Line: Sendable {
        package let currency: Currency
        /// Open balances at the end of the period.
        package let receivables: Decimal
        /// Totals of the invoices issued in the period.
        package let creditSales: Decimal
        package let invoicesIssued: Int
        package let openCases: Int
        /// nil when nothing was sold in the period (DSO is undefined).
        package let dso: Decimal?
    }

    package let start: CalendarDate
    package let end: CalendarDate
    package let days: Int
    package let lines: [Line]
    /// Cases without an issue date: not counted in sales (they cannot be placed in a period).
    package let withoutIssueDate: Int

    /// `cases`: the ledger as it stood at the end of the period.
    package init(cases: [CaseSummary], end: CalendarDate, days: Int) {
        self.end = end
        self.days = days
        start = end.adding(days: -(days - 1))
        var receivables = Amounts(), sales = Amounts()
        var issued: [Currency: Int] = [:], open: [Currency: Int] = [:]
        var undated = 0
        for c in cases {
            let currency = c.facts.amount.currency
            if c.state.status == .open && c.state.balance.amount > 0 {
                receivables.add(c.state.balance)
                open[currency, default: 0] += 1
            }
            guard let date = c.facts.issued else {
                undated += 1
                continue
            }
            if date >= start && date <= end {
                sales.add(c.facts.amount)
                issued[currency, default: 0] += 1
            }
        }
        withoutIssueDate = undated
        lines = Set(receivables.currencies + sales.currencies).sorted().map { currency in
            let r = receivables.sums[currency] ?? 0, s = sales.sums[currency] ?? 0
            var dso: Decimal?
            if s > 0 { dso = Decimals.rounded(r / s * Decimal(days), scale: 1) }
            return Line(currency: currency, receivables: r, creditSales: s, invoicesIssued: issued[currency] ?? 0, openCases: open[currency] ?? 0, dso: dso)
        }
    }
}
