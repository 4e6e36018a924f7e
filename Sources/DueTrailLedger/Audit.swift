import DueTrailCore
import Foundation
import GitStore

/// One thing `audit` found wrong, tied to the commit and the case it is about.
public struct AuditViolation: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case sentWithoutApproval = "sent-without-approval"
        case sentBytesDiffer = "sent-bytes-differ"
        case approvedByAutomation = "approved-by-automation"
        case eventRemoved = "event-removed"
        case eventAltered = "event-altered"
        case caseRemoved = "case-removed"
        case historyRewritten = "history-rewritten"
    }

    public let kind: Kind
    public let commit: ObjectID
    /// The case file or sent message concerned (empty for the whole history).
    public let path: String
    public let message: String

    public var description: String { "\(commit.short) \(path.isEmpty ? "" : path + ": ")\(message)" }
}

/// What an audit checked and found.
public struct AuditReport: Sendable {
    public var commitsChecked = 0
    public var sentChecked = 0
    /// The commit the walk started after (`--since`, or the last audit), nil for all history.
    public var since: ObjectID?
    public var head: ObjectID?
    public var violations: [AuditViolation] = []
    /// Whether `refs/duetrail/audited` now marks `head`.
    public var recorded = false
    /// Each sent message and who approved it, for the record.
    public var approvals: [(sent: String, approver: String, commit: ObjectID)] = []
}

extension Ledger {
    /// The ref marking the last commit an audit passed: the next audit starts there, and
    /// finds it rewritten if it is no longer in the history.
    public static let auditedRef = "refs/duetrail/audited"

