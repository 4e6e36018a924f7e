import Crypto
import DueTrailCore
import Foundation
import GitStore

/// What `inbox import` did with each message.
package struct ReplyImportResult: Sendable {
    package struct Recorded: Sendable {
        package let source: String
        /// `reply`, `auto-reply` or `bounce`.
        package let kind: String
        package let from: String
        package let subject: String
        package let cases: [String]
        package let method: String
        package let path: String
    }

    package struct Unmatched: Sendable {
        package let source: String
        package let from: String
        package let subject: String
        package let path: String
    }

    package struct Failed: Sendable {
        package let source: String
        package let reason: String

        package init(source: String, reason: String) {
            self.source = source
            self.reason = reason
        }
    }

    package var recorded: [Recorded] = []
    package var unmatched: [Unmatched] = []
    package var failed: [Failed] = []
    /// Messages already in the ledger (the same Message-ID, or the same bytes).
    package var duplicates = 0
    /// Copies of messages we sent (Bcc, the Sent folder), left alone.
    package var own = 0
    package var commit: ObjectID?
}

extension Ledger {
    package static let repliesFolder = "replies"
    package static let unmatchedFolder = "inbox/unmatched"

    /// Puts received messages on their cases, in one commit: each matched message is kept
    /// under `replies/<customer>/`, with a `reply` (or `auto-reply`, `bounce`) event on each of
    /// its cases; unmatched ones under `inbox/unmatched/`. A message already in the ledger is
    /// recorded once. A message that cannot be read is listed and the rest go on.
    package func importReplies(_ messages: [(source: String, bytes: [UInt8])]) throws(LedgerError) -> ReplyImportResult {
        let identity = try identity()
        var result = ReplyImportResult()
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            result = ReplyImportResult()
            let tree = try self.tree(ofBase: base)
            let snapshot = try snapshot(at: base)
            let index = ReplyIndex(cases: snapshot.cases, customers: snapshot.customers)
            let byPath = Dictionary(snapshot.cases.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            var seen = try storedMessageNames(tree: tree)
            var change = ChangeSet(subject: "inbox", trailers: [.action(.inbox)])
            var touched: [String] = []
            // Events gathered per case and written once at the end: appending them one at a
            // time parsed and rendered the growing case file per message (quadratic).
            var pending: [String: [TimelineEvent]] = [:]
            var pendingOrder: [String] = []
            for (source, bytes) in messages {
                let message: MailMessage
                do throws(MailMessage.Problem) {
                    message = try MailMessage.parse(bytes)
                } catch {
                    result.failed.append(.init(source: source, reason: error.description))
                    continue
                }
                // A copy of our own reminder (Bcc, the Sent folder) is not an answer.
                if index.isOurs(message) || message.from?.email == config.senderEmail.lowercased() {
                    result.own += 1
                    continue
                }
                let name = Self.storedName(message, bytes: bytes)
                guard seen.insert(name).inserted else {
                    result.duplicates += 1
                    continue
                }
                let kind: EventKind = message.isBounce ? .bounce : message.isAutoReply ? .autoReply : .reply
                var match = index.match(message)
                if match == nil, kind == .bounce {
                    // A bounce answers the address that failed: that customer's open cases.
                    for address in message.failedRecipients {
                        let open = index.openCases(email: address)
                        if let first = open.first { match = ReplyIndex.Match(customer: first.customer, cases: open, method: .failedAddress); break }
                    }
                }
                let from = message.from?.email ?? ""
                let subject = message.subject.controlCharactersAsSpaces
                guard let match else {
                    let path = "\(Self.unmatchedFolder)/\(name)"
                    change.bytes[path] = bytes
                    result.unmatched.append(.init(source: source, from: from, subject: subject, path: path))
                    continue
                }
                let path = "\(Self.repliesFolder)/\(match.customer)/\(name)"
                change.bytes[path] = bytes
                // How it was tied to the case, said on the case: by thread, returned copy, subject, sender or failed address.
                var attributes: [(key: EventAttribute, value: String)] = [
                    (.from, from), (.subject, String(subject.prefix(120))), (.file, path), (.matched, match.method.rawValue),
                ]
                if kind == .bounce, let failed = Self.failedAddress(message, customer: match.customer, index: index) { attributes.insert((.address, failed), at: 0) }
                let text = kind == .bounce ? Self.bounceText(message) : ReplyText.summary(message.text)
                let who = message.from.map { $0.name.isEmpty ? $0.email : $0.name } ?? "unknown sender"
                for ref in match.cases {
                    guard byPath[ref.path] != nil else { continue }
                    if pending[ref.path] == nil { pendingOrder.append(ref.path) }
                    pending[ref.path, default: []].append(clock.event(kind, attributes, text: text, who: who))
                    touched.append(ref.number)
                }
                result.recorded.append(.init(source: source, kind: kind.wireName, from: from, subject: subject, cases: match.cases.map(\.number), method: match.method.rawValue, path: path))
            }
            for path in pendingOrder {
                guard let summary = byPath[path], let events = pending[path] else { continue }
                try append(events, to: summary, tree: tree, into: &change)
            }
            guard !change.bytes.isEmpty else { return nil }
            var counts: [String] = []
            for (kind, plural) in [(EventKind.reply, "replies"), (.autoReply, "auto-replies"), (.bounce, "bounces")] {
                let n = result.recorded.filter { $0.kind == kind.wireName }.count
                if n > 0 { counts.append("\(n) \(n == 1 ? kind.wireName : plural)") }
            }
            if !result.unmatched.isEmpty { counts.append("\(result.unmatched.count) unmatched") }
            change.subject = "inbox: " + counts.joined(separator: ", ")
            var caseTrailers: [String] = []
            var trailerSet: Set<String> = []
            for n in touched where trailerSet.insert(n).inserted { caseTrailers.append(n) }
            change.trailers += caseTrailers.map { .caseNumber($0) }
            return change
        }
        result.commit = outcome?.commit
        return result
    }

