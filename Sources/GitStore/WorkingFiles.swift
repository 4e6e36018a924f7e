import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file in the working tree, and the blob id git's index records for it when the file is
/// known to be unchanged since: its stat data match the index entry and it was not written in
/// the same instant as the index (git's "racily clean" rule). Without an id, read the file.
public struct WorkingFileState: Sendable, Equatable {
    /// Relative to the working directory (`cases/acme-gmbh/inv-1042.md`).
    public let path: String
    public let cleanID: ObjectID?
}

extension Repository {
    /// Every file under `folders` in the working tree (untracked and ignored ones too), each
    /// with its index blob id when that id is known to be its content: what `git status`
    /// learns from the index and `lstat`, so a caller that knows what a blob says need not
    /// read a file that did not change. Folders are walked on every core.
    public func workingFiles(under folders: [String]) -> [WorkingFileState] {
        guard let workdir = workingDirectory else { return [] }
        let index = IndexFile.load(gitDirectory + "index").map(SharedIndex.init)
        var indexStat = stat()
        let indexTime = stat(gitDirectory + "index", &indexStat) == 0 ? (Int(indexStat.st_mtim.tv_sec), Int(indexStat.st_mtim.tv_nsec)) : (0, 0)
        // The folders' first level, walked in parallel below (cases/ holds one folder per customer).
        var roots: [String] = []
        var files: [String] = []
        for folder in folders {
            for (name, isDirectory) in Self.list(workdir + folder) {
                if isDirectory { roots.append(folder + "/" + name) } else { files.append(folder + "/" + name) }
            }
        }
        let found = ParallelWalk.map(roots) { root in
            var out: [String] = []
            var pending = [root]
            while let dir = pending.popLast() {
                for (name, isDirectory) in Self.list(workdir + dir) {
                    if isDirectory { pending.append(dir + "/" + name) } else { out.append(dir + "/" + name) }
                }
            }
            return out
        }
        let all = files + found.flatMap { $0 }
        return ParallelWalk.map(all) { path -> WorkingFileState in
            guard let index, let record = index.file.record(for: path), !index.file.hasConflict(path) else {
                return WorkingFileState(path: path, cleanID: nil)
            }
            var st = stat()
            guard lstat(workdir + path, &st) == 0 else { return WorkingFileState(path: path, cleanID: nil) }
            let sameStat = UInt32(truncatingIfNeeded: st.st_size) == record.size && UInt32(truncatingIfNeeded: st.st_mtim.tv_sec) == record.mtimeSeconds
                && UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec) == record.mtimeNanoseconds && UInt32(truncatingIfNeeded: st.st_ino) == record.inode
            let racy = (Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec)) >= indexTime
            return WorkingFileState(path: path, cleanID: sameStat && !racy ? record.id : nil)
        }
    }

    /// The names in one folder, and whether each is a folder (symbolic links are not).
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
            }
            out.append((name, isDirectory))
        }
        return out
    }
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
