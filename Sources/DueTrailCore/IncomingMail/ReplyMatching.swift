import Foundation

/// What the customer wrote in a reply, without the quoted message below it.
package enum ReplyText {
    /// The new text: lines up to the first quote header (`QuoteHeader`: "On … wrote:" in many
    /// languages, wrapped or not, `-----Original Message-----` and its translations, an
    /// Outlook or Gmail header block), without `>` lines or a signature after `-- `.
    package static func new(_ text: String) -> String {
        var kept: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        // A quote header ends the new text once there is some; before that (an answer written
        // below the quote) it is skipped with the quote.
        var hasText: Bool { kept.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }
        var skip = 0
        for (i, raw) in lines.enumerated() {
            if skip > 0 { skip -= 1; continue }
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "--" || raw == "-- " { if hasText { break } else { continue } }
            if let span = QuoteHeader.at(i, in: lines) {
                if hasText { break }
                skip = span - 1
                continue
            }
            if line.hasPrefix(">") { continue }
            kept.append(raw)
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first lines of the new text on one line, for a timeline event.
    package static func summary(_ text: String, lines: Int = 3, characters: Int = 300) -> String {
        let first = new(text).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.prefix(lines)
        let joined = first.joined(separator: " ")
        return joined.count > characters ? String(joined.prefix(characters - 1)) + "…" : joined
    }
}

/// Finds the cases a received message is about: by the sent Message-IDs it answers
/// (In-Reply-To, References), then by an invoice number in its subject, then by its sender
/// when that address belongs to a customer with exactly one open case.
package struct ReplyIndex: Sendable {
    /// How a message was tied to its cases: by its thread, by the returned copy of our own
    /// reminder a bounce carries, by an invoice number in the subject, by its sender, or (a
    /// bounce) by the address that failed.
    package enum Method: String, Sendable { case thread, returned, subject, sender, failedAddress = "failed-address" }

    package struct Match: Sendable, Equatable {
        package let customer: String
        /// Case paths (`cases/acme-gmbh/inv-1042.md`) with their invoice numbers.
        package let cases: [CaseRef]
        package let method: Method

        package init(customer: String, cases: [CaseRef], method: Method) {
            self.customer = customer
            self.cases = cases
            self.method = method
        }
    }

    package struct CaseRef: Sendable, Equatable, Hashable {
        package let number: String
        package let path: String
        package let customer: String
    }

    private var byMessageID: [String: [CaseRef]] = [:]
    private var byNumber: [String: CaseRef] = [:]
    private var openByEmail: [String: [CaseRef]] = [:]
    private var customerByEmail: [String: String] = [:]

    package init(cases: [CaseSummary], customers: [String: CustomerSummary]) {
        var openByCustomer: [String: [CaseRef]] = [:]
        for c in cases {
            let ref = CaseRef(number: c.facts.number, path: c.path, customer: c.facts.customer)
            for id in c.state.messageIDs { byMessageID[id.trimmingCharacters(in: CharacterSet(charactersIn: "<>")), default: []].append(ref) }
            byNumber[c.facts.number.uppercased()] = ref
            if c.state.status == .open { openByCustomer[c.facts.customer, default: []].append(ref) }
        }
        for (slug, customer) in customers {
            for contact in customer.contacts {
                let email = contact.email.lowercased()
                customerByEmail[email] = slug
                openByEmail[email, default: []] += openByCustomer[slug] ?? []
            }
        }
    }

    /// The open cases of the customer an address belongs to (a bounce names the address that
    /// failed); one customer's only, should two share the address.
    package func openCases(email: String) -> [CaseRef] {
        let all = openByEmail[email.lowercased()] ?? []
        guard let owner = customerByEmail[email.lowercased()] else { return all }
        return all.filter { $0.customer == owner }
    }

    /// True for a message we sent ourselves (a Bcc or Sent-folder copy of a reminder).
    package func isOurs(_ message: MailMessage) -> Bool {
        message.messageID.map { byMessageID[$0] != nil } ?? false
    }

    package func match(_ message: MailMessage) -> Match? {
        // A bounce carrying our reminder back: its own Message-ID names the cases exactly.
        if message.isBounce {
            let returned = message.returnedHeaders.value(of: "Message-ID").map(MailMessage.messageIDs(in:)) ?? []
            for id in returned {
                if let refs = byMessageID[id], let first = refs.first {
                    return Match(customer: first.customer, cases: unique(refs), method: .returned)
                }
            }
        }
        for id in message.referencedIDs {
            if let refs = byMessageID[id], let first = refs.first {
                return Match(customer: first.customer, cases: unique(refs), method: .thread)
            }
        }
        // A known sender's subject can only name their own invoices ("PO 1043" from Acme is
        // not someone else's invoice 1043).
        let sender = message.from.flatMap { customerByEmail[$0.email] }
        let found = Self.tokens(message.subject).compactMap { byNumber[$0] }.filter { sender == nil || $0.customer == sender }
        if let first = found.first {
            return Match(customer: first.customer, cases: unique(found.filter { $0.customer == first.customer }), method: .subject)
        }
        if let email = message.from?.email, let open = openByEmail[email], open.count == 1 {
            return Match(customer: open[0].customer, cases: open, method: .sender)
        }
        return nil
    }

    private func unique(_ refs: [CaseRef]) -> [CaseRef] {
        var seen = Set<CaseRef>()
        return refs.filter { seen.insert($0).inserted }
    }

    /// Words of a subject that could be invoice numbers (`INV-1042`, `2026/118`), upper-cased.
    static func tokens(_ subject: String) -> [String] {
        subject.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == "_" || $0 == ".") })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".-/")).uppercased() }
            .filter { !$0.isEmpty }
    }
}
