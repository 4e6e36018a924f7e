import DueTrailCore
import Foundation
import GitStore

/// Case summaries by the id of the `cases/<customer>/` tree they came from, and customer
/// names by blob id. Git ids name content, so an entry can never be stale: a changed folder
/// has a new id. Lives in `.git/duetrail/` (never committed); a missing or damaged cache only
/// costs a re-read.
struct SummaryCache {
    static let header = "duetrail-summaries 1"
    var folders: [ObjectID: [CaseSummary]] = [:]
    var customers: [ObjectID: String] = [:]
    var changed = false

    static func url(gitDirectory: String) -> URL {
        URL(fileURLWithPath: gitDirectory).appendingPathComponent("duetrail/summaries")
    }

    static func load(gitDirectory: String) -> SummaryCache {
        var cache = SummaryCache()
        guard let data = try? Data(contentsOf: url(gitDirectory: gitDirectory)) else { return cache }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(header) else { return SummaryCache() }
        while let line = lines.popFirst() {
            if line.isEmpty { continue }
            if line.hasPrefix("T ") {
                let parts = line.split(separator: " ")
                guard parts.count == 3, let id = ObjectID(hex: parts[1]), let n = Int(parts[2]) else { return SummaryCache() }
                var summaries: [CaseSummary] = []
                summaries.reserveCapacity(n)
                for _ in 0..<n {
                    guard let l = lines.popFirst(), let s = CaseSummary(cacheLine: l) else { return SummaryCache() }
                    summaries.append(s)
                }
                cache.folders[id] = summaries
            } else if line.hasPrefix("C ") {
                let rest = line.dropFirst(2)
                guard let space = rest.firstIndex(of: " "), let id = ObjectID(hex: rest[..<space]) else { return SummaryCache() }
                cache.customers[id] = CaseSummary.unescape(rest[rest.index(after: space)...])
            } else {
                return SummaryCache()
            }
        }
        return cache
    }

    /// Writes atomically (temporary file, then rename), so a crash never leaves half a cache.
    func save(gitDirectory: String) {
        var out = Self.header + "\n"
        for (id, name) in customers.sorted(by: { $0.key < $1.key }) {
            out += "C \(id.hex) \(CaseSummary.escape(name))\n"
        }
        for (id, summaries) in folders.sorted(by: { $0.key < $1.key }) {
            out += "T \(id.hex) \(summaries.count)\n"
            for s in summaries { out += s.cacheLine + "\n" }
        }
        let target = Self.url(gitDirectory: gitDirectory)
        let temp = target.deletingLastPathComponent().appendingPathComponent("summaries.\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(out.utf8).write(to: temp)
            _ = try FileManager.default.replaceItemAt(target, withItemAt: temp)
        } catch {
            try? FileManager.default.removeItem(at: temp)  // a cache that cannot be written only costs time
        }
    }
}
