import DueTrailCore
import Foundation
import Testing

private func day(_ s: String) -> CalendarDate { CalendarDate(iso: s)! }

private func caseWith(_ number: String, customer: String = "acme", due: String, balance: String = "100.00", events: [String] = []) throws -> CaseSummary {
    try CoreFixtures.caseSummary(number, customer: customer, due: due, balance: balance, events: events)
}

private let shipped = CoreFixtures.shippedTemplates

/// The default cadence with the example ledger's holiday on 8 December 2026.
private func book(_ setting: String = "") throws -> CadenceBook {
    var text = CadenceBook.defaultText.replacingOccurrences(of: "  holidays: []", with: "  holidays: [2026-12-08]")
    // `key: value` replaces the shipped line of that key.
    if let colon = setting.firstIndex(of: ":") {
        let key = setting[..<colon]
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(key + ":") ? Substring(setting.trimmingCharacters(in: .newlines)) : $0 }
            .joined(separator: "\n")
    }
    return try CadenceBook.parse(text, templates: shipped)
}

private func status(_ c: CaseSummary, on today: String, book b: CadenceBook, customers: [String: CustomerCadence] = [:]) -> String {
    CadencePlanner(book: b, customers: customers, cases: [c], pending: []).status(of: c, today: day(today)).phrase(manual: false)
}

@Suite struct CatchUpTests {
    @Test func anOldInvoiceNeverRemindedGetsTheMostAdvancedEmailItsAgePassed() throws {
        let b = try book()
        // Monday 30 November: 46 days after 15 October. Escalation (+30d) passed too, but it
        // presumes the final notice was sent; the final notice (+21d) is what is due.
        let old = try caseWith("A-1", due: "2026-10-15")
        #expect(status(old, on: "2026-11-30", book: b) == "draft today: final notice")
        // On a Saturday it waits for Monday, still the final notice.
        let weekend = try caseWith("A-2", due: "2026-10-20")
        #expect(status(weekend, on: "2026-12-05", book: b) == "final notice on 2026-12-07 (next sending day)")
        // 16 days: the firm reminder (+10d), not the call (+14d) about reminders never sent.
        let mid = try caseWith("A-3", due: "2026-11-14")
        #expect(status(mid, on: "2026-11-30", book: b) == "draft today: firm reminder")
    }

    @Test func firstEmailCatchUpStartsAtTheFirstEmailStep() throws {
        let b = try book("catch_up: first-email\n")
        #expect(b.cadence(named: nil)?.catchUp == .firstEmail)
        let old = try caseWith("B-1", due: "2026-10-15")
        #expect(status(old, on: "2026-11-30", book: b) == "draft today: friendly nudge")
        // Once the nudge went out the ladder climbs, one minimum gap (5 days) apart.
        let nudged = try caseWith("B-2", due: "2026-10-15", events: ["- 2026-11-30 09:00 · sent · step: nudge · by Ana"])
        #expect(status(nudged, on: "2026-12-02", book: b) == "firm reminder on 2026-12-07 (minimum gap)")
        // A cadence of its own may say otherwise.
        let own = try CadenceBook.parse(
            CadenceBook.defaultText.replacingOccurrences(of: "  gentle:\n", with: "  gentle:\n    catch_up: first-email\n    list: due-only\n    steps:\n"),
            templates: shipped)
        #expect(own.cadence(named: "gentle")?.catchUp == .firstEmail && own.cadence(named: "gentle")?.listing == .dueOnly)
        #expect(own.cadence(named: nil)?.catchUp == .latestEmail)
        #expect(throws: Diagnostic.self) { try book("catch_up: newest") }
    }

