import DueTrailCore
import Foundation
import Testing

private func date(_ s: String) -> CalendarDate { CalendarDate(iso: s)! }
private let eur = Currency(code: "EUR")!

/// A case summary as the ledger would hold it, from hand-typed timeline lines.
private func summary(_ number: String, customer: String = "acme", due: String, balance: String = "100.00", events: [String] = []) -> CaseSummary {
    do {
        return try CoreFixtures.caseSummary(number, customer: customer, due: due, balance: balance, events: events)
    } catch {
        Issue.record("case \(number) does not parse")
        let facts = InvoiceFacts(number: number, customer: customer, issued: nil, due: date(due), amount: Money(1, eur))
        return CaseSummary(path: "", facts: facts, state: CaseState(facts: facts, events: []))
    }
}

private let templates = CoreFixtures.shippedTemplates

private func book(_ text: String = CadenceBook.defaultText) throws -> CadenceBook {
    try CadenceBook.parse(text, templates: templates)
}

@Suite struct CadenceFileTests {
    @Test func theDefaultCadenceReadsInPlainWords() throws {
        let b = try book()
        #expect(b.cadences.map(\.name) == ["default", "gentle"])
        let steps = try #require(b.steps(of: nil))
        #expect(steps.map(\.sentence) == [
            "3 days before the due date: pre-due courtesy note, template courtesy, reviewed before sending",
            "3 days after the due date: friendly nudge, template nudge, reviewed before sending",
            "10 days after the due date: firm reminder, template firm, reviewed before sending",
            "14 days after the due date: task for a person: phone the customer",
            "21 days after the due date: final notice, template final, reviewed before sending",
            "30 days after the due date: task for a person: decide on escalation",
        ])
        #expect(b.minimumGap == 5 && b.calendar.weekend == [6, 7])
    }

    @Test(arguments: [
        ("      email: reminder-9\n", "cadence.yaml:11: template `reminder-9` does not exist (no templates/reminder-9.mustache)"),
        ("      when: +3x\n", "cadence.yaml:10: `+3x` is not an offset from the due date"),
        ("      when: -5d\n", "cadence.yaml:9: step `nudge` (-5d) comes after `courtesy` (-3d) but is not later"),
    ])
    func mistakesAreReportedWithTheirLine(replacement: String, expected: String) throws {
        var lines = """
            minimum_gap: 5d
            calendar:
              holidays: [2026-12-25]
            cadences:
              default:
                - id: courtesy
                  when: -3d
                  email: courtesy
                - id: nudge
                  when: +3d
                  email: nudge

            """.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let key = replacement.trimmingCharacters(in: .whitespaces).split(separator: ":")[0]
        let index = key == "email" ? 10 : 9
        lines[index] = String(replacement.dropLast())
        #expect {
            try book(lines.joined(separator: "\n"))
        } throws: { error in
            (error as? Diagnostic)?.headline == expected
        }
    }

    @Test func otherMistakesNameTheirLineToo() {
        func headline(_ text: String) -> String? {
            do { _ = try book(text); return nil } catch { return (error as? Diagnostic)?.headline }
        }
        #expect(headline("cadences:\n  default:\n    - id: a\n      when: +1d\n      email: nudge\n      task: call\n")
            == "cadence.yaml:6: step `a` has both `email:` and `task:`; make them two steps")
        #expect(headline("calendar:\n  holidays: [2026-13-01]\ncadences:\n  default:\n    - id: a\n      when: +1d\n      email: nudge\n")
            == "cadence.yaml:2: `2026-13-01` is not a date (YYYY-MM-DD)")
        #expect(headline("cadences:\n  gentle:\n    - id: a\n      when: +1d\n      email: nudge\n")
            == "cadence.yaml:1: there is no `default` cadence")
        #expect(headline("cadence:\n  x: 1\n") == "cadence.yaml:1: unknown setting `cadence`")
        #expect(headline("cadences:\n  default:\n    - id: a\n      when: +1d\n      email: nudge\n      approve: maybe\n")
            == "cadence.yaml:6: `approve` is `review` (a person approves each draft) or `auto`, not `maybe`")
    }
}

