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
        let before = try? ledger.mergeDriverSetting()
        try guarded { try ledger.installMergeDriver(executable: DueTrailExecutable.path) }
        let after = try? ledger.mergeDriverSetting()
        if let before, before != after {
            Terminal.print("merge.duetrail.driver repaired in this clone's git config: was \(before), now \(after ?? "?")")
        } else {
            Terminal.print("merge.duetrail.driver set in this clone's git config (\(DueTrailExecutable.path))")
        }
        let outcome = try guarded { try ledger.ensureMergeAttributes() }
        if let commit = outcome?.commit { Terminal.print("Added the case-file line to .gitattributes in commit \(commit.short)") }
    }
}

/// The absolute path of this `duetrail` binary, as git should run it: the program the
/// system is running (`/proc/self/exe`), whichever way it was started (found through PATH,
/// a symlink, a relative path). Only where that link cannot be read is argv[0] resolved
/// against the current folder.
enum DueTrailExecutable {
    static var path: String {
        if let running = runningProgram() { return running }
        return URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func runningProgram() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The kernel marks a binary replaced since it started (`… (deleted)`): no use to git.
        guard path.hasPrefix("/"), !path.hasSuffix(" (deleted)"), FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }
}
