import DueTrailCore
import Foundation
import GitStore

/// Someone acting other than the person at this keyboard: a customer through the portal. Their
/// commits carry their name and `trailers` (`Via: portal`), and they may touch only their
/// own cases; the check is here, where every action passes, not only in the portal.
package struct ActionActor: Sendable {
    package var identity: Identity
    package var trailers: [Trailer]
    /// The customer (slug) whose cases this actor may change; any other case is refused.
    package var customer: String

    package init(identity: Identity, trailers: [Trailer], customer: String) {
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
    package func record(
        on keys: [String], action: LedgerAction, subject: (_ cases: [CaseSummary]) -> String,
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
            let tree = try self.tree(ofBase: base)
            if let quick = try quickLocate(keys, tree: tree) {
                resolved = quick
            } else {
                resolved = try Self.resolve(keys, in: try snapshot(at: base))
            }
            Timings.mark("find cases")
            if let actor, let other = resolved.first(where: { $0.facts.customer != actor.customer }) {
                throw LedgerError.notFound("\(other.facts.number) is not a case of \(actor.customer)")
            }
            for summary in resolved { try validate(summary) }
            var change = ChangeSet(
                subject: subject(resolved),
                trailers: [.action(action)] + resolved.map { .caseNumber($0.facts.number) } + (actor?.trailers ?? []))
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
            guard case .success(let f) = CaseFile.parse(pending, path: summary.path) else { throw LedgerError.internalFailure("cannot re-read \(summary.path)") }
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
    package static func resolve(_ keys: [String], in snapshot: LedgerSnapshot) throws(LedgerError) -> [CaseSummary] {
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
        if !problems.isEmpty { throw LedgerError.notFound(problems.joined(separator: "\n")) }
        return out
    }
}

/// What a person records about a case: a promise, a payment, a dispute and its resolution, an
/// escalation, a contact, a snooze. Each is one commit authored by that person, with the same
/// event a person could type into the case file by hand.
extension Ledger {
    /// One recorded action: the cases it touched and its commit.
    package struct ActionResult: Sendable {
        package let cases: [CaseSummary]
        package let commit: ObjectID?
        /// Drafts removed because the case no longer needs chasing (a payment in full).
        package let withdrawnDrafts: [String]
        /// The amount recorded on each case (by invoice number), as read from what was typed.
        package var amounts: [String: Money] = [:]
        /// The cadence step the action finished on each case (a logged call finishing a call step).
        package var finishedSteps: [String: String] = [:]
    }

    private func event(_ kind: EventKind, _ attributes: [(key: EventAttribute, value: String)] = [], text: String? = nil, who: Identity) -> TimelineEvent {
        clock.event(kind, attributes, text: text, who: who.name)
    }

    /// `text` as an amount in the case's currency, read by the ledger's `number_format`, or an
    /// error naming `option`, the case and what was wrong (two readings, a negative amount, …).
    func amount(_ text: String, option: String, for c: CaseSummary) throws(LedgerError) -> Money {
        do {
            return try TypedAmount.parse(text, currency: c.state.balance.currency, format: config.amountFormat)
        } catch {
            throw LedgerError.badRequest("\(c.facts.number): \(option): \(error.message)")
        }
    }

    /// An amount that may not exceed the balance (a promise, a credit); `what` names it in the refusal.
    private func amount(_ text: String, option: String, for c: CaseSummary, atMostBalance what: (Money) -> String) throws(LedgerError) -> Money {
        let money = try amount(text, option: option, for: c)
        guard money.amount <= c.state.balance.amount else {
            throw LedgerError.conflict("\(c.facts.number): \(what(money)) is more than the balance \(c.state.balance.display)")
        }
        return money
    }

    /// The drafts of `c` (a case paid in full: never chased again) leave the outbox: approved
    /// ones are removed in `change`; ones only in the working tree are returned, to be kept
    /// aside (`keepAside`) once the commit is made. `all` is both, in outbox order.
    func withdrawDrafts(of c: CaseSummary, tree: ObjectID, into change: inout ChangeSet) throws(LedgerError)
        -> (removed: [String], uncommitted: [String], all: [String])
    {
        var removed: [String] = [], uncommitted: [String] = [], all: [String] = []
        let (drafts, _) = try outbox(tree: tree, customers: [c.facts.customer])
        for d in drafts where d.pending.caseNumbers.contains(c.facts.number) && change.files[d.path] == nil {
            if d.committed != nil {
                change.files[d.path] = .some(nil)
                removed.append(d.path)
            } else {
                uncommitted.append(d.path)
            }
            all.append(d.path)
        }
        return (removed, uncommitted, all)
    }

    /// Drafts that were never committed live only in the working tree: moved to
    /// `.git/duetrail/<folder>/` (a person may have edited them) rather than deleted.
    /// Returns each draft moved, with where it went.
    @discardableResult
    func keepAside(drafts paths: [String], in folder: String = "rejected") -> [(path: String, copy: String)] {
        let keep = repository.gitDirectory + (repository.gitDirectory.hasSuffix("/") ? "" : "/") + "duetrail/" + folder
        var moved: [(String, String)] = []
        for path in paths {
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            let copy = keep + "/" + path.dropFirst(Self.outboxFolder.count + 1).replacingOccurrences(of: "/", with: "_")
            try? FileManager.default.removeItem(atPath: copy)
            // A draft that cannot be moved stays where it is: never deleted without a copy.
            if (try? FileManager.default.moveItem(atPath: root + "/" + path, toPath: copy)) != nil { moved.append((path, copy)) }
        }
        return moved
    }

    private static func requireOpen(_ c: CaseSummary) throws(LedgerError) {
        if let why = c.state.inactiveReason { throw LedgerError.conflict("\(c.facts.number) is \(why); nothing to record") }
    }

    func run(
        _ keys: [String], action: LedgerAction, subject: @escaping ([CaseSummary]) -> String,
        validate: (CaseSummary) throws(LedgerError) -> Void, event make: @escaping (CaseSummary, Identity) -> TimelineEvent,
        alsoChange: ((CaseSummary, ObjectID, inout ChangeSet) throws(LedgerError) -> Void)? = nil, actor: ActionActor? = nil
    ) throws(LedgerError) -> ActionResult {
        guard !keys.isEmpty else { throw LedgerError.badRequest("name at least one case (an invoice number)") }
        let result = try record(on: keys, action: action, subject: subject, validate: validate, event: make, alsoChange: alsoChange, actor: actor)
        return ActionResult(cases: result.cases, commit: result.outcome?.commit, withdrawnDrafts: [])
    }

    /// `promise`: the customer promised to pay by `date` (all of the balance, or `amount`).
    /// The cadence pauses until the date plus the grace period. `actor`: the customer, when
    /// they promise through the portal.
    package func promise(
        _ keys: [String], date: CalendarDate, amount: String?, via: String?, note: String?, actor: ActionActor? = nil
    ) throws(LedgerError) -> ActionResult {
        let today = clock.today
        let tree = try branchTip().map { (tip: ObjectID) throws(LedgerError) in try self.tree(ofBase: tip) }
        let horizon = try cadenceSetup(tree: tree).book.promiseHorizon
        guard date >= today else { throw LedgerError.badRequest("the promised date \(date.iso) is in the past (today is \(today.iso))") }
        guard date <= today.adding(days: horizon) else {
            throw LedgerError.badRequest("the promised date \(date.iso) is more than \(Plural.days(horizon)) ahead (`promise_horizon` in cadence.yaml); record a note instead, or agree a nearer date")
        }
        var amounts: [String: Money] = [:]
        var result = try run(
            keys, action: .promise,
            subject: { cases in
                // Each amount with its own currency: one invoice in USD, another in EUR.
                let shown = cases.compactMap { c in amounts[c.facts.number].map { (c.facts.number, $0.display) } }
                let distinct = Set(shown.map(\.1))
                let what = shown.isEmpty ? "" : distinct.count == 1 ? " (\(shown[0].1)\(cases.count > 1 ? " each" : ""))"
                    : " (" + shown.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
                return "promise: \(cases.map(\.facts.number).joined(separator: ", ")) by \(date.iso)" + what
            },
            validate: { (c: CaseSummary) throws(LedgerError) in
                try Self.requireOpen(c)
                if let amount {
                    amounts[c.facts.number] = try self.amount(amount, option: "--amount", for: c, atMostBalance: { "the promised \($0.display)" })
                }
            },
            event: { c, who in
                var attributes: [(key: EventAttribute, value: String)] = [(.date, date.iso)]
                if let money = amounts[c.facts.number] { attributes.append((.amount, money.description)) }
                if let via { attributes.append((.via, via)) }
                return self.event(.promised, attributes, text: note, who: who)
            }, actor: actor)
        result.amounts = amounts
        return result
    }

    /// `pay`: a payment of `amount` (partial or full). Paid in full closes the case and
    /// withdraws any draft for it, approved or not: a paid invoice is never chased.
    package func pay(
        _ key: String, amount typedAmount: String, date typed: CalendarDate?, reference typedReference: String?, allowOverpayment: Bool,
        fromUnapplied unapplied: UnappliedPayment? = nil
    ) throws(LedgerError) -> ActionResult {
        // An unapplied payment brings its own amount, date and reference, and leaves `unapplied/` in the same commit.
        let amount = unapplied?.amountText ?? typedAmount
        let reference = typedReference ?? unapplied?.reference
        // Without --date the payment is on "today": the real date, or the one --today set.
        let date = typed ?? unapplied?.date ?? (clock.today != clock.eventDate ? clock.today : nil)
        var paid: Money?
        var withdrawn: [String] = []
        var uncommittedDrafts: [String] = []
        let result = try record(
            on: [key], action: .pay,
            subject: { cases in
                guard let c = cases.first, let paid else { return "pay" }
                let full = paid.amount >= c.state.balance.amount
                return "pay: \(c.facts.number) \(paid.display)" + (full ? " (paid in full)" : "")
            },
            validate: { (c: CaseSummary) throws(LedgerError) in
                try Self.requireOpen(c)
                let money: Money
                if let unapplied { money = Money(unapplied.amount, c.state.balance.currency) } else { money = try self.amount(amount, option: "--amount", for: c) }
                if money.amount > c.state.balance.amount && !allowOverpayment {
                    throw LedgerError.conflict("\(c.facts.number): \(money.display) is more than the balance \(c.state.balance.display); if the customer really paid more, add --allow-overpayment (the rest shows as a credit)")
                }
                if let date, date > clock.today { throw LedgerError.badRequest("the payment date \(date.iso) is in the future") }
                if let unapplied, let named = unapplied.currency, named != c.state.balance.currency {
                    throw LedgerError.conflict("\(c.facts.number) is in \(c.state.balance.currency.code), unapplied payment \(unapplied.id) in \(named.code); record a converted amount with `duetrail pay` by hand")
                }
                paid = money
            },
            event: { c, who in
                var attributes: [(key: EventAttribute, value: String)] = [(.amount, paid?.description ?? amount)]
                if let date { attributes.append((.date, date.iso)) }
                if let reference { attributes.append((.reference, reference)) }
                if let unapplied { attributes.append((.source, "\(unapplied.source) line \(unapplied.line), unapplied \(unapplied.id) (was \(unapplied.invoice))")) }
                return self.event(.payment, attributes, who: who)
            },
            alsoChange: { (c: CaseSummary, tree: ObjectID, change: inout ChangeSet) throws(LedgerError) in
                if let unapplied {
                    guard try self.read(unapplied.path, inTree: tree) != nil else {
                        throw LedgerError.conflict("unapplied payment \(unapplied.id) was applied or removed meanwhile")
                    }
                    change.files[unapplied.path] = .some(nil)
                    change.body = "From unapplied payment \(unapplied.id): \(unapplied.amountText) for `\(unapplied.invoice)` (\(unapplied.source) line \(unapplied.line))"
                }
                guard let paid, paid.amount >= c.state.balance.amount else { return }
                let drafts = try self.withdrawDrafts(of: c, tree: tree, into: &change)
                change.trailers += drafts.removed.map { .draft($0) }
                uncommittedDrafts += drafts.uncommitted
                withdrawn += drafts.all
            })
        keepAside(drafts: uncommittedDrafts)
        var amounts: [String: Money] = [:]
        for c in result.cases { amounts[c.facts.number] = paid }
        return ActionResult(cases: result.cases, commit: result.outcome?.commit, withdrawnDrafts: withdrawn, amounts: amounts)
    }

    /// `dispute`: the customer disputes the invoice; the cadence pauses until `resolve`.
    package func dispute(_ keys: [String], reason: String, via: String? = nil, actor: ActionActor? = nil) throws(LedgerError) -> ActionResult {
        try run(
            keys, action: .dispute, subject: { "dispute: \($0.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                try Self.requireOpen(c)
                if let since = c.state.holds.disputedSince { throw LedgerError.conflict("\(c.facts.number) is already disputed since \(since.iso)") }
            },
            event: { _, who in self.event(.disputed, via.map { [(.via, $0)] } ?? [], text: reason, who: who) }, actor: actor)
    }

    /// `resolve`: the dispute is settled, with an optional credit that reduces the balance.
    package func resolve(_ keys: [String], credit: String?, note: String) throws(LedgerError) -> ActionResult {
        var credits: [String: Money] = [:]
        var result = try run(
            keys, action: .resolve,
            subject: { cases in
                "resolve: \(cases.map(\.facts.number).joined(separator: ", "))" + (cases.first.flatMap { credits[$0.facts.number] }.map { " (credit \($0.display))" } ?? "")
            },
            validate: { (c: CaseSummary) throws(LedgerError) in
                guard c.state.holds.disputedSince != nil else { throw LedgerError.conflict("\(c.facts.number) is not disputed; nothing to resolve") }
                if let credit {
                    credits[c.facts.number] = try self.amount(credit, option: "--credit", for: c, atMostBalance: { "a credit of \($0.display)" })
                }
            },
            event: { c, who in
                self.event(.resolved, credits[c.facts.number].map { [(.credit, $0.description)] } ?? [], text: note, who: who)
            })
        result.amounts = credits
        return result
    }

    /// `escalate`: a person hands the case to legal, an agency or someone else; the cadence stops.
    package func escalate(_ keys: [String], to: String, note: String) throws(LedgerError) -> ActionResult {
        try run(
            keys, action: .escalate, subject: { "escalate: \($0.map(\.facts.number).joined(separator: ", ")) to \(to)" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                try Self.requireOpen(c)
                if c.state.holds.escalatedSince != nil { throw LedgerError.conflict("\(c.facts.number) is already escalated") }
            },
            event: { _, who in self.event(.escalated, [(.to, to)], text: note, who: who) })
    }

    /// `deescalate`: back to the cadence.
    package func deescalate(_ keys: [String], note: String) throws(LedgerError) -> ActionResult {
        try run(
            keys, action: .deescalate, subject: { "deescalate: \($0.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                guard c.state.holds.escalatedSince != nil else { throw LedgerError.conflict("\(c.facts.number) is not escalated") }
            },
            event: { _, who in self.event(.deescalated, text: note, who: who) })
    }

    /// `contact`: a call, a meeting or an email from the customer, logged. A call on a case
    /// whose cadence has a call step due finishes that step (`step:` on the event).
    package func contact(_ keys: [String], via: String, with person: String?, summary: String) throws(LedgerError) -> ActionResult {
        var callSteps: [String: String] = [:]
        var view: CadenceView?
        var result = try run(
            keys, action: .contact, subject: { "contact: \(via) about \($0.map(\.facts.number).joined(separator: ", "))" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                guard via == "call" else { return }
                let current = try self.cadenceView(reusing: view)
                view = current
                if case .task(let step, _) = current.planner.status(of: c, today: self.clock.today), step.isCall { callSteps[c.facts.number] = step.id }
            },
            event: { c, who in
                var attributes: [(key: EventAttribute, value: String)] = [(.via, via)]
                if let person { attributes.append((.with, person)) }
                if let step = callSteps[c.facts.number] { attributes.append((.step, step)) }
                return self.event(.contact, attributes, text: summary, who: who)
            })
        result.finishedSteps = callSteps
        return result
    }

    /// `snooze`: no reminders until `until`.
    package func snooze(_ keys: [String], until: CalendarDate, reason: String) throws(LedgerError) -> ActionResult {
        guard until > clock.today else { throw LedgerError.badRequest("--until \(until.iso) is not after today (\(clock.today.iso))") }
        return try run(
            keys, action: .snooze, subject: { "snooze: \($0.map(\.facts.number).joined(separator: ", ")) until \(until.iso)" },
            validate: { (c: CaseSummary) throws(LedgerError) in try Self.requireOpen(c) },
            event: { _, who in self.event(.snoozed, [(.until, until.iso)], text: reason, who: who) })
    }

    /// `note`: free text on a case, for the team.
    package func note(_ keys: [String], text: String) throws(LedgerError) -> ActionResult {
        try run(
            keys, action: .note, subject: { "note: \($0.map(\.facts.number).joined(separator: ", "))" },
            validate: { _ throws(LedgerError) in }, event: { _, who in self.event(.note, text: text, who: who) })
    }

    /// `ack`: a person has read the customer's reply (or seen a bounce); the cadence goes on.
    package func ack(_ keys: [String], note: String?) throws(LedgerError) -> ActionResult {
        try run(
            keys, action: .ack, subject: { "ack: reply on \($0.map(\.facts.number).joined(separator: ", ")) read" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                guard c.state.holds.replySince != nil || c.state.failingContact != nil else {
                    throw LedgerError.conflict("\(c.facts.number) has no reply waiting and no failing address")
                }
            },
            event: { _, who in self.event(.ack, text: note, who: who) })
    }
}
