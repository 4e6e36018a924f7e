/// A reminder draft in `outbox/`: written and waiting for review, or approved (committed) and
/// waiting to be sent. Read from the draft's own headers, so drafts made or committed with
/// plain git count the same.
package struct PendingDraft: Sendable, Equatable {
    package var path: String
    package var customer: String
    package var caseNumbers: [String]
    package var step: String
    package var date: CalendarDate
    /// Committed in HEAD (approved); false while it is only in the working tree.
    package var approved: Bool
    /// For a statement: each case's own step, by invoice number.
    package var caseSteps: [String: String] = [:]
    /// Invoices the message lists without a step of their own (`X-DueTrail-Also-Listed`).
    package var alsoListed: [String] = []

    /// The cadence step this draft is for case `number`.
    package func step(for number: String) -> String { caseSteps[number] ?? step }

    package init(path: String, customer: String, caseNumbers: [String], step: String, date: CalendarDate, approved: Bool) {
        self.path = path
        self.customer = customer
        self.caseNumbers = caseNumbers
        self.step = step
        self.date = date
        self.approved = approved
    }
}

/// What the cadence asks of a customer: which cadence, and how drafts are approved.
package struct CustomerCadence: Sendable, Equatable {
    package var policy: CustomerFile.Policy
    package var sensitive: Bool
    /// The cadence name; nil follows `default`.
    package var cadence: String?
    /// `duetrail hold`: nothing is drafted for this customer while it holds.
    package var hold: CustomerHold?

    package init(policy: CustomerFile.Policy = .review, sensitive: Bool = false, cadence: String? = nil, hold: CustomerHold? = nil) {
        self.policy = policy
        self.sensitive = sensitive
        self.cadence = cadence
        self.hold = hold
    }

    /// Manual and sensitive customers are never drafted for unless a person asks.
    package var isManual: Bool { policy == .manual || sensitive }
}

/// Where one case stands in its cadence on a given day.
package enum CadenceStatus: Sendable, Equatable {
    /// Paid or closed: never chased.
    case inactive(String)
    /// A dispute, escalation, snooze, promise or reply pauses it.
    case paused(String)
    /// A draft for it is waiting for review, or approved and waiting to be sent.
    case drafted(PendingDraft)
    /// An email step is due today (the one step due now, not every step it missed).
    case due(CadenceStep, since: CalendarDate)
    /// An email step is due but waits: the customer had a reminder too recently (`gap`), or
    /// today is not a day on which reminders are sent.
    case held(CadenceStep, until: CalendarDate, gap: Bool)
    /// A task for a person is due.
    case task(CadenceStep, since: CalendarDate)
    /// Nothing due; the next step and its date.
    case waiting(CadenceStep, on: CalendarDate)
    /// Every step is done.
    case finished
    /// The customer names a cadence that `cadence.yaml` does not have.
    case unknownCadence(String)

    /// A few words for the queue's next-action column.
    package func phrase(manual: Bool) -> String {
        switch self {
        case .inactive(let why): return why
        case .paused(let why): return why
        case .drafted(let d): return d.approved ? "approved, not sent (\(d.step))" : "draft awaiting review (\(d.step))"
        case .due(let step, _) where step.id == CadenceBook.promiseBrokenStepID:
            return manual ? "PROMISE BROKEN: follow-up due (manual: draft --case)" : "PROMISE BROKEN: draft today: \(step.name)"
        case .due(let step, _): return manual ? "step due: \(step.name) (manual: draft --case)" : "draft today: \(step.name)"
        case .held(let step, let until, let gap):
            return (step.id == CadenceBook.promiseBrokenStepID ? "PROMISE BROKEN: " : "") + "\(step.name) on \(until.iso) (\(gap ? "minimum gap" : "next sending day"))"
        case .task(let step, _): if case .task(let what) = step.action { return what } else { return step.name }
        case .waiting(let step, let on): return "next: \(step.name) on \(on.iso)"
        case .finished: return "cadence finished: decide next step"
        case .unknownCadence(let name): return "unknown cadence `\(name)`"
        }
    }
}

