/// Validates a whole ledger's files and collects every problem (never stops at the first).
/// Pure: the caller reads the files (from the working tree or a commit).
public struct LedgerCheck {
    public struct Report: Sendable {
        public var problems: [Diagnostic] = []
        public var cases = 0
        public var customers = 0
        public var events = 0
        public var drafts = 0
        /// The cadence, when it reads.
        public var cadence: CadenceBook?
        /// Not wrong, but worth knowing (a customer nobody can be written to).
        public var warnings: [Diagnostic] = []
    }

    /// `files`: ledger-relative path → text, for `duetrail.yaml`, `cadence.yaml`,
    /// `customers/**`, `cases/**`.
    public static func run(files: [String: String]) -> Report {
        var report = Report()
        if let text = files[LedgerConfig.fileName] {
            do { _ = try LedgerConfig.parse(text) } catch { report.problems.append(error) }
        } else {
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
        for path in files.keys.sorted() where path.hasPrefix("customers/") {
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
            switch CustomerFile.parse(files[path] ?? "", path: path, slug: slug) {
            case .success(let customer):
                customerSlugs.insert(slug)
                report.customers += 1
                if let book, let cadence = customer.cadence, book.steps(of: cadence) == nil {
                    report.problems.append(Diagnostic(path: path, line: customer.cadenceLine,
                        message: "cadence `\(cadence)` is not in cadence.yaml (it has: \(book.cadences.map(\.name).joined(separator: ", ")))"))
                }
                if customer.contacts.isEmpty {
                    report.warnings.append(Diagnostic(path: path, message: "no contacts: reminders to this customer cannot be drafted"))
                }
            case .failure(let list): report.problems += list.items
            }
        }
        var numbers: [String: String] = [:]
        for path in files.keys.sorted() where path.hasPrefix("cases/") {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if path == "cases/.gitkeep" { continue }
            guard parts.count == 3, parts[2].hasSuffix(".md") else {
                report.problems.append(Diagnostic(path: path, message: "unexpected file: cases are cases/<customer>/<invoice>.md"))
                continue
            }
            let folder = String(parts[1])
            switch CaseFile.parse(files[path] ?? "", path: path) {
            case .success(let file):
                report.cases += 1
                report.events += file.events.count
                let text = files[path] ?? ""
                if file.facts.customer != folder {
                    report.problems.append(Diagnostic(path: path, line: lineOf("customer:", in: text),
                        message: "the case is in folder `\(folder)` but names customer `\(file.facts.customer)`"))
                }
                if !customerSlugs.contains(file.facts.customer) && files["customers/\(file.facts.customer).yaml"] == nil {
                    report.problems.append(Diagnostic(path: path, line: lineOf("customer:", in: text),
                        message: "no customer file customers/\(file.facts.customer).yaml"))
                }
                if let other = numbers[file.facts.number] {
                    report.problems.append(Diagnostic(path: path, line: lineOf("invoice:", in: text),
                        message: "invoice \(file.facts.number) also has a case in \(other)"))
                } else {
                    numbers[file.facts.number] = path
                }
            case .failure(let list):
                report.problems += list.items
            }
        }
        for path in files.keys.sorted() where path.hasPrefix("outbox/") && path.hasSuffix(".eml") {
            do throws(Diagnostic) {
                _ = try DraftHeaders.parse(files[path] ?? "", path: path).pending(path: path, approved: false)
                report.drafts += 1
            } catch {
                report.problems.append(error)
            }
        }
        return report
    }

    static func lineOf(_ prefix: String, in text: String) -> Int? {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix(prefix) {
            return i + 1
        }
        return nil
    }
}
