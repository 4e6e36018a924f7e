import Foundation
internal import CLibgit2

/// Writes many objects at once through an in-memory object store and lands them as one pack
/// file, so a bulk import leaves a compact repository instead of 100,000s of loose objects.
///
/// Objects written through the batch are visible to the batch's own repository handle only
/// until `finish()` writes the pack; nothing references them before a commit does, so a failed
/// batch leaves at most unreferenced objects behind.
public final class ObjectBatch {
    /// A private handle on the same repository whose object database prefers the mempack.
    public let repository: Repository
    private let backend: UnsafeMutablePointer<git_odb_backend>
    private var finished = false

    /// Opens a second handle on the repository at `gitDirectory` with an in-memory backend.
    public init(gitDirectory: String) throws(GitError) {
        repository = try Repository.open(at: gitDirectory)
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer), "git_repository_odb")
        defer { git_odb_free(odb) }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&backend), "git_mempack_new")
        guard let backend else { throw GitError(code: .other(-1), function: "git_mempack_new", message: "no backend") }
        // The odb owns the backend from here on and frees it with the repository.
        try check(git_odb_add_backend(odb, backend, 1000), "git_odb_add_backend")
        self.backend = backend
    }

    /// Writes everything written so far into one pack (with its index) in the repository.
    /// Returns the number of bytes of the pack.
    @discardableResult
    public func finish() throws(GitError) -> Int {
        guard !finished else { return 0 }
        finished = true
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        try check(git_mempack_dump(&buf, repository.pointer, backend), "git_mempack_dump")
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer), "git_repository_odb")
        defer { git_odb_free(odb) }
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writer, odb, nil, nil), "git_odb_write_pack")
        guard let writer else { throw GitError(code: .other(-1), function: "git_odb_write_pack", message: "no writer") }
        defer { duetrail_writepack_free(writer) }
        var stats = git_indexer_progress()
        try check(duetrail_writepack_append(writer, buf.ptr, buf.size, &stats), "git_odb_writepack.append")
        try check(duetrail_writepack_commit(writer, &stats), "git_odb_writepack.commit")
        let size = buf.size
        try check(git_mempack_reset(backend), "git_mempack_reset")
        return size
    }
}
