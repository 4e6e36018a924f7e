import Foundation

/// The facts of one invoice as the accounting package stated them.
package struct InvoiceFacts: Sendable, Equatable {
    package var number: String
    package var customer: String  // customer slug
    package var issued: CalendarDate?
    package var due: CalendarDate
    package var amount: Money  // invoice total
    package var source: String?
    /// Which of several books of one package the case came from (`import --account uk`):
    /// `source_account:`. A later import of another account leaves the case alone.
    package var account: String?
    package var reference: String?

    package init(
        number: String, customer: String, issued: CalendarDate?, due: CalendarDate, amount: Money, source: String? = nil, account: String? = nil,
        reference: String? = nil
    ) {
        self.number = number
        self.customer = customer
        self.issued = issued
        self.due = due
        self.amount = amount
        self.source = source
        self.account = account
        self.reference = reference
    }
}

/// One case: a Markdown file with YAML front matter (the invoice facts) and a `## Timeline`.
///
/// The tool owns the front-matter keys in `ownedKeys` and the timeline lines; everything else
/// a person writes (other keys, prose above or below the timeline) is kept byte for byte when
/// the tool rewrites the file, and the same state always renders to the same bytes.
package struct CaseFile: Sendable, Equatable {
    package static let ownedKeys: Set<String> = ["invoice", "customer", "issued", "due", "amount", "currency", "source", "source_account", "reference"]
    package static let timelineHeading = "## Timeline"

    package var facts: InvoiceFacts
    /// Front-matter keys the tool does not own, verbatim.
    package var extraFrontMatter: String
    /// Comments above the first front-matter key, verbatim.
    package var leadingFrontMatter: String = ""
    /// Everything between the front matter and `## Timeline` (the title and any prose).
    package var preamble: String
    package var events: [TimelineEvent]
    /// Everything after the timeline list (another `##` section a person added).
    package var postamble: String

    package init(facts: InvoiceFacts, customerName: String, events: [TimelineEvent]) {
        self.facts = facts
        extraFrontMatter = ""
        // A title line: the name without its line breaks, control characters or bidi
        // overrides (the customer file keeps the name exactly).
        let title = String(String.UnicodeScalarView(RecordedText.cleaned(customerName).unicodeScalars.filter { !TerminalText.isHostile($0) || $0 == "\n" }))
        preamble = "# Invoice \(facts.number) — \(title.replacingAll("\n", with: " "))\n"
        self.events = events
        postamble = ""
    }

    package var state: CaseState { CaseState(facts: facts, events: events) }

    /// Adds an event, giving it an id that no other event of this case has.
    package mutating func append(_ event: TimelineEvent) {
        var e = event
        var salt = 0
        let ids = Set(events.map(\.id))
        while ids.contains(e.id) {
            salt += 1
            e.id = e.derivedID(salt: salt)
        }
        events.append(e)
    }

    // MARK: Rendering

    package func render() -> String {
        var out = "---\n" + leadingFrontMatter
        out += "invoice: \(YAMLText.scalar(facts.number))\n"
        out += "customer: \(YAMLText.scalar(facts.customer))\n"
        if let issued = facts.issued { out += "issued: \(issued.iso)\n" }
        out += "due: \(facts.due.iso)\n"
        out += "amount: \(facts.amount.plain)\n"
        out += "currency: \(facts.amount.currency.code)\n"
        if let source = facts.source { out += "source: \(YAMLText.scalar(source))\n" }
        if let account = facts.account { out += "source_account: \(YAMLText.scalar(account))\n" }
        if let reference = facts.reference { out += "reference: \(YAMLText.scalar(reference))\n" }
        out += extraFrontMatter
        out += "---\n\n"
        let pre = preamble.trimmedLines
        if !pre.isEmpty { out += pre + "\n\n" }
        out += Self.timelineHeading + "\n\n"
        for event in events { out += event.line + "\n" }
        let post = postamble.trimmedLines
        if !post.isEmpty { out += "\n" + post + "\n" }
        return RecordedText.withoutRawControls(out)
    }

    // MARK: Parsing

    static let timelineHeadingLowercased = timelineHeading.lowercased()
    /// Attributes that hold an amount in the case's currency.
    static let moneyKeys: [EventAttribute] = [.balance, .was, .amount, .credit, .total]

    /// Reads a case file; every problem is reported with `path:line`.
    package static func parse(_ text: String, path: String) -> Result<CaseFile, DiagnosticList> {
        var problems: [Diagnostic] = []
        let lines = text.fastLines()
        guard lines.first == "---" else {
            return .failure(DiagnosticList([Diagnostic(path: path, line: 1, message: "a case file starts with `---` and YAML front matter", excerpt: lines.first.map(String.init))]))
        }
        guard let close = lines.dropFirst().firstIndex(of: "---") else {
            return .failure(DiagnosticList([Diagnostic(path: path, line: 1, message: "front matter is not closed by a `---` line")]))
        }
        let yamlText = lines[1..<close].joined(separator: "\n") + "\n"
        // Facts that do not read still let the timeline be read, so one pass reports every problem.
        var facts: InvoiceFacts?
        var extra = ""
        var leading = ""
        do {
            let map = try YAMLMap(text: yamlText, path: path, lineOffset: 1)
            switch readFacts(map) {
            case .success(let f): facts = f
            case .failure(let list): problems += list.items
            }
            if map.entries.count == close - 1, map.entries.allSatisfy({ ownedKeys.contains($0.key) }) {
                // One owned `key: value` per line, as the tool writes it: nothing else to keep.
            } else {
                let blocks = YAMLBlocks(yamlText)
                extra = blocks.foreign(excluding: ownedKeys)
                leading = blocks.leading
            }
        } catch {
            problems.append(error)
        }

        // Body: preamble, `## Timeline`, events, postamble.
        var preamble: [Substring] = []
        var postamble: [Substring] = []
        var events: [TimelineEvent] = []
        var section = 0  // 0 before the timeline, 1 in it, 2 after it
        var ids: [String: Int] = [:]
        for index in (close + 1)..<lines.count {
            let line = lines[index]
            let lineNumber = index + 1
            switch section {
            case 0:
                if line.utf8.contains(35), line.trimmedSpaces.lowercased() == Self.timelineHeadingLowercased { section = 1 } else { preamble.append(line) }
            case 1:
                if line.trimmedSpaces.isEmpty { continue }
                if line.hasPrefix("#") { section = 2; postamble.append(line); continue }
                switch TimelineEvent.parse(line) {
                case .success(var event):
                    if let earlier = ids[event.id] {
                        if event.id == event.derivedID(salt: 0) && !line.contains("#") {
                            // Two identical hand-typed lines: keep both, with distinct ids.
                            var salt = 1
                            while ids[event.derivedID(salt: salt)] != nil { salt += 1 }
                            event.id = event.derivedID(salt: salt)
                        } else {
                            problems.append(Diagnostic(path: path, line: lineNumber, message: "event id #\(event.id) is already used on line \(earlier)", excerpt: String(line)))
                            continue
                        }
                    }
                    ids[event.id] = lineNumber
                    if let problem = event.problem {
                        problems.append(Diagnostic(path: path, line: lineNumber, message: problem, excerpt: String(line)))
                        continue
                    }
                    for key in Self.moneyKeys {
                        guard let text = event.attribute(key), let facts else { continue }
                        guard let money = Money(ledgerText: text), money.currency == facts.amount.currency else {
                            problems.append(Diagnostic(path: path, line: lineNumber,
                                message: "`\(key.rawValue): \(text)` must be an amount in the case's currency, like `\(key.rawValue): 120.00 \(facts.amount.currency.code)`",
                                excerpt: String(line)))
                            continue
                        }
                    }
                    events.append(event)
                case .failure(let error):
                    problems.append(Diagnostic(path: path, line: lineNumber, message: describe(error), excerpt: String(line),
                        hint: "a timeline line reads: - 2026-11-29 09:14 · note · what happened · by Your Name"))
                }
            default:
                postamble.append(line)
            }
        }
        if section == 0 {
            problems.append(Diagnostic(path: path, line: lines.count, message: "no `## Timeline` section"))
        }
        problems += Self.reversalProblems(events, lines: ids, path: path, text: lines)
        guard problems.isEmpty, let facts else { return .failure(DiagnosticList(problems)) }
        var file = CaseFile(facts: facts, customerName: "", events: events)
        file.extraFrontMatter = extra
        file.leadingFrontMatter = leading
        file.preamble = preamble.joined(separator: "\n")
        file.postamble = postamble.joined(separator: "\n")
        return .success(file)
    }

    /// A `reversed` event must name an earlier event of this timeline that may be reversed.
    /// Two reversals of one event (two people, merged) are harmless: it is cancelled once.
    static func reversalProblems(_ events: [TimelineEvent], lines: [String: Int], path: String, text: [Substring]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var byID: [String: (index: Int, event: TimelineEvent)] = [:]
        for (i, e) in events.enumerated() { byID[e.id] = (i, e) }
        for (i, e) in events.enumerated() {
            guard let target = e.reverses else { continue }
            let line = lines[e.id]
            let excerpt = line.flatMap { $0 - 1 < text.count ? String(text[$0 - 1]) : nil }
            func problem(_ message: String) { problems.append(Diagnostic(path: path, line: line, message: message, excerpt: excerpt)) }
            guard let found = byID[target], found.index < i else {
                problem("this reversal names #\(target), which is not an earlier event of this case")
                continue
            }
            guard found.event.kind.isReversible else {
                problem("a `\(found.event.kind.wireName)` event cannot be reversed" + (found.event.kind == .sent ? " (what went out went out)" : ""))
                continue
            }
        }
        return problems
    }

    static func describe(_ error: TimelineEvent.ParseError) -> String {
        switch error {
        case .notAListItem: return "a timeline line must start with `- `"
        case .badTimestamp(let t): return "`\(t)` is not a date (YYYY-MM-DD, optionally HH:MM)"
        case .missingKind: return "the event kind is missing (e.g. `note`)"
        case .missingWho: return "who did it is missing (`by NAME`)"
        case .badID(let id): return "`#\(id)` is not an event id (letters, digits, hyphens)"
        }
    }

    /// The invoice facts, or every problem with them (a person fixing a file wants the whole
    /// list at once, not one complaint per `check`).
    static func readFacts(_ map: YAMLMap) -> Result<InvoiceFacts, DiagnosticList> {
        var problems: [Diagnostic] = []
        func read<T>(_ body: () throws(Diagnostic) -> T?) -> T? {
            do { return try body() } catch {
                problems.append(error)
                return nil
            }
        }
        let number = read { () throws(Diagnostic) in try map.requiredString("invoice", wholeLine: 2).0 }
        let customer = read { () throws(Diagnostic) -> String? in
            let (customer, entry) = try map.requiredString("customer", wholeLine: 2)
            guard Slug.isValid(customer) else { throw map.problem(entry, "`customer` must be a customer file's slug (like `acme-gmbh`), not `\(customer)`") }
            return customer
        }
        let due = read { () throws(Diagnostic) -> CalendarDate? in
            let (text, entry) = try map.requiredString("due", wholeLine: 2)
            guard let due = CalendarDate(iso: text) else { throw map.problem(entry, "`due` must be a date YYYY-MM-DD, not `\(text)`") }
            return due
        }
        let issued = read { () throws(Diagnostic) -> CalendarDate?? in
            guard let (text, entry) = try map.optionalEntry("issued") else { return .some(nil) }
            guard let d = CalendarDate(iso: text) else { throw map.problem(entry, "`issued` must be a date YYYY-MM-DD, not `\(text)`") }
            return d
        }
        let currency = read { () throws(Diagnostic) -> Currency? in
            let (text, entry) = try map.requiredString("currency", wholeLine: 2)
            guard let currency = Currency(code: text) else { throw map.problem(entry, "`currency` must be a three-letter code like EUR, not `\(text)`") }
            return currency
        }
        let amount = read { () throws(Diagnostic) -> Decimal? in
            let (text, entry) = try map.requiredString("amount", wholeLine: 2)
            guard let amount = Decimals.parsePlain(text) else { throw map.problem(entry, "`amount` must be a number like 1200.50, not `\(text)`") }
            return amount
        }
        let source = read { () throws(Diagnostic) -> String?? in try map.optionalString("source") }
        let account = read { () throws(Diagnostic) -> String?? in try map.optionalString("source_account") }
        let reference = read { () throws(Diagnostic) -> String?? in try map.optionalString("reference") }
        guard problems.isEmpty, let number, let customer, let due, let issued, let currency, let amount, let source, let account, let reference else {
            return .failure(DiagnosticList(problems))
        }
        return .success(InvoiceFacts(
            number: number, customer: customer, issued: issued, due: due, amount: Money(amount, currency),
            source: source, account: account, reference: reference))
    }
}
