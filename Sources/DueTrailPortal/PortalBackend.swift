import DueTrailCore
import DueTrailLedger
import Foundation
import NIOPosix

/// The portal's access to the ledger. Page views borrow one of a few `PortalReader`s (a
/// libgit2 handle each, never shared between threads); actions open the ledger afresh and
/// commit through `Ledger`, which builds the commit in the object database and advances the
/// branch with compare-and-swap, so they are safe beside each other and beside the team.
/// Git work runs on NIO's blocking thread pool, never on the server's event loops.
final class PortalBackend: @unchecked Sendable {
    let configuration: PortalConfiguration
    private let lock = NSLock()
    private var idle: [PortalReader] = []
    private let cache = PortalCache()
    private var limiter: RateLimiter

    init(configuration: PortalConfiguration) {
        self.configuration = configuration
        limiter = RateLimiter(perMinute: configuration.requestsPerMinute)
    }

    /// Nil when the link may go on; else the seconds it must wait.
    func throttle(_ link: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return limiter.take(link, now: configuration.now)
    }

    /// The customer's statement at the branch tip; nil when the ledger has no such customer.
    func statement(customer: String) async throws -> PortalStatement? {
        try await NIOThreadPool.singleton.runIfActive { [self] in
            let reader = try borrow()
            defer { giveBack(reader) }
            return try reader.statement(customer: customer)
        }
    }

    /// Records a promise or dispute as the customer, on the branch tip.
    func record(_ action: @escaping @Sendable (Ledger) throws -> Void, today: CalendarDate) async throws {
        let path = configuration.ledgerPath
        let environment = configuration.environment
        try await NIOThreadPool.singleton.runIfActive {
            let ledger = try Ledger.open(at: path, today: today, environment: environment)
            ledger.cloneLockTimeout = 10
            try action(ledger)
        }
    }

    private func borrow() throws(LedgerError) -> PortalReader {
        lock.lock()
        if let reader = idle.popLast() {
            lock.unlock()
            return reader
        }
        lock.unlock()
        return try PortalReader(path: configuration.ledgerPath, cache: cache)
    }

    private func giveBack(_ reader: PortalReader) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < configuration.readers { idle.append(reader) }
    }
}
