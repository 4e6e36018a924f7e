import Foundation

/// A problem with one field of a portal form, shown next to the form and linked to the field.
package struct PortalFieldError: Sendable, Equatable {
    /// The field's HTML id (`promise-date`).
    package let field: String
    package let message: String

    package init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// A form either checked and ready to record, or refused with what to fix.
package enum PortalFormOutcome<Checked: Sendable>: Sendable {
    case accepted(Checked)
    case rejected([PortalFieldError])
}

/// What a customer typed into a portal form, as posted (`application/x-www-form-urlencoded`).
package struct PortalFormValues: Sendable, Equatable, Decodable {
    /// The anti-forgery token (`PortalFormToken`).
    package var token: String?
    /// An invoice number, or `all` (a promise for every open invoice).
    package var invoice: String?
    package var date: String?
    package var amount: String?
    package var note: String?
    package var reason: String?

    package init(token: String? = nil, invoice: String? = nil, date: String? = nil, amount: String? = nil, note: String? = nil, reason: String? = nil) {
        self.token = token
        self.invoice = invoice
        self.date = date
        self.amount = amount
        self.note = note
        self.reason = reason
    }
}

/// The rules of the portal's two forms, checked before anything is written, with messages a
/// customer understands (the ledger checks again when it records, in its own words).
package enum PortalForms {
    package static let maxReason = 2_000
    package static let maxNote = 500

    /// A checked promise: which invoices, by when, and how much of one invoice.
    package struct Promise: Sendable, Equatable {
        package let invoices: [String]
        package let date: CalendarDate
        package let amount: String?
        package let note: String?
    }

    package struct Dispute: Sendable, Equatable {
        package let invoice: String
        package let reason: String
    }

    /// The cases a customer can act on: open, with something left to pay.
    package static func openCases(_ cases: [CaseSummary]) -> [CaseSummary] {
        cases.filter { $0.state.status == .open && $0.state.balance.amount > 0 }
    }

    /// `format`: the ledger's `number_format`, so the portal reads an amount exactly as the
    /// ledger will record it (and refuses the same ambiguous ones).
    package static func promise(
        _ form: PortalFormValues, open: [CaseSummary], today: CalendarDate, horizon: Int, format: NumberFormat = .commaThousandsPointDecimal
    ) -> PortalFormOutcome<Promise> {
        var errors: [PortalFieldError] = []
        let choice = trimmed(form.invoice) ?? "all"
        var chosen: [CaseSummary] = open.filter { $0.state.holds.disputedSince == nil }
        if choice != "all" {
            if let one = open.first(where: { $0.facts.number == choice }) {
                chosen = [one]
            } else {
                errors.append(PortalFieldError(field: "promise-invoice", message: "Choose one of your open invoices."))
            }
        } else if chosen.isEmpty {
            errors.append(PortalFieldError(field: "promise-invoice", message: "There is no open invoice to promise a payment for."))
        }
        var date: CalendarDate?
        let last = today.adding(days: horizon)
        if let text = trimmed(form.date) {
            if let d = CalendarDate(iso: text) {
                if d < today {
                    errors.append(PortalFieldError(field: "promise-date", message: "The payment date is in the past; choose today or a later day."))
                } else if d > last {
                    errors.append(PortalFieldError(field: "promise-date", message: "Choose a date no later than \(ReminderComposer.friendly(last)) (\(Plural.days(horizon)) from today)."))
                } else {
                    date = d
                }
            } else {
                errors.append(PortalFieldError(field: "promise-date", message: "Enter the date as year-month-day, for example \(today.adding(days: 7).iso)."))
            }
        } else {
            errors.append(PortalFieldError(field: "promise-date", message: "Enter the date you will pay by."))
        }
        let amount = trimmed(form.amount)
        if let amount {
            if choice == "all" {
                errors.append(PortalFieldError(field: "promise-amount", message: "To promise part of a balance, choose one invoice; leave the amount empty to promise all of it."))
            } else if let one = chosen.first, chosen.count == 1 {
                do {
                    let money = try TypedAmount.parse(amount, currency: one.state.balance.currency, format: format)
                    if money.amount > one.state.balance.amount {
                        errors.append(PortalFieldError(field: "promise-amount", message: "The amount is more than the balance of \(one.facts.number) (\(one.state.balance.display))."))
                    }
                } catch {
                    errors.append(PortalFieldError(field: "promise-amount", message: Self.amountProblem(error, currency: one.state.balance.currency)))
                }
            }
        }
        // What a customer types may hold control characters (`%1b`, `%00`): never recorded.
        let note = trimmed(form.note.map(RecordedText.cleaned))
        if let note, note.count > maxNote {
            errors.append(PortalFieldError(field: "promise-note", message: "The note is \(note.count) characters long; keep it to \(maxNote)."))
        }
        guard errors.isEmpty, let date else { return .rejected(errors) }
        return .accepted(Promise(invoices: chosen.map(\.facts.number), date: date, amount: amount, note: note))
    }

    package static func dispute(_ form: PortalFormValues, open: [CaseSummary]) -> PortalFormOutcome<Dispute> {
        var errors: [PortalFieldError] = []
        var invoice: String?
        if let choice = trimmed(form.invoice), let one = open.first(where: { $0.facts.number == choice }) {
            if one.state.holds.disputedSince != nil {
                errors.append(PortalFieldError(field: "dispute-invoice", message: "\(one.facts.number) is already disputed; our team will be in touch."))
            } else {
                invoice = one.facts.number
            }
        } else {
            errors.append(PortalFieldError(field: "dispute-invoice", message: "Choose the invoice you dispute."))
        }
        let reason = trimmed(form.reason.map(RecordedText.cleaned))
        if reason == nil {
            errors.append(PortalFieldError(field: "dispute-reason", message: "Tell us what is wrong with the invoice."))
        } else if let reason, reason.count > maxReason {
            errors.append(PortalFieldError(field: "dispute-reason", message: "The reason is \(reason.count) characters long; keep it to \(maxReason)."))
        }
        guard errors.isEmpty, let invoice, let reason else { return .rejected(errors) }
        return .accepted(Dispute(invoice: invoice, reason: reason))
    }

    /// What a customer is told about an amount the portal could not take.
    static func amountProblem(_ error: AmountInputError, currency: Currency) -> String {
        switch error {
        case .ambiguous(_, _, let asGroup, let asDecimal, _):
            return "This amount could mean \(asGroup.display) or \(asDecimal.display); please write it as \(asGroup.plain) or \(asDecimal.plain)."
        case .notPositive: return "Enter an amount above zero, or leave it empty to promise the whole balance."
        case .otherCurrency: return "Enter the amount in \(currency.code), the currency of the invoice."
        case .tooLarge: return "That amount is too large; enter what you will pay in \(currency.code)."
        case .tooManyDecimals: return "Enter the amount with at most \(currency.minorDigits) decimal places."
        case .misplacedMark(_, _, let asGroup, _): return "If you mean \(asGroup.display), please write it as \(Decimals.plain(asGroup.amount, scale: 0))."
        case .empty, .notANumber: return "Enter an amount in \(currency.code), for example 250.00."
        }
    }

    static func trimmed(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }
}
