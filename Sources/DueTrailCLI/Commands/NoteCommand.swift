import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a note to a case's timeline (one commit, authored by you).")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number.")
    var invoice: String

    @Argument(help: "The note.")
    var text: String

    func validate() throws {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the note is empty") }
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.note([invoice], text: text) }
        for c in result.cases {
            Terminal.print("Noted on \(c.facts.number) (\(c.path))" + (result.commit.map { ", commit \($0.short)" } ?? ""))
        }
    }
}
