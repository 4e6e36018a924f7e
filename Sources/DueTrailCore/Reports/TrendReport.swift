import Foundation

/// Receivables and the overdue part of them over time, one point per day (the ledger as it
/// stood after that day's last commit) or per commit: rebuilt from the git history.
package struct TrendReport: Sendable {
    package struct Point: Sendable, Equatable {
        package let date: CalendarDate
        /// The commit whose state this is (short id).
        package let commit: String
        package let receivables: Amounts
        package let overdue: Amounts
        /// Open cases per currency.
        package let openCases: [Currency: Int]

        package init(date: CalendarDate, commit: String, receivables: Amounts, overdue: Amounts, openCases: [Currency: Int]) {
            self.date = date
            self.commit = commit
            self.receivables = receivables
            self.overdue = overdue
            self.openCases = openCases
        }
    }

    package let points: [Point]

    package init(points: [Point]) { self.points = points }

    package var currencies: [Currency] { Array(Set(points.flatMap(\.receivables.currencies))).sorted() }
}
