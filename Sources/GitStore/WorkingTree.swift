import Foundation
internal import CLibgit2
#if canImport(Glibc)
import Glibc
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
#elseif canImport(Darwin)
import Darwin
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
#endif

/// How one working-tree path differs from HEAD and the index, reduced to what callers act on.
package struct PathStatus: Sendable, Equatable {
    package let path: String
    /// True when the path is staged differently from HEAD.
    package let staged: Bool
    /// True when the file on disk differs from the index (or is new and untracked).
    package let unstaged: Bool
    package let untracked: Bool
    package let conflicted: Bool
}

extension Repository {
    /// Paths that differ between HEAD, the index and the working tree, limited to `pathspecs`
    /// (folder or file paths; empty means everything). Ignored files are left out.
    /// `literal`: the pathspecs are exact file paths (no globbing, no folder prefixes).
    package func status(pathspecs: [String] = [], literal: Bool = false, refreshIndex: Bool = true) throws(GitError) -> [PathStatus] {
        var options = git_status_options()
        try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        var flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        if literal { flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue }
        if refreshIndex { flags |= GIT_STATUS_OPT_UPDATE_INDEX.rawValue }
        options.flags = flags
        let cPaths = pathspecs.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        var list: OpaquePointer?
        var mutablePaths = cPaths
        let rc = mutablePaths.withUnsafeMutableBufferPointer { buf -> Int32 in
            options.pathspec = git_strarray(strings: buf.baseAddress, count: buf.count)
            return git_status_list_new(&list, pointer, &options)
        }
        try check(rc, "git_status_list_new")
        defer { git_status_list_free(list) }
        var out: [PathStatus] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i) else { continue }
            let s = entry.pointee.status.rawValue
            let delta = entry.pointee.index_to_workdir ?? entry.pointee.head_to_index
            guard let delta, let cPath = delta.pointee.new_file.path ?? delta.pointee.old_file.path else { continue }
            let staged = s & (GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue | GIT_STATUS_INDEX_DELETED.rawValue
                | GIT_STATUS_INDEX_RENAMED.rawValue | GIT_STATUS_INDEX_TYPECHANGE.rawValue) != 0
            let unstaged = s & (GIT_STATUS_WT_NEW.rawValue | GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_WT_DELETED.rawValue
                | GIT_STATUS_WT_RENAMED.rawValue | GIT_STATUS_WT_TYPECHANGE.rawValue) != 0
            out.append(PathStatus(
                path: String(cString: cPath), staged: staged, unstaged: unstaged,
                untracked: s & GIT_STATUS_WT_NEW.rawValue != 0, conflicted: s & GIT_STATUS_CONFLICTED.rawValue != 0))
        }
        return out
    }

    /// Adds the working-tree versions of `paths` to the index (a path missing on disk is
    /// removed from it) and writes the index, as `git add` does.
    package func stage(paths: [String]) throws(GitError) {
        guard let workdir = workingDirectory else {
            throw GitError(code: .bareRepository, function: "stage", message: "a bare repository has no working tree to stage from")
        }
        let index = try openIndex()
        defer { git_index_free(index) }
        for path in paths {
            if FileManager.default.fileExists(atPath: workdir + path) {
                try check(git_index_add_bypath(index, path), "git_index_add_bypath")
            } else {
                let rc = git_index_remove_bypath(index, path)
                try check(rc, "git_index_remove_bypath")
            }
        }
        try check(git_index_write(index), "git_index_write")
    }

    /// Paths the index holds as unmerged (a `git merge` or `git pull` that stopped on a
    /// conflict and was not resolved), sorted; empty for a bare repository.
    package func unmergedPaths() throws(GitError) -> [String] {
        guard workingDirectory != nil else { return [] }
        let index = try openIndex()
        defer { git_index_free(index) }
        guard git_index_has_conflicts(index) != 0 else { return [] }
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, index), "git_index_conflict_iterator_new")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths: Set<String> = []
        var ancestor: UnsafePointer<git_index_entry>?, ours: UnsafePointer<git_index_entry>?, theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            for entry in [ancestor, ours, theirs] {
                if let path = entry?.pointee.path { paths.insert(String(cString: path)) }
            }
        }
        return paths.sorted()
    }

    /// Writes the index as a tree (what `git commit` would commit) and returns its id.
    package func writeIndexTree() throws(GitError) -> ObjectID {
        let index = try openIndex()
        defer { git_index_free(index) }
        var out = git_oid()
        try check(git_index_write_tree(&out, index), "git_index_write_tree")
        return ObjectID(out)
    }

    /// The repository's index, re-read from disk only if the file changed since last read.
    private func openIndex() throws(GitError) -> OpaquePointer {
        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer), "git_repository_index")
        guard let index else { throw GitError(code: .notFound, function: "git_repository_index", message: "no index") }
        try check(git_index_read(index, 0), "git_index_read")
        return index
    }

    /// Which of `paths` differ, in the index or on disk, from what `tree` holds: the paths a
    /// command must not overwrite. Asks only about these paths (index entry, `lstat`, and a
    /// hash when the stat data changed), so one case in a 100,000-file tree costs little.
    package func modifiedPaths(_ paths: [String], comparedTo tree: ObjectID?) throws(GitError) -> [String] {
        guard let workdir = workingDirectory else { return [] }
        if paths.count <= IndexFile.fastPathLimit, let file = IndexFile.load(gitDirectory + "index") {
            var out: [String] = []
            for path in paths {
                let committed = try tree.flatMap { (t: ObjectID) throws(GitError) in try entry(at: path, inTree: t)?.id }
                var st = stat()
                let onDisk = lstat(workdir + path, &st) == 0
                guard let record = file.record(for: path), !file.hasConflict(path) else {
                    if onDisk || committed != nil || file.hasConflict(path) { out.append(path) }
                    continue
                }
                guard onDisk, record.id == committed else {
                    out.append(path)
                    continue
                }
                let sameStat = UInt32(truncatingIfNeeded: st.st_size) == record.size && UInt32(truncatingIfNeeded: st.st_mtim.tv_sec) == record.mtimeSeconds
                    && UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec) == record.mtimeNanoseconds && UInt32(truncatingIfNeeded: st.st_ino) == record.inode
                if sameStat { continue }
                var hashed = git_oid()
                try check(git_odb_hashfile(&hashed, workdir + path, GIT_OBJECT_BLOB), "git_odb_hashfile")
                if ObjectID(hashed) != record.id { out.append(path) }
            }
            return out
        }
        let index = try openIndex()
        defer { git_index_free(index) }
        var out: [String] = []
        for path in paths {
            let committed = try tree.flatMap { (t: ObjectID) throws(GitError) in try entry(at: path, inTree: t)?.id }
            var st = stat()
            let onDisk = lstat(workdir + path, &st) == 0
            guard let entry = git_index_get_bypath(index, path, 0) else {
                // Not in the index: dirty if the file is there (untracked) or HEAD has it (staged removal).
                if onDisk || committed != nil { out.append(path) }
                continue
            }
            let staged = ObjectID(entry.pointee.id)
            guard onDisk, staged == committed else {
                out.append(path)
                continue
            }
            let e = entry.pointee
            let sameStat = UInt32(truncatingIfNeeded: st.st_size) == e.file_size && Int32(truncatingIfNeeded: st.st_mtim.tv_sec) == e.mtime.seconds
                && UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec) == e.mtime.nanoseconds && UInt32(truncatingIfNeeded: st.st_ino) == e.ino
            if sameStat { continue }
            var hashed = git_oid()
            try check(git_odb_hashfile(&hashed, workdir + path, GIT_OBJECT_BLOB), "git_odb_hashfile")
            if ObjectID(hashed) != staged { out.append(path) }
        }
        return out
    }

    /// Brings the working tree and index in line with `tree` after a commit made straight to
    /// the branch on top of `baseline`: only what differs between the two is touched, and only
    /// where the file still matches `baseline`, so a person's unsaved edits are never
    /// overwritten (libgit2 reports a conflict instead). `paths` narrows it further.
    package func checkout(paths: [String] = [], from tree: ObjectID, baseline: ObjectID?) throws(GitError) {
        guard !isBare else { return }
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "git_checkout_options_init")
        options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH.rawValue
        var baseTree: OpaquePointer?
        if let baseline {
            var b = baseline.oid
            try check(git_tree_lookup(&baseTree, pointer, &b), "git_tree_lookup")
        }
        defer { if baseTree != nil { git_tree_free(baseTree) } }
        options.baseline = baseTree
        var target = tree.oid
        var object: OpaquePointer?
        try check(git_object_lookup(&object, pointer, &target, GIT_OBJECT_TREE), "git_object_lookup")
        defer { git_object_free(object) }
        var cPaths = paths.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        let rc = cPaths.withUnsafeMutableBufferPointer { buf -> Int32 in
            options.paths = git_strarray(strings: buf.baseAddress, count: buf.count)
            return git_checkout_tree(pointer, object, &options)
        }
        try check(rc, "git_checkout_tree")
    }
}

