import Foundation
internal import CLibgit2

/// libgit2 must be initialised once per process before any other call; this does it lazily
/// and keeps git's configuration search confined when tests ask for it.
enum Libgit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        // libgit2 caches no tree over 4 KB by default, so every path lookup under `cases/`
        // (one entry per customer: 250 KB at 5,000 customers) inflated that tree again.
        // Keep trees up to 16 MB in the object cache.
        _ = duetrail_git_set_cache_object_limit(GIT_OBJECT_TREE, 16 << 20)
        // Trust what git and OpenSSL users point at (a company CA): GIT_SSL_CAINFO, then
        // SSL_CERT_FILE / SSL_CERT_DIR. libgit2's TLS backend may not read them itself.
        let env = ProcessInfo.processInfo.environment
        let file = env["GIT_SSL_CAINFO"] ?? env["SSL_CERT_FILE"], dir = env["SSL_CERT_DIR"]
        if file != nil || dir != nil { _ = duetrail_git_set_ssl_cert_locations(file, dir) }
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }
}

/// Process-wide libgit2 settings.
package enum GitSettings {
    /// Makes libgit2 read global, XDG and system configuration from `directory` only, so a test
    /// never depends on the machine's `~/.gitconfig`.
    package static func confineConfiguration(to directory: String) throws(GitError) {
        Libgit2.ensureInitialised()
        for level in [GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_PROGRAMDATA] {
            try check(duetrail_git_set_search_path(Int32(level.rawValue), directory), "git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH)")
        }
    }
}