@Suite struct BusinessCalendarTests {
    let calendar = BusinessCalendar(weekend: [6, 7], holidays: [date("2026-12-25"), date("2026-12-28")], quietDays: [date("2026-12-24")])

    @Test func aStepOnAWeekendHolidayOrQuietDayMovesToTheNextSendingDay() {
        // Due Wednesday 2026-12-16: +3d is Saturday 19th → Monday 21st.
        #expect(calendar.schedule(due: date("2026-12-16"), offset: StepOffset(days: 3, business: false)).iso == "2026-12-21")
        // +8d is Thursday 24th, a quiet day; Friday 25th a holiday; weekend; Monday 28th a holiday → Tuesday 29th.
        #expect(calendar.schedule(due: date("2026-12-16"), offset: StepOffset(days: 8, business: false)).iso == "2026-12-29")
        // Business days skip weekends and holidays but count the quiet day: 17, 18, 21, 22, 23, 24(quiet), 29.
        #expect(calendar.schedule(due: date("2026-12-16"), offset: StepOffset("+7bd")!).iso == "2026-12-29")
        #expect(calendar.schedule(due: date("2026-12-16"), offset: StepOffset("+6bd")!).iso == "2026-12-29")  // lands on the quiet 24th
        #expect(calendar.schedule(due: date("2026-12-21"), offset: StepOffset("-3bd")!).iso == "2026-12-16")
    }

    @Test func monthEndsAndLeapDays() {
        let plain = BusinessCalendar()
        // 2028 is a leap year: due Saturday 26 Feb +3d = Tuesday 29 Feb.
        #expect(plain.schedule(due: date("2028-02-26"), offset: StepOffset(days: 3, business: false)).iso == "2028-02-29")
        // 2027 is not: due Friday 26 Feb +1d = Saturday 27 → Monday 1 March.
        #expect(plain.schedule(due: date("2027-02-26"), offset: StepOffset(days: 1, business: false)).iso == "2027-03-01")
        // Across a year end: due Thursday 31 Dec 2026, +1bd = Friday 1 Jan 2027.
        #expect(plain.schedule(due: date("2026-12-31"), offset: StepOffset("+1bd")!).iso == "2027-01-01")
        #expect(StepOffset("+10bd")?.phrase == "10 business days after the due date")
        #expect(StepOffset("0d")?.phrase == "on the due date")
        #expect(StepOffset("soon") == nil && StepOffset("12h") == nil)
        #expect(StepOffset("+3w")?.phrase == "3 weeks after the due date")
        // A month after 31 January is the last day of February (2028 is a leap year).
        #expect(plain.schedule(due: date("2027-01-31"), offset: StepOffset("+1m")!).iso == "2027-03-01")  // Sun 28 Feb → Mon 1 Mar
        #expect(plain.schedule(due: date("2028-01-31"), offset: StepOffset("+1m")!).iso == "2028-02-29")
    }
}

@Suite struct CadencePlannerTests {
    /// Email steps only, so the "one step due now" rule is easy to see.
    let emails = """
        minimum_gap: 5d
        cadences:
          default:
            - id: courtesy
              when: -3d
              email: courtesy
            - id: nudge
              when: +3d
              email: nudge
            - id: firm
              when: +10d
              email: firm
            - id: final
              when: +21d
              email: final
          gentle:
            - id: nudge
              when: +7d
              email: nudge
          friendly:
            - id: courtesy
              when: -2d
              email: courtesy
              approve: auto

        """

    func planner(_ cases: [CaseSummary], customers: [String: CustomerCadence] = [:], pending: [PendingDraft] = []) throws -> CadencePlanner {
        CadencePlanner(book: try book(emails), customers: customers, cases: cases, pending: pending)
    }

