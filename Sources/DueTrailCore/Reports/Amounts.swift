import Foundation

/// Sums kept apart per currency: a report never adds euros to dollars.
package struct Amounts: Sendable, Equatable {
    package private(set) var sums: [Currency: Decimal] = [:]

    package init() {}

    package mutating func add(_ money: Money) { sums[money.currency, default: 0] += money.amount }

    package var currencies: [Currency] { sums.keys.sorted() }

    package subscript(currency: Currency) -> Money { Money(sums[currency] ?? 0, currency) }
}