    /// Adds `events` to one case file in one parse and one render, each with an id no other
    /// event of the case has (as `CaseFile.append` gives, without rebuilding the set per event).
    func append(_ events: [TimelineEvent], to summary: CaseSummary, tree: ObjectID, into change: inout ChangeSet) throws(LedgerError) {
        guard let text = try read(summary.path, inTree: tree) else {
            throw LedgerError.io(path: summary.path, message: "listed in the ledger summary but missing from HEAD; run `duetrail check`")
        }
        var file: CaseFile
        switch CaseFile.parse(text, path: summary.path) {
        case .success(let f): file = f
        case .failure(let list): throw LedgerError.invalid(list)
        }
        var ids = Set(file.events.map(\.id))
        for event in events {
            var e = event
            var salt = 0
            while ids.contains(e.id) {
                salt += 1
                e.id = e.derivedID(salt: salt)
            }
            ids.insert(e.id)
            file.events.append(e)
        }
        change.files[summary.path] = file.render()
        change.caseSummaries[summary.path] = CaseSummary(path: summary.path, file: file)
    }

    /// The stored name of a message: from its Message-ID (the same message fetched twice, or
    /// by two people, is one), else from its bytes.
    static func storedName(_ message: MailMessage, bytes: [UInt8]) -> String {
        let key = message.messageID.map { Array("id:\($0)".utf8) } ?? bytes
        return SHA256.hash(data: key).prefix(8).map { String(format: "%02x", $0) }.joined() + ".eml"
    }

    /// Every message file already in `replies/*/` and `inbox/unmatched/`.
    func storedMessageNames(tree: ObjectID) throws(LedgerError) -> Set<String> {
        var names = Set<String>()
        do throws(GitError) {
            if let replies = try repository.entry(at: Self.repliesFolder, inTree: tree), replies.kind == .tree {
                for folder in try repository.treeEntries(replies.id) where folder.kind == .tree {
                    for file in try repository.treeEntries(folder.id) { names.insert(file.name) }
                }
            }
            if let unmatched = try repository.entry(at: Self.unmatchedFolder, inTree: tree), unmatched.kind == .tree {
                for file in try repository.treeEntries(unmatched.id) { names.insert(file.name) }
            }
        } catch {
            throw error.context("reading the stored replies")
        }
        return names
    }

    /// The messages no case was found for, oldest import first.
    package func unmatchedMessages() throws(LedgerError) -> [(path: String, message: MailMessage?)] {
        let tree = try headTree()
        do throws(GitError) {
            guard let folder = try repository.entry(at: Self.unmatchedFolder, inTree: tree), folder.kind == .tree else { return [] }
            return try repository.treeEntries(folder.id).map { file throws(GitError) in
                ("\(Self.unmatchedFolder)/\(file.name)", try? MailMessage.parse(try repository.readBlob(file.id)))
            }
        } catch {
            throw error.context("reading \(Self.unmatchedFolder)")
        }
    }
}

