import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Customers acting on the portal while the team commits from the command line in the same
/// repository: every promise is recorded once or answered "try again" (503), never a 500, and
/// a working clone is left clean.
@Suite struct PortalConcurrencyTests {
    @Test(arguments: [false, true])
    func portalPromisesBesideCommandLineWritersAreEachRecordedOnce(bare: Bool) async throws {
        let f = try PortalFixture(bare: bare)
        let link = f.link("acme-gmbh")
        // The team's writers: six notes from the command line, started alongside the portal's.
        let binary = Binary.duetrail, ledger = f.ledger, environment = f.sandbox.environment
        let team = Task.detached { () -> [ProcessResult?] in
            let out = Gathered()
            DispatchQueue.concurrentPerform(iterations: 3) { w in
                for i in 0..<2 {
                    out.add(try? ProcessResult.run(binary, ["note", "INV-1093", "team \(w)-\(i)", "--ledger", ledger], cwd: ledger, environment: environment))
                }
            }
            return out.all
        }
        let statuses = try await f.test { client in
            let token = try await PortalFixture.formToken(client, link: link)
            return try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for day in 10..<16 {
                    group.addTask {
                        try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders,
                            body: PortalFixture.form([("token", token), ("invoice", "INV-1042"), ("date", "2026-12-\(day)"), ("note", "promise \(day)")])) { $0.status }
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await s in group { all.append(s) }
                return all
            }
        }
        let notes = await team.value
        #expect(statuses.allSatisfy { $0 == .seeOther || $0 == .serviceUnavailable }, "\(statuses)")
        #expect(statuses.filter { $0 == .seeOther }.count >= 4, "most promises land at once: \(statuses)")
        let file = try f.committedFile("cases/acme-gmbh/inv-1042.md")
        for day in 10..<16 {
            let times = file.components(separatedBy: "· promise \(day) ·").count - 1
            #expect(times <= 1, "promise \(day) recorded \(times) times")
        }
        #expect(file.components(separatedBy: " · promised · ").count - 1 == statuses.filter { $0 == .seeOther }.count)
        #expect(notes.count == 6 && notes.allSatisfy { $0?.status == 0 }, "\(notes.map { $0?.description ?? "did not run" })")
        if !bare {
            #expect(try f.sandbox.git(["status", "--porcelain"], in: f.ledger).stdout.isEmpty)
        }
        #expect(try f.sandbox.git(["--git-dir", f.gitDirectory, "fsck", "--strict"]).status == 0)
    }
}

/// Results gathered from concurrent threads.
private final class Gathered: @unchecked Sendable {
    private var items: [ProcessResult?] = []
    private let lock = NSLock()
    func add(_ r: ProcessResult?) {
        lock.lock()
        items.append(r)
        lock.unlock()
    }
    var all: [ProcessResult?] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
