import Foundation
import Mustache

/// What a customer's portal page shows: built from their cases, with nothing of the ledger's
/// internals (paths, commits) in it.
package struct PortalView: Sendable {
    package enum Notice: String, Sendable { case promised, disputed }

    package var company: String
    package var customerName: String
    package var today: CalendarDate
    package var cases: [CaseSummary]
    package var settings: PortalSettings
    package var customerSlug: String
    /// The link token, for the forms' addresses.
    package var link: String
    package var formToken: String
    package var horizon: Int
    package var notice: Notice?
    /// Problems with a form just posted, and which form (`promise` or `dispute`).
    package var errors: [PortalFieldError] = []
    package var failedForm: String?
    package var values = PortalFormValues()

    package init(
        company: String, customerName: String, customerSlug: String, today: CalendarDate, cases: [CaseSummary], settings: PortalSettings,
        link: String, formToken: String, horizon: Int
    ) {
        self.company = company
        self.customerName = customerName
        self.customerSlug = customerSlug
        self.today = today
        self.cases = cases
        self.settings = settings
        self.link = link
        self.formToken = formToken
        self.horizon = horizon
    }
}

/// The portal's pages: plain HTML, one stylesheet, no JavaScript. Rendered with Mustache in
/// HTML mode, so every value (a customer named `<script>…`) is escaped.
package enum PortalPage {
    /// The customer's statement with the promise and dispute forms.
    package static func statement(_ view: PortalView) -> String {
        let open = PortalForms.openCases(view.cases)
        var totals = ReminderComposer.Totals()
        var rows: [[String: Any]] = []
        for c in open {
            let f = c.facts
            let overdue = max(f.due.days(to: view.today), 0)
            totals.add(c.state.balance, minor: c.state.balanceMinor)
            var status = ""
            if let since = c.state.holds.disputedSince {
                status = "Disputed since \(ReminderComposer.friendly(since))"
            } else if let until = c.state.holds.promisedUntil {
                // Part of the balance promised: how much, in its currency.
                let h = c.state.holds
                let part = h.promiseTarget.flatMap { t in h.balanceAtPromise.map { Money($0.amount - t.amount, t.currency) } }.flatMap { $0.amount > 0 && (h.promiseTarget?.amount ?? 0) > 0 ? $0 : nil }
                status = "Payment " + (part.map { "of \($0.display) " } ?? "") + "promised by \(ReminderComposer.friendly(until))"
            }
            var row: [String: Any] = [
                "number": f.number, "issued": f.issued.map(ReminderComposer.friendly) ?? "—", "due": ReminderComposer.friendly(f.due),
                "balance": c.state.balance.display(minor: c.state.balanceMinor), "days_overdue": String(overdue), "overdue": overdue > 0,
                "pay_url": view.settings.payLink(number: f.number, amount: c.state.balance, customer: view.customerSlug) ?? "",
                "status": status,
                "promise_selected": view.failedForm == "promise" && view.values.invoice == f.number,
                "dispute_selected": view.failedForm == "dispute" && view.values.invoice == f.number,
                "disputable": c.state.holds.disputedSince == nil,
            ]
            // Mustache counts "" as true: empty values are left out, so their sections vanish.
            for key in ["pay_url", "status"] where (row[key] as? String)?.isEmpty == true { row[key] = nil }
            rows.append(row)
        }
        let last = view.today.adding(days: view.horizon)
        func value(_ form: String, _ v: String?) -> String { view.failedForm == form ? (v ?? "") : "" }
        var context: [String: Any] = [
            "title": "Your account with \(view.company)", "company": view.company, "customer_name": view.customerName,
            "today": ReminderComposer.friendly(view.today), "invoices": rows, "has_invoices": !rows.isEmpty,
            "totals": totals.parts.map { ["amount": $0] },
            "action_promise": "/p/\(view.link)/promise", "action_dispute": "/p/\(view.link)/dispute", "form_token": view.formToken,
            "date_min": view.today.iso, "date_max": last.iso, "date_max_friendly": ReminderComposer.friendly(last),
            "promise_date": value("promise", view.values.date), "promise_amount": value("promise", view.values.amount),
            "promise_note": value("promise", view.values.note), "dispute_reason": value("dispute", view.values.reason),
            "max_reason": String(PortalForms.maxReason), "max_note": String(PortalForms.maxNote),
            "errors": view.errors.map { ["field": $0.field, "message": $0.message] }, "has_errors": !view.errors.isEmpty,
            "promised": view.notice == .promised, "disputed": view.notice == .disputed,
            "can_dispute": rows.contains { $0["disputable"] as? Bool == true },
        ]
        // Money in the customer's favour (an overpayment, a credit note), shown beside what is owed.
        let credits = CustomerCredit.all(in: view.cases)
        if !credits.isEmpty {
            context["credits"] = credits.map { ["amount": $0.amount.display] }
            context["has_credits"] = true
        }
        for key in ["promise_date", "promise_amount", "promise_note", "dispute_reason"] where (context[key] as? String)?.isEmpty == true {
            context[key] = nil
        }
        // Each problem also sits by its field, tied to it with aria-describedby.
        for error in view.errors {
            let key = error.field.replacingOccurrences(of: "-", with: "_")
            context["invalid_" + key] = true
            context["error_" + key] = ((context["error_" + key] as? String).map { $0 + " " } ?? "") + error.message
        }
        return render(statementTemplate, context)
    }

    /// The one answer for a link that is not valid: forged, altered, expired, or for a
    /// customer the ledger does not have. The same bytes in every case.
    package static let notFound = simple(
        title: "Link not valid",
        text: "This link is not valid. It may have expired or been copied incompletely. Please use the link in our most recent email, or reply to that email and we will send you a new one.")

    package static let formExpired = simple(
        title: "Please try again",
        text: "This form was open too long, or came from another site, so nothing was recorded. Go back, reload the page, and send it again.")

    package static let tooManyRequests = simple(
        title: "Please wait a moment",
        text: "There have been too many requests for this link in a short time. Please wait a minute and try again.")

    package static let tooLarge = simple(title: "Too much text", text: "The form was too large to accept. Please shorten it and send it again.")

    package static let unavailable = simple(
        title: "Something went wrong",
        text: "Something went wrong on our side and nothing was recorded. Please try again in a few minutes.")

    static func simple(title: String, text: String) -> String {
        render(simpleTemplate, ["title": title, "heading": title, "text": text])
    }

    /// The stylesheet: readable on a phone, strong contrast, visible keyboard focus.
    package static let stylesheet = """
        :root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0a4fa8; --warn: #9c1c1c; --ok: #1d5e2b; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
        header, main, footer { max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem; }
        header { border-bottom: 1px solid var(--line); }
        .company { margin: 0; color: var(--muted); font-weight: 600; }
        h1 { font-size: 1.6rem; margin: .25rem 0 0; line-height: 1.25; }
        h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
        table { width: 100%; border-collapse: collapse; margin: .5rem 0; }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        th, td { text-align: left; padding: .5rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody th, td.num { white-space: nowrap; }
        .overdue { color: var(--warn); font-weight: 600; }
        .status { display: block; color: var(--muted); font-size: .95rem; white-space: normal; overflow-wrap: anywhere; }
        .totals { font-size: 1.15rem; font-weight: 600; }
        .pay { display: inline-block; padding: .35rem .8rem; border: 2px solid var(--accent); border-radius: .3rem; text-decoration: none; font-weight: 600; }
        form { border: 1px solid var(--line); border-radius: .4rem; padding: 1rem; }
        label { display: block; font-weight: 600; margin-top: .9rem; }
        .hint { display: block; color: var(--muted); font-weight: 400; font-size: .95rem; }
        input, select, textarea { font: inherit; width: 100%; max-width: 28rem; padding: .45rem; border: 2px solid #6b6b6b; border-radius: .3rem; color: var(--ink); background: #fff; }
        textarea { max-width: 100%; min-height: 6rem; }
        [aria-invalid="true"] { border-color: var(--warn); }
        button { margin-top: 1.1rem; font: inherit; font-weight: 600; padding: .6rem 1.2rem; color: #fff; background: var(--accent); border: 0; border-radius: .3rem; cursor: pointer; }
        .notice { border-left: 6px solid var(--ok); background: #eef7f0; padding: .75rem 1rem; }
        .errors { border-left: 6px solid var(--warn); background: #fbeeee; padding: .75rem 1rem; }
        .errors a { color: var(--warn); }
        .field-error { display: block; color: var(--warn); font-weight: 600; }
        footer { color: var(--muted); font-size: .95rem; border-top: 1px solid var(--line); margin-top: 2rem; }
        @media (max-width: 40rem) {
          thead { position: absolute; left: -999px; }
          table, tbody, tr, th, td { display: block; width: 100%; }
          tr { border: 1px solid var(--line); border-radius: .4rem; margin: .75rem 0; padding: .25rem .5rem; }
          td, th, tbody th { border: 0; padding: .2rem 0; white-space: normal; }
          td::before { content: attr(data-label) ": "; color: var(--muted); font-weight: 600; }
          .num { text-align: left; }
        }

        """

    private static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <title>{{title}}</title>
        <link rel="stylesheet" href="/portal.css">
        </head>
        <body>

        """

    private static let simpleTemplate = compile(head + """
        <header><h1>{{heading}}</h1></header>
        <main id="main"><p>{{text}}</p></main>
        </body>
        </html>

        """)

    private static let statementTemplate = compile(head + """
        <a class="skip" href="#main">Skip to your invoices</a>
        <header>
        <p class="company">{{company}}</p>
        <h1>Your account: {{customer_name}}</h1>
        </header>
        <main id="main">
        {{#promised}}<div class="notice" role="status"><h2>Thank you</h2><p>Your payment date is recorded. We will not send reminders for these invoices before that date.</p></div>{{/promised}}
        {{#disputed}}<div class="notice" role="status"><h2>Thank you</h2><p>Your dispute is recorded. Our team will look into it and contact you; reminders for that invoice are paused meanwhile.</p></div>{{/disputed}}
        {{#has_errors}}<div class="errors" role="alert"><h2>Please check the form</h2><ul>{{#errors}}<li><a href="#{{field}}">{{message}}</a></li>{{/errors}}</ul></div>{{/has_errors}}
        <p>What is open with {{company}} on {{today}}.</p>
        {{#has_credits}}<p class="credits" id="credits">Credit in your favour: {{#credits}}<span>{{amount}}</span> {{/credits}}(set against an open invoice or refunded; ask us which you prefer)</p>{{/has_credits}}
        {{#has_invoices}}
        <table>
        <caption>Open invoices</caption>
        <thead><tr><th scope="col">Invoice</th><th scope="col">Issued</th><th scope="col">Due</th><th scope="col" class="num">Balance</th><th scope="col" class="num">Days overdue</th><th scope="col">Pay</th></tr></thead>
        <tbody>
        {{#invoices}}
        <tr><th scope="row">{{number}}{{#status}}<span class="status">{{status}}</span>{{/status}}</th><td data-label="Issued">{{issued}}</td><td data-label="Due">{{due}}</td><td data-label="Balance" class="num">{{balance}}</td><td data-label="Days overdue" class="num{{#overdue}} overdue{{/overdue}}">{{days_overdue}}</td><td data-label="Pay">{{#pay_url}}<a class="pay" href="{{pay_url}}" rel="noreferrer noopener">Pay {{number}}</a>{{/pay_url}}{{^pay_url}}By bank transfer, as on the invoice{{/pay_url}}</td></tr>
        {{/invoices}}
        </tbody>
        </table>
        <p class="totals">Total open: {{#totals}}<span>{{amount}}</span> {{/totals}}</p>

        <h2 id="promise-h">Tell us when you will pay</h2>
        <form method="post" action="{{action_promise}}" aria-labelledby="promise-h">
        <input type="hidden" name="token" value="{{form_token}}">
        <label for="promise-invoice">Invoice</label>
        {{#error_promise_invoice}}<span class="field-error" id="promise-invoice-error">{{error_promise_invoice}}</span>{{/error_promise_invoice}}
        <select id="promise-invoice" name="invoice"{{#invalid_promise_invoice}} aria-invalid="true" aria-describedby="promise-invoice-error"{{/invalid_promise_invoice}}>
        <option value="all">All open invoices</option>
        {{#invoices}}<option value="{{number}}"{{#promise_selected}} selected{{/promise_selected}}>{{number}} ({{balance}})</option>
        {{/invoices}}
        </select>
        <label for="promise-date">Payment date <span class="hint">No later than {{date_max_friendly}}</span></label>
        {{#error_promise_date}}<span class="field-error" id="promise-date-error">{{error_promise_date}}</span>{{/error_promise_date}}
        <input id="promise-date" name="date" type="date" required min="{{date_min}}" max="{{date_max}}" value="{{promise_date}}"{{#invalid_promise_date}} aria-invalid="true" aria-describedby="promise-date-error"{{/invalid_promise_date}}>
        <label for="promise-amount">Amount <span class="hint">Optional, for one invoice: leave empty to pay all of it</span></label>
        {{#error_promise_amount}}<span class="field-error" id="promise-amount-error">{{error_promise_amount}}</span>{{/error_promise_amount}}
        <input id="promise-amount" name="amount" inputmode="decimal" autocomplete="off" value="{{promise_amount}}"{{#invalid_promise_amount}} aria-invalid="true" aria-describedby="promise-amount-error"{{/invalid_promise_amount}}>
        <label for="promise-note">Note <span class="hint">Optional, up to {{max_note}} characters</span></label>
        {{#error_promise_note}}<span class="field-error" id="promise-note-error">{{error_promise_note}}</span>{{/error_promise_note}}
        <textarea id="promise-note" name="note" maxlength="{{max_note}}"{{#invalid_promise_note}} aria-invalid="true" aria-describedby="promise-note-error"{{/invalid_promise_note}}>{{promise_note}}</textarea>
        <button type="submit">Record my payment date</button>
        </form>

        {{#can_dispute}}
        <h2 id="dispute-h">Something wrong with an invoice?</h2>
        <form method="post" action="{{action_dispute}}" aria-labelledby="dispute-h">
        <input type="hidden" name="token" value="{{form_token}}">
        <label for="dispute-invoice">Invoice</label>
        {{#error_dispute_invoice}}<span class="field-error" id="dispute-invoice-error">{{error_dispute_invoice}}</span>{{/error_dispute_invoice}}
        <select id="dispute-invoice" name="invoice" required{{#invalid_dispute_invoice}} aria-invalid="true" aria-describedby="dispute-invoice-error"{{/invalid_dispute_invoice}}>
        <option value="">Choose an invoice</option>
        {{#invoices}}{{#disputable}}<option value="{{number}}"{{#dispute_selected}} selected{{/dispute_selected}}>{{number}} ({{balance}})</option>
        {{/disputable}}{{/invoices}}
        </select>
        <label for="dispute-reason">What is wrong <span class="hint">Up to {{max_reason}} characters</span></label>
        {{#error_dispute_reason}}<span class="field-error" id="dispute-reason-error">{{error_dispute_reason}}</span>{{/error_dispute_reason}}
        <textarea id="dispute-reason" name="reason" required maxlength="{{max_reason}}"{{#invalid_dispute_reason}} aria-invalid="true" aria-describedby="dispute-reason-error"{{/invalid_dispute_reason}}>{{dispute_reason}}</textarea>
        <button type="submit">Send my dispute</button>
        </form>
        {{/can_dispute}}
        {{/has_invoices}}
        {{^has_invoices}}<p>Nothing is open. Thank you!</p>{{/has_invoices}}
        </main>
        <footer><p>Questions? Reply to any email from {{company}}. This page is for {{customer_name}} only; please do not share its address.</p></footer>
        </body>
        </html>

        """)

    /// The templates are fixed text, checked by the tests; a template that failed to compile
    /// would render as an empty page rather than stop the server.
    private static func compile(_ text: String) -> MustacheTemplate? { try? MustacheTemplate(string: text) }

    private static func render(_ template: MustacheTemplate?, _ values: [String: Any]) -> String {
        template?.render(RenderNode(values)) ?? "<!doctype html><title>Unavailable</title><p>Unavailable.</p>\n"
    }
}
