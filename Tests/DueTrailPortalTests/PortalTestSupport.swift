import DueTrailCore
import DueTrailPortal
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport

/// A portal over the example ledger, driven through Hummingbird's router test client.
final class PortalFixture: @unchecked Sendable {
    let sandbox: Sandbox
    let ledger: String
    let key = PortalKey.generate().key
    /// DUETRAIL_NOW in every sandbox.
    let now = Date(timeIntervalSince1970: 1_796_029_200)
    let log = LogCapture()

    init(bare: Bool = false) throws {
        sandbox = try Sandbox()
        let working = try sandbox.exampleLedger()
        if bare {
            ledger = sandbox.path("ledger.git")
            try sandbox.git(["clone", "-q", "--bare", working, ledger])
        } else {
            ledger = working
        }
    }

    func link(_ customer: String, validFor seconds: TimeInterval = 30 * 86_400) -> String {
        PortalLink.token(customer: customer, expires: now.addingTimeInterval(seconds), key: key)
    }

    func configuration(_ change: (inout PortalConfiguration) -> Void = { _ in }) -> PortalConfiguration {
        var c = PortalConfiguration(ledgerPath: ledger, key: key, environment: sandbox.environment)
        change(&c)
        return c
    }

    /// Runs `body` against a router over this ledger.
    @discardableResult
    func test<Value: Sendable>(
        _ change: (inout PortalConfiguration) -> Void = { _ in }, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let logger = Logger(label: "portal-test") { _ in CapturingLogHandler(capture: self.log) }
        let app = Application(router: PortalServer.router(configuration(change)), logger: logger)
        return try await app.test(.router, body)
    }

    /// The form token on a page (as a browser would submit it).
    static func formToken(in html: String) -> String? {
        guard let start = html.range(of: #"name="token" value=""#) else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Opens the page of `link` and returns its form token.
    static func formToken(_ client: any TestClientProtocol, link: String) async throws -> String {
        let page = try await client.execute(uri: "/p/\(link)", method: .get)
        guard page.status == .ok, let token = formToken(in: String(buffer: page.body)) else {
            throw FixtureError("no form on the page of \(link): \(page.status)")
        }
        return token
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ByteBuffer(string: body)
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// `git log -1` of the ledger: author, email and message.
    func lastCommit() throws -> String {
        try sandbox.git(["--git-dir", gitDirectory, "log", "-1", "--format=%an <%ae>%n%B"]).stdout
    }

    func commitCount() throws -> Int {
        Int(try sandbox.git(["--git-dir", gitDirectory, "rev-list", "--count", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func committedFile(_ path: String) throws -> String {
        try sandbox.git(["--git-dir", gitDirectory, "show", "HEAD:\(path)"]).stdout
    }

    var gitDirectory: String { ledger.hasSuffix(".git") ? ledger : ledger + "/.git" }
}

/// Every log line the portal wrote, with its metadata, for checking that no secret is in one.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = metadata.merging(extra ?? [:]) { _, new in new }
        capture.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}
