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
    package var cadence: String?

    package init(policy: CustomerFile.Policy? = nil, sensitive: Bool? = nil, emails: [String]? = nil, cadence: String? = nil) {
        self.policy = policy
        self.sensitive = sensitive
        self.emails = emails
        self.cadence = cadence
    }

    package var isEmpty: Bool { policy == nil && sensitive == nil && emails == nil && cadence == nil }
}

extension Ledger {
    /// Applies `change` to `customers/<slug>.yaml` and commits it; returns the file as written.
    package func changeCustomer(_ slug: String, _ change: CustomerChange) throws(LedgerError) -> (file: CustomerFile, outcome: CommitOutcome?) {
        guard !change.isEmpty else { throw LedgerError.badRequest("nothing to change: give --policy, --sensitive/--no-sensitive, --email or --cadence") }
        for email in change.emails ?? [] {
            if let why = EmailAddress.problem(email) { throw LedgerError.badRequest("--email `\(email)` is not an email address: \(why)") }
        }
        let identity = try identity()
        let path = ImportPlan.customerPath(slug)
        var written: CustomerFile?
        let outcome = try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            guard let text = try read(path, inTree: tree) else {
                throw LedgerError.notFound("no customer `\(slug)` (customers/\(slug).yaml); see `duetrail queue` for customer slugs")
            }
            var file: CustomerFile
            switch CustomerFile.parse(text, path: path, slug: slug) {
            case .success(let f): file = f
            case .failure(let problems): throw LedgerError.invalid(problems)
            }
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
                file.contacts = emails.map { email in CustomerFile.Contact(name: file.contacts.first { $0.email == email }?.name, email: email) }
            }
            written = file
            var what: [String] = []
            if let p = change.policy { what.append("policy \(p.rawValue)") }
            if let s = change.sensitive { what.append(s ? "sensitive" : "not sensitive") }
            if let e = change.emails { what.append("contacts \(e.joined(separator: ", "))") }
            if let c = change.cadence { what.append("cadence \(c)") }
            var set = ChangeSet(subject: "customer: \(slug): " + what.joined(separator: ", "), trailers: [.action(.customer), Trailer(.customer, slug)])
            set.files[path] = file.render()
            set.customers[path] = CustomerSummary(file)
            return set
        }
        guard let written else { throw LedgerError.internalFailure("customer not written") }
        return (written, outcome)
    }
}
