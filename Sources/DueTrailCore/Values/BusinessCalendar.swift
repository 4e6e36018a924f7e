/// Which days count: weekends and holidays are not business days; quiet days are business
/// days on which nothing is sent. A reminder that lands on any of them moves to the next day
/// on which one may be sent.
package struct BusinessCalendar: Sendable, Equatable {
    /// ISO weekdays (1 = Monday … 7 = Sunday) that are weekend days.
    package var weekend: Set<Int>
    package var holidays: Set<CalendarDate>
    package var quietDays: Set<CalendarDate>

    package init(weekend: Set<Int> = [6, 7], holidays: Set<CalendarDate> = [], quietDays: Set<CalendarDate> = []) {
        self.weekend = weekend
        self.holidays = holidays
        self.quietDays = quietDays
    }

    package func isBusinessDay(_ d: CalendarDate) -> Bool { !weekend.contains(d.isoWeekday) && !holidays.contains(d) }
    package func maySend(on d: CalendarDate) -> Bool { isBusinessDay(d) && !quietDays.contains(d) }

    /// `d`, or the first later day on which reminders may be sent.
    package func nextSendDay(onOrAfter d: CalendarDate) -> CalendarDate { first(onOrAfter: d, where: maySend(on:)) }

    /// `d`, or the first later business day (a quiet day counts: a person works, nothing is sent).
    package func nextBusinessDay(onOrAfter d: CalendarDate) -> CalendarDate { first(onOrAfter: d, where: isBusinessDay) }

    /// `d`, or the first later day `ok` accepts. A calendar with every day closed is refused
    /// when read; the bound is belt and braces.
    private func first(onOrAfter d: CalendarDate, where ok: (CalendarDate) -> Bool) -> CalendarDate {
        var day = d
        var tries = 0
        while !ok(day) && tries < 800 {
            day = day.adding(days: 1)
            tries += 1
        }
        return day
    }

    package func adding(businessDays n: Int, to d: CalendarDate) -> CalendarDate {
        var day = d
        var left = abs(n)
        let step = n < 0 ? -1 : 1
        var guardCount = 0
        while left > 0 && guardCount < 4000 {
            day = day.adding(days: step)
            if isBusinessDay(day) { left -= 1 }
            guardCount += 1
        }
        return day
    }

    package func schedule(due: CalendarDate, offset: StepOffset) -> CalendarDate {
        nextSendDay(onOrAfter: offset.span.date(after: due, in: self))
    }

    static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// `Monday` for ISO weekday 1 … `Sunday` for 7.
    package static func weekdayName(_ isoWeekday: Int) -> String { weekdayNames[(isoWeekday + 6) % 7].capitalized }
}
