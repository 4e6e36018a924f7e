import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    /// Records in the summary cache's journal the case folders and customer files that differ
    /// between `base` and `tree` (what a commit just wrote), using `hints` for files the caller
    /// already knows and reading only the others, so the next command parses nothing and no
    /// 20 MB cache is rewritten for a one-case action.
    func journal(tree: ObjectID, base: ObjectID?, hints: SummaryHints) throws(GitError) {
        let repo = repository
        var records = SummaryCache()
        func entries(_ path: String, in root: ObjectID?) throws(GitError) -> [String: TreeEntry] {
            guard let root, let folder = try repo.entry(at: path, inTree: root), folder.kind == .tree else { return [:] }
            var out: [String: TreeEntry] = [:]
            for e in try repo.treeEntries(folder.id) { out[e.name] = e }
            return out
        }
        let oldCustomers = try entries("customers", in: base)
        for (name, entry) in try entries("customers", in: tree) where entry.kind == .blob && name.hasSuffix(".yaml") && oldCustomers[name]?.id != entry.id {
            if let known = hints.customers[entry.id] {
                records.customers[entry.id] = known
            } else if case .success(let c) = CustomerFile.parse(String(decoding: try repo.readBlob(entry.id), as: UTF8.self), path: "customers/\(name)", slug: String(name.dropLast(5))) {
                records.customers[entry.id] = CustomerSummary(c)
            }
        }
        let oldFolders = try entries("cases", in: base)
        for (name, folder) in try entries("cases", in: tree) where folder.kind == .tree && oldFolders[name]?.id != folder.id {
            var items: [SummaryCache.Item] = []
            for file in try repo.treeEntries(folder.id) where file.kind == .blob && file.name.hasSuffix(".md") {
                let path = "cases/\(name)/\(file.name)"
                if var known = hints.cases[file.id] {
                    known.path = path
                    items.append(SummaryCache.Item(blob: file.id, summary: known))
                    continue
                }
                guard case .success(let c) = CaseFile.parse(String(decoding: try repo.readBlob(file.id), as: UTF8.self), path: path) else {
                    items = []
                    break  // an unreadable file: leave this folder to the next snapshot, which reports it
                }
                items.append(SummaryCache.Item(blob: file.id, summary: CaseSummary(path: path, file: c)))
            }
            if !items.isEmpty { records.folders[folder.id] = items }
        }
        SummaryCache.appendToJournal(records, gitDirectory: repo.gitDirectory)
    }

    /// Finds the cases for `keys` without summarising the whole ledger: a case file is named
    /// after its invoice number, so look for that name in each customer folder and confirm by
    /// reading the file. nil when any key needs the full search (renamed or colliding slugs).
    func quickLocate(_ keys: [String], tree: ObjectID) throws(LedgerError) -> [CaseSummary]? {
        do {
            guard let casesEntry = try repository.entry(at: "cases", inTree: tree), casesEntry.kind == .tree else { return nil }
            let folders = try repository.treeEntries(casesEntry.id).filter { $0.kind == .tree }
            var out: [CaseSummary] = []
            for key in keys {
                guard let slug = Slug.make(key) else { return nil }
                var found: [CaseSummary] = []
                for folder in folders {
                    guard let file = try repository.entry(at: slug + ".md", inTree: folder.id) else { continue }
                    let path = "cases/\(folder.name)/\(slug).md"
                    guard case .success(let c) = CaseFile.parse(String(decoding: try repository.readBlob(file.id), as: UTF8.self), path: path),
                        c.facts.number == key
                    else { return nil }  // another spelling, or a collision: the full search decides
                    found.append(CaseSummary(path: path, file: c))
                }
                guard found.count == 1 else { return nil }
                if !out.contains(found[0]) { out.append(found[0]) }
            }
            return out
        } catch {
            throw error.context("finding cases")
        }
    }
}
