import DueTrailCore
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

    @Test func remindersCarryEachCustomersSignedLinkWhenTheBaseURLIsSet() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        var config = try sandbox.read("ledger/duetrail.yaml")
        config += "portal:\n  base_url: https://pay.northwind.example/\n  link_days: 14\n"
        try sandbox.write("ledger/duetrail.yaml", config)
        try sandbox.git(["commit", "-qam", "portal"], in: ledger)

        // The link needs the key: without it, nothing is drafted and the message says why.
        let keyless = try sandbox.duetrail(["draft"], in: ledger)
        #expect(keyless.status == 1 && keyless.stderr.contains("sets portal.base_url, so reminders carry a portal link, but no portal key"), "\(keyless)")
        #expect(try sandbox.git(["status", "--porcelain"], in: ledger).stdout.isEmpty)

        #expect(try sandbox.duetrail(["portal", "key", "--new"], in: ledger).status == 0)
        let drafted = try sandbox.duetrail(["draft"], in: ledger)
        #expect(drafted.status == 0, "\(drafted)")
        let draft = try sandbox.read("ledger/outbox/delta-foods/2026-11-30-statement.eml")
        // Europe/Dublin: 14 days from 30 November runs to midnight after 13 December.
        let prefix = "https://pay.northwind.example/p/delta-foods.1797206400."
        let found = try #require(draft.split(separator: "\n").first { $0.contains(prefix) }, "\(draft)")
        let line = found[try #require(found.range(of: prefix)).lowerBound...]
        let keyText = try String(contentsOfFile: sandbox.path("home/.config/duetrail/portal.key"), encoding: .utf8)
        let key = try #require(PortalKey(text: keyText))
        let token = String(line.dropFirst("https://pay.northwind.example/p/".count))
        #expect(try PortalLink.verify(token, key: key, now: Date(timeIntervalSince1970: 1_796_029_200)) == "delta-foods")

        // More than one customer: one link a line, or a JSON array.
        let links = try sandbox.duetrail(["portal", "link", "acme-gmbh", "delta-foods", "--json"], in: ledger)
        let parsed = try JSONSerialization.jsonObject(with: Data(links.stdout.utf8)) as? [[String: String]]
        #expect(parsed?.map { $0["customer"] ?? "" } == ["acme-gmbh", "delta-foods"], "\(links)")
        #expect(parsed?.allSatisfy { $0["link"]?.hasPrefix("https://pay.northwind.example/p/") == true && $0["expires"] == "2026-12-14T09:00:00Z" } == true, "\(links)")
        let unknown = try sandbox.duetrail(["portal", "link", "acme-gmbh", "nobody-ltd", "../x"], in: ledger)
        #expect(unknown.status == 1 && unknown.stderr.contains("no customer `nobody-ltd`") && unknown.stderr.contains("no customer `../x`") && unknown.stdout.isEmpty, "\(unknown)")
    }
}
