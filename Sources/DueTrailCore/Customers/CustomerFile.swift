import Foundation

/// A customer: `customers/<slug>.yaml`. Who to write to and how carefully.
package struct CustomerFile: Sendable, Equatable {
    package struct Contact: Sendable, Equatable {
        package var name: String?
        package var email: String
        package init(name: String?, email: String) {
            self.name = name
            self.email = email
        }
    }

    /// How drafts for this customer are approved.
    package enum Policy: String, Sendable, CaseIterable {
        case review, auto, manual
    }

    package static let ownedKeys: Set<String> = ["name", "contacts", "policy", "sensitive", "cadence", "owner", "hold", "hold_since", "hold_until"]

    package var slug: String
    package var name: String
    package var contacts: [Contact]
    package var policy: Policy
    package var sensitive: Bool
    /// Which cadence of `cadence.yaml` this customer follows; nil: `default`.
    package var cadence: String?
    /// Line of the `cadence:` key, for pointing at an unknown name.
    package var cadenceLine: Int?
    /// The account owner (`Name <email>`): does this customer's tasks and reviews its drafts.
    package var owner: Owner?
    /// Nothing is drafted for any of this customer's cases while it holds.
    package var hold: CustomerHold?
    /// `terms:` (`Net 30`, `14 days`): due dates for invoices imported without one. A person's
    /// key, read but kept verbatim in `extra`.
    package var terms: PaymentTerms?
    /// Keys a person added (notes, cadence, …), verbatim.
    package var extra: String

    package init(slug: String, name: String, contacts: [Contact], policy: Policy = .review, sensitive: Bool = false, extra: String = "") {
        self.slug = slug
        self.name = name
        self.contacts = contacts
        self.policy = policy
        self.sensitive = sensitive
        self.extra = extra
    }

    package func render() -> String {
        var out = "name: \(YAMLText.scalar(name))\n"
        if contacts.isEmpty {
            out += "contacts: []\n"
        } else {
            out += "contacts:\n"
            for c in contacts {
                if let n = c.name {
                    out += "  - name: \(YAMLText.scalar(n))\n    email: \(YAMLText.scalar(c.email))\n"
                } else {
                    out += "  - email: \(YAMLText.scalar(c.email))\n"
                }
            }
        }
        out += "policy: \(policy.rawValue)\n"
        out += "sensitive: \(sensitive)\n"
        if let cadence { out += "cadence: \(YAMLText.scalar(cadence))\n" }
        if let owner { out += "owner: \(YAMLText.scalar(owner.text))\n" }
        if let hold {
            out += "hold: \(YAMLText.scalar(hold.reason))\n"
            out += "hold_since: \(hold.since.iso)\n"
            if let until = hold.until { out += "hold_until: \(until.iso)\n" }
        }
        out += extra
        return RecordedText.withoutRawControls(out)
    }

    package static func parse(_ text: String, path: String, slug: String) -> Result<CustomerFile, DiagnosticList> {
        if let simple = parseSimple(text, slug: slug) { return .success(simple) }
        let map: YAMLMap
        do throws(Diagnostic) { map = try YAMLMap(text: text, path: path) } catch { return .failure(DiagnosticList([error])) }
        // Every key is read even after a problem, so `check` lists them all at once.
        var problems: [Diagnostic] = []
        func attempt(_ body: () throws(Diagnostic) -> Void) {
            do throws(Diagnostic) { try body() } catch { problems.append(error) }
        }
        var name = ""
        attempt { () throws(Diagnostic) in name = try map.requiredString("name").0 }
        var contacts: [Contact] = []
        if let entry = map["contacts"] {
            if let seq = entry.value.sequence {
                for item in seq {
                    attempt { () throws(Diagnostic) in
                        guard let m = item.mapping, let emailNode = m["email"], let email = emailNode.string else {
                            let line = map.line(of: item) ?? entry.line
                            throw Diagnostic(path: path, line: line, message: "each contact needs an `email:`", excerpt: map.excerpt(line))
                        }
                        guard EmailAddress.isPlausible(email) else {
                            let line = map.line(of: emailNode) ?? entry.line
                            throw Diagnostic(path: path, line: line, message: "`\(email)` is not an email address: \(EmailAddress.problem(email) ?? "")", excerpt: map.excerpt(line))
                        }
                        contacts.append(Contact(name: m["name"]?.string, email: email))
                    }
                }
            } else if entry.value.scalar?.string.isEmpty == false {
                problems.append(map.problem(entry, "`contacts` is a list of `- name: …` / `email: …` entries"))
            }
        }
        var policy = Policy.review
        attempt { () throws(Diagnostic) in
            if let (text, policyEntry) = try map.optionalEntry("policy") {
                guard let p = Policy(rawValue: text) else {
                    throw map.problem(policyEntry, "`policy` is one of review, auto, manual — not `\(text)`")
                }
                policy = p
            }
        }
        var sensitive = false
        attempt { () throws(Diagnostic) in sensitive = try map.optionalBool("sensitive") ?? false }
        var file = CustomerFile(slug: slug, name: name, contacts: contacts, policy: policy, sensitive: sensitive,
            extra: YAMLBlocks(text).foreign(excluding: ownedKeys))
        attempt { () throws(Diagnostic) in
            if let (cadence, entry) = try map.optionalEntry("cadence") {
                file.cadence = cadence
                file.cadenceLine = entry.line
            }
        }
        attempt { () throws(Diagnostic) in
            if let (text, entry) = try map.optionalEntry("owner") {
                guard let owner = Owner(text) else {
                    throw map.problem(entry, "`owner: \(text)` is not a person; write `owner: Name <name@example.com>`")
                }
                file.owner = owner
            }
        }
        attempt { () throws(Diagnostic) in
            if let (reason, entry) = try map.optionalEntry("hold") {
                let since = try map.optionalEntry("hold_since")
                let until = try map.optionalEntry("hold_until")
                guard let sinceText = since?.0, let sinceDate = CalendarDate(iso: sinceText) else {
                    throw map.problem(since?.1 ?? entry, "a hold needs `hold_since: YYYY-MM-DD` (the day it began)")
                }
                var untilDate: CalendarDate?
                if let (text, untilEntry) = until {
                    guard let d = CalendarDate(iso: text) else { throw map.problem(untilEntry, "`hold_until` is a date (YYYY-MM-DD), not `\(text)`") }
                    untilDate = d
                }
                file.hold = CustomerHold(reason: reason, since: sinceDate, until: untilDate)
            } else if let stray = map["hold_since"] ?? map["hold_until"] {
                throw map.problem(stray, "`\(stray.key)` without `hold:` (the reason); write `hold: REASON` or remove it")
            }
        }
        attempt { () throws(Diagnostic) in
            if let (text, entry) = try map.optionalEntry("terms") {
                guard let terms = PaymentTerms(text) else {
                    throw map.problem(entry, "`terms: \(text)` does not say how many days; write e.g. `terms: Net 30`, `terms: 14 days` or `terms: due on receipt`")
                }
                file.terms = terms
            }
        }
        if !problems.isEmpty { return .failure(DiagnosticList(problems)) }
        return .success(file)
    }
}

