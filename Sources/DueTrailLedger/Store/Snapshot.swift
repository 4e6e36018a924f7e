import DueTrailCore
import Foundation
import GitStore

/// The committed ledger at one commit, summarised: every case's facts and state and every
/// customer's name. Built from a cache keyed by git object ids, so only folders that changed
/// since the last run are parsed again (a 100,000-case queue reads no case file when nothing
/// changed).
package struct LedgerSnapshot: Sendable {
    package let commit: ObjectID?
    package let tree: ObjectID?
    package let cases: [CaseSummary]
    /// Customers by slug.
    package let customers: [String: CustomerSummary]
    package var customerNames: [String: String] { customers.mapValues(\.name) }
    /// Customers on hold (`duetrail hold`), by slug.
    package var customerHolds: [String: CustomerHold] { customers.compactMapValues(\.cadence.hold) }
    /// Files that could not be read (a bad hand edit): listed, never silently dropped.
    package let unreadable: [Diagnostic]

    /// Problems of files with no row among `cases` (never read, or not a case file): the
    /// ones a listing must print itself.
    package var unreadableWithoutRow: [Diagnostic] {
        let shown = Set(cases.lazy.filter { $0.unreadable != nil }.map(\.path))
        return unreadable.filter { !shown.contains($0.path) }
    }

    /// Every unreadable case file, with its state as last read when there is one.
    package var unreadableCases: [(path: String, problems: [Diagnostic], lastRead: CaseSummary?)] {
        var byPath: [String: [Diagnostic]] = [:]
        for d in unreadable where d.path.hasPrefix("cases/") { byPath[d.path, default: []].append(d) }
        let rows = Dictionary(cases.lazy.filter { $0.unreadable != nil }.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        return byPath.keys.sorted().map { ($0, byPath[$0] ?? [], rows[$0]) }
    }

    package func casesByNumber() -> [String: CaseSummary] {
        var out: [String: CaseSummary] = [:]
        out.reserveCapacity(cases.count)
        for c in cases { out[c.facts.number] = c }
        return out
    }

    /// Finds a case by invoice number, path, or file name (`inv-1042`, `acme/inv-1042`).
    package func find(_ key: String) -> [CaseSummary] {
        if let exact = cases.first(where: { $0.facts.number == key }) { return [exact] }
        let lowered = key.lowercased()
        if let byNumber = cases.first(where: { $0.facts.number.lowercased() == lowered }) { return [byNumber] }
        let slugged = Slug.make(key) ?? key
        return cases.filter {
            $0.path == key || $0.path == "cases/\(key).md" || $0.path.hasSuffix("/\(slugged).md") || $0.path == "cases/\(key)"
        }
    }
}

/// Summaries the caller already knows (files it just wrote), by blob id, so a snapshot
/// right after a commit parses nothing.
package struct SummaryHints {
    package var cases: [ObjectID: CaseSummary] = [:]
    package var customers: [ObjectID: CustomerSummary] = [:]
    package init() {}
}

extension Ledger {
    /// Summarises HEAD (or `commit`).
    package func snapshot(at commit: ObjectID? = nil, hints: SummaryHints = SummaryHints()) throws(LedgerError) -> LedgerSnapshot {
        let repo = repository
        do throws(GitError) {
            let head = try repo.headCommit()
            guard let commitID = commit ?? head else {
                return LedgerSnapshot(commit: nil, tree: nil, cases: [], customers: [:], unreadable: [])
            }
            let tree = try repo.commit(commitID).tree
            let cache = preloadedCache.take() ?? SummaryCache.load(gitDirectory: repo.gitDirectory)
            Timings.mark("load the summary cache")
            var fresh = SummaryCache()
            var changed = false
            var unreadable: [Diagnostic] = []
            var names: [String: CustomerSummary] = [:]
            if let customers = try repo.entry(at: "customers", inTree: tree), customers.kind == .tree {
                var toRead: [(path: String, blob: ObjectID, slug: String)] = []
                for entry in try repo.treeEntries(customers.id) where entry.kind == .blob && entry.name.hasSuffix(".yaml") {
                    let slug = String(entry.name.dropLast(5))
                    if let name = cache.customers[entry.id] ?? hints.customers[entry.id] {
                        names[slug] = name
                        fresh.customers[entry.id] = name
                        continue
                    }
                    changed = true
                    toRead.append(("customers/\(entry.name)", entry.id, slug))
                }
                let files = toRead
                let parsed = try Self.readBlobs(files.map { ($0.path, $0.blob) }, repository: repo, minimum: 500) { bytes, i in
                    CustomerFile.parse(String(decoding: bytes, as: UTF8.self), path: files[i].path, slug: files[i].slug).map(CustomerSummary.init)
                }
                for (i, file) in toRead.enumerated() {
                    switch parsed[i] {
                    case .success(let c)?:
                        names[file.slug] = c
                        fresh.customers[file.blob] = c
                    case .failure(let list)?:
                        unreadable += list.items
                    case nil:
                        break  // readBlobs fills every slot
                    }
                }
            }
            var cases: [CaseSummary] = []
            if let casesEntry = try repo.entry(at: "cases", inTree: tree), casesEntry.kind == .tree {
                // Summaries of files already seen, by blob id, built only on a miss.
                var known: [ObjectID: CaseSummary]?
                // Each folder in tree order: its items from the cache, or slots to fill, some
                // from summaries already known and the rest read and parsed below.
                var folders: [(folder: TreeEntry, items: [SummaryCache.Item]?, slots: [CaseSlot])] = []
                var toRead: [(path: String, blob: ObjectID)] = []
                for folder in try repo.treeEntries(casesEntry.id) where folder.kind == .tree {
                    if var items = cache.folders[folder.id] {
                        // The same tree may now sit under another name (`git mv`): paths follow the name.
                        let prefix = "cases/\(folder.name)/"
                        if let first = items.first, !first.summary.path.hasPrefix(prefix) {
                            items = items.map { item in
                                var s = item.summary
                                s.path = prefix + (s.path.split(separator: "/").last.map(String.init) ?? "")
                                return SummaryCache.Item(blob: item.blob, summary: s)
                            }
                        }
                        folders.append((folder, items, []))
                        continue
                    }
                    changed = true
                    if known == nil {
                        var k = hints.cases
                        for items in cache.folders.values { for item in items { k[item.blob] = item.summary } }
                        known = k
                    }
                    var slots: [CaseSlot] = []
                    for file in try repo.treeEntries(folder.id) where file.kind == .blob && file.name.hasSuffix(".md") {
                        let path = "cases/\(folder.name)/\(file.name)"
                        if var summary = known?[file.id] {
                            summary.path = path
                            slots.append(.known(SummaryCache.Item(blob: file.id, summary: summary)))
                        } else {
                            slots.append(.read(toRead.count))
                            toRead.append((path, file.id))
                        }
                    }
                    folders.append((folder, nil, slots))
                }
                Timings.mark("list \(folders.count) folders")
                let parsed = try Self.readCases(toRead, repository: repo)
                Timings.mark("read and parse \(toRead.count) cases")
                cases.reserveCapacity(folders.reduce(0) { $0 + ($1.items?.count ?? $1.slots.count) })
                for (folder, cached, slots) in folders {
                    if let cached {
                        for item in cached { cases.append(item.summary) }
                        fresh.folders[folder.id] = cached
                        continue
                    }
                    var items: [SummaryCache.Item] = []
                    var clean = true
                    for slot in slots {
                        switch slot {
                        case .known(let item): items.append(item)
                        case .read(let index):
                            switch parsed[index] {
                            case .success(let summary)?: items.append(SummaryCache.Item(blob: toRead[index].blob, summary: summary))
                            case .failure(let list)?:
                                unreadable += list.items
                                clean = false
                                // Kept in sight at its last readable state, marked.
                                if let last = try lastReadable(toRead[index].path, from: commitID, problems: list.items) {
                                    items.append(SummaryCache.Item(blob: toRead[index].blob, summary: last))
                                }
                            case nil: break  // readBlobs fills every slot
                            }
                        }
                    }
                    for item in items { cases.append(item.summary) }
                    if clean { fresh.folders[folder.id] = items }
                }
            }
            // Rewrite the base when something was read afresh, the journal grew large, or many
            // entries no longer belong to any current folder.
            let stale = cache.folders.count - fresh.folders.count + cache.customers.count - fresh.customers.count
            // Only HEAD's state is kept: a report on a past day must not push today's out.
            Timings.mark("assemble")
            if commitID == head, changed || cache.journalSize > 1 << 20 || stale > 100 + (fresh.folders.count + fresh.customers.count) / 10 {
                // Written on another thread while the command goes on; the process waits for
                // it before exiting (`BackgroundWrites`).
                let toSave = fresh
                let gitDirectory = repo.gitDirectory
                BackgroundWrites.run { toSave.save(gitDirectory: gitDirectory) }
            }
            return LedgerSnapshot(commit: commitID, tree: tree, cases: cases, customers: names, unreadable: unreadable)
        } catch {
            throw error.context("reading the ledger")
        }
    }
}

extension Ledger {
    /// The text of a case's file as the snapshot read it: HEAD's, or for a file that does not
    /// read, the version its facts were last read from.
    package func caseText(_ summary: CaseSummary, tree: ObjectID) throws(LedgerError) -> String? {
        guard let commit = summary.unreadable?.lastReadCommit.flatMap(ObjectID.init(hex:)) else { return try read(summary.path, inTree: tree) }
        let older: ObjectID
        do { older = try repository.commit(commit).tree } catch { throw error.context("reading commit \(commit.short)") }
        return try read(summary.path, inTree: older)
    }

    /// The case at `path` as it last read on the first-parent line from `start` (the walk
    /// `history` and `audit` use, `CaseFileCache.lastReadableVersion`), marked with
    /// `problems`; nil when no committed version read. A bad edit is usually the latest
    /// commit, so this reads one or two versions.
    func lastReadable(_ path: String, from start: ObjectID, problems: [Diagnostic]) throws(GitError) -> CaseSummary? {
        var versions = CaseFileCache(repository: repository)
        guard let last = try versions.lastReadableVersion(path, from: start, depth: 10_000) else { return nil }
        var summary = CaseSummary(path: path, file: last.file)
        summary.unreadable = UnreadableCase(
            problems: problems, lastReadCommit: last.commit.hex, lastReadDay: CalendarDate(last.info.committer.time, in: config.timezone))
        return summary
    }
}

/// Where one case of a folder read afresh comes from: a summary already known by its blob id,
/// or the `index`th file to read and parse.
enum CaseSlot {
    case known(SummaryCache.Item)
    case read(Int)
}

extension Ledger {
    /// Reads and parses case files, on every core when there are many: each worker reads blobs
    /// through a repository handle of its own (libgit2 handles are not shared between threads)
    /// and parses what it read, so a fresh clone's first command costs about one pass over the
    /// pack. Results in input order.
    static func readCases(_ files: [(path: String, blob: ObjectID)], repository: Repository) throws(GitError) -> [Result<CaseSummary, DiagnosticList>?] {
        try readBlobs(files, repository: repository, minimum: 2000) { bytes, i in parseCase(bytes, path: files[i].path) }
    }

    /// `parse` of each blob, read through one repository handle per worker; every slot is
    /// filled (optional only so results are written in place, never copied). A blob a worker
    /// could not read (its handle failed, the object is damaged) is read again through
    /// `repository`, so a failure is git's own error.
    static func readBlobs<T: Sendable>(
        _ files: [(path: String, blob: ObjectID)], repository: Repository, minimum: Int, parse: @escaping @Sendable ([UInt8], Int) -> T
    ) throws(GitError) -> [T?] {
        let gitDirectory = repository.gitDirectory
        guard !files.isEmpty else { return [] }
        var results = Parallel.map(count: files.count, minimum: minimum, context: { HandleBox(gitDirectory) }) { box, i -> T? in
            guard let repo = box.repository, let bytes = try? repo.readBlob(files[i].blob) else { return nil }
            return parse(bytes, i)
        }
        for i in results.indices where results[i] == nil { results[i] = parse(try repository.readBlob(files[i].blob), i) }
        return results
    }

    static func parseCase(_ bytes: [UInt8], path: String) -> Result<CaseSummary, DiagnosticList> {
        CaseFile.parse(String(decoding: bytes, as: UTF8.self), path: path).map { CaseSummary(path: path, file: $0) }
    }
}

/// A worker's own repository handle, opened on its first read (nil when it cannot be).
final class HandleBox {
    let gitDirectory: String
    private var opened: Repository??
    init(_ gitDirectory: String) { self.gitDirectory = gitDirectory }
    var repository: Repository? {
        if let opened { return opened }
        let handle = try? Repository.open(at: gitDirectory)
        opened = .some(handle)
        return handle
    }
}
