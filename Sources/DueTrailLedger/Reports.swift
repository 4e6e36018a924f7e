import DueTrailCore
import Foundation

/// The reports over one ledger: each reads what it needs (the state at a day, the case files,
/// the history) and hands it to the pure report in the core. What several reports share (the
/// ledger at HEAD, the cadence, the case files holding promises or reminders) is read once, so
/// `report --html` costs one snapshot, not one per report.
public final class Reports {
    let ledger: Ledger
    private var head: LedgerSnapshot?
    private var book: CadenceBook?
    private var files: [CaseFile]?

    public init(_ ledger: Ledger) { self.ledger = ledger }

    /// The ledger as committed at the end of `day` (today or later: HEAD).
    func snapshot(endOf day: CalendarDate) throws(LedgerError) -> LedgerSnapshot {
        if day >= ledger.clock.today { return try headSnapshot() }
        guard let commit = try ledger.commit(endOf: day) else {
            throw LedgerError.usage("the ledger has no commit on or before \(day.iso)")
        }
        return try ledger.snapshot(at: commit)
    }

    func headSnapshot() throws(LedgerError) -> LedgerSnapshot {
        if let head { return head }
        let read = try ledger.snapshot()
        head = read
        return read
    }

    func cadenceBook() throws(LedgerError) -> CadenceBook {
        if let book { return book }
        let read = try ledger.cadenceSetup(tree: try ledger.headTree()).book
        book = read
        return read
    }

    /// The case files at HEAD with a promise or a reminder in them: what the promise and
    /// cadence reports replay (the others are not parsed).
    func timelines() throws(LedgerError) -> [CaseFile] {
        if let files { return files }
        let read = try ledger.caseFiles(containing: [" · promised · ", " · sent · "])
        files = read
        return read
    }

    public func aging(asOf: CalendarDate, byCustomer: Bool) throws(LedgerError) -> AgingReport {
        let snapshot = try snapshot(endOf: asOf)
        return AgingReport(cases: snapshot.cases, asOf: asOf, byCustomer: byCustomer, customerNames: snapshot.customerNames)
    }

    public func dso(end: CalendarDate, days: Int) throws(LedgerError) -> DSOReport {
        DSOReport(cases: try snapshot(endOf: end).cases, end: end, days: days)
    }

    public func promises() throws(LedgerError) -> PromiseReport {
        let book = try cadenceBook()
        let today = ledger.clock.today
        let records = try timelines().flatMap { PromiseRecord.judge(CaseReplay($0), today: today, deadline: book.promiseDeadline) }
        return PromiseReport(records: records, customerNames: try headSnapshot().customerNames)
    }

    public func cadence() throws(LedgerError) -> CadenceReport {
        let book = try cadenceBook()
        var steps: [(id: String, name: String)] = []
        for cadence in book.cadences { for step in cadence.steps where step.isEmail && !steps.contains(where: { $0.id == step.id }) { steps.append((step.id, step.name)) } }
        steps.append((book.promiseBrokenStep.id, book.promiseBrokenStep.name))
        return CadenceReport(replays: try timelines().map(CaseReplay.init), steps: steps)
    }

    public func trend(from: CalendarDate?, to: CalendarDate?, perCommit: Bool) throws(LedgerError) -> TrendReport {
        try ledger.trend(from: from, to: to, perCommit: perCommit, head: try headSnapshot())
    }

    public func activity(from: CalendarDate?, to: CalendarDate?) throws(LedgerError) -> ActivityReport {
        ActivityReport(commits: try ledger.activityCommits(from: from, to: to))
    }
}
