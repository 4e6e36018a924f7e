import Yams

extension CadenceBook {
    /// Reads `cadence.yaml`. Every problem names its line; the first one stops the read.
    /// `templates` (names without `.mustache`), when given, must hold every template a step names.
    package static func parse(_ text: String, path: String = fileName, templates: Set<String>? = nil) throws(Diagnostic) -> CadenceBook {
        let map = try YAMLMap(text: text, path: path)
        let known: Set<String> = ["calendar", "cadences", "minimum_gap", "statement", "promise_broken", "promise_grace", "promise_horizon", "escalation_wait", "catch_up", "list"]
        for entry in map.entries where !known.contains(entry.key) {
            throw Diagnostic(path: path, line: entry.line, message: "unknown setting `\(entry.key)`", excerpt: map.excerpt(entry.line),
                hint: "cadence.yaml knows: \(known.sorted().joined(separator: ", "))")
        }
        func line(_ node: Node, or fallback: Int) -> Int { map.line(of: node) ?? fallback }
        func problem(_ node: Node, _ fallback: Int, _ message: String, hint: String? = nil) -> Diagnostic {
            let l = line(node, or: fallback)
            return Diagnostic(path: path, line: l, message: message, excerpt: map.excerpt(l), hint: hint)
        }
        func days(_ entry: YAMLMap.Entry, _ text: String) throws(Diagnostic) -> Int {
            guard let days = Span(text)?.calendarDays, days >= 0 else {
                throw map.problem(entry, "`\(entry.key)` is a number of days like `5d` (or weeks, `1w`), not `\(text)`")
            }
            return days
        }
        func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ fallback: Int, _ key: String) throws(Diagnostic) -> T where T.RawValue == String {
            let text = node.scalar?.string ?? ""
            guard let value = T(rawValue: text) else {
                throw problem(node, fallback, "`\(key)` is \(T.allCases.map { "`\($0.rawValue)`" }.joined(separator: " or ")), not `\(text)`")
            }
            return value
        }

        var book = CadenceBook(
            cadences: [], calendar: BusinessCalendar(), minimumGap: 5, statementTemplate: "statement",
            promiseBrokenTemplate: "promise-broken", promiseGrace: 2)
        if let (text, entry) = try map.optionalEntry("minimum_gap") { book.minimumGap = try days(entry, text) }
        if let (text, entry) = try map.optionalEntry("promise_grace") {
            // Counted in business days (`2d` reads as `2bd`, as it always has); weeks or months
            // have no business-day length.
            guard let span = Span(text), span.unit == .days || span.unit == .businessDays, span.count >= 0 else {
                throw map.problem(entry, "`promise_grace` is a number of business days like `2bd`, not `\(text)`")
            }
            book.promiseGrace = span.count
        }
        if let (text, entry) = try map.optionalEntry("promise_horizon") {
            book.promiseHorizon = try days(entry, text)
            if book.promiseHorizon < 1 { throw map.problem(entry, "`promise_horizon` is at least `1d`") }
        }
        if let (text, entry) = try map.optionalEntry("escalation_wait") {
            guard let span = Span(text), span.count >= 0, span.unit != .hours, span.approximateDays <= 366 else {
                throw map.problem(entry, "`escalation_wait` is a time like `7bd` (business days), `10d`, `2w` or `1m`, not `\(text)`")
            }
            book.escalationWait = span
        }
        var catchUp = CatchUp.latestEmail
        var listing = Listing.all
        if let entry = map["catch_up"] { catchUp = try choice(entry.value, entry.line, "catch_up") }
        if let entry = map["list"] { listing = try choice(entry.value, entry.line, "list") }
        if let (text, entry) = try map.optionalEntry("statement") {
            book.statementTemplate = text
            book.statementLine = entry.line
        }
        if let (text, entry) = try map.optionalEntry("promise_broken") {
            book.promiseBrokenTemplate = text
            book.promiseBrokenLine = entry.line
        }

