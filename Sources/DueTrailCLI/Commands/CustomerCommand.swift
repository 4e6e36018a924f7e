import ArgumentParser
import DueTrailCore
import DueTrailLedger

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Change a customer's settings: approval policy, sensitivity, contacts, cadence.",
        discussion: """
            One commit, authored by you. Editing customers/<slug>.yaml by hand and committing it is \
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

    @Option(help: ArgumentHelp("The cadence from cadence.yaml this customer follows.", valueName: "name"))
    var cadence: String?

    @Option(help: ArgumentHelp("The account owner who does this customer's tasks and reviews its drafts, `Name <email>` (\"\" removes it).", valueName: "person"))
    var owner: String?

    func validate() throws {
        if let policy, CustomerFile.Policy(rawValue: policy) == nil { throw ValidationError("--policy is one of review, auto, manual") }
    }

    func run() throws {
        let ledger = try options.open()
        let change = CustomerChange(
            policy: policy.flatMap(CustomerFile.Policy.init(rawValue:)), sensitive: sensitive, emails: email.isEmpty ? nil : email, cadence: cadence, owner: owner)
        let result = try guarded { try ledger.changeCustomer(slug.lowercased(), change) }
        let f = result.file
        Terminal.print("\(f.name) (customers/\(f.slug).yaml): policy \(f.policy.rawValue)\(f.sensitive ? ", sensitive" : ""), cadence \(f.cadence ?? "default"), contacts \(f.contacts.map(\.email).joined(separator: ", "))" + (f.owner.map { ", owner \($0.text)" } ?? ""))
        if let commit = result.outcome?.commit { Terminal.print("Commit \(commit.short)") } else { Terminal.print("Nothing changed.") }
    }
}
