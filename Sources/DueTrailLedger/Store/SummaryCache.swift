import AtomicFiles
import DueTrailCore
import Foundation
import GitStore

/// Case summaries by the id of the `cases/<customer>/` tree they came from, and customer
/// names by blob id. Git ids name content, so an entry can never be stale: a changed folder
/// has a new id. Lives in `.git/duetrail/` (never committed); a missing or damaged cache only
/// costs a re-read.
struct SummaryCache: Sendable {
    /// Bump `CaseState.derivation` (or this format number) whenever what a summary holds, or
    /// how state is derived from events, changes: an old cache is then simply re-read.
    static let header = "duetrail-summaries 10 derivation \(CaseState.derivation)"
    /// A case file's blob id and what it says.
    struct Item: Sendable {
        let blob: ObjectID
        let summary: CaseSummary
    }
    var folders: [ObjectID: [Item]] = [:]
    var customers: [ObjectID: CustomerSummary] = [:]
    var changed = false

    static func url(gitDirectory: String) -> URL {
        URL(fileURLWithPath: gitDirectory).appendingPathComponent("duetrail/summaries")
    }

    static func journalURL(gitDirectory: String) -> URL {
        URL(fileURLWithPath: gitDirectory).appendingPathComponent("duetrail/summaries.journal")
    }

    /// Bytes in the journal when it was loaded; a snapshot folds a large journal into the base.
    var journalSize = 0

    /// The base file plus the journal of what commits added since it was written.
    static func load(gitDirectory: String) -> SummaryCache {
        BackgroundWrites.wait()  // a save of this process still in flight
        var cache = SummaryCache()
        if let data = try? Data(contentsOf: url(gitDirectory: gitDirectory)) {
            cache = parse([UInt8](data)) ?? SummaryCache()
        }
        if let journal = try? Data(contentsOf: journalURL(gitDirectory: gitDirectory)) {
            cache.journalSize = journal.count
            if let added = parse([UInt8](journal)) {
                cache.folders.merge(added.folders) { _, new in new }
                cache.customers.merge(added.customers) { _, new in new }
            } else {
                cache.journalSize = Int.max  // damaged (e.g. two writers at once): fold it away
            }
        }
        return cache
    }

    /// Temporary files of saves that a stopped process left behind (`summaries.tmp.<pid>`
    /// whose process is gone, or is not this one and older than an hour).
    static func removeAbandonedTemporaries(in folder: String) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("summaries.tmp.") {
            guard let pid = Int32(name.dropFirst("summaries.tmp.".count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? fm.removeItem(atPath: folder + "/" + name) }
        }
    }

    /// Every case summary by the blob id of its file (a file in the cache read cleanly).
    func caseSummariesByBlob() -> [ObjectID: CaseSummary] {
        var out: [ObjectID: CaseSummary] = [:]
        out.reserveCapacity(folders.values.reduce(0) { $0 + $1.count })
        for items in folders.values { for item in items { out[item.blob] = item.summary } }
        return out
    }

