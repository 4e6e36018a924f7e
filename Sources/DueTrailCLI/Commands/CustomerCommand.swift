import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Show a customer's settings, or change them: approval policy, sensitivity, contacts, cadence.",
        discussion: """
            `duetrail customer SLUG` alone shows them. A change is one commit, authored by you. Editing customers/<slug>.yaml by hand and committing it is \
            equally valid. `--policy auto` lets the committed cadence approve this customer's \
            reminders; `manual` drafts only when asked; `--sensitive` also asks for a personal note \
            in every draft.
            """)

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The customer's slug (as in customers/<slug>.yaml).")
    var slug: String

    @Option(help: ArgumentHelp("Who approves drafts.", valueName: "review|auto|manual"))
    var policy: String?

    @Flag(inversion: .prefixedNo, help: "Treat as sensitive: manual, with a personal note in each draft.")
    var sensitive: Bool?

    @Option(help: ArgumentHelp("Contact addresses, in order (the first in To); repeat for several; replaces the list.", valueName: "address"))
    var email: [String] = []

    @Option(help: ArgumentHelp("Add a contact, `Name <email>` (or just the address), after the others, whose names stay; repeat for several.", valueName: "person"))
    var contact: [String] = []

    @Option(help: ArgumentHelp("The cadence from cadence.yaml this customer follows.", valueName: "name"))
    var cadence: String?

    @Option(help: ArgumentHelp("The account owner who does this customer's tasks and reviews its drafts, `Name <email>` (\"\" removes it).", valueName: "person"))
    var owner: String?

    func validate() throws {
        if let policy, CustomerFile.Policy(rawValue: policy) == nil { throw ValidationError("--policy is one of review, auto, manual") }
    }

    func run() throws {
        let ledger = try options.open()
        var change = CustomerChange(
            policy: policy.flatMap(CustomerFile.Policy.init(rawValue:)), sensitive: sensitive, emails: email.isEmpty ? nil : email, cadence: cadence, owner: owner)
        change.addContacts = contact
        if change.isEmpty {
            let f = try guarded { try ledger.customerFile(slug.lowercased()) }
            Terminal.print(Self.settings(f, today: ledger.clock.today), terminator: "")
            return
        }
        let result = try guarded { try ledger.changeCustomer(slug.lowercased(), change) }
        let f = result.file
        Terminal.print("\(f.name) (customers/\(f.slug).yaml): policy \(f.policy.rawValue)\(f.sensitive ? ", sensitive" : ""), cadence \(f.cadence ?? "default"), contacts \(f.contacts.map { c in c.name.map { "\($0) <\(c.email)>" } ?? c.email }.joined(separator: ", "))" + (f.owner.map { ", owner \($0.text)" } ?? ""))
        if let commit = result.outcome?.commit { Terminal.print("Commit \(commit.short)") } else { Terminal.print("Nothing changed.") }
    }

    /// `duetrail customer SLUG`: the settings, one a line.
    static func settings(_ f: CustomerFile, today: CalendarDate) -> String {
        var out = "\(f.name) (customers/\(f.slug).yaml)\n"
        out += "  policy     \(f.policy.rawValue)\n"
        out += "  sensitive  \(f.sensitive ? "yes" : "no")\n"
        out += "  cadence    \(f.cadence ?? "default")\n"
        if f.contacts.isEmpty { out += "  contacts   none\n" }
        for (i, c) in f.contacts.enumerated() {
            out += (i == 0 ? "  contacts   " : "             ") + (c.name.map { "\($0) <\(c.email)>" } ?? c.email) + (i == 0 ? " (To)" : " (Cc)") + "\n"
        }
        out += "  owner      \(f.owner?.text ?? "none")\n"
        if let terms = f.terms { out += "  terms      \(terms)\n" }
        if let hold = f.hold, hold.holds(on: today) { out += "  hold       \(hold.phrase)\n" }
        return out
    }
}
