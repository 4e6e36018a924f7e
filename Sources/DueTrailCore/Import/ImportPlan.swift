import Foundation

/// A change to an existing case: new facts and/or new timeline events.
package struct CaseUpdate: Sendable {
    package var path: String
    package var number: String
    package var facts: InvoiceFacts?
    package var events: [TimelineEvent]
}

/// A balance the export raises on a case whose payments, credits or closing DueTrail recorded
/// since the last import: a stale export must not undo them. Applied only when a person says
/// so (`--accept-export-balance INVOICE`).
package struct BalanceConflict: Sendable, Equatable {
    package let number: String
    package let path: String
    package let ledger: Money
    package let export: Money
    /// The events DueTrail recorded since the last import, e.g. `payment 400.00 EUR on 2026-12-03 (#ab12cd34)`.
    package let since: [String]
    /// The export would reopen a case closed in DueTrail.
    package var ledgerClosed = false
}

/// How one import is to be applied: which file, which account of the package, and what a
/// person decided beforehand.
package struct ImportSettings: Sendable {
    package var source: String
    /// `--account NAME`: which books of the package the export is from (two Xero
    /// organisations in one ledger); only cases of the same format and account are listed
    /// as missing or closed by `--close-missing`.
    package var account: String?
    package var closeMissing: Bool
    /// `--accept-export-balance`: invoices whose export balance wins over payments recorded since.
    package var acceptExportBalance: Set<String>
    /// `default_terms:` in `duetrail.yaml`.
    package var defaultTerms: PaymentTerms?

    package init(source: String, account: String? = nil, closeMissing: Bool = false, acceptExportBalance: Set<String> = [], defaultTerms: PaymentTerms? = nil) {
        self.source = source
        self.account = account
        self.closeMissing = closeMissing
        self.acceptExportBalance = acceptExportBalance
        self.defaultTerms = defaultTerms
    }
}

