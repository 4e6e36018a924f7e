import DueTrailCore
import Foundation
import Testing

private func day(_ s: String) -> CalendarDate { CalendarDate(iso: s)! }

/// A case file with the given timeline lines, as a person could type it.
private func replay(_ lines: [String], balance: String = "1000.00", status: String = "") -> CaseReplay {
    let text = """
        ---
        invoice: INV-1
        customer: acme
        due: 2026-11-01
        amount: \(balance)
        currency: EUR
        ---

        # Invoice INV-1

        ## Timeline

        - 2026-10-01 09:00 · opened · balance: \(balance) EUR · by Import
        \(lines.joined(separator: "\n"))

        """
    guard case .success(let file) = CaseFile.parse(text, path: "cases/acme/inv-1.md") else {
        Issue.record("does not parse")
        return CaseReplay(CaseFile(facts: InvoiceFacts(number: "x", customer: "acme", issued: nil, due: day("2026-11-01"), amount: Money(1, Currency(code: "EUR")!)), customerName: "", events: []))
    }
    return CaseReplay(file)
}

/// Edges of the report rules: bucket boundaries, and promises replaced, over-promised or on a
/// case closed unpaid.
@Suite struct ReportRulesTests {
    @Test func agingBucketBoundaries() {
        let asOf = day("2026-12-31")
        let cases: [(Int, Int)] = [(0, 0), (-5, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4)]
        for (late, bucket) in cases {
            #expect(AgingReport.bucket(due: asOf.adding(days: -late), on: asOf) == bucket, "\(late) days late")
        }
    }

    func outcomes(_ r: CaseReplay, today: String = "2026-12-31") -> [String] {
        PromiseRecord.judge(r, today: day(today), deadline: { $0.adding(days: 2) }).map(\.outcome.rawValue)
    }

    @Test func aReplacedPromiseIsJudgedWhenReplaced() {
        let r = replay([
            "- 2026-11-10 10:00 · promised · date: 2026-11-20 · by Ana",
            "- 2026-11-15 10:00 · payment · amount: 100.00 EUR · by Ana",
            "- 2026-11-18 10:00 · promised · date: 2026-11-30 · by Ana",
            "- 2026-11-29 10:00 · payment · amount: 900.00 EUR · by Ana",
        ])
        #expect(outcomes(r) == ["part-kept", "kept"])
        #expect(outcomes(r, today: "2026-11-19").first == "part-kept", "replaced: judged then, not pending")
    }

    @Test func aCaseClosedUnpaidCancelsItsPromiseAndAnOverPromiseIsCappedAtTheBalance() {
        let closed = replay(["- 2026-11-10 10:00 · promised · date: 2026-11-20 · by Ana", "- 2026-11-12 10:00 · closed · reason: void · by Ana"])
        #expect(outcomes(closed) == ["cancelled"])
        let over = replay(["- 2026-11-10 10:00 · promised · date: 2026-11-20 · amount: 5000.00 EUR · by Ana", "- 2026-11-19 10:00 · payment · amount: 1000.00 EUR · by Ana"])
        #expect(outcomes(over) == ["kept"])
        let nothing = replay(["- 2026-11-10 10:00 · promised · date: 2026-11-20 · by Ana"])
        #expect(outcomes(nothing) == ["broken"])
        #expect(outcomes(nothing, today: "2026-11-22") == ["pending"], "until the deadline (date + grace)")
    }

    @Test func theCadenceReportLeavesOutCasesClosedUnpaidAndTakesTheMedianOfThosePaid() {
        let paid = replay(["- 2026-11-05 10:00 · sent · step: nudge · by Ana", "- 2026-11-15 10:00 · payment · amount: 1000.00 EUR · by Ana"])
        let paidLater = replay(["- 2026-11-05 10:00 · sent · step: nudge · by Ana", "- 2026-12-05 10:00 · payment · amount: 1000.00 EUR · by Ana"])
        let void = replay(["- 2026-11-05 10:00 · sent · step: nudge · by Ana", "- 2026-11-06 10:00 · closed · reason: void · by Ana"])
        let report = CadenceReport(replays: [paid, paidLater, void], steps: [("nudge", "friendly nudge")])
        let nudge = report.lines[0]
        #expect(nudge.sent == 2 && nudge.within7 == 0 && nudge.within14 == 1 && nudge.within30 == 2 && nudge.paid == 2)
        #expect(nudge.median == 20)
    }
}