    /// Walks the history of the current branch and checks what the ledger promises: every
    /// sent message's bytes were approved before they were sent (by a person, not the
    /// automation identity, or by an `auto` policy committed before the draft), no recorded
    /// event was later removed or altered, and the history since the last audit was not
    /// rewritten. A clean audit moves `refs/duetrail/audited` to HEAD (unless `record` is false).
    public func audit(since: String? = nil, record: Bool = true) throws(LedgerError) -> AuditReport {
        var report = AuditReport()
        let repo = repository
        do {
            guard let head = try repo.resolve(reference: try branch()) else { return report }
            report.head = head
            var start: ObjectID?
            if let since, since.isEmpty {
                start = nil  // --all
            } else if let since {
                guard let id = try repo.revision(since) else { throw LedgerError.usage("--since: no commit `\(since)` in this ledger") }
                guard try repo.isAncestor(id, of: head) else { throw LedgerError.usage("--since: \(id.short) is not in the history of HEAD") }
                start = id
            } else if let audited = try repo.resolve(reference: Self.auditedRef) {
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
            for id in commits {
                report.commitsChecked += 1
                try checker.check(id, into: &report)
            }
        } catch let error as GitError {
            throw error.context("auditing")
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.usage("auditing: \(error)")
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
    var caseCache: [ObjectID: CaseFile?] = [:]

    init(ledger: Ledger) { self.ledger = ledger }

    mutating func check(_ id: ObjectID, into report: inout AuditReport) throws {
        let info = try repo.commit(id)
        let parents = try info.parents.map { try repo.commit($0) }
        let changes = try repo.changedFiles(from: parents.first?.tree, to: info.tree)
        for path in changes.keys.sorted() {
            if LedgerFileMerge.isCaseFile(path) {
                try checkEvents(path: path, now: changes[path] ?? nil, commit: info, parents: parents, into: &report)
            } else if path.hasPrefix("sent/"), let blob = changes[path] ?? nil {
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

    private mutating func caseFile(_ blob: ObjectID, path: String) throws -> CaseFile? {
        if let known = caseCache[blob] { return known }
        let text = String(decoding: try repo.readBlob(blob), as: UTF8.self)
        let parsed: CaseFile? = if case .success(let f) = CaseFile.parse(text, path: path) { f } else { nil }
        caseCache[blob] = parsed
        return parsed
    }

    /// Every event any parent recorded is still there, unchanged.
    private mutating func checkEvents(path: String, now: ObjectID?, commit: CommitInfo, parents: [CommitInfo], into report: inout AuditReport) throws {
        var current: CaseFile??  // read only when a parent had the file: an import adds 100,000
        for parent in parents {
            guard let before = try repo.entry(at: path, inTree: parent.tree), let old = try caseFile(before.id, path: path) else { continue }
            guard now != nil else {
                if !old.events.isEmpty {
                    report.violations.append(AuditViolation(kind: .caseRemoved, commit: commit.id, path: path, message: "the case file was deleted with its \(old.events.count) recorded event\(old.events.count == 1 ? "" : "s") (by \(commit.author.name))"))
                }
                return
            }
            if current == nil { current = .some(try now.flatMap { try caseFile($0, path: path) }) }
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
        for draftPath in candidates {
            guard let draft = try repo.entry(at: draftPath, inTree: parent.tree) else { continue }
            let draftText = String(decoding: try repo.readBlob(draft.id), as: UTF8.self)
            if Self.sameMessage(draft: draftText, path: draftPath, sent: sentText, timezone: ledger.config.timezone) {
                matched = (draftPath, draft.id)
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
        guard let approval = try approvalCommit(path: matched.draftPath, blob: matched.draftBlob, from: parent.id) else {
            report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "\(matched.draftPath) was never approved"))
            return
        }
        let approver = try repo.commit(approval)
        let trailers = CommitTrailers(approver.message)
        if trailers.values("DueTrail-Review-Branch").isEmpty == false && approver.parents.count < 2 {
            report.violations.append(AuditViolation(kind: .sentWithoutApproval, commit: commit.id, path: path, message: "\(matched.draftPath) was proposed on a review branch (\(approval.short)) but no merge approved it"))
            return
        }
        if trailers.values("DueTrail-Approved-By").contains("policy") {
            if try policyAllowed(customer: customer, approval: approver) {
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
    private func policyAllowed(customer: String, approval: CommitInfo) throws -> Bool {
        guard let before = approval.parents.first else { return false }
        let tree = try repo.commit(before).tree
        if let entry = try repo.entry(at: "customers/\(customer).yaml", inTree: tree),
            case .success(let file) = CustomerFile.parse(String(decoding: try repo.readBlob(entry.id), as: UTF8.self), path: "customers/\(customer).yaml", slug: customer),
            file.policy == .auto
        {
            return true
        }
        // A cadence-wide policy is named in the commit's DueTrail-Policy trailer, with the
        // blob it was at: it must be that file, committed in the parent.
        for named in CommitTrailers(approval.message).values("DueTrail-Policy") {
            let words = named.split(separator: " ")
            guard words.count >= 2, words[0] == Substring(CadenceBook.fileName), let entry = try repo.entry(at: CadenceBook.fileName, inTree: tree) else { continue }
            if entry.id.hex.hasPrefix(String(words[1])) { return true }
        }
        return false
    }

    /// The commit that approved `blob` at `path`, searching back from `tip`: the commit on
    /// the first-parent line where it arrived. When it arrived through a merge, the approval
    /// is the one on the merged side (a teammate's, brought by `sync`), unless that side only
    /// proposed it on a review branch: then the merge is the approval.
    private func approvalCommit(path: String, blob: ObjectID, from tip: ObjectID) throws -> ObjectID? {
        var boundary: CommitInfo?
        var cursor: ObjectID? = tip
        while let id = cursor {
            let info = try repo.commit(id)
            guard try repo.entry(at: path, inTree: info.tree)?.id == blob else { break }
            boundary = info
            cursor = info.parents.first
        }
        guard let boundary else { return nil }
        for second in boundary.parents.dropFirst() where try repo.entry(at: path, inTree: try repo.commit(second).tree)?.id == blob {
            guard let inner = try approvalCommit(path: path, blob: blob, from: second) else { return boundary.id }
            let innerInfo = try repo.commit(inner)
            return CommitTrailers(innerInfo.message).values("DueTrail-Review-Branch").isEmpty ? inner : boundary.id
        }
        return boundary.id
    }

    /// Whether `sent` is what `send` makes of `draft`: the same bytes but for the Date header
    /// stamped at sending, under whichever encoding the server allowed.
    static func sameMessage(draft: String, path: String, sent: String, timezone: TimeZone) -> Bool {
        func withoutDate(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("Date: ") }.joined(separator: "\n")
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

/// The `Key: value` trailers at the end of a commit message.
struct CommitTrailers {
    private let pairs: [(String, String)]

    init(_ message: String) {
        let paragraphs = message.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n\n")
        guard paragraphs.count > 1, let last = paragraphs.last else { pairs = []; return }
        pairs = last.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":"), !line[..<colon].contains(" ") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    func values(_ key: String) -> [String] { pairs.filter { $0.0 == key }.map(\.1) }
}
