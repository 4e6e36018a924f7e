import Foundation

/// Who did what, from the history: approvals, contacts, promises and the rest per person,
/// read from each commit's author and `DueTrail-*` trailers. Commits made with plain git
/// count as edits by hand.
package struct ActivityReport: Sendable {
    package enum Column: String, Sendable, CaseIterable {
        case approvals, policyApprovals = "policy approvals", contacts, promises, payments, disputes, notes, sent, reversals, other
        case byHand = "by hand"
    }

    /// What the report needs of one commit.
    package struct Commit: Sendable {
        package let author: String
        package let message: String
        package let parents: Int
        package init(author: String, message: String, parents: Int) {
            self.author = author
            self.message = message
            self.parents = parents
        }
    }

    package struct Person: Sendable, Equatable {
        package let name: String
        package var counts: [Column: Int] = [:]
        package subscript(column: Column) -> Int { counts[column] ?? 0 }
        package var total: Int { counts.values.reduce(0, +) }
    }

    package let people: [Person]
    package let commits: Int

    package init(commits: [Commit]) {
        var people: [String: Person] = [:]
        var counted = 0
        for commit in commits where commit.parents <= 1 {
            counted += 1
            let trailers = TrailerLines(commit.message)
            let via = trailers.values(.via).first
            let name = via.map { "\(commit.author) (\($0))" } ?? commit.author
            let cases = max(trailers.values(.caseNumber).count, 1)
            let (column, count): (Column, Int)
            if trailers.actionName == nil {
                (column, count) = (.byHand, 1)
            } else if let action = trailers.action {
                switch action {
                case .approve: (column, count) = (.approvals, max(trailers.values(.draft).count, 1))
                case .draft where trailers.approvedByPolicy:
                    (column, count) = (.policyApprovals, max(commit.message.split(separator: "\n").filter { $0.hasPrefix("outbox/") }.count, 1))
                case .contact, .done: (column, count) = (.contacts, cases)
                case .promise: (column, count) = (.promises, cases)
                case .pay, .importPayments: (column, count) = (.payments, cases)
                case .dispute: (column, count) = (.disputes, cases)
                case .note: (column, count) = (.notes, cases)
                case .send: (column, count) = (.sent, max(trailers.values(.messageID).count, 1))
                case .reverse: (column, count) = (.reversals, cases)
                case .initialize, .setup, .sync, .customer, .inbox, .draft, .reject, .withdraw, .importInvoices, .resolve, .escalate, .deescalate,
                    .snooze, .ack, .skip, .hold, .release, .applyCredit:
                    (column, count) = (.other, 1)
                }
            } else {
                (column, count) = (.other, 1)  // an action a later version wrote
            }
            people[name, default: Person(name: name)].counts[column, default: 0] += count
        }
        self.people = people.values.sorted { ($1.total, $0.name) < ($0.total, $1.name) }
        self.commits = counted
    }
}
