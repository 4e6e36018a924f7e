import DueTrailCore
import Foundation
import Testing

private let today = CalendarDate(iso: "2026-11-30")!

private func openCase(_ number: String, due: String, balance: String, currency: String = "EUR", disputed: Bool = false) -> CaseSummary {
    let cur = Currency(code: currency)!
    let facts = InvoiceFacts(
        number: number, customer: "acme-gmbh", issued: CalendarDate(iso: "2026-08-01"), due: CalendarDate(iso: due)!,
        amount: Money(Decimals.parsePlain(balance)!, cur))
    var state = CaseState(facts: facts, events: [])
    if disputed { state.holds.disputedSince = CalendarDate(iso: "2026-11-20") }
    return CaseSummary(path: "cases/acme-gmbh/\(number.lowercased()).md", facts: facts, state: state)
}

private func view(name: String = "Acme GmbH", cases: [CaseSummary], settings: PortalSettings = PortalSettings()) -> PortalView {
    PortalView(
        company: "Northwind Studio Ltd", customerName: name, customerSlug: "acme-gmbh", today: today, cases: cases, settings: settings,
        link: "acme-gmbh.1798621200.sig", formToken: "1796029200.tok", horizon: 90)
}

/// The customer's page: what it shows, and that nothing in it can become markup.
@Suite struct PortalPageTests {
    @Test func aCreditInTheCustomersFavourIsShownBesideWhatIsOwed() throws {
        var overpaid = openCase("INV-1030", due: "2026-08-27", balance: "-160.00")
        overpaid.state.status = .paid
        let html = PortalPage.statement(view(cases: [openCase("INV-1042", due: "2026-09-09", balance: "7150.00"), overpaid]))
        #expect(html.contains(#"<p class="credits" id="credits">Credit in your favour: <span>EUR 160.00</span> "#), "\(html)")
        #expect(html.contains("Total open: <span>EUR 7,150.00</span>"), "the credit is not netted into what is owed")
        #expect(!PortalPage.statement(view(cases: [openCase("INV-1042", due: "2026-09-09", balance: "7150.00")])).contains("Credit in your favour"))
    }

    @Test func theStatementListsOpenInvoicesWithDaysOverdueTotalsPerCurrencyAndPayLinks() throws {
        var paid = openCase("INV-0999", due: "2026-09-01", balance: "50.00")
        paid.state.status = .paid
        let settings = PortalSettings(payURL: "https://checkout.example.com/pay?ref={{number}}&amount={{amount}}&cur={{currency}}")
        let html = PortalPage.statement(view(cases: [
            openCase("INV-1042", due: "2026-09-09", balance: "7150.00"), openCase("INV-1101", due: "2026-12-16", balance: "4800.00"),
            openCase("US-7", due: "2026-11-20", balance: "80.00", currency: "USD"), paid,
        ], settings: settings))
        #expect(html.contains("<h1>Your account: Acme GmbH</h1>"))
        #expect(html.contains(#"<th scope="row">INV-1042</th><td data-label="Issued">1 August 2026</td><td data-label="Due">9 September 2026</td><td data-label="Balance" class="num">EUR 7,150.00</td><td data-label="Days overdue" class="num overdue">82</td>"#))
        // Not yet due: zero days overdue, not a negative number.
        #expect(html.contains(#"<td data-label="Days overdue" class="num">0</td>"#))
        #expect(html.contains("Total open: <span>EUR 11,950.00</span> <span>USD 80.00</span>"))
        #expect(html.contains(#"href="https://checkout.example.com/pay?ref=INV-1042&amp;amount=7150.00&amp;cur=EUR""#))
        #expect(!html.contains("INV-0999"), "a paid invoice is not listed")
        #expect(!html.contains("<script"))
        #expect(html.contains(#"max="2027-02-28""#) && html.contains(#"min="2026-11-30""#))
        // Every form field has a label.
        for id in ["promise-invoice", "promise-date", "promise-amount", "promise-note", "dispute-invoice", "dispute-reason"] {
            #expect(html.contains(#"<label for="\#(id)">"#) && html.contains(#"id="\#(id)""#), "\(id)")
        }
        #expect(html.components(separatedBy: #"name="token" value="1796029200.tok""#).count == 3, "both forms carry the form token")
    }

    @Test func everyValueIsEscaped() throws {
        let hostile = "<script>alert(1)</script>"
        var settings = PortalSettings(payURL: "https://pay.example.com/?n={{number}}")
        settings.baseURL = nil
        var v = view(name: hostile, cases: [openCase("INV-\"><img src=x>", due: "2026-09-09", balance: "10.00")], settings: settings)
        v.company = "O'Brien & <b>Sons</b>"
        v.failedForm = "dispute"
        v.values = PortalFormValues(invoice: "x", reason: "</textarea><script>alert(2)</script>")
        v.errors = [PortalFieldError(field: "dispute-reason", message: "bad")]
        let html = PortalPage.statement(v)
        #expect(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>"))
        #expect(html.contains("Your account: &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;"))
        #expect(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;</textarea>"))
        // The invoice number is percent-encoded into the pay link, then escaped.
        #expect(html.contains("https://pay.example.com/?n=INV-%22%3E%3Cimg%20src%3Dx%3E"))
    }