extension CustomerFile {
    /// The file as the tool writes it (flat keys, `contacts:` as a list of `name`/`email`
    /// items), read without Yams: `draft` reads thousands of customers. Anything else, or
    /// anything wrong, returns nil and takes the full path, which reports problems with lines.
    static func parseSimple(_ text: String, slug: String) -> CustomerFile? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var contacts: [Contact] = []
        guard let start = lines.firstIndex(where: { $0.hasPrefix("contacts:") }) else { return nil }
        if lines[start].trimmedSpaces != "contacts:" {
            guard lines[start].dropFirst("contacts:".count).trimmedSpaces == "[]" else { return nil }
            lines.remove(at: start)
        } else {
            var end = start + 1
            var current: (name: String?, email: String?)?
            func flush() -> Bool {
                guard let c = current else { return true }
                guard let email = c.email, EmailAddress.isPlausible(email) else { return false }
                contacts.append(Contact(name: c.name, email: email))
                current = nil
                return true
            }
            while end < lines.count, lines[end].hasPrefix("  ") {
                let line = lines[end]
                var body: Substring
                if line.hasPrefix("  - ") {
                    guard flush() else { return nil }
                    current = (nil, nil)
                    body = line.dropFirst(4)
                } else if line.hasPrefix("    ") && current != nil {
                    body = line.dropFirst(4)
                } else {
                    return nil
                }
                guard let entry = YAMLMap.simpleEntries([body], lineOffset: 0)?.first, let value = entry.value.scalar?.string else { return nil }
                switch entry.key {
                case "name" where current?.name == nil: current?.name = value
                case "email" where current?.email == nil: current?.email = value
                default: return nil
                }
                end += 1
            }
            guard flush() else { return nil }
            lines.removeSubrange(start..<end)
        }
        guard let entries = YAMLMap.simpleEntries(lines, lineOffset: 0) else { return nil }
        var name: String?
        var policy = Policy.review
        var sensitive = false
        var cadence: String?
        var cadenceLine: Int?
        var terms: PaymentTerms?
        var owner: Owner?
        var holdReason: String?, holdSince: CalendarDate?, holdUntil: CalendarDate?
        var seen: Set<String> = []
        for e in entries {
            guard seen.insert(e.key).inserted, let value = e.value.scalar?.string else { return nil }
            switch e.key {
            case "name": name = value
            case "policy":
                guard let p = Policy(rawValue: value) else { return nil }
                policy = p
            case "sensitive":
                switch value.lowercased() {
                case "true", "yes", "on": sensitive = true
                case "false", "no", "off": sensitive = false
                default: return nil
                }
            case "cadence":
                cadence = value
                cadenceLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("cadence:") }.map { $0 + 1 }
            case "terms":
                guard let t = PaymentTerms(value) else { return nil }
                terms = t
            case "owner":
                guard let o = Owner(value) else { return nil }
                owner = o
            case "hold": holdReason = value
            case "hold_since":
                guard let d = CalendarDate(iso: value) else { return nil }
                holdSince = d
            case "hold_until":
                guard let d = CalendarDate(iso: value) else { return nil }
                holdUntil = d
            default: continue  // a person's own key: kept verbatim below
            }
        }
        guard let name, !name.isEmpty, !seen.contains("contacts") else { return nil }
        var file = CustomerFile(slug: slug, name: name, contacts: contacts, policy: policy, sensitive: sensitive,
            extra: YAMLBlocks(text).foreign(excluding: ownedKeys))
        file.cadence = cadence
        file.cadenceLine = cadenceLine
        file.terms = terms
        file.owner = owner
        if let holdReason {
            guard let holdSince else { return nil }
            file.hold = CustomerHold(reason: holdReason, since: holdSince, until: holdUntil)
        } else if holdSince != nil || holdUntil != nil {
            return nil
        }
        return file
    }
}

