import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve drafts by committing them exactly as they stand (your edits included), authored by you.",
        discussion: "Committing a draft with plain `git commit` is equally an approval. Only approved bytes are ever sent.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Cases (invoice numbers), customers (slug or name) or draft paths to approve.")
    var keys: [String] = []

    @Flag(help: "Approve every draft awaiting review.")
    var all = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if keys.isEmpty && !all { throw ValidationError("name the cases or customers to approve, or pass --all (see `duetrail review`)") }
        if !keys.isEmpty && all { throw ValidationError("give either names or --all, not both") }
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.approve(keys: keys) }
        if json {
            struct Out: Encodable { var approved: [String]; var cases: [String]; var commit: String? }
            Terminal.print(JSON.render(Out(approved: result.drafts.map(\.path), cases: result.drafts.flatMap(\.pending.caseNumbers), commit: result.outcome?.commit.hex)))
            return
        }
        guard let outcome = result.outcome else {
            let onBranches = try guarded { try ReviewBranchHint.text(ledger) }
            Terminal.print("Nothing to approve" + (onBranches.isEmpty ? "" : " here") + ": no drafts awaiting review" + (onBranches.isEmpty ? "." : " in the working tree."))
            Terminal.print(onBranches, terminator: "")
            return
        }
        Terminal.print("Approved \(result.drafts.count) draft\(result.drafts.count == 1 ? "" : "s") in commit \(outcome.commit.short):")
        for d in result.drafts { Terminal.print("  \(d.path) (\(d.pending.caseNumbers.joined(separator: ", ")))") }
    }
}
