import Foundation

/// Receivables and the overdue part of them over time, one point per day (the ledger as it
/// stood after that day's last commit) or per commit: rebuilt from the git history.
public struct TrendReport: Sendable {
    public struct Point: Sendable, Equatable {
        public let date: CalendarDate
        /// The commit whose state this is (short id).
        public let commit: String
        public let receivables: Amounts
        public let overdue: Amounts
        /// Open cases per currency.
        public let openCases: [Currency: Int]

        public init(date: CalendarDate, commit: String, receivables: Amounts, overdue: Amounts, openCases: [Currency: Int]) {
            self.date = date
            self.commit = commit
            self.receivables = receivables
            self.overdue = overdue
            self.openCases = openCases
        }
    }

    public let points: [Point]

    public init(points: [Point]) { self.points = points }

    public var currencies: [Currency] { Array(Set(points.flatMap(\.receivables.currencies))).sorted() }
}
