import DueTrailCore
import Foundation
import GitStore

/// The reports over one ledger: each reads what it needs (the state at a day, the case files,
/// the history) and hands it to the pure report in the core. What several reports share (the
/// ledger at HEAD, the cadence, the case files holding promises or reminders) is read once, so
/// `report --html` costs one snapshot, not one per report.
package final class Reports {
    let ledger: Ledger
    private var head: LedgerSnapshot?
    private var book: CadenceBook?
    private var files: [CaseFile]?

    /// Case files that did not read in the states the reports used, by path (first problem).
    private var unreadable: [String: String] = [:]

    package init(_ ledger: Ledger) { self.ledger = ledger }

    private func noteUnreadable(_ snapshot: LedgerSnapshot) {
        for (path, problems, _) in snapshot.unreadableCases where unreadable[path] == nil {
            unreadable[path] = problems.first?.headline ?? path
        }
    }

    /// `table`, saying which case files did not read: balances count them as they last read,
    /// timelines (promises, cadence) leave them out.
    package func annotated(_ table: ReportTable) -> ReportTable {
        let counted: String
        switch table.name {
        case "aging", "dso", "trend": counted = "counted at their balance as last read"
        case "activity": counted = "commits are counted all the same"
        default: counted = "their timelines are left out"
        }
        return table.noting(unreadable: unreadable.keys.sorted().compactMap { unreadable[$0] }, counted: counted)
    }

    /// The ledger as committed at the end of `day` (today or later: HEAD).
    func snapshot(endOf day: CalendarDate) throws(LedgerError) -> LedgerSnapshot {
        if day >= ledger.clock.today { return try headSnapshot() }
        guard let commit = try ledger.commit(endOf: day) else {
            throw LedgerError.notFound("the ledger has no commit on or before \(day.iso)")
        }
        let read = try ledger.snapshot(at: commit)
        noteUnreadable(read)
        return read
    }

    func headSnapshot() throws(LedgerError) -> LedgerSnapshot {
        if let head { return head }
        let read = try ledger.snapshot()
        noteUnreadable(read)
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
        noteUnreadable(try headSnapshot())
        files = read
        return read
    }

    package func aging(asOf: CalendarDate, byCustomer: Bool) throws(LedgerError) -> AgingReport {
        let snapshot = try snapshot(endOf: asOf)
        return AgingReport(cases: snapshot.cases, asOf: asOf, byCustomer: byCustomer, customerNames: snapshot.customerNames)
    }

    package func dso(end: CalendarDate, days: Int) throws(LedgerError) -> DSOReport {
        DSOReport(cases: try snapshot(endOf: end).cases, end: end, days: days)
    }

    package func promises() throws(LedgerError) -> PromiseReport {
        let book = try cadenceBook()
        let today = ledger.clock.today
        let records = try timelines().flatMap { PromiseRecord.judge(CaseReplay($0), today: today, deadline: book.promiseDeadline) }
        return PromiseReport(records: records, customerNames: try headSnapshot().customerNames)
    }

    package func cadence() throws(LedgerError) -> CadenceReport {
        let book = try cadenceBook()
        var steps: [(id: String, name: String)] = []
        for cadence in book.cadences { for step in cadence.steps where step.isEmail && !steps.contains(where: { $0.id == step.id }) { steps.append((step.id, step.name)) } }
        steps.append((book.promiseBrokenStep.id, book.promiseBrokenStep.name))
        return CadenceReport(replays: try timelines().map(CaseReplay.init), steps: steps)
    }

    package func trend(from: CalendarDate?, to: CalendarDate?, perCommit: Bool) throws(LedgerError) -> TrendReport {
        try ledger.trend(from: from, to: to, perCommit: perCommit, head: try headSnapshot())
    }

    package func activity(from: CalendarDate?, to: CalendarDate?) throws(LedgerError) -> ActivityReport {
        ActivityReport(commits: try ledger.activityCommits(from: from, to: to))
    }
}