    @Test func aTaskComesOnlyAfterItsEmailAndMovesAsLateAsThatEmailWent() throws {
        let b = try book()
        // Due Saturday 14 November; the firm reminder (+10d, Tuesday 24 Nov) went out six days
        // late, on Monday 30 Nov. The call (+14d, Saturday 28 → Monday 30 Nov) moves by as much,
        // to Sunday 6 December, and so to the next business day, Monday 7 December.
        let c = try caseWith("C-1", due: "2026-11-14", events: ["- 2026-11-30 09:00 · sent · step: firm · by Ana"])
        #expect(status(c, on: "2026-12-01", book: b) == "next: phone the customer on 2026-12-07")
        #expect(status(c, on: "2026-12-04", book: b) == "next: phone the customer on 2026-12-07")
        // On the 7th the final notice (+21d) is due too; a later email step goes before a task.
        #expect(status(c, on: "2026-12-07", book: b) == "draft today: final notice")
        // In a cadence whose next email is further off, the call is the task due.
        let slow = try CadenceBook.parse(CadenceBook.defaultText.replacingOccurrences(of: "when: +21d", with: "when: +28d"), templates: shipped)
        #expect(status(c, on: "2026-12-07", book: slow) == "phone the customer")
        // A logged call with the step, `done` and `skipped` each move the cadence on.
        for line in [
            "- 2026-12-04 10:00 · contact · via: call · step: call · will pay Friday · by Ana",
            "- 2026-12-04 10:00 · done · step: call · spoke to AP · by Ana",
            "- 2026-12-04 10:00 · skipped · step: call · no phone number · by Ana",
        ] {
            let moved = try caseWith("C-2", due: "2026-11-14", events: ["- 2026-11-30 09:00 · sent · step: firm · by Ana", line])
            #expect(moved.state.lastStep == "call")
            #expect(status(moved, on: "2026-12-07", book: b) == "draft today: final notice")
        }
    }

    @Test func escalationWaitsForTheFinalNoticeAndEscalationWait() throws {
        let b = try book()
        #expect(b.escalationWait == Span(7, .businessDays))
        // Final notice sent Friday 27 November; 7 business days, skipping the weekend and the
        // holiday on Tuesday 8 December, is Wednesday 9 December.
        let c = try caseWith("D-1", due: "2026-10-01", events: ["- 2026-11-27 09:00 · sent · step: final · by Ana"])
        #expect(status(c, on: "2026-12-08", book: b) == "next: decide on escalation on 2026-12-09")
        #expect(status(c, on: "2026-12-09", book: b) == "decide on escalation")
        // Without the final notice sent the escalation is never offered.
        let never = try caseWith("D-2", due: "2026-06-01")
        #expect(status(never, on: "2026-12-31", book: b) == "draft today: final notice")
        let longer = try book("escalation_wait: 2w\n")
        #expect(status(c, on: "2026-12-10", book: longer) == "next: decide on escalation on 2026-12-11")
        #expect(throws: Diagnostic.self) { try book("escalation_wait: soon") }
    }

    @Test func aCaseBackFromADisputeCatchesUpWithAnEmail() throws {
        let b = try book()
        let c = try caseWith("E-1", due: "2026-10-01", events: [
            "- 2026-10-05 09:00 · sent · step: nudge · by Ana", "- 2026-10-06 · disputed · wrong rate · by Ana",
            "- 2026-11-27 · resolved · rate corrected · by Ana",
        ])
        #expect(status(c, on: "2026-11-30", book: b) == "draft today: final notice")
        #expect(c.state.reminderDates == [day("2026-10-05")])
    }

    @Test func aCustomerOnHoldIsNotChasedUntilItsDate() throws {
        let b = try book()
        let c = try caseWith("F-1", due: "2026-11-14")
        var held = CustomerCadence()
        held.hold = CustomerHold(reason: "negotiating", since: day("2026-11-30"), until: day("2026-12-15"))
        #expect(status(c, on: "2026-12-01", book: b, customers: ["acme": held]) == "customer on hold since 2026-11-30 until 2026-12-15: negotiating")
        // The hold ends that day; the steps passed meanwhile catch up.
        #expect(status(c, on: "2026-12-15", book: b, customers: ["acme": held]) == "draft today: final notice")
    }