    @Test func aCase40DaysOverdueGetsOnlyTheStepDueNow() throws {
        let c = summary("INV-1", due: "2026-10-21")  // Wednesday; 40 days before Monday 2026-11-30
        let p = try planner([c])
        let reminders = p.dueReminders([c], today: date("2026-11-30"))
        #expect(reminders.count == 1)
        #expect(reminders[0].stepID == "final" && reminders[0].template == "final")
        #expect(reminders[0].path(on: date("2026-11-30")) == "outbox/acme/2026-11-30-final.eml")
    }

    @Test func stepsFollowEachOtherAsTheyAreSent() throws {
        var c = summary("INV-1", due: "2026-11-18", events: ["- 2026-11-23 09:00 · sent · step: nudge · message-id: <a@x> · by Ana"])
        var p = try planner([c])
        // Sent the nudge on the 23rd; the firm reminder is due on the 28th (Saturday) → Monday 30th.
        if case .waiting(let step, let on) = p.status(of: c, today: date("2026-11-27")) {
            #expect(step.id == "firm" && on.iso == "2026-11-30")
        } else {
            Issue.record("expected waiting for firm")
        }
        #expect(p.dueReminders([c], today: date("2026-11-30")).map(\.stepID) == ["firm"])
        c = summary("INV-1", due: "2026-11-18", events: ["- 2026-11-30 09:00 · sent · step: final · by Ana"])
        p = try planner([c])
        #expect(p.status(of: c, today: date("2027-03-01")) == .finished)
    }

