import DueTrailCore
import Foundation
import GitStore

/// One thing `audit` found wrong, tied to the commit and the case it is about.
package struct AuditViolation: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case sentWithoutApproval = "sent-without-approval"
        case sentBytesDiffer = "sent-bytes-differ"
        case approvedByAutomation = "approved-by-automation"
        case eventRemoved = "event-removed"
        case eventAltered = "event-altered"
        case caseRemoved = "case-removed"
        case historyRewritten = "history-rewritten"
        case sentTwice = "recorded-sent-twice"
    }

    package let kind: Kind
    package let commit: ObjectID
    /// The case file or sent message concerned (empty for the whole history).
    package let path: String
    package let message: String

    package var description: String { "\(commit.short) \(path.isEmpty ? "" : path + ": ")\(message)" }
}

/// What an audit checked and found.
package struct AuditReport: Sendable {
    package var commitsChecked = 0
    package var sentChecked = 0
    /// The commit the walk started after (`--since`, or the last audit), nil for all history.
    package var since: ObjectID?
    package var head: ObjectID?
    package var violations: [AuditViolation] = []
    /// Whether `refs/duetrail/audited` now marks `head`.
    package var recorded = false
    /// Each sent message and who approved it, for the record.
    package var approvals: [(sent: String, approver: String, commit: ObjectID)] = []
}

extension Ledger {
    /// The ref marking the last commit an audit passed: the next audit starts there, and
    /// finds it rewritten if it is no longer in the history.
    package static let auditedRef = "refs/duetrail/audited"

    /// Walks the history of the current branch and checks what the ledger promises: every
    /// sent message's bytes were approved before they were sent (by a person, not the
    /// automation identity, or by an `auto` policy committed before the draft), no recorded
    /// event was later removed or altered, and the history since the last audit was not
    /// rewritten. A clean audit moves `refs/duetrail/audited` to HEAD (unless `record` is false).
    package func audit(since: String? = nil, record: Bool = true) throws(LedgerError) -> AuditReport {
        var report = AuditReport()
        let repo = repository
        // The mark belongs to the main branch: auditing a review branch neither reads nor moves it.
        let onMain = try branch() == mainBranch()
        let record = record && onMain
        do {
            guard let head = try repo.resolve(reference: try branch()) else { return report }
            report.head = head
            var start: ObjectID?
            if let since, since.isEmpty {
                start = nil  // --all
            } else if let since {
                guard let id = try repo.revision(since) else { throw LedgerError.notFound("--since: no commit `\(since)` in this ledger") }
                guard try repo.isAncestor(id, of: head) else { throw LedgerError.badRequest("--since: \(id.short) is not in the history of HEAD") }
                start = id
            } else if onMain, let audited = try repo.resolve(reference: Self.auditedRef) {
                if (try? repo.commit(audited)) != nil, try repo.isAncestor(audited, of: head) {
                    start = audited
                } else {
                    report.violations.append(AuditViolation(
                        kind: .historyRewritten, commit: audited, path: "",
                        message: "history was rewritten: the last audited commit \(audited.short) is no longer in the history of HEAD (a reset, rebase or force push); every commit was checked again"))
                }
            }
            report.since = start
            let commits = try repo.log(from: head, hiding: start).reversed()
            var checker = AuditChecker(ledger: self)
            // Messages recorded before the walk's start, so a second recording after it shows.
            if let start {
                for id in try repo.log(from: start) { checker.noteSent(in: try repo.commit(id)) }
            }
            for id in commits {
                report.commitsChecked += 1
                try checker.check(id, into: &report)
            }
        } catch let error as GitError {
            throw error.context("auditing")
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.internalFailure("auditing: \(error)")
        }
        if record, report.violations.isEmpty, let head = report.head {
            let current = try? repo.resolve(reference: Self.auditedRef)
            do {
                try repo.updateReference(Self.auditedRef, to: head, expected: current ?? nil, message: "audit: passed at \(head.short)")
                report.recorded = true
            } catch {
                throw error.context("recording the audit in \(Self.auditedRef)")
            }
        }
        return report
    }
}

/// The per-commit checks of an audit, with the parsed case files it has already read.
private struct AuditChecker {
    let ledger: Ledger
    var repo: Repository { ledger.repository }
    var cases: CaseFileCache

    init(ledger: Ledger) {
        self.ledger = ledger
        cases = CaseFileCache(repository: ledger.repository)
    }

    /// The commit that first recorded each Message-ID as sent.
    private var sentIn: [String: ObjectID] = [:]

    /// Records the Message-IDs a `send` commit says it delivered; the earlier commit of a
    /// Message-ID already seen, if any (a message recorded as sent twice).
    @discardableResult
    mutating func noteSent(in info: CommitInfo) -> [(messageID: String, first: ObjectID)] {
        var twice: [(String, ObjectID)] = []
        for messageID in Set(TrailerLines(info.message).sentMessageIDs).sorted() {
            if let first = sentIn[messageID], first != info.id { twice.append((messageID, first)) } else { sentIn[messageID] = info.id }
        }
        return twice
    }

