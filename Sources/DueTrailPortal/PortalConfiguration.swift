import DueTrailCore
import Foundation

/// How a portal server runs: which ledger, which key, and its limits.
public struct PortalConfiguration: Sendable {
    /// The ledger: a working clone or a bare repository.
    public var ledgerPath: String
    /// Signs and checks links and form tokens. Never logged, never in a response.
    public var key: PortalKey
    /// `DUETRAIL_NOW` / `DUETRAIL_TODAY` fix the clock (tests, demos); otherwise the real time.
    public var environment: [String: String]
    /// Requests a link may make per minute (and at once) before it gets 429.
    public var requestsPerMinute = 30
    /// The largest form body accepted (a dispute's 2,000 characters fit many times over).
    public var maxBodyBytes = 16 * 1024
    /// The portal's public origin (`https://pay.example.com`): a form posted with any other
    /// `Origin` header is refused. Nil accepts any (the form token still has to match).
    public var allowedOrigin: String?
    /// Ledger readers kept for page views (each holds its own libgit2 handle).
    public var readers = 4

    public init(ledgerPath: String, key: PortalKey, environment: [String: String]) {
        self.ledgerPath = ledgerPath
        self.key = key
        self.environment = environment
    }

    /// The moment of a request, and its day in `timezone` (`DUETRAIL_TODAY` may move the day).
    func clock(timezone: TimeZone) -> LedgerClock {
        let now = environment["DUETRAIL_NOW"].flatMap(LedgerClock.parseInstant)
        let today = environment["DUETRAIL_TODAY"].flatMap { CalendarDate(iso: $0) }
        return LedgerClock(timezone: timezone, today: today, now: now)
    }

    var now: Date { environment["DUETRAIL_NOW"].flatMap(LedgerClock.parseInstant) ?? Date() }
}
