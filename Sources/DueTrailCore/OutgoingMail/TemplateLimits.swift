/// How big a reminder template may be, checked on its raw text in one linear pass before
/// swift-mustache sees it. Templates are files anyone with push access can change, and
/// swift-mustache's parser recurses once per nested section (600 nested sections crashed
/// `check` with a stack overflow), costs time per tag in proportion to the text after it
/// (100,000 tags took minutes), and a list section inside a list section repeats every
/// invoice for every invoice (8 deep never finished). So: a size, a tag count and a nesting
/// depth, each a `check` error with the file and line; lists never nest; and a draft is
/// bounded in size (`maxRenderedBytes`) whatever the values.
package struct TemplateLimits: Sendable {
    package var maxBytes = 64 * 1024
    package var maxTags = 2_000
    package var maxDepth = 8
    /// The largest reminder (subject and body) a template may render to.
    package var maxRenderedBytes = 256 * 1024

    package static let standard = TemplateLimits()

    /// A reminder that rendered past `maxRenderedBytes`.
    package struct TooLarge: Error, Sendable {
        package let bytes: Int
    }

    /// Sections that repeat once per item; one inside another multiplies.
    static let lists: Set<String> = ["invoices", "others"]

    private struct Open {
        let name: String
        let line: Int
        let delimiters: (open: [UInt8], close: [UInt8])
    }

    /// Throws the first limit `text` goes over, at its line. Follows delimiter changes
    /// (`{{=<% %>=}}`) as swift-mustache does: they last to the end of the enclosing section.
    package func check(_ text: String, path: String) throws(Diagnostic) {
        let bytes = Array(text.utf8)
        if bytes.count > maxBytes {
            let line = 1 + bytes[..<maxBytes].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            throw Diagnostic(path: path, line: line,
                message: "the template is \(bytes.count / 1024) KiB; a template may be at most \(maxBytes / 1024) KiB",
                hint: "a reminder is a short letter; split the text or shorten it")
        }
        var delimiters = (open: Array("{{".utf8), close: Array("}}".utf8))
        var stack: [Open] = []
        var line = 1, tags = 0, i = 0
        func matches(_ needle: [UInt8], at index: Int) -> Bool {
            guard index + needle.count <= bytes.count else { return false }
            for k in 0..<needle.count where bytes[index + k] != needle[k] { return false }
            return true
        }
        while i < bytes.count {
            if bytes[i] == 10 { line += 1 }
            guard matches(delimiters.open, at: i) else { i += 1; continue }
            let tagLine = line
            let start = i + delimiters.open.count
            var end = start
            while end < bytes.count && !matches(delimiters.close, at: end) {
                if bytes[end] == 10 { line += 1 }
                end += 1
            }
            guard end < bytes.count else { return }  // an unclosed tag: swift-mustache says where
            i = end + delimiters.close.count
            tags += 1
            if tags > maxTags {
                throw Diagnostic(path: path, line: tagLine, message: "more than \(maxTags) tags; a template may have at most \(maxTags)")
            }
            let content = String(decoding: bytes[start..<end], as: UTF8.self).trimmedSpaces
            guard let sigil = content.first else { continue }
            let name = String(content.dropFirst()).trimmedSpaces
            switch sigil {
            case "#", "^", "$", "<":
                if stack.count + 1 > maxDepth {
                    throw Diagnostic(path: path, line: tagLine,
                        message: "sections nested more than \(maxDepth) deep; a template may nest them at most \(maxDepth) deep")
                }
                if Self.lists.contains(name), let outer = stack.last(where: { Self.lists.contains($0.name) }) {
                    throw Diagnostic(path: path, line: tagLine,
                        message: "`{{#\(name)}}` inside `{{#\(outer.name)}}` (line \(outer.line)): a list cannot be nested in a list",
                        hint: "close `{{/\(outer.name)}}` before opening `{{#\(name)}}`")
                }
                stack.append(Open(name: name, line: tagLine, delimiters: delimiters))
            case "/":
                if let closed = stack.popLast() { delimiters = closed.delimiters }
            case "=":
                guard content.hasSuffix("="), content.count >= 2 else { return }
                let parts = content.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 2 else { return }  // a bad change: swift-mustache says where
                delimiters = (Array(parts[0].utf8), Array(parts[1].utf8))
            default:
                continue
            }
        }
    }
}
