import Foundation

/// Sums kept apart per currency: a report never adds euros to dollars.
public struct Amounts: Sendable, Equatable {
    public private(set) var sums: [Currency: Decimal] = [:]

    public init() {}

    public mutating func add(_ money: Money) { sums[money.currency, default: 0] += money.amount }

    public mutating func add(_ other: Amounts) { for (c, v) in other.sums { sums[c, default: 0] += v } }

    public var currencies: [Currency] { sums.keys.sorted() }

    public subscript(currency: Currency) -> Money { Money(sums[currency] ?? 0, currency) }

    public var isEmpty: Bool { sums.isEmpty }

    /// `EUR 1,200.00 and USD 80.00`.
    public var display: String { currencies.map { self[$0].display }.joined(separator: " and ") }

    /// `{"EUR": "1200.00"}`, currencies sorted (JSON keys are sorted when rendered).
    public var plain: [String: String] { Dictionary(uniqueKeysWithValues: currencies.map { ($0.code, self[$0].plain) }) }
}
