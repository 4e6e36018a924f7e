internal import CLibgit2
import Foundation

/// One file's difference between a tree and the working tree, as `git diff` prints it.
public struct FilePatch: Sendable, Equatable {
    public enum Change: String, Sendable {
        /// New in the working tree (untracked, or staged as new).
        case added
        case modified
        case deleted
    }

    public let path: String
    public let change: Change
    public let additions: Int
    public let deletions: Int
    /// The unified diff (`diff --git …` header, hunks), as `git diff` would print it.
    public let text: String
}

extension Repository {
    /// How the working tree differs from `tree` under `pathspecs` (like `git diff <tree>` with
    /// untracked files shown in full, as after `git add -N`). A nil tree compares with nothing.
    public func diffWorkingTree(against tree: ObjectID?, pathspecs: [String], contextLines: Int = 3) throws(GitError) -> [FilePatch] {
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
