import Foundation

/// A change to an existing case: new facts and/or new timeline events.
public struct CaseUpdate: Sendable {
    public var path: String
    public var number: String
    public var facts: InvoiceFacts?
    public var events: [TimelineEvent]
}

/// What an import would do, decided without touching the ledger, so it can be shown with
/// `--dry-run`, refused as a whole on any problem, or written as one commit.
public struct ImportPlan: Sendable {
    public var newCustomers: [CustomerFile] = []
    public var newCases: [(path: String, file: CaseFile)] = []
    public var updates: [CaseUpdate] = []
    /// Open cases the export does not list (paid elsewhere? written off?).
    public var missing: [CaseSummary] = []
    public var unchanged = 0
    /// Invoices in the export that are paid, void or draft and have no case: nothing to chase.
    public var notOpened = 0
    public var invoiceCount = 0

    public var isEmpty: Bool { newCustomers.isEmpty && newCases.isEmpty && updates.isEmpty }

    public static func customerPath(_ slug: String) -> String { "customers/\(slug).yaml" }
    public static func casePath(customer: String, invoice: String) -> String { "cases/\(customer)/\(invoice).md" }

    /// Plans importing `export` into a ledger whose cases and customers are given.
    /// - Parameters:
    ///   - cases: the ledger's cases.
    ///   - customers: customer names by slug.
    public static func make(
        export: InvoiceExport, source: String, cases: [CaseSummary], customers: [String: String],
        who: String, clock: LedgerClock, closeMissing: Bool
    ) throws(DiagnosticList) -> ImportPlan {
        var plan = ImportPlan()
        plan.invoiceCount = export.invoices.count
        var problems: [Diagnostic] = []
        var slugByName: [String: String] = [:]
        for (slug, name) in customers.sorted(by: { $0.key < $1.key }) where slugByName[name.lowercased()] == nil {
            slugByName[name.lowercased()] = slug
        }
        var takenCustomerSlugs = Set(customers.keys)
        // Positions, not copies: a 100,000-case ledger is looked up once per export row.
        var indexByNumber: [String: Int] = [:]
        indexByNumber.reserveCapacity(cases.count)
        for (i, c) in cases.enumerated() { indexByNumber[c.facts.number] = i }
        let existingIndex = export.invoices.map { indexByNumber[$0.number] }
        var seen = [Bool](repeating: false, count: cases.count)
        var takenPaths: Set<String> = []
        var takenPathsReady = false  // built only when a new case needs a file name
        var newCustomerIndex: [String: Int] = [:]
        let sourceLabel = "\(export.format.rawValue) \(source)"

        func event(_ kind: String, _ attributes: [(key: String, value: String)], text: String? = nil) -> TimelineEvent {
            TimelineEvent(date: clock.eventDate, minutes: clock.minutes, kind: kind, attributes: attributes, text: text, who: who)
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

        var exactSlug: [String: String] = [:]  // the export's spelling → slug, to lower-case each name once
        for (row, invoice) in export.invoices.enumerated() {
            if let position = existingIndex[row] {
                seen[position] = true
                let existing = cases[position]
                let customerSlug: String?
                if let known = exactSlug[invoice.customerName] {
                    customerSlug = known
                } else {
                    customerSlug = slugByName[invoice.customerName.lowercased()]
                    if let customerSlug { exactSlug[invoice.customerName] = customerSlug }
                }
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
                var update = CaseUpdate(path: existing.path, number: invoice.number, facts: nil, events: [])
                var facts = existing.facts
                var changes: [(key: String, value: String)] = []
                if facts.due != invoice.due { changes.append(("due", "\(facts.due.iso) → \(invoice.due.iso)")); facts.due = invoice.due }
                if let issued = invoice.issued, facts.issued != issued {
                    changes.append(("issued", "\(facts.issued?.iso ?? "none") → \(issued.iso)")); facts.issued = issued
                }
                if invoice.totalKnown && facts.amount != invoice.total && invoice.total.amount != 0 {
                    changes.append(("amount", "\(facts.amount) → \(invoice.total)")); facts.amount = invoice.total
                }
                if !changes.isEmpty {
                    update.facts = facts
                    update.events.append(event("updated", changes + [("source", sourceLabel)]))
                }
                let state = existing.state
                switch invoice.disposition {
                case .open:
                    if state.status == .closed {
                        update.events.append(event("reopened", [("source", sourceLabel)], text: "open again in the export"))
                    }
                    if state.balance != invoice.balance {
                        update.events.append(event("balance", [("balance", invoice.balance.description), ("was", state.balance.description), ("source", sourceLabel)]))
                    }
                case .paid:
                    if state.status == .open {
                        update.events.append(event("balance", [("balance", Money.zero(invoice.balance.currency).description), ("was", state.balance.description), ("source", sourceLabel)], text: "paid"))
                    }
                case .void:
                    if state.status != .closed {
                        update.events.append(event("closed", [("reason", "void"), ("source", sourceLabel)]))
                    }
                case .draft:
                    break
                }
                if update.events.isEmpty { plan.unchanged += 1 } else { plan.updates.append(update) }
                continue
            }
            guard invoice.disposition == .open else {
                plan.notOpened += 1
                continue
            }
            guard let customerSlug = slugByName[invoice.customerName.lowercased()] else { continue }
            if let email = invoice.email, let i = newCustomerIndex[customerSlug],
                !plan.newCustomers[i].contacts.contains(where: { $0.email.lowercased() == email.lowercased() })
            {
                plan.newCustomers[i].contacts.append(CustomerFile.Contact(name: invoice.contactName, email: email))
            }
            if !takenPathsReady {
                takenPaths = Set(cases.map(\.path))
                takenPathsReady = true
            }
            let slug = Slug.unique(for: invoice.number, fallbackPrefix: "invoice") {
                takenPaths.contains(casePath(customer: customerSlug, invoice: $0))
            }
            let path = casePath(customer: customerSlug, invoice: slug)
            takenPaths.insert(path)
            let facts = InvoiceFacts(number: invoice.number, customer: customerSlug, issued: invoice.issued, due: invoice.due, amount: invoice.total, source: export.format.rawValue)
            let opened = event("opened", [("balance", invoice.balance.description), ("source", sourceLabel)])
            plan.newCases.append((path, CaseFile(facts: facts, customerName: invoice.customerName, events: [opened])))
        }
        let notSeen = cases.indices.filter { !seen[$0] && cases[$0].state.status == .open }.map { cases[$0] }
        for summary in notSeen.sorted(by: { $0.path < $1.path }) {
            plan.missing.append(summary)
            if closeMissing {
                plan.updates.append(CaseUpdate(path: summary.path, number: summary.facts.number, facts: nil,
                    events: [event("closed", [("reason", "not in export"), ("source", sourceLabel)])]))
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return plan
    }

    /// `import: 42 invoices from open.csv (5 new, 3 updated)`
    public func subject(source: String) -> String {
        var parts = ["\(newCases.count) new", "\(updates.count) updated"]
        let closed = updates.filter { $0.events.contains { $0.kind == "closed" } }.count
        if closed > 0 { parts.append("\(closed) closed") }
        return "import: \(invoiceCount) invoices from \(source) (\(parts.joined(separator: ", ")))"
    }
}
