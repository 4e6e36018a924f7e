import Foundation
internal import CLibgit2

/// An open git repository. Owns its libgit2 handle and frees it on deinit.
/// Not thread-safe: libgit2 forbids sharing one handle between threads.
package final class Repository {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository at exactly `path` (a working tree or a bare repository).
    package static func open(at path: String) throws(GitError) -> Repository {
        Libgit2.ensureInitialised()
        var repo: OpaquePointer?
        try check(git_repository_open_ext(&repo, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil), "git_repository_open_ext")
        guard let repo else { throw GitError(code: .notFound, function: "git_repository_open_ext", message: "no repository at \(path)") }
        return Repository(pointer: repo)
    }

    /// Finds the repository that contains `path`, walking up as `git` does.
    package static func discover(from path: String) throws(GitError) -> Repository {
        Libgit2.ensureInitialised()
        var repo: OpaquePointer?
        try check(git_repository_open_ext(&repo, path, 0, nil), "git_repository_open_ext")
        guard let repo else { throw GitError(code: .notFound, function: "git_repository_open_ext", message: "no repository at \(path)") }
        return Repository(pointer: repo)
    }

    /// Creates a new repository whose first branch is `initialBranch`.
    package static func create(at path: String, bare: Bool = false, initialBranch: String = "main") throws(GitError) -> Repository {
        Libgit2.ensureInitialised()
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "git_repository_init_options_init")
        options.flags = UInt32(GIT_REPOSITORY_INIT_MKPATH.rawValue)
        if bare { options.flags |= UInt32(GIT_REPOSITORY_INIT_BARE.rawValue) }
        var repo: OpaquePointer?
        let result = initialBranch.withCString { branch -> Int32 in
            options.initial_head = branch
            return git_repository_init_ext(&repo, path, &options)
        }
        try check(result, "git_repository_init_ext")
        guard let repo else { throw GitError(code: .notFound, function: "git_repository_init_ext", message: "could not create \(path)") }
        return Repository(pointer: repo)
    }

    package var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The working tree folder, with a trailing slash; nil for a bare repository.
    package var workingDirectory: String? {
        guard let p = git_repository_workdir(pointer) else { return nil }
        return String(cString: p)
    }

    /// The `.git` folder (or the bare repository itself), with a trailing slash.
    package var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    // MARK: - HEAD and references

    /// The full name of the branch HEAD points at (e.g. `refs/heads/main`), even when unborn.
    package func headBranch() throws(GitError) -> String {
        var ref: OpaquePointer?
        let rc = git_reference_lookup(&ref, pointer, "HEAD")
        try check(rc, "git_reference_lookup")
        defer { git_reference_free(ref) }
        if git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(ref) {
            return String(cString: target)
        }
        return "HEAD"
    }

    /// The commit a reference points at, or nil when it does not exist yet.
    package func resolve(reference name: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_reference_name_to_id")
        return ObjectID(oid)
    }

    /// The commit HEAD points at; nil in a repository with no commits yet.
    package func headCommit() throws(GitError) -> ObjectID? {
        try resolve(reference: "HEAD")
    }

    /// Moves `name` to `newValue` only if it still points at `expected` (nil: must not exist).
    /// Throws `.modified` when another writer moved it first.
    package func updateReference(_ name: String, to newValue: ObjectID, expected: ObjectID?, message: String) throws(GitError) {
        // A reference's lock file held by another writer is a lost race of a moment, not a
        // failure: git itself waits for it. Try again, bounded (about 3 s in all), backing off.
        var delay: UInt32 = 2_000
        for attempt in 1...LockRetry.attempts {
            do {
                try updateReferenceOnce(name, to: newValue, expected: expected, message: message)
                return
            } catch where error.code == .locked && attempt < LockRetry.attempts {
                LockRetry.pause(&delay)
            }
        }
    }

    private func updateReferenceOnce(_ name: String, to newValue: ObjectID, expected: ObjectID?, message: String) throws(GitError) {
        var ref: OpaquePointer?
        var target = newValue.oid
        if let expected {
            var current = expected.oid
            try check(git_reference_create_matching(&ref, pointer, name, &target, 1, &current, message), "git_reference_create_matching")
        } else {
            let rc = git_reference_create(&ref, pointer, name, &target, 0, message)
            if rc == GIT_EEXISTS.rawValue {
                throw GitError(code: .modified, function: "git_reference_create", message: "\(name) was created by another writer")
            }
            try check(rc, "git_reference_create")
        }
        git_reference_free(ref)
    }

    /// The commit a revision names (`HEAD~3`, a branch, a tag, an abbreviated id), as
    /// `git rev-parse` reads it; nil when it names nothing.
    package func revision(_ spec: String) throws(GitError) -> ObjectID? {
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, pointer, spec)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EAMBIGUOUS.rawValue || rc == GIT_EINVALIDSPEC.rawValue { git_error_clear(); return nil }
        try check(rc, "git_revparse_single")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        if git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) < 0 { git_error_clear(); return nil }  // names a blob or tree
        defer { git_object_free(peeled) }
        guard let id = git_object_id(peeled) else { return nil }
        return ObjectID(id.pointee)
    }

    /// The local branches (`refs/heads/…`) and their tips, sorted by name.
    package func localBranches() throws(GitError) -> [(name: String, tip: ObjectID)] {
        try branches(GIT_BRANCH_LOCAL)
    }

    /// The remote-tracking branches (`refs/remotes/origin/…`, as the last fetch left them) and
    /// their tips, sorted by name; a symbolic one (`origin/HEAD`) is left out.
    package func remoteBranches() throws(GitError) -> [(name: String, tip: ObjectID)] {
        try branches(GIT_BRANCH_REMOTE)
    }

    private func branches(_ kind: git_branch_t) throws(GitError) -> [(name: String, tip: ObjectID)] {
        var iterator: OpaquePointer?
        try check(git_branch_iterator_new(&iterator, pointer, kind), "git_branch_iterator_new")
        defer { git_branch_iterator_free(iterator) }
        var out: [(String, ObjectID)] = []
        var ref: OpaquePointer?
        var type = kind
        while git_branch_next(&ref, &type, iterator) == 0 {
            defer { git_reference_free(ref) }
            guard let name = git_reference_name(ref), let target = git_reference_target(ref) else { continue }
            out.append((String(cString: name), ObjectID(target.pointee)))
        }
        git_error_clear()
        return out.sorted { $0.0 < $1.0 }
    }

    /// Whether `name` is a well-formed full reference name (`git check-ref-format`).
    package static func isValidReferenceName(_ name: String) -> Bool {
        Libgit2.ensureInitialised()
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// Points HEAD at the branch `name` (`refs/heads/…`), as `git symbolic-ref HEAD` does.
    package func setHead(_ name: String) throws(GitError) {
        try check(git_repository_set_head(pointer, name), "git_repository_set_head")
    }

    /// Makes objects that another handle wrote (e.g. a new pack) visible to this one.
    package func refreshObjects() throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "git_repository_odb")
        defer { git_odb_free(odb) }
        try check(git_odb_refresh(odb), "git_odb_refresh")
    }

    // MARK: - Configuration

    /// Sets a boolean in the repository's own config file (`.git/config`).
    package func setConfig(_ key: String, _ value: Bool) throws(GitError) {
        try withLocalConfig { cfg throws(GitError) in try check(git_config_set_bool(cfg, key, value ? 1 : 0), "git_config_set_bool") }
    }

    /// Sets a string in the repository's own config file (`.git/config`).
    package func setConfig(_ key: String, _ value: String) throws(GitError) {
        try withLocalConfig { cfg throws(GitError) in try check(git_config_set_string(cfg, key, value), "git_config_set_string") }
    }

    private func withLocalConfig(_ body: (OpaquePointer) throws(GitError) -> Void) throws(GitError) {
        var cfg: OpaquePointer?
        try check(git_repository_config(&cfg, pointer), "git_repository_config")
        defer { git_config_free(cfg) }
        var local: OpaquePointer?
        try check(git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL), "git_config_open_level")
        defer { git_config_free(local) }
        guard let local else { return }
        try body(local)
    }

    /// Reads a string from the repository's merged configuration (local, global, system).
    package func configString(_ key: String) throws(GitError) -> String? {
        var cfg: OpaquePointer?
        try check(git_repository_config_snapshot(&cfg, pointer), "git_repository_config_snapshot")
        defer { git_config_free(cfg) }
        var out: UnsafePointer<CChar>?
        let rc = git_config_get_string(&out, cfg, key)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_config_get_string")
        return out.map { String(cString: $0) }
    }

    /// The identity git would use for a commit: `user.name` / `user.email` from config.
    /// Throws a clear `.notFound` error naming the missing keys.
    package func defaultIdentity() throws(GitError) -> (name: String, email: String) {
        let name = try configString("user.name")
        let email = try configString("user.email")
        guard let name, !name.isEmpty, let email, !email.isEmpty else {
            let missing = [name?.isEmpty == false ? nil : "user.name", email?.isEmpty == false ? nil : "user.email"]
                .compactMap { $0 }.joined(separator: " and ")
            throw GitError(
                code: .notFound, function: "identity",
                message: "\(missing) not set; run: git config --global user.name \"Your Name\" && git config --global user.email you@example.com")
        }
        return (name, email)
    }
}

/// How long a writer waits for a lock file another writer holds (a reference's, the index's):
/// git's own commands hold them for milliseconds, so a bounded, growing pause with jitter wins
/// the race without a person ever seeing it; past the bound the failure is reported.
package enum LockRetry {
    package static let attempts = 14

    /// Sleeps about `delay` microseconds (with jitter), then doubles it up to half a second.
    package static func pause(_ delay: inout UInt32) {
        usleep(delay / 2 + UInt32.random(in: 0...delay))
        delay = min(delay * 2, 500_000)
    }
}
