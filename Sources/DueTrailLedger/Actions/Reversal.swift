import DueTrailCore
import GitStore

/// `reverse`: the honest way back from a mistake. A `reversed` event cancels an earlier
/// event's effect (a payment typed twice, a promise on the wrong case); both stay on the
/// timeline, so `git log` and `audit` see what happened and what was corrected.
extension Ledger {
    /// What `reverse` did: the case as it stands after, and the event it cancelled.
    package struct Reversal: Sendable {
        package let result: ActionResult
        package let reversed: TimelineEvent
    }

    /// Records a `reversed` event on the case `key` names, cancelling its event `eventID`
    /// (the id shown after `#`, or a unique prefix of at least four characters).
    package func reverse(_ key: String, event eventID: String, reason: String) throws(LedgerError) -> Reversal {
        let wanted = (eventID.hasPrefix("#") ? String(eventID.dropFirst()) : eventID).lowercased()
        guard !reason.trimmedSpaces.isEmpty else { throw LedgerError.badRequest("say why with --reason (it goes on the case's timeline)") }
        guard wanted.count >= 4 else { throw LedgerError.badRequest("give the event's id as shown after `#` on its timeline line (e.g. #5e17b968)") }
        var target: TimelineEvent?
        let result = try run(
            [key], action: .reverse,
            subject: { cases in "reverse: \(cases.first?.facts.number ?? key) #\(target?.id ?? wanted) (\(target?.kind.wireName ?? "event"))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                guard let text = try self.read(c.path, inTree: try self.headTree()) else { throw LedgerError.notFound("no case file \(c.path)") }
                let file: CaseFile
                switch CaseFile.parse(text, path: c.path) {
                case .success(let f): file = f
                case .failure(let list): throw LedgerError.invalid(list)
                }
                target = try Self.reversible(wanted, in: file)
            },
            event: { _, who in
                self.clock.event(.reversed, [(.event, target?.id ?? wanted)], text: reason.controlCharactersAsSpaces, who: who.name)
            })
        guard let target else { throw LedgerError.internalFailure("the reversed event was not found") }
        return Reversal(result: result, reversed: target)
    }

    /// The event of `file` that `id` names, if a person may reverse it; otherwise why not.
    static func reversible(_ id: String, in file: CaseFile) throws(LedgerError) -> TimelineEvent {
        let event: TimelineEvent
        switch IDLookup.find(id, in: file.events, id: \.id) {
        case .success(let found): event = found
        case .failure(.none):
            throw LedgerError.notFound("\(file.facts.number) has no event #\(id); `duetrail show \(file.facts.number)` lists its events with their ids")
        case .failure(.several(let ids)):
            throw LedgerError.badRequest("#\(id) matches several events of \(file.facts.number): " + ids.map { "#\($0)" }.joined(separator: ", "))
        }
        switch event.kind {
        case .sent:
            throw LedgerError.conflict("#\(event.id) is a reminder sent: what went out went out, and cannot be reversed; record what happened next instead (`duetrail note`)")
        case .reversed:
            throw LedgerError.conflict("#\(event.id) is itself a reversal; to restore what it cancelled, record that event again")
        default:
            guard event.kind.isReversible else {
                throw LedgerError.conflict("#\(event.id) is `\(event.kind.wireName)`, a fact the accounting export states; correct it in the accounting package and import again")
            }
        }
        if let by = file.events.reversals[event.id] {
            throw LedgerError.conflict("#\(event.id) is already reversed (by #\(by.id) on \(by.date.iso))")
        }
        return event
    }
}
