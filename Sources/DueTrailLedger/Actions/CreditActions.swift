import DueTrailCore
import GitStore

/// `apply-credit`: a customer's credit (an overpayment, a credit note) set against another of
/// its open invoices, as one commit: `credit-applied` on each case the credit comes from,
/// `credited` on the invoice it goes to, the same amount on both sides.
extension Ledger {
    /// Applies `amount` (default: as much as the credit and the invoice allow) of `customer`'s
    /// credit in the invoice's currency to `invoice`, taking it from the oldest credits first.
    package func applyCredit(customer: String, to invoice: String, amount text: String?) throws(LedgerError) -> ActionResult {
        let snapshot = try snapshot()
        guard let target = try Self.resolve([invoice], in: snapshot).first else { throw LedgerError.notFound("no case for `\(invoice)`") }
        guard let slug = CustomerLookup.slug(for: customer, names: snapshot.customerNames) else {
            throw LedgerError.notFound(CustomerLookup.unknown(customer, names: snapshot.customerNames))
        }
        guard target.facts.customer == slug else {
            throw LedgerError.conflict("\(target.facts.number) is an invoice of \(target.facts.customer), not \(slug): a credit is applied within one customer")
        }
        let currency = target.state.balance.currency
        guard let credit = CustomerCredit.of(slug, in: snapshot.cases).first(where: { $0.currency == currency }) else {
            let others = CustomerCredit.of(slug, in: snapshot.cases).map(\.amount.display)
            throw LedgerError.conflict("\(slug) has no credit in \(currency.code)" + (others.isEmpty ? "" : " (it has \(others.joined(separator: ", ")); a credit is applied in its own currency)"))
        }
        var wanted: Money?
        if let text { wanted = try amount(text, option: "--amount", for: target) }
        if let why = target.state.inactiveReason { throw LedgerError.conflict("\(target.facts.number) is \(why); apply the credit to an open invoice") }
        if let wanted, wanted.amount > target.state.balance.amount {
            throw LedgerError.conflict("\(target.facts.number): \(wanted.display) is more than its balance \(target.state.balance.display)")
        }
        if let wanted, wanted.amount > credit.amount.amount {
            throw LedgerError.conflict("\(slug) has \(credit.amount.display) of credit, less than \(wanted.display)")
        }
        let moved = Money(min(wanted?.amount ?? target.state.balance.amount, credit.amount.amount), currency)
        // Taken from the oldest credits first; only the cases that give something are touched.
        var plan: [String: Money] = [:]
        var left = moved.amount
        var sources: [String] = []
        for source in credit.sources where left > 0 {
            let part = min(left, source.amount.amount)
            plan[source.invoice] = Money(part, currency)
            sources.append(source.invoice)
            left -= part
        }
        plan[target.facts.number] = moved
        var uncommittedDrafts: [String] = []
        var withdrawn: [String] = []
        let result = try run(
            sources + [target.facts.number], action: .applyCredit,
            subject: { _ in "apply-credit: \(moved.display) of \(slug)'s credit to \(target.facts.number)" },
            validate: { (c: CaseSummary) throws(LedgerError) in
                // Checked again against the commit this builds on (someone may have moved first).
                let part = plan[c.facts.number] ?? moved
                if c.facts.number == target.facts.number {
                    guard c.state.status == .open, c.state.balance.amount >= part.amount else {
                        throw LedgerError.conflict("\(c.facts.number) changed meanwhile (balance \(c.state.balance.display)); run `apply-credit` again")
                    }
                } else if c.state.balance.amount > -part.amount {
                    throw LedgerError.conflict("\(c.facts.number) no longer holds \(part.display) of credit; run `apply-credit` again")
                }
            },
            event: { c, who in
                let part = plan[c.facts.number] ?? moved
                if c.facts.number == target.facts.number {
                    return self.clock.event(.credited, [(.amount, part.description), (.from, sources.joined(separator: ", "))], who: who.name)
                }
                return self.clock.event(.creditApplied, [(.amount, part.description), (.to, target.facts.number)], who: who.name)
            },
            alsoChange: { (c: CaseSummary, tree: ObjectID, change: inout ChangeSet) throws(LedgerError) in
                guard c.facts.number == target.facts.number, moved.amount >= c.state.balance.amount else { return }
                let drafts = try self.withdrawDrafts(of: c, tree: tree, into: &change)
                change.trailers += drafts.removed.map { .draft($0) }
                uncommittedDrafts += drafts.uncommitted
                withdrawn += drafts.all
            })
        keepAside(drafts: uncommittedDrafts)
        return ActionResult(cases: result.cases, commit: result.commit, withdrawnDrafts: withdrawn, amounts: plan)
    }
}
