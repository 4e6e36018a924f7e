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
        var committed: [String: [UInt8]] = [:]
        do throws(GitError) {
            if let tree, let folder = try repository.entry(at: Self.outboxFolder, inTree: tree), folder.kind == .tree {
                for customer in try repository.treeEntries(folder.id) where customer.kind == .tree && customers?.contains(customer.name) != false {
                    for file in try repository.treeEntries(customer.id) where file.kind == .blob && file.name.hasSuffix(".eml") {
                        committed["\(Self.outboxFolder)/\(customer.name)/\(file.name)"] = try repository.readBlob(file.id)
                    }
                }
            }
        } catch {
            throw error.context("reading the outbox")
        }
        var working: [String: [UInt8]] = [:]
        if !repository.isBare {
            let fm = FileManager.default
            let base = root + "/" + Self.outboxFolder
            for customer in (try? fm.contentsOfDirectory(atPath: base)) ?? [] where customers?.contains(customer) != false {
                for file in (try? fm.contentsOfDirectory(atPath: base + "/" + customer)) ?? [] where file.hasSuffix(".eml") {
                    let path = "\(Self.outboxFolder)/\(customer)/\(file)"
                    if let data = fm.contents(atPath: root + "/" + path) { working[path] = [UInt8](data) }
                }
            }
        }
        var drafts: [OutboxDraft] = []
        var problems: [Diagnostic] = []
        for path in Set(committed.keys).union(working.keys).sorted() {
            let head = committed[path].map { String(decoding: $0, as: UTF8.self) }
            let disk = working[path].map { String(decoding: $0, as: UTF8.self) }
            do throws(Diagnostic) {
                // The facts come from the approved version when there is one.
                let headers = try DraftHeaders.parse(head ?? disk ?? "", path: path)
                let pending = try headers.pending(path: path, approved: committed[path] != nil)
                drafts.append(OutboxDraft(
                    pending: pending, committed: head, working: disk, workingDiffers: working[path] != committed[path],
                    workingIsUTF8: working[path].map { String(validating: $0, as: UTF8.self) != nil } ?? true))
            } catch {
                problems.append(error)
            }
        }
        if reviewBranches, !repository.isBare, let head = try branchTip() {
            let proposed = try draftsOnReviewBranches(head: head, known: Set(drafts.map(\.path)))
            drafts += proposed.filter { customers?.contains($0.pending.customer) != false }
        }
        return (drafts, problems)
    }

    /// The cadence engine over `snapshot` and the current outbox.
    package func planner(_ snapshot: LedgerSnapshot, setup: CadenceSetup, outbox: [OutboxDraft]) -> CadencePlanner {
        CadencePlanner(
            book: setup.book, customers: snapshot.customers.mapValues(\.cadence), cases: snapshot.cases,
            pending: outbox.map(\.pending))
    }
}
