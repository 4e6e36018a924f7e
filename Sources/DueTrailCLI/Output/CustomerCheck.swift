import DueTrailCore
import DueTrailLedger

/// A customer named on the command line (`queue --customer`) that the ledger does not have is
/// an error suggesting the nearest slug, not an empty list.
enum CustomerCheck {
    static func require(_ key: String?, in snapshot: LedgerSnapshot) throws {
        guard let key else { return }
        let names = snapshot.customerNames
        if CustomerLookup.slug(for: key, names: names) != nil { return }
        // Cases may name a customer whose file is missing (a hand edit): those still count.
        if snapshot.cases.contains(where: { $0.facts.customer == key.lowercased() }) { return }
        try guarded { throw CLIError(CustomerLookup.unknown(key, names: names)) }
    }
}
