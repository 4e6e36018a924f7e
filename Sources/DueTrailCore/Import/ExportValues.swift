import Foundation

/// The order of day, month and year in a date written with separators.
package enum DateOrder: String, Sendable {
    case yearMonthDay = "YYYY-MM-DD"
    case dayMonthYear = "DD/MM/YYYY"
    case monthDayYear = "MM/DD/YYYY"

    /// Accepts what `--date-format` takes: any separators, tokens YYYY/YY, MM, DD.
    package init?(pattern: String) {
        let tokens = pattern.uppercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        switch tokens {
        case ["YYYY", "MM", "DD"], ["YY", "MM", "DD"]: self = .yearMonthDay
        case ["DD", "MM", "YYYY"], ["DD", "MM", "YY"], ["D", "M", "YYYY"]: self = .dayMonthYear
        case ["MM", "DD", "YYYY"], ["MM", "DD", "YY"], ["M", "D", "YYYY"]: self = .monthDayYear
        default: return nil
        }
    }
}

/// Reads dates as exports write them and decides, once per file, what `03/04/2026` means.
package struct DateReader: Sendable {
    package var slashOrder: DateOrder?

    package init(slashOrder: DateOrder?) { self.slashOrder = slashOrder }

    static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
        "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "janv": 1, "févr": 2, "avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12,
    ]

    /// Splits `text` into numeric parts, ignoring a trailing time (`2026-10-01 12:00`).
    static func numericParts(_ text: String) -> (parts: [Int], firstWidth: Int)? {
        // Bytes, not Characters: this runs twice per row of a 100,000-row export.
        var parts: [Int] = []
        parts.reserveCapacity(3)
        var current = 0, width = 0, firstWidth = 0
        var started = false
        for c in text.utf8 {
            switch c {
            case 48...57:
                current = current * 10 + Int(c - 48)
                width += 1
                started = true
                if width > 4 { return nil }
            case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."):
                guard width > 0, parts.count < 2 else { return nil }
                if parts.isEmpty { firstWidth = width }
                parts.append(current)
                current = 0
                width = 0
            case UInt8(ascii: " "), UInt8(ascii: "T"), UInt8(ascii: "\t"):
                // Leading blanks are skipped; a blank or `T` after the date starts the time.
                if !started { continue }
                guard parts.count == 2, width > 0 else { return nil }
                parts.append(current)
                return (parts, firstWidth)
            default:
                return nil
            }
        }
        guard parts.count == 2, width > 0 else { return nil }
        parts.append(current)
        return (parts, firstWidth)
    }

    /// Looks at every date of a file: picks the slash order the values prove, or nil when
    /// they cannot tell (`ambiguous` true) — then the caller asks for `--date-format`.
    package static func inferOrder(_ values: [String], default fallback: DateOrder?) -> (order: DateOrder?, ambiguous: Bool) {
        var dayFirst = false, monthFirst = false, sawAmbiguous = false, allDots = true, sawSlash = false
        for v in values {
            guard let (p, width) = numericParts(v), width != 4 else { continue }
            sawSlash = true
            if !v.contains(".") { allDots = false }
            if p[0] > 12 && p[0] <= 31 { dayFirst = true } else if p[1] > 12 && p[1] <= 31 { monthFirst = true } else { sawAmbiguous = true }
        }
        if dayFirst && !monthFirst { return (.dayMonthYear, false) }
        if monthFirst && !dayFirst { return (.monthDayYear, false) }
        if dayFirst && monthFirst { return (nil, true) }
        if !sawSlash || !sawAmbiguous { return (fallback, false) }
        if allDots { return (.dayMonthYear, false) }  // 03.04.2026 is European everywhere
        if let fallback { return (fallback, false) }
        return (nil, true)
    }

    package func parse(_ raw: String) -> CalendarDate? {
        let text = raw.trimmedSpaces
        if let (p, width) = Self.numericParts(text) {
            if width == 4 { return CalendarDate(year: p[0], month: p[1], day: p[2]) }
            let year = p[2] < 100 ? 2000 + p[2] : p[2]
            switch slashOrder ?? .dayMonthYear {
            case .monthDayYear: return CalendarDate(year: year, month: p[0], day: p[1])
            case .dayMonthYear: return CalendarDate(year: year, month: p[1], day: p[0])
            case .yearMonthDay: return CalendarDate(year: p[0] < 100 ? 2000 + p[0] : p[0], month: p[1], day: p[2])
            }
        }
        // `1 Oct 2026`, `01-Oct-2026`, `Oct 1, 2026`, `October 1, 2026`.
        let words = text.lowercased().replacingOccurrences(of: ",", with: " ").split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "/" })
        guard words.count == 3 else { return nil }
        func month(_ w: Substring) -> Int? {
            let key = String(w.trimmingCharacters(in: CharacterSet(charactersIn: ".")))
            return Self.months[key] ?? Self.months[String(key.prefix(3))]
        }
        if let d = Int(words[0]), let m = month(words[1]), let y = Int(words[2]) { return CalendarDate(year: y < 100 ? 2000 + y : y, month: m, day: d) }
        if let m = month(words[0]), let d = Int(words[1]), let y = Int(words[2]) { return CalendarDate(year: y < 100 ? 2000 + y : y, month: m, day: d) }
        return nil
    }

    /// True when `text` is written with day and month in an order this file must settle.
    static func needsOrder(_ text: String) -> Bool {
        guard let (_, width) = numericParts(text) else { return false }
        return width != 4
    }
}

