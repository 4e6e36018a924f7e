internal import CLibgit2

/// libgit2 must be initialised once per process before any other call; this does it lazily
/// and keeps git's configuration search confined when tests ask for it.
enum Libgit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }
}
