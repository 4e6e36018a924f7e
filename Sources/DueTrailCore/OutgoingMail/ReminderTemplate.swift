import Mustache

/// A reminder template: `templates/<name>.mustache` in the ledger, a `Subject:` line, a blank
/// line, then the plain-text body, in Mustache. Rendered as text, never HTML-escaped
/// ("Harbour & Finch" stays "Harbour & Finch").
package struct ReminderTemplate: Sendable {
    package let name: String
    package let path: String
    let subject: MustacheTemplate
    let body: MustacheTemplate
    /// The variables this template uses (only these are computed for it).
    package let names: Set<String>

    /// Names a template may use, so a typo (`{{contact_nme}}`) is a `check` error instead of
    /// a blank in a customer's email.
    package static let variables: Set<String> = [
        "company", "sender_name", "sender_email", "customer_name", "contact_name", "greeting_name", "invoice_numbers",
        "count", "plural", "total", "max_days_overdue", "earliest_due", "today", "portal_url", "personal_note", "invoices",
        "promised_date", "step_name", "first_reminder", "reminders_sent", "several_reminders", "reminder_dates", "last_reminder_date",
        "others", "has_others", "others_count", "others_total", "total_all",
    ]
    package static let invoiceVariables: Set<String> = [
        "number", "issued", "due", "due_iso", "amount", "balance", "days_overdue", "days_until_due", "overdue", "step", "step_name", "at_step",
    ]

    /// The line a sensitive customer's draft carries until a person writes a personal note;
    /// `approve` refuses a draft that still has it.
    package static let personalNoteMarker = "[PERSONAL NOTE:"

    /// Reads a template; a problem names the file and line.
    package init(name: String, text raw: String, path: String, limits: TemplateLimits = .standard) throws(Diagnostic) {
        // Before swift-mustache sees it: its parser is what a hostile template attacks.
        try limits.check(raw, path: path)
        let text = raw.withLFLineEndings
        self.name = name
        self.path = path
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("Subject:") else {
            throw Diagnostic(path: path, line: 1, message: "a template starts with a `Subject:` line", excerpt: lines.first.map(String.init),
                hint: "write `Subject: …`, a blank line, then the body")
        }
        guard lines.count >= 3, lines[1].trimmedSpaces.isEmpty else {
            throw Diagnostic(path: path, line: 2, message: "the `Subject:` line is followed by a blank line, then the body",
                excerpt: lines.count > 1 ? String(lines[1]) : nil)
        }
        let subjectText = String(first.dropFirst("Subject:".count)).trimmedSpaces
        let bodyText = lines.dropFirst(2).joined(separator: "\n")
        subject = try Self.compile(subjectText, path: path, firstLine: 1, lines: lines)
        body = try Self.compile(bodyText, path: path, firstLine: 3, lines: lines)
        names = try Self.checkNames(lines, path: path)
    }

    static func compile(_ text: String, path: String, firstLine: Int, lines: [Substring]) throws(Diagnostic) -> MustacheTemplate {
        do {
            // The pragma makes every tag plain text; it sits on its own line, which Mustache drops.
            return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}\n" + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = firstLine + error.context.lineNumber - 2
            return try Self.fail(Diagnostic(
                path: path, line: line, column: firstLine == 1 ? nil : error.context.columnNumber,
                message: "template error: \(Self.describe(error.error))", excerpt: line >= 1 && line <= lines.count ? String(lines[line - 1]) : nil))
        } catch {
            return try Self.fail(Diagnostic(path: path, line: firstLine, message: "template error: \(error)"))
        }
    }

    private static func fail(_ d: Diagnostic) throws(Diagnostic) -> MustacheTemplate { throw d }

    static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "a section is closed with a different name than it was opened (`{{#a}}…{{/a}}`)"
        case .unfinishedName?: return "a tag is not closed with `}}`"
        case .expectedSectionEnd?: return "a section `{{#…}}` is never closed with `{{/…}}`"
        case .invalidSetDelimiter?: return "bad delimiter change"
        case .unrecognisedConfigVariable?, .invalidConfigVariableSyntax?: return "unknown `{{% … }}` setting"
        default: return "\(error)"
        }
    }

    /// Every `{{name}}` must be one this tool fills in.
    @discardableResult
    static func checkNames(_ lines: [Substring], path: String) throws(Diagnostic) -> Set<String> {
        let allowed = variables.union(invoiceVariables)
        var used: Set<String> = []
        for (i, line) in lines.enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{") {
                guard let close = rest[open.upperBound...].range(of: "}}") else { break }
                var tag = rest[open.upperBound..<close.lowerBound].trimmedSpaces
                rest = rest[close.upperBound...]
                if tag.hasPrefix("!") || tag.hasPrefix("%") || tag.hasPrefix("=") { continue }
                if let f = tag.first, "#^/&{>".contains(f) { tag = String(tag.dropFirst()).trimmedSpaces }
                if tag.hasSuffix("}") { tag = String(tag.dropLast()) }
                if tag == "." || tag.isEmpty { continue }
                used.insert(tag)
                guard allowed.contains(tag) else {
                    throw Diagnostic(path: path, line: i + 1, message: "unknown template variable `\(tag)`", excerpt: String(line),
                        hint: "templates can use: \(variables.sorted().joined(separator: ", ")); inside {{#invoices}} and {{#others}}: \(invoiceVariables.sorted().joined(separator: ", "))")
                }
            }
        }
        return used
    }

    /// As `render`, or nil when the reminder would be over `limits.maxRenderedBytes` (and
    /// its size): a draft never grows past what a person can review.
    package func render(_ values: [String: Any], limits: TemplateLimits) -> Result<(subject: String, body: String), TemplateLimits.TooLarge> {
        let rendered = render(values)
        let size = rendered.subject.utf8.count + rendered.body.utf8.count
        return size <= limits.maxRenderedBytes ? .success(rendered) : .failure(TemplateLimits.TooLarge(bytes: size))
    }

    /// The subject (one line) and the body (ending in one newline).
    package func render(_ values: [String: Any]) -> (subject: String, body: String) {
        let context = RenderNode(values)
        let subjectText = subject.render(context).split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " ")
        var bodyText = body.render(context)
        while bodyText.hasSuffix("\n\n") { bodyText.removeLast() }
        if !bodyText.hasSuffix("\n") { bodyText += "\n" }
        return (subjectText.trimmedSpaces.replacingAll("  ", with: " "), bodyText)
    }
}