    @Test func pausedPaidAndClosedCasesAreNeverDrafted() throws {
        let today = date("2026-11-30")
        let cases = [
            summary("P-1", due: "2026-11-01", events: ["- 2026-11-20 · balance · balance: 0.00 EUR · by Import"]),
            summary("P-2", due: "2026-11-01", events: ["- 2026-11-20 · closed · reason: void · by Import"]),
            summary("P-3", due: "2026-11-01", events: ["- 2026-11-20 · disputed · wrong rate · by Ana"]),
            summary("P-4", due: "2026-11-01", events: ["- 2026-11-20 · escalated · to: agency · by Ana"]),
            summary("P-5", due: "2026-11-01", events: ["- 2026-11-20 · snoozed · until: 2026-12-05 · by Ana"]),
            summary("P-6", due: "2026-11-01", events: ["- 2026-11-20 · promised · date: 2026-11-27 · by Ana"]),
            summary("P-7", due: "2026-11-01", events: ["- 2026-11-28 · reply · subject: Re: invoice · by Customer"]),
        ]
        let p = try planner(cases)
        #expect(p.dueReminders(cases, today: today).isEmpty)
        #expect(cases.map { p.status(of: $0, today: today).phrase(manual: false) } == [
            "paid", "closed (void)", "disputed 2026-11-20 (10 days)", "escalated to agency since 2026-11-20", "snoozed until 2026-12-05",
            "promised for 2026-11-27",  // 2 business days of grace: until Tuesday 1 December
            "reply waiting since 2026-11-28",
        ])
        // After the grace the promise is broken: its follow-up comes first, from the promise-broken
        // template; a resolved dispute and an acknowledged reply resume the cadence.
        let broken = p.dueReminders([cases[5]], today: date("2026-12-02"))
        #expect(broken.map(\.stepID) == ["promise-broken"] && broken.map(\.template) == ["promise-broken"])
        #expect(p.status(of: cases[5], today: date("2026-12-02")).phrase(manual: false) == "PROMISE BROKEN: draft today: broken-promise follow-up")
        let resumed = [
            summary("R-1", due: "2026-11-01", events: ["- 2026-11-20 · disputed · wrong rate · by Ana", "- 2026-11-25 · resolved · credit agreed · by Ana"]),
            summary("R-2", customer: "blue", due: "2026-11-01", events: ["- 2026-11-28 · reply · subject: Re · by C", "- 2026-11-29 · ack · by Ana"]),
        ]
        #expect(try planner(resumed).dueReminders(resumed, today: today).count == 2)
    }

    @Test func theMinimumGapHoldsASecondReminderToTheSameCustomer() throws {
        let cases = [
            summary("G-1", due: "2026-11-18", events: ["- 2026-11-26 09:00 · sent · step: nudge · by Ana"]),
            summary("G-2", due: "2026-11-25"),  // nudge due on the 28th → Monday 30th
        ]
        let p = try planner(cases)
        #expect(p.dueReminders(cases, today: date("2026-11-30")).isEmpty)
        #expect(p.status(of: cases[1], today: date("2026-11-30")) == .held(try #require(book(emails).steps(of: nil))[1], until: date("2026-12-01"), gap: true))
        // On the 1st both are due (G-1's firm reminder since the 30th): one statement, never two emails.
        let both = p.dueReminders(cases, today: date("2026-12-01"))
        #expect(both.map(\.stepID) == ["statement"] && both[0].cases.map(\.step.id) == ["firm", "nudge"])
        // A draft still waiting in the outbox counts as a reminder too.
        let drafted = try planner([cases[1]], pending: [PendingDraft(path: "outbox/acme/2026-11-27-x.eml", customer: "acme", caseNumbers: ["Z-9"], step: "nudge", date: date("2026-11-27"), approved: false)])
        #expect(drafted.dueReminders([cases[1]], today: date("2026-11-30")).isEmpty)
    }

    @Test func oneCustomersCasesDueTogetherGoInOneMessage() throws {
        let same = [summary("S-2", due: "2026-11-25"), summary("S-1", due: "2026-11-24", balance: "50.00")]
        let r = try planner(same).dueReminders(same, today: date("2026-11-30"))
        #expect(r.count == 1 && r[0].stepID == "nudge" && r[0].template == "nudge")
        #expect(r[0].cases.map(\.summary.facts.number) == ["S-1", "S-2"])  // oldest due first
        let mixed = [summary("M-1", due: "2026-11-25"), summary("M-2", due: "2026-11-16"), summary("O-1", customer: "other", due: "2026-11-25")]
        let m = try planner(mixed).dueReminders(mixed, today: date("2026-11-30"))
        #expect(m.map(\.customer) == ["acme", "other"])
        #expect(m[0].stepID == "statement" && m[0].template == "statement")
        #expect(m[0].cases.map(\.step.id) == ["firm", "nudge"])
    }

    @Test func customersChooseCadenceAndPolicy() throws {
        let today = date("2026-11-30")
        let cases = [
            summary("C-1", customer: "gentle-co", due: "2026-11-25"),  // gentle: nudge at +7d, not yet
            summary("C-2", customer: "auto-co", due: "2026-11-25"),
            summary("C-3", customer: "manual-co", due: "2026-11-25"),
            summary("C-4", customer: "hospice", due: "2026-11-25"),
            summary("C-5", customer: "friendly-co", due: "2026-12-02"),  // friendly: courtesy approved by the cadence
            summary("C-6", customer: "typo-co", due: "2026-11-25"),
        ]
        let p = try planner(cases, customers: [
            "gentle-co": CustomerCadence(cadence: "gentle"), "auto-co": CustomerCadence(policy: .auto),
            "manual-co": CustomerCadence(policy: .manual), "hospice": CustomerCadence(policy: .review, sensitive: true),
            "friendly-co": CustomerCadence(cadence: "friendly"), "typo-co": CustomerCadence(cadence: "gentel"),
        ])
        let r = p.dueReminders(cases, today: today)
        #expect(r.map(\.customer) == ["auto-co", "friendly-co"])
        #expect(r.map(\.approvedByPolicy) == [true, true])
        #expect(p.status(of: cases[0], today: today).phrase(manual: false) == "next: friendly nudge on 2026-12-02")
        #expect(p.status(of: cases[2], today: today).phrase(manual: true) == "step due: friendly nudge (manual: draft --case)")
        #expect(p.status(of: cases[5], today: today) == .unknownCadence("gentel"))
        // A person asks for the manual and sensitive ones.
        let asked = p.dueReminders(cases, today: today, requested: ["C-3", "hospice"], only: ["C-3", "hospice"])
        #expect(asked.map(\.customer) == ["hospice", "manual-co"])
        #expect(asked.allSatisfy { !$0.approvedByPolicy && $0.requested })
    }

    @Test func sensitiveBeatsAutoAndBusinessDayStepsSkipHolidays() throws {
        let b = try book("""
            calendar:
              holidays: [2026-12-25, 2026-12-28]
            cadences:
              default:
                - id: nudge
                  when: +3bd
                  email: nudge
                  approve: auto

            """)
        // Due Wednesday 23 December: 24th (1), 25th holiday, weekend, 28th holiday, 29th (2), 30th (3).
        let c = summary("B-1", customer: "careful", due: "2026-12-23")
        let p = CadencePlanner(book: b, customers: ["careful": CustomerCadence(policy: .auto, sensitive: true)], cases: [c], pending: [])
        #expect(p.status(of: c, today: date("2026-12-29")).phrase(manual: true) == "next: friendly nudge on 2026-12-30")
        #expect(p.dueReminders([c], today: date("2026-12-30")).isEmpty)  // sensitive: only on request
        let asked = p.dueReminders([c], today: date("2026-12-30"), requested: ["B-1"])
        #expect(asked.count == 1 && !asked[0].approvedByPolicy)  // never approved by a policy
    }

    @Test func aRejectedStepIsNotDraftedAgainUnlessItWasOnlySnoozed() throws {
        let today = date("2026-11-30")
        let rejected = summary("J-1", due: "2026-11-25", events: ["- 2026-11-30 10:00 · rejected · step: nudge · in dispute by phone · by Ana"])
        let p = try planner([rejected])
        #expect(p.dueReminders([rejected], today: today).isEmpty)
        #expect(p.dueReminders([rejected], today: date("2026-12-07")).map(\.stepID) == ["firm"])
        let snoozed = summary("J-2", due: "2026-11-25", events: ["- 2026-11-30 10:00 · rejected · step: nudge · until: 2026-12-03 · call first · by Ana"])
        let q = try planner([snoozed])
        #expect(q.status(of: snoozed, today: today).phrase(manual: false) == "snoozed until 2026-12-03")
        #expect(q.dueReminders([snoozed], today: date("2026-12-03")).map(\.stepID) == ["nudge"])
    }

    @Test func theSummaryCacheKeepsWhereACaseStandsInItsCadence() throws {
        let busy = summary("Q-1", due: "2026-11-01", events: [
            "- 2026-11-05 09:00 · sent · step: nudge · message-id: <a@x.example> · by Ana",
            "- 2026-11-12 09:00 · sent · step: firm · message-id: <b@x.example> · by Ana",
            "- 2026-11-20 · disputed · wrong rate · by Ana", "- 2026-11-21 · promised · date: 2026-12-01 · by Ana",
            "- 2026-11-22 · snoozed · until: 2026-12-03 · by Ana", "- 2026-11-23 · reply · subject: Re · by C",
        ])
        for c in [busy, summary("Q-2", due: "2026-11-01")] {
            let line = c.cacheLine
            #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == CaseSummary.cacheFieldCount)
            #expect(CaseSummary(cacheLine: Substring(line)) == c)
        }
        #expect(busy.state.messageIDs == ["<a@x.example>", "<b@x.example>"] && busy.state.lastStep == "firm")
    }

    @Test func aTaskNeverSwallowsAnEmailStepHeldByTheGap() throws {
        // Default cadence: firm at +10d, call (task) at +14d. The nudge went out on the 27th; the
        // firm reminder (due Monday 30th) is held by the gap until 2 December; the call comes due
        // on 2 December too. The firm reminder still goes out.
        let b = try book()
        let c = summary("T-1", due: "2026-11-18", events: ["- 2026-11-27 09:00 · sent · step: nudge · by Ana"])
        let p = CadencePlanner(book: b, customers: [:], cases: [c], pending: [])
        #expect(p.status(of: c, today: date("2026-11-30")).phrase(manual: false) == "firm reminder on 2026-12-02 (minimum gap)")
        #expect(p.dueReminders([c], today: date("2026-12-02")).map(\.stepID) == ["firm"])
        // A case first seen late gets the most advanced email step its age passed, never a task
        // that presumes a reminder it never had.
        let late = summary("T-2", due: "2026-10-01")
        #expect(p.status(of: late, today: date("2026-11-30")).phrase(manual: false) == "final notice on 2026-12-02 (minimum gap)")
    }

    @Test func aCourtesyNoteIsNotSentOnceTheInvoiceIsOverdue() throws {
        let c = summary("K-1", due: "2026-11-27")  // courtesy on the 24th; nudge on the 30th
        let p = try planner([c])
        #expect(p.dueReminders([c], today: date("2026-11-25")).map(\.stepID) == ["courtesy"])
        #expect(p.status(of: c, today: date("2026-11-28")).phrase(manual: false) == "next: friendly nudge on 2026-11-30")
    }

    @Test func simulationPlaysOutAFullCycleOnSendingDaysOnly() throws {
        let cases = [summary("Y-1", due: "2026-12-02"), summary("Y-2", customer: "blue", due: "2026-12-02")]
        let sim = CadenceSimulation(book: try book(emails), customers: ["blue": CustomerCadence(policy: .auto)], cases: cases,
            from: date("2026-11-25"), to: date("2027-01-15"))
        let acme = sim.events.filter { $0.customer == "acme" }
        #expect(acme.map { "\($0.day.iso) \($0.step) \($0.kind.rawValue)" } == [
            "2026-11-30 courtesy review",  // -3d = Sunday 29th → Monday 30th
            "2026-12-07 nudge review",  // +3d = Saturday 5th → Monday 7th
            "2026-12-14 firm review",  // +10d = Saturday 12th → Monday 14th
            "2026-12-23 final review",  // +21d = Wednesday 23rd
        ])
        #expect(sim.events.filter { $0.customer == "blue" }.allSatisfy { $0.kind == .auto })
        #expect(sim.events.allSatisfy { $0.day.isoWeekday <= 5 })
    }
}