/// A file the tool just committed, to be written to the working tree as-is.
package struct WorkingFile: Sendable {
    package let path: String
    /// nil: remove the file.
    package let bytes: [UInt8]?
    package let blob: ObjectID?

    package init(path: String, bytes: [UInt8]?, blob: ObjectID?) {
        self.path = path
        self.bytes = bytes
        self.blob = blob
    }
}

extension Repository {
    /// Writes committed files into the working tree and records them in the index with the
    /// blob ids already known, so nothing is hashed twice. This is what `git checkout` would do
    /// for these paths, at a fraction of the cost for a 100,000-file import. The caller has
    /// checked that these paths hold no uncommitted edits.
    package func writeWorkingFiles(_ files: [WorkingFile]) throws(GitError) {
        guard let workdir = workingDirectory else { return }
        // The files first; then the index is read, changed and written under its lock (another
        // process's update made between a read and a write would be lost), held for as short
        // a time as possible: a few paths patched in place, many merged in one pass.
        var changes: [(path: String, id: ObjectID?, stat: stat)] = []
        changes.reserveCapacity(files.count)
        var madeDirs: Set<String> = []
        for file in files {
            let full = workdir + file.path
            guard let bytes = file.bytes, let blob = file.blob else {
                unlink(full)
                changes.append((file.path, nil, stat()))
                continue
            }
            if let slash = file.path.lastIndex(of: "/") {
                let dir = String(file.path[..<slash])
                if madeDirs.insert(dir).inserted { try makeDirectories(workdir, dir) }
            }
            changes.append((file.path, blob, try writeFile(full, bytes, display: file.path)))
        }
        if let (lock, loaded) = try lockedIndexForFastPath() {
            var index = loaded
            var done = false
            defer { if !done { lock.release() } }
            if changes.count <= IndexFile.fastPathLimit {
                for change in changes {
                    if let id = change.id { index.set(change.path, id: id, stat: change.stat) } else { index.remove(change.path) }
                }
            } else if !index.apply(changes) {
                throw GitError(code: .other(-1), function: "index merge", message: "the updated index did not read back; nothing was written to it")
            }
            done = true
            try lock.commit(index.serialized())
            return
        }
        // An index this reader leaves to libgit2 (missing, version 4, split): its write locks.
        let index = try openIndex()
        defer { git_index_free(index) }
        for change in changes {
            guard let id = change.id else {
                let rc = git_index_remove_bypath(index, change.path)
                try check(rc, "git_index_remove_bypath")
                continue
            }
            let st = change.stat
            var entry = git_index_entry()
            entry.ctime = git_index_time(seconds: Int32(truncatingIfNeeded: st.st_ctim.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: st.st_ctim.tv_nsec))
            entry.mtime = git_index_time(seconds: Int32(truncatingIfNeeded: st.st_mtim.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec))
            entry.dev = UInt32(truncatingIfNeeded: st.st_dev)
            entry.ino = UInt32(truncatingIfNeeded: st.st_ino)
            entry.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
            entry.uid = st.st_uid
            entry.gid = st.st_gid
            entry.file_size = UInt32(truncatingIfNeeded: st.st_size)
            entry.id = id.oid
            let rc = change.path.withCString { p -> Int32 in
                entry.path = p
                return git_index_add(index, &entry)
            }
            try check(rc, "git_index_add")
        }
        try check(git_index_write(index), "git_index_write")
    }

