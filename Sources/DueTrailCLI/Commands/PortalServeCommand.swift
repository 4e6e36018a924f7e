import ArgumentParser
import DueTrailCore
import DueTrailLedger
import DueTrailPortal
import Foundation
import Logging

/// `duetrail portal serve`: the customer portal over this ledger (a working clone, or a bare
/// repository on a server).
struct PortalServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the customer portal over this ledger.",
        discussion: """
            Customers open it through links from `duetrail portal link` (or `{{portal_url}}` in \
            reminders). A promise or dispute sent from it is one commit authored by the customer, \
            with a `Via: portal` trailer. Put it behind an HTTPS proxy when it is reachable from \
            the internet. Stops cleanly on Ctrl-C or SIGTERM.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("The address and port to listen on.", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(help: ArgumentHelp("The portal's public address (default: portal.base_url in duetrail.yaml, or $DUETRAIL_PORTAL_URL); forms posted from any other site are refused.", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Requests one link may make per minute before it is asked to wait.", valueName: "n"))
    var rateLimit = 30

    @Option(help: ArgumentHelp("Seconds a connection may stay open without a request before it is closed.", valueName: "seconds"))
    var idleTimeout = 30

    @Option(help: ArgumentHelp("Seconds a client has to send a request's headers before it is closed.", valueName: "seconds"))
    var headerTimeout = 10

    @Option(help: ArgumentHelp("Connections one address may hold open at once; more are refused with 503.", valueName: "n"))
    var maxConnectionsPerAddress = 32

    @Option(help: ArgumentHelp("Connections the portal holds open in all (default: 1024, or half the file-descriptor limit if lower).", valueName: "n"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp("How much to log: debug, info, notice, warning or error.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard Self.hostAndPort(listen) != nil else { throw ValidationError("--listen takes host:port, like 127.0.0.1:8080 or [::1]:8080, not `\(listen)`") }
        guard (1...100_000).contains(rateLimit) else { throw ValidationError("--rate-limit is a number of requests per minute from 1 to 100000") }
        guard (1...3600).contains(idleTimeout), (1...3600).contains(headerTimeout) else { throw ValidationError("--idle-timeout and --header-timeout are seconds from 1 to 3600") }
        guard (1...100_000).contains(maxConnectionsPerAddress), (1...1_000_000).contains(maxConnections ?? 1) else {
            throw ValidationError("--max-connections-per-address and --max-connections are numbers of connections, 1 or more")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level is one of debug, info, notice, warning, error") }
        if let baseURL, PortalSettings(baseURL: baseURL).origin == nil {
            throw ValidationError("--base-url takes an address like https://pay.example.com, not `\(baseURL)`")
        }
    }

    func run() async throws {
        let ledger = try options.open()
        let key = try guarded { try PortalKeyFile.load(environment: options.environment) }
        var environment = options.environment
        if let today = try options.todayOverride() { environment["DUETRAIL_TODAY"] = today.iso }
        var configuration = PortalConfiguration(ledgerPath: ledger.root, key: key, environment: environment)
        configuration.requestsPerMinute = rateLimit
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.headerTimeout = .seconds(headerTimeout)
        configuration.maxConnectionsPerAddress = maxConnectionsPerAddress
        if let maxConnections { configuration.maxConnections = maxConnections }
        let base = baseURL ?? ledger.config.portal?.baseURL ?? environment["DUETRAIL_PORTAL_URL"]
        configuration.allowedOrigin = base.flatMap { PortalSettings(baseURL: $0).origin }
        guard let (host, port) = Self.hostAndPort(listen) else { throw ExitCode.validationFailure }
        var logger = Logger(label: "duetrail.portal")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        if let fixed = environment["DUETRAIL_NOW"], !fixed.isEmpty {
            Terminal.note("warning: DUETRAIL_NOW is set (\(fixed)): the portal's clock stands still, so links never expire and rate limits never refill; unset it outside tests and demos.")
        }
        let company = ledger.config.company
        let app = PortalServer.application(configuration, host: host, port: port, logger: logger) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            // Written at once (not through stdout's buffer): scripts wait for this line.
            let line = "Portal for \(company) listening on http://\(shown):\(bound)" + (base.map { " (public address \($0))" } ?? "") + "; Ctrl-C stops it.\n"
            Terminal.write(line)
        }
        do {
            try await app.runService()
        } catch {
            Terminal.error("the portal stopped: \(error)")
            throw ExitCode.failure
        }
    }

    /// `127.0.0.1:8080`, `localhost:0`, `[::1]:8080`.
    static func hostAndPort(_ text: String) -> (String, Int)? {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
