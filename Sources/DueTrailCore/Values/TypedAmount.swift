import Foundation

/// How a ledger's people write numbers (`number_format:` in `duetrail.yaml`): which mark is
/// the decimal one and which separates thousands. Only an amount that could be read either
/// way needs it; `1.500,00` and `12,50` mean one thing under any format.
package struct NumberFormat: Sendable, Equatable, CustomStringConvertible {
    /// `.` or `,`.
    package let decimalMark: Character
    /// `,` `.` ` ` or `'`; nil when thousands are not grouped.
    package let groupMark: Character?

    /// The forms `number_format:` accepts, written as the number 1234.56 would be.
    package static let patterns = ["1,234.56", "1.234,56", "1 234,56", "1'234.56", "1234.56", "1234,56"]

    package init?(pattern: String) {
        let trimmed = pattern.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
        switch trimmed {
        case "1,234.56": self.init(decimal: ".", group: ",")
        case "1.234,56": self.init(decimal: ",", group: ".")
        case "1 234,56": self.init(decimal: ",", group: " ")
        case "1'234.56", "1’234.56": self.init(decimal: ".", group: "'")
        case "1234.56": self.init(decimal: ".", group: nil)
        case "1234,56": self.init(decimal: ",", group: nil)
        default: return nil
        }
    }

    /// `1,234.56`.
    package static let commaThousandsPointDecimal = NumberFormat(decimal: ".", group: ",")

    init(decimal: Character, group: Character?) {
        decimalMark = decimal
        groupMark = group
    }

    /// `1,234.56`: how this format writes 1234.56.
    package var description: String {
        "1" + (groupMark.map(String.init) ?? "") + "234" + String(decimalMark) + "56"
    }

    /// How a currency's amounts are usually written where it is used, the default when
    /// `number_format:` is not set.
    package static func usual(for currency: Currency) -> NumberFormat {
        switch currency.code {
        case "EUR", "DKK", "ISK", "IDR", "BRL", "ARS", "CLP", "COP", "TRY", "VND", "RON", "HRK", "RSD", "BAM", "MKD":
            return NumberFormat(decimal: ",", group: ".")
        case "SEK", "NOK", "PLN", "CZK", "HUF", "RUB", "UAH", "BGN", "KZT":
            return NumberFormat(decimal: ",", group: " ")
        case "CHF", "LIE":
            return NumberFormat(decimal: ".", group: "'")
        default:
            return NumberFormat(decimal: ".", group: ",")
        }
    }

    /// `number_format:` from `duetrail.yaml`, when set.
    static func parse(_ map: YAMLMap) throws(Diagnostic) -> NumberFormat? {
        guard let (text, entry) = try map.optionalEntry("number_format") else { return nil }
        guard let format = NumberFormat(pattern: text) else {
            throw map.problem(entry, "`number_format` must be one of \(patterns.joined(separator: ", ")) (how 1234.56 is written), not `\(text)`")
        }
        return format
    }
}

/// Why an amount a person typed was not taken. Every message names the text as typed.
package enum AmountInputError: Error, Sendable, Equatable {
    case empty
    case notANumber(String)
    /// Two readings, in the case's currency, e.g. `1,500` → EUR 1,500.00 or EUR 1.50.
    case ambiguous(text: String, mark: Character, asGroup: Money, asDecimal: Money, format: NumberFormat)
    case notPositive(String)
    case otherCurrency(text: String, typed: String, expected: Currency)
    case tooManyDecimals(text: String, currency: Currency)
    /// More than `ExactAmount.maxWholeDigits` digits before the decimal mark.
    case tooLarge(String)
    /// `1,234` where `,` is the decimal mark but the currency has two decimals.
    case misplacedMark(text: String, mark: Character, asGroup: Money, format: NumberFormat)

    package var message: String {
        switch self {
        case .empty:
            return "an amount is needed, like 120.50"
        case .notANumber(let text):
            return "`\(text)` is not an amount; write it like 1234.50"
        case .ambiguous(let text, let mark, let asGroup, let asDecimal, let format):
            let decimal = String(format.decimalMark)
            let plainGroup = Decimals.plain(asGroup.amount, scale: asGroup.currency.minorDigits).replacingOccurrences(of: ".", with: decimal)
            let plainDecimal = Decimals.plain(asDecimal.amount, scale: asDecimal.currency.minorDigits).replacingOccurrences(of: ".", with: decimal)
            return "`\(text)` reads two ways: \(asGroup.display) (`\(mark)` separating thousands) or \(asDecimal.display) (`\(mark)` as the decimal mark); "
                + "type \(plainGroup) or \(plainDecimal)"
        case .notPositive(let text):
            return "the amount must be more than zero, not `\(text)`"
        case .otherCurrency(let text, let typed, let expected):
            return "`\(text)` is in \(typed), but the case is in \(expected.code)"
        case .tooManyDecimals(let text, let currency):
            return "`\(text)` has more decimal places than \(currency.code) has (\(currency.minorDigits))"
        case .tooLarge(let text):
            return ExactAmount.tooLarge(ExactAmount.limit, text: text) ?? "`\(text)` is too large"
        case .misplacedMark(let text, let mark, let asGroup, let format):
            return "`\(text)`: `\(mark)` is the decimal mark here (number_format \(format)), but \(asGroup.currency.code) has \(asGroup.currency.minorDigits) decimal places; "
                + "for \(asGroup.display) type \(Decimals.plain(asGroup.amount, scale: 0))"
        }
    }
}

