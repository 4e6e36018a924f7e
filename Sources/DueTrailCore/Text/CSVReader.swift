/// Reads delimited text (RFC 4180 and what spreadsheets really write): `,` `;` or tab,
/// quoted fields with doubled quotes and line breaks inside, CRLF or LF, a UTF-8 BOM,
/// and Windows-1252 files. Every record keeps the line it starts on, so an import error can
/// name it. Hand-written because import needs line numbers and speed (100,000 rows in a blink)
/// that the listed CSV packages do not give together.
package struct CSVTable: Sendable {
    /// One record: its first line and its fields, decoded to text only when asked for (an
    /// import reads a few columns of 100,000 rows; making every field a String was most of
    /// the cost).
    package struct Record: Sendable {
        package let line: Int
        let storage: Storage
        let first: Int
        package let count: Int

        package var fields: [String] { (0..<count).map(field) }

        /// True when field `i` is absent, empty or only spaces, decided without making text.
        package func isBlank(_ i: Int) -> Bool {
            guard i >= 0 && i < count else { return true }
            return storage.isBlank(first + i)
        }

        /// Field `i` as text ("" past the end).
        package func field(_ i: Int) -> String {
            guard i >= 0 && i < count else { return "" }
            return storage.text(first + i)
        }
    }

    /// The bytes of the file and where each field lies in them (or, for a quoted field with
    /// its quotes undone, in `extra`).
    final class Storage: Sendable {
        let bytes: [UInt8]
        let extra: [UInt8]
        let starts: [Int]
        let ends: [Int]
        let inExtra: [Bool]
        let utf8: Bool

        init(bytes: [UInt8], extra: [UInt8], starts: [Int], ends: [Int], inExtra: [Bool], utf8: Bool) {
            self.bytes = bytes
            self.extra = extra
            self.starts = starts
            self.ends = ends
            self.inExtra = inExtra
            self.utf8 = utf8
        }

        func isBlank(_ k: Int) -> Bool {
            let source = inExtra[k] ? extra : bytes
            for i in starts[k]..<ends[k] where source[i] != 0x20 && source[i] != 0x09 { return false }
            return true
        }

        func text(_ k: Int) -> String {
            let slice = inExtra[k] ? extra[starts[k]..<ends[k]] : bytes[starts[k]..<ends[k]]
            return utf8 ? String(decoding: slice, as: UTF8.self) : Windows1252.decode(Array(slice))
        }
    }

    package let delimiter: UInt8
    package let records: [Record]

    /// The delimiter as text, for showing a row as the file has it.
    package var delimiterText: String { delimiter == 9 ? "\t" : String(UnicodeScalar(delimiter)) }

    package var delimiterName: String {
        switch delimiter {
        case UInt8(ascii: ";"): return "semicolon"
        case UInt8(ascii: "\t"): return "tab"
        default: return "comma"
        }
    }

    /// Parses `bytes`; the delimiter is detected unless given.
    package init(bytes input: [UInt8], delimiter forced: UInt8? = nil) throws(Diagnostic) {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw Diagnostic(path: "", line: 1, message: "the file is UTF-16; save it as UTF-8 (or CSV UTF-8) and import again")
        }
        let utf8 = Self.isValidUTF8(bytes)
        let delimiter = forced ?? Self.detectDelimiter(bytes)
        self.delimiter = delimiter
        var starts: [Int] = [], ends: [Int] = [], inExtra: [Bool] = []
        var extra: [UInt8] = []
        let estimate = bytes.count / 8
        starts.reserveCapacity(estimate)
        ends.reserveCapacity(estimate)
        inExtra.reserveCapacity(estimate)
        var spans: [(line: Int, first: Int, count: Int)] = []
        spans.reserveCapacity(bytes.count / 64)
        var line = 1, recordLine = 1, recordFirst = 0
        var fieldStart = 0
        var quotedField = false  // the current field is being built in `extra`
        var extraStart = 0
        var inQuotes = false
        var quoteOpenedAt = 0
        let n = bytes.count
        func endField(at end: Int) {
            if quotedField {
                starts.append(extraStart)
                ends.append(extra.count)
                inExtra.append(true)
            } else {
                starts.append(fieldStart)
                ends.append(end)
                inExtra.append(false)
            }
            quotedField = false
        }
        func endRecord() {
            let count = starts.count - recordFirst
            // A blank line carries nothing.
            let blank = count == 1 && ends[recordFirst] == starts[recordFirst]
            if !blank { spans.append((recordLine, recordFirst, count)) }
            recordFirst = starts.count
        }
        var i = 0
        while i < n {
            let c = bytes[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < n && bytes[i + 1] == 0x22 {
                        extra.append(0x22)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if c == 0x0A { line += 1 }
                    extra.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case 0x22 where !quotedField && bytes[fieldStart..<i].allSatisfy({ $0 == 0x20 }):
                quotedField = true
                extraStart = extra.count
                inQuotes = true
                quoteOpenedAt = line
            case delimiter:
                endField(at: i)
                fieldStart = i + 1
            case 0x0D, 0x0A:
                endField(at: i)
                if c == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A { i += 1 }
                endRecord()
                line += 1
                recordLine = line
                fieldStart = i + 1
            default:
                if quotedField { extra.append(c) }  // text after a closing quote
            }
            i += 1
        }
        if inQuotes {
            throw Diagnostic(path: "", line: quoteOpenedAt, message: "a quoted field opened on this line is never closed")
        }
        if fieldStart < n || quotedField || starts.count > recordFirst {
            endField(at: n)
            endRecord()
        }
        let storage = Storage(bytes: bytes, extra: extra, starts: starts, ends: ends, inExtra: inExtra, utf8: utf8)
        records = spans.map { Record(line: $0.line, storage: storage, first: $0.first, count: $0.count) }
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// The candidate that splits the first lines into the most, and most consistent, fields.
    static func detectDelimiter(_ bytes: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var counts = [[Int]](repeating: [], count: 3)
        var current = [0, 0, 0]
        var inQuotes = false
        var lines = 0
        for c in bytes.prefix(64 * 1024) {
            if c == 0x22 { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if c == 0x0A {
                if current.contains(where: { $0 > 0 }) {
                    for k in 0..<3 { counts[k].append(current[k]) }
                    lines += 1
                }
                current = [0, 0, 0]
                if lines >= 30 { break }
                continue
            }
            for k in 0..<3 where c == candidates[k] { current[k] += 1 }
        }
        for k in 0..<3 { counts[k].append(current[k]) }
        var best = 0
        var bestScore = -1
        for k in 0..<3 {
            // The most common count across lines, weighted by how often it occurs.
            var histogram: [Int: Int] = [:]
            for v in counts[k] where v > 0 { histogram[v, default: 0] += 1 }
            let score = histogram.map { $0.key * $0.value }.max() ?? 0
            if score > bestScore {
                bestScore = score
                best = k
            }
        }
        return candidates[best]
    }
}
