import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written whole or not at all: the bytes go to a temporary file beside the target,
/// which then takes the target's name in one step (a rename, or a link that never replaces
/// what is there). A crash leaves the old file or the new one, never half of either. Every
/// file the tool keeps outside git (the summary cache, the send journal, the portal key, the
/// git index, drafts, Maildir deliveries) is written this way.
package enum AtomicFile {
    /// How the new file takes the target's name.
    package enum Placement: Sendable {
        /// Replaces whatever is there.
        case replace
        /// Fails when the target exists (Maildir delivery: never overwrite a message).
        case keepExisting
    }

    /// Writes `bytes` to `path` through `temporary` (default: `path` plus `.tmp.<pid>`).
    /// The temporary file is created exclusively, so a second writer using the same name (git's
    /// `index.lock` protocol) fails with `.exists` instead of interleaving.
    /// - Parameters:
    ///   - sync: flush to disk before the rename (for what must survive a power cut).
    package static func write(
        _ bytes: some Sequence<UInt8>, to path: String, temporary: String? = nil, permissions: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead],
        placement: Placement = .replace, sync: Bool = false
    ) throws(AtomicFileError) {
        let temp = temporary ?? "\(path).tmp.\(getpid())"
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(
                FilePath(temp), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec], permissions: permissions, retryOnInterrupt: true)
        } catch {
            throw AtomicFileError(path: temp, errno: error)
        }
        do {
            _ = try fd.writeAll(bytes)
            if sync, fsync(fd.rawValue) != 0 { throw Errno(rawValue: errno) }
            try fd.close()
        } catch {
            _ = try? fd.close()
            unlink(temp)
            throw AtomicFileError(path: temp, errno: error)
        }
        switch placement {
        case .replace:
            if rename(temp, path) != 0 {
                let code = Errno(rawValue: errno)
                unlink(temp)
                throw AtomicFileError(path: path, errno: code)
            }
        case .keepExisting:
            defer { unlink(temp) }
            if link(temp, path) != 0 { throw AtomicFileError(path: path, errno: Errno(rawValue: errno)) }
        }
    }
}

/// Why a file could not be written: the path and the system's reason.
package struct AtomicFileError: Error, CustomStringConvertible, Sendable {
    package let path: String
    package let errno: Errno

    package init(path: String, errno: Errno) {
        self.path = path
        self.errno = errno
    }

    init(path: String, errno error: any Error) {
        self.init(path: path, errno: (error as? Errno) ?? .ioError)
    }

    /// The target (or its lock) already exists.
    package var exists: Bool { errno == .fileExists }

    package var description: String { "\(path): \(errno.description)" }
}
