import AtomicFiles
import Foundation
import GitStore

/// The record of a working-tree update still to be made: written under `.git/duetrail`
/// before a command moves the branch, removed once the files and the index match the new
/// commit. A command killed in between (after the branch moved, before or while its files
/// were written) leaves it behind, and the next command finishes the update from it, so a
/// crash never leaves files that look edited or an index that `git commit` would turn into
/// a commit undoing the last one.
struct PendingCheckout: Equatable {
    /// The commit the branch was moved to.
    let commit: ObjectID
    /// The tree the working files held before (nil: the first commit).
    let baseline: ObjectID?
    /// The tree of `commit`.
    let tree: ObjectID

    static func path(gitDirectory: String) -> String {
        gitDirectory + (gitDirectory.hasSuffix("/") ? "" : "/") + "duetrail/checkout-pending"
    }

    var text: String {
        "commit \(commit.hex)\nbaseline \(baseline?.hex ?? "-")\ntree \(tree.hex)\n"
    }

    /// Nil when there is no record, or one that does not read (a record is written whole
    /// through a rename, so that is not one this tool wrote).
    static func read(gitDirectory: String) -> PendingCheckout? {
        guard let data = FileManager.default.contents(atPath: path(gitDirectory: gitDirectory)) else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let commit = fields["commit"].flatMap(ObjectID.init(hex:)), let tree = fields["tree"].flatMap(ObjectID.init(hex:)),
            let baseline = fields["baseline"]
        else { return nil }
        return PendingCheckout(commit: commit, baseline: baseline == "-" ? nil : ObjectID(hex: baseline), tree: tree)
    }

    static func exists(gitDirectory: String) -> Bool {
        FileManager.default.fileExists(atPath: path(gitDirectory: gitDirectory))
    }

    func write(gitDirectory: String) throws(LedgerError) {
        let file = Self.path(gitDirectory: gitDirectory)
        try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            try AtomicFile.write(text.utf8, to: file)
        } catch {
            throw LedgerError.io(path: file, message: "cannot record the working-tree update before moving the branch (\(error.errno.description)); nothing was committed")
        }
    }

    static func remove(gitDirectory: String) {
        unlink(path(gitDirectory: gitDirectory))
    }
}
