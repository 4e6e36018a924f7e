import DueTrailCore
import Foundation

/// The reports over a ledger: each reads what it needs (the state at a day, the case files,
/// the history) and hands it to the pure report in the core.
public enum Reports {
    /// The ledger as committed at the end of `day` (today: HEAD).
    static func snapshot(_ ledger: Ledger, endOf day: CalendarDate) throws(LedgerError) -> LedgerSnapshot {
        if day >= ledger.clock.today { return try ledger.snapshot() }
        guard let commit = try ledger.commit(endOf: day) else {
            throw LedgerError.usage("the ledger has no commit on or before \(day.iso)")
        }
        return try ledger.snapshot(at: commit)
    }

    public static func aging(_ ledger: Ledger, asOf: CalendarDate, byCustomer: Bool) throws(LedgerError) -> AgingReport {
        let snapshot = try snapshot(ledger, endOf: asOf)
        return AgingReport(cases: snapshot.cases, asOf: asOf, byCustomer: byCustomer, customerNames: snapshot.customerNames)
    }

    public static func dso(_ ledger: Ledger, end: CalendarDate, days: Int) throws(LedgerError) -> DSOReport {
        DSOReport(cases: try snapshot(ledger, endOf: end).cases, end: end, days: days)
    }

    /// `files`: the case files at HEAD when the caller has read them already.
    public static func promises(_ ledger: Ledger, files: [CaseFile]? = nil) throws(LedgerError) -> PromiseReport {
        let book = try ledger.cadenceSetup(tree: try ledger.headTree()).book
        let today = ledger.clock.today
        let all: [CaseFile] = if let files { files } else { try ledger.caseFiles(containing: [" · promised · "]) }
        let records = all.flatMap { PromiseRecord.judge(CaseReplay($0), today: today, deadline: book.promiseDeadline) }
        return PromiseReport(records: records, customerNames: try ledger.snapshot().customerNames)
    }

    public static func cadence(_ ledger: Ledger, files: [CaseFile]? = nil) throws(LedgerError) -> CadenceReport {
        let book = try ledger.cadenceSetup(tree: try ledger.headTree()).book
        var steps: [(id: String, name: String)] = []
        for cadence in book.cadences { for step in cadence.steps where step.isEmail && !steps.contains(where: { $0.id == step.id }) { steps.append((step.id, step.name)) } }
        steps.append((book.promiseBrokenStep.id, book.promiseBrokenStep.name))
        let all: [CaseFile] = if let files { files } else { try ledger.caseFiles(containing: [" · sent · "]) }
        return CadenceReport(replays: all.map(CaseReplay.init), steps: steps)
    }

    public static func trend(_ ledger: Ledger, from: CalendarDate?, to: CalendarDate?, perCommit: Bool) throws(LedgerError) -> TrendReport {
        try ledger.trend(from: from, to: to, perCommit: perCommit)
    }

    public static func activity(_ ledger: Ledger, from: CalendarDate?, to: CalendarDate?) throws(LedgerError) -> ActivityReport {
        ActivityReport(commits: try ledger.activityCommits(from: from, to: to))
    }
}
