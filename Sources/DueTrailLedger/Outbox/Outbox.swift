import DueTrailCore
import Foundation
import GitStore

/// The cadence and templates as committed in HEAD: drafting follows what a person committed,
/// never a half-edited working copy.
package struct CadenceSetup: Sendable {
    package let book: CadenceBook
    /// Compiled templates by name (only when asked for; see `cadenceSetup`).
    package let templates: [String: ReminderTemplate]
    /// Templates that do not read (each with file and line); only fatal when a draft needs one.
    package let templateProblems: [Diagnostic]
}

/// One draft in `outbox/`, in HEAD (approved), in the working tree (awaiting review), or both.
package struct OutboxDraft: Sendable {
    package let pending: PendingDraft
    /// The approved bytes (HEAD), when committed.
    package let committed: String?
    /// The bytes on disk, when present.
    package let working: String?
    /// The file on disk differs from the approved bytes (compared byte for byte).
    let workingDiffers: Bool
    /// The file on disk is valid UTF-8 (a draft that is not cannot be approved as text).
    let workingIsUTF8: Bool

    package var path: String { pending.path }
    /// Waiting for a person: new, or edited since it was approved.
    package var awaitingReview: Bool { working != nil && workingDiffers }
}

extension Ledger {
    package static let outboxFolder = "outbox"

    /// `cadence.yaml` and `templates/*.mustache` from `tree` (HEAD). A missing `cadence.yaml`
    /// means the shipped default. Only `draft` needs the templates compiled; every other
    /// command needs just their names, to check the cadence against them.
    package func cadenceSetup(tree: ObjectID?, compilingTemplates: Bool = false) throws(LedgerError) -> CadenceSetup {
        var names: Set<String> = []
        var templates: [String: ReminderTemplate] = [:]
        var problems: [Diagnostic] = []
        var cadenceText = CadenceBook.defaultText
        if let tree {
            do throws(GitError) {
                if let folder = try repository.entry(at: "templates", inTree: tree), folder.kind == .tree {
                    for entry in try repository.treeEntries(folder.id) where entry.kind == .blob && entry.name.hasSuffix(".mustache") {
                        let name = String(entry.name.dropLast(".mustache".count))
                        names.insert(name)
                        guard compilingTemplates else { continue }
                        let text = String(decoding: try repository.readBlob(entry.id), as: UTF8.self)
                        do throws(Diagnostic) {
                            templates[name] = try ReminderTemplate(name: name, text: text, path: "templates/\(entry.name)")
                        } catch {
                            problems.append(error)
                        }
                    }
                }
            } catch {
                throw error.context("reading templates")
            }
            if let text = try read(CadenceBook.fileName, inTree: tree) { cadenceText = text }
        }
        do throws(Diagnostic) {
            return CadenceSetup(book: try CadenceBook.parse(cadenceText, templates: names), templates: templates, templateProblems: problems)
        } catch {
            throw LedgerError.invalid(DiagnosticList([error]))
        }
    }

