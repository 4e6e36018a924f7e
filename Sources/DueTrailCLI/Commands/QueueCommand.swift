import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The aging worklist: open cases, most urgent first, each with its next action.",
        discussion: """
            Reads the committed ledger (HEAD). By default what a person can act on today comes \
            first (broken promises, replies, drafts to review, tasks and steps due), then what \
            waits (promised, snoozed, on hold, disputed); within each, priority grows with days \
            overdue and the size of the balance. Totals are per currency, never summed across \
            currencies.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: "Only this aging bucket: current, 1-30, 31-60, 61-90, 90+.")
    var bucket: String?

    @Option(help: "Only this customer (slug or name).")
    var customer: String?

    @Option(help: ArgumentHelp("Only the customers this account owner looks after (a name or email, as in `owner:`).", valueName: "name"))
    var owner: String?

    @Option(help: ArgumentHelp("Order: priority (act-now first, the default), age, balance, customer.", valueName: "order"))
    var sort: String = QueueSort.priority.rawValue

    @Option(help: "Show at most this many rows in the table (totals count every case).")
    var limit: Int = 50

    @Flag(help: "Show every row.")
    var all = false

    @Flag(help: "Print JSON (every row).")
    var json = false

    @Flag(help: "Print CSV (every row).")
    var csv = false

    func validate() throws {
        if let bucket, AgingBucket(argument: bucket) == nil {
            throw ValidationError("--bucket is one of current, 1-30, 31-60, 61-90, 90+; not `\(bucket)`")
        }
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if QueueSort(rawValue: sort) == nil { throw ValidationError("--sort is one of \(QueueSort.allCases.map(\.rawValue).joined(separator: ", ")); not `\(sort)`") }
    }

    func run() throws {
        let ledger = try options.open()
        let snapshot = try guarded { try ledger.snapshot() }
        try CustomerCheck.require(customer, in: snapshot)
        let wantedBucket = bucket.flatMap(AgingBucket.init(argument:))
        let wantedCustomer = customer?.lowercased()
        let names = snapshot.customerNames
        let setup = Result { try ledger.cadenceSetup(tree: snapshot.tree) }
        let order = QueueSort(rawValue: sort) ?? .priority
        let owned = owner.map { Self.customers(ownedBy: $0, in: snapshot) }
        if let owner, owned?.isEmpty == true { Terminal.note("warning: no customer has an `owner:` matching `\(owner)`") }
        let include = { (c: CaseSummary, b: AgingBucket) -> Bool in
            (wantedBucket == nil || b == wantedBucket)
                && (wantedCustomer == nil || c.facts.customer == wantedCustomer || names[c.facts.customer]?.lowercased() == wantedCustomer)
                && (owned == nil || owned?.contains(c.facts.customer) == true)
        }
        let everyRow = json || csv || all
        let today = ledger.clock.today
        /// The cadence's view, knowing the drafts of `customers` (nil: all); a broken cadence
        /// must not hide the worklist.
        func planner(knowing customers: Set<String>?) -> CadencePlanner? {
            do {
                let setup = try setup.get()
                let outbox = try ledger.outbox(tree: snapshot.tree, customers: customers, reviewBranches: true)
                for problem in outbox.problems { Terminal.note("warning: " + problem.headline) }
                return ledger.planner(snapshot, setup: setup, outbox: outbox.drafts)
            } catch {
                Terminal.note("warning: the cadence is not used (fix it with `duetrail cadence check`):\n\(error)")
                return nil
            }
        }
        let deadline = (try? setup.get())?.book.promiseDeadline ?? { $0 }
        var queue: Queue
        var cadence: CadencePlanner?
        if order == .priority {
            // Ranking by what can be done today needs every listed case's status, so the
            // drafts of every listed customer (all of them when nothing is filtered).
            let filtered = wantedBucket != nil || wantedCustomer != nil || owned != nil
            let listed = filtered
                ? Set(snapshot.cases.lazy.filter { include($0, AgingBucket(daysOverdue: $0.facts.due.days(to: today))) }.map(\.facts.customer)) : nil
            cadence = planner(knowing: listed)
            queue = Queue(
                cases: snapshot.cases, customerNames: names, today: today, include: include, limit: everyRow ? nil : limit,
                promiseDeadline: deadline, sort: order,
                cadence: cadence.map { p in { indices in p.statuses(snapshot.cases, at: indices, today: today) } })
        } else {
            queue = Queue(cases: snapshot.cases, customerNames: names, today: today, include: include, limit: everyRow ? nil : limit, promiseDeadline: deadline, sort: order)
            cadence = planner(knowing: everyRow ? nil : queue.customersShown)
        }
        if let cadence { queue = queue.describing(with: cadence) }
        // Files shown as UNREADABLE rows say so there; the others (never readable, a customer file) here.
        for problem in snapshot.unreadableWithoutRow { Terminal.note("warning: " + problem.headline) }
        // Credits of the customers listed (all, unfiltered): money owed back, never netted into the totals.
        let credits = CustomerCredit.all(in: snapshot.cases).filter { c in
            (wantedCustomer == nil || c.customer == wantedCustomer || names[c.customer]?.lowercased() == wantedCustomer)
                && (owned == nil || owned?.contains(c.customer) == true)
        }
        if json {
            var out = QueueJSON(queue)
            out.credits = credits.map { QueueJSON.Credit(customer: $0.customer, currency: $0.amount.currency.code, amount: $0.amount.plain, invoices: $0.sources.map(\.invoice)) }
            Terminal.print(JSON.render(out))
        } else if csv {
            Terminal.write(ReportRendering.csv(queue.table))
        } else {
            Terminal.write(Self.table(queue) + Self.creditLines(credits, names: names))
        }
        // Done: skip tearing down 100,000 summaries one by one.
        Terminal.finish()
    }

    /// The customers whose `owner:` names `who` (by name or address, case-insensitively).
    static func customers(ownedBy who: String, in snapshot: LedgerSnapshot) -> Set<String> {
        Set(snapshot.customers.compactMap { slug, c in c.owner?.matches(who) == true ? slug : nil })
    }

    /// Customers' credits under the worklist, with the command that applies one.
    static func creditLines(_ credits: [CustomerCredit], names: [String: String]) -> String {
        guard !credits.isEmpty else { return "" }
        var out = "\nCredits (owed to customers, not in the totals above):\n"
        for c in credits { out += "  \(names[c.customer] ?? c.customer): \(c.phrase)\n" }
        out += "Apply one with `duetrail apply-credit CUSTOMER --to INVOICE`.\n"
        return out
    }

    /// The worklist as a person reads it; shared with `demo`.
    static func table(_ queue: Queue) -> String {
        let today = queue.today
        if queue.count == 0 { return "No open cases as of \(today.iso).\n" }
        let table = queue.table
        var out = table.title + "\n\n" + ReportRendering.rows(table)
        for note in table.notes { out += note + "\n" }
        out += "\n"
        for t in queue.totals {
            out += "Total \(t.total.display) in \(t.count) open case\(t.count == 1 ? "" : "s")\n"
        }
        return out
    }
}

struct QueueJSON: Encodable {
    struct Row: Encodable {
        var rank: Int
        var invoice: String
        var customer: String
        var customerName: String
        var due: String
        var daysOverdue: Int
        var bucket: String
        var balance: String
        var currency: String
        var nextAction: String
        /// The cadence step due, drafted, held or next, and its date.
        var step: String?
        var stepDate: String?
        var path: String
        /// When the file does not read: its first problem (the row is its last readable state).
        var unreadable: String?
    }
    struct Total: Encodable {
        var currency: String
        var balance: String
        var cases: Int
    }
    var today: String
    var cases: [Row]
    var totals: [Total]
    /// How many listed cases are counted at their last readable balance.
    var unreadableCases: Int
    struct Credit: Encodable { var customer: String; var currency: String; var amount: String; var invoices: [String] }
    /// Customers' credits (negative balances), per currency.
    var credits: [Credit] = []

    init(_ queue: Queue) {
        today = queue.today.iso
        cases = queue.items.enumerated().map { i, item in
            let s = item.summary
            return Row(rank: i + 1, invoice: s.facts.number, customer: s.facts.customer, customerName: item.customerName, due: s.facts.due.iso,
                daysOverdue: item.daysOverdue, bucket: item.bucket.rawValue, balance: s.state.balance.plain, currency: s.state.balance.currency.code,
                nextAction: item.nextAction, step: Self.step(item.cadence)?.id, stepDate: Self.step(item.cadence)?.date, path: s.path,
                unreadable: s.unreadable?.headline)
        }
        unreadableCases = queue.unreadableCount
        totals = queue.totals.map { Total(currency: $0.currency.code, balance: $0.total.plain, cases: $0.count) }
    }

    static func step(_ status: CadenceStatus?) -> (id: String, date: String)? {
        switch status {
        case .due(let step, let since)?, .task(let step, let since)?: return (step.id, since.iso)
        case .held(let step, let until, _)?: return (step.id, until.iso)
        case .waiting(let step, let on)?: return (step.id, on.iso)
        case .drafted(let draft)?: return (draft.step, draft.date.iso)
        default: return nil
        }
    }
}
