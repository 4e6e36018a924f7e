/// The merge by meaning of one ledger file, chosen by its path: a case file
/// (`cases/<customer>/<invoice>.md`) or a customer file (`customers/<slug>.yaml`). Shared by
/// `sync` and the merge driver plain git runs, so both merge the same way.
package enum LedgerFileMerge {
    package enum Outcome: Sendable, Equatable {
        case merged(String)
        /// Conflicts that remain (none were settled).
        case conflicts([CaseMerge.Conflict])
        /// Merged by keeping `settle`'s side where the two disagreed: these were the conflicts.
        case settled(String, [CaseMerge.Conflict])
        /// Not a file merged by meaning: merge it as text.
        case notLedgerFile
    }

    package static func isCaseFile(_ path: String) -> Bool {
        path.hasPrefix("cases/") && path.hasSuffix(".md") && path.split(separator: "/").count >= 3
    }

    /// The customer's slug when `path` is a customer file.
    package static func customerSlug(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count == 2, parts[0] == "customers", parts[1].hasSuffix(".yaml") else { return nil }
        return String(parts[1].dropLast(5))
    }

    /// `base` nil: the file is new on both sides. A side that does not parse is a conflict
    /// naming the side and the first problem.
    package static func merge(path: String, base: String?, ours: String, theirs: String, settle: CaseMerge.Side? = nil) -> Outcome {
        if isCaseFile(path) {
            return run(path, base, ours, theirs, parse: { CaseFile.parse($0, path: path) }) { b, o, t, s in
                switch CaseMerge.merge(base: b, ours: o, theirs: t, path: path, settle: s) {
                case .merged(let f): return .success(f.render())
                case .conflicts(let c): return .failure(Conflicts(list: c))
                }
            } settle: { settle }
        }
        if let slug = customerSlug(path) {
            return run(path, base, ours, theirs, parse: { CustomerFile.parse($0, path: path, slug: slug) }) { b, o, t, s in
                switch CustomerMerge.merge(base: b, ours: o, theirs: t, path: path, settle: s) {
                case .merged(let f): return .success(f.render())
                case .conflicts(let c): return .failure(Conflicts(list: c))
                }
            } settle: { settle }
        }
        return .notLedgerFile
    }

    private struct Conflicts: Error { let list: [CaseMerge.Conflict] }

    private static func run<F>(
        _ path: String, _ base: String?, _ ours: String, _ theirs: String, parse: (String) -> Result<F, DiagnosticList>,
        merge: (F?, F, F, CaseMerge.Side?) -> Result<String, Conflicts>, settle: () -> CaseMerge.Side?
    ) -> Outcome {
        func read(_ text: String, _ side: String) -> Result<F, CaseMerge.Conflict> {
            parse(text).mapError { problems in
                let first = problems.description.split(separator: "\n").first.map(String.init) ?? "unreadable"
                return CaseMerge.Conflict(path: path, what: "the whole file (the \(side) version does not read: \(first))", ours: "(changed)", theirs: "(changed)")
            }
        }
        let b: F?
        let o: F, t: F
        do throws(CaseMerge.Conflict) {
            b = try base.map { (text: String) throws(CaseMerge.Conflict) in try read(text, "common").get() }
            o = try read(ours, "our").get()
            t = try read(theirs, "their").get()
        } catch {
            // A side that does not read can still be settled by keeping one side whole.
            if let side = settle() { return .settled(side == .ours ? ours : theirs, [error]) }
            return .conflicts([error])
        }
        switch merge(b, o, t, nil) {
        case .success(let text): return .merged(text)
        case .failure(let conflicts):
            guard let side = settle(), case .success(let text) = merge(b, o, t, side) else { return .conflicts(conflicts.list) }
            return .settled(text, conflicts.list)
        }
    }
}

/// A file that cannot be merged stops its merge like any conflict.
extension CaseMerge.Conflict: Error {}