/// What the reports read from the repository: the ledger at a past day, every case file at
/// the tip, the main line's history (trend), and its commits' authors and trailers (activity).
extension Ledger {
    /// The most days one trend shows (ten years).
    static let longestTrend = 3_660

    /// The main line (first parents from HEAD), oldest first, with each commit's day in the
    /// ledger's timezone.
    package func mainLine() throws(LedgerError) -> [(commit: CommitInfo, day: CalendarDate)] {
        var out: [(CommitInfo, CalendarDate)] = []
        do throws(GitError) {
            var next = try repository.headCommit()
            while let id = next {
                let info = try repository.commit(id)
                out.append((info, CalendarDate(info.committer.time, in: config.timezone)))
                next = info.parents.first
            }
        } catch {
            throw error.context("reading the history")
        }
        return out.reversed()
    }

    /// The last commit on the main line made on or before `day`; nil when the ledger is younger.
    package func commit(endOf day: CalendarDate) throws(LedgerError) -> ObjectID? {
        try mainLine().last { $0.day <= day }?.commit.id
    }

    /// Every case file at `commit` (default HEAD), parsed; files that do not read are skipped
    /// (`check` reports them). `containing`: only files whose text has one of these (a
    /// timeline kind, ` · promised · `), checked on the bytes before the costly parse.
    package func caseFiles(at commit: ObjectID? = nil, containing markers: [String] = []) throws(LedgerError) -> [CaseFile] {
        let needles = markers.map { Array($0.utf8) }
        do throws(GitError) {
            let start: ObjectID? = if let commit { commit } else { try repository.headCommit() }
            guard let id = start else { return [] }
            let tree = try repository.commit(id).tree
            guard let cases = try repository.entry(at: "cases", inTree: tree), cases.kind == .tree else { return [] }
            var out: [CaseFile] = []
            for folder in try repository.treeEntries(cases.id) where folder.kind == .tree {
                for file in try repository.treeEntries(folder.id) where file.kind == .blob && file.name.hasSuffix(".md") {
                    let bytes = try repository.readBlob(file.id)
                    if !needles.isEmpty && !needles.contains(where: { Self.bytes(bytes, contain: $0) }) { continue }
                    if case .success(let c) = CaseFile.parse(String(decoding: bytes, as: UTF8.self), path: "cases/\(folder.name)/\(file.name)") { out.append(c) }
                }
            }
            return out
        } catch {
            throw error.context("reading the case files")
        }
    }