/// Reads an amount a person typed (`pay --amount`, `promise --amount`, `resolve --credit`, the
/// portal's form) by the ledger's number format, and refuses rather than guesses: `1,500`
/// where a comma may be the decimal mark reads two ways, so it is refused naming both.
package enum TypedAmount {
    package static func parse(_ raw: String, currency: Currency, format: NumberFormat) throws(AmountInputError) -> Money {
        let original = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !original.isEmpty else { throw .empty }
        guard original.contains(where: { $0.isASCII && $0.isNumber }) else { throw .notANumber(original) }
        var text = original
        // The currency, before or after: `EUR 12.50`, `12,50 €`, `$1,200`, `500 kr`.
        var named: String?
        let letters = String(text.unicodeScalars.filter { CharacterSet.letters.contains($0) })
        if letters.count == 3, Currency(code: letters) != nil {
            named = letters.uppercased()
            text = String(text.unicodeScalars.filter { !CharacterSet.letters.contains($0) })
        } else {
            for (symbol, _) in Currency.symbols where text.contains(symbol) {
                named = Currency.written(symbol, context: currency)?.code
                text = text.replacingOccurrences(of: symbol, with: "")
                break
            }
        }
        if let named, named != currency.code { throw .otherCurrency(text: original, typed: named, expected: currency) }
        text = text.trimmingCharacters(in: .whitespaces)
        var negative = false
        if text.hasPrefix("(") && text.hasSuffix(")") {
            negative = true
            text = String(text.dropFirst().dropLast())
        }
        if text.hasPrefix("-") || text.hasPrefix("−") {
            negative = true
            text.removeFirst()
        } else if text.hasSuffix("-") {
            negative = true
            text.removeLast()
        } else if text.hasPrefix("+") {
            text.removeFirst()
        }
        if negative { throw .notPositive(original) }
        // Spaces (also no-break ones) and apostrophes only ever separate thousands.
        let groupsOnly: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "'", "’"]
        var digits = ""
        var marks: [(mark: Character, at: Int)] = []  // `.` and `,` with the digit count before them
        var spaces: [Int] = []  // where a space or apostrophe separates digits
        for c in text {
            if c.isASCII && c.isNumber {
                digits.append(c)
            } else if c == "." || c == "," {
                marks.append((c, digits.count))
            } else if groupsOnly.contains(c) {
                if spaces.last != digits.count { spaces.append(digits.count) }
            } else {
                throw .notANumber(original)
            }
        }
        guard !digits.isEmpty else { throw .notANumber(original) }
        func value(decimalAt position: Int?) -> Decimal? {
            guard let position else { return Decimals.parsePlain(digits) }
            let whole = digits.prefix(position), fraction = digits.dropFirst(position)
            return Decimals.parsePlain((whole.isEmpty ? "0" : String(whole)) + "." + fraction)
        }
        /// Thousands groups between `groupMarks` are three digits each, the first one to three.
        func groupsAreWhole(_ positions: [Int], end: Int) -> Bool {
            guard let first = positions.first, first >= 1, first <= 3 else { return false }
            let bounds = positions + [end]
            return zip(bounds, bounds.dropFirst()).allSatisfy { $1 - $0 == 3 }
        }
        var decimalPosition: Int?
        var groupPositions = spaces
        let kinds = Set(marks.map(\.mark))
        if kinds.count == 2 {
            // `1.234,56` / `1,234.56`: the last mark is the decimal one, the other groups.
            guard let last = marks.last, marks.dropLast().allSatisfy({ $0.mark != last.mark }) else { throw .notANumber(original) }
            decimalPosition = last.at
            groupPositions += marks.dropLast().map(\.at)
        } else if let mark = kinds.first {
            let positions = marks.map(\.at)
            if positions.count > 1 {
                // `1.234.567`: only a thousands separator repeats.
                groupPositions += positions
            } else {
                let at = positions[0], after = digits.count - at
                let wholeDigits = digits.prefix(at)
                if after != 3 || at == 0 || wholeDigits.allSatisfy({ $0 == "0" }) || !spaces.isEmpty {
                    decimalPosition = at  // `12,50`, `1.5`, `0,500`, `1 234,567`: only a decimal mark fits
                } else if mark == format.groupMark {
                    guard at <= 3 else { throw .notANumber(original) }  // `1000,000` in a `1,234.56` ledger
                    groupPositions.append(at)
                } else if at > 3 {
                    decimalPosition = at  // `1234,567`: a decimal mark, with too many decimals (refused below)
                } else {
                    guard let asGroup = value(decimalAt: nil), let asDecimal = value(decimalAt: at) else { throw .notANumber(original) }
                    if currency.minorDigits < 3 && digits.suffix(max(0, 3 - currency.minorDigits)).contains(where: { $0 != "0" }) {
                        // `1,234` where `,` is the decimal mark: no EUR amount reads so.
                        throw .misplacedMark(text: original, mark: mark, asGroup: Money(asGroup, currency), format: format)
                    }
                    // `1,500` where `,` may be the decimal mark: refuse, naming both readings.
                    throw .ambiguous(text: original, mark: mark, asGroup: Money(asGroup, currency), asDecimal: Money(asDecimal, currency), format: format)
                }
            }
        }
        if !groupPositions.isEmpty {
            guard groupsAreWhole(groupPositions.sorted(), end: decimalPosition ?? digits.count) else { throw .notANumber(original) }
        }
        guard let amount = value(decimalAt: decimalPosition) else { throw .notANumber(original) }
        if amount <= 0 { throw .notPositive(original) }
        if amount >= ExactAmount.limit { throw .tooLarge(original) }
        if let position = decimalPosition, digits.count - position > currency.minorDigits {
            throw .tooManyDecimals(text: original, currency: currency)
        }
        return Money(amount, currency).rounded
    }
}