/// The values a template sees, wrapped so swift-mustache finds and prints each one with a
/// single protocol check (a `[String: Any]` costs it several dynamic casts per `{{name}}`,
/// which was most of the time of drafting 5,000 reminders).
final class RenderNode: MustacheParent {
    let values: [String: Any]

    init(_ raw: [String: Any]) {
        var wrapped: [String: Any] = [:]
        wrapped.reserveCapacity(raw.count)
        for (key, value) in raw { wrapped[key] = Self.wrap(value) }
        values = wrapped
    }

    /// Values already wrapped (`RenderText`, `Bool`, nodes): no second dictionary.
    init(wrapped: [String: Any]) { values = wrapped }

    static func wrap(_ value: Any) -> Any {
        switch value {
        case let text as String: return RenderText(text)
        case let nodes as [RenderNode]: return nodes
        case let flag as Bool: return flag
        case let number as Int: return RenderText(String(number))
        case let nested as [String: Any]: return RenderNode(nested)
        case let list as [[String: Any]]: return list.map { RenderNode($0) }
        default: return value
        }
    }

    func child(named name: String) -> Any? { values[name] }
}

/// A value printed as it is (templates are plain text). Inside `{{#issued}}…{{/issued}}` it is
/// the innermost context: as a parent without children it sends each lookup on up the stack at
/// once, where any other value would cost swift-mustache a `Mirror` of it per `{{name}}`.
struct RenderText: MustacheCustomRenderable, MustacheParent {
    let text: String
    init(_ text: String) { self.text = text }
    var renderText: String { text }
    var isNull: Bool { false }
    func child(named name: String) -> Any? { nil }
}