/// A reminder to draft today: one customer's due cases in one message.
package struct DueReminder: Sendable {
    package var customer: String
    package var cases: [(summary: CaseSummary, step: CadenceStep)]
    /// The customer's other overdue open invoices the message lists too (`list: all`), oldest
    /// due first: not paused, not in another draft, at no step today.
    package var others: [CaseSummary] = []
    /// The step id in the file name (`statement` when the cases are at different steps).
    package var stepID: String
    package var template: String
    /// Sent without review: by the customer's `auto` policy, or by an `approve: auto` step.
    package var approvedByPolicy: Bool
    /// Only drafted because a person asked for it (`draft --case` on a manual customer).
    package var requested: Bool

    package init(
        customer: String, cases: [(summary: CaseSummary, step: CadenceStep)], stepID: String, template: String, approvedByPolicy: Bool, requested: Bool
    ) {
        self.customer = customer
        self.cases = cases
        self.stepID = stepID
        self.template = template
        self.approvedByPolicy = approvedByPolicy
        self.requested = requested
    }

    /// What a person calls it: the step's name, or "statement" for cases at different steps.
    package var stepName: String { stepID == "statement" ? "statement" : (cases.first?.step.name ?? stepID) }

    /// `outbox/<customer>/<date>-<step>.eml`
    package func path(on day: CalendarDate) -> String { "outbox/\(customer)/\(day.iso)-\(stepID).eml" }
}