    @Test func aReminderListsTheCustomersOtherOverdueInvoicesUnlessDueOnly() throws {
        let atStep = try caseWith("G-1", due: "2026-11-27")  // nudge due Monday 30 November
        let waiting = try caseWith("G-2", due: "2026-11-28")  // overdue; its nudge comes on 1 December
        let disputed = try caseWith("G-3", due: "2026-11-01", events: ["- 2026-11-10 · disputed · wrong · by Ana"])
        let b = try book()
        let reminders = CadencePlanner(book: b, customers: [:], cases: [atStep, waiting, disputed], pending: []).dueReminders([atStep, waiting, disputed], today: day("2026-11-30"))
        #expect(reminders.count == 1)
        #expect(reminders.first?.cases.map(\.summary.facts.number) == ["G-1"])
        #expect(reminders.first?.others.map(\.facts.number) == ["G-2"])
        let dueOnly = try book("list: due-only\n")
        let only = CadencePlanner(book: dueOnly, customers: [:], cases: [atStep, waiting], pending: []).dueReminders([atStep, waiting], today: day("2026-11-30"))
        #expect(only.first?.others.isEmpty == true)
    }

    @Test func durationsAreReadByOneParser() {
        #expect(Span("7d") == Span(7, .days) && Span("2bd") == Span(2, .businessDays) && Span("1w") == Span(1, .weeks))
        #expect(Span("2w")?.calendarDays == 14 && Span("1m") == Span(1, .months) && Span("12h") == Span(12, .hours))
        #expect(Span("10 business days") == Span(10, .businessDays) && Span("-3d") == Span(-3, .days) && Span("soon") == nil)
        // A month after 31 January 2027 is 28 February; after 31 March, 30 April.
        #expect(Span(1, .months).date(after: day("2027-01-31")) == day("2027-02-28"))
        #expect(Span(1, .months).date(after: day("2027-03-31")) == day("2027-04-30"))
        #expect(Span(-1, .months).date(after: day("2027-01-15")) == day("2026-12-15"))
    }

    @Test func simulateSendsABrokenPromisesFollowUpOnce() throws {
        let b = try book()
        let c = try caseWith("H-1", due: "2026-10-15", events: [
            "- 2026-11-20 09:00 · sent · step: final · by Ana", "- 2026-11-23 · promised · date: 2026-11-25 · by Ana",
        ])
        let sim = CadenceSimulation(book: b, customers: [:], cases: [c], from: day("2026-11-30"), to: day("2027-01-31"))
        let followUps = sim.events.filter { $0.step == CadenceBook.promiseBrokenStepID }
        #expect(followUps.map(\.day) == [day("2026-11-30")])
        // A scripted payment in full ends the chase.
        let paid = try #require(try? CadenceSimulation.Scripted.parse("H-1 - 2026-12-01 · payment · amount: 100.00 EUR · by Ana").get())
        let withPayment = CadenceSimulation(book: b, customers: [:], cases: [c], scripted: [paid], from: day("2026-11-30"), to: day("2027-01-31"))
        #expect(withPayment.events.map(\.day) == [day("2026-11-30")])
    }
}

