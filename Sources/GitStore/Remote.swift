import Foundation
internal import CLibgit2

/// How to reach a remote: where secrets come from and where progress goes. libgit2 asks for
/// credentials through a callback; this is its Swift face.
package struct RemoteAccess {
    /// A username and password for an https remote (from `git credential`), or nil for none.
    package var password: (_ url: String, _ username: String?) -> (username: String, password: String)?
    /// Private key files tried, in order, after the ssh agent (public key alongside, `.pub`).
    package var sshKeyFiles: [String]
    /// Objects received so far and in all, while fetching.
    package var progress: ((_ received: Int, _ total: Int) -> Void)?
    /// Told whether a password from `password` worked, so a credential helper can keep or
    /// drop it (`git credential approve` / `reject`), as git itself does.
    package var passwordWorked: ((_ url: String, _ username: String, _ password: String, _ worked: Bool) -> Void)?

    package init(
        password: @escaping (_ url: String, _ username: String?) -> (username: String, password: String)? = { _, _ in nil },
        sshKeyFiles: [String] = RemoteAccess.defaultKeyFiles(),
        passwordWorked: ((String, String, String, Bool) -> Void)? = nil, progress: ((Int, Int) -> Void)? = nil
    ) {
        self.password = password
        self.sshKeyFiles = sshKeyFiles
        self.passwordWorked = passwordWorked
        self.progress = progress
    }

    /// `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`: the ones that exist.
    package static func defaultKeyFiles(home: String? = nil) -> [String] {
        let folder = (home ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ssh/"
        return ["id_ed25519", "id_ecdsa", "id_rsa"].map { folder + $0 }.filter { access($0, R_OK) == 0 }
    }
}

/// What a push did to each ref: libgit2 reports a server's refusal only through a callback
/// (`git_remote_push` itself returns 0, libgit2#3963), so it is collected here.
package struct PushOutcome: Sendable, Equatable {
    /// Ref name → the server's reason for refusing it.
    package var rejected: [String: String] = [:]
}

/// State shared with libgit2's C callbacks through their payload pointer.
private final class CallbackContext {
    let access: RemoteAccess
    /// Each credential kind is offered a bounded number of times: libgit2 calls the callback
    /// again after every failure and would loop forever (libgit2#3471).
    var sshAttempt = 0
    var passwordAttempts = 0
    var usedPassword: (url: String, username: String, password: String)?
    var push = PushOutcome()
    /// The remote's URL, for the host key check (its port names the known_hosts entry).
    var url: String

    init(access: RemoteAccess, url: String) {
        self.access = access
        self.url = url
    }

    /// Reports the password used (if any) as working, or as refused when authentication
    /// failed; any other failure (a dropped connection) says nothing about the password.
    func finish(_ rc: Int32) {
        guard let used = usedPassword else { return }
        if rc >= 0 {
            access.passwordWorked?(used.url, used.username, used.password, true)
        } else if rc == GIT_EAUTH.rawValue {
            access.passwordWorked?(used.url, used.username, used.password, false)
        }
    }
}

private func credentialCallback(
    out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, url: UnsafePointer<CChar>?,
    usernameFromURL: UnsafePointer<CChar>?, allowed: UInt32, payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
    let context = Unmanaged<CallbackContext>.fromOpaque(payload).takeUnretainedValue()
    let user = usernameFromURL.map { String(cString: $0) }
    if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
        let name = user ?? "git"
        // Attempt 0 is the agent; then each key file once.
        while context.sshAttempt <= context.access.sshKeyFiles.count {
            let attempt = context.sshAttempt
            context.sshAttempt += 1
            if attempt == 0 {
                guard ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil else { continue }
                return git_credential_ssh_key_from_agent(out, name)
            }
            let key = context.access.sshKeyFiles[attempt - 1]
            let pub = key + ".pub"
            return git_credential_ssh_key_new(out, name, FileManager.default.fileExists(atPath: pub) ? pub : nil, key, nil)
        }
    }
    if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, context.passwordAttempts < 1 {
        context.passwordAttempts += 1
        let urlText = url.map { String(cString: $0) } ?? ""
        if let found = context.access.password(urlText, user) {
            context.usedPassword = (urlText, found.username, found.password)
            return git_credential_userpass_plaintext_new(out, found.username, found.password)
        }
    }
    if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0, context.passwordAttempts < 2 {
        context.passwordAttempts += 2
        return git_credential_username_new(out, user ?? "git")
    }
    git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "authentication failed: no credentials left to try (ssh agent, key files, git credential)")
    return GIT_EAUTH.rawValue
}