/// The cadence engine: pure rules over case summaries, customers' settings and the drafts
/// already in the outbox. It never writes; `draft` and `simulate` act on what it returns.
package struct CadencePlanner: Sendable {
    package let book: CadenceBook
    package let customers: [String: CustomerCadence]
    let pendingByCase: [String: PendingDraft]
    /// Drafts that list a case without a step of its own, by invoice number.
    let listedIn: [String: PendingDraft]
    /// The last day a reminder went out to (or is drafted for) each customer.
    let lastReminder: [String: CalendarDate]

    package init(book: CadenceBook, customers: [String: CustomerCadence], cases: [CaseSummary], pending: [PendingDraft]) {
        self.book = book
        self.customers = customers
        var byCase: [String: PendingDraft] = [:]
        var listed: [String: PendingDraft] = [:]
        var last: [String: CalendarDate] = [:]
        for draft in pending.sorted(by: { ($0.date, $0.path) < ($1.date, $1.path) }) {
            for number in draft.caseNumbers { byCase[number] = draft }
            for number in draft.alsoListed { listed[number] = draft }
            last[draft.customer] = max(last[draft.customer] ?? draft.date, draft.date)
        }
        for c in cases {
            if let d = c.state.lastReminder { last[c.facts.customer] = max(last[c.facts.customer] ?? d, d) }
        }
        pendingByCase = byCase
        listedIn = listed
        lastReminder = last
    }

    package func settings(of customer: String) -> CustomerCadence { customers[customer] ?? CustomerCadence() }

    /// The pending draft that lists case `number` beside its own invoices, if any.
    package func draftListing(_ number: String) -> PendingDraft? { listedIn[number] }

    /// Step dates by cadence and due date: 100,000 cases share a few hundred due dates.
    package struct ScheduleMemo {
        var dates: [String: [Int: [CalendarDate]]] = [:]
        package init() {}
    }

    package func status(of c: CaseSummary, today: CalendarDate) -> CadenceStatus {
        var memo = ScheduleMemo()
        return status(of: c, today: today, memo: &memo)
    }

    package func status(of c: CaseSummary, today: CalendarDate, memo: inout ScheduleMemo) -> CadenceStatus {
        if let why = c.state.inactiveReason { return .inactive(why) }
        if let why = c.state.holds.reason(today: today, promiseGrace: book.promiseDeadline) { return .paused(why) }
        let settings = settings(of: c.facts.customer)
        if let hold = settings.hold, hold.holds(on: today) { return .paused("customer " + hold.phrase) }
        if let draft = pendingByCase[c.facts.number] { return .drafted(draft) }
        // A promise still open here is past its date plus the grace (else it would pause the
        // case above): broken, and its follow-up comes before the cadence.
        if let promised = c.state.holds.promisedUntil {
            return gate(book.promiseBrokenStep, since: book.promiseDeadline(promised).adding(days: 1), customer: c.facts.customer, today: today)
        }
        guard let cadence = book.cadence(named: settings.cadence) else { return .unknownCadence(settings.cadence ?? CadenceBook.defaultName) }
        let steps = cadence.steps
        let dates: [CalendarDate]
        if let known = memo.dates[cadence.name]?[c.facts.due.daysSinceEpoch] {
            dates = known
        } else {
            dates = book.schedule(steps, due: c.facts.due)
            memo.dates[cadence.name, default: [:]][c.facts.due.daysSinceEpoch] = dates
        }
        let firstOpen = Self.firstOpenStep(c.state, steps: steps, dates: dates)
        guard firstOpen < steps.count else { return .finished }
        // One pass over the open steps: the first, the latest passed, the first and last passed
        // emails. A step before the due date (a courtesy note) no longer applies once the
        // invoice is overdue.
        let overdue = today > c.facts.due
        var first: Int?, latest: Int?, firstEmail: Int?, lastEmail: Int?
        for i in firstOpen..<steps.count where !(overdue && steps[i].offset.count < 0) {
            if first == nil { first = i }
            guard dates[i] <= today else { continue }
            latest = i
            if steps[i].isEmail {
                if firstEmail == nil { firstEmail = i }
                lastEmail = i
            }
        }
        guard let latest else {
            guard let first else { return .finished }
            return .waiting(steps[first], on: dates[first])
        }
        // Several steps passed before the cadence reached the case: the email `catch_up:`
        // chooses; a task never comes before the email it follows was sent.
        let email = cadence.catchUp == .firstEmail ? firstEmail : lastEmail
        if !steps[latest].isEmail, let since = taskDate(latest, steps: steps, dates: dates, firstOpen: firstOpen, state: c.state) {
            if since <= today { return .task(steps[latest], since: since) }
            if email == nil { return .waiting(steps[latest], on: since) }
        }
        guard let chosen = email else {
            // Only tasks passed, none of them ready: the first one waits for its email.
            return .task(steps[latest], since: dates[latest])
        }
        return gate(steps[chosen], since: dates[chosen], customer: c.facts.customer, today: today)
    }

    /// The index of the first step of `steps` not yet behind the case: after the last one
    /// sent, rejected, finished or skipped (by id, or by date when the cadence was edited since
    /// and the id is gone). `steps.count` when every step is behind it.
    package static func firstOpenStep(_ state: CaseState, steps: [CadenceStep], dates: [CalendarDate]) -> Int {
        guard let last = state.lastStep else { return 0 }
        if let i = steps.firstIndex(where: { $0.id == last }) { return i + 1 }
        guard let when = state.lastStepDate else { return 0 }
        return dates.lastIndex(where: { $0 <= when }).map { $0 + 1 } ?? 0
    }

    /// The day task step `i` comes due, or nil while it waits for the email before it.
    ///
    /// A task that follows an email step presumes that email was sent (a call "about our
    /// reminders", an escalation after the final notice): it waits until that step is behind
    /// the case, and moves as late as that email went out. A task after the last email step
    /// (escalation) comes `escalation_wait` after it was sent. A task no email precedes is
    /// due on its own date.
    func taskDate(_ i: Int, steps: [CadenceStep], dates: [CalendarDate], firstOpen: Int, state: CaseState) -> CalendarDate? {
        guard let previous = steps[..<i].lastIndex(where: \.isEmail) else { return dates[i] }
        guard firstOpen > previous else { return nil }
        let sent = state.lastReminder ?? state.lastStepDate ?? dates[previous]
        if steps[(i + 1)...].contains(where: \.isEmail) {
            return book.calendar.nextBusinessDay(onOrAfter: dates[i].adding(days: max(0, dates[previous].days(to: sent))))
        }
        return max(dates[i], book.escalationWait.date(after: sent, in: book.calendar))
    }

    /// Where each of `cases[indices]` stands today, in `indices` order, on every core.
    package func statuses(_ cases: [CaseSummary], at indices: [Int], today: CalendarDate) -> [CadenceStatus] {
        let chunks = Parallel.chunks(count: indices.count, minimum: 5000)
        return Parallel.map(count: chunks.count, minimum: 1) { k -> [CadenceStatus] in
            var memo = ScheduleMemo()
            return chunks[k].map { status(of: cases[indices[$0]], today: today, memo: &memo) }
        }.flatMap { $0 }
    }

    /// An email step due since `since`: due today, or held by the minimum gap since the
    /// customer's last reminder or until the next day on which reminders are sent.
    func gate(_ step: CadenceStep, since: CalendarDate, customer: String, today: CalendarDate) -> CadenceStatus {
        if let last = lastReminder[customer], book.minimumGap > 0 {
            let earliest = book.calendar.nextSendDay(onOrAfter: last.adding(days: book.minimumGap))
            if today < earliest { return .held(step, until: earliest, gap: true) }
        }
        guard book.calendar.maySend(on: today) else {
            return .held(step, until: book.calendar.nextSendDay(onOrAfter: today), gap: false)
        }
        return .due(step, since: since)
    }

    /// Today's reminders, one per customer. Manual and sensitive customers' cases are left out
    /// unless `requested` names them (by invoice number or customer slug); `only`, when given,
    /// limits the result to those cases and customers.
    package func dueReminders(_ cases: [CaseSummary], today: CalendarDate, requested: Set<String> = [], only: Set<String>? = nil) -> [DueReminder] {
        plan(cases, today: today, requested: requested, only: only).reminders
    }

    /// What one day asks of the team, from one pass over the cases.
    package struct DayPlan: Sendable {
        /// Today's reminders, one per customer.
        package var reminders: [DueReminder] = []
        /// Manual customers' cases with a step due that nobody asked for (listed, not drafted).
        package var manualDue: [(summary: CaseSummary, step: CadenceStep)] = []
        /// Task steps due, in `cases` order.
        package var tasks: [(summary: CaseSummary, step: CadenceStep, since: CalendarDate)] = []
    }

    /// Today's reminders, the manual customers' steps nobody asked for, and the tasks due, in
    /// one pass over the cases.
    package func plan(_ cases: [CaseSummary], today: CalendarDate, requested: Set<String> = [], only: Set<String>? = nil) -> DayPlan {
        var byCustomer: [String: [(CaseSummary, CadenceStep)]] = [:]
        var day = DayPlan()
        // The cases with a step or a task due, found on every core (each chunk with its own memo).
        let chunks = Parallel.chunks(count: cases.count, minimum: 5000)
        let found = Parallel.map(count: chunks.count, minimum: 1) { k -> [(index: Int, step: CadenceStep, task: CalendarDate?)] in
            var memo = ScheduleMemo()
            var out: [(index: Int, step: CadenceStep, task: CalendarDate?)] = []
            for i in chunks[k] {
                let c = cases[i]
                // A file that does not read is shown as such, never planned from its old state.
                guard c.state.status == .open, c.unreadable == nil else { continue }
                if let only, !only.contains(c.facts.number), !only.contains(c.facts.customer) { continue }
                switch status(of: c, today: today, memo: &memo) {
                case .due(let step, _): out.append((i, step, nil))
                case .task(let step, let since): out.append((i, step, since))
                default: continue
                }
            }
            return out
        }
        for (i, step, task) in found.joined() {
            let c = cases[i]
            if let since = task {
                day.tasks.append((c, step, since))
            } else if settings(of: c.facts.customer).isManual, !requested.contains(c.facts.number), !requested.contains(c.facts.customer) {
                day.manualDue.append((c, step))
            } else {
                byCustomer[c.facts.customer, default: []].append((c, step))
            }
        }
        // `list: all`: the customer's other overdue invoices go in the same message.
        var others: [String: [CaseSummary]] = [:]
        let listing = Set(byCustomer.keys.filter { book.cadence(named: settings(of: $0).cadence)?.listing == .all })
        if !listing.isEmpty {
            var atStep: Set<String> = []
            for items in byCustomer.values { for (c, _) in items { atStep.insert(c.facts.number) } }
            for c in cases where listing.contains(c.facts.customer) && c.state.status == .open && c.facts.due < today
                && !atStep.contains(c.facts.number) && pendingByCase[c.facts.number] == nil
                && !c.state.holds.pauses(today: today, promiseGrace: book.promiseDeadline)
            {
                others[c.facts.customer, default: []].append(c)
            }
        }
        day.reminders = byCustomer.keys.sorted().map { customer in
            let items = byCustomer[customer, default: []].sorted { ($0.0.facts.due, $0.0.facts.number) < ($1.0.facts.due, $1.0.facts.number) }
            let settings = settings(of: customer)
            let stepIDs = Set(items.map(\.1.id))
            let single = stepIDs.count == 1 ? items[0].1 : nil
            let template: String
            if let single, case .email(let t) = single.action { template = t } else { template = book.statementTemplate }
            let byPolicy = !settings.isManual && (settings.policy == .auto || items.allSatisfy { $0.1.approval == .auto })
            var reminder = DueReminder(
                customer: customer, cases: items.map { (summary: $0.0, step: $0.1) }, stepID: single?.id ?? "statement",
                template: template, approvedByPolicy: byPolicy,
                requested: settings.isManual)
            reminder.others = (others[customer] ?? []).sorted { ($0.facts.due, $0.facts.number) < ($1.facts.due, $1.facts.number) }
            return reminder
        }
        return day
    }
}
