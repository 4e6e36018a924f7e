import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Show day by day what the cadence would draft over a date range, writing nothing.",
        discussion: """
            Runs the same planner as `draft` over a copy of the ledger in memory: each reminder is \
            approved and sent the day it is drafted, with the events sending records (a broken \
            promise's follow-up goes once), so later steps, catch-up and the minimum gap play out \
            as they would. No payment or reply is assumed unless --events scripts it. Use it to \
            watch one full cycle before going live.

            --events FILE: one event a line, the invoice number then a timeline line, e.g.
              INV-1042 - 2026-12-05 · payment · amount: 500.00 EUR · by Ana
              INV-1047 - 2026-12-03 · promised · date: 2026-12-10 · by Ana
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("First day, YYYY-MM-DD (default: today).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last day, YYYY-MM-DD (default: 30 days after --from).", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("Events expected on their days (payments, promises, disputes); see above.", valueName: "file"))
    var events: String?

    @Flag(help: "Print the days as JSON.")
    var json = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, CalendarDate(iso: value) == nil { throw ValidationError("\(name) takes a date like 2026-12-01, not `\(value)`") }
        }
        if let f = from.flatMap(CalendarDate.init(iso:)), let t = to.flatMap(CalendarDate.init(iso:)) {
            if t < f { throw ValidationError("--to is before --from") }
            if f.days(to: t) > 731 { throw ValidationError("simulate at most two years at a time") }
        }
    }

    func run() throws {
        let ledger = try options.open()
        let start = from.flatMap(CalendarDate.init(iso:)) ?? ledger.clock.today
        let end = to.flatMap(CalendarDate.init(iso:)) ?? start.adding(days: 30)
        let snapshot = try guarded { try ledger.snapshot() }
        let setup = try guarded { try ledger.cadenceSetup(tree: snapshot.tree) }
        let outbox = try guarded { try ledger.outbox(tree: snapshot.tree, reviewBranches: true) }
        let scripted = try events.map(Self.readEvents) ?? []
        let known = Set(snapshot.cases.map(\.facts.number))
        if let unknown = scripted.first(where: { !known.contains($0.invoice) }) {
            throw CLIError("\(events ?? ""): no case \(unknown.invoice) in the ledger")
        }
        let simulation = CadenceSimulation(
            book: setup.book, customers: snapshot.customers.mapValues(\.cadence), cases: snapshot.cases, pending: outbox.drafts.map(\.pending),
            scripted: scripted, from: start, to: end, timezone: ledger.config.timezone)
        let names = snapshot.customerNames
        if json {
            struct Event: Encodable { var day: String; var kind: String; var customer: String; var step: String; var template: String?; var cases: [String] }
            Terminal.print(JSON.render(simulation.events.map {
                Event(day: $0.day.iso, kind: $0.kind.rawValue, customer: $0.customer, step: $0.step, template: $0.template, cases: $0.cases)
            }))
            return
        }
        var out = "Simulating \(start.iso) to \(end.iso) (" + (scripted.isEmpty ? "no payments or replies assumed" : "\(scripted.count) scripted events") + "; nothing is written)\n"
        var lastDay: CalendarDate?
        var counts: [CadenceSimulation.Event.Kind: Int] = [:]
        for e in simulation.events {
            counts[e.kind, default: 0] += 1
            if e.day != lastDay {
                out += "\n\(e.day.iso) \(BusinessCalendar.weekdayName(e.day.isoWeekday).prefix(3))\n"
                lastDay = e.day
            }
            let who = names[e.customer] ?? e.customer
            let cases = e.cases.count <= 4 ? e.cases.joined(separator: ", ") : e.cases.prefix(4).joined(separator: ", ") + " +\(e.cases.count - 4)"
            switch e.kind {
            case .review: out += "  draft   \(e.step) → \(who) (\(cases)), for review\n"
            case .auto: out += "  send    \(e.step) → \(who) (\(cases)), approved by policy\n"
            case .manual: out += "  manual  \(e.step) due for \(who) (\(cases)): drafted only when asked\n"
            case .task: out += "  task    \(e.template ?? e.step): \(who) (\(cases))\n"
            }
        }
        if simulation.events.isEmpty { out += "\nNothing would be drafted in this period.\n" }
        out += "\n\(counts[.review] ?? 0) drafts for review, \(counts[.auto] ?? 0) approved by policy, \(counts[.manual] ?? 0) manual, \(counts[.task] ?? 0) tasks\n"
        Terminal.print(out, terminator: "")
    }

    /// The `--events` file; a line that does not read names its file and line.
    static func readEvents(_ path: String) throws -> [CadenceSimulation.Scripted] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CLIError("cannot read \(path) (a UTF-8 text file of events)")
        }
        var out: [CadenceSimulation.Scripted] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            switch CadenceSimulation.Scripted.parse(line) {
            case .success(let s): out.append(s)
            case .failure(let e): throw CLIError("\(path):\(i + 1): \(e.message)")
            }
        }
        return out
    }
}
