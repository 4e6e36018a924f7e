import DueTrailCore
import Foundation

/// How a portal server runs: which ledger, which key, and its limits.
package struct PortalConfiguration: Sendable {
    /// The ledger: a working clone or a bare repository.
    package var ledgerPath: String
    /// Signs and checks links and form tokens. Never logged, never in a response.
    package var key: PortalKey
    /// `DUETRAIL_NOW` / `DUETRAIL_TODAY` fix the clock (tests, demos); otherwise the real time.
    /// Requests a link may make per minute (and at once) before it gets 429.
    package var requestsPerMinute = 30
    /// The largest form body accepted (a dispute's 2,000 characters fit many times over).
    package var maxBodyBytes = 16 * 1024
    /// The portal's public origin (`https://pay.example.com`): a form posted with any other
    /// `Origin` header is refused. Nil accepts any (the form token still has to match).
    package var allowedOrigin: String?
    /// Ledger readers kept for page views (each holds its own libgit2 handle).
    package var readers = max(4, ProcessInfo.processInfo.activeProcessorCount)

    /// How long a connection may stay open without a request before it is closed.
    package var idleTimeout: Duration = .seconds(30)
    /// How long a client has to send its first request's headers.
    package var headerTimeout: Duration = .seconds(10)
    /// Connections one address may hold open at once; more are closed with a 503.
    package var maxConnectionsPerAddress = 32
    /// Connections the server holds open at once, under its file-descriptor limit.
    package var maxConnections = PortalConfiguration.defaultMaxConnections

    /// 1,024, or half the process's file-descriptor limit when that is lower (the other
    /// half is for the ledger's readers, pack files and the listening socket).
    package static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return max(8, min(1024, Int(clamping: limit.rlim_cur) / 2))
    }

    package var environment: [String: String] {
        didSet { readClock() }
    }
    private var fixedNow: Date?
    private var fixedToday: CalendarDate?

    package init(ledgerPath: String, key: PortalKey, environment: [String: String]) {
        self.ledgerPath = ledgerPath
        self.key = key
        self.environment = environment
        readClock()
    }

    /// Read once: parsing a date per request cost a fifth of a page view.
    private mutating func readClock() {
        fixedNow = environment["DUETRAIL_NOW"].flatMap(LedgerClock.parseInstant)
        fixedToday = environment["DUETRAIL_TODAY"].flatMap { CalendarDate(iso: $0) }
    }

    /// The moment of a request, and its day in `timezone` (`DUETRAIL_TODAY` may move the day).
    func clock(timezone: TimeZone) -> LedgerClock {
        LedgerClock(timezone: timezone, today: fixedToday, now: fixedNow ?? Date())
    }

    var now: Date { fixedNow ?? Date() }
}
