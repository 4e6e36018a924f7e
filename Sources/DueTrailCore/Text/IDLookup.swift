/// Finding one item by the id a person typed: the exact id, or the only id it starts (at
/// least four characters), case-insensitively. What `reverse` (event ids), `pay
/// --from-unapplied` and `inbox assign` (message names) share.
package enum IDLookup {
    package enum Miss: Error, Sendable {
        case none
        /// The ids it starts, when more than one.
        case several([String])
    }

    package static func find<T>(_ key: String, in items: [T], id: (T) -> String) -> Result<T, Miss> {
        let wanted = key.lowercased()
        if let exact = items.first(where: { id($0).lowercased() == wanted }) { return .success(exact) }
        guard wanted.count >= 4 else { return .failure(.none) }
        let started = items.filter { id($0).lowercased().hasPrefix(wanted) }
        switch started.count {
        case 0: return .failure(.none)
        case 1: return .success(started[0])
        default: return .failure(.several(started.map(id)))
        }
    }
}
