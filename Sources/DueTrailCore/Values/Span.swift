/// A length of time as people type it: `7d`, `2bd`, `1w`, `2w`, `1m`, `12h` (also `7 days`,
/// `2 business days`, `1 week`, `1 month`), optionally signed (`-3d`, `+10d`). The one reader
/// of durations, so `cadence.yaml`, `--snooze`, `--every` and `--expires` accept the same words;
/// each caller says which units it can use.
package struct Span: Sendable, Equatable, Hashable {
    package enum Unit: String, Sendable, CaseIterable {
        case hours = "h", days = "d", businessDays = "bd", weeks = "w", months = "m"

        /// "day", "business day", …
        var word: String {
            switch self {
            case .hours: "hour"
            case .days: "day"
            case .businessDays: "business day"
            case .weeks: "week"
            case .months: "month"
            }
        }
    }

    package var count: Int
    package var unit: Unit

    package init(_ count: Int, _ unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// Reads `+3d`, `-3d`, `0d`, `10bd`, `2w`, `1m`, `12h`, `3 days`, `10 business days`.
    package init?(_ text: some StringProtocol) {
        var t = text.lowercased().trimmedSpaces.replacingAll(" ", with: "").replacingAll("_", with: "")
        var sign = 1
        if t.hasPrefix("+") { t.removeFirst() } else if t.hasPrefix("-") { sign = -1; t.removeFirst() }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 4, let n = Int(digits) else { return nil }
        switch t.dropFirst(digits.count) {
        case "h", "hour", "hours": unit = .hours
        case "d", "day", "days": unit = .days
        case "bd", "businessday", "businessdays": unit = .businessDays
        case "w", "wk", "week", "weeks": unit = .weeks
        case "m", "mo", "month", "months": unit = .months
        default: return nil
        }
        count = sign * n
    }

    /// `+3d`, `-2bd`, `1m`: as `cadence.yaml` writes it.
    package var text: String { "\(count)\(unit.rawValue)" }
    package var signedText: String { (count < 0 ? "-" : "+") + "\(abs(count))\(unit.rawValue)" }

    /// "3 days", "1 business day", "2 weeks".
    package var phrase: String {
        let n = abs(count)
        return "\(n) \(unit.word)\(n == 1 ? "" : "s")"
    }

    /// Roughly in calendar days (for ordering and limits): a business day is 7/5 of a day, a
    /// month 30 days.
    package var approximateDays: Double {
        switch unit {
        case .hours: Double(count) / 24
        case .days: Double(count)
        case .businessDays: Double(count) * 7 / 5
        case .weeks: Double(count) * 7
        case .months: Double(count) * 30
        }
    }

    /// The day this long after `d` (before, when negative), business days counted in `calendar`;
    /// a month later is the same day of the month, or the month's last day (31 January + 1m =
    /// 28 or 29 February). Hours count as whole days, rounded up.
    package func date(after d: CalendarDate, in calendar: BusinessCalendar = BusinessCalendar()) -> CalendarDate {
        switch unit {
        case .hours: return d.adding(days: (count + (count >= 0 ? 23 : 0)) / 24)
        case .days: return d.adding(days: count)
        case .businessDays: return calendar.adding(businessDays: count, to: d)
        case .weeks: return d.adding(days: 7 * count)
        case .months: return d.adding(months: count)
        }
    }

    /// This span in whole calendar days, when it is one (days and weeks); nil for business
    /// days, months and hours, whose length depends on the date.
    package var calendarDays: Int? {
        switch unit {
        case .days: count
        case .weeks: 7 * count
        case .hours, .businessDays, .months: nil
        }
    }
}

extension CalendarDate {
    /// The same day `months` months later (earlier when negative), or that month's last day.
    package func adding(months: Int) -> CalendarDate {
        let (y, m, d) = parts
        let index = y * 12 + (m - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        let day = min(d, CalendarDate.daysInMonth(year: year, month: month))
        return CalendarDate(year: year, month: month, day: day) ?? self
    }
}
