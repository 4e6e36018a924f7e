import DueTrailCore
import Foundation
import GitStore

/// What one customer's portal page shows, as committed at the branch tip.
package struct PortalStatement: Sendable {
    package let commit: ObjectID
    package let config: LedgerConfig
    package let customerSlug: String
    package let customerName: String
    /// The customer's cases, open or not, sorted by due date then number.
    package let cases: [CaseSummary]
    /// How far ahead a promised date may lie (`promise_horizon` in cadence.yaml).
    package let promiseHorizon: Int
}

/// What portal readers parsed, by git object id, shared by every reader of one server: an id
/// names content, so an entry is never stale, and a repeat view of an unchanged customer
/// parses nothing, whichever reader serves it.
package final class PortalCache: @unchecked Sendable {
    private let lock = NSLock()
    fileprivate var configs: [ObjectID: LedgerConfig] = [:]
    /// By customer and id: what a customer file or case folder says depends on whose it is
    /// (two customers' folders may well be identical trees).
    fileprivate var customers: [Owned: CustomerSummary?] = [:]
    fileprivate var folders: [Owned: [CaseSummary]] = [:]
    fileprivate var horizons: [ObjectID: Int] = [:]
    /// Bounds the cache: past this many folders it starts again (a folder is a few KB).
    static let limit = 50_000

    package init() {}

    struct Owned: Hashable {
        let customer: String
        let id: ObjectID
    }

    func value<Key: Hashable, Value>(_ path: ReferenceWritableKeyPath<PortalCache, [Key: Value]>, _ id: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return self[keyPath: path][id]
    }

    func store<Key: Hashable, Value>(_ path: ReferenceWritableKeyPath<PortalCache, [Key: Value]>, _ id: Key, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        if self[keyPath: path].count >= Self.limit { self[keyPath: path].removeAll() }
        self[keyPath: path][id] = value
    }
}

/// Reads customers' statements for the portal. A page view looks up `customers/<slug>.yaml`
/// and the `cases/<slug>/` folder at the branch tip by path, never the whole ledger; what it
/// parses goes to the shared `PortalCache`.
/// Not thread-safe (a libgit2 handle is not): one reader per thread, or behind a lock.
package final class PortalReader {
    let repository: Repository
    let cache: PortalCache

    /// Opens the ledger repository at `path` (a working clone or a bare repository).
    package init(path: String, cache: PortalCache = PortalCache()) throws(LedgerError) {
        do {
            repository = try Repository.discover(from: path)
        } catch {
            throw LedgerError.notALedger(path)
        }
        self.cache = cache
    }

    /// The statement of `slug`, or nil when the ledger has no such customer (or, at the branch
    /// tip, no readable `duetrail.yaml`: the portal then shows nothing rather than guess).
    package func statement(customer slug: String) throws(LedgerError) -> PortalStatement? {
        guard Slug.isValid(slug) else { return nil }
        do throws(GitError) {
            let branch = try repository.headBranch()
            guard let tip = try repository.resolve(reference: branch) else { return nil }
            let tree = try repository.commit(tip).tree
            guard let config = try config(tree: tree) else { return nil }
            guard let customerEntry = try repository.entry(at: "customers/\(slug).yaml", inTree: tree), customerEntry.kind == .blob,
                let customer = try customer(customerEntry.id, slug: slug)
            else { return nil }
            var cases: [CaseSummary] = []
            if let folder = try repository.entry(at: "cases/\(slug)", inTree: tree), folder.kind == .tree {
                cases = try folderCases(folder.id, slug: slug)
            }
            return PortalStatement(
                commit: tip, config: config, customerSlug: slug, customerName: customer.name, cases: cases,
                promiseHorizon: try horizon(tree: tree))
        } catch {
            throw error.context("reading the ledger")
        }
    }

    private func config(tree: ObjectID) throws(GitError) -> LedgerConfig? {
        guard let entry = try repository.entry(at: LedgerConfig.fileName, inTree: tree) else { return nil }
        if let known = cache.value(\.configs, entry.id) { return known }
        guard let config = try? LedgerConfig.parse(String(decoding: try repository.readBlob(entry.id), as: UTF8.self)) else { return nil }
        cache.store(\.configs, entry.id, config)
        return config
    }

    private func customer(_ blob: ObjectID, slug: String) throws(GitError) -> CustomerSummary? {
        let key = PortalCache.Owned(customer: slug, id: blob)
        if let known = cache.value(\.customers, key) { return known }
        let text = String(decoding: try repository.readBlob(blob), as: UTF8.self)
        var summary: CustomerSummary?
        if case .success(let file) = CustomerFile.parse(text, path: "customers/\(slug).yaml", slug: slug) { summary = CustomerSummary(file) }
        cache.store(\.customers, key, summary)
        return summary
    }

    /// The customer's cases in `cases/<slug>/`; files that do not parse, or that name another
    /// customer, are left out (a page never shows what the ledger cannot vouch for).
    private func folderCases(_ folder: ObjectID, slug: String) throws(GitError) -> [CaseSummary] {
        let key = PortalCache.Owned(customer: slug, id: folder)
        if let known = cache.value(\.folders, key) { return known }
        var out: [CaseSummary] = []
        for file in try repository.treeEntries(folder) where file.kind == .blob && file.name.hasSuffix(".md") {
            let path = "cases/\(slug)/\(file.name)"
            guard let c = try repository.caseFile(file.id, path: path), c.facts.customer == slug else { continue }
            out.append(CaseSummary(path: path, file: c))
        }
        out.sort { ($0.facts.due, $0.facts.number) < ($1.facts.due, $1.facts.number) }
        cache.store(\.folders, key, out)
        return out
    }

    private func horizon(tree: ObjectID) throws(GitError) -> Int {
        guard let entry = try repository.entry(at: CadenceBook.fileName, inTree: tree) else { return CadenceBook.defaultHorizon }
        if let known = cache.value(\.horizons, entry.id) { return known }
        let text = String(decoding: try repository.readBlob(entry.id), as: UTF8.self)
        let days = (try? CadenceBook.parse(text))?.promiseHorizon ?? CadenceBook.defaultHorizon
        cache.store(\.horizons, entry.id, days)
        return days
    }
}
