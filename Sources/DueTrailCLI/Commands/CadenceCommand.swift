import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

struct CadenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadence",
        abstract: "Print the reminder cadence in plain words, or check it.",
        discussion: "Reads cadence.yaml and templates/ as committed (HEAD); edit them, commit, and the next `draft` follows.",
        subcommands: [CadenceShowCommand.self, CadenceCheckCommand.self],
        defaultSubcommand: CadenceShowCommand.self)
}

struct CadenceShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print every cadence in plain words (the default).")

    @OptionGroup var options: LedgerOptions

    @Flag(help: "Print as JSON.")
    var json = false

    func run() throws {
        let ledger = try options.open()
        let snapshot = try guarded { try ledger.snapshot() }
        let setup = try guarded { try ledger.cadenceSetup(tree: snapshot.tree) }
        let book = setup.book
        var users: [String: Int] = [:]
        for (_, c) in snapshot.customers { users[c.cadence.cadence ?? CadenceBook.defaultName, default: 0] += 1 }
        if json {
            struct Step: Encodable { var id: String; var name: String; var when: String; var email: String?; var task: String?; var approve: String?; var sentence: String }
            struct Cadence: Encodable { var name: String; var customers: Int; var catchUp: String; var list: String; var steps: [Step] }
            struct Out: Encodable {
                var cadences: [Cadence]; var weekend: [String]; var holidays: [String]; var quietDays: [String]; var minimumGapDays: Int
                var statementTemplate: String; var promiseBrokenTemplate: String; var promiseGraceBusinessDays: Int; var escalationWait: String
            }
            let cadences = book.cadences.map { entry in
                Cadence(name: entry.name, customers: users[entry.name] ?? 0, catchUp: entry.catchUp.rawValue, list: entry.listing.rawValue, steps: entry.steps.map { s in
                    var email: String?, task: String?
                    switch s.action {
                    case .email(let t): email = t
                    case .task(let t): task = t
                    }
                    return Step(id: s.id, name: s.name, when: s.offset.text, email: email, task: task, approve: s.isEmail ? s.approval.rawValue : nil, sentence: s.sentence)
                })
            }
            Terminal.print(JSON.render(Out(
                cadences: cadences, weekend: book.calendar.weekend.sorted().map { BusinessCalendar.weekdayName($0) },
                holidays: book.calendar.holidays.sorted().map(\.iso), quietDays: book.calendar.quietDays.sorted().map(\.iso),
                minimumGapDays: book.minimumGap, statementTemplate: book.statementTemplate, promiseBrokenTemplate: book.promiseBrokenTemplate,
                promiseGraceBusinessDays: book.promiseGrace, escalationWait: book.escalationWait.text)))
            return
        }
        var out = ""
        for cadence in book.cadences {
            let (name, steps) = (cadence.name, cadence.steps)
            let n = users[name] ?? 0
            let who = name == CadenceBook.defaultName ? "customers without a `cadence:` setting" : "customers with `cadence: \(name)`"
            out += "Cadence `\(name)` (\(who); \(n) customer\(n == 1 ? "" : "s") now)\n"
            for step in steps { out += "  \(step.sentence)\n" }
            out += "  Catch-up (`catch_up: \(cadence.catchUp.rawValue)`): \(cadence.catchUp.sentence).\n"
            out += "  Invoices listed (`list: \(cadence.listing.rawValue)`): \(cadence.listing.sentence).\n"
            if let lastEmail = steps.lastIndex(where: \.isEmail), steps[(lastEmail + 1)...].contains(where: { !$0.isEmail }) {
                out += "  A task after the last email (\(steps[lastEmail].name)) comes \(book.escalationWait.phrase) after that email was sent, not before (`escalation_wait`).\n"
            }
            out += "\n"
        }
        let cal = book.calendar
        out += "Weekend: " + (cal.weekend.isEmpty ? "none" : cal.weekend.sorted().map { BusinessCalendar.weekdayName($0) }.joined(separator: ", ")) + ".\n"
        out += "Holidays: " + (cal.holidays.isEmpty ? "none" : cal.holidays.sorted().map(\.iso).joined(separator: ", ")) + ".\n"
        out += "Quiet days (nothing is sent): " + (cal.quietDays.isEmpty ? "none" : cal.quietDays.sorted().map(\.iso).joined(separator: ", ")) + ".\n"
        out += "A step that lands on one of these moves to the next day reminders may be sent.\n"
        out += "A task never comes before the email it follows was sent: a case that had no reminder gets an email first.\n"
        out += "At least \(book.minimumGap) day\(book.minimumGap == 1 ? "" : "s") between two reminders to the same customer.\n"
        out += "Several of one customer's invoices due on the same day go in one message (template \(book.statementTemplate) when they are at different steps).\n"
        out += "A promise to pay pauses the cadence until \(book.promiseGrace) business day\(book.promiseGrace == 1 ? "" : "s") after the promised date.\n"
        var policies: [String: Int] = [:]
        for (_, c) in snapshot.customers {
            policies[c.cadence.sensitive ? "sensitive (manual)" : c.cadence.policy.rawValue, default: 0] += 1
        }
        if !policies.isEmpty {
            out += "Customers by policy: " + policies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
            out += "  review: each draft is approved by a person; auto: approved by the customer's committed policy;\n"
            out += "  manual/sensitive: nothing is drafted until a person runs `duetrail draft --case`.\n"
        }
        Terminal.print(out, terminator: "")
    }

}

struct CadenceCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check cadence.yaml and the templates (working tree): unknown templates, steps out of order, bad offsets.")

    @OptionGroup var options: LedgerOptions

    func run() throws {
        let ledger = try options.open()
        // The cadence, the templates, and the customers that name a cadence; not 100,000 cases.
        let files = try guarded { try ledger.currentFiles(folders: ["customers", "templates"]) }
        let report = LedgerCheck.run(files: files)
        let relevant = report.problems.filter { $0.path == CadenceBook.fileName || $0.path.hasPrefix("templates/") || $0.message.contains("cadence `") }
        if relevant.isEmpty {
            let book = report.cadence
            let steps = book?.cadences.reduce(0) { $0 + $1.steps.count } ?? 0
            Terminal.print("ok: \(book?.cadences.count ?? 0) cadences, \(steps) steps, templates checked, no problems")
            return
        }
        for p in relevant { Terminal.print(p.description + "\n") }
        Terminal.note("\(relevant.count) problem\(relevant.count == 1 ? "" : "s") found")
        throw ExitCode.failure
    }
}
