import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Bring a clone's files back in line with its branch after a command was stopped half-way.",
        discussion: """
            A command killed (or a machine that lost power) after moving the branch and before \
            writing its files leaves files that look edited and an index one commit behind; \
            `git commit` then would undo the last commit. Every duetrail command finishes such an \
            update on its own when the interrupted one left its record in .git/duetrail; `repair` \
            also mends a clone without that record: it writes from HEAD each file whose working \
            copy and index still hold an earlier version of the branch, and leaves every file a \
            person edited or staged as it is (and lists it). Nothing is committed.
            """)

    @OptionGroup var options: LedgerOptions

    @Flag(help: "Say what would be restored, change nothing.")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        // Opened without finishing an interrupted update: `repair` does that itself (and
        // `--dry-run` only says it would).
        let ledger = try options.open(finishingInterrupted: false)
        var result = try guarded { try ledger.repair(dryRun: dryRun) }
        if json {
            struct Out: Encodable { var dryRun: Bool; var interrupted: String?; var restored: [String]; var keptEdits: [String] }
            Terminal.print(JSON.render(Out(dryRun: dryRun, interrupted: result.interrupted?.hex, restored: result.restored, keptEdits: result.keptEdits)))
            return
        }
        Terminal.print(RepairText.report(result, dryRun: dryRun))
    }
}

/// The words for what a repair did, shared by `repair` and the note any command prints when
/// it finished an interrupted update on opening the ledger.
enum RepairText {
    static func recovered(_ r: CloneRepair) -> String {
        var out = "note: an earlier command was stopped"
            + (r.interrupted.map { " after committing \($0.short)" } ?? "")
            + " and before writing its files; wrote \(Plural.count(r.restored.count, "file")) from HEAD"
        if !r.keptEdits.isEmpty {
            out += "; left your edits in \(r.keptEdits.joined(separator: ", ")) (see `git diff`)"
        }
        return out
    }

    static func report(_ r: CloneRepair, dryRun: Bool) -> String {
        var lines: [String] = []
        if r.restored.isEmpty {
            lines.append("Nothing to repair: no file holds an earlier version the tool wrote.")
        }
        if let commit = r.interrupted { lines.append("An earlier command was stopped after committing \(commit.short), before writing its files.") }
        if !r.restored.isEmpty {
            lines.append((dryRun ? "Would restore" : "Restored") + " \(Plural.count(r.restored.count, "file")) from HEAD:")
            lines += r.restored.prefix(20).map { "  \($0)" }
            if r.restored.count > 20 { lines.append("  … and \(r.restored.count - 20) more") }
        }
        if !r.keptEdits.isEmpty {
            lines.append("Left as they are (your own edits; see `git diff` and `git diff --cached`):")
            lines += r.keptEdits.prefix(20).map { "  \($0)" }
            if r.keptEdits.count > 20 { lines.append("  … and \(r.keptEdits.count - 20) more") }
        }
        if dryRun { lines.append("Nothing was changed (--dry-run).") }
        return lines.joined(separator: "\n")
    }
}
