import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One case: its invoice facts, derived state and timeline.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Invoice number (or the case file's name).")
    var invoice: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        var credits: [CustomerCredit] = []
        let (summary, file, customerName, next) = try guarded { () throws -> (CaseSummary, CaseFile, String, String?) in
            let snapshot = try ledger.snapshot()
            guard let summary = try Ledger.resolve([invoice], in: snapshot).first, let tree = snapshot.tree,
                let text = try ledger.caseText(summary, tree: tree)
            else { throw CLIError("no case for `\(invoice)`") }
            // Where it stands in the cadence: paused (and why), a broken promise, the next step.
            credits = CustomerCredit.of(summary.facts.customer, in: snapshot.cases)
            let setup = try? ledger.cadenceSetup(tree: tree)
            let drafts = (try? ledger.outbox(tree: tree, customers: [summary.facts.customer]).drafts) ?? []
            let next = setup.map { ledger.planner(snapshot, setup: $0, outbox: drafts).status(of: summary, today: ledger.clock.today).phrase(manual: false) }
            switch CaseFile.parse(text, path: summary.path) {
            case .success(let file): return (summary, file, snapshot.customerNames[summary.facts.customer] ?? summary.facts.customer, next)
            case .failure(let list): throw list
            }
        }
        let today = ledger.clock.today
        let days = summary.facts.due.days(to: today)
        if json {
            var out = CaseJSON(summary: summary, file: file, customerName: customerName, daysOverdue: max(0, days))
            out.customerCredits = credits.map { CaseJSON.Credit(currency: $0.currency.code, amount: $0.amount.plain, invoices: $0.sources.map(\.invoice)) }
            Terminal.print(JSON.render(out))
            return
        }
        let f = file.facts
        var out = TerminalText.oneLine("Invoice \(f.number) — \(customerName)") + "\n"
        out += "  file      \(summary.path)\n"
        if let u = summary.unreadable {
            out += "  UNREADABLE  the committed file does not read; shown as last read"
                + (u.lastReadCommit.map { " in commit \($0.prefix(8))" } ?? "") + (u.lastReadDay.map { " (\($0.iso))" } ?? "") + ":\n"
            for p in u.problems { out += p.description.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n" }
            out += "    fix the file and commit it (`duetrail check` lists every problem)\n"
        }
        if let issued = f.issued { out += "  issued    \(issued.iso)\n" }
        out += "  due       \(f.due.iso)" + (days > 0 ? " (\(Plural.days(days)) overdue)" : days == 0 ? " (today)" : " (in \(Plural.days(-days)))") + "\n"
        out += "  amount    \(f.amount.display)\n"
        out += "  balance   \(summary.state.balance.display)\n"
        out += "  status    \(summary.state.status.rawValue)" + (summary.state.closedReason.map { " (\($0))" } ?? "") + "\n"
        if summary.state.balance.amount < 0 { out += "  credit    \(Money(-summary.state.balance.amount, summary.state.balance.currency).display) (paid more than owed)\n" }
        for credit in credits {
            out += "  customer credit  \(credit.phrase): `duetrail apply-credit \(summary.facts.customer) --to INVOICE`\n"
        }
        if summary.state.status == .open {
            out += "  bucket    \(AgingBucket(daysOverdue: days).rawValue)\n"
            let h = summary.state.holds
            if let d = h.promisedUntil {
                out += "  promise   pay " + (h.promiseTarget.flatMap { t in h.balanceAtPromise.map { Money($0.amount - t.amount, t.currency).display } } ?? "all")
                    + " by \(d.iso)" + (h.promiseMade.map { " (made \($0.iso))" } ?? "") + "\n"
            }
            if let next { out += "  next      \(next)\n" }
        }
        out += "\nTimeline\n"
        let reversals = file.events.reversals
        for e in file.events {
            var details = e.attributes.map { "\($0.key): \($0.value)" }
            if let text = e.text { details.append(text) }
            var line = "  \(e.timestamp)  \(e.kind.wireName)  \(details.joined(separator: "; "))  — \(e.who)  #\(e.id)"
            if let by = reversals[e.id] { line += "  [REVERSED by #\(by.id) on \(by.date.iso)]" }
            out += TerminalText.oneLine(line) + "\n"
        }
        Terminal.write(out)
    }
}

struct CaseJSON: Encodable {
    struct Event: Encodable {
        var id: String
        var date: String
        var time: String?
        var kind: String
        var attributes: [String: String]
        var text: String?
        var who: String
        /// The `reversed` event that cancelled this one, when one did.
        var reversedBy: String?
    }
    var invoice: String
    var customer: String
    var customerName: String
    var path: String
    var issued: String?
    var due: String
    var amount: String
    var currency: String
    var balance: String
    var status: String
    var daysOverdue: Int
    var events: [Event]
    struct Credit: Encodable { var currency: String; var amount: String; var invoices: [String] }
    /// The customer's credits (its cases with a negative balance), per currency.
    var customerCredits: [Credit] = []
    /// Set when the committed file does not read: its problems and the commit the rest was read from.
    var unreadable: Unreadable?
    struct Unreadable: Encodable {
        var problems: [String]
        var lastReadCommit: String?
        var lastReadDay: String?
    }

    init(summary: CaseSummary, file: CaseFile, customerName: String, daysOverdue: Int) {
        let f = file.facts
        invoice = f.number
        customer = f.customer
        self.customerName = customerName
        path = summary.path
        issued = f.issued?.iso
        due = f.due.iso
        amount = f.amount.plain
        currency = f.amount.currency.code
        balance = summary.state.balance.plain
        status = summary.state.status.rawValue
        self.daysOverdue = daysOverdue
        unreadable = summary.unreadable.map { Unreadable(problems: $0.problems.map(\.headline), lastReadCommit: $0.lastReadCommit, lastReadDay: $0.lastReadDay?.iso) }
        let reversals = file.events.reversals.mapValues(\.id)
        events = file.events.map { e in
            Event(id: e.id, date: e.date.iso, time: e.minutes.map { String(format: "%02d:%02d", $0 / 60, $0 % 60) }, kind: e.kind.wireName,
                attributes: Dictionary(e.attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }), text: e.text, who: e.who,
                reversedBy: reversals[e.id])
        }
    }
}
