import Foundation

/// The rule every amount read from a file or typed must pass before it becomes `Money`: the
/// ledger holds it exactly, or it is refused naming the value. An amount is never rounded
/// to the currency's digits behind a person's back (`JPY 1000.5`, `100.123456789 EUR`), and a
/// figure too long to hold exactly (a 60-digit cell) is not turned into a rounded one.
package enum ExactAmount {
    /// Digits before the decimal mark an amount may have: up to 999,999,999,999,999.99, which
    /// `Decimal` and the summaries' minor units (`Int64`) both hold exactly.
    package static let maxWholeDigits = 15
    package static let limit = Decimal(sign: .plus, exponent: maxWholeDigits, significand: 1)

    /// Why `value` (written `text`) cannot be an amount of `currency`, or nil when it can.
    package static func problem(_ value: Decimal, text: String, currency: Currency) -> String? {
        if let large = tooLarge(value, text: text) { return large }
        if Decimals.rounded(value, scale: currency.minorDigits) != value {
            return "`\(text)` has more decimal places than \(currency.code) has (\(currency.minorDigits)); DueTrail does not round amounts"
        }
        return nil
    }

    /// The part of `problem` that needs no currency.
    package static func tooLarge(_ value: Decimal, text: String) -> String? {
        guard value.magnitude >= limit || value.isNaN else { return nil }
        return "`\(text)` is larger than the ledger holds exactly (at most \(maxWholeDigits) digits before the decimal mark)"
    }
}