    /// Whether `needle` occurs in `haystack`. By hand: the standard library's generic
    /// `firstRange(of:)` made `report promises` about four times slower on 100,000 files, and
    /// `memmem` is not visible from Swift here.
    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        let last = haystack.count - needle.count
        var i = 0
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Commits reachable from HEAD made from `from` to `to` (days in the ledger's timezone).
    package func activityCommits(from: CalendarDate?, to: CalendarDate?) throws(LedgerError) -> [ActivityReport.Commit] {
        do throws(GitError) {
            guard let head = try repository.headCommit() else { return [] }
            var out: [ActivityReport.Commit] = []
            for id in try repository.log(from: head) {
                let info = try repository.commit(id)
                let day = CalendarDate(info.author.time, in: config.timezone)
                if let from, day < from { continue }
                if let to, day > to { continue }
                out.append(ActivityReport.Commit(author: info.author.name, message: info.message, parents: info.parents.count))
            }
            return out
        } catch {
            throw error.context("reading the history")
        }
    }

    /// Receivables and overdue totals from `from` to `to`: one point per day (the state after
    /// that day's last commit), or per commit. Each commit's `cases/` tree is listed, but a
    /// customer folder whose tree id was seen before is not read again, and a changed folder
    /// parses only the files whose blob is new: 1,000 commits cost about what they changed.
    /// `head`: the ledger at HEAD, when the caller has read it.
    package func trend(from: CalendarDate?, to: CalendarDate?, perCommit: Bool, head: LedgerSnapshot? = nil) throws(LedgerError) -> TrendReport {
        let line = try mainLine()
        guard let first = line.first, let last = line.last else { return TrendReport(points: []) }
        let end = to ?? max(last.day, clock.today)
        // By default two years at most: a root commit made with a wrong clock must not ask
        // for decades of points.
        let start = from ?? max(first.day, end.adding(days: -729))
        guard start.days(to: end) <= Self.longestTrend else {
            throw LedgerError.badRequest("\(start.iso) to \(end.iso) is more than \(Self.longestTrend) days; give a shorter --from/--to, or --per-commit")
        }
        var wanted: [(CommitInfo, CalendarDate)] = []
        if perCommit {
            wanted = line.filter { $0.day >= start && $0.day <= end }.map { ($0.commit, $0.day) }
        } else {
            // Each day: the last commit on the main line dated on or before it (a commit with a
            // skewed clock does not hide the ones after it). Commits sorted by day once, then one
            // pass over the days with the latest line position seen so far.
            let byDay = line.indices.sorted { (line[$0].day, $0) < (line[$1].day, $1) }
            var next = 0
            var latest: Int?
            var day = start
            while day <= end {
                while next < byDay.count && line[byDay[next]].day <= day {
                    latest = max(latest ?? byDay[next], byDay[next])
                    next += 1
                }
                if let latest { wanted.append((line[latest].commit, day)) }
                day = day.adding(days: 1)
            }
        }
        // The state at HEAD comes from the summary cache; from there each wanted commit is
        // reached by a tree diff, so a commit costs the case files it changed.
        var state = TrendState(repository: repository)
        var points: [TrendReport.Point] = []
        points.reserveCapacity(wanted.count)
        let tip: LedgerSnapshot = if let head { head } else { try snapshot() }
        state.load(tip.cases)
        var at = tip.tree
        do throws(GitError) {
            for (commit, day) in wanted {
                if at != commit.tree {
                    try state.move(from: at, to: commit.tree)
                    at = commit.tree
                }
                points.append(state.point(day: day, commit: commit.id.short))
            }
        } catch {
            throw error.context("reading the history")
        }
        return TrendReport(points: points)
    }
}

/// The open balances of one commit, kept per case path and per due day, moved from commit to
/// commit by tree diffs: each changed case file is parsed once per blob.
struct TrendState {
    /// One open case: due date (days since the epoch) and balance.
    struct Item: Equatable {
        let due: Int
        let money: Money
        let minor: Int64?
    }

    /// A sum in minor units while every part has them, with any rest in `Decimal`.
    struct Sum {
        var minor: Int64 = 0
        var extra: Decimal = 0
        var count = 0

        mutating func add(_ item: Item, sign: Int64) {
            count += Int(sign)
            if let m = item.minor, case let (next, overflow) = minor.addingReportingOverflow(sign * m), !overflow {
                minor = next
            } else {
                extra += sign > 0 ? item.money.amount : -item.money.amount
            }
        }

        mutating func merge(_ other: Sum) {
            count += other.count
            extra += other.extra
            let (next, overflow) = minor.addingReportingOverflow(other.minor)
            if overflow { extra += Decimal(other.minor) } else { minor = next }
        }

        func money(_ currency: Currency) -> Money {
            var scale = Decimal(1)
            for _ in 0..<currency.minorDigits { scale *= 10 }
            return Money(Decimal(minor) / scale + extra, currency)
        }
    }

    let repository: Repository
    private var items: [String: Item] = [:]
    private var parsed: [ObjectID: Item?] = [:]
    private var byDue: [Currency: [Int: Sum]] = [:]
    private var lastListing: (id: ObjectID, entries: [TreeEntry])?

    init(repository: Repository) { self.repository = repository }

    mutating func load(_ cases: [CaseSummary]) {
        for c in cases { set(c.path, Self.item(c)) }
    }