/// Every shipped template, in both wordings: a first contact never says "despite our reminders".
@Suite struct TemplateWordingTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("templates").path

    func composer() throws -> ReminderComposer {
        var templates: [String: ReminderTemplate] = [:]
        for name in shipped {
            let text = try String(contentsOfFile: Self.folder + "/\(name).mustache", encoding: .utf8)
            templates[name] = try ReminderTemplate(name: name, text: text, path: "templates/\(name).mustache")
        }
        let config = LedgerConfig(company: "Northwind Studio Ltd", senderName: "Accounts", senderEmail: "accounts@northwind.example",
            currency: Currency(code: "EUR")!, timezone: TimeZone(identifier: "UTC")!)
        return ReminderComposer(config: config, book: try book(), templates: templates)
    }

    func render(_ template: String, reminded: Bool) throws -> String {
        let events = reminded ? ["- 2026-11-03 09:00 · sent · step: nudge · by Ana", "- 2026-11-10 09:00 · sent · step: firm · by Ana"] : []
        var promised = events
        if template == "promise-broken" { promised.append("- 2026-11-12 · promised · date: 2026-11-20 · by Ana") }
        let c = try caseWith("INV-7", due: "2026-10-20", balance: "250.00", events: promised)
        let step = CadenceStep.oneOff(template: template)
        let reminder = DueReminder(customer: "acme", cases: [(summary: c, step: step)], stepID: template, template: template, approvedByPolicy: false, requested: false)
        let customer = CustomerFile(slug: "acme", name: "Acme GmbH", contacts: [CustomerFile.Contact(name: "Jonas", email: "ap@acme.example")])
        let draft = try composer().compose(reminder, customer: customer, today: day("2026-11-30"))
        return "Subject: \(draft.subject)\n\(draft.body)"
    }

    @Test(arguments: ["courtesy", "nudge", "firm", "final", "statement", "promise-broken"])
    func eachTemplateWordsAFirstContactAsOne(template: String) throws {
        let first = try render(template, reminded: false)
        for claim in ["Despite", "earlier reminder", "Our reminder", "Second reminder", "We last wrote", "Following up on our message", "has not been answered"] {
            #expect(!first.contains(claim), "\(template) (first contact) says \(claim):\n\(first)")
        }
        let reminded = try render(template, reminded: true)
        let expected: [String: String] = [
            "courtesy": "(We last wrote to you about this invoice on 10 November 2026.)",
            "nudge": "Following up on our message of 10 November 2026, we have not yet received payment",
            "firm": "Our reminders of 3 and 10 November 2026 have not been answered",
            "final": "Despite our reminders of 3 and 10 November 2026, the following invoice remains unpaid:",
            "statement": "We last wrote to you about some of these on 10 November 2026.",
            "promise-broken": "(Our earlier reminders went out on 3 and 10 November 2026.)",
        ]
        #expect(reminded.contains(expected[template] ?? "?"), "\(template) (after reminders):\n\(reminded)")
        #expect(!first.contains(expected[template] ?? "?"))
        if template == "final" || template == "firm" {
            #expect(first.contains("We have not yet received payment for the following invoice, which is now 41 days past due:"), "\(first)")
        }
        if template == "firm" { #expect(first.hasPrefix("Subject: Payment overdue for INV-7") && reminded.hasPrefix("Subject: Second reminder: payment overdue for INV-7")) }
    }

    @Test func datesOfSeveralRemindersReadAsAPersonWritesThem() {
        #expect(ReminderComposer.friendly([day("2026-11-10"), day("2026-11-03")]) == "3 and 10 November 2026")
        #expect(ReminderComposer.friendly([day("2026-10-28"), day("2026-11-03"), day("2026-11-10")]) == "28 October, 3 and 10 November 2026")
        #expect(ReminderComposer.friendly([day("2026-12-30"), day("2027-01-05")]) == "30 December 2026 and 5 January 2027")
    }
}

/// Day one on exports in the layouts real accounting packages write (`Tests/Fixtures/exports`):
/// whatever the vendor, an invoice never reminded gets an email step or waits for one, never a
/// task that presumes a contact.
@Suite struct CatchUpOnVendorExportsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/exports")

    @Test func noVendorsBacklogStartsWithATask() throws {
        let b = try book()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".csv") }.sorted()
        var read = 0, emails = 0
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(name)))
            // A layout that needs options of its own (a status word, a date order) is covered by its own test.
            guard let export = try? InvoiceExport(bytes: bytes, path: name, options: ExportOptions(defaultCurrency: Currency(code: "EUR")!)) else { continue }
            read += 1
            let cases = export.invoices.compactMap { inv -> CaseSummary? in
                guard inv.disposition == .open, let due = inv.due else { return nil }
                let facts = InvoiceFacts(number: inv.number, customer: Slug.make(inv.customerName) ?? "customer", issued: nil, due: due, amount: inv.balance)
                return CaseSummary(path: "cases/\(inv.number).md", facts: facts, state: CaseState(facts: facts, events: []))
            }
            let planner = CadencePlanner(book: b, customers: [:], cases: cases, pending: [])
            for c in cases {
                let status = planner.status(of: c, today: day("2026-11-30"))
                switch status {
                case .task(let step, _): Issue.record("\(name): \(c.facts.number) (due \(c.facts.due.iso)) starts with a task: \(step.id)")
                case .due(let step, _), .held(let step, _, _):
                    #expect(step.isEmail, "\(name): \(c.facts.number)")
                    emails += 1
                case .waiting, .finished, .inactive, .paused, .drafted, .unknownCadence: break
                }
            }
        }
        #expect(read >= 10 && emails >= 10, "\(read) exports read, \(emails) cases at an email step")
    }
}
