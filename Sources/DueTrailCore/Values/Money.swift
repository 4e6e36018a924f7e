import Foundation

/// An amount of one currency. Decimal, never binary floating point, so 0.10 + 0.20 is 0.30
/// and totals match the accounting package to the cent.
package struct Money: Hashable, Sendable, CustomStringConvertible {
    package let amount: Decimal
    package let currency: Currency

    package init(_ amount: Decimal, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    package static func zero(_ currency: Currency) -> Money { Money(0, currency) }

    package var isZero: Bool { amount == 0 }

    /// Rounded half away from zero to the currency's digits (`100.125 EUR` → `100.13 EUR`),
    /// as the ledger files store it.
    package var rounded: Money {
        // Already within the currency's digits (nearly always): nothing to round.
        if amount.exponent >= -currency.minorDigits { return self }
        return Money(Decimals.rounded(amount, scale: currency.minorDigits), currency)
    }
    package var isNegative: Bool { amount < 0 }

    /// `1234.50` — plain, with the currency's minor digits, for files and machines.
    package var plain: String { Decimals.plain(amount, scale: currency.minorDigits) }

    /// `1234.50 EUR` — how the ledger files write money.
    package var description: String { "\(plain) \(currency.code)" }

    /// `EUR 1,234.50` — for people reading a table.
    package var display: String { "\(currency.code) \(Decimals.grouped(amount, scale: currency.minorDigits))" }

    /// `display`, from the amount in minor units when the caller has it (a case's cached
    /// `balanceMinor`): the same text without `Decimal` arithmetic.
    package func display(minor: Int64?) -> String {
        guard let minor, currency.minorDigits <= 4 else { return display }
        return "\(currency.code) \(Decimals.grouped(minor: minor, scale: currency.minorDigits))"
    }

    /// Adds two amounts of the same currency; nil when the currencies differ.
    package func adding(_ other: Money) -> Money? {
        guard other.currency == currency else { return nil }
        return Money(amount + other.amount, currency)
    }

    /// The amount in minor units (cents) when it is a whole number of them and fits: exact
    /// integer sums for totals over 100,000 cases, where `Decimal` addition is slow.
    package var minorUnits: Int64? {
        if let exact = Decimals.exactMinor(amount, scale: currency.minorDigits) { return exact }
        // `plain` rounds to the currency's digits; only an amount that rounding leaves alone is exact.
        guard rounded.amount == amount else { return nil }
        return Decimals.minorUnits(plain, scale: currency.minorDigits)
    }

    /// Parses the ledger's own form `1234.50 EUR`.
    package init?(ledgerText: some StringProtocol) {
        let parts = ledgerText.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let currency = Currency(code: parts[1]), let amount = Decimals.parsePlain(parts[0]) else { return nil }
        self.init(amount, currency)
    }
}

/// An ISO 4217 currency code, upper case (`EUR`, `USD`, `JPY`).
package struct Currency: Hashable, Sendable, Comparable, CustomStringConvertible {
    package let code: String

    /// Accepts three ASCII letters in any case (Stripe writes `usd`).
    package init?(code: some StringProtocol) {
        if code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) {
            self.code = String(code)
            return
        }
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        self.code = upper
    }

    /// Digits after the decimal point in everyday use (ISO 4217's minor unit).
    package var minorDigits: Int {
        switch code {
        case "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD": return 3
        default: return 2
        }
    }

    package var description: String { code }
    package static func < (l: Currency, r: Currency) -> Bool { l.code < r.code }

    /// The symbols amounts are written with, each with the currency it names when the context
    /// has no dollar or crown of its own (longest first, so `CHF` is not read as letters).
    static let symbols: [(symbol: String, code: String)] = [("CHF", "CHF"), ("kr", "SEK"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("$", "USD")]
    static let dollars: Set<String> = ["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "BSD", "BBD", "BZD", "FJD", "JMD", "TTD", "XCD"]
    static let crowns: Set<String> = ["SEK", "NOK", "DKK", "ISK"]

    /// The currency a symbol or code in an amount names (`$50`, `500 kr`, `12.00 EUR`): `$` and
    /// `kr` are `context`'s own dollar or crown when it has one (a Canadian ledger's `$` is CAD).
    static func written(_ mark: String, context: Currency?) -> Currency? {
        guard let code = symbols.first(where: { $0.symbol == mark })?.code else { return Currency(code: mark) }
        if let context, (code == "USD" && dollars.contains(context.code)) || (code == "SEK" && crowns.contains(context.code)) { return context }
        return Currency(code: code)
    }

    private init(trusted code: String) { self.code = code }
    package static let euro = Currency(trusted: "EUR")
}

/// Decimal text helpers shared by money parsing and printing.
package enum Decimals {
    /// Parses `-1234.5`, `1234`, `.5`: ASCII digits with at most one `.`, optional leading `-`.
    package static func parsePlain(_ text: some StringProtocol) -> Decimal? {
        var sawDigit = false, sawPoint = false, negative = false
        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        for (i, c) in text.utf8.enumerated() {
            switch c {
            case 48...57:
                sawDigit = true
                if significand == 0 && c == 48 {
                    if sawPoint { exponent -= 1 }
                    continue
                }
                digits += 1
                // Beyond 18 digits, let Foundation handle it exactly (the rest is checked first).
                if digits > 18 {
                    guard text.utf8.dropFirst(negative ? 1 : 0).allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }),
                        text.utf8.filter({ $0 == 46 }).count <= 1
                    else { return nil }
                    return Decimal(string: String(text), locale: Locale(identifier: "en_US_POSIX"))
                }
                significand = significand * 10 + UInt64(c - 48)
                if sawPoint { exponent -= 1 }
            case 46: if sawPoint { return nil } else { sawPoint = true }
            case 45 where i == 0: negative = true
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        return Decimal(sign: negative && significand != 0 ? .minus : .plus, exponent: exponent, significand: Decimal(significand))
    }

    /// `1234.50` at scale 2 → 123450; nil unless the text has exactly `scale` decimals and fits.
    package static func minorUnits(_ text: some StringProtocol, scale: Int) -> Int64? {
        var value: Int64 = 0
        var negative = false, point = -1, count = 0
        for c in text.utf8 {
            switch c {
            case 48...57:
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
                if o1 || o2 { return nil }
                value = a
                count += 1
            case 46 where point < 0: point = count
            case 45 where count == 0 && !negative: negative = true
            default: return nil
            }
        }
        guard count > 0, (point < 0 ? 0 : count - point) == scale || (point < 0 && scale == 0) else { return nil }
        return negative ? -value : value
    }

    /// Rounds half away from zero to `scale` digits and prints without grouping.
    /// `value` rounded half away from zero to `scale` decimals.
    package static func rounded(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var out = Decimal()
        NSDecimalRound(&out, &input, scale, .plain)
        return out
    }

    /// `value` in units of 10^-scale when it has no more decimals than that and is well inside
    /// Int64: the quick road for the amounts ledgers hold (Decimal's own printing allocates a
    /// locale and a string per call, which 100,000 cases feel).
    package static func exactMinor(_ value: Decimal, scale: Int) -> Int64? {
        guard scale >= 0, scale <= 6, value.exponent >= -scale, value.magnitude < exactLimit else { return nil }
        var input = value
        var out = Decimal()
        guard NSDecimalMultiplyByPowerOf10(&out, &input, Int16(scale), .plain) == .noError else { return nil }
        return NSDecimalNumber(decimal: out).int64Value
    }

    private static let exactLimit = Decimal(1_000_000_000_000)

    /// `123450` at scale 2 → `1234.50`.
    package static func plain(minor: Int64, scale: Int) -> String {
        guard scale > 0 else { return String(minor) }
        var unit: UInt64 = 1
        for _ in 0..<scale { unit *= 10 }
        let fraction = String(minor.magnitude % unit)
        return (minor < 0 ? "-" : "") + String(minor.magnitude / unit) + "." + String(repeating: "0", count: scale - fraction.count) + fraction
    }

    package static func plain(_ value: Decimal, scale: Int) -> String {
        if let minor = exactMinor(value, scale: scale) { return plain(minor: minor, scale: scale) }
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, scale, .plain)
        let negative = rounded < 0
        var magnitude = negative ? -rounded : rounded
        var text = NSDecimalString(&magnitude, Locale(identifier: "en_US_POSIX"))
        if scale > 0 {
            if let dot = text.firstIndex(of: ".") {
                let fraction = text.distance(from: text.index(after: dot), to: text.endIndex)
                if fraction < scale { text += String(repeating: "0", count: scale - fraction) }
            } else {
                text += "." + String(repeating: "0", count: scale)
            }
        }
        return negative ? "-" + text : text
    }

    /// `1,234,567.89` (comma thousands, point decimals) for display.
    package static func grouped(_ value: Decimal, scale: Int) -> String {
        let text = plain(value, scale: scale)
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : text[...]
        let parts = body.split(separator: ".", maxSplits: 1)
        var grouped = thousands(parts[0])
        if parts.count > 1 { grouped += "." + parts[1] }
        return negative ? "-" + grouped : grouped
    }

    /// The same as `grouped` for an amount in minor units (exact, and far faster than `Decimal`).
    package static func grouped(minor: Int64, scale: Int) -> String {
        var unit: UInt64 = 1
        for _ in 0..<scale { unit *= 10 }
        var grouped = thousands(String(minor.magnitude / unit))
        if scale > 0 {
            let fraction = String(minor.magnitude % unit)
            grouped += "." + String(repeating: "0", count: scale - fraction.count) + fraction
        }
        return minor < 0 ? "-" + grouped : grouped
    }

    /// `1234567` → `1,234,567`.
    static func thousands(_ digits: some StringProtocol) -> String {
        var out = ""
        let count = digits.count
        for (i, ch) in digits.enumerated() {
            if i > 0 && (count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
