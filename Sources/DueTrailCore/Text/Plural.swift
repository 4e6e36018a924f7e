/// Counts in words with the noun's number right: `1 day`, `2 days`.
package enum Plural {
    package static func days(_ n: Int) -> String { count(n, "day") }

    /// `1 file`, `3 files` (nouns whose plural adds an s).
    package static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(abs(n) == 1 ? "" : "s")" }
}
