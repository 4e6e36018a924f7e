import Foundation

/// One report as a table plus a few facts about it (`as of`, the period): the one shape the
/// terminal table, `--csv`, `--json` and the HTML page are all made from, so they never
/// disagree.
package struct ReportTable: Sendable {
    package struct Column: Sendable {
        /// The key in JSON and the header in CSV (`days_overdue`).
        package let id: String
        /// The header in the terminal and the HTML page.
        package let title: String
        package let numeric: Bool
        /// False for a column only the machine forms carry (a slug, a path).
        package let inTerminal: Bool
        package init(_ id: String, _ title: String, numeric: Bool = false, inTerminal: Bool = true) {
            self.id = id
            self.title = title
            self.numeric = numeric
            self.inTerminal = inTerminal
        }
    }

    package enum Cell: Sendable, Equatable {
        case text(String)
        case int(Int)
        /// An amount with its currency's decimals: `1,200.00` in a table, `1200.00` elsewhere.
        case amount(Decimal, Currency)
        /// A figure (DSO, a median); nil shows as `—` and is null in JSON.
        case number(Decimal?)
        /// An amount shown with its currency in a table (`EUR 1,200.00`), plain elsewhere;
        /// `minor` (when known) prints it without `Decimal` arithmetic.
        case money(Money, minor: Int64?)

        package func display(grouped: Bool) -> String {
            switch self {
            case .text(let t): return t
            case .int(let n): return String(n)
            case .amount(let v, let c): return grouped ? Decimals.grouped(v, scale: c.minorDigits) : Decimals.plain(v, scale: c.minorDigits)
            case .number(let v): return v.map { "\($0)" } ?? (grouped ? "—" : "")
            case .money(let m, let minor):
                if grouped { return m.display(minor: minor) }
                if let minor, m.currency.minorDigits <= 4 { return Decimals.plain(minor: minor, scale: m.currency.minorDigits) }
                return m.plain
            }
        }
    }

    /// `aging`, `dso`, …
    package let name: String
    package let title: String
    /// Facts about the whole report, in order (`as_of`, `2026-11-30`).
    package var facts: [(id: String, title: String, value: String)]
    package let columns: [Column]
    package var rows: [[Cell]]
    /// Lines printed under the table: what the figures mean, what was left out.
    package var notes: [String]
    /// Case files the report could not read (`path:line: message`): listed in every form, so
    /// a figure that leaves a case out (or counts it as last read) says so.
    package var unreadable: [String] = []

    /// The same table, saying which case files did not read and how they were counted.
    package func noting(unreadable problems: [String], counted: String) -> ReportTable {
        guard !problems.isEmpty else { return self }
        var copy = self
        copy.unreadable = problems
        copy.notes.append("\(problems.count) case file\(problems.count == 1 ? "" : "s") could not be read (\(counted)): " + problems.joined(separator: "; ")
            + ". `duetrail check` shows what to fix.")
        return copy
    }

    package init(name: String, title: String, facts: [(id: String, title: String, value: String)] = [], columns: [Column], rows: [[Cell]], notes: [String] = []) {
        self.name = name
        self.title = title
        self.facts = facts
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }
}

/// `part-kept` → `Part-kept`.
func sentenceCase(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

extension AgingReport {
    package var table: ReportTable {
        let columns = [ReportTable.Column("customer", "Customer"), ReportTable.Column("customer_slug", "Slug"), ReportTable.Column("currency", "Cur")]
            + Self.buckets.map { ReportTable.Column($0 == "current" ? "current" : "days_" + $0.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: "+", with: "_plus"), $0, numeric: true) }
            + [ReportTable.Column("total", "Total", numeric: true), ReportTable.Column("cases", "Cases", numeric: true),
                ReportTable.Column("credit", "Credit", numeric: true)]
        func cells(_ row: Row, name: String) -> [ReportTable.Cell] {
            [.text(name), .text(row.customer ?? ""), .text(row.currency.code)] + row.amounts.map { .amount($0, row.currency) }
                + [.amount(row.total, row.currency), .int(row.cases), .amount(row.credit, row.currency)]
        }
        let rows = totals.map { cells($0, name: "(all)") } + self.rows.map { cells($0, name: $0.customerName ?? $0.customer ?? "") }
        return ReportTable(
            name: "aging", title: "Aging of open balances", facts: [("as_of", "As of", asOf.iso)], columns: columns, rows: rows,
            notes: totals.isEmpty ? ["Nothing is open."] : ["Buckets are days past due; each currency is totalled on its own; Credit is owed back to customers (overpayments, credit notes), not netted into Total."])
    }
}

