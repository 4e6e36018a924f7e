import Foundation

/// Money a customer has to its good: the negative balances of its cases (an overpayment, a
/// dispute settled with more credit than was owed, a credit note from an export), per
/// currency. Shown beside what it owes everywhere a balance is shown, and applied to another
/// invoice with `apply-credit`; never netted into the open totals by itself.
package struct CustomerCredit: Sendable, Equatable {
    package let customer: String
    package let currency: Currency
    /// The total, positive.
    package let amount: Money
    /// The cases holding it (invoice numbers), oldest due first, each with its part.
    package let sources: [(invoice: String, path: String, amount: Money)]

    package static func == (a: CustomerCredit, b: CustomerCredit) -> Bool {
        a.customer == b.customer && a.amount == b.amount && a.sources.map(\.invoice) == b.sources.map(\.invoice)
    }

    /// The credits of every customer in `cases` (closed cases hold none: voided or written
    /// off), sorted by customer then currency.
    package static func all(in cases: [CaseSummary]) -> [CustomerCredit] {
        struct Key: Hashable { let customer: String; let currency: Currency }
        var byKey: [Key: [CaseSummary]] = [:]
        for c in cases where c.state.balance.amount < 0 && c.state.status != .closed {
            byKey[Key(customer: c.facts.customer, currency: c.state.balance.currency), default: []].append(c)
        }
        return byKey.keys.sorted { ($0.customer, $0.currency) < ($1.customer, $1.currency) }.map { key in
            let holding = (byKey[key] ?? []).sorted { ($0.facts.due, $0.facts.number) < ($1.facts.due, $1.facts.number) }
            let total = holding.reduce(Decimal(0)) { $0 - $1.state.balance.amount }
            return CustomerCredit(
                customer: key.customer, currency: key.currency, amount: Money(total, key.currency),
                sources: holding.map { ($0.facts.number, $0.path, Money(-$0.state.balance.amount, key.currency)) })
        }
    }

    /// The credits of one customer.
    package static func of(_ customer: String, in cases: [CaseSummary]) -> [CustomerCredit] {
        all(in: cases.filter { $0.facts.customer == customer })
    }

    /// `EUR 200.00 (INV-1042)`.
    package var phrase: String {
        amount.display + " (" + sources.map(\.invoice).joined(separator: ", ") + ")"
    }
}
