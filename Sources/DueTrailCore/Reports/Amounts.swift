import Foundation

/// Sums kept apart per currency: a report never adds euros to dollars.
public struct Amounts: Sendable, Equatable {
    public private(set) var sums: [Currency: Decimal] = [:]

    public init() {}

    public mutating func add(_ money: Money) { sums[money.currency, default: 0] += money.amount }

    public var currencies: [Currency] { sums.keys.sorted() }

    public subscript(currency: Currency) -> Money { Money(sums[currency] ?? 0, currency) }
}
