/// A three-way merge of one customer file by meaning: each setting (name, policy, sensitive,
/// cadence, the person's own keys) merges on its own, and contacts are united by address, so
/// one person adding a contact while another switches the policy keeps both.
package enum CustomerMerge {
    package enum Outcome: Sendable, Equatable {
        case merged(CustomerFile)
        case conflicts([CaseMerge.Conflict])
    }

    package static func merge(base: CustomerFile?, ours: CustomerFile, theirs: CustomerFile, path: String, settle: CaseMerge.Side? = nil) -> Outcome {
        var conflicts: [CaseMerge.Conflict] = []
        func pick<T: Equatable>(_ what: String, _ b: T?, _ o: T, _ t: T, show: (T) -> String) -> T {
            if o == t { return o }
            if let b, o == b { return t }
            if let b, t == b { return o }
            if let settle { return settle == .ours ? o : t }
            conflicts.append(CaseMerge.Conflict(path: path, what: what, ours: show(o), theirs: show(t)))
            return o
        }
        var merged = ours
        merged.name = pick("name", base?.name, ours.name, theirs.name) { $0 }
        merged.policy = pick("policy", base?.policy, ours.policy, theirs.policy) { $0.rawValue }
        merged.sensitive = pick("sensitive", base?.sensitive, ours.sensitive, theirs.sensitive) { "\($0)" }
        merged.cadence = pick("cadence", base.map(\.cadence), ours.cadence, theirs.cadence) { $0 ?? "(default)" }
        merged.extra = pick("other keys", base?.extra, ours.extra, theirs.extra) { $0 }

        // Contacts by address (case-insensitive), our order first, then theirs.
        func key(_ c: CustomerFile.Contact) -> String { c.email.lowercased() }
        let b = Dictionary((base?.contacts ?? []).map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let t = Dictionary(theirs.contacts.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let o = Dictionary(ours.contacts.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        func show(_ c: CustomerFile.Contact?) -> String { c.map { ($0.name.map { "\($0) " } ?? "") + "<\($0.email)>" } ?? "(removed)" }
        var contacts: [CustomerFile.Contact] = []
        for c in ours.contacts {
            let k = key(c)
            if let theirsToo = t[k] {
                contacts.append(pick("contact \(c.email)", b[k], c, theirsToo) { show($0) })
            } else if b[k] == nil {
                contacts.append(c)
            } else if b[k] != c {
                if settle == .ours { contacts.append(c) } else if settle == nil {
                    conflicts.append(CaseMerge.Conflict(path: path, what: "contact \(c.email)", ours: show(c), theirs: "(removed)"))
                }
            }
        }
        for c in theirs.contacts where o[key(c)] == nil {
            if b[key(c)] == nil {
                contacts.append(c)
            } else if b[key(c)] != c {
                if settle == .theirs { contacts.append(c) } else if settle == nil {
                    conflicts.append(CaseMerge.Conflict(path: path, what: "contact \(c.email)", ours: "(removed)", theirs: show(c)))
                }
            }
        }
        merged.contacts = contacts
        return conflicts.isEmpty ? .merged(merged) : .conflicts(conflicts)
    }
}
