import DueTrailCore
import Foundation
import GitStore

/// A switch for tests (`DUETRAIL_FAULT`): where `send` stops dead, as if the machine crashed.
package enum SendFault: String, Sendable, CaseIterable {
    /// After the intent is on disk, before the transport is called.
    case beforeDelivery = "before-delivery"
    /// After the server accepted the message, before anything else is recorded.
    case afterAccept = "after-accept"
    /// After the ledger commit recording a batch, before the journal says it was recorded.
    case afterRecording = "after-recording"
}

package struct SendOptions: Sendable {
    package var dryRun = false
    package var limit: Int?
    /// Uncertain deliveries a person says went out (journal id, Message-ID or draft path).
    package var markDelivered: [String] = []
    /// Uncertain deliveries a person says did not go: sent again by this run.
    package var retry: [String] = []
    package var fault: SendFault?
    /// Messages recorded per ledger commit.
    package var batchSize = 100

    package init() {}
}

/// One message that went out, as recorded in the ledger.
package struct SentMessage: Sendable {
    package let id: String
    package let draftPath: String
    package let sentPath: String
    package let messageID: String
    package let customer: String
    package let caseNumbers: [String]
    package let recipients: [String]
    package let receipt: DeliveryReceipt
}

/// A message the tool may or may not have delivered: it waits for a person.
package struct UncertainDelivery: Sendable {
    package let id: String
    package let draftPath: String
    package let messageID: String
    package let recipients: [String]
    /// When the attempt started (ISO 8601).
    package let since: String
    package let reason: String
}

/// What one `send` run did.
package struct SendRun: Sendable {
    package var sent: [SentMessage] = []
    /// Delivered by an earlier run that stopped before recording it; recorded now.
    package var recovered: [SentMessage] = []
    package var withdrawn: [(path: String, reason: String)] = []
    /// Certainly not delivered; the draft stays approved for the next run.
    package var failed: [(path: String, reason: String)] = []
    package var uncertain: [UncertainDelivery] = []
    /// Sent as approved although the working copy differs; the edit is kept at `keptAt`,
    /// `diff` shows it against what was approved (and sent).
    package var editedAfterApproval: [(path: String, keptAt: String, diff: String)] = []
    /// Approved drafts a dry run would send.
    package var wouldSend: [String] = []
    /// Left for a later run by `--limit`.
    package var leftForLater = 0
    /// The transport could not be used at all.
    package var unavailable: String?
    package var released: [String] = []
    package var commits: [ObjectID] = []
    package var transport = ""
}

extension Ledger {
    package static let sentFolder = "sent"

