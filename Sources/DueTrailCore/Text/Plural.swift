/// Counts in words with the noun's number right: `1 day`, `2 days`.
package enum Plural {
    package static func days(_ n: Int) -> String { "\(n) day\(abs(n) == 1 ? "" : "s")" }
}
