import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps the working-tree part of committing to one process of a clone at a time: the check
/// that no file holds a person's edit, the branch move and the writing of files and index.
/// Without it, two commands in one clone each read the index before the other wrote it (the
/// last writer won, leaving files `MM`), and one took the other's half-written files for a
/// person's edits. An advisory `flock` on `.git/duetrail/clone.lock`: the kernel drops it
/// when a process dies, so a `kill -9` never leaves the clone locked. Re-entrant within
/// one `Ledger`; another `Ledger` in the same process (the portal's requests) waits like
/// another process.
final class CloneLock: @unchecked Sendable {
    let path: String
    private var descriptor: Int32 = -1
    private var depth = 0
    private let guardian = NSLock()

    init(gitDirectory: String) {
        path = gitDirectory + (gitDirectory.hasSuffix("/") ? "" : "/") + "duetrail/clone.lock"
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Runs `body` holding the lock, waiting for another holder up to `timeout` seconds.
    func holding<T>(timeout: Double = 120, _ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try acquire(timeout: timeout)
        defer { release() }
        return try body()
    }

    private func acquire(timeout: Double) throws(LedgerError) {
        guardian.lock()
        defer { guardian.unlock() }
        if depth > 0 {
            depth += 1
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LedgerError.io(path: path, message: "cannot open the clone's lock file: \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var delay: UInt32 = 1_000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(fd)
                throw LedgerError.lostRace(
                    "another duetrail command\(holder.isEmpty ? "" : " (\(holder))") has been writing this clone for over \(Int(timeout)) s; nothing was changed; run this again when it has finished")
            }
            usleep(delay)
            delay = min(delay * 2, 50_000)
        }
        // Who holds it, for the message another waiter prints; emptied on release. (A git lock
        // file a killed holder left is not removed here: a live git command may hold one just
        // as well. The error that meets it names the file.)
        _ = ftruncate(fd, 0)
        let note = "pid \(getpid())\n"
        _ = note.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
        depth = 1
    }

    private func release() {
        guardian.lock()
        defer { guardian.unlock() }
        depth -= 1
        guard depth == 0, descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