    /// Sends the approved drafts (the bytes committed in HEAD) through `transport`, records
    /// each in the ledger and removes it from the outbox. See `SendJournal` for why no message
    /// is ever sent twice.
    package func send(_ options: SendOptions, transport: MailTransport) throws(LedgerError) -> SendRun {
        try requireMainBranch()
        var run = SendRun()
        run.transport = transport.description
        let journal = SendJournal(gitDirectory: repository.gitDirectory)
        try journal.open()
        defer { journal.compact() }
        let identity = try identity()
        preloadSnapshot()

        // 1. What a person settles.
        for key in options.markDelivered {
            let entry = try uncertainEntry(key, in: journal)
            try journal.recordMarked(id: entry.id, by: identity.name)
        }
        for key in options.retry {
            let entry = try uncertainEntry(key, in: journal)
            try journal.recordReleased(id: entry.id, by: identity.name)
            run.released.append(entry.draftPath)
        }
        // 2. Delivered earlier but not yet in the ledger (a crash after the server's answer).
        let unrecorded = journal.all.filter(\.needsRecording)
        if !unrecorded.isEmpty && !options.dryRun {
            let headTree = try branchTip().map { (tip: ObjectID) throws(LedgerError) in try self.tree(ofBase: tip) }
            let before = try outbox(tree: headTree).drafts
            run.recovered = try recordSent(
                unrecorded, journal: journal, identity: identity, transport: transport.description, run: &run, drafts: before, fault: options.fault, recovering: true)
        }
        let uncertain = journal.all.filter(\.isUncertain)
        run.uncertain = uncertain.map {
            UncertainDelivery(id: $0.id, draftPath: $0.draftPath, messageID: $0.messageID, recipients: $0.recipients, since: $0.time,
                reason: $0.reason.isEmpty ? "the run stopped after recording the intent and before recording the server's answer" : $0.reason)
        }
        let blockedPaths = Set(uncertain.map(\.draftPath))
        let blockedIDs = Set(uncertain.map(\.messageID))

        // 3. The approved drafts in HEAD, each case re-checked.
        let base = try branchTip()
        let tree = try self.tree(ofBase: base)
        guard let base else { throw LedgerError.notALedger(root) }
        let snapshot: LedgerSnapshot
        if let early = preloadedSnapshot(of: base) { snapshot = early } else { snapshot = try self.snapshot(at: base) }
        // The promise grace and the step names come from cadence.yaml: a broken one stops the
        // run before anything is sent, as it stops `draft`.
        let setup: CadenceSetup? = try cadenceSetup(tree: tree)
        let (drafts, problems) = try outbox(tree: tree)
        let approvedBroken = problems.filter { p in (try? repository.entry(at: p.path, inTree: tree)) != nil }
        for p in approvedBroken { run.failed.append((p.path, p.description)) }
        var candidates: [OutboxDraft] = []
        var withdrawals: [(draft: OutboxDraft, reason: String)] = []
        let approved = drafts.filter { $0.committed != nil && !blockedPaths.contains($0.path) }
        let checked = try verdicts(approved, cases: snapshot.casesByNumber(), holds: snapshot.customerHolds, movedTo: nil, book: setup?.book)
        for draft in approved {
            switch checked[draft.path] {
            case nil: candidates.append(draft)
            case let why? where why.withdraw: withdrawals.append((draft, why.reason))
            case let why?: run.failed.append((draft.path, why.reason))
            }
        }
        if options.dryRun {
            run.withdrawn = withdrawals.map { ($0.draft.path, $0.reason) }
            let shown = options.limit.map { Array(candidates.prefix($0)) } ?? candidates
            run.wouldSend = shown.map(\.path)
            run.leftForLater = candidates.count - shown.count
            return run
        }
        if !withdrawals.isEmpty {
            try withdraw(withdrawals, identity: identity, names: snapshot.customerNames, book: setup?.book, run: &run)
        }

        // 4. Deliver, recording the intent first.
        var queue = candidates
        if let limit = options.limit, queue.count > limit {
            run.leftForLater = queue.count - limit
            queue = Array(queue.prefix(limit))
        }
        guard !queue.isEmpty else { return run }
        do {
            try transport.open()
        } catch {
            run.unavailable = error.description
            return run
        }
        defer { transport.close() }
        var delivered: [SendJournal.Entry] = []
        let timestamp = ISO8601DateFormatter().string(from: clock.instant)
        // The tip whose cases were checked; when someone else commits during the run (a payment,
        // a dispute, a rejection), the next message's cases and draft are checked again.
        var checkedTip = run.commits.last ?? base
        var ownTips: Set<ObjectID> = Set(run.commits)
        var latest: [String: (reason: String, withdraw: Bool)] = [:]
        for (index, draft) in queue.enumerated() {
            guard let approved = draft.committed else { continue }
            if let tip = try branchTip(), tip != checkedTip, !ownTips.contains(tip) {
                let now = try self.snapshot(at: tip)
                latest = try verdicts(Array(queue[index...]), cases: now.casesByNumber(), holds: now.customerHolds, movedTo: tip, book: setup?.book)
                checkedTip = tip
            }
            if let why = latest[draft.path] {
                if why.withdraw {
                    try withdraw([(draft, why.reason)], identity: identity, names: snapshot.customerNames, book: setup?.book, run: &run)
                    if let last = run.commits.last { ownTips.insert(last) }
                } else {
                    run.failed.append((draft.path, why.reason))
                }
                continue
            }
            let message: OutgoingMessage
            do throws(Diagnostic) {
                message = try OutgoingMessage.prepare(draft: approved, path: draft.path, date: clock.instant, timezone: config.timezone, capabilities: transport.capabilities)
            } catch {
                run.failed.append((draft.path, error.description))
                continue
            }
            if blockedIDs.contains(message.messageID) {
                run.failed.append((draft.path, "a message with this Message-ID may already have gone out (see the uncertain deliveries); settle that first"))
                continue
            }
            let blob: String
            do throws(GitError) { blob = try repository.entry(at: draft.path, inTree: tree)?.id.hex ?? "" } catch { throw error.context("reading \(draft.path)") }
            let id = StableHash.hex(message.messageID + "\n" + blob, length: 10)
            try journal.recordIntent(id: id, draftPath: draft.path, blob: blob, message: message, time: timestamp)
            if options.fault == .beforeDelivery { Self.crash() }
            let outcome: Result<DeliveryReceipt, DeliveryError>
            do throws(DeliveryError) {
                outcome = .success(try transport.deliver(message))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let receipt):
                if options.fault == .afterAccept { Self.crash() }
                try journal.recordSent(id: id, receipt: receipt)
            case .failure(.refused(let why)):
                try journal.recordFailed(id: id, reason: why)
                run.failed.append((draft.path, why))
                continue
            case .failure(.uncertain(let why)):
                try journal.recordUncertain(id: id, reason: why)
                run.uncertain.append(UncertainDelivery(id: id, draftPath: draft.path, messageID: message.messageID, recipients: message.recipients, since: timestamp, reason: why))
                continue
            case .failure(.unavailable(let why)):
                try journal.recordFailed(id: id, reason: why)
                run.unavailable = why
            }
            if run.unavailable != nil { break }
            if let entry = journal.entries[id] { delivered.append(entry) }
            if delivered.count >= options.batchSize {
                run.sent += try recordSent(delivered, journal: journal, identity: identity, transport: transport.description, run: &run, drafts: drafts, fault: options.fault)
                delivered = []
                if let last = run.commits.last { ownTips.insert(last) }
            }
        }
        if !delivered.isEmpty {
            run.sent += try recordSent(delivered, journal: journal, identity: identity, transport: transport.description, run: &run, drafts: drafts, fault: options.fault)
        }
        return run
    }

    /// Why each of `drafts` may not go, by path, and whether to withdraw it (a case no longer
    /// to be chased) or just leave it (its case does not read; or, given a newer tip the branch
    /// `movedTo`, the draft itself was changed or removed since this run began). Drafts that may go
    /// are absent.
    private func verdicts(
        _ drafts: [OutboxDraft], cases byNumber: [String: CaseSummary], holds: [String: CustomerHold], movedTo tip: ObjectID?, book: CadenceBook?
    ) throws(LedgerError) -> [String: (reason: String, withdraw: Bool)] {
        var out: [String: (reason: String, withdraw: Bool)] = [:]
        let tree = try tip.map { (t: ObjectID) throws(LedgerError) in try self.tree(ofBase: t) }
        var head = tip
        if head == nil { head = try branchTip() }
        let proposals = head.map { unapprovedProposals(drafts.filter { $0.committed != nil }.map(\.path), head: $0) } ?? [:]
        for draft in drafts {
            if let why = proposals[draft.path] {
                out[draft.path] = (why, false)
                continue
            }
            if let tip, let tree, try read(draft.path, inTree: tree) != draft.committed {
                out[draft.path] = ("the draft was changed or removed in \(tip.short) while this run was sending; run `send` again", false)
                continue
            }
            for number in draft.pending.caseNumbers {
                guard let c = byNumber[number] else {
                    out[draft.path] = (Self.missingCase(number), false)
                    break
                }
                // Its state cannot be known: held back (not withdrawn) until the file is fixed.
                if let u = c.unreadable {
                    out[draft.path] = ("\(number)'s case file does not read (\(u.headline)); fix it and run `send` again", false)
                    break
                }
                if let reason = c.state.reasonNotToChase(today: clock.today, promiseDeadline: book?.promiseDeadline ?? { $0 }) {
                    out[draft.path] = ("\(number) is \(reason)", true)
                    break
                }
            }
            if out[draft.path] != nil { continue }
            if let hold = holds[draft.pending.customer], hold.holds(on: clock.today) {
                out[draft.path] = ("the customer is \(hold.phrase)", true)
                continue
            }
            // An invoice the message lists beside its own must still be owed.
            for number in draft.pending.alsoListed {
                if let c = byNumber[number], let reason = c.state.inactiveReason ?? c.state.holds.disputedSince.map({ "disputed since \($0.iso)" }) {
                    out[draft.path] = ("\(number), listed in it, is \(reason)", true)
                    break
                }
            }
        }
        return out
    }

    /// Not sent and not withdrawn: nothing can be recorded on a case that does not read.
    static func missingCase(_ number: String) -> String {
        "\(number) is not in the ledger as committed (removed, or its case file does not read: see `duetrail check`)"
    }

    /// Stops the process at once, leaving files as a crash would (test switch only).
    static func crash() -> Never {
        FileHandle.standardError.write(Data("duetrail: DUETRAIL_FAULT: stopping here as a crash would\n".utf8))
        _exit(75)
    }

    private func uncertainEntry(_ key: String, in journal: SendJournal) throws(LedgerError) -> SendJournal.Entry {
        let hits = journal.all.filter { $0.isUncertain && ($0.id == key || $0.messageID == key || $0.messageID == "<\(key)>" || $0.draftPath == key) }
        guard let entry = hits.first else {
            let open = journal.all.filter(\.isUncertain)
            throw LedgerError.notFound("`\(key)` is not an uncertain delivery"
                + (open.isEmpty ? " (there are none)" : "; uncertain: " + open.map { "\($0.id) (\($0.draftPath))" }.joined(separator: ", ")))
        }
        return entry
    }

    /// One commit for `entries`: each message kept under `sent/`, its draft removed from the
    /// outbox, a `sent` event on each of its cases.
    private func recordSent(
        _ entries: [SendJournal.Entry], journal: SendJournal, identity: Identity, transport: String, run: inout SendRun, drafts: [OutboxDraft] = [],
        fault: SendFault? = nil, recovering: Bool = false
    ) throws(LedgerError) -> [SentMessage] {
        // A working copy edited after approval: what went out is the approved version; the
        // edit is kept aside (and reported) instead of being committed or lost.
        let edited = drafts.filter { d in entries.contains { $0.draftPath == d.path } && d.working != nil && d.workingDiffers }
        let head = try? repository.resolve(reference: try branch())
        let patches = (try? draftPatches(edited.map(\.path), tree: head.flatMap { try? repository.commit($0).tree })) ?? [:]
        for (path, copy) in keepAside(drafts: edited.map(\.path), in: "edited-after-approval") {
            run.editedAfterApproval.append((path, copy, patches[path]?.text ?? ""))
        }
        var recorded: [SentMessage] = []
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            let snapshot = try self.snapshot(at: base)
            let byNumber = snapshot.casesByNumber()
            // Only step names come from the cadence here: what was delivered is recorded even
            // when cadence.yaml broke since.
            let setup = try? cadenceSetup(tree: tree)
            recorded = []
            var change = ChangeSet(subject: "", trailers: [.action(.send), Trailer(.transport, transport)])
            var body: [String] = []
            let month = clock.eventDate
            for entry in entries {
                // The facts of the draft: from the journal's copy of the approved file's headers.
                let approved = (try? read(entry.draftPath, inTree: tree)) ?? nil
                let pending = approved.flatMap { try? DraftHeaders.parse($0, path: entry.draftPath).pending(path: entry.draftPath, approved: true) }
                    ?? Self.pendingFromPath(entry.draftPath)
                // A run stopped after its commit and before its journal said so: the ledger
                // already records this message; recording it again would count it twice.
                if recovering, try alreadyRecorded(entry, from: base) { continue }
                let fileName = (entry.draftPath as NSString).lastPathComponent
                let folder = "\(Self.sentFolder)/\(month.iso.prefix(4))/\(month.iso.dropFirst(5).prefix(2))/\(pending.customer)"
                var sentPath = "\(folder)/\(fileName)"
                var n = 2
                func taken(_ path: String) throws(LedgerError) -> Bool {
                    if change.files[path] != nil { return true }
                    return try read(path, inTree: tree) != nil
                }
                while try taken(sentPath) {
                    sentPath = "\(folder)/\((fileName as NSString).deletingPathExtension)-\(n).eml"
                    n += 1
                }
                change.files[sentPath] = entry.text
                let current: TreeEntry?
                do throws(GitError) { current = try repository.entry(at: entry.draftPath, inTree: tree) } catch { throw error.context("reading \(entry.draftPath)") }
                if let current, current.id.hex == entry.blob {
                    change.files[entry.draftPath] = .some(nil)
                }
                let refused = entry.refused.isEmpty ? "" : " (refused: " + entry.refused.map { "\($0.recipient) \($0.answer)" }.joined(separator: "; ") + ")"
                for number in pending.caseNumbers {
                    guard let summary = byNumber[number] else { continue }
                    // The follow-up to a broken promise records the promise's outcome first.
                    if let outcome = summary.state.promiseOutcome(endedBy: pending.step(for: number), at: clock, who: identity.name) {
                        try append(outcome, to: summary, tree: tree, into: &change)
                    }
                    let event = clock.event(
                        .sent,
                        [
                            (.step, pending.step(for: number)), (.messageID, entry.messageID),
                            (.to, entry.recipients.joined(separator: ", ")), (.answer, entry.answer + refused), (.file, sentPath),
                        ],
                        who: identity.name)
                    try append(event, to: summary, tree: tree, into: &change)
                    change.trailers.append(.caseNumber(number))
                }
                change.trailers.append(Trailer(.messageID, entry.messageID))
                body.append("\(entry.draftPath) → \(sentPath): \(entry.answer)\(refused)")
                recorded.append(SentMessage(
                    id: entry.id, draftPath: entry.draftPath, sentPath: sentPath, messageID: entry.messageID, customer: pending.customer,
                    caseNumbers: pending.caseNumbers, recipients: entry.recipients, receipt: DeliveryReceipt(answer: entry.answer, refused: entry.refused)))
            }
            if recorded.isEmpty { return nil }
            if recorded.count == 1, let only = recorded.first {
                let step = Self.pendingFromPath(only.draftPath).step
                change.subject = "send: " + Self.describe(
                    step: setup?.book.stepName(step) ?? step, customer: snapshot.customerNames[only.customer] ?? only.customer, numbers: only.caseNumbers)
            } else {
                change.subject = "send: \(recorded.count) reminders"
            }
            change.body = body.joined(separator: "\n")
            return change
        }
        if let outcome { run.commits.append(outcome.commit) }
        if fault == .afterRecording { Self.crash() }
        // Entries found recorded already are settled too (nothing was committed for them).
        let tip = outcome?.commit ?? (try? repository.resolve(reference: try branch())) ?? nil
        try journal.recordRecorded(ids: entries.map(\.id), commit: tip?.hex ?? "-")
        return recorded
    }

    /// Whether a `send` commit in the branch's history already records the message's
    /// Message-ID: every ancestor (a teammate's merge may have put that commit on a second
    /// parent), newest first, at most 20,000 commits. Asked only of messages an earlier run
    /// delivered and did not mark recorded.
    private func alreadyRecorded(_ entry: SendJournal.Entry, from base: ObjectID?) throws(LedgerError) -> Bool {
        guard let base else { return false }
        do throws(GitError) {
            for id in try repository.log(from: base, limit: 20_000) {
                if TrailerLines(try repository.commit(id).message).sentMessageIDs.contains(entry.messageID) { return true }
            }
        } catch {
            throw error.context("reading what earlier sends recorded")
        }
        return false
    }

    /// `outbox/acme-gmbh/2026-11-30-nudge.eml` → customer and step, when the file is gone.
    static func pendingFromPath(_ path: String) -> PendingDraft {
        let parts = path.split(separator: "/")
        let customer = parts.count >= 2 ? String(parts[parts.count - 2]) : ""
        let name = (String(parts.last ?? "") as NSString).deletingPathExtension
        let step = name.count > 11 ? String(name.dropFirst(11)) : name
        return PendingDraft(path: path, customer: customer, caseNumbers: [], step: step, date: CalendarDate(iso: String(name.prefix(10))) ?? CalendarDate(Date(timeIntervalSince1970: 0), in: .gmt), approved: true)
    }

    /// Removes the approved `draft` in `change` and records `withdrawn · not sent: <reason>` on
    /// each of its cases (as `cases` has them, in `tree`): how every withdrawal is written.
    func appendWithdrawal(
        of draft: PendingDraft, reason: String, cases byNumber: [String: CaseSummary], tree: ObjectID, who identity: Identity, into change: inout ChangeSet
    ) throws(LedgerError) {
        change.files[draft.path] = .some(nil)
        change.trailers.append(.draft(draft.path))
        for number in draft.caseNumbers {
            guard let summary = byNumber[number] else { continue }
            let event = clock.event(.withdrawn, [(.step, draft.step(for: number)), (.draft, draft.path)], text: "not sent: \(reason)", who: identity.name)
            try append(event, to: summary, tree: tree, into: &change)
            change.trailers.append(.caseNumber(number))
        }
    }

    /// Removes approved drafts whose cases must no longer be chased, with the reason on each case.
    private func withdraw(
        _ withdrawals: [(draft: OutboxDraft, reason: String)], identity: Identity, names: [String: String], book: CadenceBook?, run: inout SendRun
    ) throws(LedgerError) {
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            let byNumber = try snapshot(at: base).casesByNumber()
            var change = ChangeSet(subject: "", trailers: [.action(.withdraw)])
            var lines: [String] = []
            for (draft, reason) in withdrawals {
                try appendWithdrawal(of: draft.pending, reason: reason, cases: byNumber, tree: tree, who: identity, into: &change)
                lines.append("\(draft.path): \(reason)")
            }
            if withdrawals.count == 1, let only = withdrawals.first {
                let d = only.draft.pending
                change.subject = "withdraw: " + Self.describe(step: book?.stepName(d.step) ?? d.step, customer: names[d.customer] ?? d.customer, numbers: d.caseNumbers)
                    + ": \(only.reason)"
            } else {
                change.subject = "withdraw: \(withdrawals.count) approved reminders no longer due"
            }
            change.body = lines.joined(separator: "\n")
            return change
        }
        // Any working copy of a withdrawn draft that differed is left for the person as untracked.
        if let outcome { run.commits.append(outcome.commit) }
        run.withdrawn += withdrawals.map { ($0.draft.path, $0.reason) }
    }
}
