import Foundation

/// "Today" and "now". `--today` / `DUETRAIL_TODAY` move every date *rule* (aging, what is due)
/// so they can be tried on any day; what is *recorded* (event times, commit times: the audit
/// trail) always uses the real clock, which only `DUETRAIL_NOW` (ISO 8601, for tests and the
/// demo) can fix.
package struct LedgerClock: Sendable {
    /// The day date rules use.
    package let today: CalendarDate
    /// The day and minutes after midnight of `instant` in the ledger's timezone, for events.
    package let eventDate: CalendarDate
    package let minutes: Int
    /// The moment recorded in events and commits.
    package let instant: Date

    package init(timezone: TimeZone, today: CalendarDate? = nil, now: Date? = nil) {
        let instant = now ?? Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timezone
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        self.minutes = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        self.eventDate = CalendarDate(instant, in: timezone)
        self.today = today ?? eventDate
        self.instant = instant
    }

    package static func parseInstant(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}
