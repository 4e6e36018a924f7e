import DueTrailCore
import GitStore

/// Payments an import could not apply, as committed under `unapplied/`, and applying one.
extension Ledger {
    /// Every unapplied payment at HEAD, oldest import first; files that do not read are
    /// returned as problems, never dropped.
    package func unappliedPayments() throws(LedgerError) -> (payments: [UnappliedPayment], problems: [Diagnostic]) {
        let tree = try headTree()
        var payments: [UnappliedPayment] = []
        var problems: [Diagnostic] = []
        do throws(GitError) {
            guard let folder = try repository.entry(at: UnappliedPayment.folder, inTree: tree), folder.kind == .tree else { return ([], []) }
            for entry in try repository.treeEntries(folder.id) where entry.kind == .blob && entry.name.hasSuffix(".yaml") {
                let path = "\(UnappliedPayment.folder)/\(entry.name)"
                switch UnappliedPayment.parse(String(decoding: try repository.readBlob(entry.id), as: UTF8.self), path: path) {
                case .success(let p): payments.append(p)
                case .failure(let list): problems += list.items
                }
            }
        } catch {
            throw error.context("reading \(UnappliedPayment.folder)/")
        }
        payments.sort { ($0.imported, $0.source, $0.line, $0.id) < ($1.imported, $1.source, $1.line, $1.id) }
        return (payments, problems)
    }

    /// The unapplied payment `id` names (or a unique prefix of it).
    package func unappliedPayment(_ id: String) throws(LedgerError) -> UnappliedPayment {
        switch IDLookup.find(id, in: try unappliedPayments().payments, id: \.id) {
        case .success(let found): return found
        case .failure(.none): throw LedgerError.notFound("no unapplied payment `\(id)`; `duetrail unapplied` lists them")
        case .failure(.several(let ids)): throw LedgerError.badRequest("`\(id)` matches several unapplied payments: " + ids.joined(separator: ", "))
        }
    }
}
