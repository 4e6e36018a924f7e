import DueTrailCore
import Foundation
import GitStore

/// Changes to a customer's settings, as one commit (a hand edit of the file is equally valid).
package struct CustomerChange: Sendable {
    package var policy: CustomerFile.Policy?
    package var sensitive: Bool?
    /// Replaces the contacts' addresses, in order (the first gets reminders in To, the others
    /// in Cc); a contact's name is kept when its address stays.
    package var emails: [String]?
    /// Contacts to add (`Name <email>`), after the others; one whose address is there
    /// already gets the name. The other contacts stay as they are, names included.
    package var addContacts: [String] = []
    package var cadence: String?
    /// `Name <email>` of the account owner; "" removes it.
    package var owner: String?

    package init(policy: CustomerFile.Policy? = nil, sensitive: Bool? = nil, emails: [String]? = nil, cadence: String? = nil, owner: String? = nil) {
        self.policy = policy
        self.sensitive = sensitive
        self.emails = emails
        self.cadence = cadence
        self.owner = owner
    }

    package var isEmpty: Bool { policy == nil && sensitive == nil && emails == nil && addContacts.isEmpty && cadence == nil && owner == nil }
}

extension Ledger {
    /// Applies `change` to `customers/<slug>.yaml` and commits it; returns the file as written.
    package func changeCustomer(_ slug: String, _ change: CustomerChange) throws(LedgerError) -> (file: CustomerFile, outcome: CommitOutcome?) {
        guard !change.isEmpty else { throw LedgerError.badRequest("nothing to change: give --policy, --sensitive/--no-sensitive, --email, --contact, --cadence or --owner") }
        var added: [CustomerFile.Contact] = []
        for text in change.addContacts {
            guard let person = Owner(text) else {
                throw LedgerError.badRequest("--contact `\(text)` is not a contact; write --contact \"Maria Keller <maria@example.com>\" (or just the address)")
            }
            if let why = EmailAddress.problem(person.email) { throw LedgerError.badRequest("--contact `\(text)`: \(why)") }
            added.append(CustomerFile.Contact(name: person.name, email: person.email))
        }
        for email in change.emails ?? [] {
            if let why = EmailAddress.problem(email) { throw LedgerError.badRequest("--email `\(email)` is not an email address: \(why)") }
        }
        if let owner = change.owner, !owner.isEmpty, Owner(owner) == nil {
            throw LedgerError.badRequest("--owner `\(owner)` is not a person; write --owner \"Ana Ruiz <ana@example.com>\"")
        }
        return try editCustomer(slug, action: .customer) { (file: inout CustomerFile, tree: ObjectID) throws(LedgerError) -> String in
            if let cadence = change.cadence {
                let book = try cadenceSetup(tree: tree).book
                guard book.steps(of: cadence) != nil else {
                    throw LedgerError.notFound("no cadence `\(cadence)` in cadence.yaml (it has: \(book.cadences.map(\.name).joined(separator: ", ")))")
                }
                file.cadence = cadence == CadenceBook.defaultName ? nil : cadence
            }
            if let policy = change.policy { file.policy = policy }
            if let sensitive = change.sensitive { file.sensitive = sensitive }
            if let emails = change.emails {
                let before = file.contacts
                file.contacts = emails.map { email in CustomerFile.Contact(name: before.first { $0.email == email }?.name, email: email) }
            }
            for contact in added {
                if let i = file.contacts.firstIndex(where: { $0.email.lowercased() == contact.email.lowercased() }) {
                    if contact.name != nil { file.contacts[i].name = contact.name }
                } else {
                    file.contacts.append(contact)
                }
            }
            if let owner = change.owner { file.owner = Owner(owner) }
            var what: [String] = []
            if let p = change.policy { what.append("policy \(p.rawValue)") }
            if let s = change.sensitive { what.append(s ? "sensitive" : "not sensitive") }
            if let e = change.emails { what.append("contacts \(e.joined(separator: ", "))") }
            if !added.isEmpty { what.append("contact \(added.map { c in c.name.map { "\($0) <\(c.email)>" } ?? c.email }.joined(separator: ", "))") }
            if let c = change.cadence { what.append("cadence \(c)") }
            if let o = change.owner { what.append(o.isEmpty ? "no owner" : "owner \(o)") }
            return "customer: \(slug): " + what.joined(separator: ", ")
        }
    }

