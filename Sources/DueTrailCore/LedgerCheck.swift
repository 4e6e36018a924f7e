/// Validates a whole ledger's files and collects every problem (never stops at the first).
/// Pure: the caller reads the files (from the working tree or a commit).
public struct LedgerCheck {
    public struct Report: Sendable {
        public var problems: [Diagnostic] = []
        public var cases = 0
        public var customers = 0
        public var events = 0
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
        if let text = files["cadence.yaml"] {
            do { _ = try YAMLMap(text: text, path: "cadence.yaml") } catch { report.problems.append(error) }
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
            case .success:
                customerSlugs.insert(slug)
                report.customers += 1
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
        return report
    }

    static func lineOf(_ prefix: String, in text: String) -> Int? {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix(prefix) {
            return i + 1
        }
        return nil
    }
}
