import Foundation

/// A customer: `customers/<slug>.yaml`. Who to write to and how carefully.
public struct CustomerFile: Sendable, Equatable {
    public struct Contact: Sendable, Equatable {
        public var name: String?
        public var email: String
        public init(name: String?, email: String) {
            self.name = name
            self.email = email
        }
    }

    /// How drafts for this customer are approved.
    public enum Policy: String, Sendable, CaseIterable {
        case review, auto, manual
    }

    public static let ownedKeys: Set<String> = ["name", "contacts", "policy", "sensitive", "cadence"]

    public var slug: String
    public var name: String
    public var contacts: [Contact]
    public var policy: Policy
    public var sensitive: Bool
    /// Which cadence of `cadence.yaml` this customer follows; nil: `default`.
    public var cadence: String?
    /// Line of the `cadence:` key, for pointing at an unknown name.
    public var cadenceLine: Int?
    /// Keys a person added (notes, cadence, …), verbatim.
    public var extra: String

    public init(slug: String, name: String, contacts: [Contact], policy: Policy = .review, sensitive: Bool = false, extra: String = "") {
        self.slug = slug
        self.name = name
        self.contacts = contacts
        self.policy = policy
        self.sensitive = sensitive
        self.extra = extra
    }

    public func render() -> String {
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
        out += extra
        return out
    }

    public static func parse(_ text: String, path: String, slug: String) -> Result<CustomerFile, DiagnosticList> {
        do throws(Diagnostic) {
            let map = try YAMLMap(text: text, path: path)
            let (name, _) = try map.requiredString("name")
            var contacts: [Contact] = []
            if let entry = map["contacts"] {
                if let seq = entry.value.sequence {
                    for item in seq {
                        guard let m = item.mapping, let emailNode = m["email"], let email = emailNode.string else {
                            let line = map.line(of: item) ?? entry.line
                            throw Diagnostic(path: path, line: line, message: "each contact needs an `email:`", excerpt: map.excerpt(line))
                        }
                        guard EmailAddress.isPlausible(email) else {
                            let line = map.line(of: emailNode) ?? entry.line
                            throw Diagnostic(path: path, line: line, message: "`\(email)` is not an email address", excerpt: map.excerpt(line))
                        }
                        contacts.append(Contact(name: m["name"]?.string, email: email))
                    }
                } else if entry.value.scalar?.string.isEmpty == false {
                    throw map.problem(entry, "`contacts` is a list of `- name: …` / `email: …` entries")
                }
            }
            var policy = Policy.review
            if let (text, policyEntry) = try map.optionalEntry("policy") {
                guard let p = Policy(rawValue: text) else {
                    throw map.problem(policyEntry, "`policy` is one of review, auto, manual — not `\(text)`")
                }
                policy = p
            }
            let sensitive = try map.optionalBool("sensitive") ?? false
            var file = CustomerFile(slug: slug, name: name, contacts: contacts, policy: policy, sensitive: sensitive,
                extra: YAMLBlocks(text).foreign(excluding: ownedKeys))
            if let (cadence, entry) = try map.optionalEntry("cadence") {
                file.cadence = cadence
                file.cadenceLine = entry.line
            }
            return .success(file)
        } catch {
            return .failure(DiagnosticList([error]))
        }
    }
}

/// A deliberately simple email address check: one `@`, no spaces or line breaks, a dot in
/// the domain. Strict RFC 5322 parsing belongs to the mail layer; this stops typos early.
public enum EmailAddress {
    public static func isPlausible(_ text: String) -> Bool {
        var at = -1, dotAfterAt = false, count = 0, last: UInt8 = 0
        for (i, c) in text.utf8.enumerated() {
            count += 1
            switch c {
            case UInt8(ascii: "@"):
                if at >= 0 || i == 0 { return false }
                at = i
            case UInt8(ascii: "."):
                if at >= 0 {
                    if i == at + 1 { return false }
                    dotAfterAt = true
                }
            case 0...32, 127, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\""):
                return false
            default: break
            }
            last = c
        }
        return at >= 0 && dotAfterAt && last != UInt8(ascii: ".") && at < count - 1
    }
}

/// What the queue and the cadence need of a customer without reading its file again: its
/// name and cadence settings. Kept in the summary cache beside the case summaries.
public struct CustomerSummary: Sendable, Equatable {
    public var name: String
    public var cadence: CustomerCadence

    public init(name: String, cadence: CustomerCadence) {
        self.name = name
        self.cadence = cadence
    }

    public init(_ file: CustomerFile) {
        self.init(name: file.name, cadence: file.cadenceSettings)
    }

    /// `name<TAB>policy<TAB>sensitive<TAB>cadence`, each escaped like a case cache line.
    public var cacheText: String {
        [name, cadence.policy.rawValue, cadence.sensitive ? "1" : "0", cadence.cadence ?? ""].map(CaseSummary.escape).joined(separator: "\t")
    }

    public init?(cacheText text: Substring) {
        let f = text.split(separator: "\t", omittingEmptySubsequences: false).map { CaseSummary.unescape($0) }
        guard f.count == 4, let policy = CustomerFile.Policy(rawValue: f[1]) else { return nil }
        self.init(name: f[0], cadence: CustomerCadence(policy: policy, sensitive: f[2] == "1", cadence: f[3].isEmpty ? nil : f[3]))
    }
}

extension CustomerFile {
    public var cadenceSettings: CustomerCadence { CustomerCadence(policy: policy, sensitive: sensitive, cadence: cadence) }
}
