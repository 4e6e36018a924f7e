import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one file of a mailbox without trusting it: a mailbox folder is written by other
/// programs (and people), and a FIFO there would block the import forever, a link to
/// `/dev/zero` would fill memory, a folder cannot be read at all. Only regular files (or
/// links to regular files) of a bounded size are read, opened non-blocking.
package enum MailFile {
    /// Why a file was not read, in words for the person running the import.
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    /// The bytes of the regular file at `path`, at most `limit` of them.
    package static func read(_ path: String, limit: Int) throws(Refusal) -> [UInt8] {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw Refusal(reason: "cannot be read (\(String(cString: strerror(errno))))") }
        if info.st_mode & S_IFMT == S_IFLNK {
            guard stat(path, &info) == 0 else { throw Refusal(reason: "a link to nothing readable (\(String(cString: strerror(errno))))") }
        }
        if let kind = irregular(info.st_mode) { throw Refusal(reason: "not a regular file (\(kind)); only message files are read") }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Refusal(reason: "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        // What was opened, not what the name said a moment ago (it may have been swapped).
        guard fstat(fd, &info) == 0 else { throw Refusal(reason: "cannot be read (\(String(cString: strerror(errno))))") }
        if let kind = irregular(info.st_mode) { throw Refusal(reason: "not a regular file (\(kind)); only message files are read") }
        guard Int(info.st_size) <= limit else { throw Refusal(reason: "\(size(Int(info.st_size))), over the \(size(limit)) a message may have") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw Refusal(reason: "cannot be read (\(String(cString: strerror(errno))))")
            }
            bytes += chunk[0..<n]
            // A file that grows while it is read stops at the limit.
            guard bytes.count <= limit else { throw Refusal(reason: "over the \(size(limit)) a message may have") }
        }
        return bytes
    }

    /// What a file that is not a regular file is, or nil for a regular file.
    static func irregular(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFLNK: return "a link"
        default: return "not a file"
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1024 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}

/// `read(2)`, named apart from `MailFile.read`.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
