import DueTrailCore
import GitStore

/// Case files read from git objects while walking history (`history`, `audit`), each blob
/// parsed once: most commits leave most versions unchanged. A version that does not read is
/// nil (`check` is where that is reported).
struct CaseFileCache {
    let repository: Repository
    /// Each version read, as it parsed or with its problems.
    private var parsed: [ObjectID: Result<CaseFile, DiagnosticList>] = [:]

    init(repository: Repository) { self.repository = repository }

    private mutating func parse(_ blob: ObjectID, path: String) throws(GitError) -> Result<CaseFile, DiagnosticList> {
        if let known = parsed[blob] { return known }
        let result = CaseFile.parse(String(decoding: try repository.readBlob(blob), as: UTF8.self), path: path)
        parsed[blob] = result
        return result
    }

    mutating func file(_ blob: ObjectID?, path: String) throws(GitError) -> CaseFile? {
        guard let blob else { return nil }
        return try? parse(blob, path: path).get()
    }

    /// The problems of a version that is there but does not read (a bad edit, not a
    /// deletion); empty when it reads or is absent.
    mutating func problems(_ blob: ObjectID?, path: String) throws(GitError) -> [Diagnostic] {
        guard let blob, case .failure(let list) = try parse(blob, path: path) else { return [] }
        return list.items
    }

    /// Whether the blob is there but does not read.
    mutating func isUnreadable(_ blob: ObjectID?, path: String) throws(GitError) -> Bool {
        try !problems(blob, path: path).isEmpty
    }

    /// The case file at `path` as it last read on the first-parent line from `commit` (that
    /// commit included), looking back at most `depth` commits: what a version that does not
    /// read is compared against, so a bad edit does not read as events removed, and a fix
    /// that drops events is still caught.
    mutating func lastReadable(_ path: String, from commit: ObjectID, depth: Int = 500) throws(GitError) -> CaseFile? {
        try lastReadableVersion(path, from: commit, depth: depth)?.file
    }

    /// The same, with the commit that version was read from.
    mutating func lastReadableVersion(_ path: String, from commit: ObjectID, depth: Int) throws(GitError) -> (file: CaseFile, commit: ObjectID, info: CommitInfo)? {
        var cursor: ObjectID? = commit
        for _ in 0..<depth {
            guard let id = cursor else { return nil }
            let info = try repository.commit(id)
            guard let blob = try repository.entry(at: path, inTree: info.tree)?.id else { return nil }
            if let file = try file(blob, path: path) { return (file, id, info) }
            cursor = info.parents.first
        }
        return nil
    }
}

extension Repository {
    /// The case file in `blob`, or nil when it does not read (`check` reports those).
    func caseFile(_ blob: ObjectID, path: String) throws(GitError) -> CaseFile? {
        if case .success(let f) = CaseFile.parse(String(decoding: try readBlob(blob), as: UTF8.self), path: path) { return f }
        return nil
    }
}