    /// The index, read under its lock, for the hand-written path; nil (lock given back) when
    /// the index is missing or in a form that path leaves to libgit2, whose write locks itself.
    private func lockedIndexForFastPath() throws(GitError) -> (IndexLock, IndexFile)? {
        guard FileManager.default.fileExists(atPath: gitDirectory + "index") else { return nil }
        let lock = try IndexLock.acquire(gitDirectory + "index")
        guard let index = IndexFile.load(gitDirectory + "index") else {
            lock.release()
            return nil
        }
        return (lock, index)
    }

    /// Sets the index entries of `entries` to these blobs (nil: no entry) without touching
    /// the working files, as `git reset -- PATH` does: a file on disk that differs then shows
    /// as an unstaged change (the stat data are left empty, so git compares the content).
    package func resetIndexEntries(_ entries: [(path: String, blob: ObjectID?)]) throws(GitError) {
        guard !entries.isEmpty, workingDirectory != nil else { return }
        let index = try openIndex()
        defer { git_index_free(index) }
        for (path, blob) in entries {
            guard let blob else {
                let rc = git_index_remove_bypath(index, path)
                try check(rc, "git_index_remove_bypath")
                continue
            }
            var entry = git_index_entry()
            entry.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
            entry.id = blob.oid
            let rc = path.withCString { p -> Int32 in
                entry.path = p
                return git_index_add(index, &entry)
            }
            try check(rc, "git_index_add")
        }
        try check(git_index_write(index), "git_index_write")
    }

    /// Writes `bytes` to `full` and returns the file's stat data, for its index entry.
    private func writeFile(_ full: String, _ bytes: [UInt8], display: String) throws(GitError) -> stat {
        let fd = systemOpen(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GitError(code: .other(-1), function: "open", message: "\(display): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }  // an empty file
            var offset = 0
            while offset < raw.count {
                let n = write(fd, base + offset, raw.count - offset)
                if n <= 0 { return -1 }
                offset += n
            }
            return offset
        }
        var st = stat()
        let statResult = fstat(fd, &st)
        _ = systemClose(fd)
        guard written == bytes.count, statResult == 0 else {
            throw GitError(code: .other(-1), function: "write", message: "\(display): \(String(cString: strerror(errno)))")
        }
        return st
    }

    private func makeDirectories(_ root: String, _ relative: String) throws(GitError) {
        var path = root
        for part in relative.split(separator: "/") {
            path += part + "/"
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw GitError(code: .other(-1), function: "mkdir", message: "\(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}
