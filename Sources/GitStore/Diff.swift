internal import CLibgit2
import Foundation

/// One file's difference between a tree and the working tree, as `git diff` prints it.
package struct FilePatch: Sendable, Equatable {
    package enum Change: String, Sendable {
        /// New in the working tree (untracked, or staged as new).
        case added
        case modified
        case deleted
    }

    package let path: String
    package let change: Change
    package let additions: Int
    package let deletions: Int
    /// The unified diff (`diff --git …` header, hunks), as `git diff` would print it.
    package let text: String
}

extension Repository {
    /// How the working tree differs from `tree` under `pathspecs` (like `git diff <tree>` with
    /// untracked files shown in full, as after `git add -N`). A nil tree compares with nothing.
    package func diffWorkingTree(against tree: ObjectID?, pathspecs: [String], contextLines: Int = 3) throws(GitError) -> [FilePatch] {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue | GIT_DIFF_SHOW_UNTRACKED_CONTENT.rawValue
        options.context_lines = UInt32(max(0, contextLines))
        var treePointer: OpaquePointer?
        if let tree {
            var oid = tree.oid
            try check(git_tree_lookup(&treePointer, pointer, &oid), "git_tree_lookup")
        }
        defer { git_tree_free(treePointer) }
        let cPaths = pathspecs.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        var mutablePaths = cPaths
        var diff: OpaquePointer?
        let rc = mutablePaths.withUnsafeMutableBufferPointer { buf -> Int32 in
            options.pathspec = git_strarray(strings: buf.baseAddress, count: buf.count)
            return git_diff_tree_to_workdir_with_index(&diff, pointer, treePointer, &options)
        }
        try check(rc, "git_diff_tree_to_workdir_with_index")
        defer { git_diff_free(diff) }
        var out: [FilePatch] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i) else { continue }
            let change: FilePatch.Change
            switch delta.pointee.status {
            case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: change = .added
            case GIT_DELTA_DELETED: change = .deleted
            case GIT_DELTA_UNMODIFIED, GIT_DELTA_IGNORED: continue
            default: change = .modified
            }
            guard let cPath = delta.pointee.new_file.path ?? delta.pointee.old_file.path else { continue }
            var patch: OpaquePointer?
            try check(git_patch_from_diff(&patch, diff, i), "git_patch_from_diff")
            defer { git_patch_free(patch) }
            var additions = 0, deletions = 0, text = ""
            if let patch {
                var context = 0
                try check(git_patch_line_stats(&context, &additions, &deletions, patch), "git_patch_line_stats")
                var buf = git_buf()
                try check(git_patch_to_buf(&buf, patch), "git_patch_to_buf")
                if let ptr = buf.ptr { text = String(decoding: UnsafeRawBufferPointer(start: ptr, count: buf.size), as: UTF8.self) }
                git_buf_dispose(&buf)
            }
            out.append(FilePatch(path: String(cString: cPath), change: change, additions: additions, deletions: deletions, text: text))
        }
        return out.sorted { $0.path < $1.path }
    }
}

extension Repository {
    /// The files that differ between two trees: path → the blob in `to`, or nil when `to`
    /// removed it. Subtrees with the same id are skipped, so a change to a few files of a
    /// 100,000-file ledger costs a few tree reads. A nil `from` is the empty tree.
    package func changedFiles(from: ObjectID?, to: ObjectID?) throws(GitError) -> [String: ObjectID?] {
        var a: OpaquePointer?, b: OpaquePointer?
        if var oid = from?.oid { try check(git_tree_lookup(&a, pointer, &oid), "git_tree_lookup") }
        defer { git_tree_free(a) }
        if var oid = to?.oid { try check(git_tree_lookup(&b, pointer, &oid), "git_tree_lookup") }
        defer { git_tree_free(b) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.flags = GIT_DIFF_SKIP_BINARY_CHECK.rawValue
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, a, b, &options), "git_diff_tree_to_tree")
        defer { git_diff_free(diff) }
        var out: [String: ObjectID?] = [:]
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i) else { continue }
            switch delta.pointee.status {
            case GIT_DELTA_DELETED:
                if let p = delta.pointee.old_file.path { out[String(cString: p)] = .some(nil) }
            default:
                if let p = delta.pointee.new_file.path { out[String(cString: p)] = .some(ObjectID(delta.pointee.new_file.id)) }
            }
        }
        return out
    }

    /// git's own line-based three-way merge of one text file (`git merge-file`): the result,
    /// or nil when the same lines changed on both sides.
    package func mergeText(base: [UInt8], ours: [UInt8], theirs: [UInt8]) throws(GitError) -> [UInt8]? {
        var options = git_merge_file_options()
        try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "git_merge_file_options_init")
        var result = git_merge_file_result()
        let rc = base.withUnsafeBufferPointer { bb in
            ours.withUnsafeBufferPointer { ob in
                theirs.withUnsafeBufferPointer { tb -> Int32 in
                    func input(_ b: UnsafeBufferPointer<UInt8>) -> git_merge_file_input {
                        var i = git_merge_file_input()
                        git_merge_file_input_init(&i, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
                        i.ptr = UnsafeRawPointer(b.baseAddress)?.assumingMemoryBound(to: CChar.self)
                        i.size = b.count
                        return i
                    }
                    var bi = input(bb), oi = input(ob), ti = input(tb)
                    return git_merge_file(&result, &bi, &oi, &ti, &options)
                }
            }
        }
        try check(rc, "git_merge_file")
        defer { git_merge_file_result_free(&result) }
        guard result.automergeable != 0 else { return nil }
        guard let ptr = result.ptr else { return [] }
        return Array(UnsafeRawBufferPointer(start: ptr, count: result.len))
    }
}
