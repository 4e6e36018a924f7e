import DueTrailCore
import Foundation
import Testing

/// Hostile templates are refused on their raw text, before swift-mustache parses them, each
/// with the file and line; what a template renders to is bounded.
@Suite struct TemplateLimitTests {
    let path = "templates/t.mustache"

    func problem(_ body: String, limits: TemplateLimits = .standard) -> Diagnostic? {
        do {
            _ = try ReminderTemplate(name: "t", text: "Subject: Hello\n\n" + body, path: path, limits: limits)
            return nil
        } catch { return error }
    }

    @Test func deeplyNestedSectionsAreRefusedAtTheLineThatGoesTooDeep() throws {
        let body = (1...600).map { _ in "{{#plural}}" }.joined(separator: "\n") + "x" + String(repeating: "{{/plural}}", count: 600)
        let d = try #require(problem(body))
        #expect(d.path == path && d.line == 11, "\(d)")  // the 9th section, on line 3 + 8
        #expect(d.message.contains("nested more than 8 deep"), "\(d)")
        // Eight deep is fine.
        #expect(problem(String(repeating: "{{#plural}}", count: 8) + "x" + String(repeating: "{{/plural}}", count: 8)) == nil)
    }

    @Test func tooManyTagsAreRefusedAtTheFirstOneOver() throws {
        let d = try #require(problem(String(repeating: "{{company}}\n", count: 2_001)))
        #expect(d.line == 2_003 && d.message.contains("more than 2000 tags"), "\(d)")
        #expect(problem(String(repeating: "{{company}}\n", count: 1_999)) == nil)
    }

    @Test func aTemplateOverTheSizeLimitIsRefusedQuickly() throws {
        let started = Date()
        let d = try #require(problem(String(repeating: "{{company}} ", count: 100_000)))
        #expect(Date().timeIntervalSince(started) < 2, "refused in \(Date().timeIntervalSince(started)) s")
        #expect(d.line == 3 && d.message.contains("a template may be at most 64 KiB"), "\(d)")
    }

    @Test func aListInsideAListIsRefused() throws {
        let body = "{{#invoices}}\n" + String(repeating: "{{#invoices}}", count: 7) + "{{number}}" + String(repeating: "{{/invoices}}", count: 8) + "\n"
        let d = try #require(problem(body))
        #expect(d.line == 4 && d.message.contains("`{{#invoices}}` inside `{{#invoices}}` (line 3)"), "\(d)")
        #expect(problem("{{#others}}{{#invoices}}{{number}}{{/invoices}}{{/others}}\n")?.message.contains("inside `{{#others}}`") == true)
        // One after the other is fine, and so is a plain section inside a list.
        #expect(problem("{{#invoices}}{{number}}{{/invoices}}{{#others}}{{#issued}}{{issued}}{{/issued}}{{/others}}\n") == nil)
    }

    @Test func customDelimitersAreFollowed() throws {
        // Sections opened with `<% %>` count as much as with `{{ }}`.
        let body = "{{=<% %>=}}\n" + String(repeating: "<%#plural%>", count: 9) + "x" + String(repeating: "<%/plural%>", count: 9) + "\n"
        let d = try #require(problem(body))
        #expect(d.line == 4 && d.message.contains("nested more than 8 deep"), "\(d)")
        // A delimiter change inside a section ends with it (as swift-mustache reads it): the
        // `{{#…}}` after it are sections again.
        let scoped = "{{#plural}}{{=<% %>=}}<%/plural%>" + String(repeating: "{{#plural}}", count: 9) + String(repeating: "{{/plural}}", count: 9) + "\n"
        #expect(problem(scoped)?.message.contains("nested more than 8 deep") == true)
    }

    @Test func whatATemplateRendersToIsBounded() throws {
        let template = try ReminderTemplate(name: "t", text: "Subject: Hello\n\n{{#invoices}}" + String(repeating: "x", count: 60_000) + "{{/invoices}}\n", path: path)
        let five = Array(repeating: [String: Any](), count: 5)
        switch template.render(["invoices": five], limits: .standard) {
        case .success(let r): Issue.record("rendered \(r.body.utf8.count) bytes")
        case .failure(let tooLarge): #expect(tooLarge.bytes > 256 * 1024)
        }
        if case .failure = template.render(["invoices": [[String: Any]()]], limits: .standard) { Issue.record("one invoice is within the limit") }
    }
}
