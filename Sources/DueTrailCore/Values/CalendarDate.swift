import Foundation

/// A day on the calendar, with no time and no timezone: due dates, issue dates, "today".
/// Stored as days since 1970-01-01 so comparisons and day arithmetic are exact and cheap.
package struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    package let daysSinceEpoch: Int

    package init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// nil when the parts do not name a real day (31 April, 29 February 2027, month 13).
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.daysInMonth(year: year, month: month)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = era * 146097 + doe - 719468
    }

    package var parts: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses exactly `YYYY-MM-DD`.
    package init?(iso text: some StringProtocol) {
        guard text.utf8.count == 10 else { return nil }
        var year = 0, month = 0, day = 0
        for (i, c) in text.utf8.enumerated() {
            switch i {
            case 4, 7: if c != 45 { return nil }
            default:
                guard c >= 48 && c <= 57 else { return nil }
                let v = Int(c - 48)
                if i < 4 { year = year * 10 + v } else if i < 7 { month = month * 10 + v } else { day = day * 10 + v }
            }
        }
        self.init(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    package var iso: String {
        let (y, m, d) = parts
        return padded(y, 4) + "-" + padded(m, 2) + "-" + padded(d, 2)
    }

    package var description: String { iso }

    package func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    package func days(to other: CalendarDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    package var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (daysSinceEpoch + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    package static func < (l: CalendarDate, r: CalendarDate) -> Bool { l.daysSinceEpoch < r.daysSinceEpoch }

    /// The calendar day of `instant` in `timeZone`.
    package init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(daysSinceEpoch: CalendarDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)?.daysSinceEpoch ?? 0)
    }

    /// The first moment after this day in `timeZone` (midnight, whatever the day's length):
    /// when something that "works through" this day stops working.
    package func end(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let (year, month, day) = adding(days: 1).parts
        return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: Double(adding(days: 1).daysSinceEpoch) * 86_400)
    }

    package init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = date
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}
