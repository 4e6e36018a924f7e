/// Turns a due reminder into a draft message: fills the step's template with the customer,
/// the invoices and the sender, and addresses it to the customer's billing contacts.
package struct ReminderComposer: Sendable {
    package let config: LedgerConfig
    package let book: CadenceBook
    package let templates: [String: ReminderTemplate]
    /// The customer's portal link (`{{portal_url}}`), by customer slug; nil leaves it out.
    package let portalLink: (@Sendable (String) -> String?)?

    package init(config: LedgerConfig, book: CadenceBook, templates: [String: ReminderTemplate], portalLink: (@Sendable (String) -> String?)? = nil) {
        self.config = config
        self.book = book
        self.templates = templates
        self.portalLink = portalLink
    }

    package enum Problem: Error, Sendable, Equatable {
        /// The customer file lists no contact to write to.
        case noContact(customer: String)
        case missingTemplate(String)
        /// The template rendered to more than `TemplateLimits.maxRenderedBytes`.
        case tooLarge(template: String, bytes: Int)
    }

    /// The draft for `reminder` on `today`, to `customer`'s contacts (the first in To, the
    /// others in Cc).
    package func compose(_ reminder: DueReminder, customer: CustomerFile, today: CalendarDate) throws(Problem) -> ReminderDraft {
        guard let first = customer.contacts.first else { throw .noContact(customer: customer.slug) }
        guard let template = templates[reminder.template] else { throw .missingTemplate(reminder.template) }
        let context = context(reminder, customer: customer, today: today, using: template.names)
        var (subject, body): (String, String)
        switch template.render(context, limits: .standard) {
        case .success(let rendered): (subject, body) = rendered
        case .failure(let tooLarge): throw .tooLarge(template: reminder.template, bytes: tooLarge.bytes)
        }
        // A sensitive customer's reminder always waits for a personal note, whatever the template says.
        if customer.sensitive && !body.contains(ReminderTemplate.personalNoteMarker) {
            body = "\(ReminderTemplate.personalNoteMarker) write a line for this customer here, then delete this bracketed line.]\n\n" + body
        }
        let numbers = reminder.cases.map(\.summary.facts.number)
        var references: [String] = []
        for c in reminder.cases {
            for id in c.summary.state.messageIDs where !references.contains(id) { references.append(id) }
        }
        let sender = ReminderDraft.Address(name: config.senderName, email: config.senderEmail)
        var draft = ReminderDraft(
            from: sender,
            to: [ReminderDraft.Address(name: first.name, email: first.email)],
            cc: customer.contacts.dropFirst().map { ReminderDraft.Address(name: $0.name, email: $0.email) },
            replyTo: ReminderDraft.Address(name: config.senderName, email: config.replyTo ?? config.senderEmail),
            subject: subject,
            messageID: ReminderDraft.messageID(day: today, step: reminder.stepID, customer: reminder.customer, cases: numbers, senderEmail: config.senderEmail),
            references: Array(references.suffix(10)),
            customer: reminder.customer, caseNumbers: numbers, step: reminder.stepID, drafted: today, body: body)
        if Set(reminder.cases.map(\.step.id)).count > 1 {
            for c in reminder.cases { draft.caseSteps[c.summary.facts.number] = c.step.id }
        }
        draft.alsoListed = reminder.others.map(\.facts.number)
        return draft
    }

    /// The names a template can use (see `ReminderTemplate.variables`).
    /// `using`: the names the template uses; per-invoice values it does not use are skipped.
    package func context(_ reminder: DueReminder, customer: CustomerFile, today: CalendarDate, using: Set<String>? = nil) -> [String: Any] {
        func wants(_ name: String) -> Bool { using?.contains(name) ?? true }
        var totals = Totals()
        var maxOverdue = 0
        func node(_ summary: CaseSummary, step: CadenceStep?) -> RenderNode {
            let f = summary.facts
            let overdue = f.due.days(to: today)
            // Built as render nodes at once: this runs for every invoice of every reminder.
            var invoice: [String: Any] = ["number": RenderText(Self.clean(f.number)), "overdue": overdue > 0, "at_step": step != nil]
            func set(_ name: String, _ value: @autoclosure () -> String) { if wants(name) { invoice[name] = RenderText(value()) } }
            set("due", Self.friendly(f.due))
            set("due_iso", f.due.iso)
            set("amount", f.amount.display)
            set("balance", Self.display(summary.state.balance, minor: summary.state.balanceMinor))
            set("days_overdue", String(max(overdue, 0)))
            set("days_until_due", String(max(-overdue, 0)))
            if let step {
                set("step", step.id)
                set("step_name", step.name)
            }
            if let issued = f.issued { set("issued", Self.friendly(issued)) }
            return RenderNode(wrapped: invoice)
        }
        var invoices: [RenderNode] = []
        invoices.reserveCapacity(reminder.cases.count)
        for (summary, step) in reminder.cases {
            maxOverdue = max(maxOverdue, summary.facts.due.days(to: today))
            totals.add(summary.state.balance, minor: summary.state.balanceMinor)
            invoices.append(node(summary, step: step))
        }
        var allTotals = totals, othersTotals = Totals()
        let others = reminder.others.map { summary -> RenderNode in
            allTotals.add(summary.state.balance, minor: summary.state.balanceMinor)
            othersTotals.add(summary.state.balance, minor: summary.state.balanceMinor)
            return node(summary, step: nil)
        }
        // What this customer was told before about these invoices (each day once): a first
        // contact never says "despite our reminders".
        let sent = Array(Set(reminder.cases.flatMap(\.summary.state.reminderDates))).sorted()
        let contactName = customer.contacts.first?.name
        let promised = reminder.cases.compactMap(\.summary.state.holds.promisedUntil).max()
        var context: [String: Any] = [
            "company": Self.clean(config.company), "sender_name": config.senderName, "sender_email": config.senderEmail,
            "customer_name": Self.clean(customer.name), "contact_name": Self.clean(contactName ?? ""),
            "greeting_name": Self.clean(contactName ?? customer.name),
            "invoice_numbers": reminder.cases.map(\.summary.facts.number).joined(separator: ", "),
            "count": String(reminder.cases.count), "plural": reminder.cases.count > 1, "total": totals.display,
            "max_days_overdue": String(maxOverdue), "earliest_due": reminder.cases.map(\.summary.facts.due).min().map(Self.friendly) ?? "",
            "today": Self.friendly(today),
            "personal_note": customer.sensitive, "invoices": invoices,
            "promised_date": promised.map(Self.friendly) ?? "",
            "step_name": reminder.stepName,
            "others": others, "has_others": !others.isEmpty, "others_count": String(others.count),
            "others_total": othersTotals.display, "total_all": allTotals.display,
            "first_reminder": sent.isEmpty, "reminders_sent": String(sent.count), "several_reminders": sent.count > 1,
            "reminder_dates": Self.friendly(sent), "last_reminder_date": sent.last.map(Self.friendly) ?? "",
        ]
        if wants("portal_url"), let link = portalLink?(reminder.customer) { context["portal_url"] = link }
        // Mustache treats "" as true: an empty optional value is left out, so `{{#portal_url}}…`
        // sections disappear when there is nothing to show.
        for key in ["promised_date", "contact_name", "reminder_dates", "last_reminder_date", "others_total"] where (context[key] as? String)?.isEmpty == true { context[key] = nil }
        return context
    }

    /// Balances summed per currency: in minor units while every balance has them (exact and
    /// cheap), in `Decimal` otherwise. Shown as `EUR 1,234.50 and USD 80.00`, currencies sorted.
    struct Totals {
        private var balances: [Currency: [(money: Money, minor: Int64?)]] = [:]

        mutating func add(_ balance: Money, minor: Int64?) { balances[balance.currency, default: []].append((balance, minor)) }

        var display: String { parts.joined(separator: " and ") }

        /// One total per currency, currencies sorted.
        var parts: [String] {
            balances.keys.sorted().compactMap { currency -> String? in
                guard let all = balances[currency], let first = all.first else { return nil }
                var minor: Int64? = 0
                for b in all {
                    guard let sum = minor, let m = b.minor else { minor = nil; break }
                    let (next, overflow) = sum.addingReportingOverflow(m)
                    minor = overflow ? nil : next
                }
                let money = minor != nil ? first.money : all.dropFirst().reduce(first.money) { $0.adding($1.money) ?? $0 }
                return money.display(minor: minor)
            }
        }
    }

    /// Text from customer files and exports, without control characters: a name cannot
    /// smuggle a terminal escape into `review` or a line break into the body.
    static func clean(_ text: String) -> String { text.controlCharactersAsSpaces }

    /// `EUR 1,234.50` for a balance whose minor units are known (see `Money.display(minor:)`).
    package static func display(_ money: Money, minor: Int64?) -> String { money.display(minor: minor) }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// `3 and 10 November 2026`, `28 October and 3 November 2026`, `30 December 2026 and
    /// 5 January 2027`: days sharing a month and year are named once.
    package static func friendly(_ dates: [CalendarDate]) -> String {
        var years: [(year: Int, months: [(month: Int, days: [Int])])] = []
        for d in dates.sorted() {
            let (y, m, day) = d.parts
            if years.last?.year != y { years.append((y, [])) }
            if years[years.count - 1].months.last?.month != m { years[years.count - 1].months.append((m, [])) }
            let last = years[years.count - 1].months.count - 1
            years[years.count - 1].months[last].days.append(day)
        }
        var parts: [String] = []
        for (y, months) in years {
            let named = months.map { m in list(m.days.map(String.init)) + " " + Self.months[m.month - 1] }
            // "28 October, 3 and 10 November": one "and" per phrase.
            let joined = named.count > 1 && (months.last?.days.count ?? 0) > 1 ? named.joined(separator: ", ") : list(named)
            parts.append(joined + " \(y)")
        }
        return list(parts)
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// `30 November 2026`: no day/month order to misread in any country.
    package static func friendly(_ d: CalendarDate) -> String {
        let (y, m, day) = d.parts
        return "\(day) \(months[m - 1]) \(y)"
    }
}
