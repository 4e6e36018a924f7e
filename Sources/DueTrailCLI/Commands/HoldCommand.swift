import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Put a customer on hold: nothing is drafted for any of its cases.",
        discussion: """
            For a negotiation, or another debt with an agency. One commit that writes `hold:` into \
            customers/<slug>.yaml; approved drafts for the customer are withdrawn in it (with the \
            reason on each case), drafts awaiting review are kept aside in .git/duetrail/held/. \
            `duetrail release` ends it; with --until it ends by itself on that day. Steps that came \
            due meanwhile catch up when it ends.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The customer's slug (as in customers/<slug>.yaml).")
    var customer: String

    @Option(help: ArgumentHelp("Why (kept in the customer file and the commit).", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("Release by itself on this day.", valueName: "YYYY-MM-DD"))
    var until: String?

    func run() throws {
        let ledger = try options.open()
        let date = try until.map { try CaseActionOutput.date($0, option: "--until") }
        let result = try guarded { try ledger.hold(customer.lowercased(), reason: reason, until: date) }
        Terminal.print("\(result.file.name) is \(result.file.hold?.phrase ?? "on hold")")
        for path in result.withdrawn { Terminal.print("Withdrew \(path): the customer is on hold") }
        if let commit = result.outcome?.commit { Terminal.print("Commit \(commit.short)") }
    }
}

struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release a customer from hold: its cases follow the cadence again.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The customer's slug.")
    var customer: String

    @Option(help: ArgumentHelp("Why now (goes in the commit).", valueName: "text"))
    var note: String

    func validate() throws {
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--note must say why") }
    }

    func run() throws {
        let ledger = try options.open()
        let result = try guarded { try ledger.release(customer.lowercased(), note: note) }
        Terminal.print("\(result.file.name) is released; its cases follow the cadence again.")
        if let commit = result.outcome?.commit { Terminal.print("Commit \(commit.short)") }
    }
}
