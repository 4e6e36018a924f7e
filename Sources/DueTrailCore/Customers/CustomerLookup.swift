import Foundation

/// Finding a customer a person named: by slug or by name, and when neither matches, the
/// nearest slug to suggest (`st-columbas-hospice` → `st-columba-s-hospice`).
package enum CustomerLookup {
    /// The slug `key` names among `names` (slug → name): the slug itself, the customer's
    /// name, or the slug the name makes; nil when none.
    package static func slug(for key: String, names: [String: String]) -> String? {
        let lowered = key.lowercased()
        if names[lowered] != nil { return lowered }
        if let byName = names.first(where: { $0.value.lowercased() == lowered })?.key { return byName }
        if let made = Slug.make(key), names[made] != nil { return made }
        return nil
    }

    /// The slug nearest to `key` (by edit distance, on the slug and on the name's slug), when
    /// near enough to be a slip; ties go to the first in order.
    package static func nearest(to key: String, names: [String: String]) -> String? {
        let typed = Slug.make(key) ?? key.lowercased()
        // Each slug, and the slug its name makes (a name typed as a slug), lead to the slug.
        var via: [String: String] = [:]
        for slug in names.keys.sorted().reversed() {
            if let name = names[slug], let made = Slug.make(name) { via[made] = slug }
            via[slug] = slug
        }
        return NearestWord.nearest(to: typed, among: via.keys.sorted()).flatMap { via[$0] }
    }

    /// `no customer `x`; did you mean `y` (Y Ltd)?`, or, with nothing near, where to look.
    package static func unknown(_ key: String, names: [String: String]) -> String {
        if let near = nearest(to: key, names: names) {
            return "no customer `\(key)`; did you mean `\(near)`" + (names[near].map { " (\($0))" } ?? "") + "?"
        }
        if names.isEmpty { return "no customer `\(key)`: this ledger has no customers yet" }
        return "no customer `\(key)` (give the slug as in customers/<slug>.yaml, or the name; `ls customers/` lists them)"
    }
}
