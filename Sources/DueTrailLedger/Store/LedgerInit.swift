import DueTrailCore
import Foundation
import GitStore

extension Ledger {
    /// Repository settings that keep the ledger readable by libgit2 1.5 whatever git version
    /// a teammate uses (git ≥ 2.40 may write a skip-hash or split index libgit2 cannot read).
    static let compatibilitySettings: [(String, Bool)] = [
        ("index.skipHash", false), ("core.splitIndex", false), ("feature.manyFiles", false),
    ]

    /// Case files merge by meaning (`duetrail merge-driver`), in `git merge` and `git pull` too.
    package static let mergeAttributes = "# Case and customer files merge by meaning: events united, facts merged one by one (duetrail setup).\ncases/**/*.md merge=duetrail\ncustomers/*.yaml merge=duetrail\n"

    /// Registers `duetrail merge-driver` as the `duetrail` merge driver in this clone's git
    /// config (`merge.duetrail.driver`), so plain git uses it for the files `.gitattributes`
    /// names. `executable` is the path git runs.
    package func installMergeDriver(executable: String) throws(LedgerError) {
        do {
            try repository.setConfig("merge.duetrail.name", "DueTrail: merge case files by meaning")
            // git runs the driver through the shell: the path is single-quoted (a `'` in it as `'\''`).
            let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
            try repository.setConfig("merge.duetrail.driver", "\(quoted) merge-driver %O %A %B %P")
        } catch {
            throw error.context("setting merge.duetrail.driver")
        }
    }

    /// This clone's `merge.duetrail.driver`, as git config holds it (nil when unset).
    package func mergeDriverSetting() throws(LedgerError) -> String? {
        do { return try repository.configString("merge.duetrail.driver") } catch { throw error.context("reading merge.duetrail.driver") }
    }

    /// Commits the case-file line of `.gitattributes` when it is missing; nil when present.
    package func ensureMergeAttributes() throws(LedgerError) -> CommitOutcome? {
        let identity = try identity()
        return try commit(author: identity) { (base: ObjectID?) throws(LedgerError) -> ChangeSet? in
            let tree = try self.tree(ofBase: base)
            let current = try read(".gitattributes", inTree: tree) ?? ""
            let have = Set(current.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            let missing = Self.mergeAttributes.split(separator: "\n").filter { $0.contains("merge=duetrail") && !have.contains(String($0)) }
            if missing.isEmpty { return nil }
            var change = ChangeSet(subject: "setup: case and customer files merge by meaning", trailers: [.action(.setup)])
            change.files[".gitattributes"] = current + (current.isEmpty || current.hasSuffix("\n") ? "" : "\n") + missing.joined(separator: "\n") + "\n"
            return change
        }
    }

    /// The files of a new ledger.
    package static func initialFiles(config: LedgerConfig) throws(LedgerError) -> [String: String] {
        var files: [String: String] = [
            LedgerConfig.fileName: config.render(),
            "cadence.yaml": CadenceBook.defaultText,
            "customers/.gitkeep": "",
            "cases/.gitkeep": "",
            ".gitattributes": mergeAttributes,
        ]
        for template in try ShippedTemplates.all() {
            files["templates/\(template.name)"] = template.text
        }
        return files
    }

    /// Creates a new ledger repository at `path` with one first commit.
    /// `extraFiles` (e.g. customers from an example) are added to that commit.
    @discardableResult
    package static func initialize(
        at path: String, bare: Bool, config: LedgerConfig, author: Identity? = nil, extraFiles: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LedgerError) -> Ledger {
        let folder = try NewLedgerFolder(path)
        var files = try initialFiles(config: config)
        files.merge(extraFiles) { _, new in new }
        do {
            return try create(at: path, bare: bare, config: config, files: files, author: author, environment: environment)
        } catch {
            folder.discard()
            throw error
        }
    }

    private static func create(
        at path: String, bare: Bool, config: LedgerConfig, files: [String: String], author: Identity?, environment: [String: String]
    ) throws(LedgerError) -> Ledger {
        let fm = FileManager.default
        let repo: Repository
        do {
            repo = try Repository.create(at: path, bare: bare)
            for (key, value) in compatibilitySettings { try repo.setConfig(key, value) }
        } catch {
            throw error.context("creating a repository at \(path)")
        }
        let identity: Identity
        if let author { identity = author } else { identity = try Identity.resolve(repo, environment: environment) }
        let now = environment["DUETRAIL_NOW"].flatMap(LedgerClock.parseInstant)
        let clock = LedgerClock(timezone: config.timezone, now: now)
        let ledger = Ledger(repository: repo, config: config, clock: clock, environment: environment)
        var change = ChangeSet(subject: "init: new DueTrail ledger for \(config.company)", trailers: [.action(.initialize)])
        for (p, text) in files { change.files[p] = text }
        if !bare {
            // Write the files first so the working tree holds them; the commit then checks them out as-is.
            for (p, text) in files {
                let url = URL(fileURLWithPath: path).appendingPathComponent(p)
                do {
                    try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(text.utf8).write(to: url)
                } catch {
                    throw LedgerError.io(path: url.path, message: error.localizedDescription)
                }
            }
            do {
                try repo.stage(paths: files.keys.sorted())
                let tree = try repo.writeIndexTree()
                let sig = ledger.signature(identity)
                _ = try repo.commit(tree: tree, onto: try repo.headBranch(), parent: nil, author: sig, committer: sig, message: change.message)
            } catch {
                throw error.context("making the first commit")
            }
            return ledger
        }
        _ = try ledger.commit(author: identity) { _ throws(LedgerError) in change }
        return ledger
    }
}