    @Test func withNothingOpenThePageSaysSoAndOffersNoForms() {
        let html = PortalPage.statement(view(cases: []))
        #expect(html.contains("Nothing is open. Thank you!"))
        #expect(!html.contains("<form"))
    }

    @Test func eachProblemSitsByItsFieldAndIsTiedToIt() {
        var v = view(cases: [openCase("INV-1042", due: "2026-09-09", balance: "7150.00")])
        v.failedForm = "promise"
        v.values = PortalFormValues(invoice: "INV-1042", date: "2027-06-01")
        v.errors = [PortalFieldError(field: "promise-date", message: "Choose a date no later than 28 February 2027.")]
        let html = PortalPage.statement(v)
        #expect(html.contains(#"<span class="field-error" id="promise-date-error">Choose a date no later than 28 February 2027.</span>"#))
        #expect(html.contains(#"value="2027-06-01" aria-invalid="true" aria-describedby="promise-date-error">"#))
        #expect(html.contains(#"<option value="INV-1042" selected>"#), "the customer's choice is kept")
        #expect(html.contains(##"<li><a href="#promise-date">"##), "and listed at the top, linked to the field")
    }
}

/// The forms' rules, in the customer's words.
@Suite struct PortalFormTests {
    let open = [openCase("INV-1042", due: "2026-09-09", balance: "7150.00"), openCase("INV-1030", due: "2026-08-27", balance: "1340.00", disputed: true)]

    func fields(_ outcome: PortalFormOutcome<PortalForms.Promise>) -> [String] {
        if case .rejected(let errors) = outcome { return errors.map(\.field) }
        return []
    }

    @Test func aPromiseForAllLeavesDisputedInvoicesOutAndOneInvoiceMayNameAnAmount() throws {
        guard case .accepted(let all) = PortalForms.promise(PortalFormValues(invoice: "all", date: "2026-12-15"), open: open, today: today, horizon: 90) else {
            Issue.record("refused")
            return
        }
        #expect(all.invoices == ["INV-1042"] && all.date == CalendarDate(iso: "2026-12-15") && all.amount == nil && all.note == nil)
        guard case .accepted(let one) = PortalForms.promise(
            PortalFormValues(invoice: "INV-1042", date: "2026-12-15", amount: "2,000.00", note: "  after the board meets "), open: open, today: today, horizon: 90)
        else {
            Issue.record("refused")
            return
        }
        #expect(one.amount == "2,000.00" && one.note == "after the board meets")
    }

    @Test func aPromisedAmountIsReadByTheLedgersNumberFormatAndAnAmbiguousOneIsRefused() {
        let german = NumberFormat(pattern: "1.234,56")!
        let form = PortalFormValues(invoice: "INV-1042", date: "2026-12-15", amount: "1,500")
        guard case .rejected(let errors) = PortalForms.promise(form, open: open, today: today, horizon: 90, format: german) else {
            Issue.record("`1,500` was taken in a ledger where `,` is the decimal mark")
            return
        }
        #expect(errors.map(\.message) == ["This amount could mean EUR 1,500.00 or EUR 1.50; please write it as 1500.00 or 1.50."])
        guard case .accepted = PortalForms.promise(PortalFormValues(invoice: "INV-1042", date: "2026-12-15", amount: "1.500,00"), open: open, today: today, horizon: 90, format: german) else {
            Issue.record("refused")
            return
        }
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "INV-1042", date: "2026-12-15", amount: "-5"), open: open, today: today, horizon: 90)) == ["promise-amount"])
    }

    @Test func aPromiseOutsideTheHorizonInThePastOrOverTheBalanceIsRefusedPerField() {
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "all", date: "2027-03-01"), open: open, today: today, horizon: 90)) == ["promise-date"])
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "all", date: "2026-11-29"), open: open, today: today, horizon: 90)) == ["promise-date"])
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "all", date: "15/12/2026"), open: open, today: today, horizon: 90)) == ["promise-date"])
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "INV-1042", date: "2026-12-15", amount: "9000"), open: open, today: today, horizon: 90)) == ["promise-amount"])
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "all", date: "2026-12-15", amount: "10"), open: open, today: today, horizon: 90)) == ["promise-amount"])
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "INV-9999", date: "2026-12-15"), open: open, today: today, horizon: 90)) == ["promise-invoice"])
        #expect(fields(PortalForms.promise(PortalFormValues(invoice: "all", date: "2026-12-15", note: String(repeating: "x", count: 501)), open: open, today: today, horizon: 90)) == ["promise-note"])
    }

    @Test func aDisputeNeedsAnOpenUndisputedInvoiceAndAReasonOfAtMost2000Characters() {
        guard case .accepted(let d) = PortalForms.dispute(PortalFormValues(invoice: "INV-1042", reason: String(repeating: "y", count: 2000)), open: open) else {
            Issue.record("refused")
            return
        }
        #expect(d.invoice == "INV-1042")
        for (values, field) in [
            (PortalFormValues(invoice: "INV-1042", reason: String(repeating: "y", count: 2001)), "dispute-reason"),
            (PortalFormValues(invoice: "INV-1042", reason: "   "), "dispute-reason"),
            (PortalFormValues(invoice: "INV-1030", reason: "again"), "dispute-invoice"),
            (PortalFormValues(invoice: "INV-5555", reason: "not ours"), "dispute-invoice"),
        ] {
            guard case .rejected(let errors) = PortalForms.dispute(values, open: open) else {
                Issue.record("accepted \(values)")
                continue
            }
            #expect(errors.map(\.field) == [field])
        }
    }
}