    /// `customers/<slug>.yaml` as committed at the branch tip; an unknown slug is an error
    /// suggesting the nearest one.
    package func customerFile(_ slug: String) throws(LedgerError) -> CustomerFile {
        let tree = try headTree()
        let path = ImportPlan.customerPath(slug)
        guard Slug.isValid(slug), let text = try read(path, inTree: tree) else {
            throw LedgerError.notFound(CustomerLookup.unknown(slug, names: try snapshot().customerNames))
        }
        switch CustomerFile.parse(text, path: path, slug: slug) {
        case .success(let f): return f
        case .failure(let problems): throw LedgerError.invalid(problems)
        }
    }

    /// Reads `customers/<slug>.yaml` at the branch tip, lets `edit` change it (returning the
    /// commit subject), and commits it; returns the file as written.
    /// `alsoChange` adds to the same commit (drafts withdrawn by a hold), given the base commit,
    /// its tree and the person acting.
    func editCustomer(
        _ slug: String, action: LedgerAction, edit: (inout CustomerFile, ObjectID) throws(LedgerError) -> String,
        alsoChange: ((ObjectID?, ObjectID, Identity, inout ChangeSet) throws(LedgerError) -> Void)? = nil
    ) throws(LedgerError) -> (file: CustomerFile, outcome: CommitOutcome?) {
        let identity = try identity()
        let path = ImportPlan.customerPath(slug)
        var written: CustomerFile?
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            guard Slug.isValid(slug), let text = try read(path, inTree: tree) else {
                throw LedgerError.notFound(CustomerLookup.unknown(slug, names: try snapshot(at: base).customerNames))
            }
            var file: CustomerFile
            switch CustomerFile.parse(text, path: path, slug: slug) {
            case .success(let f): file = f
            case .failure(let problems): throw LedgerError.invalid(problems)
            }
            let subject = try edit(&file, tree)
            written = file
            var set = ChangeSet(subject: subject, trailers: [.action(action), Trailer(.customer, slug)])
            set.files[path] = file.render()
            set.customers[path] = CustomerSummary(file)
            try alsoChange?(base, tree, identity, &set)
            return set
        }
        guard let written else { throw LedgerError.internalFailure("customer not written") }
        return (written, outcome)
    }

    /// `hold`: nothing is drafted for any of the customer's cases until `until` (or until
    /// `release`); approved drafts are withdrawn in the same commit (with the reason on each
    /// case), drafts awaiting review are kept aside under `.git/duetrail/held/`.
    package func hold(_ slug: String, reason: String, until: CalendarDate?) throws(LedgerError) -> (file: CustomerFile, outcome: CommitOutcome?, withdrawn: [String]) {
        let today = clock.today
        if let until, until <= today { throw LedgerError.badRequest("--until \(until.iso) is not after today (\(today.iso))") }
        guard !reason.trimmedSpaces.isEmpty else { throw LedgerError.badRequest("--reason must say why") }
        var withdrawn: [String] = []
        var uncommitted: [String] = []
        let result = try editCustomer(slug, action: .hold) { (file: inout CustomerFile, _: ObjectID) throws(LedgerError) -> String in
            if let current = file.hold, current.holds(on: today) {
                throw LedgerError.conflict("\(file.name) is already \(current.phrase); `duetrail release \(slug) --note …` first")
            }
            file.hold = CustomerHold(reason: reason.trimmedSpaces, since: today, until: until)
            return "hold: \(slug)" + (until.map { " until \($0.iso)" } ?? "") + ": \(reason.trimmedSpaces)"
        } alsoChange: { (base: ObjectID?, tree: ObjectID, identity: Identity, change: inout ChangeSet) throws(LedgerError) in
            withdrawn = []
            uncommitted = []
            let (drafts, _) = try self.outbox(tree: tree, customers: [slug])
            guard !drafts.isEmpty else { return }
            let byNumber = try self.snapshot(at: base).casesByNumber()
            for d in drafts {
                withdrawn.append(d.path)
                if d.committed == nil {
                    uncommitted.append(d.path)
                } else {
                    try self.appendWithdrawal(
                        of: d.pending, reason: "the customer is on hold: \(reason.trimmedSpaces)", cases: byNumber, tree: tree, who: identity, into: &change)
                }
            }
        }
        keepAside(drafts: uncommitted, in: "held")
        return (result.file, result.outcome, withdrawn)
    }

    /// `release`: the customer's cases follow the cadence again; steps passed meanwhile catch up.
    package func release(_ slug: String, note: String) throws(LedgerError) -> (file: CustomerFile, outcome: CommitOutcome?) {
        try editCustomer(slug, action: .release) { (file: inout CustomerFile, _: ObjectID) throws(LedgerError) -> String in
            guard let hold = file.hold else { throw LedgerError.conflict("\(file.name) is not on hold") }
            file.hold = nil
            return "release: \(slug) (held since \(hold.since.iso)): \(note.trimmedSpaces)"
        }
    }
}