@Suite struct ReminderTests {
    let config = LedgerConfig(company: "Harbour & Finch", senderName: "Accounts, Harbour & Finch", senderEmail: "accounts@harbour.example",
        currency: eur, timezone: TimeZone(identifier: "UTC")!)

    func composer(_ text: String) throws -> ReminderComposer {
        ReminderComposer(config: config, book: try book(), templates: ["nudge": try ReminderTemplate(name: "nudge", text: text, path: "templates/nudge.mustache")])
    }

    @Test func templatesRenderAsPlainTextWithAmountsAndDates() throws {
        let c = try composer("""
            Subject: {{company}}: {{invoice_numbers}} ({{total}})

            Hello {{greeting_name}},
            {{#invoices}}
            - {{number}} due {{due}}, {{days_overdue}} days ago: {{balance}}
            {{/invoices}}
            {{#portal_url}}Pay here: {{portal_url}}{{/portal_url}}
            {{sender_name}}
            """)
        let steps = try #require(try book().steps(of: nil))
        let cases = [summary("INV-7", due: "2026-11-20", balance: "1234.50"), summary("INV-8", due: "2026-11-24", balance: "10.00")]
        let reminder = DueReminder(customer: "acme", cases: cases.map { ($0, steps[1]) }, stepID: "nudge", template: "nudge", approvedByPolicy: false, requested: false)
        let customer = CustomerFile(slug: "acme", name: "Acme <GmbH>", contacts: [.init(name: "Jo \"AP\" Bauer", email: "ap@acme.example"), .init(name: nil, email: "cfo@acme.example")])
        let draft = try c.compose(reminder, customer: customer, today: date("2026-11-30"))
        #expect(draft.text == """
            From: "Accounts, Harbour & Finch" <accounts@harbour.example>
            To: "Jo \\"AP\\" Bauer" <ap@acme.example>
            Cc: cfo@acme.example
            Reply-To: "Accounts, Harbour & Finch" <accounts@harbour.example>
            Subject: Harbour & Finch: INV-7, INV-8 (EUR 1,244.50)
            Message-ID: <20261130.nudge.acme.\(StableHash.hex("INV-7\nINV-8", length: 6))@harbour.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit
            X-DueTrail-Customer: acme
            X-DueTrail-Cases: INV-7, INV-8
            X-DueTrail-Step: nudge
            X-DueTrail-Drafted: 2026-11-30

            Hello Jo "AP" Bauer,
            - INV-7 due 20 November 2026, 10 days ago: EUR 1,234.50
            - INV-8 due 24 November 2026, 6 days ago: EUR 10.00

            Accounts, Harbour & Finch

            """)
        // Drafting again gives the same bytes.
        #expect(try c.compose(reminder, customer: customer, today: date("2026-11-30")).text == draft.text)
    }

    @Test(arguments: ["0.00 EUR", "0.05 EUR", "1234.50 EUR", "-1234567.89 USD", "1000000 JPY", "12.345 KWD", "999.99 GBP"])
    func fastAmountsMatchDecimalFormatting(text: String) throws {
        let money = try #require(Money(ledgerText: text))
        #expect(ReminderComposer.display(money, minor: money.minorUnits) == money.display)
    }

    @Test func aLineBreakInANameOrSubjectCannotAddAHeader() throws {
        let c = try composer("Subject: Re {{customer_name}}\n\nHi\n")
        let steps = try #require(try book().steps(of: nil))
        let sent = summary("INV-9", due: "2026-11-20", events: ["- 2026-11-23 09:00 · sent · step: nudge · message-id: <first@harbour.example> · by Ana"])
        let reminder = DueReminder(customer: "acme", cases: [(sent, steps[2])], stepID: "firm", template: "nudge", approvedByPolicy: false, requested: false)
        let evil = CustomerFile(slug: "acme", name: "Acme\r\nBcc: thief@evil.example", contacts: [.init(name: "Jo\nBcc: thief@evil.example", email: "ap@acme.example")])
        let text = try c.compose(reminder, customer: evil, today: date("2026-11-30")).text
        let headers = text.components(separatedBy: "\n\n")[0].split(separator: "\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc") })
        #expect(headers.contains("Subject: Re Acme  Bcc: thief@evil.example") || headers.contains("Subject: Re Acme Bcc: thief@evil.example"))
        // Threading: the case's earlier message.
        #expect(headers.contains("In-Reply-To: <first@harbour.example>") && headers.contains("References: <first@harbour.example>"))
        #expect(throws: ReminderComposer.Problem.noContact(customer: "acme")) {
            try c.compose(reminder, customer: CustomerFile(slug: "acme", name: "Acme", contacts: []), today: date("2026-11-30"))
        }
    }

    @Test func sensitiveCustomersAlwaysGetTheNoteLineAndNamesCannotCarryControlCharacters() throws {
        let c = try composer("Subject: Hi\n\nHello {{greeting_name}} about {{#invoices}}{{number}}{{/invoices}}\n")
        let steps = try #require(try book().steps(of: nil))
        let reminder = DueReminder(customer: "h", cases: [(summary("INV-\u{1B}[8m1", due: "2026-11-20"), steps[1])], stepID: "nudge", template: "nudge", approvedByPolicy: false, requested: true)
        let hospice = CustomerFile(slug: "h", name: "Hospice", contacts: [.init(name: "Aoife\u{1B}[8m", email: "f@h.example")], policy: .manual, sensitive: true)
        let body = try c.compose(reminder, customer: hospice, today: date("2026-11-30")).body
        #expect(body.hasPrefix(ReminderTemplate.personalNoteMarker))
        #expect(!body.contains("\u{1B}"))
    }

    @Test func windowsLineEndingsAndQuotedCommasRead() throws {
        let draft = "From: a@b.example\r\nTo: \"Bauer, Jonas\" <ap@acme.example>, cfo@acme.example\r\nX-DueTrail-Customer: acme\r\nX-DueTrail-Cases: INV-1\r\nX-DueTrail-Step: nudge\r\nX-DueTrail-Drafted: 2026-11-30\r\n\r\nbody\r\n"
        let headers = try DraftHeaders.parse(draft, path: "outbox/acme/x.eml")
        #expect(try headers.pending(path: "x", approved: false).caseNumbers == ["INV-1"])
        #expect(ReminderDraft.addresses(in: headers.value("To") ?? "").map(\.email) == ["ap@acme.example", "cfo@acme.example"])
        #expect(throws: Never.self) { try ReminderTemplate(name: "t", text: "Subject: x\r\n\r\nHello {{company}}\r\n", path: "templates/t.mustache") }
        // A ledger made before `statement` and `promise-broken` existed still reads its cadence.
        #expect(throws: Never.self) { try CadenceBook.parse("cadences:\n  default:\n    - id: a\n      when: +1d\n      email: nudge\n", templates: ["nudge"]) }
    }

    @Test func templateMistakesNameTheFileAndLine() {
        func headline(_ text: String) -> String? {
            do { _ = try ReminderTemplate(name: "t", text: text, path: "templates/t.mustache"); return nil } catch { return error.headline }
        }
        #expect(headline("Subject: x\n\nHello {{#invoices}}\n{{number}}\n{{/invoice}}\n")?.hasPrefix("templates/t.mustache:5:") == true)
        #expect(headline("Subject: x\n\nHello {{contact_nme}}\n") == "templates/t.mustache:3: unknown template variable `contact_nme`")
        #expect(headline("Hello\n\nbody\n") == "templates/t.mustache:1: a template starts with a `Subject:` line")
        #expect(headline("Subject: x\nbody\n") == "templates/t.mustache:2: the `Subject:` line is followed by a blank line, then the body")
    }

    @Test func longHeadersFoldAtSpacesWithinTheLineLimit() throws {
        let numbers = (1...30).map { "INV-\(1000 + $0)" }
        let draft = ReminderDraft(
            from: .init(name: "Accounts", email: "a@b.example"), to: [.init(name: nil, email: "c@d.example")], cc: [], replyTo: .init(name: nil, email: "a@b.example"),
            subject: "Zahlungserinnerung für " + numbers.joined(separator: " "), messageID: "<x@b.example>", references: [],
            customer: "acme", caseNumbers: numbers, step: "nudge", drafted: date("2026-11-30"), body: "x\n")
        let headerLines = draft.text.components(separatedBy: "\n\n")[0].split(separator: "\n")
        #expect(headerLines.allSatisfy { $0.count <= 78 })
        let unfolded = try DraftHeaders.parse(draft.text, path: "x.eml")
        #expect(unfolded.value("X-DueTrail-Cases") == numbers.joined(separator: ", "))
        #expect(unfolded.value("Subject") == "Zahlungserinnerung für " + numbers.joined(separator: " "))
    }

    @Test func draftHeadersReadBackIntoAPendingDraft() throws {
        let text = "From: a@b.example\nX-DueTrail-Customer: acme\nX-DueTrail-Cases: INV-1,\n  INV-2\nX-DueTrail-Step: statement\nX-DueTrail-Case-Steps: INV-1=nudge, INV-2=firm\nX-DueTrail-Drafted: 2026-11-30\n\nbody\n"
        let pending = try DraftHeaders.parse(text, path: "outbox/acme/x.eml").pending(path: "outbox/acme/x.eml", approved: true)
        #expect(pending.caseNumbers == ["INV-1", "INV-2"] && pending.step(for: "INV-2") == "firm" && pending.approved)
        #expect(throws: Diagnostic.self) { try DraftHeaders.parse("From a@b\n\nbody", path: "x.eml") }
    }
}
