import DueTrailCore
import Foundation
import Testing
import TestSupport

/// Real replies from common mail programs (PyPI's talon, Mailgun's quotation stripper, fetched
/// at test set-up, never committed): the new text DueTrail keeps is what talon's own tests say
/// the customer wrote (its `*_reply_text` file, else "Hello"), less a signature after `-- `.
@Suite struct ReplyCorpusTests {
    static let folder = Binary.packageRoot.appendingPathComponent(".build/corpora/talon-1.4.4/tests/fixtures/standard_replies").path

    @Test func theNewTextOfRealRepliesIsWhatTheCustomerWrote() throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: Self.folder) else {
            Issue.record("the reply corpus is missing: run `DUETRAIL_TEST_DEPS=1 source scripts/ensure-deps.sh` (it fetches it from PyPI)")
            return
        }
        let messages = names.filter { $0.hasSuffix(".eml") }.sorted()
        #expect(messages.count >= 10)
        var wrong: [String] = []
        for name in messages {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + name)))
            let expectedFile = Self.folder + "/" + name.dropLast(4) + "_reply_text"
            var expected = ((try? String(contentsOfFile: expectedFile, encoding: .utf8)) ?? "Hello").trimmingCharacters(in: .whitespacesAndNewlines)
            // talon keeps a signature; DueTrail's summary leaves out what follows `-- `.
            if let signature = expected.range(of: "\n-- \n") { expected = String(expected[..<signature.lowerBound]) }
            guard let message = try? MailMessage.parse(bytes) else {
                wrong.append("\(name): does not parse")
                continue
            }
            let got = ReplyText.new(message.text)
            if got.split(whereSeparator: \.isWhitespace) != expected.split(whereSeparator: \.isWhitespace) {
                wrong.append("\(name): expected `\(expected)`, kept `\(got.prefix(200))`")
            }
        }
        #expect(wrong.isEmpty, "\(messages.count - wrong.count) of \(messages.count) right:\n\(wrong.joined(separator: "\n"))")
    }
}