private func certificateCheck(cert: UnsafeMutablePointer<git_cert>?, valid: Int32, host: UnsafePointer<CChar>?, payload: UnsafeMutableRawPointer?) -> Int32 {
    guard let cert, let host, let payload else { return GIT_ECERTIFICATE.rawValue }
    // TLS certificates: libgit2's own verification (the system's CA store) decides. Returning
    // a positive "passthrough" here would accept an invalid certificate in libgit2 1.5.
    guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
        if valid != 0 { return 0 }
        git_error_set_str(Int32(GIT_ERROR_SSL.rawValue), "the TLS certificate of \(String(cString: host)) is not valid for it (or not trusted); nothing was sent")
        return GIT_ECERTIFICATE.rawValue
    }
    let context = Unmanaged<CallbackContext>.fromOpaque(payload).takeUnretainedValue()
    let key = cert.withMemoryRebound(to: git_cert_hostkey.self, capacity: 1) { $0.pointee }
    guard key.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = key.hostkey else {
        git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), "the ssh server's host key could not be read, so it cannot be checked")
        return GIT_ECERTIFICATE.rawValue
    }
    let hostKey = Data(bytes: raw, count: key.hostkey_len)
    let name = String(cString: host)
    switch KnownHosts.standard().check(host: name, port: KnownHosts.port(ofSSHURL: context.url), key: hostKey) {
    case .matches:
        return 0
    case .unknown(let entry):
        git_error_set_str(Int32(GIT_ERROR_SSH.rawValue),
            "\(entry) is not a known ssh host; check its key and add it to ~/.ssh/known_hosts (ssh-keyscan \(KnownHosts.port(ofSSHURL: context.url) == 22 ? "" : "-p \(KnownHosts.port(ofSSHURL: context.url)) ")\(name) >> ~/.ssh/known_hosts), as ssh itself would ask")
        return GIT_ECERTIFICATE.rawValue
    case .differs(let entry):
        git_error_set_str(Int32(GIT_ERROR_SSH.rawValue),
            "the host key of \(entry) differs from the one in known_hosts: someone may be intercepting the connection, or the server's key changed; nothing was sent")
        return GIT_ECERTIFICATE.rawValue
    }
}

private func transferProgress(stats: UnsafePointer<git_indexer_progress>?, payload: UnsafeMutableRawPointer?) -> Int32 {
    guard let stats, let payload else { return 0 }
    let context = Unmanaged<CallbackContext>.fromOpaque(payload).takeUnretainedValue()
    context.access.progress?(Int(stats.pointee.received_objects), Int(stats.pointee.total_objects))
    return 0
}

private func pushUpdateReference(refname: UnsafePointer<CChar>?, status: UnsafePointer<CChar>?, payload: UnsafeMutableRawPointer?) -> Int32 {
    guard let refname, let status, let payload else { return 0 }
    let context = Unmanaged<CallbackContext>.fromOpaque(payload).takeUnretainedValue()
    context.push.rejected[String(cString: refname)] = String(cString: status)
    return 0
}

