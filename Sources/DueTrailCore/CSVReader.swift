/// Reads delimited text (RFC 4180 and what spreadsheets really write): `,` `;` or tab,
/// quoted fields with doubled quotes and line breaks inside, CRLF or LF, a UTF-8 BOM,
/// and Windows-1252 files. Every record keeps the line it starts on, so an import error can
/// name it. Hand-written because import needs line numbers and speed (100,000 rows in a blink)
/// that the listed CSV packages do not give together.
public struct CSVTable: Sendable {
    public struct Record: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let delimiter: UInt8
    public let records: [Record]

    public var delimiterName: String {
        switch delimiter {
        case UInt8(ascii: ";"): return "semicolon"
        case UInt8(ascii: "\t"): return "tab"
        default: return "comma"
        }
    }

    /// Parses `bytes`; the delimiter is detected unless given.
    public init(bytes input: [UInt8], delimiter forced: UInt8? = nil) throws(Diagnostic) {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw Diagnostic(path: "", line: 1, message: "the file is UTF-16; save it as UTF-8 (or CSV UTF-8) and import again")
        }
        let utf8 = Self.isValidUTF8(bytes)
        let delimiter = forced ?? Self.detectDelimiter(bytes)
        self.delimiter = delimiter
        var records: [Record] = []
        records.reserveCapacity(bytes.count / 64)
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        let n = bytes.count
        var inQuotes = false
        var quoteOpenedAt = 0
        func text(_ f: [UInt8]) -> String {
            utf8 ? String(decoding: f, as: UTF8.self) : Windows1252.decode(f)
        }
        while i < n {
            let c = bytes[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < n && bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case 0x22 where field.allSatisfy({ $0 == 0x20 }):
                field.removeAll(keepingCapacity: true)
                inQuotes = true
                quoteOpenedAt = line
            case delimiter:
                fields.append(text(field))
                field.removeAll(keepingCapacity: true)
            case 0x0D, 0x0A:
                if c == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A { i += 1 }
                fields.append(text(field))
                field.removeAll(keepingCapacity: true)
                records.append(Record(line: recordLine, fields: fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            default:
                field.append(c)
            }
            i += 1
        }
        if inQuotes {
            throw Diagnostic(path: "", line: quoteOpenedAt, message: "a quoted field opened on this line is never closed")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(text(field))
            records.append(Record(line: recordLine, fields: fields))
        }
        // Blank lines carry nothing.
        self.records = records.filter { !($0.fields.count == 1 && $0.fields[0].isEmpty) }
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

/// Windows-1252, what Excel on Windows writes when a sheet is not saved as UTF-8.
enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: [UInt8]) -> String {
        var out = String.UnicodeScalarView()
        for b in bytes {
            let v: UInt32 = (b >= 0x80 && b < 0xA0) ? high[Int(b - 0x80)] : UInt32(b)
            out.append(Unicode.Scalar(v) ?? "?")
        }
        return String(out)
    }
}
