import DueTrailCore
import Foundation
import Testing
import TestSupport

/// The cadence on the example ledger's real backlog: tasks a person finishes, holds, one-off
/// reminders, the queue's order, dates, and `simulate` checked against sixty real days.
@Suite struct BacklogTests {
    let sandbox: Sandbox
    let dir: String
    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    func run(_ args: [String], on day: String? = nil, extra: [String: String] = [:]) throws -> ProcessResult {
        try sandbox.duetrail(args, in: dir, extraEnvironment: (day.map(Sandbox.clock(on:)) ?? [:]).merging(extra) { $1 })
    }

    func git(_ args: [String]) throws -> String { try sandbox.git(args, in: dir).stdout }

    func sendToday(_ day: String? = nil) throws {
        #expect(try run(["draft"], on: day).status == 0)
        _ = try run(["approve", "--all"], on: day)
        #expect(try run(["send"], on: day).status == 0)
    }

    @Test func tasksComeAfterTheirEmailAndAreFinishedWithDoneSkipOrACall() throws {
        // Day one: nothing presumes a contact yet.
        #expect(try run(["tasks"]).stdout.contains("No tasks due as of 2026-11-30."))
        try sendToday()
        // Two weeks on: the escalation decisions the final notices led to, the call after Evergreen's firm reminder.
        let later = "2026-12-14"
        let tasks = try run(["tasks", "--csv"], on: later)
        #expect(tasks.status == 0 && tasks.stdout.hasPrefix("invoice,customer,customer_slug,step,task,due_since,days_overdue,balance,owner,path\n"), "\(tasks)")
        #expect(tasks.stdout.contains("INV-1042,Acme GmbH,acme-gmbh,escalation,decide on escalation,2026-12-10,96,7150.00,,cases/acme-gmbh/inv-1042.md\n"), "\(tasks.stdout)")
        #expect(tasks.stdout.contains("INV-1068,Evergreen Legal LLP,evergreen-legal,call,phone the customer,2026-12-10,"))
        let done = try run(["done", "INV-1042", "--note", "Agency next week"], on: later)
        #expect(done.status == 0 && done.stdout.contains("Done: decide on escalation (step escalation) on INV-1042"), "\(done)")
        #expect(try git(["log", "-1", "--format=%s"]) == "done: decide on escalation on INV-1042\n")
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md").contains(" · done · step: escalation · Agency next week · by Ana Ruiz"))
        let remaining = try run(["tasks"], on: later)
        #expect(remaining.status == 0 && remaining.stdout.contains("INV-1018") && !remaining.stdout.contains("INV-1042"), "\(remaining)")
        #expect(try run(["done", "INV-1042", "--note", "again"], on: later).stderr.contains("INV-1042 has no task due"))
        // A logged call finishes the call step.
        let call = try run(["contact", "INV-1068", "--call", "--with", "Mia", "--summary", "paying Friday"], on: later)
        #expect(call.stdout.contains("The call finishes step `call` of INV-1068's cadence"), "\(call)")
        #expect(try sandbox.read("ledger/cases/evergreen-legal/inv-1068.md").contains(" · contact · via: call · with: Mia · step: call · paying Friday · by Ana Ruiz"))
        // Skipping names the step and says why; a step already behind cannot be skipped.
        let skip = try run(["skip", "INV-1030", "--step", "escalation", "--reason", "small amount, write off later"], on: later)
        #expect(skip.status == 0 && skip.stdout.contains("Skipped: decide on escalation (step escalation) on INV-1030"), "\(skip)")
        #expect(try run(["skip", "INV-1030", "--step", "nudge", "--reason", "x"], on: later).stderr.contains("INV-1030 is already past step `nudge`"))
        #expect(try run(["skip", "INV-1030", "--step", "nope", "--reason", "x"], on: later).stderr.contains("has no step `nope`"))
        // Owners: `tasks --mine` by the git identity, `queue --owner`.
        #expect(try run(["customer", "fjord-software", "--owner", "Ana Ruiz <ana@northwind.example>"], on: later).status == 0)
        #expect(try sandbox.read("ledger/customers/fjord-software.yaml").contains("owner: Ana Ruiz <ana@northwind.example>\n"))
        let mine = try run(["tasks", "--mine", "--json"], on: later, extra: ["GIT_AUTHOR_EMAIL": "ana@northwind.example"])
        let rows = (try JSONSerialization.jsonObject(with: Data(mine.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty && rows.allSatisfy { $0["customer_slug"] as? String == "fjord-software" }, "\(mine)")
        let owned = try run(["queue", "--owner", "ana@northwind.example", "--csv"], on: later)
        let ownedRows = owned.stdout.split(separator: "\n").dropFirst()
        #expect(owned.status == 0 && !ownedRows.isEmpty && ownedRows.allSatisfy { $0.contains(",fjord-software,") }, "\(owned)")
        #expect(try run(["customer", "fjord-software", "--owner", "nobody"]).stderr.contains("is not a person"))
    }

    @Test func aHoldStopsDraftingWithdrawsDraftsAndCatchesUpWhenReleased() throws {
        #expect(try run(["draft"]).status == 0)
        #expect(try run(["approve", "acme-gmbh"]).status == 0)
        let hold = try run(["hold", "acme-gmbh", "--reason", "negotiating a settlement", "--until", "2026-12-15"])
        #expect(hold.status == 0 && hold.stdout.contains("Withdrew outbox/acme-gmbh/2026-11-30-statement.eml: the customer is on hold"), "\(hold)")
        #expect(try sandbox.read("ledger/customers/acme-gmbh.yaml").contains("hold: negotiating a settlement\nhold_since: 2026-11-30\nhold_until: 2026-12-15\n"))
        #expect(try git(["ls-files", "outbox/acme-gmbh"]).isEmpty)
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md").contains(" · withdrawn · step: nudge · draft: outbox/acme-gmbh/2026-11-30-statement.eml · not sent: the customer is on hold: negotiating a settlement"))
        let queue = try run(["queue", "--customer", "acme-gmbh"])
        #expect(queue.stdout.contains("customer on hold since 2026-11-30 until 2026-12-15: negotiating a settlement"), "\(queue)")
        let whileHeld = try run(["draft"], on: "2026-12-07")
        #expect(whileHeld.status == 0 && !whileHeld.stdout.contains("acme-gmbh"), "\(whileHeld)")
        #expect(try run(["hold", "acme-gmbh", "--reason", "again"]).stderr.contains("already on hold"))
        #expect(try run(["check"]).status == 0)
        // Released: the steps passed meanwhile catch up at once.
        let release = try run(["release", "acme-gmbh", "--note", "settled on terms"], on: "2026-12-07")
        #expect(release.status == 0 && release.stdout.contains("Acme GmbH is released"), "\(release)")
        #expect(try run(["draft"], on: "2026-12-07").stdout.contains("outbox/acme-gmbh/2026-12-07-statement.eml"))
        #expect(try run(["release", "acme-gmbh", "--note", "x"], on: "2026-12-07").stderr.contains("is not on hold"))
    }

    @Test func aPersonChoosesAOneOffReminderOutsideTheCadence() throws {
        let r = try run(["draft", "--case", "INV-1093", "--template", "firm"])
        #expect(r.status == 0 && r.stdout.contains("outbox/acme-gmbh/2026-11-30-one-off-firm.eml"), "\(r)")
        let text = try sandbox.read("ledger/outbox/acme-gmbh/2026-11-30-one-off-firm.eml")
        #expect(text.contains("X-DueTrail-Step: one-off-firm\n") && text.contains("Subject: Payment overdue for INV-1093"))
        #expect(try run(["approve", "INV-1093"]).status == 0)
        #expect(try run(["send"]).status == 0)
        // It counts as a reminder (the wording of the next one) but moves no step: the nudge is still to come.
        let c = try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md")
        #expect(c.contains(" · sent · step: one-off-firm · "))
        let next = try run(["draft", "--customer", "acme-gmbh"], on: "2026-12-07")
        #expect(next.status == 0, "\(next)")
        let statement = try sandbox.read("ledger/outbox/acme-gmbh/2026-12-07-statement.eml")
        #expect(statement.contains("INV-1093=firm") && statement.contains("We last wrote to you about some of these on 30 November 2026."), "\(statement)")
        #expect(try run(["draft", "--customer", "acme-gmbh", "--template", "firm"]).stderr.contains("--template needs the invoices"))
        #expect(try run(["draft", "--case", "INV-1093", "--template", "firmest"], on: "2026-12-08").stderr.contains("no template `firmest`"))
    }

    @Test func datesAndTheQueuesOrder() throws {
        // A committing command refuses a --today after the real date; a look ahead is fine.
        let ahead = try run(["note", "INV-1093", "x", "--today", "2026-12-10"])
        #expect(ahead.status == 1 && ahead.stderr.contains("after the real date 2026-11-30; nothing is recorded for a day that has not come"), "\(ahead)")
        #expect(try run(["draft", "--today", "2026-12-10"]).status == 1)
        #expect(try run(["queue", "--today", "2026-12-10"]).status == 0)
        // `pay` without --date is paid on --today's date.
        #expect(try run(["pay", "INV-1093", "--amount", "100", "--today", "2026-11-27"]).status == 0)
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md").contains(" · payment · amount: 100.00 EUR · date: 2026-11-27 · by Ana Ruiz"))
        // What a person can act on comes before what waits, whatever its age.
        #expect(try run(["promise", "INV-1008", "--date", "2026-12-07"]).status == 0)
        let q = try run(["queue", "--csv"])
        let invoices = q.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        let promised = try #require(invoices.firstIndex(of: "INV-1008"))
        #expect(promised > (try #require(invoices.firstIndex(of: "INV-1093"))), "\(q.stdout)")
        let byAge = try run(["queue", "--csv", "--sort", "age"]).stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        #expect(byAge.first == "INV-1008")
        let byCustomer = try run(["queue", "--csv", "--sort", "customer"]).stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] }
        #expect(byCustomer == byCustomer.sorted())
        #expect(try run(["queue", "--sort", "size"]).stderr.contains("--sort is one of priority, age, balance, customer"))
    }

