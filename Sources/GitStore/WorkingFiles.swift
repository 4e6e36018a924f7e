import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file in the working tree, and the blob id git's index records for it when the file is
/// known to be unchanged since: its stat data match the index entry and it was not written in
/// the same instant as the index (git's "racily clean" rule). Without an id, read the file.
package struct WorkingFileState: Sendable, Equatable {
    /// Relative to the working directory (`cases/acme-gmbh/inv-1042.md`).
    package let path: String
    package let cleanID: ObjectID?
}

extension Repository {
    /// Every file under `folders` in the working tree (untracked and ignored ones too), each
    /// with its index blob id when that id is known to be its content: what `git status`
    /// learns from the index and `lstat`, so a caller that knows what a blob says need not
    /// read a file that did not change. Folders are walked on every core.
    package func workingFiles(under folders: [String]) -> [WorkingFileState] {
        guard let workdir = workingDirectory else { return [] }
        let index = IndexFile.load(gitDirectory + "index").map(SharedIndex.init)
        var indexStat = stat()
        let indexTime = stat(gitDirectory + "index", &indexStat) == 0 ? (Int(indexStat.st_mtim.tv_sec), Int(indexStat.st_mtim.tv_nsec)) : (0, 0)
        return ParallelWalk.map(Self.files(under: folders, in: workdir)) { path -> WorkingFileState in
            guard let index, let record = index.file.record(for: path), !index.file.hasConflict(path) else {
                return WorkingFileState(path: path, cleanID: nil)
            }
            var st = stat()
            guard lstat(workdir + path, &st) == 0 else { return WorkingFileState(path: path, cleanID: nil) }
            let sameStat = record.matches(st)
            let racy = (Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec)) >= indexTime
            return WorkingFileState(path: path, cleanID: sameStat && !racy ? record.id : nil)
        }
    }

    /// Every file under `folders` in the working tree, walked on every core, without reading
    /// the index (for a caller with nothing committed there to compare against).
    package func workingFilePaths(under folders: [String]) -> [String] {
        guard let workdir = workingDirectory else { return [] }
        return Self.files(under: folders, in: workdir)
    }

    /// The index's checksum when the working tree under `folders`, and the top-level `files`,
    /// is exactly what the index records: every entry's file there with the same stat data
    /// (and not racily clean), no other file beside them, no merge in progress. Nil otherwise,
    /// or when the index is in a form this reader leaves to libgit2. What `git status` checks,
    /// without hashing anything: a caller may then reuse what it concluded for that checksum.
    package func cleanIndexChecksum(folders: [String], files: [String]) -> String? {
        guard let workdir = workingDirectory, let index = IndexFile.load(gitDirectory + "index") else { return nil }
        var indexStat = stat()
        guard stat(gitDirectory + "index", &indexStat) == 0 else { return nil }
        let indexTime = (Int(indexStat.st_mtim.tv_sec), Int(indexStat.st_mtim.tv_nsec))
        let tracked = index.entries(prefixes: folders.map { Array(($0 + "/").utf8) }, paths: files.map { Array($0.utf8) })
        guard !tracked.contains(where: \.conflicted) else { return nil }
        // A top-level file on disk the index does not track could change unseen.
        for file in files where !tracked.contains(where: { $0.path.elementsEqual(file.utf8) }) {
            var st = stat()
            if lstat(workdir + file, &st) == 0 { return nil }
        }
        let root = Array(workdir.utf8)
        let shared = SharedEntries(tracked)
        let clean = ParallelWalk.map(Array(0..<tracked.count)) { i -> Bool in
            let (path, record, _) = shared.entries[i]
            var st = stat()
            let found = (root + path + [0]).withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { lstat($0, &st) == 0 }
            }
            guard found, (st.st_mode & S_IFMT) == S_IFREG else { return false }
            let sameStat = record.matches(st)
            return sameStat && (Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec)) < indexTime
        }
        guard !clean.contains(false) else { return nil }
        // No file the index does not know: as many files on disk as entries in these folders.
        let onDisk = Self.files(under: folders, in: workdir).count
        let trackedInFolders = tracked.count - tracked.filter { t in files.contains { t.path.elementsEqual($0.utf8) } }.count
        return onDisk == trackedInFolders ? index.checksum : nil
    }

    /// Every file under `folders` (relative to `workdir`), each folder's first level walked in
    /// parallel (cases/ holds one folder per customer).
    static func files(under folders: [String], in workdir: String) -> [String] {
        var roots: [String] = []
        var files: [String] = []
        for folder in folders {
            for (name, isDirectory) in list(workdir + folder) {
                if isDirectory { roots.append(folder + "/" + name) } else { files.append(folder + "/" + name) }
            }
        }
        let found = ParallelWalk.map(roots) { root in
            var out: [String] = []
            var pending = [root]
            while let dir = pending.popLast() {
                for (name, isDirectory) in list(workdir + dir) {
                    if isDirectory { pending.append(dir + "/" + name) } else { out.append(dir + "/" + name) }
                }
            }
            return out
        }
        return files + found.flatMap { $0 }
    }

    /// The names in one folder, and whether each is a folder (a link to a file is a file; a
    /// link to a folder is left out).
    static func list(_ path: String) -> [(String, Bool)] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [(String, Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name == "." || name == ".." { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var st = stat()
                isDirectory = lstat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            } else if entry.pointee.d_type == UInt8(DT_LNK) {
                // A link to a folder is neither walked nor read (as a file enumerator does).
                var st = stat()
                if stat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { continue }
            }
            out.append((name, isDirectory))
        }
        return out
    }
}

/// Index entries shared read-only by the walkers.
private final class SharedEntries: @unchecked Sendable {
    let entries: [(path: ArraySlice<UInt8>, record: IndexFile.Record, conflicted: Bool)]
    init(_ entries: [(path: ArraySlice<UInt8>, record: IndexFile.Record, conflicted: Bool)]) { self.entries = entries }
}

/// The index, read once and shared read-only by the walkers.
private final class SharedIndex: @unchecked Sendable {
    let file: IndexFile
    init(_ file: IndexFile) { self.file = file }
}

/// GitStore's own small parallel map (the core's `Parallel` is above this layer).
enum ParallelWalk {
    static func map<T, U: Sendable>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] where T: Sendable {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, items.count / 256), 16)
        guard workers > 1 else { return items.map(transform) }
        let pieces = min(items.count, workers * 4)
        let chunk = (items.count + pieces - 1) / pieces
        return [U](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base)
            DispatchQueue.concurrentPerform(iterations: pieces) { w in
                for i in min(w * chunk, items.count)..<min((w + 1) * chunk, items.count) { (slots.base + i).initialize(to: transform(items[i])) }
            }
            initialized = items.count
        }
    }

    private final class Slots<U>: @unchecked Sendable {
        let base: UnsafeMutablePointer<U>
        init(_ base: UnsafeMutablePointer<U>) { self.base = base }
    }
}