    /// Applies the case files that differ between two root trees. Compares the two `cases/`
    /// listings by folder id (libgit2's tree diff sorts every 5,000-entry listing again, which
    /// made 1,000 commits take 30 s), then only the folders whose id changed, file by file.
    mutating func move(from: ObjectID?, to: ObjectID?) throws(GitError) {
        let old = try casesListing(root: from), new = try casesListing(root: to)
        var i = 0, j = 0
        while i < old.count || j < new.count {
            let a = i < old.count ? old[i] : nil, b = j < new.count ? new[j] : nil
            if let a, let b, a.name == b.name {
                if a.id != b.id { try moveFolder(a.name, from: a.id, to: b.id) }
                i += 1
                j += 1
            } else if let a, b == nil || a.name < b!.name {
                try moveFolder(a.name, from: a.id, to: nil)
                i += 1
            } else if let b {
                try moveFolder(b.name, from: nil, to: b.id)
                j += 1
            }
        }
    }

    /// The customer folders under `cases/`, sorted by name; the last listing is kept, since
    /// each commit is compared with the one before.
    private mutating func casesListing(root: ObjectID?) throws(GitError) -> [TreeEntry] {
        guard let root, let cases = try repository.entry(at: "cases", inTree: root), cases.kind == .tree else { return [] }
        if let last = lastListing, last.id == cases.id { return last.entries }
        let entries = try repository.treeEntries(cases.id).filter { $0.kind == .tree }.sorted { $0.name < $1.name }
        lastListing = (cases.id, entries)
        return entries
    }

    private mutating func moveFolder(_ name: String, from: ObjectID?, to: ObjectID?) throws(GitError) {
        func files(_ tree: ObjectID?) throws(GitError) -> [String: ObjectID] {
            guard let tree else { return [:] }
            var out: [String: ObjectID] = [:]
            for e in try repository.treeEntries(tree) where e.kind == .blob && e.name.hasSuffix(".md") { out[e.name] = e.id }
            return out
        }
        let before = try files(from), after = try files(to)
        for (file, blob) in after where before[file] != blob { try apply("cases/\(name)/\(file)", blob) }
        for file in before.keys where after[file] == nil { set("cases/\(name)/\(file)", nil) }
    }

    private mutating func apply(_ path: String, _ blob: ObjectID) throws(GitError) {
        if let known = parsed[blob] {
            set(path, known)
            return
        }
        let item = try repository.caseFile(blob, path: path).flatMap { Self.item(CaseSummary(path: path, file: $0)) }
        parsed[blob] = item
        set(path, item)
    }

    func point(day: CalendarDate, commit: String) -> TrendReport.Point {
        var receivables = Amounts(), overdue = Amounts()
        var open: [Currency: Int] = [:]
        for (currency, days) in byDue {
            var all = Sum(), late = Sum()
            for (due, sum) in days {
                all.merge(sum)
                if due < day.daysSinceEpoch { late.merge(sum) }
            }
            receivables.add(all.money(currency))
            overdue.add(late.money(currency))
            open[currency] = all.count
        }
        return TrendReport.Point(date: day, commit: commit, receivables: receivables, overdue: overdue, openCases: open)
    }

    private static func item(_ c: CaseSummary) -> Item? {
        guard c.state.status == .open && c.state.balance.amount > 0 else { return nil }
        return Item(due: c.facts.due.daysSinceEpoch, money: c.state.balance, minor: c.state.balanceMinor)
    }

    private mutating func set(_ path: String, _ item: Item?) {
        if let old = items[path] {
            byDue[old.money.currency, default: [:]][old.due, default: Sum()].add(old, sign: -1)
            if byDue[old.money.currency]?[old.due]?.count == 0 { byDue[old.money.currency]?[old.due] = nil }
        }
        items[path] = item
        if let item { byDue[item.money.currency, default: [:]][item.due, default: Sum()].add(item, sign: 1) }
    }
}
