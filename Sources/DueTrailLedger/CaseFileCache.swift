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
        let text = String(decoding: try repository.readBlob(blob), as: UTF8.self)
        let file: CaseFile? = if case .success(let f) = CaseFile.parse(text, path: path) { f } else { nil }
        parsed[blob] = file
        return file
    }
}