    mutating func check(_ id: ObjectID, into report: inout AuditReport) throws {
        let info = try repo.commit(id)
        for (messageID, first) in noteSent(in: info) {
            report.violations.append(AuditViolation(
                kind: .sentTwice, commit: info.id, path: "",
                message: "message \(messageID) is recorded as sent a second time (first in \(first.short)): one delivery counted twice in the ledger and its reports"))
        }
        let parents = try info.parents.map { try repo.commit($0) }
        let changes = try repo.changedFiles(from: parents.first?.tree, to: info.tree)
        for path in changes.keys.sorted() {
            if LedgerFileMerge.isCaseFile(path) {
                try checkEvents(path: path, now: changes[path] ?? nil, commit: info, parents: parents, into: &report)
            } else if path.hasPrefix("sent/"), let blob = changes[path] ?? nil {
                // A merge bringing a teammate's sent message: checked where it was sent.
                if try parents.dropFirst().contains(where: { try repo.entry(at: path, inTree: $0.tree)?.id == blob }) { continue }
                report.sentChecked += 1
                try checkSent(path: path, blob: blob, commit: info, parent: parents.first, changes: changes, into: &report)
            }
        }
        // A merge can drop an event the second side added without touching the first side's file.
        for parent in parents.dropFirst() {
            for (path, blob) in try repo.changedFiles(from: parent.tree, to: info.tree) where LedgerFileMerge.isCaseFile(path) && changes[path] == nil {
                try checkEvents(path: path, now: blob, commit: info, parents: [parent], into: &report)
            }
        }
    }