extension Repository {
    private static func callbacks(_ context: CallbackContext) throws(GitError) -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        try check(git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "git_remote_init_callbacks")
        callbacks.credentials = credentialCallback
        callbacks.certificate_check = certificateCheck
        callbacks.transfer_progress = transferProgress
        callbacks.push_update_reference = pushUpdateReference
        callbacks.payload = Unmanaged.passUnretained(context).toOpaque()
        return callbacks
    }

    /// Clones `url` into `path` and checks out its default branch. `url` may be a path,
    /// `file://`, `git://`, `ssh://` (or `user@host:path`) or `https://`.
    package static func clone(url: String, to path: String, access: RemoteAccess) throws(GitError) -> Repository {
        Libgit2.ensureInitialised()
        let context = CallbackContext(access: access, url: url)
        var options = git_clone_options()
        try check(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), "git_clone_options_init")
        options.fetch_opts.callbacks = try callbacks(context)
        var repo: OpaquePointer?
        let rc = withExtendedLifetime(context) { git_clone(&repo, url, path, &options) }
        context.finish(rc)
        try check(rc, "git_clone")
        guard let repo else { throw GitError(code: .notFound, function: "git_clone", message: "no repository at \(url)") }
        return Repository(pointer: repo)
    }

    /// The URL of `remote`, or nil when no such remote is configured.
    package func remoteURL(_ remote: String) throws(GitError) -> String? {
        var handle: OpaquePointer?
        let rc = git_remote_lookup(&handle, pointer, remote)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EINVALIDSPEC.rawValue { git_error_clear(); return nil }
        try check(rc, "git_remote_lookup")
        defer { git_remote_free(handle) }
        return git_remote_url(handle).map { String(cString: $0) }
    }

    private func withRemote<T>(_ remote: String, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        var handle: OpaquePointer?
        try check(git_remote_lookup(&handle, pointer, remote), "git_remote_lookup")
        defer { git_remote_free(handle) }
        guard let handle else { throw GitError(code: .notFound, function: "git_remote_lookup", message: "no remote \(remote)") }
        return try body(handle)
    }

    /// Fetches `remote`'s branches into `refs/remotes/<remote>/…` (its configured refspecs).
    package func fetch(remote: String, access: RemoteAccess) throws(GitError) {
        let context = CallbackContext(access: access, url: try remoteURL(remote) ?? "")
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        options.callbacks = try Self.callbacks(context)
        options.prune = GIT_FETCH_NO_PRUNE
        try withRemote(remote) { (handle: OpaquePointer) throws(GitError) in
            let rc = withExtendedLifetime(context) { git_remote_fetch(handle, nil, &options, "fetch \(remote)") }
            context.finish(rc)
            try check(rc, "git_remote_fetch")
        }
    }

    /// Pushes `refspec` (e.g. `refs/heads/main:refs/heads/main`) to `remote`. A ref the server
    /// refused (someone pushed first) is in the outcome, not thrown: the caller fetches,
    /// merges and tries again.
    package func push(remote: String, refspec: String, access: RemoteAccess) throws(GitError) -> PushOutcome {
        let context = CallbackContext(access: access, url: try remoteURL(remote) ?? "")
        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
        options.callbacks = try Self.callbacks(context)
        try withRemote(remote) { (handle: OpaquePointer) throws(GitError) in
            let spec = strdup(refspec)
            defer { free(spec) }
            var specs: [UnsafeMutablePointer<CChar>?] = [spec]
            let rc = specs.withUnsafeMutableBufferPointer { buf -> Int32 in
                var array = git_strarray(strings: buf.baseAddress, count: 1)
                return withExtendedLifetime(context) { git_remote_push(handle, &array, &options) }
            }
            context.finish(rc)
            // A non-fast-forward push to a local (path or file://) remote fails outright
            // instead of reaching the callback: report it the same way.
            if rc == GIT_ENONFASTFORWARD.rawValue {
                git_error_clear()
                context.push.rejected[String(refspec.split(separator: ":").last ?? "")] = "non-fast-forward"
                return
            }
            try check(rc, "git_remote_push")
        }
        return context.push
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    package func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var x = a.oid, y = b.oid
        let rc = git_merge_base(&out, pointer, &x, &y)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "git_merge_base")
        return ObjectID(out)
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    package func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws(GitError) -> Bool {
        if ancestor == commit { return true }
        var a = commit.oid, b = ancestor.oid
        let rc = git_graph_descendant_of(pointer, &a, &b)
        try check(rc, "git_graph_descendant_of")
        return rc == 1
    }
}
