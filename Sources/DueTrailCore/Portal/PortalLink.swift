import Crypto
import Foundation

/// The secret that signs customers' portal links. Kept outside the ledger repository
/// (`DUETRAIL_PORTAL_KEY`, or a key file in the user's config folder): anyone holding it can
/// make a link for any customer. A new key invalidates every link made with the old one.
package struct PortalKey: Sendable {
    /// The raw bytes (SymmetricKey is not Sendable; the portal shares the key across requests).
    private let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A new random 256-bit key, and its text form (base64) for the key file.
    package static func generate() -> (key: PortalKey, text: String) {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return (PortalKey(key: key), text)
    }

    /// Reads the text form; nil when it is not base64 of at least 32 bytes.
    package init?(text: String) {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count >= 32 else { return nil }
        bytes = [UInt8](data)
    }

    init(key: SymmetricKey) { bytes = key.withUnsafeBytes { [UInt8]($0) } }

    /// The raw bytes, for tests that check no log or page ever holds them.
    package func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R { try body(bytes) }
}

/// A customer's portal link: `<slug>.<expiry>.<signature>`, where the signature is
/// HMAC-SHA256 over the customer and the expiry (Unix seconds). Nothing else is needed to
/// check it, so the portal keeps no session store; a link cannot be altered to name another
/// customer or a later expiry without the key.
package enum PortalLink {
    package enum Problem: Error, Equatable {
        /// Not a link, or signed with another key, or altered: the portal answers 404 either way.
        case invalid
        case expired
    }

    /// The token for `customer`, valid until `expires`.
    package static func token(customer: String, expires: Date, key: PortalKey) -> String {
        let seconds = Int64(expires.timeIntervalSince1970.rounded(.down))
        let mac = HMAC<SHA256>.authenticationCode(for: message(customer, seconds), using: key.key)
        return "\(customer).\(seconds).\(base64url(Data(mac)))"
    }

    /// The customer a token was made for, when it is genuine and not expired at `now`.
    /// The signature is compared in constant time, before anything else is believed.
    package static func verify(_ token: String, key: PortalKey, now: Date) throws(Problem) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 300, Slug.isValid(String(parts[0])), let seconds = Int64(parts[1]),
            let mac = data(base64url: String(parts[2])), mac.count == SHA256.byteCount
        else { throw .invalid }
        // One spelling per link (no `+`, leading zeros or loose base64 bits): a link is also
        // the key its rate limit is counted under.
        guard String(seconds) == parts[1], base64url(mac) == parts[2] else { throw .invalid }
        let customer = String(parts[0])
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message(customer, seconds), using: key.key) else { throw .invalid }
        guard Double(seconds) > now.timeIntervalSince1970 else { throw .expired }
        return customer
    }

    private static func message(_ customer: String, _ seconds: Int64) -> Data {
        Data("duetrail-portal-link-v1\n\(customer)\n\(seconds)".utf8)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64url text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        return Data(base64Encoded: b64)
    }
}

/// The anti-forgery token in every portal form: HMAC-SHA256 over the link and the time the
/// page was made, `<seconds>.<signature>`. Another site can make a customer's browser post
/// to the portal, but cannot read the page, so it cannot know this token. Stateless, like
/// the link; it works for `lifetime` seconds after the page was shown.
package enum PortalFormToken {
    package static let lifetime: TimeInterval = 4 * 3_600

    package static func make(link: String, at now: Date, key: PortalKey) -> String {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return "\(seconds).\(PortalLink.base64url(Data(HMAC<SHA256>.authenticationCode(for: message(link, seconds), using: key.key))))"
    }

    /// True when `token` was made for `link` with `key` within the last `lifetime` seconds.
    package static func isValid(_ token: String, link: String, now: Date, key: PortalKey) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 100, let seconds = Int64(parts[0]),
            let mac = PortalLink.data(base64url: String(parts[1])), mac.count == SHA256.byteCount,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message(link, seconds), using: key.key)
        else { return false }
        let age = now.timeIntervalSince1970 - Double(seconds)
        return age >= -60 && age <= lifetime
    }

    private static func message(_ link: String, _ seconds: Int64) -> Data {
        Data("duetrail-portal-form-v1\n\(link)\n\(seconds)".utf8)
    }
}
