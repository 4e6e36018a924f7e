import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    package static let checkedFolders = ["customers", "cases", "templates", "outbox", UnappliedPayment.folder]
    static let checkedFiles = [LedgerConfig.fileName, "cadence.yaml"]

    /// The ledger's files as a person sees them: the working tree of a clone (uncommitted
    /// edits included), or HEAD of a bare repository.
    /// `folders` limits the read (`cadence check` needs no case files).
    package func currentFiles(folders: [String] = checkedFolders) throws(LedgerError) -> [String: String] {
        if let workdir = repository.workingDirectory {
            var files: [String: String] = [:]
            let fm = FileManager.default
            for name in Self.checkedFiles {
                if let data = fm.contents(atPath: workdir + name) { files[name] = String(decoding: data, as: UTF8.self) }
            }
            for folder in folders {
                guard let walker = fm.enumerator(atPath: workdir + folder) else { continue }
                while let relative = walker.nextObject() as? String {
                    let path = "\(folder)/\(relative)"
                    var isDir: ObjCBool = false
                    guard fm.fileExists(atPath: workdir + path, isDirectory: &isDir), !isDir.boolValue else { continue }
                    guard let data = fm.contents(atPath: workdir + path) else {
                        throw LedgerError.io(path: path, message: "cannot read")
                    }
                    files[path] = String(decoding: data, as: UTF8.self)
                }
            }
            return files
        }
        do {
            guard let head = try repository.headCommit() else { return [:] }
            var files: [String: String] = [:]
            try collect(tree: try repository.commit(head).tree, prefix: "", folders: folders, into: &files)
            return files
        } catch {
            throw error.context("reading HEAD")
        }
    }

    private func collect(tree: ObjectID, prefix: String, folders: [String], into files: inout [String: String]) throws(GitError) {
        for entry in try repository.treeEntries(tree) {
            let path = prefix + entry.name
            if entry.kind == .tree {
                if prefix.isEmpty && !folders.contains(entry.name) { continue }
                try collect(tree: entry.id, prefix: path + "/", folders: folders, into: &files)
            } else if !prefix.isEmpty || Self.checkedFiles.contains(path) {
                files[path] = String(decoding: try repository.readBlob(entry.id), as: UTF8.self)
            }
        }
    }
}

extension Ledger {
    /// What `check` reads: the working tree as `currentFiles` sees it, except that a case or
    /// customer file git's index shows unchanged, whose blob the summary cache has read before
    /// (and so read cleanly), is taken from the cache instead of being parsed again. An
    /// unchanged 100,000-case ledger is checked at about the cost of `git status`; a fresh
    /// clone fills the cache first, on every core, as its first `queue` would.
    package func checkInput() throws(LedgerError) -> LedgerCheck.Input {
        guard let workdir = repository.workingDirectory else { return LedgerCheck.Input(files: try currentFiles()) }
        let states = repository.workingFiles(under: Self.checkedFolders)
        var cache = SummaryCache.load(gitDirectory: repository.gitDirectory)
        var blobs = cache.caseSummariesByBlob()
        let cleanCases = states.filter { $0.path.hasPrefix("cases/") && $0.cleanID != nil }
        let misses = cleanCases.filter { blobs[$0.cleanID!] == nil }.count
        if misses > 1000 {
            // Nothing read yet (a fresh clone): summarise HEAD once, which fills the cache.
            _ = try snapshot()
            cache = SummaryCache.load(gitDirectory: repository.gitDirectory)
            blobs = cache.caseSummariesByBlob()
        }
        var files: [String: String] = [:]
        var knownCases: [String: CaseSummary] = [:]
        var knownCustomers: [String: CustomerSummary] = [:]
        let fm = FileManager.default
        for name in Self.checkedFiles {
            if let data = fm.contents(atPath: workdir + name) { files[name] = String(decoding: data, as: UTF8.self) }
        }
        for state in states {
            if let id = state.cleanID {
                if state.path.hasPrefix("cases/"), var summary = blobs[id] {
                    summary.path = state.path
                    knownCases[state.path] = summary
                    continue
                }
                if state.path.hasPrefix("customers/"), let customer = cache.customers[id] {
                    knownCustomers[state.path] = customer
                    continue
                }
            }
            guard let data = fm.contents(atPath: workdir + state.path) else { throw LedgerError.io(path: state.path, message: "cannot read") }
            files[state.path] = String(decoding: data, as: UTF8.self)
        }
        return LedgerCheck.Input(files: files, knownCases: knownCases, knownCustomers: knownCustomers) { path in
            fm.contents(atPath: workdir + path).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
