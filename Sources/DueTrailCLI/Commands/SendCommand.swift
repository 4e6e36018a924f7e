import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send the approved reminders (as committed in HEAD), each at most once.",
        discussion: """
            Sends the drafts committed in outbox/ through the transport in duetrail.yaml (a Maildir \
            folder unless a team configures sendmail or SMTP). Only the approved bytes from HEAD go \
            out; a working copy edited since approval is reported and kept aside. Each case is \
            checked again first: a draft for a case that is paid, closed, disputed, escalated, \
            promised, snoozed or awaiting a reply is withdrawn with the reason on the case.

            What went out is kept under sent/YYYY/MM/, each case gets a `sent` event with the \
            Message-ID and the server's answer, and the draft leaves the outbox, in commits made by \
            you. The intent to send is written to disk before each message is handed over, so a \
            crash can never cause a second copy: a message whose delivery is uncertain is listed \
            and waits until you settle it with --mark-delivered or --retry.

            Exit status: 0 when everything due went out; 2 when a message was refused or its \
            delivery is uncertain; 1 when the transport could not be used at all.
            """)

    @OptionGroup var options: LedgerOptions

    @Flag(name: .customLong("dry-run"), help: "Show what would be sent and withdrawn; send and change nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Send at most this many messages now; the rest wait for the next run.", valueName: "n"))
    var limit: Int?

    @Option(name: .customLong("mark-delivered"), help: ArgumentHelp("An uncertain delivery did go out: record it as sent (journal id, Message-ID or draft path); repeatable.", valueName: "id"))
    var markDelivered: [String] = []

    @Option(help: ArgumentHelp("An uncertain delivery did not go out: send it again in this run; repeatable.", valueName: "id"))
    var retry: [String] = []

    @Flag(help: "Print the SMTP conversation on standard error (passwords masked).")
    var verbose = false

    @Flag(help: "Print what was done as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit takes a positive number") }
    }

    func run() throws {
        let ledger = try options.open()
        var sendOptions = SendOptions()
        sendOptions.dryRun = dryRun
        sendOptions.limit = limit
        sendOptions.markDelivered = markDelivered
        sendOptions.retry = retry
        if let fault = options.environment["DUETRAIL_FAULT"], !fault.isEmpty {
            guard let f = SendFault(rawValue: fault) else {
                throw CLIError("DUETRAIL_FAULT is one of \(SendFault.allCases.map(\.rawValue).joined(separator: ", ")) (a switch for tests)")
            }
            sendOptions.fault = f
        }
        if let batch = options.environment["DUETRAIL_SEND_BATCH"].flatMap(Int.init), batch > 0 { sendOptions.batchSize = batch }
        let transport = try guarded { try Transports.make(for: ledger, verbose: verbose) }
        let run = try guarded { try ledger.send(sendOptions, transport: transport) }
        if json {
            Terminal.print(JSON.render(SendJSON(run)))
        } else {
            Terminal.print(Self.report(run, dryRun: dryRun), terminator: "")
        }
        if run.unavailable != nil { throw ExitCode.failure }
        if !run.failed.isEmpty || !run.uncertain.isEmpty { throw ExitCode(2) }
    }

    /// The summary a person reads; shared with `demo`.
    static func report(_ run: SendRun, dryRun: Bool) -> String {
        var out = ""
        if !run.recovered.isEmpty {
            out += "Recorded \(run.recovered.count) message\(run.recovered.count == 1 ? "" : "s") delivered by an earlier run that stopped before recording:\n"
            for m in run.recovered { out += "  \(m.draftPath) → \(m.sentPath)\n" }
        }
        if !run.released.isEmpty { out += "Released for sending again: \(run.released.joined(separator: ", "))\n" }
        if dryRun {
            out += run.wouldSend.isEmpty ? "Nothing approved to send.\n" : "Would send \(run.wouldSend.count) approved message\(run.wouldSend.count == 1 ? "" : "s") via \(run.transport):\n"
            for path in run.wouldSend { out += "  \(path)\n" }
            for w in run.withdrawn { out += "Would withdraw \(w.path): \(w.reason)\n" }
        } else {
            if !run.sent.isEmpty {
                out += "Sent \(run.sent.count) message\(run.sent.count == 1 ? "" : "s") via \(run.transport):\n"
                for m in run.sent.prefix(50) {
                    out += "  \(m.draftPath) → \(m.recipients.joined(separator: ", ")): \(m.receipt.answer)\n"
                    for r in m.receipt.refused { out += "    refused for \(r.recipient): \(r.answer) — fix the address in customers/\(m.customer).yaml\n" }
                }
                if run.sent.count > 50 { out += "  … and \(run.sent.count - 50) more\n" }
                out += "  kept under sent/; recorded in commit\(run.commits.count == 1 ? "" : "s") \(run.commits.map(\.short).joined(separator: ", "))\n"
            } else if run.unavailable == nil && run.failed.isEmpty && run.uncertain.isEmpty && run.withdrawn.isEmpty && run.recovered.isEmpty {
                out += "Nothing approved to send.\n"
            }
            for w in run.withdrawn { out += "Withdrawn \(w.path): \(w.reason) (recorded on the case)\n" }
        }
        for e in run.editedAfterApproval {
            out += "Note: \(e.path) was edited after approval; the approved version was sent. Your edit is kept at \(e.keptAt):\n"
            let lines = e.diff.split(separator: "\n", omittingEmptySubsequences: false).filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }
            for line in lines.prefix(20) { out += "    \(line)\n" }
            if lines.count > 20 { out += "    … \(lines.count - 20) more changed lines\n" }
        }
        if !run.failed.isEmpty {
            out += "Not sent (still approved; sent on the next run once fixed):\n"
            for f in run.failed { out += "  \(f.path): \(f.reason)\n" }
        }
        if let why = run.unavailable { out += "error: cannot send via \(run.transport): \(why)\n" }
        if run.leftForLater > 0 { out += "\(run.leftForLater) more approved message\(run.leftForLater == 1 ? "" : "s") left for the next run (--limit).\n" }
        if !run.uncertain.isEmpty {
            out += "Delivery uncertain (\(run.uncertain.count)): handed over, but whether it arrived is not known. Not sent again until you settle it:\n"
            for u in run.uncertain {
                out += "  \(u.id)  \(u.draftPath)  \(u.messageID)  to \(u.recipients.joined(separator: ", ")), since \(u.since)\n    \(u.reason)\n"
            }
            out += "Check the recipient's mailbox or the server's log, then:\n"
            out += "  duetrail send --mark-delivered ID   (it went out: record it as sent)\n"
            out += "  duetrail send --retry ID            (it did not: send it again)\n"
        }
        return out
    }
}

