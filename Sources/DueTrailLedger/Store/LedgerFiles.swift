import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    public static let checkedFolders = ["customers", "cases", "templates", "outbox"]
    static let checkedFiles = [LedgerConfig.fileName, "cadence.yaml"]

    /// The ledger's files as a person sees them: the working tree of a clone (uncommitted
    /// edits included), or HEAD of a bare repository.
    /// `folders` limits the read (`cadence check` needs no case files).
    public func currentFiles(folders: [String] = checkedFolders) throws(LedgerError) -> [String: String] {
        if let workdir = repository.workingDirectory {
            var files: [String: String] = [:]
            let fm = FileManager.default
            for name in Self.checkedFiles {
                if let data = fm.contents(atPath: workdir + name) { files[name] = String(decoding: data, as: UTF8.self) }
            }
            for folder in folders {
                guard let walker = fm.enumerator(atPath: workdir + folder) else { continue }
                while let relative = walker.nextObject() as? String {
                    let path = "\(folder)/\(relative)"
                    var isDir: ObjCBool = false
                    guard fm.fileExists(atPath: workdir + path, isDirectory: &isDir), !isDir.boolValue else { continue }
                    guard let data = fm.contents(atPath: workdir + path) else {
                        throw LedgerError.io(path: path, message: "cannot read")
                    }
                    files[path] = String(decoding: data, as: UTF8.self)
                }
            }
            return files
        }
        do {
            guard let head = try repository.headCommit() else { return [:] }
            var files: [String: String] = [:]
            try collect(tree: try repository.commit(head).tree, prefix: "", folders: folders, into: &files)
            return files
        } catch {
            throw error.context("reading HEAD")
        }
    }

    private func collect(tree: ObjectID, prefix: String, folders: [String], into files: inout [String: String]) throws(GitError) {
        for entry in try repository.treeEntries(tree) {
            let path = prefix + entry.name
            if entry.kind == .tree {
                if prefix.isEmpty && !folders.contains(entry.name) { continue }
                try collect(tree: entry.id, prefix: path + "/", folders: folders, into: &files)
            } else if !prefix.isEmpty || Self.checkedFiles.contains(path) {
                files[path] = String(decoding: try repository.readBlob(entry.id), as: UTF8.self)
            }
        }
    }
}
