import Foundation

/// `cadence.yaml`: the rails the workflow runs on. Named cadences of steps relative to each
/// invoice's due date, the business calendar they are counted in, and the minimum gap between
/// two reminders to one customer. A person reads and edits it; the tool only reads it.
package struct CadenceBook: Sendable, Equatable {
    package static let fileName = "cadence.yaml"
    package static let defaultName = "default"

    /// One named list of steps, and how it treats a case it reaches late.
    package struct Named: Sendable, Equatable {
        package var name: String
        package var steps: [CadenceStep]
        package var catchUp: CatchUp = .latestEmail
        package var listing: Listing = .all

        package init(name: String, steps: [CadenceStep], catchUp: CatchUp = .latestEmail, listing: Listing = .all) {
            self.name = name
            self.steps = steps
            self.catchUp = catchUp
            self.listing = listing
        }
    }

    /// Which email a case gets when several steps passed before the cadence reached it (a
    /// backlog imported on day one, a case back from a dispute or a hold).
    package enum CatchUp: String, Sendable, CaseIterable {
        /// The most advanced email step whose date has passed (a 46-day-old invoice gets the
        /// final notice), and the cadence goes on from there.
        case latestEmail = "latest-email"
        /// The first email step not yet sent, then the next ones at the minimum gap.
        case firstEmail = "first-email"

        package var sentence: String {
            switch self {
            case .latestEmail:
                "a case the cadence reaches late (imported old, back from a dispute, hold or snooze) gets the most advanced email step whose date has passed, then the cadence goes on from there"
            case .firstEmail:
                "a case the cadence reaches late gets the first email step it has not had, then the next ones one minimum gap apart"
            }
        }
    }

    /// Which invoices a reminder lists.
    package enum Listing: String, Sendable, CaseIterable {
        /// Every overdue open invoice of the customer, the ones at a step today first.
        case all
        /// Only the invoices at a step today.
        case dueOnly = "due-only"

        package var sentence: String {
            switch self {
            case .all: "a reminder lists all of the customer's overdue open invoices, the ones at a step today first"
            case .dueOnly: "a reminder lists only the invoices at a step today"
            }
        }
    }

    /// Cadences by name, in file order (`default` first when present).
    package var cadences: [Named]
    package var calendar: BusinessCalendar
    /// Days that must pass between two reminders to the same customer.
    package var minimumGap: Int
    /// The template of one message that lists several invoices at different steps.
    package var statementTemplate: String
    /// The template of the follow-up after a broken promise to pay.
    package var promiseBrokenTemplate: String
    /// Business days the cadence waits after a promised date before the promise counts as broken.
    package var promiseGrace: Int
    /// How far ahead a promised date may lie (`promise_horizon`, default 90 days).
    package var promiseHorizon: Int = CadenceBook.defaultHorizon
    package static let defaultHorizon = 90

    /// How long after the final email step was sent a task that follows it (escalation) comes
    /// due (`escalation_wait`, default 7 business days).
    package var escalationWait = Span(7, .businessDays)

    package func steps(of name: String?) -> [CadenceStep]? { cadence(named: name)?.steps }

    package func cadence(named name: String?) -> Named? {
        let wanted = name ?? Self.defaultName
        return cadences.first { $0.name == wanted }
    }

    /// What a person calls step `id` ("firm reminder"); a statement is a statement.
    package func stepName(_ id: String) -> String {
        if id == Self.promiseBrokenStepID { return promiseBrokenStep.name }
        if CadenceStep.isOneOff(id) { return CadenceStep.oneOff(template: String(id.dropFirst(CadenceStep.oneOffPrefix.count))).name }
        return cadences.lazy.flatMap(\.steps).first { $0.id == id }?.name ?? id
    }

    /// Every template a step or setting names, with the line that names it.
    package var templateUses: [(template: String, line: Int)] {
        var out: [(String, Int)] = []
        for cadence in cadences {
            for step in cadence.steps { if case .email(let t) = step.action { out.append((t, step.line)) } }
        }
        if let statementLine { out.append((statementTemplate, statementLine)) }
        if let promiseBrokenLine { out.append((promiseBrokenTemplate, promiseBrokenLine)) }
        return out
    }

    /// Lines of `statement:` and `promise_broken:`, when the file sets them (a ledger made
    /// before they existed may lack those templates; only a draft that needs one fails then).
    var statementLine: Int?
    var promiseBrokenLine: Int?

    /// When a case is first due for each step of `steps`: the due date plus the offset,
    /// moved to the next day on which reminders may be sent.
    package func schedule(_ steps: [CadenceStep], due: CalendarDate) -> [CalendarDate] {
        steps.map { calendar.schedule(due: due, offset: $0.offset) }
    }

    /// The day after which a promise to pay that was not kept counts as broken.
    package func promiseDeadline(_ promised: CalendarDate) -> CalendarDate {
        calendar.adding(businessDays: promiseGrace, to: promised)
    }

    /// The step id of the follow-up to a broken promise (`sent · step: promise-broken`).
    package static let promiseBrokenStepID = "promise-broken"

    /// The follow-up to a broken promise: drafted from the `promise_broken:` template as soon
    /// as a promise is past its date plus the grace period, reviewed like any reminder.
    package var promiseBrokenStep: CadenceStep {
        CadenceStep(id: Self.promiseBrokenStepID, name: CadenceStep.names[Self.promiseBrokenStepID] ?? "", offset: StepOffset(days: 0, business: false),
            action: .email(template: promiseBrokenTemplate), approval: .review, line: promiseBrokenLine ?? 0)
    }
}