/// `send --json`.
struct SendJSON: Encodable {
    struct Sent: Encodable {
        var id: String, draft: String, sent: String, messageId: String, customer: String, cases: [String], recipients: [String], answer: String
        var refused: [String: String]
    }
    struct Problem: Encodable { var path: String; var reason: String }
    struct Uncertain: Encodable { var id: String; var draft: String; var messageId: String; var recipients: [String]; var since: String; var reason: String }
    var transport: String
    var sent: [Sent]
    var recovered: [Sent]
    var withdrawn: [Problem]
    var failed: [Problem]
    var uncertain: [Uncertain]
    var wouldSend: [String]
    var leftForLater: Int
    var unavailable: String?
    var commits: [String]

    init(_ run: SendRun) {
        func row(_ m: SentMessage) -> Sent {
            Sent(id: m.id, draft: m.draftPath, sent: m.sentPath, messageId: m.messageID, customer: m.customer, cases: m.caseNumbers,
                recipients: m.recipients, answer: m.receipt.answer, refused: Dictionary(m.receipt.refused.map { ($0.recipient, $0.answer) }) { a, _ in a })
        }
        transport = run.transport
        sent = run.sent.map(row)
        recovered = run.recovered.map(row)
        withdrawn = run.withdrawn.map { Problem(path: $0.path, reason: $0.reason) }
        failed = run.failed.map { Problem(path: $0.path, reason: $0.reason) }
        uncertain = run.uncertain.map { Uncertain(id: $0.id, draft: $0.draftPath, messageId: $0.messageID, recipients: $0.recipients, since: $0.since, reason: $0.reason) }
        wouldSend = run.wouldSend
        leftForLater = run.leftForLater
        unavailable = run.unavailable
        commits = run.commits.map(\.hex)
    }
}