extension DSOReport {
    package var table: ReportTable {
        let columns = [
            ReportTable.Column("currency", "Cur"), ReportTable.Column("receivables", "Receivables", numeric: true),
            ReportTable.Column("credit_sales", "Credit sales", numeric: true), ReportTable.Column("invoices_issued", "Invoices issued", numeric: true),
            ReportTable.Column("open_cases", "Open cases", numeric: true), ReportTable.Column("dso", "DSO (days)", numeric: true),
        ]
        let rows: [[ReportTable.Cell]] = lines.map {
            [.text($0.currency.code), .amount($0.receivables, $0.currency), .amount($0.creditSales, $0.currency), .int($0.invoicesIssued), .int($0.openCases), .number($0.dso)]
        }
        var notes = ["DSO = receivables at the end of the period ÷ credit sales in the period × \(days) days."]
        notes.append("Credit sales are the totals of the invoices issued from \(start.iso) to \(end.iso): the ledger must hold every invoice of the period, paid ones too, or DSO comes out too high.")
        if withoutIssueDate > 0 { notes.append("\(withoutIssueDate) case(s) have no issue date and are not counted in sales.") }
        return ReportTable(
            name: "dso", title: "Days sales outstanding",
            facts: [("period_start", "From", start.iso), ("period_end", "To", end.iso), ("days", "Days", String(days))],
            columns: columns, rows: rows, notes: notes)
    }
}

extension PromiseReport {
    package var table: ReportTable {
        let columns = [ReportTable.Column("by", "By"), ReportTable.Column("name", "Name"), ReportTable.Column("made", "Made", numeric: true)]
            + PromiseRecord.Outcome.allCases.map { ReportTable.Column($0.rawValue.replacingOccurrences(of: "-", with: "_"), sentenceCase($0.rawValue), numeric: true) }
        func cells(_ by: String, _ t: Tally) -> [ReportTable.Cell] {
            [.text(by), .text(t.name), .int(t.made)] + PromiseRecord.Outcome.allCases.map { .int(t[$0]) }
        }
        let rows = [cells("all", total)] + byPerson.map { cells("person", $0) } + byCustomer.map { cells("customer", $0) }
        return ReportTable(
            name: "promises", title: "Promises to pay", columns: columns, rows: rows,
            notes: ["A promise is judged at its date plus the cadence's grace period, or when a newer promise on the same invoice replaced it."])
    }
}

extension CadenceReport {
    package var table: ReportTable {
        let columns = [
            ReportTable.Column("step", "Step"), ReportTable.Column("name", "Name"), ReportTable.Column("sent", "Sent", numeric: true),
            ReportTable.Column("paid_7d", "Paid ≤7d", numeric: true), ReportTable.Column("paid_14d", "≤14d", numeric: true),
            ReportTable.Column("paid_30d", "≤30d", numeric: true), ReportTable.Column("paid", "Paid", numeric: true),
            ReportTable.Column("median_days", "Median days", numeric: true),
        ]
        let rows: [[ReportTable.Cell]] = lines.map {
            [.text($0.step), .text($0.name), .int($0.sent), .int($0.within7), .int($0.within14), .int($0.within30), .int($0.paid), .number($0.median)]
        }
        return ReportTable(
            name: "cadence", title: "Cadence effectiveness", columns: columns, rows: rows,
            notes: ["For each reminder sent at a step: was the case paid in full within 7, 14, 30 days after it; the median is of the days to pay of those paid."])
    }
}

