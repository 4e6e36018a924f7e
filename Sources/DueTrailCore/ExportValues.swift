import Foundation

/// The order of day, month and year in a date written with separators.
public enum DateOrder: String, Sendable {
    case yearMonthDay = "YYYY-MM-DD"
    case dayMonthYear = "DD/MM/YYYY"
    case monthDayYear = "MM/DD/YYYY"

    /// Accepts what `--date-format` takes: any separators, tokens YYYY/YY, MM, DD.
    public init?(pattern: String) {
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
public struct DateReader: Sendable {
    public var slashOrder: DateOrder?

    static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
        "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "janv": 1, "févr": 2, "avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12,
    ]

    /// Splits `text` into numeric parts, ignoring a trailing time (`2026-10-01 12:00`).
    static func numericParts(_ text: String) -> (parts: [Int], firstWidth: Int)? {
        let trimmed = text.trimmedSpaces
        let datePart = trimmed.split(separator: " ").first.map(String.init) ?? trimmed
        let datePart2 = datePart.split(separator: "T").first.map(String.init) ?? datePart
        let pieces = datePart2.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
        guard pieces.count == 3, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        return (pieces.compactMap { Int($0) }, pieces[0].count)
    }

    /// Looks at every date of a file: picks the slash order the values prove, or nil when
    /// they cannot tell (`ambiguous` true) — then the caller asks for `--date-format`.
    public static func inferOrder(_ values: [String], default fallback: DateOrder?) -> (order: DateOrder?, ambiguous: Bool) {
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

    public func parse(_ raw: String) -> CalendarDate? {
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
public struct AmountReader: Sendable {
    public var decimalComma: Bool

    /// Decides per file whether `,` is the decimal mark, from values that prove it
    /// (`12,50` or `1.234,56` prove a comma; `12.50` or `1,234.56` prove a point).
    public static func inferDecimalComma(_ values: [String], delimiter: UInt8) -> (comma: Bool, conflict: Bool) {
        var comma = false, point = false
        for raw in values {
            let v = raw.filter { $0.isNumber || $0 == "." || $0 == "," }
            let lastComma = v.lastIndex(of: ","), lastPoint = v.lastIndex(of: ".")
            if let c = lastComma, let p = lastPoint {
                if c > p { comma = true } else { point = true }
                continue
            }
            if let c = lastComma {
                let after = v.distance(from: c, to: v.endIndex) - 1
                if after != 3 || v.filter({ $0 == "," }).count == 1 && v.distance(from: v.startIndex, to: c) > 3 { comma = true }
            } else if let p = lastPoint {
                let after = v.distance(from: p, to: v.endIndex) - 1
                if after != 3 || v.filter({ $0 == "." }).count == 1 && v.distance(from: v.startIndex, to: p) > 3 { point = true }
            }
        }
        if comma && point { return (false, true) }
        if comma { return (true, false) }
        if point { return (false, false) }
        return (delimiter == UInt8(ascii: ";"), false)
    }

    static let symbols: [String: String] = ["$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "CHF": "CHF", "kr": "SEK"]

    /// The amount, and a currency when the text carries a symbol; nil when it is not a number.
    public func parse(_ raw: String) -> (Decimal, String?)? {
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
        for (s, code) in Self.symbols where text.contains(s) {
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
