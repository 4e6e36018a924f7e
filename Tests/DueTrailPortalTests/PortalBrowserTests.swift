import Foundation
import Testing
import TestSupport

/// `duetrail portal serve` as a customer meets it: a real headless Chromium opens a link,
/// records a promise and (by keyboard alone) a dispute; the commits are checked with the git
/// CLI. Screenshots are kept in `.build/test-artifacts/portal/` (or $DUETRAIL_TEST_ARTIFACTS).
@Suite struct PortalBrowserTests {
    @Test func aCustomerPromisesAndDisputesInARealBrowser() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        #expect(try sandbox.duetrail(["portal", "key", "--new"], in: ledger).status == 0)
        // Part of a balance promised on the phone: the longest status the page shows.
        #expect(try sandbox.duetrail(["promise", "INV-1008", "--date", "2026-12-30", "--amount", "1234.56"], in: ledger).status == 0)
        let link = try sandbox.duetrail(["portal", "link", "delta-foods", "--expires", "7d"], in: ledger)
        let token = try #require(link.stdout.split(separator: "/").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let server = try PortalTestServer(sandbox: sandbox, ledger: ledger)
        defer { server.stop() }

        let artifacts = ProcessInfo.processInfo.environment["DUETRAIL_TEST_ARTIFACTS"].map { $0 + "/portal" }
            ?? Binary.packageRoot.appendingPathComponent(".build/test-artifacts/portal").path
        try? FileManager.default.removeItem(atPath: artifacts)
        let reason = "The delivery was short by two pallets."
        let run = try ProcessResult.run(
            "/usr/bin/python3", [Binary.fixture("portal_browser.py"), "http://127.0.0.1:\(server.port)/p/\(token)", artifacts, "INV-1047", "2026-12-15", "INV-1061", reason],
            cwd: sandbox.root.path, environment: sandbox.environment)
        #expect(run.status == 0, "\(run)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")

        #expect(json["heading"] as? String == "Your account: Delta Foods Ltd")
        #expect(json["invoices"] as? [String] == ["INV-1008", "INV-1047", "INV-1061", "INV-1104"])
        #expect(json["button_colour"] as? String == "rgb(10, 79, 168)", "the stylesheet loads under the page's CSP")
        #expect((json["after_promise_notice"] as? String)?.contains("Your payment date is recorded") == true, "\(json)")
        #expect(json["promise_status"] as? String == "INV-1047Payment promised by 15 December 2026")
        // Reached by Tab alone, in reading order, each field once it has a label.
        let order = json["tab_order"] as? [String] ?? []
        let fields = order.filter { $0.contains("-") }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(fields == ["promise-invoice", "promise-date", "promise-amount", "promise-note", "dispute-invoice", "dispute-reason"], "\(order)")
        #expect(json["submit_focused"] as? String == "Send my dispute")
        #expect((json["after_dispute_notice"] as? String)?.contains("Your dispute is recorded") == true, "\(json)")
        #expect(json["phone_scroll_width"] as? Int == 390, "nothing wider than a phone's screen")
        #expect((json["phone_statuses"] as? [String])?.contains("Payment of EUR 1,234.56 promised by 30 December 2026") == true, "\(json)")
        #expect((json["phone_overflowing_cells"] as? [String]) == [], "every label fits a 390 px screen: \(json)")
        #expect((json["console_errors"] as? [String])?.isEmpty == true, "\(json)")
        for shot in ["portal-desktop.png", "portal-confirmation.png", "portal-phone.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: artifacts + "/" + shot)[.size] as? Int) ?? 0
            #expect(size > 10_000, "\(shot) kept as an artifact")
        }

        // What the browser did is two ordinary commits by the customer.
        let log = try sandbox.git(["log", "-2", "--format=%an <%ae>|%s|%(trailers:key=Via,valueonly)"], in: ledger).stdout
        #expect(log == """
            Delta Foods Ltd <no-reply@northwind-studio.example>|dispute: INV-1061|portal

            Delta Foods Ltd <no-reply@northwind-studio.example>|promise: INV-1047 by 2026-12-15|portal


            """, "\(log)")
        #expect(try sandbox.git(["show", "HEAD:cases/delta-foods/inv-1061.md"], in: ledger).stdout.contains("· disputed · via: portal · \(reason) · by Delta Foods Ltd"))
        #expect(try sandbox.git(["status", "--porcelain"], in: ledger).stdout.isEmpty)
        server.stop()
        let signature = String(token.split(separator: ".").last ?? "")
        #expect(!server.log().contains(signature), "the server's log holds no link signature")
        #expect(server.log().contains("recorded dispute of INV-1061"))
    }
}

/// `duetrail portal serve --listen 127.0.0.1:0`, started for one test: the port is read from
/// its first line; stopped with SIGTERM (a clean shutdown).
final class PortalTestServer {
    let port: Int
    private let process = Process()
    private let logPath: String

    init(sandbox: Sandbox, ledger: String, arguments: [String] = []) throws {
        logPath = sandbox.path("portal.log")
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Binary.duetrail)
        process.arguments = ["portal", "serve", "--ledger", ledger, "--listen", "127.0.0.1:0"] + arguments
        process.environment = sandbox.environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = firstLine(of: output)
        guard let range = text.range(of: "listening on http://127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            process.terminate()
            throw FixtureError("the portal did not start: \(text)")
        }
        self.port = port
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit { stop() }
}
