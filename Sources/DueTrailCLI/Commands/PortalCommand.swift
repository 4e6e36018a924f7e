import ArgumentParser
import DueTrailCore
import DueTrailLedger
import Foundation

/// `duetrail portal …`: the customer portal's keys and links.
struct PortalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "The customer portal: its signing key and customers' links.",
        discussion: """
            A customer opens the portal through a signed link (HMAC-SHA256 over the customer and \
            an expiry) made with a key kept outside the ledger: DUETRAIL_PORTAL_KEY, or the file \
            `duetrail portal key` names. A new key invalidates every earlier link.
            """,
        subcommands: [PortalServeCommand.self, PortalKeyCommand.self, PortalLinkCommand.self])
}

struct PortalKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Show where the portal key is, or make a new one (--new).")

    @Flag(help: "Make a new random key (refused when one exists, unless --force).")
    var new = false

    @Flag(help: "With --new: replace the existing key; every link made with it stops working.")
    var force = false

    func validate() throws {
        if force && !new { throw ValidationError("--force only goes with --new") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = PortalKeyFile.path(environment: environment)
        if new {
            let written = try guarded { try PortalKeyFile.create(environment: environment, replacing: force) }
            Terminal.print("Made a new portal key in \(written) (readable by you only)." + (force ? " Links made with the old key no longer work." : ""))
            return
        }
        if environment["DUETRAIL_PORTAL_KEY"].map({ !$0.isEmpty }) == true {
            Terminal.print("The portal key comes from DUETRAIL_PORTAL_KEY.")
        } else if FileManager.default.fileExists(atPath: path) {
            Terminal.print("The portal key is in \(path).")
        } else {
            Terminal.print("No portal key yet; `duetrail portal key --new` makes one in \(path).")
        }
    }
}

struct PortalLinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Print customers' portal links, one a line.")

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The customers' slugs (as in customers/<slug>.yaml).")
    var customers: [String]

    @Option(help: ArgumentHelp("How long the link works: 30d, 12h, 2w, or until a date (YYYY-MM-DD) (default: portal.link_days in duetrail.yaml, or 30d).", valueName: "duration"))
    var expires: String?

    @Option(help: ArgumentHelp("The portal's public address, e.g. https://pay.example.com (default: portal.base_url in duetrail.yaml, or $DUETRAIL_PORTAL_URL).", valueName: "url"))
    var baseURL: String?

    @Flag(help: "Print the links as a JSON array of {customer, link, expires}.")
    var json = false

    func validate() throws {
        if customers.isEmpty { throw ValidationError("name at least one customer (the slug, as in customers/<slug>.yaml)") }
    }

    func run() throws {
        let ledger = try options.open()
        let (tokens, until) = try guarded {
            // Each customer looked up by path: no need to read the whole ledger.
            let tree = try ledger.headTree()
            let unknown = try customers.filter { try !Slug.isValid($0) || ledger.read("customers/\($0).yaml", inTree: tree) == nil }
            if !unknown.isEmpty {
                let names = try ledger.snapshot().customerNames
                throw CLIError(unknown.map { CustomerLookup.unknown($0, names: names) }.joined(separator: "; "))
            }
            let now = ledger.clock.instant
            let expires = self.expires ?? "\(ledger.config.portalSettings.linkDays)d"
            guard let until = Self.expiry(expires, from: now, timezone: ledger.config.timezone), until > now else {
                throw CLIError("--expires takes 30d, 12h, 2w or a future date like 2026-12-31, not `\(expires)`")
            }
            let key = try PortalKeyFile.load(environment: options.environment)
            return (customers.map { PortalLink.token(customer: $0, expires: until, key: key) }, until)
        }
        var base = baseURL ?? ledger.config.portal?.baseURL ?? options.environment["DUETRAIL_PORTAL_URL"] ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        let links = tokens.map { "\(base)/p/\($0)" }
        let expiry = ISO8601DateFormatter().string(from: until)
        if json {
            struct Out: Encodable { let customer, link, expires: String }
            Terminal.print(JSON.render(zip(customers, links).map { Out(customer: $0, link: $1, expires: expiry) }))
        } else {
            Terminal.print(links.joined(separator: "\n"))
            Terminal.note("Works until \(expiry)" + (base.isEmpty ? "; give --base-url (or DUETRAIL_PORTAL_URL) for a full address" : "") + ".")
        }
    }

    /// `30d`, `12h`, `2w`, or a date (the link works through that day, in the ledger's timezone).
    static func expiry(_ text: String, from now: Date, timezone: TimeZone) -> Date? {
        if let date = CalendarDate(iso: text) { return date.end(in: timezone) }
        guard let span = Span(text), span.count > 0, span.approximateDays <= 3650 else { return nil }
        if span.unit == .hours { return now.addingTimeInterval(Double(span.count) * 3_600) }
        guard let days = span.calendarDays else { return nil }
        return now.addingTimeInterval(Double(days) * 86_400)
    }

}
