import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The git index file (`.git/index`, versions 2 and 3), read and patched in place for a
/// handful of paths. libgit2 1.5 parses every entry into its own structures and hashes the
/// whole file twice to change one entry, which made a one-case action on a 100,000-file
/// ledger slower than `git commit`; this touches only the entries asked for.
///
/// Written by hand because no listed package reads or writes the git index. Anything it does
/// not understand (version 4, split or sparse indexes) makes `load` return nil and the caller
/// uses libgit2 instead. The cache-tree and offset-table extensions are dropped on write (git
/// rebuilds them when it needs them); every other extension is kept as is.
struct IndexFile {
    struct Entry {
        let offset: Int
        let pathStart: Int
        let pathLength: Int
        let length: Int
    }

    private(set) var bytes: [UInt8]
    private var entries: [Entry]
    private let version: UInt32
    /// Offset where the entries end and the extensions begin.
    private var entriesEnd: Int

    static let fixedLength = 62  // stat data, mode, ids, object id, flags
    /// Each change moves the bytes after it; past this many paths one libgit2 pass is cheaper.
    static let fastPathLimit = 20

    /// Reads `path`; nil when the file is missing or in a form this reader leaves to libgit2.
    static func load(_ path: String) -> IndexFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return IndexFile(bytes: [UInt8](data))
    }

    init?(bytes: [UInt8]) {
        guard bytes.count >= 32, bytes[0..<4].elementsEqual(Array("DIRC".utf8)) else { return nil }
        let version = Self.uint32(bytes, 4)
        guard version == 2 || version == 3 else { return nil }
        let count = Int(Self.uint32(bytes, 8))
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var offset = 12
        let end = bytes.count - 20
        for _ in 0..<count {
            guard offset + Self.fixedLength <= end else { return nil }
            let flags = Self.uint16(bytes, offset + 60)
            var pathStart = offset + Self.fixedLength
            if flags & 0x4000 != 0 {
                guard version == 3 else { return nil }
                pathStart += 2
            }
            var pathEnd = pathStart
            while pathEnd < end && bytes[pathEnd] != 0 { pathEnd += 1 }
            guard pathEnd < end else { return nil }
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
            let unpadded = pathEnd - offset
            let length = (unpadded + 8) & ~7
            guard offset + length <= end else { return nil }
            entries.append(Entry(offset: offset, pathStart: pathStart, pathLength: pathEnd - pathStart, length: length))
            offset += length
        }
        // Split and sparse indexes keep entries elsewhere: leave those to libgit2.
        var ext = offset
        while ext + 8 <= end {
            let signature = String(decoding: bytes[ext..<(ext + 4)], as: UTF8.self)
            if signature == "link" || signature == "sdir" { return nil }
            ext += 8 + Int(Self.uint32(bytes, ext + 4))
        }
        guard ext == end else { return nil }
        self.bytes = bytes
        self.entries = entries
        self.version = version
        self.entriesEnd = offset
    }

    // MARK: Reading

    /// The checksum at the end of the file: it covers every entry (paths, blob ids, stat data).
    var checksum: String { bytes.suffix(20).map { String(format: "%02x", $0) }.joined() }

    /// Every entry whose path starts with one of `prefixes` or equals one of `paths`: its path
    /// bytes, stat data, and whether it is a merge stage other than 0.
    func entries(prefixes: [[UInt8]], paths: [[UInt8]]) -> [(path: ArraySlice<UInt8>, record: Record, conflicted: Bool)] {
        var out: [(path: ArraySlice<UInt8>, record: Record, conflicted: Bool)] = []
        for e in entries {
            let path = bytes[e.pathStart..<(e.pathStart + e.pathLength)]
            guard prefixes.contains(where: { path.starts(with: $0) }) || paths.contains(where: { path.elementsEqual($0) }) else { continue }
            let o = e.offset
            out.append((path, Record(
                id: ObjectID(bytes: Array(bytes[(o + 40)..<(o + 60)])), size: Self.uint32(bytes, o + 36),
                mtimeSeconds: Self.uint32(bytes, o + 8), mtimeNanoseconds: Self.uint32(bytes, o + 12), inode: Self.uint32(bytes, o + 20),
            ctimeSeconds: Self.uint32(bytes, o), ctimeNanoseconds: Self.uint32(bytes, o + 4)), stage(e) != 0))
        }
        return out
    }

    /// The position of `path`'s stage-0 entry, or where it would go.
    private func search(_ path: [UInt8]) -> (index: Int, found: Bool) {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            let order = compare(entries[mid], path)
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        if low < entries.count, compare(entries[low], path) == 0, stage(entries[low]) == 0 { return (low, true) }
        return (low, false)
    }

    private func compare(_ entry: Entry, _ path: [UInt8]) -> Int {
        let n = min(entry.pathLength, path.count)
        for i in 0..<n {
            let a = bytes[entry.pathStart + i], b = path[i]
            if a != b { return a < b ? -1 : 1 }
        }
        return entry.pathLength == path.count ? 0 : (entry.pathLength < path.count ? -1 : 1)
    }

    private func stage(_ entry: Entry) -> Int { Int(Self.uint16(bytes, entry.offset + 60) >> 12) & 3 }

    /// What the index records for `path`: its object id and stat data.
    struct Record {
        let id: ObjectID
        let size: UInt32
        let mtimeSeconds: UInt32
        let mtimeNanoseconds: UInt32
        let inode: UInt32
        var ctimeSeconds: UInt32 = 0
        var ctimeNanoseconds: UInt32 = 0

        /// The file `st` describes is the one this entry recorded (git's stat test: size,
        /// times of change and of modification, inode).
        func matches(_ st: stat) -> Bool {
            UInt32(truncatingIfNeeded: st.st_size) == size && UInt32(truncatingIfNeeded: st.st_mtim.tv_sec) == mtimeSeconds
                && UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec) == mtimeNanoseconds && UInt32(truncatingIfNeeded: st.st_ino) == inode
                && UInt32(truncatingIfNeeded: st.st_ctim.tv_sec) == ctimeSeconds && UInt32(truncatingIfNeeded: st.st_ctim.tv_nsec) == ctimeNanoseconds
        }
    }

    func record(for path: String) -> Record? {
        let (i, found) = search(Array(path.utf8))
        guard found else { return nil }
        let o = entries[i].offset
        return Record(
            id: ObjectID(bytes: Array(bytes[(o + 40)..<(o + 60)])), size: Self.uint32(bytes, o + 36),
            mtimeSeconds: Self.uint32(bytes, o + 8), mtimeNanoseconds: Self.uint32(bytes, o + 12), inode: Self.uint32(bytes, o + 20),
            ctimeSeconds: Self.uint32(bytes, o), ctimeNanoseconds: Self.uint32(bytes, o + 4))
    }

    /// True when another stage (a merge conflict) exists for `path`.
    func hasConflict(_ path: String) -> Bool {
        let p = Array(path.utf8)
        var (i, _) = search(p)
        while i < entries.count, compare(entries[i], p) == 0 {
            if stage(entries[i]) != 0 { return true }
            i += 1
        }
        return false
    }

    // MARK: Writing

    /// Records `path` as the regular file described by `st` with content `id`.
    mutating func set(_ path: String, id: ObjectID, stat st: stat) {
        let p = Array(path.utf8)
        let entry = Self.entryBytes(p, id: id, stat: st)
        let (i, found) = search(p)
        if found {
            replace(at: i, with: entry, pathLength: p.count)
        } else {
            insert(entry, at: i, pathLength: p.count)
        }
    }

    /// Sets (`id` given) and removes (nil) many paths in one sorted merge of the entries: the
    /// cost of one pass however many files an import writes (`set` moves every byte after the
    /// entry it changes). Every stage of a path named here is replaced.
    /// False (nothing changed) if the merged entries did not read back, which would be a bug.
    mutating func apply(_ changes: [(path: String, id: ObjectID?, stat: stat)]) -> Bool {
        var updates: [[UInt8]: [UInt8]?] = [:]
        for change in changes {
            let p = Array(change.path.utf8)
            updates[p] = change.id.map { Self.entryBytes(p, id: $0, stat: change.stat) } ?? .some(nil)
        }
        let incoming = updates.compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
        var merged: [UInt8] = Array(bytes[0..<12])
        merged.reserveCapacity(bytes.count + incoming.reduce(0) { $0 + $1.1.count })
        var count = 0
        var next = 0
        for e in entries {
            let path = Array(bytes[e.pathStart..<(e.pathStart + e.pathLength)])
            while next < incoming.count, incoming[next].0.lexicographicallyPrecedes(path) {
                merged += incoming[next].1
                count += 1
                next += 1
            }
            if updates[path] != nil { continue }  // replaced or removed
            merged += bytes[e.offset..<(e.offset + e.length)]
            count += 1
        }
        while next < incoming.count {
            merged += incoming[next].1
            count += 1
            next += 1
        }
        merged += bytes[entriesEnd...]
        merged.replaceSubrange(8..<12, with: Self.be32(UInt32(count)))
        guard let rebuilt = IndexFile(bytes: merged) else { return false }
        self = rebuilt
        return true
    }

    /// One entry's bytes: stat data, mode, ids, object id, flags, path, NUL padding.
    static func entryBytes(_ p: [UInt8], id: ObjectID, stat st: stat) -> [UInt8] {
        var entry = [UInt8](repeating: 0, count: Self.fixedLength)
        func put32(_ value: UInt32, _ at: Int) {
            entry[at] = UInt8(truncatingIfNeeded: value >> 24)
            entry[at + 1] = UInt8(truncatingIfNeeded: value >> 16)
            entry[at + 2] = UInt8(truncatingIfNeeded: value >> 8)
            entry[at + 3] = UInt8(truncatingIfNeeded: value)
        }
        put32(UInt32(truncatingIfNeeded: st.st_ctim.tv_sec), 0)
        put32(UInt32(truncatingIfNeeded: st.st_ctim.tv_nsec), 4)
        put32(UInt32(truncatingIfNeeded: st.st_mtim.tv_sec), 8)
        put32(UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec), 12)
        put32(UInt32(truncatingIfNeeded: st.st_dev), 16)
        put32(UInt32(truncatingIfNeeded: st.st_ino), 20)
        put32(0o100644, 24)
        put32(UInt32(truncatingIfNeeded: st.st_uid), 28)
        put32(UInt32(truncatingIfNeeded: st.st_gid), 32)
        put32(UInt32(truncatingIfNeeded: st.st_size), 36)
        entry.replaceSubrange(40..<60, with: id.bytes)
        let nameLength = UInt16(min(p.count, 0xFFF))
        entry[60] = UInt8(nameLength >> 8)
        entry[61] = UInt8(nameLength & 0xFF)
        entry += p
        entry += [UInt8](repeating: 0, count: ((entry.count + 8) & ~7) - entry.count)
        return entry
    }

    /// Removes `path`'s entry, if any.
    mutating func remove(_ path: String) {
        let (i, found) = search(Array(path.utf8))
        guard found else { return }
        replace(at: i, with: nil, pathLength: 0)
    }

    private mutating func replace(at i: Int, with entry: [UInt8]?, pathLength: Int) {
        let old = entries[i]
        let newLength = entry?.count ?? 0
        bytes.replaceSubrange(old.offset..<(old.offset + old.length), with: entry ?? [])
        let delta = newLength - old.length
        if entry != nil {
            entries[i] = Entry(offset: old.offset, pathStart: old.offset + Self.fixedLength, pathLength: pathLength, length: newLength)
        } else {
            entries.remove(at: i)
        }
        shift(from: entry == nil ? i : i + 1, by: delta)
    }

    private mutating func insert(_ entry: [UInt8], at i: Int, pathLength: Int) {
        let offset = i < entries.count ? entries[i].offset : entriesEnd
        bytes.insert(contentsOf: entry, at: offset)
        entries.insert(Entry(offset: offset, pathStart: offset + Self.fixedLength, pathLength: pathLength, length: entry.count), at: i)
        shift(from: i + 1, by: entry.count)
    }

    private mutating func shift(from start: Int, by delta: Int) {
        guard delta != 0 else { return }
        for k in start..<entries.count {
            let e = entries[k]
            entries[k] = Entry(offset: e.offset + delta, pathStart: e.pathStart + delta, pathLength: e.pathLength, length: e.length)
        }
        entriesEnd += delta
    }

    /// The file's bytes: header with the entry count, entries, kept extensions, checksum.
    func serialized() -> [UInt8] {
        var out: [UInt8] = Array("DIRC".utf8)
        out += Self.be32(version)
        out += Self.be32(UInt32(entries.count))
        out += bytes[12..<entriesEnd]
        var ext = entriesEnd
        let end = bytes.count - 20
        while ext + 8 <= end {
            let size = Int(Self.uint32(bytes, ext + 4))
            let signature = String(decoding: bytes[ext..<(ext + 4)], as: UTF8.self)
            // The cache tree and the entry offset tables describe the old entries.
            if signature != "TREE" && signature != "EOIE" && signature != "IEOT" {
                out += bytes[ext..<(ext + 8 + size)]
            }
            ext += 8 + size
        }
        out += Array(Insecure.SHA1.hash(data: out))
        return out
    }

    // MARK: Big-endian helpers

    static func uint32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    static func uint16(_ b: [UInt8], _ at: Int) -> UInt16 {
        UInt16(b[at]) << 8 | UInt16(b[at + 1])
    }

    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }
}

