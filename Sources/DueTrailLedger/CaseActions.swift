import DueTrailCore
import Foundation
import GitStore

/// Someone acting other than the person at this keyboard: a customer through the portal. Their
/// commits carry their name and `trailers` (`Via: portal`), and they may touch only their
/// own cases; the check is here, where every action passes, not only in the portal.
public struct ActionActor: Sendable {
    public var identity: Identity
    public var trailers: [(key: String, value: String)]
    /// The customer (slug) whose cases this actor may change; any other case is refused.
    public var customer: String

    public init(identity: Identity, trailers: [(key: String, value: String)], customer: String) {
        self.identity = identity
        self.trailers = trailers
        self.customer = customer
    }
}

extension Ledger {
    /// Appends one event to each of `keys`' cases in one commit authored by the person acting.
    /// Every key is resolved before anything is written; an unknown or ambiguous key fails
    /// the whole action.
    /// - Parameters:
    ///   - validate: checks each case before anything is written (an amount against its
    ///     balance, a state the action needs); one failure stops the whole action.
    ///   - alsoChange: further changes to the same commit for a case (a draft withdrawn).
    public func record(
        on keys: [String], action: String, subject: (_ cases: [CaseSummary]) -> String,
        validate: (_ summary: CaseSummary) throws(LedgerError) -> Void = { _ throws(LedgerError) in },
        event: (_ summary: CaseSummary, _ who: Identity) -> TimelineEvent,
        alsoChange: ((_ summary: CaseSummary, _ tree: ObjectID, _ change: inout ChangeSet) throws(LedgerError) -> Void)? = nil,
        actor: ActionActor? = nil
    ) throws(LedgerError) -> (cases: [CaseSummary], outcome: CommitOutcome?) {
        let identity: Identity
        if let actor { identity = actor.identity } else { identity = try self.identity() }
        var resolved: [CaseSummary] = []
        var recorded: [CaseSummary] = []
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            Timings.mark("start")
            guard let base, let tree = try? repository.commit(base).tree else { throw LedgerError.notALedger(root) }
            if let quick = try quickLocate(keys, tree: tree) {
                resolved = quick
            } else {
                resolved = try Self.resolve(keys, in: try snapshot(at: base))
            }
            Timings.mark("find cases")
            if let actor, let other = resolved.first(where: { $0.facts.customer != actor.customer }) {
                throw LedgerError.usage("\(other.facts.number) is not a case of \(actor.customer)")
            }
            for summary in resolved { try validate(summary) }
            var change = ChangeSet(
                subject: subject(resolved),
                trailers: [("DueTrail-Action", action)] + resolved.map { ("DueTrail-Case", $0.facts.number) } + (actor?.trailers ?? []))
            for summary in resolved {
                try append(event(summary, identity), to: summary, tree: tree, into: &change)
                try alsoChange?(summary, tree, &change)
            }
            // Returned as they stand after the event.
            recorded = resolved.map { change.caseSummaries[$0.path] ?? $0 }
            Timings.mark("render")
            return change
        }
        return (recorded, outcome)
    }

    /// Adds `event` to the case file of `summary` as committed in `tree`, into `change`.
    func append(_ event: TimelineEvent, to summary: CaseSummary, tree: ObjectID, into change: inout ChangeSet) throws(LedgerError) {
        var file: CaseFile
        if let pending = change.files[summary.path] ?? nil {
            // Already changed in this commit (two events for one case).
            guard case .success(let f) = CaseFile.parse(pending, path: summary.path) else { throw LedgerError.usage("internal: cannot re-read \(summary.path)") }
            file = f
        } else {
            guard let text = try read(summary.path, inTree: tree) else {
                throw LedgerError.io(path: summary.path, message: "listed in the ledger summary but missing from HEAD; run `duetrail check`")
            }
            switch CaseFile.parse(text, path: summary.path) {
            case .success(let f): file = f
            case .failure(let list): throw LedgerError.invalid(list)
            }
        }
        file.append(event)
        change.files[summary.path] = file.render()
        change.caseSummaries[summary.path] = CaseSummary(path: summary.path, file: file)
    }

    /// Finds exactly one case per key, or explains which key matched none or several.
    public static func resolve(_ keys: [String], in snapshot: LedgerSnapshot) throws(LedgerError) -> [CaseSummary] {
        var out: [CaseSummary] = []
        var problems: [String] = []
        for key in keys {
            let found = snapshot.find(key)
            switch found.count {
            case 1: if !out.contains(found[0]) { out.append(found[0]) }
            case 0: problems.append("no case for `\(key)` (give an invoice number, e.g. `duetrail show INV-1042`)")
            default: problems.append("`\(key)` matches several cases: " + found.map(\.path).joined(separator: ", "))
            }
        }
        if !problems.isEmpty { throw LedgerError.usage(problems.joined(separator: "\n")) }
        return out
    }
}
