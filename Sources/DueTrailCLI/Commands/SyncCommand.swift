import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Share the ledger with the team: fetch, merge by meaning, push.",
        discussion: """
            Fetches the remote, then fast-forwards or makes a merge commit (never a rebase: \
            published commits are never rewritten) and pushes; when someone pushed in between, \
            it fetches and merges again. Case files both sides changed are merged by meaning: \
            events are united, facts merge one by one, identical drafts are one.

            When the same fact changed two ways (say the amount), nothing is merged or pushed \
            and each conflict is listed with both values. Settle it by running \
            `duetrail sync --take theirs INV-1042` (or --take ours), or edit the case file to \
            the value you want, commit it, and run `duetrail sync --take ours INV-1042`. Each \
            --take settles what it names with its own side, in one run: \
            `--take theirs INV-1042 --take ours acme-gmbh` (an invoice number, a customer slug \
            for all that customer's conflicted files, or a path); a --take with no names settles \
            every conflict the others do not name. A name that is not in conflict is refused. \
            Exit status: 0 synced, 1 error, 3 conflicts to settle.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: "The remote to sync with.")
    var remote = "origin"

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Settle conflicts by keeping this side's values (ours or theirs) for the cases, customers or paths named after it; none named: every conflict. Repeat for each side.",
            valueName: "side [name…]"))
    var take: [String] = []

    @Argument(help: "With one --take: more cases (invoice numbers, customer slugs or paths) to settle with it.")
    var cases: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if take.isEmpty && !cases.isEmpty { throw ValidationError("naming cases only makes sense with --take ours|theirs") }
        _ = try settlement()
    }

    /// `--take theirs A B --take ours C` as one choice per side; nil without --take.
    func settlement() throws -> SyncSettlement? {
        guard !take.isEmpty else { return nil }
        var choices: [SyncSettlement.Choice] = []
        for word in take {
            if let side = CaseMerge.Side(rawValue: word.lowercased()) {
                choices.append(SyncSettlement.Choice(side: side, keys: []))
            } else if choices.isEmpty {
                throw ValidationError("--take is followed by the side to keep, ours or theirs, then the names: --take theirs \(word)")
            } else {
                choices[choices.count - 1].keys.append(word)
            }
        }
        if !cases.isEmpty {
            guard choices.count == 1 else {
                throw ValidationError("with several --take, put each name after its side: --take theirs INV-1042 --take ours \(cases[0])")
            }
            choices[0].keys += cases
        }
        if choices.filter(\.keys.isEmpty).count > 1 {
            throw ValidationError("only one --take may go without names (it settles every conflict the others do not name)")
        }
        var sides: [String: CaseMerge.Side] = [:]
        for choice in choices {
            for key in choice.keys {
                if let other = sides[key], other != choice.side {
                    throw ValidationError("`\(key)` is named with both --take ours and --take theirs; keep one")
                }
                sides[key] = choice.side
            }
        }
        return SyncSettlement(choices)
    }

    func run() throws {
        let ledger = try options.open()
        let report = try guarded {
            try ledger.sync(remote: remote, access: RemoteAccessSetup.make(), settlement: try settlement())
        }
        if json {
            Terminal.print(JSON.render(SyncOutput(report)))
        } else {
            print(report)
        }
        if report.outcome == .conflicts { throw ExitCode(3) }
    }

    private func print(_ r: SyncReport) {
        let target = "\(r.remote)/\(r.branch)"
        switch r.outcome {
        case .upToDate: Terminal.print("Already in step with \(target) (\(r.after?.short ?? "empty")).")
        case .fastForwarded: Terminal.print("Took \(r.received) commit\(r.received == 1 ? "" : "s") from \(target); now at \(r.after?.short ?? "?").")
        case .pushed: Terminal.print("Pushed \(r.sent) commit\(r.sent == 1 ? "" : "s") to \(target); now at \(r.after?.short ?? "?").")
        case .merged:
            Terminal.print("Merged \(r.received) commit\(r.received == 1 ? "" : "s") from \(target) with \(r.mine) of yours in \(r.after?.short ?? "?"), and pushed.")
        case .conflicts:
            // A conflict met on a retry follows a merge this run already committed (not pushed).
            let done = r.before != r.after
                ? "nothing more was merged or pushed (this run's earlier merge \(r.after?.short ?? "") stays here, unpushed)" : "nothing was merged or pushed"
            Terminal.error("could not merge \(target): \(r.conflicts.count) conflict\(r.conflicts.count == 1 ? "" : "s"); \(done), and nothing of either side is lost")
            for c in r.conflicts {
                Terminal.note("  \(c.path): \(c.what)\n    ours:   \(c.ours)\n    theirs: \(c.theirs)")
            }
            Terminal.note("Settle each: `duetrail sync --take theirs CASE` keeps their value, `--take ours CASE` yours;"
                + " or edit the file to the value you want, commit, and `duetrail sync --take ours CASE`.")
        }
        if !r.mergedFiles.isEmpty {
            Terminal.print("Merged by meaning: \(r.mergedFiles.count) file\(r.mergedFiles.count == 1 ? "" : "s") both sides changed" + (r.mergedFiles.count <= 10 ? " (\(r.mergedFiles.joined(separator: ", ")))" : "") + ".")
        }
        for c in r.settled { Terminal.print("Settled \(c.path): \(c.what) (kept \(r.keptSides[c.path]?.rawValue ?? "?"))") }
        for k in r.keptAside { Terminal.print("Kept aside an untracked draft an incoming one replaced: \(k)") }
        if r.retries > 0 { Terminal.print("(\(r.remote) moved while syncing; merged again \(r.retries) time\(r.retries == 1 ? "" : "s").)") }
    }
}


/// `sync --json`.
struct SyncOutput: Encodable {
    struct Conflict: Encodable {
        let path, what, ours, theirs: String
        /// For a settled conflict: the side kept.
        var kept: String? = nil
    }
    let outcome, remote, branch: String
    let before, after: String?
    let received, sent, retries: Int
    let mergedFiles: [String]
    let conflicts: [Conflict]
    let settled: [Conflict]
    let keptAside: [String]

    init(_ r: SyncReport) {
        func c(_ x: CaseMerge.Conflict) -> Conflict { Conflict(path: x.path, what: x.what, ours: x.ours, theirs: x.theirs) }
        outcome = r.outcome.rawValue
        remote = r.remote
        branch = r.branch
        before = r.before?.hex
        after = r.after?.hex
        received = r.received
        sent = r.sent
        retries = r.retries
        mergedFiles = r.mergedFiles
        conflicts = r.conflicts.map(c)
        settled = r.settled.map { x in Conflict(path: x.path, what: x.what, ours: x.ours, theirs: x.theirs, kept: r.keptSides[x.path]?.rawValue) }
        keptAside = r.keptAside
    }
}
