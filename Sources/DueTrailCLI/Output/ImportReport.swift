import DueTrailCore
import DueTrailLedger
import Foundation

/// What `import invoices` tells a person (and a script, as JSON): what was read from which
/// column, what was left unused, what was assumed, and what it did.
struct ImportReport: Encodable {
    struct Column: Encodable {
        var field: String
        var header: String
    }
    struct Conflict: Encodable {
        var invoice: String
        var ledger: String
        var export: String
        var since: [String]
    }
    struct Kept: Encodable {
        var invoice: String
        var fact: String
        var ledger: String
        var export: String
    }

    var file: String
    var format: String
    var formatName: String
    var invoices: Int
    var new: Int
    var updated: Int
    var unchanged: Int
    var notOpened: Int
    var drafts: Int
    var newCustomers: [String]
    var contactsAdded: [String]
    var missing: [String]
    var conflicts: [Conflict]
    var acceptedBalances: [String]
    var keptLocalFacts: [Kept]
    var columns: [Column]
    var unusedColumns: [String]
    var assumptions: [String]
    var warnings: [String]
    var skipped: [String]
    var commit: String?
    var dryRun: Bool
    var dateFormat: String?
    var decimalMark: String
    var delimiter: String

    private var plan: ImportPlan
    private var closing: Bool
    enum CodingKeys: String, CodingKey {
        case file, format, formatName, invoices, new, updated, unchanged, notOpened, drafts, newCustomers, contactsAdded, missing, conflicts,
            acceptedBalances, keptLocalFacts, columns, unusedColumns, assumptions, warnings, skipped, commit, dryRun, dateFormat, decimalMark, delimiter
    }

    init(_ r: ImportResult, file: String, dryRun: Bool, currency: Currency) {
        let export = r.export, plan = r.plan, map = export.map
        self.file = file
        format = export.format.rawValue
        formatName = map.formatName
        invoices = plan.invoiceCount
        new = plan.newCases.count
        updated = plan.updates.count
        unchanged = plan.unchanged
        notOpened = plan.notOpened
        drafts = plan.drafts + export.unnumberedDrafts
        newCustomers = plan.newCustomers.map(\.name)
        contactsAdded = plan.contactsAdded.map { "\($0.slug) (\($0.contacts.map(\.email).joined(separator: ", ")))" }
        missing = plan.missing.map(\.facts.number)
        conflicts = plan.conflicts.map {
            Conflict(invoice: $0.number, ledger: $0.ledgerClosed ? "closed" : $0.ledger.display, export: $0.export.display, since: $0.since)
        }
        acceptedBalances = plan.acceptedBalances
        keptLocalFacts = plan.keptLocalFacts.map { Kept(invoice: $0.number, fact: $0.key, ledger: $0.ledger, export: $0.export) }
        columns = InvoiceField.allCases.compactMap { f in map.columns[f].map { Column(field: f.rawValue, header: map.headers[$0]) } }
        let unused = map.unusedColumns
        unusedColumns = unused.map(\.header)
        commit = r.outcome?.commit.hex
        self.dryRun = dryRun
        dateFormat = export.dateOrder?.rawValue
        decimalMark = export.decimalComma ? "," : "."
        delimiter = export.delimiterName
        self.plan = plan
        closing = plan.updates.contains { u in u.events.contains { $0.kind == .closed } }

        var assumed: [String] = []
        func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }
        let owedFromTotal = export.invoices.filter { $0.balanceSource == .totalAsOwed && $0.disposition == .open }.count
        if owedFromTotal > 0, let column = map.columns[.total] ?? map.columns[.line] {
            let header = map.headers[column]
            assumed.append(map.columns[.total] != nil
                ? "`\(header)` is taken as the amount owed: the export has no balance or paid column (\(count(owedFromTotal, "invoice")))"
                : "the `\(header)` lines of each invoice are summed and taken as the amount owed: the export has no balance or paid column (\(count(owedFromTotal, "invoice")))")
        }
        let fromPaid = export.invoices.filter { $0.balanceSource == .totalMinusPaid }.count
        if fromPaid > 0, let t = map.columns[.total] ?? map.columns[.line], let p = map.columns[.paid] {
            let total = map.columns[.total] != nil ? "`\(map.headers[t])`" : "the sum of its `\(map.headers[t])` lines"
            assumed.append("the amount owed is \(total) − `\(map.headers[p])` (\(count(fromPaid, "invoice")))")
        }
        if export.defaultCurrencyRows > 0 {
            assumed.append(map.columns[.currency] == nil
                ? "no currency column: amounts are \(currency.code), the ledger's currency (\(count(export.defaultCurrencyRows, "invoice")))"
                : "\(count(export.defaultCurrencyRows, "invoice")) without a currency are taken as \(currency.code), the ledger's currency")
        }
        for (source, n) in plan.dueFromTerms.sorted(by: { $0.key < $1.key }) {
            assumed.append("due dates from \(source) (\(count(n, "new case")))")
        }
        if map.columns[.due] == nil && plan.dueFromTerms.isEmpty && new > 0 {
            assumed.append("no due date column")
        }
        assumptions = assumed

