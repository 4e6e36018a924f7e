/// Validates a whole ledger's files and collects every problem (never stops at the first).
/// Pure: the caller reads the files (from the working tree or a commit).
package struct LedgerCheck {
    package struct Report: Sendable {
        package var problems: [Diagnostic] = []
        package var cases = 0
        package var customers = 0
        package var events = 0
        package var drafts = 0
        /// The cadence, when it reads.
        package var cadence: CadenceBook?
        /// Not wrong, but worth knowing (a customer nobody can be written to).
        package var warnings: [Diagnostic] = []

        package init() {}
    }

    /// What to check: files by ledger-relative path (`duetrail.yaml`, `cadence.yaml`,
    /// `customers/**`, `cases/**`, `outbox/**`), and files known unchanged since they last
    /// read cleanly, with what they said. A known file is not parsed again; `read` gives its
    /// text when a problem needs its lines.
    package struct Input {
        package var files: [String: String]
        package var knownCases: [String: CaseSummary]
        package var knownCustomers: [String: CustomerSummary]
        package var read: (String) -> String?

        package init(
            files: [String: String], knownCases: [String: CaseSummary] = [:], knownCustomers: [String: CustomerSummary] = [:],
            read: @escaping (String) -> String? = { _ in nil }
        ) {
            self.files = files
            self.knownCases = knownCases
            self.knownCustomers = knownCustomers
            self.read = read
        }
    }

    /// `files`: ledger-relative path → text, for `duetrail.yaml`, `cadence.yaml`,
    /// `customers/**`, `cases/**`.
    package static func run(files: [String: String]) -> Report { run(Input(files: files)) }

    package static func run(_ input: Input) -> Report {
        var unmarked = input.files
        var report = Report()
        // A merge left unresolved: said as such, not as the parse errors its markers cause.
        for path in input.files.keys.sorted() {
            guard let markers = conflictMarkers(input.files[path] ?? "", path: path) else { continue }
            report.problems += markers
            unmarked[path] = nil
        }
        let files = unmarked
        if let text = files[LedgerConfig.fileName] {
            do { _ = try LedgerConfig.parse(text) } catch { report.problems.append(error) }
        } else if input.files[LedgerConfig.fileName] == nil {
            report.problems.append(Diagnostic(path: LedgerConfig.fileName, message: "missing: every ledger has a duetrail.yaml"))
        }
        // Templates, then the cadence that names them, then customers that name a cadence.
        var templateNames: Set<String> = []
        for path in files.keys.sorted() where path.hasPrefix("templates/") {
            let name = String(path.dropFirst("templates/".count))
            guard name.hasSuffix(".mustache"), !name.contains("/") else { continue }  // notes, READMEs: not templates
            let template = String(name.dropLast(".mustache".count))
            templateNames.insert(template)
            do { _ = try ReminderTemplate(name: template, text: files[path] ?? "", path: path) } catch { report.problems.append(error) }
        }
        var book: CadenceBook?
        if let text = files[CadenceBook.fileName] {
            do { book = try CadenceBook.parse(text, templates: templateNames) } catch { report.problems.append(error) }
            report.cadence = book
        }
        var customerSlugs: Set<String> = []
        for path in (Array(files.keys) + input.knownCustomers.keys).sorted() where path.hasPrefix("customers/") {
            let name = String(path.dropFirst("customers/".count))
            if name == ".gitkeep" { continue }
            guard name.hasSuffix(".yaml"), !name.contains("/") else {
                report.problems.append(Diagnostic(path: path, message: "unexpected file: customers/ holds <slug>.yaml files only"))
                continue
            }
            let slug = String(name.dropLast(5))
            guard Slug.isValid(slug) else {
                report.problems.append(Diagnostic(path: path, message: "`\(slug)` is not a valid customer slug (lower-case letters, digits, hyphens)"))
                continue
            }
            let customer: (cadence: String?, contacts: Int)
            if let known = input.knownCustomers[path] {
                customer = (known.cadence.cadence, known.contacts.count)
            } else {
                switch CustomerFile.parse(files[path] ?? "", path: path, slug: slug) {
                case .success(let c): customer = (c.cadence, c.contacts.count)
                case .failure(let list):
                    report.problems += list.items
                    continue
                }
            }
            customerSlugs.insert(slug)
            report.customers += 1
            if let book, let cadence = customer.cadence, book.steps(of: cadence) == nil {
                let line = (files[path] ?? input.read(path)).flatMap { try? CustomerFile.parse($0, path: path, slug: slug).get().cadenceLine }
                report.problems.append(Diagnostic(path: path, line: line,
                    message: "cadence `\(cadence)` is not in cadence.yaml (it has: \(book.cadences.map(\.name).joined(separator: ", ")))"))
            }
            if customer.contacts == 0 {
                report.warnings.append(Diagnostic(path: path, message: "no contacts: reminders to this customer cannot be drafted"))
            }
        }
        var numbers: [String: String] = [:]
        let casePaths = (files.keys.filter { $0.hasPrefix("cases/") } + input.knownCases.keys).sorted()
        // Files to parse, on every core when there are many; known ones are taken as read.
        let toParse = casePaths.filter { input.knownCases[$0] == nil && files[$0] != nil }
        let parsedList = Parallel.map(count: toParse.count, minimum: 2000) { i in
            CaseFile.parse(files[toParse[i]] ?? "", path: toParse[i]).map { CaseSummary(path: toParse[i], file: $0) }
        }
        var parsed: [String: Result<CaseSummary, DiagnosticList>] = [:]
        for (i, path) in toParse.enumerated() { parsed[path] = parsedList[i] }
        for path in casePaths {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if path == "cases/.gitkeep" { continue }
            guard parts.count == 3, parts[2].hasSuffix(".md") else {
                report.problems.append(Diagnostic(path: path, message: "unexpected file: cases are cases/<customer>/<invoice>.md"))
                continue
            }
            let folder = String(parts[1])
            let summary: CaseSummary
            if let known = input.knownCases[path] {
                summary = known
            } else {
                switch parsed[path] ?? .failure(DiagnosticList([])) {
                case .success(let s): summary = s
                case .failure(let list):
                    report.problems += list.items
                    continue
                }
            }
            report.cases += 1
            report.events += summary.eventCount
            func line(_ prefix: String) -> Int? { (files[path] ?? input.read(path)).flatMap { lineOf(prefix, in: $0) } }
            if summary.facts.customer != folder {
                report.problems.append(Diagnostic(path: path, line: line("customer:"),
                    message: "the case is in folder `\(folder)` but names customer `\(summary.facts.customer)`"))
            }
            if !customerSlugs.contains(summary.facts.customer) && files["customers/\(summary.facts.customer).yaml"] == nil
                && input.knownCustomers["customers/\(summary.facts.customer).yaml"] == nil
            {
                report.problems.append(Diagnostic(path: path, line: line("customer:"),
                    message: "no customer file customers/\(summary.facts.customer).yaml"))
            }
            if let other = numbers[summary.facts.number] {
                report.problems.append(Diagnostic(path: path, line: line("invoice:"),
                    message: "invoice \(summary.facts.number) also has a case in \(other)"))
            } else {
                numbers[summary.facts.number] = path
            }
        }
        for path in files.keys.sorted() where path.hasPrefix(UnappliedPayment.folder + "/") && path.hasSuffix(".yaml") {
            if case .failure(let list) = UnappliedPayment.parse(files[path] ?? "", path: path) { report.problems += list.items }
        }
        for path in files.keys.sorted() where path.hasPrefix("outbox/") && path.hasSuffix(".eml") {
            // The rules `approve` applies: a draft check passes is one approve accepts.
            let problems = DraftHeaders.problems(approving: files[path] ?? "", path: path, personalNote: false)
            if problems.isEmpty { report.drafts += 1 } else { report.problems += problems }
        }
        return report
    }

    /// The conflict markers a `git merge` left in `text` (`<<<<<<<`, `=======`, `>>>>>>>`
    /// at the start of a line), one problem per conflicted block; nil when there are none.
    static func conflictMarkers(_ text: String, path: String) -> [Diagnostic]? {
        // Bytes first: most files hold no `<` at all, and this runs on every file read.
        var run = 0
        var found = false
        for byte in text.utf8 {
            if byte == 60 {
                run += 1
                if run == 7 { found = true; break }
            } else {
                run = 0
            }
        }
        guard found else { return nil }
        var out: [Diagnostic] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix("<<<<<<<") {
            out.append(Diagnostic(path: path, line: i + 1, message: "a git merge conflict marker: this file was left half-merged", excerpt: String(line),
                hint: "keep the right lines and delete the markers"
                    + (path.hasPrefix("cases/") || path.hasPrefix("customers/") ? " (or settle it with `duetrail sync --take ours|theirs \(path)`)" : "") + ", then commit"))
        }
        return out.isEmpty ? nil : out
    }

    static func lineOf(_ prefix: String, in text: String) -> Int? {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix(prefix) {
            return i + 1
        }
        return nil
    }
}
