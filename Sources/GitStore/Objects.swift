import Foundation
internal import CLibgit2

/// The kind of a tree entry, reduced to what a ledger needs.
package enum EntryKind: Sendable, Equatable {
    case blob, executable, tree, link, submodule
}

/// One entry of a tree: a name and the object it names.
package struct TreeEntry: Sendable, Equatable {
    package let name: String
    package let id: ObjectID
    package let kind: EntryKind
}

/// One change to apply to a tree: put a blob at a path, or remove the path.
package enum TreeUpdate: Sendable, Equatable {
    case upsert(path: String, blob: ObjectID)
    case remove(path: String)

    package var path: String {
        switch self {
        case .upsert(let p, _), .remove(let p): return p
        }
    }
}

/// The parts of a commit a reader needs.
package struct CommitInfo: Sendable {
    package let id: ObjectID
    package let tree: ObjectID
    package let parents: [ObjectID]
    package let author: Signature
    package let committer: Signature
    package let message: String
}

extension Repository {
    // MARK: Blobs

    /// Writes `bytes` as a blob into the object database (no working tree involved).
    package func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let rc = bytes.withUnsafeBytes { raw in
            git_blob_create_from_buffer(&oid, pointer, raw.baseAddress, raw.count)
        }
        try check(rc, "git_blob_create_from_buffer")
        return ObjectID(oid)
    }

    /// The id `bytes` would have as a blob, without writing anything (`git hash-object`).
    package static func blobID(_ bytes: [UInt8]) -> ObjectID? {
        var oid = git_oid()
        var none: UInt8 = 0
        let rc = bytes.isEmpty
            ? git_odb_hash(&oid, &none, 0, GIT_OBJECT_BLOB)
            : bytes.withUnsafeBytes { raw in git_odb_hash(&oid, raw.baseAddress, raw.count, GIT_OBJECT_BLOB) }
        return rc == 0 ? ObjectID(oid) : nil
    }

    package func writeBlob(_ text: String) throws(GitError) -> ObjectID {
        try writeBlob(Array(text.utf8))
    }

    /// The bytes of a blob.
    package func readBlob(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    // MARK: Trees

    /// The entries of a tree, in git's order.
    package func treeEntries(_ treeID: ObjectID) throws(GitError) -> [TreeEntry] {
        var oid = treeID.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "git_tree_lookup")
        defer { git_tree_free(tree) }
        let count = git_tree_entrycount(tree)
        var entries: [TreeEntry] = []
        entries.reserveCapacity(count)
        for i in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, i) else { continue }
            entries.append(Self.makeEntry(entry))
        }
        return entries
    }

    /// The entry at a slash-separated path inside a tree, or nil when nothing is there.
    package func entry(at path: String, inTree treeID: ObjectID) throws(GitError) -> TreeEntry? {
        var oid = treeID.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "git_tree_lookup")
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree, path)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        guard let entry else { return nil }
        return Self.makeEntry(entry)
    }

    private static func makeEntry(_ entry: OpaquePointer) -> TreeEntry {
        let name = String(cString: git_tree_entry_name(entry))
        let id = ObjectID(git_tree_entry_id(entry).pointee)
        let kind: EntryKind
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_TREE: kind = .tree
        case GIT_FILEMODE_BLOB_EXECUTABLE: kind = .executable
        case GIT_FILEMODE_LINK: kind = .link
        case GIT_FILEMODE_COMMIT: kind = .submodule
        default: kind = .blob
        }
        return TreeEntry(name: name, id: id, kind: kind)
    }

    /// Builds a new tree from `base` (nil: empty) with `updates` applied, rewriting only the
    /// trees on the changed paths.
    package func makeTree(base: ObjectID?, updates: [TreeUpdate]) throws(GitError) -> ObjectID {
        var baseTree: OpaquePointer?
        if let base {
            var oid = base.oid
            try check(git_tree_lookup(&baseTree, pointer, &oid), "git_tree_lookup")
        }
        defer { if baseTree != nil { git_tree_free(baseTree) } }

        // Keep every path's C string alive while libgit2 reads the update list.
        let paths = updates.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var list = [git_tree_update]()
        list.reserveCapacity(updates.count)
        for (i, update) in updates.enumerated() {
            var u = git_tree_update()
            u.path = UnsafePointer(paths[i])
            switch update {
            case .upsert(_, let blob):
                u.action = GIT_TREE_UPDATE_UPSERT
                u.id = blob.oid
                u.filemode = GIT_FILEMODE_BLOB
            case .remove:
                u.action = GIT_TREE_UPDATE_REMOVE
            }
            list.append(u)
        }
        var out = git_oid()
        if baseTree == nil {
            // libgit2 wants a baseline: start from the empty tree.
            var builder: OpaquePointer?
            try check(git_treebuilder_new(&builder, pointer, nil), "git_treebuilder_new")
            var empty = git_oid()
            let rc = git_treebuilder_write(&empty, builder)
            git_treebuilder_free(builder)
            try check(rc, "git_treebuilder_write")
            try check(git_tree_lookup(&baseTree, pointer, &empty), "git_tree_lookup")
        }
        let rc = list.withUnsafeBufferPointer { buf in
            git_tree_create_updated(&out, pointer, baseTree, buf.count, buf.baseAddress)
        }
        try check(rc, "git_tree_create_updated")
        return ObjectID(out)
    }

    // MARK: Commits

    /// Reads a commit.
    package func commit(_ id: ObjectID) throws(GitError) -> CommitInfo {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup")
        defer { git_commit_free(commit) }
        let tree = ObjectID(git_commit_tree_id(commit).pointee)
        var parents: [ObjectID] = []
        for i in 0..<git_commit_parentcount(commit) {
            if let p = git_commit_parent_id(commit, i) { parents.append(ObjectID(p.pointee)) }
        }
        let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
        return CommitInfo(
            id: id, tree: tree, parents: parents,
            author: Signature(git_commit_author(commit)), committer: Signature(git_commit_committer(commit)),
            message: message)
    }

    /// Writes a commit object without moving any reference.
    package func writeCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws(GitError) -> ObjectID {
        var treeOid = tree.oid
        var treeObj: OpaquePointer?
        try check(git_tree_lookup(&treeObj, pointer, &treeOid), "git_tree_lookup")
        defer { git_tree_free(treeObj) }
        var parentObjs: [OpaquePointer?] = []
        defer { parentObjs.forEach { git_commit_free($0) } }
        for parent in parents {
            var p = parent.oid
            var obj: OpaquePointer?
            try check(git_commit_lookup(&obj, pointer, &p), "git_commit_lookup")
            parentObjs.append(obj)
        }
        var out = git_oid()
        let result: Result<Void, GitError>
        do {
            try author.withGitSignature { a in
                try committer.withGitSignature { c in
                    let rc = parentObjs.withUnsafeMutableBufferPointer { buf in
                        git_commit_create(&out, pointer, nil, a, c, "UTF-8", message, treeObj, buf.count, buf.baseAddress)
                    }
                    try check(rc, "git_commit_create")
                }
            }
            result = .success(())
        } catch let error as GitError {
            result = .failure(error)
        } catch {
            result = .failure(GitError(code: .other(-1), function: "git_commit_create", message: "\(error)"))
        }
        try result.get()
        return ObjectID(out)
    }

    /// Commits `tree` on top of `branch`'s current tip `parent` and advances the branch only if
    /// it still points at `parent` (compare-and-swap). Throws `.modified` when it moved.
    package func commit(
        tree: ObjectID, onto branch: String, parent: ObjectID?, author: Signature, committer: Signature, message: String
    ) throws(GitError) -> ObjectID {
        let id = try writeCommit(tree: tree, parents: parent.map { [$0] } ?? [], author: author, committer: committer, message: message)
        let subject = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        try updateReference(branch, to: id, expected: parent, message: "commit: \(subject)")
        return id
    }

    /// The commits reachable from `start`, newest first: by time, but never a parent before
    /// its child (`git log --topo-order`), whatever clocks the committers had.
    /// `hiding`: leave out that commit and its ancestors (`git log A ^B`).
    package func log(from start: ObjectID, hiding: ObjectID? = nil, limit: Int? = nil) throws(GitError) -> [ObjectID] {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, pointer), "git_revwalk_new")
        defer { git_revwalk_free(walker) }
        git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        var oid = start.oid
        try check(git_revwalk_push(walker, &oid), "git_revwalk_push")
        if var hidden = hiding?.oid { try check(git_revwalk_hide(walker, &hidden), "git_revwalk_hide") }
        var out: [ObjectID] = []
        var next = git_oid()
        while git_revwalk_next(&next, walker) == 0 {
            out.append(ObjectID(next))
            if let limit, out.count >= limit { break }
        }
        return out
    }
}