/// Reads amounts as exports write them: `$1,234.56`, `1.234,56`, `1 234,56 €`, `(12.00)`, `-`.
package struct AmountReader: Sendable {
    package var decimalComma: Bool

    package init(decimalComma: Bool) { self.decimalComma = decimalComma }

    /// Decides per file whether `,` is the decimal mark, from values that prove it
    /// (`12,50` or `1.234,56` prove a comma; `12.50` or `1,234.56` prove a point).
    package static func inferDecimalComma(_ values: [String], delimiter: UInt8) -> (comma: Bool, conflict: Bool) {
        var comma = false, point = false
        for raw in values {
            // Only digits and marks matter; `$1,234.56` reads as `1,234.56`.
            var lastComma = -1, lastPoint = -1, commas = 0, points = 0, n = 0
            for c in raw.utf8 {
                switch c {
                case 48...57: n += 1
                case 44: lastComma = n; commas += 1; n += 1
                case 46: lastPoint = n; points += 1; n += 1
                default: continue
                }
            }
            if lastComma >= 0 && lastPoint >= 0 {
                if lastComma > lastPoint { comma = true } else { point = true }
            } else if lastComma >= 0 {
                let after = n - lastComma - 1
                if after != 3 || (commas == 1 && lastComma > 3) { comma = true }
            } else if lastPoint >= 0 {
                let after = n - lastPoint - 1
                if after != 3 || (points == 1 && lastPoint > 3) { point = true }
            }
            if comma && point { return (false, true) }
        }
        if comma { return (true, false) }
        if point { return (false, false) }
        return (delimiter == UInt8(ascii: ";"), false)
    }

    /// The amount, and a currency code when the text carries a symbol or a code (`$` → `USD`);
    /// nil when it is not a number.
    package func parse(_ raw: String) -> (Decimal, String?)? {
        // The common case, `1234.56`, goes straight to the decimal parser.
        if !decimalComma, !raw.isEmpty, raw.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }), let value = Decimals.parsePlain(raw) {
            return (value, nil)
        }
        var text = raw.trimmedSpaces
        if text.isEmpty || text == "-" || text == "–" { return (0, nil) }
        var negative = false
        if text.hasPrefix("(") && text.hasSuffix(")") {
            negative = true
            text = String(text.dropFirst().dropLast())
        }
        var symbol: String?
        for (s, code) in Currency.symbols where text.contains(s) {
            symbol = code
            text = text.replacingAll(s, with: "")
        }
        // A trailing or leading ISO code: `1200.00 EUR`.
        let letters = text.filter { $0.isLetter }
        if letters.count == 3, Currency(code: letters) != nil {
            symbol = letters.uppercased()
            text = text.filter { !$0.isLetter }
        }
        text = text.filter { !$0.isWhitespace && $0 != "'" && $0 != "\u{00A0}" && $0 != "\u{202F}" }
        if text.hasPrefix("-") {
            negative.toggle()
            text.removeFirst()
        } else if text.hasSuffix("-") {
            negative.toggle()
            text.removeLast()
        }
        if text.hasPrefix("+") { text.removeFirst() }
        if decimalComma {
            text = text.replacingAll(".", with: "").replacingOccurrences(of: ",", with: ".")
        } else {
            text = text.replacingOccurrences(of: ",", with: "")
        }
        guard let value = Decimals.parsePlain(text), !text.hasPrefix("-") else { return nil }
        return (negative ? -value : value, symbol)
    }
}
