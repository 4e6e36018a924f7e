import DueTrailCore
import Testing

@Suite struct CaseFileTests {
    static let sample = """
        ---
        invoice: 2026/118
        customer: acme-gmbh
        issued: 2026-09-01
        due: 2026-10-01
        amount: 1500.00
        currency: EUR
        source: xero
        po-number: "PO 7781"   # the customer's order
        ---

        # Invoice 2026/118 — Acme GmbH

        Jonas prefers a call before any written reminder.

        ## Timeline

        - 2026-10-02 09:14 · opened · balance: 1500.00 EUR · source: xero open.csv · by Ana Ruiz · #7f3a9c1e
        - 2026-10-20 · note · Called Jonas · re: the PO number · by Bo Chen
        - 2026-11-02 10:00 · balance · balance: 900.00 EUR · was: 1500.00 EUR · by Ana Ruiz · #aa00bb11

        ## Internal

        Director approval needed before escalation.

        """

    @Test func readsFactsEventsAndDerivedState() throws {
        let file = try CaseFile.parse(Self.sample, path: "cases/acme-gmbh/2026-118.md").get()
        #expect(file.facts.number == "2026/118")
        #expect(file.facts.customer == "acme-gmbh")
        #expect(file.facts.amount.display == "EUR 1,500.00")
        #expect(file.events.count == 3)
        #expect(file.events[1].minutes == nil)
        #expect(file.events[1].text == "Called Jonas · re: the PO number")
        #expect(file.events[1].who == "Bo Chen")
        #expect(file.events[1].id == file.events[1].derivedID(salt: 0))  // typed by hand: id from its content
        #expect(file.state.balance.plain == "900.00")
        #expect(file.state.status == .open)
    }

    @Test func rewritingKeepsWhatAPersonWroteAndIsStable() throws {
        var file = try CaseFile.parse(Self.sample, path: "c.md").get()
        file.append(TimelineEvent(date: CalendarDate(iso: "2026-11-30")!, minutes: 540, kind: .note, text: "Promised Friday", who: "Ana Ruiz"))
        let once = file.render()
        #expect(once.contains("po-number: \"PO 7781\"   # the customer's order\n"))
        #expect(once.contains("Jonas prefers a call before any written reminder."))
        #expect(once.contains("## Internal\n\nDirector approval needed before escalation.\n"))
        #expect(once.contains("- 2026-11-30 09:00 · note · Promised Friday · by Ana Ruiz · #"))
        // The same state renders to the same bytes, however often it is read and written.
        let again = try CaseFile.parse(once, path: "c.md").get().render()
        #expect(again == once)
    }

    @Test func freeTextThatLooksLikeADetailStaysText() throws {
        var file = try CaseFile.parse(Self.sample, path: "c.md").get()
        // A customer's note (from the portal) or a reason typed on the command line.
        file.append(TimelineEvent(date: CalendarDate(iso: "2026-11-30")!, minutes: 540, kind: .promised,
            attributes: [("date", "2026-12-15"), ("via", "portal")], text: "amount: 1.00 EUR", who: "Acme GmbH"))
        file.append(TimelineEvent(date: CalendarDate(iso: "2026-11-30")!, minutes: 541, kind: .disputed, text: "amount: abc · wrong", who: "Acme GmbH"))
        let text = file.render()
        #expect(text.contains("· promised · date: 2026-12-15 · via: portal · \"amount: 1.00 EUR\" · by Acme GmbH ·"), "\(text)")
        #expect(text.contains("· disputed · \"amount: abc \\u00b7 wrong\" · by Acme GmbH ·"), "\(text)")
        let reread = try CaseFile.parse(text, path: "c.md").get()
        #expect(reread.events.suffix(2).map(\.attributes.count) == [2, 0])
        #expect(reread.events.suffix(2).map(\.text) == ["amount: 1.00 EUR", "amount: abc · wrong"])
        #expect(reread.state.holds.promiseTarget?.amount == 0, "a promise of the whole balance, not of 1.00")
        #expect(reread.render() == text)
    }

    @Test func aPaidOrClosedCaseIsDerivedFromItsEvents() throws {
        let facts = InvoiceFacts(number: "A-1", customer: "acme", issued: nil, due: CalendarDate(iso: "2026-10-01")!, amount: Money(100, Currency(code: "EUR")!))
        let day = CalendarDate(iso: "2026-11-01")!
        var file = CaseFile(facts: facts, customerName: "Acme", events: [
            TimelineEvent(date: day, minutes: 0, kind: .opened, attributes: [("balance", "100.00 EUR")], who: "a")
        ])
        file.append(TimelineEvent(date: day, minutes: 1, kind: .balance, attributes: [("balance", "0.00 EUR")], who: "a"))
        #expect(file.state.status == .paid)
        file.append(TimelineEvent(date: day, minutes: 2, kind: .closed, attributes: [("reason", "void")], who: "a"))
        #expect(file.state.status == .closed)
        #expect(file.state.closedReason == "void")
    }

    @Test func identicalEventsGetDistinctIds() throws {
        let day = CalendarDate(iso: "2026-11-01")!
        let facts = InvoiceFacts(number: "A-1", customer: "acme", issued: nil, due: day, amount: Money(100, Currency(code: "EUR")!))
        var file = CaseFile(facts: facts, customerName: "Acme", events: [])
        let note = TimelineEvent(date: day, minutes: 60, kind: .note, text: "Called", who: "Ana")
        file.append(note)
        file.append(note)
        #expect(Set(file.events.map(\.id)).count == 2)
    }

    @Test func badFilesAreReportedWithTheirLines() {
        let text = """
            ---
            invoice: X-1
            customer: acme
            due: 2026-31-12
            amount: 12,50
            currency: EUR
            ---

            ## Timeline

            - yesterday · note · hi · by Ana
            - 2026-11-01 · note · no author
            """
        guard case .failure(let list) = CaseFile.parse(text, path: "cases/acme/x-1.md") else {
            Issue.record("expected a failure")
            return
        }
        // Every problem at once: the due date, the amount, and both timeline lines.
        #expect(list.items.map(\.line) == [4, 5, 11, 12])
        #expect(list.items[0].headline == "cases/acme/x-1.md:4:6: `due` must be a date YYYY-MM-DD, not `2026-31-12`")
        #expect(list.items[1].headline == "cases/acme/x-1.md:5:9: `amount` must be a number like 1200.50, not `12,50`")
        #expect(list.items[0].description.contains("4 | due: 2026-31-12\n  |      ^"))

        let fixedFront = text.replacingOccurrences(of: "2026-31-12", with: "2026-12-31").replacingOccurrences(of: "12,50", with: "12.50")
        guard case .failure(let events) = CaseFile.parse(fixedFront, path: "c.md") else {
            Issue.record("expected a failure")
            return
        }
        #expect(events.items.map(\.headline) == [
            "c.md:11: `yesterday` is not a date (YYYY-MM-DD, optionally HH:MM)",
            "c.md:12: who did it is missing (`by NAME`)",
        ])
    }
}
