import AtomicFiles
import DueTrailCore
import Foundation
import GitStore

/// The last clean `check`, kept with the index checksum it was made for
/// (`.git/duetrail/check`, never committed). When git's index still has that checksum and the
/// working tree matches it file for file (the `git status` test, no hashing), nothing `check`
/// reads has changed, and the report is the same: an unchanged 100,000-case ledger is checked
/// in the time git takes to say it is unchanged. Only reports without problems are kept.
struct CheckStamp {
    /// Bump when what `check` verifies changes; an older stamp is then simply not used.
    /// The cache's own header is part of it: a new cache format or state rule is a new stamp.
    static let header = "duetrail-check 1 \(SummaryCache.header)"

    let indexChecksum: String
    let report: LedgerCheck.Report

    static func url(gitDirectory: String) -> String { gitDirectory + "duetrail/check" }

    static func load(gitDirectory: String) -> CheckStamp? {
        guard let data = FileManager.default.contents(atPath: url(gitDirectory: gitDirectory)) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0] == header, lines[1].hasPrefix("index "), lines[2].hasPrefix("counts ") else { return nil }
        let counts = lines[2].dropFirst(7).split(separator: " ").compactMap { Int($0) }
        guard counts.count == 4 else { return nil }
        var report = LedgerCheck.Report()
        (report.cases, report.customers, report.events, report.drafts) = (counts[0], counts[1], counts[2], counts[3])
        for line in lines.dropFirst(3) where !line.isEmpty {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 3, f[0] == "W" else { return nil }
            report.warnings.append(Diagnostic(path: CaseSummary.unescape(f[1]), message: CaseSummary.unescape(f[2])))
        }
        return CheckStamp(indexChecksum: String(lines[1].dropFirst(6)), report: report)
    }

    func save(gitDirectory: String) {
        var text = Self.header + "\nindex \(indexChecksum)\ncounts \(report.cases) \(report.customers) \(report.events) \(report.drafts)\n"
        for w in report.warnings { text += "W\t\(CaseSummary.escape(w.path))\t\(CaseSummary.escape(w.message))\n" }
        try? FileManager.default.createDirectory(atPath: gitDirectory + "duetrail", withIntermediateDirectories: true)
        try? AtomicFile.write(text.utf8, to: Self.url(gitDirectory: gitDirectory))
    }
}

extension Ledger {
    /// `check`: every problem in the ledger's files as a person sees them. An unchanged
    /// working tree reuses the last clean report (see `CheckStamp`).
    package func check() throws(LedgerError) -> LedgerCheck.Report {
        let gitDirectory = repository.gitDirectory
        let stamp = repository.isBare ? nil : repository.cleanIndexChecksum(folders: Self.checkedFolders, files: Self.checkedFiles)
        if let stamp, let saved = CheckStamp.load(gitDirectory: gitDirectory), saved.indexChecksum == stamp { return saved.report }
        var report = LedgerCheck.run(try checkInput())
        let unmerged: [String]
        do { unmerged = try repository.unmergedPaths() } catch { throw error.context("reading git's index") }
        for path in unmerged {
            report.problems.append(Diagnostic(path: path, message: "unmerged in git's index: a merge stopped on a conflict here and was not finished",
                hint: "resolve the file, then `git add \(path)` and `git commit` (or `git merge --abort` to start again)"))
        }
        // Kept only if nothing moved while it was made.
        if report.problems.isEmpty, let stamp, repository.cleanIndexChecksum(folders: Self.checkedFolders, files: Self.checkedFiles) == stamp {
            CheckStamp(indexChecksum: stamp, report: report).save(gitDirectory: gitDirectory)
        }
        return report
    }
}