    /// Every draft in `outbox/`: committed in `tree`, on disk, or both. Drafts whose headers
    /// do not read are returned as problems (file and line), never silently skipped.
    /// `customers` limits the reading to those customers' folders (the queue reads only the
    /// drafts of the rows it shows).
    /// `reviewBranches`: also count drafts proposed on review branches not merged yet
    /// (`draft --branch`) as awaiting review: what the cadence and the queue should see.
    package func outbox(tree: ObjectID?, customers: Set<String>? = nil, reviewBranches: Bool = false) throws(LedgerError) -> (drafts: [OutboxDraft], problems: [Diagnostic]) {
        var committed: [String: (id: ObjectID, bytes: [UInt8])] = [:]
        do throws(GitError) {
            if let tree, let folder = try repository.entry(at: Self.outboxFolder, inTree: tree), folder.kind == .tree {
                for customer in try repository.treeEntries(folder.id) where customer.kind == .tree && customers?.contains(customer.name) != false {
                    for file in try repository.treeEntries(customer.id) where file.kind == .blob && file.name.hasSuffix(".eml") {
                        committed["\(Self.outboxFolder)/\(customer.name)/\(file.name)"] = (file.id, try repository.readBlob(file.id))
                    }
                }
            }
        } catch {
            throw error.context("reading the outbox")
        }
        // The drafts on disk (`outbox/<customer>/<name>.eml`), walked on every core; one the
        // index knows to be the committed blob unchanged is not read again.
        struct OnDisk: Sendable { let path: String; let clean: Bool }
        var onDisk: [OnDisk] = []
        if !repository.isBare {
            // The index (100,000 entries) is read only when there are committed drafts to match.
            let files: [(path: String, cleanID: ObjectID?)] = committed.isEmpty
                ? repository.workingFilePaths(under: [Self.outboxFolder]).map { ($0, nil) }
                : repository.workingFiles(under: [Self.outboxFolder]).map { ($0.path, $0.cleanID) }
            for file in files {
                let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 3, parts[2].hasSuffix(".eml"), customers?.contains(String(parts[1])) != false else { continue }
                onDisk.append(OnDisk(path: file.path, clean: file.cleanID != nil && file.cleanID == committed[file.path]?.id))
            }
        }
        let diskPaths = Set(onDisk.map(\.path))
        let paths = Set(committed.keys).union(diskPaths).sorted()
        let clean = Set(onDisk.filter(\.clean).map(\.path))
        let heads = committed.mapValues(\.bytes)
        let root = self.root
        // Reading the files and their headers: on every core (a morning's outbox may hold 5,000).
        let read = Parallel.map(count: paths.count, minimum: 200) { i -> Result<OutboxDraft, Diagnostic>? in
            let path = paths[i]
            let head = heads[path]
            var disk: [UInt8]?
            if clean.contains(path) {
                disk = head
            } else if diskPaths.contains(path) {
                disk = FileManager.default.contents(atPath: root + "/" + path).map { [UInt8]($0) }
            }
            guard head != nil || disk != nil else { return nil }  // removed between the walk and the read
            let headText = head.map { String(decoding: $0, as: UTF8.self) }
            let diskText = disk.map { String(decoding: $0, as: UTF8.self) }
            do throws(Diagnostic) {
                // The facts come from the approved version when there is one.
                let headers = try DraftHeaders.parse(headText ?? diskText ?? "", path: path)
                let pending = try headers.pending(path: path, approved: head != nil)
                return .success(OutboxDraft(
                    pending: pending, committed: headText, working: diskText, workingDiffers: disk != head,
                    workingIsUTF8: disk.map { String(validating: $0, as: UTF8.self) != nil } ?? true))
            } catch {
                return .failure(error)
            }
        }
        var drafts: [OutboxDraft] = []
        var problems: [Diagnostic] = []
        for result in read {
            switch result {
            case .success(let draft)?: drafts.append(draft)
            case .failure(let problem)?: problems.append(problem)
            case nil: continue
            }
        }
        if reviewBranches, !repository.isBare, let head = try branchTip() {
            // Committed, but only as a review branch's proposal (fast-forwarded, no merge): it
            // awaits review, as it did on the branch, until someone approves it.
            let stuck = stuckProposals(drafts, head: head)
            if !stuck.isEmpty {
                drafts = drafts.map { d in
                    guard stuck[d.path] != nil else { return d }
                    var pending = d.pending
                    pending.approved = false
                    return OutboxDraft(pending: pending, committed: d.committed, working: d.working, workingDiffers: d.workingDiffers, workingIsUTF8: d.workingIsUTF8)
                }
            }
            let proposed = try draftsOnReviewBranches(head: head, known: Set(drafts.map(\.path)))
            drafts += proposed.filter { customers?.contains($0.pending.customer) != false }
        }
        return (drafts, problems)
    }

    /// Of `drafts`, those committed as they stand on disk that reached the main line from a
    /// review branch without a merge commit (so no one approved them), and why, by path:
    /// `approve` approves them again.
    package func stuckProposals(_ drafts: [OutboxDraft], head: ObjectID?) -> [String: String] {
        let committed = drafts.filter { $0.committed != nil && !$0.workingDiffers }.map(\.path)
        guard let head, !committed.isEmpty else { return [:] }
        return unapprovedProposals(committed, head: head)
    }

    /// The cadence engine over `snapshot` and the current outbox.
    package func planner(_ snapshot: LedgerSnapshot, setup: CadenceSetup, outbox: [OutboxDraft]) -> CadencePlanner {
        CadencePlanner(
            book: setup.book, customers: snapshot.customers.mapValues(\.cadence), cases: snapshot.cases,
            pending: outbox.map(\.pending))
    }
}
