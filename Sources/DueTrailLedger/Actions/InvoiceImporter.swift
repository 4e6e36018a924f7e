import DueTrailCore
import Foundation
import GitStore

/// What an import did (or, with `--dry-run`, would do).
package struct ImportResult {
    package let export: InvoiceExport
    package let plan: ImportPlan
    /// nil when nothing changed or on a dry run.
    package let outcome: CommitOutcome?
}

extension Ledger {
    /// Imports an invoice export as one commit: all of it, or nothing.
    /// `account`, `closeMissing` and `acceptExportBalance` are `ImportSettings`' (the file name
    /// and `default_terms:` come from here).
    package func importInvoices(
        bytes: [UInt8], source: String, options: ExportOptions, account: String? = nil, closeMissing: Bool, acceptExportBalance: Set<String> = [],
        dryRun: Bool, progress: (String) -> Void = { _ in }
    ) throws(LedgerError) -> ImportResult {
        Timings.mark("start")
        progress("Reading \(URL(fileURLWithPath: source).lastPathComponent) (\(bytes.count / 1024) KiB)…")
        preloadSnapshot()
        let export: InvoiceExport
        do {
            export = try InvoiceExport(bytes: bytes, path: source, options: options)
        } catch {
            throw LedgerError.invalid(error)
        }
        Timings.mark("read export")
        let identity = try identity()
        let sourceName = URL(fileURLWithPath: source).lastPathComponent
        var lastPlan: ImportPlan?
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let snapshot: LedgerSnapshot
            if let early = preloadedSnapshot(of: base) { snapshot = early } else { snapshot = try self.snapshot(at: base) }
            if !snapshot.unreadable.isEmpty {
                throw LedgerError.invalid(DiagnosticList(snapshot.unreadable + [Diagnostic(path: "ledger", message: "fix these committed files before importing (duetrail check)")]))
            }
            Timings.mark("snapshot")
            let plan: ImportPlan
            do throws(DiagnosticList) {
                let settings = ImportSettings(
                    source: sourceName, account: account, closeMissing: closeMissing, acceptExportBalance: acceptExportBalance,
                    defaultTerms: config.defaultTerms)
                plan = try ImportPlan.make(export: export, settings: settings, cases: snapshot.cases, customers: snapshot.customers, who: identity.name, clock: clock)
            } catch {
                throw LedgerError.invalid(error)
            }
            lastPlan = plan
            Timings.mark("plan")
            if !dryRun && !plan.isEmpty {
                progress("Writing \(plan.newCases.count + plan.updates.count + plan.newCustomers.count) files in one commit…")
            }
            if dryRun || plan.isEmpty { return nil }
            var change = ChangeSet(
                subject: plan.subject(source: sourceName),
                body: Self.importBody(plan),
                trailers: [.action(.importInvoices), Trailer(.source, sourceName), Trailer(.format, export.format.rawValue)]
                    + plan.acceptedBalances.map { Trailer(.acceptedExportBalance, $0) })
            for customer in plan.newCustomers {
                let path = ImportPlan.customerPath(customer.slug)
                change.files[path] = customer.render()
                change.customers[path] = CustomerSummary(customer)
            }
            for (slug, contacts) in plan.contactsAdded {
                let path = ImportPlan.customerPath(slug)
                guard let tree = snapshot.tree, let text = try read(path, inTree: tree) else { continue }
                var file: CustomerFile
                switch CustomerFile.parse(text, path: path, slug: slug) {
                case .success(let f): file = f
                case .failure(let list): throw LedgerError.invalid(list)
                }
                guard file.contacts.isEmpty else { continue }
                file.contacts = contacts
                change.files[path] = file.render()
                change.customers[path] = CustomerSummary(file)
            }
            // Rendering is pure: spread a large import over every core.
            for (path, text) in Self.renderAll(plan.newCases) { change.files[path] = text }
            for (path, file) in plan.newCases { change.caseSummaries[path] = CaseSummary(path: path, file: file) }
            for update in plan.updates {
                guard let tree = snapshot.tree, let text = try read(update.path, inTree: tree) else {
                    throw LedgerError.io(path: update.path, message: "listed in the ledger summary but missing from HEAD; run `duetrail check`")
                }
                var file: CaseFile
                switch CaseFile.parse(text, path: update.path) {
                case .success(let f): file = f
                case .failure(let list): throw LedgerError.invalid(list)
                }
                if let facts = update.facts { file.facts = facts }
                for event in update.events { file.append(event) }
                change.files[update.path] = file.render()
                change.caseSummaries[update.path] = CaseSummary(path: update.path, file: file)
            }
            Timings.mark("render files")
            return change
        }
        Timings.mark("commit")
        guard let plan = lastPlan else { throw LedgerError.internalFailure("import planned nothing") }
        return ImportResult(export: export, plan: plan, outcome: outcome)
    }

    static func renderAll(_ cases: [(path: String, file: CaseFile)]) -> [(String, String)] {
        let texts = Parallel.map(count: cases.count) { cases[$0].file.render() }
        return cases.indices.map { (cases[$0].path, texts[$0]) }
    }

    static func importBody(_ plan: ImportPlan) -> String {
        var lines: [String] = []
        if !plan.newCustomers.isEmpty { lines.append("New customers: \(plan.newCustomers.count)") }
        if !plan.contactsAdded.isEmpty { lines.append("Contacts added to customers: \(plan.contactsAdded.map(\.slug).joined(separator: ", "))") }
        if !plan.conflicts.isEmpty { lines.append("Balances not applied (DueTrail recorded payments since the last import): \(plan.conflicts.map(\.number).joined(separator: ", "))") }
        let balance = plan.updates.filter { $0.events.contains { $0.kind == .balance } }.count
        if balance > 0 { lines.append("Balances changed: \(balance)") }
        if !plan.missing.isEmpty { lines.append("Not in this export (paid?): \(plan.missing.count)") }
        return lines.joined(separator: "\n")
    }
}