/// A customer on hold (`duetrail hold`): a negotiation, a debt handed to an agency. Nothing is
/// drafted for any of its cases from `since` until `until` (or until released).
package struct CustomerHold: Sendable, Equatable {
    package var reason: String
    package var since: CalendarDate
    package var until: CalendarDate?

    package init(reason: String, since: CalendarDate, until: CalendarDate?) {
        self.reason = reason
        self.since = since
        self.until = until
    }

    /// Still holding on `today` (a hold until a date ends that day).
    package func holds(on today: CalendarDate) -> Bool { until.map { today < $0 } ?? true }

    /// "on hold since 2026-11-30 (until 2026-12-15): negotiating a settlement"
    package var phrase: String {
        "on hold since \(since.iso)" + (until.map { " until \($0.iso)" } ?? "") + ": \(reason)"
    }
}

/// A person as `owner:` names them: `Ana Ruiz <ana@example.com>`, or just the address.
package struct Owner: Sendable, Equatable {
    package var name: String?
    package var email: String

    package init?(_ text: String) {
        let t = text.trimmedSpaces
        if let open = t.lastIndex(of: "<"), t.hasSuffix(">") {
            let email = String(t[t.index(after: open)..<t.index(before: t.endIndex)]).trimmedSpaces
            let name = String(t[..<open]).trimmedSpaces
            guard EmailAddress.isPlausible(email), !name.contains("<"), !name.contains(">") else { return nil }
            self.name = name.isEmpty ? nil : name
            self.email = email
        } else {
            guard EmailAddress.isPlausible(t) else { return nil }
            self.email = t
        }
    }

    package var text: String { name.map { "\($0) <\(email)>" } ?? email }

    /// This owner is who `query` names (`--owner`): the address, the name, or both as written,
    /// case-insensitively.
    package func matches(_ query: String) -> Bool {
        let q = query.trimmedSpaces.lowercased()
        return email.lowercased() == q || name?.lowercased() == q || text.lowercased() == q
    }

    /// This owner is the person with git identity `name <email>` (by address, else by name).
    package func isPerson(name other: String, email otherEmail: String) -> Bool {
        email.lowercased() == otherEmail.lowercased() || (name != nil && name == other)
    }
}

