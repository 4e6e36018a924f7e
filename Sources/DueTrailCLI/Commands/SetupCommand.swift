import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Prepare a clone made with plain git: case files merge by meaning in `git pull` and `git merge`.",
        discussion: """
            Registers `duetrail merge-driver` in this clone's git config (`merge.duetrail.driver`) and, \
            if the ledger's .gitattributes does not route case files to it yet, adds that line in a \
            commit. `duetrail init` does both for a new ledger.
            """)

    @OptionGroup var options: LedgerOptions

    func run() throws {
        let ledger = try options.open()
        try guarded { try ledger.installMergeDriver(executable: DueTrailExecutable.path) }
        Terminal.print("merge.duetrail.driver set in this clone's git config (\(DueTrailExecutable.path))")
        let outcome = try guarded { try ledger.ensureMergeAttributes() }
        if let commit = outcome?.commit { Terminal.print("Added the case-file line to .gitattributes in commit \(commit.short)") }
    }
}

/// The absolute path of this `duetrail` binary, as git should run it.
enum DueTrailExecutable {
    static var path: String {
        URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.resolvingSymlinksInPath().path
    }
}
