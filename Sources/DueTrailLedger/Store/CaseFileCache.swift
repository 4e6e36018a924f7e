import DueTrailCore
import GitStore

/// Case files read from git objects while walking history (`history`, `audit`), each blob
/// parsed once: most commits leave most versions unchanged. A version that does not read is
/// nil (`check` is where that is reported).
struct CaseFileCache {
    let repository: Repository
    private var parsed: [ObjectID: CaseFile?] = [:]

    init(repository: Repository) { self.repository = repository }

    mutating func file(_ blob: ObjectID?, path: String) throws(GitError) -> CaseFile? {
        guard let blob else { return nil }
        if let known = parsed[blob] { return known }
        let file = try repository.caseFile(blob, path: path)
        parsed[blob] = file
        return file
    }
}

extension Repository {
    /// The case file in `blob`, or nil when it does not read (`check` reports those).
    func caseFile(_ blob: ObjectID, path: String) throws(GitError) -> CaseFile? {
        if case .success(let f) = CaseFile.parse(String(decoding: try readBlob(blob), as: UTF8.self), path: path) { return f }
        return nil
    }
}