/// Email addresses as SMTP accepts them (RFC 5321 §4.1.2 mailboxes, with UTF-8 allowed as
/// RFC 6531 does): a dot-atom local part of at most 64 octets, `@`, and a domain of dotted
/// labels (letters, digits, hyphens). Quoted local parts and address literals are refused: no
/// customer needs one, and every mail system mangles them. Checked where addresses are typed
/// (customer files, `duetrail.yaml`), so a bad one is reported with its file and line at draft
/// time, never discovered by the mail server.
package enum EmailAddress {
    package static func isPlausible(_ text: String) -> Bool { problem(text) == nil }

    /// Why `text` is not a usable address, or nil.
    package static func problem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return "it has no `@`" }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        if local.isEmpty { return "nothing comes before the `@`" }
        if local.count > 64 { return "the part before the `@` is longer than 64 characters" }
        if bytes.count > 254 { return "it is longer than 254 characters" }
        let atext = Set("!#$%&'*+-/=?^_`{|}~".utf8)
        var previous: UInt8 = UInt8(ascii: ".")
        for c in local {
            let ok = c >= 0x80 || isAlphanumeric(c) || atext.contains(c) || c == UInt8(ascii: ".")
            if !ok { return c == UInt8(ascii: "@") ? "it has more than one `@`" : "`\(printable(c))` cannot appear before the `@`" }
            if c == UInt8(ascii: ".") && previous == UInt8(ascii: ".") { return "the part before the `@` has an empty dot-separated piece" }
            previous = c
        }
        if previous == UInt8(ascii: ".") { return "the part before the `@` ends with a dot" }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if domain.isEmpty { return "nothing comes after the `@`" }
        if labels.count < 2 { return "the domain `\(String(decoding: domain, as: UTF8.self))` has no dot" }
        for label in labels {
            if label.isEmpty { return "the domain has an empty label (two dots, or a dot at an end)" }
            if label.count > 63 { return "a domain label is longer than 63 characters" }
            if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") { return "a domain label starts or ends with `-`" }
            for c in label where !(c >= 0x80 || isAlphanumeric(c) || c == UInt8(ascii: "-")) {
                return "`\(printable(c))` cannot appear in the domain"
            }
        }
        return nil
    }

    /// Needs a server offering SMTPUTF8 (RFC 6531) to be delivered.
    package static func isInternational(_ text: String) -> Bool { text.utf8.contains { $0 >= 0x80 } }

    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    static func printable(_ c: UInt8) -> String {
        c < 33 || c == 127 ? (c == 32 ? "a space" : String(format: "\\x%02X", c)) : String(UnicodeScalar(c))
    }
}

