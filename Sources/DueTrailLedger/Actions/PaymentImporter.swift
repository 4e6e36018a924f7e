import DueTrailCore
import Foundation
import GitStore

/// What `import payments` did, or would do with `--dry-run`.
package struct PaymentImportResult: Sendable {
    package struct Applied: Sendable {
        package let number: String
        package let path: String
        package let amount: Money
        package let line: Int
        /// The balance after it.
        package let balance: Money
    }
    package var format: PaymentFormat
    package var applied: [Applied] = []
    /// Payments for invoices the ledger does not have: reported, never dropped, never guessed.
    package var unapplied: [ImportedPayment] = []
    /// Already recorded on the case (same reference, or same date and amount): re-importing
    /// the same file changes nothing.
    package var alreadyRecorded: [ImportedPayment] = []
    package var skipped: [(line: Int, why: String)] = []
    package var withdrawnDrafts: [String] = []
    package var commit: ObjectID?
}

extension Ledger {
    /// Applies a payment export, all of it or nothing: every payment is checked (its invoice,
    /// currency, and that it does not pay more than the balance) before one commit records
    /// them. Payments for unknown invoices are listed as unapplied, in the result and the
    /// commit message.
    package func importPayments(
        bytes: [UInt8], source: String, format: PaymentFormat?, dateOrder: DateOrder?, allowOverpayment: Bool, dryRun: Bool
    ) throws(LedgerError) -> PaymentImportResult {
        let export: PaymentExport
        do {
            export = try PaymentExport(bytes: bytes, path: source, format: format, dateOrder: dateOrder)
        } catch {
            throw LedgerError.invalid(error)
        }
        let identity = try identity()
        let sourceName = URL(fileURLWithPath: source).lastPathComponent
        var result = PaymentImportResult(format: export.format)
        result.skipped = export.skipped
        var movedAside: [String] = []
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            let snapshot = try self.snapshot(at: base)
            var byNumber: [String: CaseSummary] = [:]
            for c in snapshot.cases { byNumber[c.facts.number.lowercased()] = c }
            result.applied = []
            result.unapplied = []
            result.alreadyRecorded = []
            result.withdrawnDrafts = []
            movedAside = []
            var problems: [Diagnostic] = []
            var change = ChangeSet(
                subject: "", trailers: [.action(.importPayments), Trailer(.source, sourceName), Trailer(.format, export.format.rawValue)])
            var running: [String: CaseSummary] = [:]  // cases as this import leaves them
            var files: [String: CaseFile] = [:]
            for p in export.payments {
                guard let found = byNumber[p.number.lowercased()] else {
                    result.unapplied.append(p)
                    continue
                }
                let c = running[found.path] ?? found
                let currency = c.state.balance.currency
                if let named = p.currency, named != currency {
                    problems.append(Diagnostic(path: source, line: p.line, message: "\(p.number) is in \(currency.code), this payment in \(named.code)",
                        hint: "record a payment in another currency by hand with `duetrail pay` once converted"))
                    continue
                }
                if let why = ExactAmount.problem(p.amount, text: p.amountText, currency: currency) {
                    problems.append(Diagnostic(path: source, line: p.line, message: "\(p.number): \(why)"))
                    continue
                }
                let money = Money(p.amount, currency)
                var file: CaseFile
                if let f = files[c.path] {
                    file = f
                } else {
                    guard let text = try read(c.path, inTree: tree) else { continue }
                    switch CaseFile.parse(text, path: c.path) {
                    case .success(let f): file = f
                    case .failure(let list): throw LedgerError.invalid(list)
                    }
                }
                // The same payment twice (this file imported again) is recorded once.
                let duplicate = file.events.contains { e in
                    guard e.kind == .payment else { return false }
                    if let ref = p.reference { return e.attribute(.reference) == ref }
                    return e.attribute(.amount) == money.description && e.attribute(.date) == p.date?.iso
                }
                if duplicate {
                    result.alreadyRecorded.append(p)
                    continue
                }
                if c.state.status != .open {
                    problems.append(Diagnostic(path: source, line: p.line, message: "\(p.number) is \(c.state.inactiveReason ?? "not open"); a payment on it needs a person (`duetrail pay --allow-overpayment`)"))
                    continue
                }
                if money.amount > c.state.balance.amount && !allowOverpayment {
                    problems.append(Diagnostic(path: source, line: p.line, message: "\(p.number): \(money.display) is more than the balance \(c.state.balance.display)",
                        hint: "if the customer really paid more, import with --allow-overpayment (the rest shows as a credit)"))
                    continue
                }
                var attributes: [(key: EventAttribute, value: String)] = [(.amount, money.description)]
                if let d = p.date { attributes.append((.date, d.iso)) }
                if let r = p.reference { attributes.append((.reference, r)) }
                attributes.append((.source, sourceName))
                file.append(clock.event(.payment, attributes, who: identity.name))
                files[c.path] = file
                let after = CaseSummary(path: c.path, file: file)
                running[c.path] = after
                result.applied.append(.init(number: c.facts.number, path: c.path, amount: money, line: p.line, balance: after.state.balance))
            }
            if !problems.isEmpty { throw LedgerError.invalid(DiagnosticList(problems)) }
            for (path, file) in files {
                change.files[path] = file.render()
                change.caseSummaries[path] = running[path]
            }
            // Paid in full: no draft for it is ever sent.
            for path in running.keys.sorted() {
                guard let after = running[path], after.state.status == .paid else { continue }
                let drafts = try withdrawDrafts(of: after, tree: tree, into: &change)
                movedAside += drafts.uncommitted.filter { !movedAside.contains($0) }
                result.withdrawnDrafts += drafts.all.filter { !result.withdrawnDrafts.contains($0) }
            }
            let applied = result.applied.count, unapplied = result.unapplied.count
            change.subject = "import: \(applied) payment\(applied == 1 ? "" : "s") from \(sourceName)" + (unapplied > 0 ? " (\(unapplied) unapplied)" : "")
            var body = result.applied.map { "\($0.number): \($0.amount.display) (line \($0.line))" }
            if unapplied > 0 {
                body.append("")
                body.append("Unapplied (no such invoice in the ledger):")
                body += result.unapplied.map { "line \($0.line): \($0.number) \($0.amount) \($0.currency?.code ?? "")" + ($0.reference.map { " ref \($0)" } ?? "") }
            }
            change.body = body.joined(separator: "\n")
            change.trailers += Set(result.applied.map(\.number)).sorted().map { .caseNumber($0) }
            // Unapplied payments are kept in the ledger, each once (the same row imported again is not added twice).
            var keptUnapplied = 0
            for p in result.unapplied {
                let kept = UnappliedPayment(p, source: sourceName, imported: clock.today)
                if try read(kept.path, inTree: tree) != nil || change.files[kept.path] != nil { continue }
                change.files[kept.path] = kept.render()
                keptUnapplied += 1
            }
            if unapplied > 0 { change.body += "\nKept in \(UnappliedPayment.folder)/ (`duetrail unapplied`)." }
            if dryRun || (files.isEmpty && keptUnapplied == 0) { return nil }
            return change
        }
        result.commit = outcome?.commit
        if !dryRun { keepAside(drafts: movedAside) }
        return result
    }
}
