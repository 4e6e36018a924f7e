import Foundation
import Testing
import TestSupport

/// `portal key` and `portal link`: the key stays with its owner, links name one customer.
@Suite struct PortalLinkCommandTests {
    @Test func aNewKeyIsPrivateAndALinkIsSignedForAnExistingCustomerOnly() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let missing = try sandbox.duetrail(["portal", "link", "acme-gmbh"], in: ledger)
        #expect(missing.status == 1 && missing.stderr.contains("no portal key: create one with `duetrail portal key --new`"), "\(missing)")

        let made = try sandbox.duetrail(["portal", "key", "--new"], in: ledger)
        let keyPath = sandbox.path("home/.config/duetrail/portal.key")
        #expect(made.status == 0 && made.stdout.contains("Made a new portal key in \(keyPath)"), "\(made)")
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let key = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(!made.stdout.contains(key.trimmingCharacters(in: .whitespacesAndNewlines)))
        let again = try sandbox.duetrail(["portal", "key", "--new"], in: ledger)
        #expect(again.status == 1 && again.stderr.contains("a portal key already exists"), "\(again)")

        let link = try sandbox.duetrail(["portal", "link", "acme-gmbh", "--expires", "30d", "--base-url", "https://pay.northwind.example/"], in: ledger)
        #expect(link.status == 0, "\(link)")
        // DUETRAIL_NOW is 2026-11-30T09:00:00Z: thirty days on.
        #expect(link.stdout.hasPrefix("https://pay.northwind.example/p/acme-gmbh.1798621200."), "\(link)")
        #expect(link.stderr.contains("Works until 2026-12-30T09:00:00Z"), "\(link)")
        let unknown = try sandbox.duetrail(["portal", "link", "nobody-ltd"], in: ledger)
        #expect(unknown.status == 1 && unknown.stderr.contains("no customer `nobody-ltd`"), "\(unknown)")
        let badExpiry = try sandbox.duetrail(["portal", "link", "acme-gmbh", "--expires", "soon"], in: ledger)
        #expect(badExpiry.status == 1 && badExpiry.stderr.contains("--expires takes 30d"), "\(badExpiry)")

        // A new key: the same request now makes a different link.
        #expect(try sandbox.duetrail(["portal", "key", "--new", "--force"], in: ledger).status == 0)
        let relinked = try sandbox.duetrail(["portal", "link", "acme-gmbh", "--expires", "30d", "--base-url", "https://pay.northwind.example"], in: ledger)
        #expect(relinked.status == 0 && relinked.stdout != link.stdout, "\(relinked)")
    }
}