        if let entry = map["calendar"] {
            guard let calendar = entry.value.mapping else { throw map.problem(entry, "`calendar:` holds `weekend:`, `holidays:` and `quiet_days:`") }
            for (k, v) in calendar {
                let key = k.scalar?.string ?? ""
                switch key {
                case "weekend", "weekends":
                    var days: Set<Int> = []
                    for item in v.sequence.map(Array.init) ?? (v.scalar?.string == "[]" ? [] : [v]) {
                        let name = (item.scalar?.string ?? "").lowercased()
                        guard let i = BusinessCalendar.weekdayNames.firstIndex(where: { $0 == name || $0.prefix(3) == name }) else {
                            throw problem(item, entry.line, "`\(name)` is not a weekday", hint: "write weekday names, e.g. `weekend: [saturday, sunday]`")
                        }
                        days.insert(i + 1)
                    }
                    guard days.count < 7 else { throw problem(v, entry.line, "a week needs at least one business day") }
                    book.calendar.weekend = days
                case "holidays", "quiet_days", "no_send_days":
                    var dates: Set<CalendarDate> = []
                    for item in v.sequence.map(Array.init) ?? [] {
                        let text = item.scalar?.string ?? ""
                        guard let d = CalendarDate(iso: text) else {
                            throw problem(item, entry.line, "`\(text)` is not a date (YYYY-MM-DD)")
                        }
                        dates.insert(d)
                    }
                    if v.sequence == nil, let s = v.scalar?.string, !s.isEmpty, s != "[]" {
                        throw problem(v, entry.line, "`\(key)` is a list of dates, e.g. `[2026-12-25, 2026-12-26]`")
                    }
                    if key == "holidays" { book.calendar.holidays = dates } else { book.calendar.quietDays = dates }
                default:
                    throw problem(k, entry.line, "unknown calendar setting `\(key)`", hint: "the calendar knows: weekend, holidays, quiet_days")
                }
            }
        }

