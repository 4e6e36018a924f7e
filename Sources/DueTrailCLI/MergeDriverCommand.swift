import ArgumentParser
import DueTrailCore
import Foundation

/// What git runs to merge a case file (`merge.duetrail.driver`, installed by `init` and
/// `setup`): the three versions are parsed and merged by meaning. On success the result is
/// written over OURS and the exit status is 0; on a true conflict OURS is left as it was, the
/// conflict is described on standard error, and git marks the file as conflicted.
struct MergeDriverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-driver",
        abstract: "Merge three versions of a case file by meaning (run by git; see `duetrail setup`).")

    @Argument(help: "The common ancestor's version (%O).")
    var base: String

    @Argument(help: "Our version (%A); the result is written here.")
    var ours: String

    @Argument(help: "Their version (%B).")
    var theirs: String

    @Argument(help: "The file's path in the ledger (%P).")
    var path: String = "case file"

    func run() throws {
        func read(_ file: String, _ side: String) throws -> CaseFile? {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(path): cannot read \(side) version") }
            let text = String(decoding: data, as: UTF8.self)
            if text.isEmpty && side == "base" { return nil }  // added on both sides
            switch CaseFile.parse(text, path: path) {
            case .success(let f): return f
            case .failure(let problems): throw CLIError("\(path): the \(side) version does not read, so it cannot be merged by meaning:\n\(problems)")
            }
        }
        do {
            let b = try read(base, "base")
            guard let o = try read(ours, "our"), let t = try read(theirs, "their") else { throw CLIError("\(path): a side is empty") }
            switch CaseMerge.merge(base: b, ours: o, theirs: t, path: path) {
            case .merged(let merged):
                try Data(merged.render().utf8).write(to: URL(fileURLWithPath: ours))
            case .conflicts(let conflicts):
                Terminal.error("DueTrail could not merge \(path):\n" + conflicts.map { "  " + $0.description }.joined(separator: "\n")
                    + "\n  Nothing from either side is lost: your version is in the file, theirs is `git show MERGE_HEAD:\(path)`."
                    + "\n  Settle it (edit the file, or run the command that sets the value), `git add` it and commit.")
                throw ExitCode(1)
            }
        } catch let error as CLIError {
            Terminal.error(error.description)
            throw ExitCode(1)
        }
    }
}
