import Foundation

/// A token bucket per key (a portal link): `burst` requests at once, then `perMinute` a
/// minute. Pure: the caller passes the time, so tests need no sleeping. Buckets that have
/// refilled are forgotten, so memory stays bounded by the links active in the last minutes.
package struct RateLimiter: Sendable {
    package let perMinute: Double
    package let burst: Double
    private var buckets: [String: Bucket] = [:]
    private var lastSweep: TimeInterval = 0

    struct Bucket: Sendable {
        var tokens: Double
        var updated: TimeInterval
    }

    package init(perMinute: Int, burst: Int? = nil) {
        self.perMinute = Double(max(perMinute, 1))
        self.burst = Double(max(burst ?? perMinute, 1))
    }

    /// Takes one request for `key` at `now`: nil when allowed, else the seconds to wait.
    package mutating func take(_ key: String, now: Date) -> Int? {
        let t = now.timeIntervalSince1970
        sweep(t)
        var bucket = buckets[key] ?? Bucket(tokens: burst, updated: t)
        bucket.tokens = min(burst, bucket.tokens + max(0, t - bucket.updated) * perMinute / 60)
        bucket.updated = t
        defer { buckets[key] = bucket }
        guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up))) }
        bucket.tokens -= 1
        return nil
    }

    /// How many links are being tracked.
    package var tracked: Int { buckets.count }

    private mutating func sweep(_ t: TimeInterval) {
        guard t - lastSweep >= 60 else { return }
        lastSweep = t
        let full = burst * 60 / perMinute  // seconds after which any bucket is full again
        buckets = buckets.filter { t - $0.value.updated < full }
    }
}