    /// Every event any parent recorded is still there, unchanged.
    private mutating func checkEvents(path: String, now: ObjectID?, commit: CommitInfo, parents: [CommitInfo], into report: inout AuditReport) throws {
        var current: CaseFile??  // read only when a parent had the file: an import adds 100,000
        for parent in parents {
            guard let before = try repo.entry(at: path, inTree: parent.tree) else { continue }
            // A parent whose version did not read is compared through the last version that did.
            guard let old = try cases.file(before.id, path: path) ?? cases.lastReadable(path, from: parent.id) else { continue }
            guard now != nil else {
                if !old.events.isEmpty {
                    report.violations.append(AuditViolation(kind: .caseRemoved, commit: commit.id, path: path, message: "the case file was deleted with its \(old.events.count) recorded event\(old.events.count == 1 ? "" : "s") (by \(commit.author.name))"))
                }
                return
            }
            if current == nil { current = .some(try cases.file(now, path: path)) }
            guard let current = current ?? nil else { continue }  // unreadable now: `check` reports that; events cannot be compared
            let byID = Dictionary(current.events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for event in old.events {
                guard let still = byID[event.id] else {
                    report.violations.append(AuditViolation(kind: .eventRemoved, commit: commit.id, path: path, message: "event #\(event.id) was removed (by \(commit.author.name)): \(event.line)"))
                    continue
                }
                if still != event {
                    report.violations.append(AuditViolation(kind: .eventAltered, commit: commit.id, path: path, message: "event #\(event.id) was altered (by \(commit.author.name)): was `\(event.line)`, now `\(still.line)`"))
                }
            }
        }
    }

    /// A message recorded as sent must be the approved draft it replaced, approved before.
    private func checkSent(path: String, blob: ObjectID, commit: CommitInfo, parent: CommitInfo?, changes: [String: ObjectID?], into report: inout AuditReport) throws {
        // sent/YYYY/MM/<customer>/<file>[-n].eml came from outbox/<customer>/<file>.eml.
        let parts = path.split(separator: "/")
        guard parts.count == 5, let parent else {
            report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "recorded as sent, but no approved draft precedes it"))
            return
        }
        let customer = String(parts[3])
        let candidates = changes.filter { $0.key.hasPrefix("\(Ledger.outboxFolder)/\(customer)/") && $0.value == nil }.keys.sorted()
        let sentText = String(decoding: try repo.readBlob(blob), as: UTF8.self)
        var matched: (draftPath: String, draftBlob: ObjectID)?
        var differs: String?
        // Usually the send commit removes the draft it sent. When the draft was withdrawn
        // meanwhile (a payment during the send), it is found a little further back.
        var sources: [(path: String, tree: ObjectID, commit: ObjectID)] = candidates.map { ($0, parent.tree, parent.id) }
        if sources.isEmpty {
            let file = String(parts[4])
            var names = ["\(Ledger.outboxFolder)/\(customer)/\(file)"]
            if let dash = file.lastIndex(of: "-"), file.hasSuffix(".eml"), Int(file[file.index(after: dash)...].dropLast(4)) != nil {
                names.append("\(Ledger.outboxFolder)/\(customer)/\(file[..<dash]).eml")
            }
            var cursor: ObjectID? = parent.id
            for _ in 0..<50 {
                guard let id = cursor else { break }
                let info = try repo.commit(id)
                if let name = try names.first(where: { try repo.entry(at: $0, inTree: info.tree) != nil }) {
                    sources = [(name, info.tree, id)]
                    break
                }
                cursor = info.parents.first
            }
        }
        var matchedFrom: ObjectID = parent.id
        for (draftPath, tree, from) in sources {
            guard let draft = try repo.entry(at: draftPath, inTree: tree) else { continue }
            let draftText = String(decoding: try repo.readBlob(draft.id), as: UTF8.self)
            if Self.sameMessage(draft: draftText, path: draftPath, sent: sentText, timezone: ledger.config.timezone) {
                matched = (draftPath, draft.id)
                matchedFrom = from
                break
            }
            differs = draftPath
        }
        guard let matched else {
            if let differs {
                report.violations.append(AuditViolation(kind: .sentBytesDiffer, commit: commit.id, path: path, message: "what was sent is not what was approved in \(differs)"))
            } else {
                report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "recorded as sent (by \(commit.author.name)), but no approved draft was committed before it"))
            }
            return
        }
        guard let approval = try ledger.approvalCommit(path: matched.draftPath, blob: matched.draftBlob, from: matchedFrom) else {
            report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "\(matched.draftPath) was never approved"))
            return
        }
        let approver = try repo.commit(approval)
        let trailers = TrailerLines(approver.message)
        if trailers.values(.reviewBranch).isEmpty == false && approver.parents.count < 2 {
            report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "\(matched.draftPath) was proposed on a review branch (\(approval.short)) but no merge approved it"))
            return
        }
        if trailers.approvedByPolicy {
            if try policyAllowed(customer: customer, draftPath: matched.draftPath, approval: approver) {
                report.approvals.append((path, "policy (\(customer))", approval))
            } else {
                report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "\(matched.draftPath) claims approval by policy in \(approval.short), but no auto policy for \(customer) was committed before it"))
            }
            return
        }
        if let automation = ledger.config.automationEmail, approver.author.email.lowercased() == automation.lowercased() {
            report.violations.append(AuditViolation(kind: .approvedByAutomation, commit: commit.id, path: path, message: "\(matched.draftPath) was approved in \(approval.short) by the automation identity \(automation), not a person"))
            return
        }
        report.approvals.append((path, "\(approver.author.name) <\(approver.author.email)>", approval))
    }

    /// Whether `customer` followed an `auto` policy in the commit before the approval.
    private func policyAllowed(customer: String, draftPath: String, approval: CommitInfo) throws -> Bool {
        guard let before = approval.parents.first else { return false }
        let tree = try repo.commit(before).tree
        if let entry = try repo.entry(at: "customers/\(customer).yaml", inTree: tree),
            case .success(let file) = CustomerFile.parse(String(decoding: try repo.readBlob(entry.id), as: UTF8.self), path: "customers/\(customer).yaml", slug: customer),
            file.policy == .auto
        {
            return true
        }
        // A cadence step approved by the cadence itself (`approval: auto`), as committed in
        // the parent, for the cadence this customer follows.
        guard let entry = try repo.entry(at: CadenceBook.fileName, inTree: tree),
            let book = try? CadenceBook.parse(String(decoding: try repo.readBlob(entry.id), as: UTF8.self))
        else { return false }
        var cadenceName: String?
        if let file = try repo.entry(at: "customers/\(customer).yaml", inTree: tree),
            case .success(let parsed) = CustomerFile.parse(String(decoding: try repo.readBlob(file.id), as: UTF8.self), path: "customers/\(customer).yaml", slug: customer)
        {
            cadenceName = parsed.cadence
        }
        // outbox/<customer>/YYYY-MM-DD-<step>.eml
        let name = ((draftPath as NSString).lastPathComponent as NSString).deletingPathExtension
        let step = name.count > 11 ? String(name.dropFirst(11)) : name
        return book.steps(of: cadenceName)?.contains { $0.id == step && $0.approval == .auto } == true
    }

    /// Whether `sent` is what `send` makes of `draft`: the same bytes but for the Date header
    /// stamped at sending, under whichever encoding the server allowed.
    static func sameMessage(draft: String, path: String, sent: String, timezone: TimeZone) -> Bool {
        func withoutDate(_ text: String) -> String {
            // Only the header's Date; a body line that starts the same way is content.
            var inHeader = true
            return text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .filter { line in
                    if line.isEmpty { inHeader = false }
                    return !(inHeader && line.hasPrefix("Date: "))
                }.joined(separator: "\n")
        }
        let target = withoutDate(sent)
        for eight in [true, false] {
            for utf8 in [true, false] {
                guard let prepared = try? OutgoingMessage.prepare(draft: draft, path: path, date: Date(timeIntervalSince1970: 0), timezone: timezone,
                    capabilities: .init(eightBitMIME: eight, smtpUTF8: utf8))
                else { continue }
                if withoutDate(prepared.text) == target { return true }
            }
        }
        return false
    }
}