/// What an import would do, decided without touching the ledger, so it can be shown with
/// `--dry-run`, refused as a whole on any problem, or written as one commit.
package struct ImportPlan: Sendable {
    package var newCustomers: [CustomerFile] = []
    /// Existing customers with no contact, given the export's email addresses.
    package var contactsAdded: [(slug: String, contacts: [CustomerFile.Contact])] = []
    package var newCases: [(path: String, file: CaseFile)] = []
    package var updates: [CaseUpdate] = []
    /// Open cases of this export's source the export does not list (paid elsewhere? written off?).
    package var missing: [CaseSummary] = []
    /// Stale balances not applied.
    package var conflicts: [BalanceConflict] = []
    /// Balances applied over payments recorded since, because a person said so.
    package var acceptedBalances: [String] = []
    /// `--accept-export-balance` invoices that had no conflict to settle (a typo?).
    package var acceptNotNeeded: [String] = []
    /// Facts a person changed in the ledger that the export still shows as before: kept.
    package var keptLocalFacts: [(number: String, key: String, ledger: String, export: String)] = []
    package var unchanged = 0
    /// Invoices in the export that are paid, void or draft and have no case: nothing to chase.
    package var notOpened = 0
    package var drafts = 0
    package var invoiceCount = 0
    /// New cases whose due date came from terms, by where the terms came from.
    package var dueFromTerms: [String: Int] = [:]

    package var isEmpty: Bool { newCustomers.isEmpty && newCases.isEmpty && updates.isEmpty && contactsAdded.isEmpty }

    package static func customerPath(_ slug: String) -> String { "customers/\(slug).yaml" }
    package static func casePath(customer: String, invoice: String) -> String { "cases/\(customer)/\(invoice).md" }

    /// Plans importing `export` into a ledger whose cases and customers are given.
    package static func make(
        export: InvoiceExport, settings: ImportSettings, cases: [CaseSummary], customers: [String: CustomerSummary],
        who: String, clock: LedgerClock
    ) throws(DiagnosticList) -> ImportPlan {
        var plan = ImportPlan()
        plan.invoiceCount = export.invoices.count
        let source = settings.source
        var problems: [Diagnostic] = []
        var slugByName: [String: String] = [:]
        for (slug, c) in customers.sorted(by: { $0.key < $1.key }) where slugByName[c.name.lowercased()] == nil {
            slugByName[c.name.lowercased()] = slug
        }
        var takenCustomerSlugs = Set(customers.keys)
        // Positions, not copies: a 100,000-case ledger is looked up once per export row. A case
        // is this export's when its number and its books (`--account`) are: two sets of books
        // may both have an INV-0001.
        var indexByNumber: [String: Int] = [:]
        indexByNumber.reserveCapacity(cases.count)
        for (i, c) in cases.enumerated() where c.facts.account == settings.account { indexByNumber[c.facts.number] = i }
        let existingIndex = export.invoices.map { indexByNumber[$0.number] }
        var seen = [Bool](repeating: false, count: cases.count)
        var takenPaths: Set<String> = []
        var takenPathsReady = false  // built only when a new case needs a file name
        var newCustomerIndex: [String: Int] = [:]
        let sourceLabel = "\(export.format.rawValue) \(source)"

        func event(_ kind: EventKind, _ attributes: [(key: EventAttribute, value: String)], text: String? = nil) -> TimelineEvent {
            clock.event(kind, attributes, text: text, who: who)
        }

        // New customers are created in a stable order (by name), so slugs never depend on row order.
        let newNames = Set(export.invoices.indices.filter { existingIndex[$0] == nil && export.invoices[$0].disposition == .open }.map { export.invoices[$0].customerName })
            .filter { slugByName[$0.lowercased()] == nil }
            .sorted()
        for name in newNames where slugByName[name.lowercased()] == nil {
            let slug = Slug.unique(for: name, fallbackPrefix: "customer", isTaken: { takenCustomerSlugs.contains($0) })
            takenCustomerSlugs.insert(slug)
            slugByName[name.lowercased()] = slug
            newCustomerIndex[slug] = plan.newCustomers.count
            plan.newCustomers.append(CustomerFile(slug: slug, name: name, contacts: []))
        }

        // Existing customers without a contact get the export's addresses (a later `--map email=…`).
        var filled: [String: [CustomerFile.Contact]] = [:]
        var filledOrder: [String] = []
        let contactless = Set(customers.filter { $0.value.contacts.isEmpty }.map(\.key))
        func offerContact(_ invoice: ImportedInvoice, slug: String) {
            guard let email = invoice.email, !newCustomerIndex.isEmpty || contactless.contains(slug) else { return }
            if let i = newCustomerIndex[slug] {
                if !plan.newCustomers[i].contacts.contains(where: { $0.email.lowercased() == email.lowercased() }) {
                    plan.newCustomers[i].contacts.append(CustomerFile.Contact(name: invoice.contactName, email: email))
                }
            } else if contactless.contains(slug) {
                if filled[slug] == nil { filledOrder.append(slug) }
                if !(filled[slug] ?? []).contains(where: { $0.email.lowercased() == email.lowercased() }) {
                    filled[slug, default: []].append(CustomerFile.Contact(name: invoice.contactName, email: email))
                }
            }
        }

        var noDue: [(number: String, line: Int, customer: String?, issued: Bool)] = []
        var exactSlug: [String: String] = [:]  // the export's spelling → slug, to lower-case each name once
        func slug(for name: String) -> String? {
            if let known = exactSlug[name] { return known }
            let s = slugByName[name.lowercased()]
            if let s { exactSlug[name] = s }
            return s
        }
        for (row, invoice) in export.invoices.enumerated() {
            if let position = existingIndex[row] {
                seen[position] = true
                let existing = cases[position]
                let customerSlug = slug(for: invoice.customerName)
                if let customerSlug, customerSlug != existing.facts.customer {
                    problems.append(Diagnostic(path: source, line: invoice.line,
                        message: "invoice \(invoice.number) belongs to customer `\(existing.facts.customer)` in the ledger but to `\(invoice.customerName)` here",
                        hint: "if the customer really changed, move the case file by hand and commit, then import again"))
                    continue
                }
                if invoice.balance.currency != existing.facts.amount.currency {
                    problems.append(Diagnostic(path: source, line: invoice.line,
                        message: "invoice \(invoice.number) is in \(existing.facts.amount.currency) in the ledger but in \(invoice.balance.currency) here"))
                    continue
                }
                if let customerSlug { offerContact(invoice, slug: customerSlug) }
                var update = CaseUpdate(path: existing.path, number: invoice.number, facts: nil, events: [])
                var facts = existing.facts
                var changes: [(key: EventAttribute, value: String)] = []
                let state = existing.state
                let factsDiffer = (invoice.due.map { $0 != facts.due } ?? false) || (invoice.issued.map { $0 != facts.issued } ?? false)
                    || (invoice.totalKnown && invoice.total.amount != 0 && invoice.total != facts.amount)
                let mayRaise = invoice.disposition == .open && (invoice.balance.amount > state.balance.amount || state.status == .closed)
                // Read only when something differs: an unchanged re-import of 100,000 cases never decodes one.
                let base = factsDiffer || mayRaise ? state.importBase : nil
                // Three ways: what the last import said, what the ledger says, what this export
                // says. A fact changes only when the export changed it; a person's correction
                // the export still shows as before is kept.
                func reconcile<T: Equatable>(_ key: EventAttribute, ledger: T, export: T, base: T?, show: (T) -> String) -> T? {
                    guard export != ledger else { return nil }
                    if let base, export == base {
                        plan.keptLocalFacts.append((invoice.number, key.rawValue, show(ledger), show(export)))
                        return nil
                    }
                    changes.append((key, show(ledger) + ImportBase.changeArrow + show(export)))
                    return export
                }
                if factsDiffer, let due = invoice.due, let new = reconcile(.due, ledger: facts.due, export: due, base: base?.due, show: \.iso) {
                    facts.due = new
                }
                if factsDiffer, let issued = invoice.issued,
                    let new = reconcile(.issued, ledger: facts.issued, export: Optional(issued), base: base.map(\.issued), show: { $0?.iso ?? "none" })
                {
                    facts.issued = new
                }
                if factsDiffer, invoice.totalKnown && invoice.total.amount != 0,
                    let new = reconcile(.amount, ledger: facts.amount, export: invoice.total, base: base?.total, show: \.description)
                {
                    facts.amount = new
                }
                if !changes.isEmpty {
                    update.facts = facts
                    update.events.append(event(.updated, changes + [(.source, sourceLabel)]))
                }
                // A balance going up on a case whose payments, credits or closing DueTrail
                // recorded since the last import, or reopening a case a person closed since:
                // the export has not heard of them yet.
                if mayRaise, let base, !base.since.isEmpty,
                    invoice.balance.amount > state.balance.amount || (state.status == .closed && base.closedSince)
                {
                    if settings.acceptExportBalance.contains(invoice.number) {
                        plan.acceptedBalances.append(invoice.number)
                    } else {
                        plan.conflicts.append(BalanceConflict(
                            number: invoice.number, path: existing.path, ledger: state.balance, export: invoice.balance, since: base.since,
                            ledgerClosed: state.status == .closed))
                        if update.events.isEmpty { plan.unchanged += 1 } else { plan.updates.append(update) }
                        continue
                    }
                }
                switch invoice.disposition {
                case .open:
                    if state.status == .closed {
                        update.events.append(event(.reopened, [(.source, sourceLabel)], text: "open again in the export"))
                    }
                    if state.balance != invoice.balance {
                        update.events.append(event(.balance, [(.balance, invoice.balance.description), (.was, state.balance.description), (.source, sourceLabel)]))
                    }
                case .paid:
                    if state.status == .open {
                        update.events.append(event(.balance, [(.balance, Money.zero(invoice.balance.currency).description), (.was, state.balance.description), (.source, sourceLabel)], text: "paid"))
                    }
                case .void:
                    if state.status != .closed {
                        update.events.append(event(.closed, [(.reason, "void"), (.source, sourceLabel)]))
                    }
                case .draft:
                    break
                }
                if update.events.isEmpty { plan.unchanged += 1 } else { plan.updates.append(update) }
                continue
            }
            guard invoice.disposition == .open else {
                if invoice.disposition == .draft { plan.drafts += 1 } else { plan.notOpened += 1 }
                continue
            }
            guard let customerSlug = slug(for: invoice.customerName) else { continue }
            offerContact(invoice, slug: customerSlug)
            // No due date in the export: the row's terms were applied already; else the
            // customer's `terms:`, else the ledger's `default_terms:`.
            var due = invoice.due
            var dueSource = invoice.dueSource
            if due == nil {
                let terms = customers[customerSlug]?.terms.map { ($0, ImportedInvoice.DueSource.customerTerms($0)) }
                    ?? settings.defaultTerms.map { ($0, ImportedInvoice.DueSource.defaultTerms($0)) }
                guard let (t, source) = terms, let issued = invoice.issued else {
                    noDue.append((invoice.number, invoice.line, customers[customerSlug] == nil ? nil : customerSlug, invoice.issued != nil))
                    continue
                }
                due = t.due(issued: issued)
                dueSource = source
            }
            guard let due else { continue }
            if let origin = dueSource?.origin { plan.dueFromTerms[origin, default: 0] += 1 }
            if !takenPathsReady {
                takenPaths = Set(cases.map(\.path))
                takenPathsReady = true
            }
            let slug = Slug.unique(for: invoice.number, fallbackPrefix: "invoice") {
                takenPaths.contains(casePath(customer: customerSlug, invoice: $0))
            }
            let path = casePath(customer: customerSlug, invoice: slug)
            takenPaths.insert(path)
            let facts = InvoiceFacts(
                number: invoice.number, customer: customerSlug, issued: invoice.issued, due: due, amount: invoice.total, source: export.format.rawValue,
                account: settings.account)
            // The opening records what the export said, so a later import can tell its own
            // changes from a person's.
            var attributes: [(key: EventAttribute, value: String)] = [(.balance, invoice.balance.description), (.due, due.iso)]
            if let label = dueSource?.label { attributes.append((.dueFrom, label)) }
            if invoice.total != invoice.balance { attributes.append((.total, invoice.total.description)) }
            if let issued = invoice.issued { attributes.append((.issued, issued.iso)) }
            attributes.append((.source, sourceLabel))
            plan.newCases.append((path, CaseFile(facts: facts, customerName: invoice.customerName, events: [event(.opened, attributes)])))
        }
        for slug in filledOrder { plan.contactsAdded.append((slug, filled[slug] ?? [])) }
        plan.acceptNotNeeded = settings.acceptExportBalance.subtracting(plan.acceptedBalances).sorted()
        if !noDue.isEmpty {
            let shown = noDue.prefix(10).map { "\($0.number) (line \($0.line))" }.joined(separator: ", ") + (noDue.count > 10 ? ", … (\(noDue.count) in all)" : "")
            let customersNamed = Set(noDue.compactMap(\.customer)).sorted().prefix(3).map { "customers/\($0).yaml" }
            problems.append(Diagnostic(
                path: source, line: noDue.first?.line,
                message: "no due date for \(shown): the export has neither a due date nor payment terms for \(noDue.count == 1 ? "it" : "them")"
                    + (noDue.contains { !$0.issued } ? " (and some have no issue date to count terms from)" : ""),
                hint: "set `default_terms: Net 30` (your usual terms) in duetrail.yaml"
                    + (customersNamed.isEmpty ? "" : ", or `terms:` in \(customersNamed.joined(separator: ", "))") + ", commit, and import again"))
        }
        // Only cases this source made are this export's to miss.
        let notSeen = cases.indices.filter {
            !seen[$0] && cases[$0].state.status == .open && cases[$0].facts.source == export.format.rawValue && cases[$0].facts.account == settings.account
        }.map { cases[$0] }
        for summary in notSeen.sorted(by: { $0.path < $1.path }) {
            plan.missing.append(summary)
            if settings.closeMissing {
                plan.updates.append(CaseUpdate(path: summary.path, number: summary.facts.number, facts: nil,
                    events: [event(.closed, [(.reason, "not in export"), (.source, sourceLabel)])]))
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return plan
    }

    /// `import: 42 invoices from open.csv (5 new, 3 updated)`
    package func subject(source: String) -> String {
        var parts = ["\(newCases.count) new", "\(updates.count) updated"]
        let closed = updates.filter { $0.events.contains { $0.kind == .closed } }.count
        if closed > 0 { parts.append("\(closed) closed") }
        return "import: \(invoiceCount) invoices from \(source) (\(parts.joined(separator: ", ")))"
    }
}