extension Ledger {
    /// Files an unmatched message onto `keys`' cases (one customer's), in one commit: it moves
    /// from `inbox/unmatched/` to `replies/<customer>/`, and each case gets the event an
    /// import would have written had it matched (a reply pauses the cadence until someone
    /// looks). `message`: its path, file name, or a unique prefix of the name.
    package func assignMessage(_ message: String, to keys: [String]) throws(LedgerError) -> (path: String, kind: EventKind, result: ActionResult) {
        guard !keys.isEmpty else { throw LedgerError.badRequest("name the case to file it on (an invoice number)") }
        let unmatched = try unmatchedMessages()
        let wanted = message.split(separator: "/").last.map(String.init) ?? message
        let chosen: (path: String, message: MailMessage?)
        switch IDLookup.find(wanted, in: unmatched, id: { String($0.path.split(separator: "/").last ?? "") }) {
        case .success(let found): chosen = found
        case .failure(.none): throw LedgerError.notFound("no unmatched message `\(message)`; `duetrail inbox unmatched` lists them")
        case .failure(.several(let names)):
            throw LedgerError.badRequest("`\(message)` matches several unmatched messages: " + names.map { "\(Self.unmatchedFolder)/\($0)" }.joined(separator: ", "))
        }
        guard let mail = chosen.message else { throw LedgerError.badRequest("\(chosen.path) does not read as a mail message; look at it with `git show HEAD:\(chosen.path)`") }
        let kind: EventKind = mail.isBounce ? .bounce : mail.isAutoReply ? .autoReply : .reply
        let name = String(chosen.path.split(separator: "/").last ?? "")
        var storedAt = ""
        let from = mail.from?.email ?? ""
        let subject = mail.subject.controlCharactersAsSpaces
        let who = mail.from.map { $0.name.isEmpty ? $0.email : $0.name } ?? "unknown sender"
        let result = try run(
            keys, action: .inbox,
            subject: { cases in "inbox: \(name) filed on \(cases.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                if storedAt.isEmpty { storedAt = "\(Self.repliesFolder)/\(c.facts.customer)/\(name)" }
                guard storedAt.hasPrefix("\(Self.repliesFolder)/\(c.facts.customer)/") else {
                    throw LedgerError.badRequest("one message is filed on one customer's cases; \(c.facts.number) is \(c.facts.customer)'s")
                }
            },
            event: { _, _ in
                var attributes: [(key: EventAttribute, value: String)] = [(.from, from), (.subject, String(subject.prefix(120))), (.file, storedAt), (.matched, "by hand")]
                if kind == .bounce, let failed = mail.failedRecipients.first { attributes.insert((.address, failed), at: 0) }
                return self.clock.event(kind, attributes, text: kind == .bounce ? Self.bounceText(mail) : ReplyText.summary(mail.text), who: who)
            },
            alsoChange: { (_: CaseSummary, tree: ObjectID, change: inout ChangeSet) throws(LedgerError) in
                guard change.bytes[storedAt] == nil else { return }
                guard let entry = try? self.repository.entry(at: chosen.path, inTree: tree), let bytes = try? self.repository.readBlob(entry.id) else {
                    throw LedgerError.conflict("\(chosen.path) was filed or removed meanwhile")
                }
                change.bytes[storedAt] = bytes
                change.files[chosen.path] = .some(nil)
            })
        return (storedAt, kind, result)
    }

    /// What a bounce says on the case: a failure marks the address failing; a delay (the
    /// server will retry) and a spam complaint do not.
    static func bounceText(_ message: MailMessage) -> String {
        if message.isComplaint { return "spam complaint: the customer's mail system reported a reminder as spam" }
        if message.failedRecipients.isEmpty && !message.delayedRecipients.isEmpty {
            return "delivery delayed (" + message.delayedRecipients.joined(separator: ", ") + "); the server will retry"
        }
        return "delivery failed"
    }

    /// The address that failed for this customer: one of its own (an alias that forwarded
    /// elsewhere names another's), else the address our returned reminder went to. Nil for a
    /// delay or a complaint, which never mark an address failing.
    static func failedAddress(_ message: MailMessage, customer: String, index: ReplyIndex) -> String? {
        guard !message.isComplaint, !message.failedRecipients.isEmpty else { return nil }
        if let own = message.failedRecipients.first(where: { index.openCases(email: $0).contains { $0.customer == customer } }) { return own }
        if let to = message.returnedRecipient { return to }
        return message.failedRecipients.first
    }
}
