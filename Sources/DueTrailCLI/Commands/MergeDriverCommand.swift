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
        func read(_ file: String, _ side: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(path): cannot read the \(side) version") }
            return String(decoding: data, as: UTF8.self)
        }
        do {
            let base = try read(self.base, "common")
            let outcome = LedgerFileMerge.merge(path: path, base: base.isEmpty ? nil : base, ours: try read(ours, "our"), theirs: try read(theirs, "their"))
            switch outcome {
            case .merged(let merged), .settled(let merged, _):
                try Data(merged.utf8).write(to: URL(fileURLWithPath: ours))
            case .conflicts(let conflicts):
                Terminal.error("DueTrail could not merge \(path):\n" + conflicts.map { "  " + $0.description }.joined(separator: "\n")
                    + "\n  Nothing from either side is lost: your version is in the file, theirs is `git show MERGE_HEAD:\(path)`."
                    + "\n  Settle it (edit the file, or run the command that sets the value), `git add` it and commit.")
                throw ExitCode(1)
            case .notLedgerFile:
                throw CLIError("\(path) is not a case or customer file; .gitattributes should route only cases/**/*.md and customers/*.yaml here")
            }
        } catch let error as CLIError {
            Terminal.error(error.description)
            throw ExitCode(1)
        }
    }
}
