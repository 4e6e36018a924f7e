import Foundation

/// Safe file names from invoice numbers and customer names. A slug is lower-case ASCII
/// letters, digits and single hyphens, never empty, never `.`/`..`, so nothing built from
/// imported text can point outside the ledger's folders. The real name stays in the file.
package enum Slug {
    package static let maxLength = 64

    /// `2026/118` → `2026-118`, `INV 7` → `inv-7`, `Ü-12` → `u-12`, `../../x` → `x`.
    /// Returns nil when nothing usable is left (e.g. `///`).
    package static func make(_ text: String) -> String? {
        // Folding (Ü → u) only matters beyond ASCII, and Foundation's is slow: skip it for ASCII.
        let folded = text.utf8.allSatisfy({ $0 < 0x80 })
            ? text : text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var out = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            let v = scalar.value
            let isAlnum = (v >= 48 && v <= 57) || (v >= 97 && v <= 122)
            let isUpper = v >= 65 && v <= 90
            if isAlnum || isUpper {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(isUpper ? Unicode.Scalar(UInt8(v + 32)) : scalar)
            } else if scalar == "ß" {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out += "ss"
            } else {
                pendingHyphen = true
            }
            if out.utf8.count >= maxLength { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? nil : out
    }

    /// A slug for `text` that is unique among `taken`: the plain slug when free, otherwise the
    /// slug plus a short hash of the original text, so the choice does not depend on order.
    package static func unique(for text: String, fallbackPrefix: String, isTaken: (String) -> Bool) -> String {
        let base = make(text) ?? "\(fallbackPrefix)-\(StableHash.hex(text, length: 8))"
        if !isTaken(base) { return base }
        let hashed = "\(base)-\(StableHash.hex(text, length: 8))"
        if !isTaken(hashed) { return hashed }
        var n = 2
        while isTaken("\(hashed)-\(n)") { n += 1 }
        return "\(hashed)-\(n)"
    }

    /// True for strings `make` could have produced (used to validate paths read from disk).
    package static func isValid(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, !text.hasPrefix("-"), !text.hasSuffix("-") else { return false }
        return text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == 45 }
    }
}