/// One step of a cadence.
package struct CadenceStep: Sendable, Equatable {
    package enum Action: Sendable, Equatable {
        /// Draft a reminder from `templates/<name>.mustache`.
        case email(template: String)
        /// A to-do for a person ("phone the customer"); never done automatically.
        case task(String)
    }

    /// Who approves a drafted email.
    package enum Approval: String, Sendable, Equatable {
        /// A person reviews each draft (the default).
        case review
        /// The committed cadence approves it for customers whose policy is `review` too.
        case auto
    }

    package var id: String
    /// What a person calls it ("friendly nudge").
    package var name: String
    package var offset: StepOffset
    package var action: Action
    package var approval: Approval
    /// Line of the step in `cadence.yaml`.
    package var line: Int

    package var isEmail: Bool {
        if case .email = action { return true }
        return false
    }

    /// A task to phone the customer (its id or words say call or phone): a logged call
    /// (`contact --call`) finishes it.
    package var isCall: Bool {
        guard case .task(let what) = action else { return false }
        let words = (id + " " + what).lowercased()
        return ["call", "phone", "ring"].contains { words.contains($0) }
    }

    /// "3 days after the due date: friendly nudge, template nudge, reviewed before sending"
    package var sentence: String {
        switch action {
        case .email(let template):
            let who = approval == .auto ? "sent without review (approved by this cadence)" : "reviewed before sending"
            return "\(offset.phrase): \(name), template \(template), \(who)"
        case .task(let what):
            return "\(offset.phrase): task for a person: \(what)"
        }
    }

    /// Step ids of reminders a person chose outside the cadence start with this; sending one
    /// counts as a reminder (the gap, the wording of the next one) but moves no step.
    package static let oneOffPrefix = "one-off-"

    /// A reminder from `template` a person chose now (`draft --case INV --template firm`).
    package static func oneOff(template: String) -> CadenceStep {
        CadenceStep(
            id: oneOffPrefix + template, name: "\(names[template] ?? template) (chosen by hand)", offset: StepOffset(days: 0, business: false),
            action: .email(template: template), approval: .review, line: 0)
    }

    package static func isOneOff(_ id: String) -> Bool { id.hasPrefix(oneOffPrefix) }

    /// Names a person would use for the shipped templates.
    static let names: [String: String] = [
        "courtesy": "pre-due courtesy note", "nudge": "friendly nudge", "firm": "firm reminder", "final": "final notice",
        "statement": "statement of several invoices", "promise-broken": "broken-promise follow-up",
    ]
}

/// `-3d`, `+10d`, `+5bd`, `+2w`, `+1m`: a span before or after the due date.
package struct StepOffset: Sendable, Equatable {
    package var span: Span

    package init(days: Int, business: Bool) { span = Span(days, business ? .businessDays : .days) }

    /// Parses `+3d`, `-3d`, `0d`, `+10bd`, `+2w`, `+1m` (also `3 days`, `10 business days`);
    /// hours are no offset from a date.
    package init?(_ text: String) {
        guard let span = Span(text), span.unit != .hours else { return nil }
        self.span = span
    }

    /// Signed, in the offset's own unit (days, business days, weeks or months): negative
    /// before the due date.
    package var count: Int { span.count }
    package var business: Bool { span.unit == .businessDays }

    /// Roughly in calendar days, to check that steps are in order.
    var approximateDays: Double { span.approximateDays }

    package var text: String { span.signedText }

    /// "3 days after the due date", "on the due date", "2 business days before the due date"
    package var phrase: String {
        if span.count == 0 { return "on the due date" }
        return "\(span.phrase) \(span.count < 0 ? "before" : "after") the due date"
    }
}