        guard let entry = map["cadences"] else {
            throw Diagnostic(path: path, line: 1, message: "missing `cadences:` (at least a `default:` list of steps)")
        }
        guard let cadences = entry.value.mapping, !cadences.isEmpty else {
            throw map.problem(entry, "`cadences:` maps a name (e.g. `default`) to a list of steps")
        }
        for (k, v) in cadences {
            let name = k.scalar?.string ?? ""
            let nameLine = line(k, or: entry.line)
            guard Slug.make(name) == name else {
                throw problem(k, entry.line, "cadence name `\(name)` must be lower-case letters, digits and dashes")
            }
            // A list of steps, or `steps:` with this cadence's own `catch_up:` and `list:`.
            var named = Named(name: name, steps: [], catchUp: catchUp, listing: listing)
            var listNode = v
            if let settings = v.mapping {
                var found: Node?
                for (sk, sv) in settings {
                    switch sk.scalar?.string ?? "" {
                    case "steps": found = sv
                    case "catch_up": named.catchUp = try choice(sv, nameLine, "catch_up")
                    case "list": named.listing = try choice(sv, nameLine, "list")
                    default:
                        throw problem(sk, nameLine, "unknown setting `\(sk.scalar?.string ?? "")` in cadence `\(name)`", hint: "a cadence is a list of steps, or `steps:` with `catch_up:` and `list:`")
                    }
                }
                guard let found else { throw problem(k, entry.line, "cadence `\(name)` needs `steps:` (a list of `- id: …`)") }
                listNode = found
            }
            guard let list = listNode.sequence, !list.isEmpty else {
                throw problem(k, entry.line, "cadence `\(name)` needs a list of steps (`- id: …`)")
            }
            var steps: [CadenceStep] = []
            for item in list {
                let step = try parseStep(item, fallbackLine: nameLine, map: map, templates: templates, problem: problem)
                if steps.contains(where: { $0.id == step.id }) {
                    throw problem(item, nameLine, "step id `\(step.id)` appears twice in cadence `\(name)`")
                }
                if let previous = steps.last, step.offset.approximateDays <= previous.offset.approximateDays {
                    throw Diagnostic(path: path, line: step.line, message: "step `\(step.id)` (\(step.offset.text)) comes after `\(previous.id)` (\(previous.offset.text)) but is not later",
                        excerpt: map.excerpt(step.line), hint: "list the steps of a cadence in the order they happen")
                }
                steps.append(step)
            }
            named.steps = steps
            book.cadences.append(named)
        }
        if let i = book.cadences.firstIndex(where: { $0.name == defaultName }), i > 0 {
            book.cadences.insert(book.cadences.remove(at: i), at: 0)
        }
        guard book.steps(of: nil) != nil else {
            throw Diagnostic(path: path, line: entry.line, message: "there is no `default` cadence", excerpt: map.excerpt(entry.line),
                hint: "customers without a `cadence:` setting follow `default`")
        }
        if let templates {
            for (template, line) in book.templateUses where !templates.contains(template) {
                throw Diagnostic(path: path, line: line, message: "template `\(template)` does not exist (no templates/\(template).mustache)",
                    excerpt: map.excerpt(line), hint: "templates here: \(templates.sorted().joined(separator: ", "))")
            }
        }
        return book
    }

    private static func parseStep(
        _ item: Node, fallbackLine: Int, map: YAMLMap, templates: Set<String>?, problem: (Node, Int, String, String?) -> Diagnostic
    ) throws(Diagnostic) -> CadenceStep {
        let stepLine = map.line(of: item) ?? fallbackLine
        guard let fields = item.mapping else {
            throw problem(item, fallbackLine, "a step is `- id: …` with `when:` and `email:` or `task:`", nil)
        }
        var values: [String: (String, Node)] = [:]
        for (k, v) in fields {
            let key = k.scalar?.string ?? ""
            guard ["id", "name", "when", "email", "task", "approve"].contains(key) else {
                throw problem(k, stepLine, "unknown step setting `\(key)`", "a step has id, name, when, email or task, approve")
            }
            guard let text = v.scalar?.string else { throw problem(v, stepLine, "`\(key)` must be a single value", nil) }
            values[key] = (text, v)
        }
        guard let (id, idNode) = values["id"] else { throw problem(item, fallbackLine, "this step has no `id:`", nil) }
        guard Slug.make(id) == id else { throw problem(idNode, stepLine, "step id `\(id)` must be lower-case letters, digits and dashes", nil) }
        guard let (whenText, whenNode) = values["when"] else { throw problem(item, stepLine, "step `\(id)` has no `when:` (e.g. `+3d`)", nil) }
        guard let offset = StepOffset(whenText), abs(offset.span.approximateDays) <= 3650 else {
            throw problem(whenNode, stepLine, "`\(whenText)` is not an offset from the due date",
                "write days before (-) or after (+) the due date: `-3d`, `+10d`, or business days: `+5bd`")
        }
        let action: CadenceStep.Action
        switch (values["email"], values["task"]) {
        case (let email?, nil):
            guard !email.0.isEmpty, Slug.make(email.0) == email.0 else { throw problem(email.1, stepLine, "`\(email.0)` is not a template name", nil) }
            if let templates, !templates.contains(email.0) {
                throw problem(email.1, stepLine, "template `\(email.0)` does not exist (no templates/\(email.0).mustache)",
                    "templates here: \(templates.sorted().joined(separator: ", "))")
            }
            action = .email(template: email.0)
        case (nil, let task?):
            guard !task.0.isEmpty else { throw problem(task.1, stepLine, "say what the person should do, e.g. `task: phone the customer`", nil) }
            action = .task(task.0)
        case (nil, nil):
            throw problem(item, stepLine, "step `\(id)` needs `email: TEMPLATE` or `task: WHAT TO DO`", nil)
        case (_?, let task?):
            throw problem(task.1, stepLine, "step `\(id)` has both `email:` and `task:`; make them two steps", nil)
        }
        var approval = CadenceStep.Approval.review
        if let (text, node) = values["approve"] {
            guard let a = CadenceStep.Approval(rawValue: text) else {
                throw problem(node, stepLine, "`approve` is `review` (a person approves each draft) or `auto`, not `\(text)`", nil)
            }
            if case .task = action { throw problem(node, stepLine, "a task is done by a person; `approve` belongs to email steps", nil) }
            approval = a
        }
        var name = values["name"]?.0 ?? ""
        if name.isEmpty {
            switch action {
            case .email(let t): name = CadenceStep.names[t] ?? t
            case .task(let what): name = what
            }
        }
        return CadenceStep(id: id, name: name, offset: offset, action: action, approval: approval, line: map.line(of: idNode) ?? stepLine)
    }
}