        var warned: [String] = []
        for (header, field) in unused {
            guard let field else { continue }
            warned.append("column `\(header)` looks like \(field == .email ? "email addresses" : "contact names") but was not read; read it with --map \(field.rawValue)=\"\(header)\"")
        }
        if !export.balanceUnknown.isEmpty {
            warned.append("the export does not say how much is left (partly paid, or an empty balance), so not opened: \(Self.list(export.balanceUnknown)); export with a balance or paid column to chase them")
        }
        if !export.repeatedLines.isEmpty {
            warned.append("line rows exactly like another line of the same invoice were each counted: lines \(Self.list(export.repeatedLines.map(String.init)))")
        }
        if !plan.acceptNotNeeded.isEmpty {
            warned.append("--accept-export-balance named \(Self.list(plan.acceptNotNeeded)), which had no balance to settle")
        }
        if !export.balanceMismatches.isEmpty, let b = map.columns[.balance] {
            warned.append("`\(map.headers[b])` is not total − paid on lines \(Self.list(export.balanceMismatches.map(String.init))); `\(map.headers[b])` was taken as what is owed (is it the right column?)")
        }
        warnings = warned

        var skip: [String] = []
        if export.lineRows > 0 { skip.append("\(count(export.lineRows, "line-item row")) of invoices already read") }
        if !export.duplicateRows.isEmpty {
            skip.append("\(count(export.duplicateRows.count, "exact duplicate row")) read once (line\(export.duplicateRows.count == 1 ? "" : "s") \(Self.list(export.duplicateRows.map(String.init))))")
        }
        if !export.creditNotes.isEmpty { skip.append("\(count(export.creditNotes.count, "credit note")), not debts (\(Self.list(export.creditNotes)))") }
        for (kind, n) in export.otherDocuments.sorted(by: { $0.key < $1.key }) { skip.append("\(n) `\(kind)` row\(n == 1 ? "" : "s"), not invoices") }
        if export.skippedRows > 0 { skip.append("\(count(export.skippedRows, "heading or total row"))") }
        skipped = skip
    }

    static func list(_ items: [String]) -> String {
        items.prefix(8).map(TerminalText.oneLine).joined(separator: ", ") + (items.count > 8 ? ", … (\(items.count) in all)" : "")
    }

    var text: String {
        var lines: [String] = []
        var how = "\(delimiter)-separated, decimal mark `\(decimalMark)`"
        if let dateFormat { how += ", dates \(dateFormat)" }
        lines.append("Read a\(formatName.first.map { "AEIOU".contains($0) } == true ? "n" : "") \(formatName) export: \(invoices) invoices (\(how))")
        let width = columns.map(\.field.count).max() ?? 0
        lines.append("Columns read:")
        for c in columns { lines.append("  \(c.field.padding(toLength: width, withPad: " ", startingAt: 0))  ← \(TerminalText.oneLine(c.header))") }
        if !unusedColumns.isEmpty { lines.append("Not read: " + Self.list(unusedColumns.map { "`\($0)`" })) }
        for w in warnings { lines.append("warning: \(w)") }
        if !assumptions.isEmpty {
            lines.append("Assumed:")
            for a in assumptions { lines.append("  - \(a)") }
        }
        if !skipped.isEmpty { lines.append("Skipped: " + skipped.joined(separator: "; ")) }
        var counts = "  \(new) new, \(updated) updated, \(unchanged) unchanged, \(notOpened) paid/void not opened"
        if drafts > 0 { counts += ", \(drafts) draft\(drafts == 1 ? "" : "s") (never sent) not opened" }
        lines.append(counts)
        if !newCustomers.isEmpty {
            let shown = newCustomers.prefix(8).map(TerminalText.oneLine).joined(separator: ", ")
            lines.append("  \(newCustomers.count) new customer\(newCustomers.count == 1 ? "" : "s"): \(shown)\(newCustomers.count > 8 ? ", …" : "")")
        }
        if !contactsAdded.isEmpty { lines.append("  contacts added to: \(Self.list(contactsAdded))") }
        if !keptLocalFacts.isEmpty {
            lines.append("Kept as changed in the ledger (the export still shows the value it had at the last import):")
            for k in keptLocalFacts.prefix(20) { lines.append(TerminalText.oneLine("  \(k.invoice)  \(k.fact) \(k.ledger) (export: \(k.export))")) }
            if keptLocalFacts.count > 20 { lines.append("  … and \(keptLocalFacts.count - 20) more") }
        }
        if !conflicts.isEmpty {
            lines.append("Not applied: the export raises these balances (or reopens the case), but DueTrail recorded money or a closing since the last import:")
            for c in conflicts.prefix(20) {
                lines.append(TerminalText.oneLine("  \(c.invoice)  ledger \(c.ledger), export \(c.export): \(c.since.joined(separator: "; "))"))
            }
            if conflicts.count > 20 { lines.append("  … and \(conflicts.count - 20) more") }
            lines.append("  If the export is right, apply it with --accept-export-balance \(conflicts.prefix(5).map(\.invoice).joined(separator: " "))")
        }
        if !acceptedBalances.isEmpty {
            lines.append("Applied the export's balance over what DueTrail recorded since the last import (--accept-export-balance): \(Self.list(acceptedBalances))")
        }
        if !plan.missing.isEmpty {
            lines.append(closing ? "Closed, not in this export:" : "Not in this export — paid? (--close-missing closes them):")
            for m in plan.missing.prefix(20) {
                lines.append(TerminalText.oneLine("  \(m.facts.number)  \(m.facts.customer)  \(m.state.balance.display)"))
            }
            if plan.missing.count > 20 { lines.append("  … and \(plan.missing.count - 20) more") }
        }
        if dryRun {
            lines.append(plan.isEmpty ? "Dry run: nothing would change." : "Dry run: nothing was written. Without --dry-run: \(plan.subject(source: "the file"))")
        } else if let commit {
            lines.append("Committed \(commit.prefix(8)).")
        } else if conflicts.isEmpty {
            lines.append("Nothing to change: the ledger already matches this export.")
        } else {
            lines.append("Nothing written: apart from the balances not applied, the ledger already matches this export.")
        }
        return lines.joined(separator: "\n")
    }
}
