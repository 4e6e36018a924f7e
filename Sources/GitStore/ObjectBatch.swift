import Foundation
internal import CLibgit2

/// Writes many objects at once through an in-memory object store and lands them as one pack
/// file, so a bulk import leaves a compact repository instead of 100,000s of loose objects.
///
/// Objects written through the batch are visible to the batch's own repository handle only
/// until `finish()` writes the pack; nothing references them before a commit does, so a failed
/// batch leaves at most unreferenced objects behind.
package final class ObjectBatch {
    /// A private handle on the same repository whose object database prefers the mempack.
    package let repository: Repository
    private let backend: UnsafeMutablePointer<git_odb_backend>
    private var finished = false

    /// Opens a second handle on the repository at `gitDirectory` with an in-memory backend.
    package init(gitDirectory: String) throws(GitError) {
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

    /// Writes the objects that `tree` has and `base` does not (the changed trees and their new
    /// blobs) into one pack with its index in the repository, and returns the pack's size in bytes.
    @discardableResult
    package func finish(tree: ObjectID, base: ObjectID?) throws(GitError) -> Int {
        guard !finished else { return 0 }
        finished = true
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, repository.pointer), "git_packbuilder_new")
        defer { git_packbuilder_free(builder) }
        git_packbuilder_set_threads(builder, 0)
        try insertNew(tree: tree, base: base, into: builder)
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        try check(git_packbuilder_write_buf(&buf, builder), "git_packbuilder_write_buf")
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
        try check(git_mempack_reset(backend), "git_mempack_reset")
        return buf.size
    }

    /// Adds `tree` and, recursively, every entry whose id differs from the same path in `base`.
    private func insertNew(tree: ObjectID, base: ObjectID?, into builder: OpaquePointer?) throws(GitError) {
        var oid = tree.oid
        try check(git_packbuilder_insert(builder, &oid, nil), "git_packbuilder_insert")
        var old: [String: TreeEntry] = [:]
        if let base {
            for entry in try repository.treeEntries(base) { old[entry.name] = entry }
        }
        for entry in try repository.treeEntries(tree) {
            let before = old[entry.name]
            if before?.id == entry.id { continue }
            switch entry.kind {
            case .tree:
                try insertNew(tree: entry.id, base: before?.kind == .tree ? before?.id : nil, into: builder)
            case .blob, .executable, .link:
                var id = entry.id.oid
                try check(git_packbuilder_insert(builder, &id, nil), "git_packbuilder_insert")
            case .submodule:
                continue
            }
        }
    }
}
