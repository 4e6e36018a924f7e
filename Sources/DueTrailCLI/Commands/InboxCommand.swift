import ArgumentParser
import DueTrailCore
import DueTrailLedger
import DueTrailMail
import Foundation

/// `duetrail inbox …`: customers' answers from a mailbox onto their cases.
struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Read customers' replies from a Maildir folder or mbox file and put them on their cases.",
        subcommands: [InboxImportCommand.self, InboxUnmatchedCommand.self, InboxAssignCommand.self])
}

struct InboxImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Match each message to its cases (by the reminder it answers, an invoice number in its subject, or its sender) and record it, in one commit.",
        discussion: """
            A person's reply pauses the case's cadence until someone acknowledges it (`duetrail \
            ack`, or any action on the case). Auto-replies and bounces are recorded but do not \
            pause; a bounce marks the address as failing. Messages no case was found for are kept \
            under inbox/unmatched/ (`duetrail inbox unmatched`). Importing a message twice records \
            it once.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "A Maildir folder (with cur/ and new/) or an mbox file.")
    var path: String

    @Flag(help: "Print what was done as JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        let mailbox: Mailbox.Contents
        do {
            mailbox = try Mailbox.read(path)
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        let messages = mailbox.messages
        var result = try guarded { try ledger.importReplies(messages.map { ($0.source, $0.bytes) }) }
        // Entries that were not read at all (a FIFO, a folder, a device): listed like messages that do not parse.
        result.failed = mailbox.unreadable.map { .init(source: $0.source, reason: $0.reason) } + result.failed
        if json {
            struct Out: Encodable {
                struct Item: Encodable { let source, kind, from, subject, method, path: String; let cases: [String] }
                struct Other: Encodable { let source, from, subject, path: String }
                struct Problem: Encodable { let source, reason: String }
                let recorded: [Item]; let unmatched: [Other]; let failed: [Problem]; let duplicates: Int; let commit: String?
            }
            Terminal.print(JSON.render(Out(
                recorded: result.recorded.map { .init(source: $0.source, kind: $0.kind, from: $0.from, subject: $0.subject, method: $0.method, path: $0.path, cases: $0.cases) },
                unmatched: result.unmatched.map { .init(source: $0.source, from: $0.from, subject: $0.subject, path: $0.path) },
                failed: result.failed.map { .init(source: $0.source, reason: $0.reason) }, duplicates: result.duplicates, commit: result.commit?.hex)))
        } else {
            for r in result.recorded {
                Terminal.print("\(r.kind) from \(r.from.controlCharactersAsSpaces) on \(r.cases.joined(separator: ", ")) (by \(r.method)): \(r.subject)")
            }
            for u in result.unmatched { Terminal.print("unmatched: \(u.from.controlCharactersAsSpaces): \(u.subject) (kept as \(u.path))") }
            for f in result.failed { Terminal.error("\(f.source): \(f.reason); skipped, the rest were imported") }
            var summary = "\(messages.count + mailbox.unreadable.count) message(s): \(result.recorded.count) recorded, \(result.unmatched.count) unmatched, \(result.duplicates) already imported"
            if result.own > 0 { summary += ", \(result.own) of our own (left alone)" }
            if !result.failed.isEmpty { summary += ", \(result.failed.count) unreadable" }
            Terminal.print(summary + (result.commit.map { "; commit \($0.short)" } ?? "; nothing new to commit"))
        }
        if !result.failed.isEmpty { throw ExitCode(2) }
    }
}

struct InboxUnmatchedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unmatched", abstract: "List the messages no case was found for.")

    @OptionGroup var options: LedgerOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        let messages = try guarded { try ledger.unmatchedMessages() }
        if json {
            struct Out: Encodable { let path, kind, from, subject, date: String; let failed, delayed: [String] }
            Terminal.print(JSON.render(messages.map {
                Out(path: $0.path, kind: $0.message?.kindName ?? "unreadable", from: $0.message?.from?.email ?? "", subject: $0.message?.subject ?? "",
                    date: $0.message?.header("Date") ?? "", failed: $0.message?.failedRecipients ?? [], delayed: $0.message?.delayedRecipients ?? [])
            }))
            return
        }
        if messages.isEmpty { Terminal.print("No unmatched messages.") }
        for (path, message) in messages {
            // A bounce names the addresses it is about, so a person can tell whose it is.
            let named = (message?.failedRecipients ?? []) + (message?.delayedRecipients ?? [])
            let about = named.isEmpty ? "" : "  (" + named.joined(separator: ", ") + ")"
            Terminal.print("\(path)  \(message?.kindName ?? "unreadable")  \((message?.header("Date") ?? "").controlCharactersAsSpaces)  \((message?.from?.email ?? "?").controlCharactersAsSpaces)  \((message?.subject ?? "(unreadable)").controlCharactersAsSpaces)\(about.controlCharactersAsSpaces)")
        }
    }
}

struct InboxAssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "File an unmatched message onto a case: it moves to replies/<customer>/ and the case gets the reply (one commit).")

    @OptionGroup var options: LedgerOptions

    @Argument(help: ArgumentHelp("The message: its path from `inbox unmatched`, its file name, or a unique prefix.", valueName: "message"))
    var message: String

    @Argument(help: ArgumentHelp("The case (invoice number); several of one customer's cases may be named.", valueName: "case"))
    var cases: [String]

    func run() throws {
        let ledger = try options.open()
        let (path, kind, result) = try guarded { try ledger.assignMessage(message, to: cases) }
        for c in result.cases { Terminal.print("Filed \(path) on \(c.facts.number) as a \(kind.wireName)") }
        if kind == .reply { Terminal.print("The cadence for \(result.cases.map(\.facts.number).joined(separator: ", ")) waits until someone acts on the reply (a note, `duetrail ack`, …).") }
        if let commit = result.commit { Terminal.print("Commit \(commit.short)") }
    }
}