/// Settings, form tokens and the rate limit.
@Suite struct PortalSettingsTests {
    @Test func thePortalBlockIsReadAndCheckedWithItsLine() throws {
        let base = "company: N\nsender:\n  name: A\n  email: a@n.example\ncurrency: EUR\ntimezone: UTC\n"
        let config = try LedgerConfig.parse(base + "portal:\n  base_url: https://pay.n.example/\n  pay_url: https://c.example/p?r={{number}}\n  link_days: 14\n")
        #expect(config.portal == PortalSettings(baseURL: "https://pay.n.example", payURL: "https://c.example/p?r={{number}}", linkDays: 14))
        #expect(config.portal?.noReplyAddress(senderEmail: config.senderEmail) == "no-reply@n.example")
        #expect(config.portal?.origin == "https://pay.n.example")
        #expect(PortalSettings(baseURL: "https://pay.n.example:443/portal").origin == "https://pay.n.example", "browsers leave the default port out")
        #expect(PortalSettings(baseURL: "http://127.0.0.1:8080").origin == "http://127.0.0.1:8080")
        #expect(config.render().contains("portal:\n  base_url: https://pay.n.example/\n"), "kept as written")
        for (bad, line, text) in [
            ("portal:\n  base_url: pay.n.example\n", 8, "`base_url` is the portal's public address"),
            ("portal:\n  pay_url: https://c.example/?r={{invoice}}\n", 8, "`pay_url` uses `{{invoice}}`"),
            ("portal:\n  link_days: forever\n", 8, "`link_days` is a number of days"),
            ("portal:\n  colour: blue\n", 8, "unknown portal setting `colour`"),
            ("portal:\n  pay_url: javascript:alert(1)//{{number}}\n", 8, "`pay_url` is a web address"),
        ] {
            #expect(throws: Diagnostic.self) { try LedgerConfig.parse(base + bad) }
            do {
                _ = try LedgerConfig.parse(base + bad)
            } catch {
                #expect(error.line == line && error.message.contains(text), "\(error)")
            }
        }
    }

    @Test func aFormTokenIsBoundToItsLinkAndExpires() {
        let key = PortalKey.generate().key
        let now = Date(timeIntervalSince1970: 1_796_029_200)
        let token = PortalFormToken.make(link: "acme-gmbh.1.sig", at: now, key: key)
        #expect(PortalFormToken.isValid(token, link: "acme-gmbh.1.sig", now: now.addingTimeInterval(3_600), key: key))
        #expect(!PortalFormToken.isValid(token, link: "delta-foods.1.sig", now: now, key: key))
        #expect(!PortalFormToken.isValid(token, link: "acme-gmbh.1.sig", now: now.addingTimeInterval(5 * 3_600), key: key))
        #expect(!PortalFormToken.isValid(token, link: "acme-gmbh.1.sig", now: now, key: PortalKey.generate().key))
        #expect(!PortalFormToken.isValid("", link: "acme-gmbh.1.sig", now: now, key: key))
    }

    @Test func theRateLimitAllowsABurstThenRefillsPerMinute() {
        var limiter = RateLimiter(perMinute: 3)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect((0..<3).map { _ in limiter.take("a", now: t0) } == [nil, nil, nil])
        #expect(limiter.take("a", now: t0) == 20, "one request comes back every 20 seconds")
        #expect(limiter.take("b", now: t0) == nil, "links are counted apart")
        #expect(limiter.take("a", now: t0.addingTimeInterval(20)) == nil)
        #expect(limiter.take("a", now: t0.addingTimeInterval(400)) == nil)
        #expect(limiter.tracked == 1, "full buckets are forgotten")
    }
}
