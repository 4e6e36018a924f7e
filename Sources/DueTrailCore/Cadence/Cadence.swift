import Foundation

/// `cadence.yaml`: the rails the workflow runs on. Named cadences of steps relative to each
/// invoice's due date, the business calendar they are counted in, and the minimum gap between
/// two reminders to one customer. A person reads and edits it; the tool only reads it.
package struct CadenceBook: Sendable, Equatable {
    package static let fileName = "cadence.yaml"
    package static let defaultName = "default"

    /// One named list of steps.
    package struct Named: Sendable, Equatable {
        package var name: String
        package var steps: [CadenceStep]
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

    package func steps(of name: String?) -> [CadenceStep]? {
        let wanted = name ?? Self.defaultName
        return cadences.first { $0.name == wanted }?.steps
    }

    /// What a person calls step `id` ("firm reminder"); a statement is a statement.
    package func stepName(_ id: String) -> String {
        if id == Self.promiseBrokenStepID { return "broken-promise follow-up" }
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
        CadenceStep(id: Self.promiseBrokenStepID, name: "broken-promise follow-up", offset: StepOffset(days: 0, business: false),
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

    /// Names a person would use for the shipped templates.
    static let names: [String: String] = [
        "courtesy": "pre-due courtesy note", "nudge": "friendly nudge", "firm": "firm reminder", "final": "final notice",
        "statement": "statement of several invoices", "promise-broken": "broken-promise follow-up",
    ]
}

/// `-3d`, `+10d`, `+5bd`: calendar or business days relative to the due date.
package struct StepOffset: Sendable, Equatable {
    package var days: Int
    package var business: Bool

    package init(days: Int, business: Bool) {
        self.days = days
        self.business = business
    }

    /// Parses `+3d`, `-3d`, `0d`, `+10bd` (also `3 days`, `10 business days`).
    package init?(_ text: String) {
        var t = text.lowercased().trimmedSpaces.replacingAll(" ", with: "")
        var sign = 1
        if t.hasPrefix("+") { t.removeFirst() } else if t.hasPrefix("-") { sign = -1; t.removeFirst() }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 4, let n = Int(digits) else { return nil }
        switch t.dropFirst(digits.count) {
        case "d", "day", "days": business = false
        case "bd", "businessday", "businessdays": business = true
        default: return nil
        }
        days = sign * n
    }

    /// Roughly in calendar days, to check that steps are in order.
    var approximateDays: Double { business ? Double(days) * 7 / 5 : Double(days) }

    package var text: String { (days < 0 ? "-" : "+") + "\(abs(days))" + (business ? "bd" : "d") }

    /// "3 days after the due date", "on the due date", "2 business days before the due date"
    package var phrase: String {
        if days == 0 { return "on the due date" }
        let unit = business ? (abs(days) == 1 ? "business day" : "business days") : (abs(days) == 1 ? "day" : "days")
        return "\(abs(days)) \(unit) \(days < 0 ? "before" : "after") the due date"
    }
}
