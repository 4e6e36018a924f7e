import Foundation

/// MIME header parameters as mail programs write them: quoted values that hold `;`, and
/// RFC 2231's extended values (`filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`) and continuations
/// (`boundary*0="abc"; boundary*1="def"`), joined in order and percent-decoded.
enum MIMEParameters {
    /// `a; b="x;y"; c` → `["a", " b=\"x;y\"", " c"]`: split on `;` outside quotes.
    static func split(_ value: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for c in value {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" && quoted { escaped = true; current.append(c); continue }
            if c == "\"" { quoted.toggle() }
            if c == ";" && !quoted {
                out.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        out.append(current)
        return out.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    static func parse(_ parts: [String]) -> [String: String] {
        var plain: [String: String] = [:]
        // name → [(index, encoded, value)]
        var pieces: [String: [(Int, Bool, String)]] = [:]
        for part in parts {
            guard let eq = part.firstIndex(of: "=") else { continue }
            var key = part[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = part[part.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            guard key.contains("*") else {
                plain[key] = value
                continue
            }
            let encoded = key.hasSuffix("*")
            if encoded { key.removeLast() }
            var index = 0
            if let star = key.lastIndex(of: "*"), let n = Int(key[key.index(after: star)...]) {
                index = n
                key = String(key[..<star])
            }
            pieces[key, default: []].append((index, encoded, value))
        }
        for (key, list) in pieces {
            var charset = "utf-8"
            var text = ""
            for (n, (index, encoded, value)) in list.sorted(by: { $0.0 < $1.0 }).enumerated() {
                var v = value
                if encoded && (n == 0 || index == 0) {
                    // charset'language'value
                    let fields = v.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if fields.count == 3 {
                        charset = fields[0].isEmpty ? "utf-8" : String(fields[0])
                        v = String(fields[2])
                    }
                }
                text += encoded ? percentDecoded(v, charset: charset) : v
            }
            plain[key] = text
        }
        return plain
    }

    static func percentDecoded(_ value: String, charset: String) -> String {
        var bytes: [UInt8] = []
        var chars = Array(value.utf8)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == 37, chars.count >= 2, let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(byte)
                chars = chars.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return Charsets.decode(bytes[...], charset: charset)
    }
}