    /// `simulate` predicts exactly what sixty real days of draft, approve and send deliver,
    /// with a payment, a promise (broken) and a dispute on fixed days.
    @Test func simulateMatchesSixtyRealDays() throws {
        let script: [(day: String, args: [String], line: String)] = [
            ("2026-12-02", ["promise", "INV-1047", "--date", "2026-12-09"], "INV-1047 - 2026-12-02 09:00 · promised · date: 2026-12-09 · by Ana Ruiz"),
            ("2026-12-03", ["pay", "INV-1093", "--amount", "920.00"], "INV-1093 - 2026-12-03 09:00 · payment · amount: 920.00 EUR · by Ana Ruiz"),
            ("2026-12-04", ["dispute", "INV-1090", "--reason", "wrong rate"], "INV-1090 - 2026-12-04 09:00 · disputed · wrong rate · by Ana Ruiz"),
        ]
        try sandbox.write("events.txt", script.map(\.line).joined(separator: "\n") + "\n")
        let predicted = try run(["simulate", "--from", "2026-11-30", "--to", "2027-01-28", "--events", sandbox.path("events.txt"), "--json"])
        #expect(predicted.status == 0, "\(predicted)")
        let events = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [[String: Any]])
        let expected = Set(events.filter { ["review", "auto"].contains($0["kind"] as? String) }.map { e in
            "\(e["day"] as? String ?? "") \(e["customer"] as? String ?? "") \(e["step"] as? String ?? "")"
        })
        var actual: Set<String> = []
        var seen: Set<String> = []
        var d = "2026-11-30"
        for _ in 0..<60 {
            for s in script where s.day == d { #expect(try run(s.args, on: d).status == 0) }
            try sendToday(d)
            for path in try git(["ls-files", "sent"]).split(separator: "\n").map(String.init) where seen.insert(path).inserted {
                // sent/YYYY/MM/<customer>/<day>-<step>.eml
                let parts = path.split(separator: "/")
                let name = parts[4].dropLast(4)
                actual.insert("\(name.prefix(10)) \(parts[3]) \(name.dropFirst(11))")
            }
            d = try #require(CalendarDate(iso: d)).adding(days: 1).iso
        }
        #expect(actual.count > 15, "\(actual.sorted())")
        #expect(actual == expected, "only real: \(actual.subtracting(expected).sorted()); only predicted: \(expected.subtracting(actual).sorted())")
        // The broken promise's follow-up went once, not every week.
        let promised = try sandbox.read("ledger/cases/delta-foods/inv-1047.md")
        #expect(promised.components(separatedBy: " · sent · step: promise-broken · ").count == 2, "\(promised)")
        #expect(promised.contains(" · promise-broken · date: 2026-12-09 · "))
    }
}