/// What the queue and the cadence need of a customer without reading its file again: its
/// name and cadence settings. Kept in the summary cache beside the case summaries.
package struct CustomerSummary: Sendable, Equatable {
    package var name: String
    package var cadence: CustomerCadence
    /// Who reminders go to (the first in To, the others in Cc).
    package var contacts: [CustomerFile.Contact]
    /// `terms:`, for invoices imported without a due date.
    package var terms: PaymentTerms?
    /// `owner:` (`Name <email>`).
    package var owner: Owner?

    package init(name: String, cadence: CustomerCadence, contacts: [CustomerFile.Contact] = [], terms: PaymentTerms? = nil, owner: Owner? = nil) {
        self.name = name
        self.cadence = cadence
        self.contacts = contacts
        self.terms = terms
        self.owner = owner
    }

    package init(_ file: CustomerFile) {
        self.init(name: file.name, cadence: file.cadenceSettings, contacts: file.contacts, terms: file.terms, owner: file.owner)
    }

    /// The customer file's facts again (without a person's own keys), for composing reminders.
    package func file(slug: String) -> CustomerFile {
        var f = CustomerFile(slug: slug, name: name, contacts: contacts, policy: cadence.policy, sensitive: cadence.sensitive)
        f.cadence = cadence.cadence
        f.owner = owner
        f.hold = cadence.hold
        return f
    }

    static let unitSeparator: Character = "\u{1F}", recordSeparator: Character = "\u{1E}"

    /// `name<TAB>policy<TAB>sensitive<TAB>cadence<TAB>contacts<TAB>terms<TAB>owner<TAB>hold`, each escaped like a
    /// case cache line; contacts as `name<US>email` joined by `<RS>` (control characters no name holds).
    package var cacheText: String {
        let people = contacts.map { c in
            (c.name ?? "").filter { $0 != Self.unitSeparator && $0 != Self.recordSeparator } + String(Self.unitSeparator) + c.email
        }.joined(separator: String(Self.recordSeparator))
        let hold = cadence.hold.map { h in
            [h.reason.filter { $0 != Self.unitSeparator }, h.since.iso, h.until?.iso ?? ""].joined(separator: String(Self.unitSeparator))
        }
        return [name, cadence.policy.rawValue, cadence.sensitive ? "1" : "0", cadence.cadence ?? "", people, terms?.text ?? "", owner?.text ?? "", hold ?? ""]
            .map(CaseSummary.escape).joined(separator: "\t")
    }

    package init?(cacheText text: Substring) {
        let f = text.split(separator: "\t", omittingEmptySubsequences: false).map { CaseSummary.unescape($0) }
        guard f.count == 8, let policy = CustomerFile.Policy(rawValue: f[1]) else { return nil }
        var contacts: [CustomerFile.Contact] = []
        for record in f[4].split(separator: Self.recordSeparator) {
            let parts = record.split(separator: Self.unitSeparator, maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            contacts.append(CustomerFile.Contact(name: parts[0].isEmpty ? nil : String(parts[0]), email: String(parts[1])))
        }
        var hold: CustomerHold?
        if !f[7].isEmpty {
            let h = f[7].split(separator: Self.unitSeparator, omittingEmptySubsequences: false)
            guard h.count == 3, let since = CalendarDate(iso: h[1]) else { return nil }
            hold = CustomerHold(reason: String(h[0]), since: since, until: CalendarDate(iso: h[2]))
        }
        let settings = CustomerCadence(policy: policy, sensitive: f[2] == "1", cadence: f[3].isEmpty ? nil : f[3], hold: hold)
        self.init(name: f[0], cadence: settings, contacts: contacts, terms: f[5].isEmpty ? nil : PaymentTerms(f[5]), owner: Owner(f[6]))
    }
}

extension CustomerFile {
    package var cadenceSettings: CustomerCadence {
        CustomerCadence(policy: policy, sensitive: sensitive, cadence: cadence, hold: hold)
    }
}
