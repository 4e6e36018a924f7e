/// The word a person most likely meant: the nearest by edit distance, when near enough to be
/// a slip (a few characters, at most a third of what was typed).
package enum NearestWord {
    package static func nearest(to typed: String, among words: [String]) -> String? {
        let wanted = Array(typed.lowercased().utf8)
        guard !wanted.isEmpty else { return nil }
        var best: (word: String, distance: Int)?
        for word in words {
            let d = distance(wanted, Array(word.lowercased().utf8))
            if best == nil || d < best!.distance { best = (word, d) }
        }
        guard let best, best.distance <= max(2, wanted.count / 3) else { return nil }
        return best.word
    }

    /// Levenshtein distance over bytes.
    package static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