    /// Adds records at the end of the journal: what a commit just wrote, without rewriting the
    /// whole cache (20 MB for 100,000 cases) for a one-case action. One `write` per call.
    static func appendToJournal(_ records: SummaryCache, gitDirectory: String) {
        guard !records.folders.isEmpty || !records.customers.isEmpty else { return }
        BackgroundWrites.wait()  // a save still in flight would delete what is appended now
        let target = journalURL(gitDirectory: gitDirectory)
        try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        var out = FileManager.default.fileExists(atPath: target.path) ? "" : header + "\n"
        out += records.body()
        let fd = open(target.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(out.utf8)
        _ = bytes.withUnsafeBytes { raw in raw.baseAddress.map { write(fd, $0, raw.count) } }
    }

    func body() -> String {
        var out = ""
        for (id, customer) in customers.sorted(by: { $0.key < $1.key }) {
            out += "C \(id.hex) \(customer.cacheText)\n"
        }
        // Each folder's lines on every core (100,000 cases), joined in id order.
        let sorted = folders.sorted(by: { $0.key < $1.key })
        let parts = Parallel.map(count: sorted.count, minimum: 500) { i -> String in
            let (id, items) = sorted[i]
            var part = "T \(id.hex) \(items.count)\n"
            for item in items { part += item.blob.hex + "\t" + item.summary.cacheLine + "\n" }
            return part
        }
        for part in parts { out += part }
        return out
    }

    /// Reads the cache bytes line by line without building one giant String (a 100,000-case
    /// cache is about 20 MB). nil when anything is off: the caller then starts afresh.
    static func parse(_ bytes: [UInt8]) -> SummaryCache? {
        var cache = SummaryCache()
        var lines: [Range<Int>] = []
        lines.reserveCapacity(bytes.count / 150)
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 10 {
            lines.append(start..<i)
            start = i + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        guard let first = lines.first, bytes[first].elementsEqual(header.utf8) else { return nil }
        // First pass: find each record's lines; second pass decodes folders on every core.
        struct FolderSpan { let id: ObjectID; let lines: Range<Int> }
        var spans: [FolderSpan] = []
        var n = 1
        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        while n < lines.count {
            let line = lines[n]
            n += 1
            if line.isEmpty { continue }
            let kind = bytes[line.lowerBound]
            guard line.count > 43, bytes[line.lowerBound + 1] == 32 else { return nil }
            guard let id = ObjectID(hex: text((line.lowerBound + 2)..<(line.lowerBound + 42))) else { return nil }
            let rest = (line.lowerBound + 43)..<line.upperBound
            if kind == UInt8(ascii: "C") {
                guard let customer = CustomerSummary(cacheText: Substring(text(rest))) else { return nil }
                cache.customers[id] = customer
                continue
            }
            guard kind == UInt8(ascii: "T"), let count = Int(text(rest)), count >= 0, count <= lines.count - n else { return nil }
            spans.append(FolderSpan(id: id, lines: n..<(n + count)))
            n += count
        }
        let lineRanges = lines
        let folderSpans = spans
        let chunks = Parallel.chunks(count: folderSpans.count, minimum: 50)
        let parts = Parallel.map(count: chunks.count, minimum: 1) { w -> [ObjectID: [Item]]? in
            var out: [ObjectID: [Item]] = [:]
            let mine = folderSpans[chunks[w]]
            out.reserveCapacity(mine.count)
            // One field buffer per worker; the customer slug, the same on most lines of a
            // folder, is made into a String once per folder instead of once per case.
            var fields: [String] = []
            fields.reserveCapacity(CaseSummary.cacheFieldCount)
            for span in mine {
                var items: [Item] = []
                items.reserveCapacity(span.lines.count)
                var lastCustomer: (bytes: ArraySlice<UInt8>, text: String)?
                for k in span.lines {
                    let l = lineRanges[k]
                    fields.removeAll(keepingCapacity: true)
                    var blob: ObjectID?
                    var fieldStart = l.lowerBound
                    var index = 0
                    func take(_ range: Range<Int>) {
                        defer { index += 1 }
                        let slice = bytes[range]
                        if index == 0 {
                            blob = ObjectID(hexBytes: slice)
                            return
                        }
                        if index == 3, let last = lastCustomer, last.bytes.elementsEqual(slice) {
                            fields.append(last.text)
                            return
                        }
                        var text = String(decoding: slice, as: UTF8.self)
                        if slice.contains(92) { text = CaseSummary.unescape(Substring(text)) }
                        if index == 3 { lastCustomer = (slice, text) }
                        fields.append(text)
                    }
                    for j in l where bytes[j] == 9 {
                        take(fieldStart..<j)
                        fieldStart = j + 1
                    }
                    take(fieldStart..<l.upperBound)
                    guard fields.count == CaseSummary.cacheFieldCount, let blob, let summary = CaseSummary(cacheFields: fields[...])
                    else { return nil }  // a bad line discards the whole cache
                    items.append(Item(blob: blob, summary: summary))
                }
                out[span.id] = items
            }
            return out
        }
        for part in parts {
            guard let part else { return nil }
            cache.folders.merge(part) { a, _ in a }
        }
        return cache
    }

    /// Writes atomically (temporary file, then rename), so a crash never leaves half a cache.
    /// Replaces the base file with exactly these records and empties the journal.
    func save(gitDirectory: String) {
        let out = Self.header + "\n" + body()
        let target = Self.url(gitDirectory: gitDirectory)
        // A cache that cannot be written only costs time.
        try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        Self.removeAbandonedTemporaries(in: target.deletingLastPathComponent().path)
        guard (try? AtomicFile.write(out.utf8, to: target.path)) != nil else { return }
        try? FileManager.default.removeItem(at: Self.journalURL(gitDirectory: gitDirectory))
    }
}

/// Writes a command does not wait for (the summary cache after a cold read): they run on
/// another thread while the command goes on, and the process waits for them before it exits.
package enum BackgroundWrites {
    private static let group = DispatchGroup()

    static func run(_ work: @escaping @Sendable () -> Void) {
        group.enter()
        DispatchQueue.global(qos: .utility).async {
            work()
            group.leave()
        }
    }

    /// Returns once every write started so far is done.
    package static func wait() { group.wait() }
}