extension TrendReport {
    package var table: ReportTable {
        let columns = [
            ReportTable.Column("date", "Date"), ReportTable.Column("commit", "Commit"), ReportTable.Column("currency", "Cur"),
            ReportTable.Column("receivables", "Receivables", numeric: true), ReportTable.Column("overdue", "Overdue", numeric: true),
            ReportTable.Column("open_cases", "Open cases", numeric: true),
        ]
        var rows: [[ReportTable.Cell]] = []
        for p in points {
            for c in p.receivables.currencies {
                rows.append([.text(p.date.iso), .text(p.commit), .text(c.code), .amount(p.receivables[c].amount, c), .amount(p.overdue[c].amount, c), .int(p.openCases[c] ?? 0)])
            }
        }
        return ReportTable(
            name: "trend", title: "Receivables over time",
            facts: points.isEmpty ? [] : [("from", "From", points[0].date.iso), ("to", "To", points[points.count - 1].date.iso)],
            columns: columns, rows: rows, notes: ["Each point is the ledger as committed at the end of that day, rebuilt from the git history."])
    }
}

extension ActivityReport {
    package var table: ReportTable {
        let columns = [ReportTable.Column("person", "Person")]
            + Column.allCases.map { ReportTable.Column($0.rawValue.replacingOccurrences(of: " ", with: "_"), sentenceCase($0.rawValue), numeric: true) }
        let rows: [[ReportTable.Cell]] = people.map { p in [.text(p.name)] + Column.allCases.map { .int(p[$0]) } }
        return ReportTable(
            name: "activity", title: "Activity by person", facts: [("commits", "Commits", String(commits))], columns: columns, rows: rows,
            notes: ["Counted from each commit's author and DueTrail trailers: approvals per draft, other actions per case; \"by hand\" is commits made with plain git; merges are not counted."])
    }
}

extension Queue {
    /// The worklist as a table: the terminal shows rank, invoice, customer, due date, days,
    /// bucket, balance and next action; CSV adds the slug, the currency and the path.
    package var table: ReportTable {
        let columns = [
            ReportTable.Column("rank", "#", numeric: true), ReportTable.Column("invoice", "INVOICE"),
            ReportTable.Column("customer", "CUSTOMER", inTerminal: false), ReportTable.Column("customer_name", "CUSTOMER"),
            ReportTable.Column("due", "DUE"), ReportTable.Column("days_overdue", "DAYS", numeric: true), ReportTable.Column("bucket", "BUCKET"),
            ReportTable.Column("balance", "BALANCE", numeric: true), ReportTable.Column("currency", "CUR", inTerminal: false),
            ReportTable.Column("next_action", "NEXT ACTION"), ReportTable.Column("path", "PATH", inTerminal: false),
        ]
        let rows: [[ReportTable.Cell]] = items.enumerated().map { i, item in
            let s = item.summary
            return [
                .int(i + 1), .text(s.facts.number), .text(s.facts.customer), .text(item.customerName), .text(s.facts.due.iso), .int(item.daysOverdue),
                .text(item.bucket.rawValue), .money(s.state.balance, minor: s.state.balanceMinor), .text(s.state.balance.currency.code),
                .text(item.nextAction), .text(s.path),
            ]
        }
        var notes: [String] = []
        if items.count < count { notes.append("… \(count - items.count) more (--all shows every row)") }
        if unreadableCount > 0 {
            notes.append("\(unreadableCount) case file\(unreadableCount == 1 ? " does" : "s do") not read: counted at the balance last read (UNREADABLE above); `duetrail check` shows what to fix")
        }
        return ReportTable(
            name: "queue", title: "Open cases as of \(today.iso), most urgent first", facts: [("as_of", "As of", today.iso)], columns: columns, rows: rows,
            notes: notes)
    }
}
