import Foundation

/// Whether the cadence works: for each step, of the reminders sent at that step, how many
/// cases were paid within 7, 14 and 30 days after, and the median days to pay of those paid.
package struct CadenceReport: Sendable {
    package struct Line: Sendable, Equatable {
        package let step: String
        package let name: String
        package var sent = 0
        package var within7 = 0
        package var within14 = 0
        package var within30 = 0
        /// Days from the reminder to payment, for the cases paid after it.
        package var daysToPay: [Int] = []

        package var paid: Int { daysToPay.count }

        /// The median of `daysToPay` (the mean of the middle two for an even count).
        package var median: Decimal? {
            let sorted = daysToPay.sorted()
            guard !sorted.isEmpty else { return nil }
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? Decimal(sorted[mid]) : Decimal(sorted[mid - 1] + sorted[mid]) / 2
        }
    }

    package let lines: [Line]

    /// `steps`: the cadence's steps in order (id, name); steps found only in the history follow.
    package init(replays: [CaseReplay], steps: [(id: String, name: String)]) {
        var byStep: [String: Line] = [:]
        var order = steps.map(\.id)
        for (id, name) in steps where byStep[id] == nil { byStep[id] = Line(step: id, name: name) }
        // A case closed unpaid (voided, written off) could never pay: its reminders are left out.
        for replay in replays where replay.file.state.status != .closed {
            let paid = replay.paidOn
            for step in replay.steps where step.event.kind == .sent {
                guard let id = step.event.step else { continue }
                if byStep[id] == nil {
                    byStep[id] = Line(step: id, name: id)
                    order.append(id)
                }
                byStep[id]?.sent += 1
                guard let paid, paid >= step.event.date else { continue }
                let days = step.event.date.days(to: paid)
                byStep[id]?.daysToPay.append(days)
                if days <= 7 { byStep[id]?.within7 += 1 }
                if days <= 14 { byStep[id]?.within14 += 1 }
                if days <= 30 { byStep[id]?.within30 += 1 }
            }
        }
        var seen = Set<String>()
        lines = order.filter { seen.insert($0).inserted }.compactMap { byStep[$0] }
    }
}