/// git's `index.lock`, taken *before* the index is read: read, change and write happen under
/// one lock, so an update another process made in between is never lost (reading first and
/// locking only to write let the last writer win, leaving files `MM`). A holder that is
/// another git command is waited for, briefly and bounded, as git waits.
struct IndexLock {
    let indexPath: String
    private let descriptor: Int32
    var lockPath: String { indexPath + ".lock" }

    static func acquire(_ indexPath: String) throws(GitError) -> IndexLock {
        let lock = indexPath + ".lock"
        let owner = indexPath + ".lock-owner"
        removeIfLeftByAKilledHolder(lock: lock, owner: owner)
        // Who is about to hold it: what the check above reads after a kill.
        let fd = open(owner, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd >= 0 {
            let note = "\(getpid())\n"
            _ = note.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        var delay: UInt32 = 2_000
        for attempt in 1...LockRetry.attempts {
            let fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return IndexLock(indexPath: indexPath, descriptor: fd) }
            guard errno == EEXIST, attempt < LockRetry.attempts else { break }
            LockRetry.pause(&delay)
        }
        if errno == EEXIST {
            throw GitError(code: .locked, function: "index.lock", message: "\(lock) exists: another git command is running (or crashed; remove the file if no git command is)")
        }
        throw GitError(code: .other(-1), function: "index.lock", message: "\(lock): \(String(cString: strerror(errno)))")
    }

    /// An `index.lock` this tool made in a process that no longer runs (killed between taking
    /// and renaming it) would stop every git command for good. It is ours when the owner note
    /// names a process that is gone and the lock was made within two seconds after the note;
    /// a lock a live git command holds (or made later) is never touched.
    private static func removeIfLeftByAKilledHolder(lock: String, owner: String) {
        var lockStat = stat(), ownerStat = stat()
        guard lstat(lock, &lockStat) == 0, lstat(owner, &ownerStat) == 0,
            let text = try? String(contentsOfFile: owner, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return }
        guard kill(pid, 0) != 0, errno == ESRCH else { return }
        let made = Double(lockStat.st_mtim.tv_sec) + Double(lockStat.st_mtim.tv_nsec) / 1e9
        let noted = Double(ownerStat.st_mtim.tv_sec) + Double(ownerStat.st_mtim.tv_nsec) / 1e9
        if made >= noted - 0.01 && made <= noted + 2 { unlink(lock) }
    }

    /// Writes `bytes` as the new index and releases the lock by renaming it into place.
    func commit(_ bytes: [UInt8]) throws(GitError) {
        let written = bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, base + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        let reason = String(cString: strerror(errno))
        close(descriptor)
        defer { unlink(indexPath + ".lock-owner") }
        guard written, rename(lockPath, indexPath) == 0 else {
            unlink(lockPath)
            throw GitError(code: .other(-1), function: "index write", message: "\(indexPath): \(written ? String(cString: strerror(errno)) : reason)")
        }
    }

    /// Gives the lock up without changing the index.
    func release() {
        close(descriptor)
        unlink(lockPath)
        unlink(indexPath + ".lock-owner")
    }
}
