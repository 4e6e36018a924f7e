import DueTrailCore
import Foundation
import Testing

/// Portal links: only the key's holder can make one, for one customer, until its expiry.
@Suite struct PortalLinkTests {
    let key = PortalKey.generate().key
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func aLinkNamesItsCustomerUntilItExpires() throws {
        let token = PortalLink.token(customer: "acme-gmbh", expires: now.addingTimeInterval(86_400), key: key)
        #expect(token.hasPrefix("acme-gmbh.1796086400."))
        #expect(try PortalLink.verify(token, key: key, now: now) == "acme-gmbh")
        #expect(throws: PortalLink.Problem.expired) { try PortalLink.verify(token, key: key, now: now.addingTimeInterval(86_400)) }
    }

    @Test func anAlteredForgedOrForeignLinkIsInvalid() throws {
        let token = PortalLink.token(customer: "acme-gmbh", expires: now.addingTimeInterval(86_400), key: key)
        let parts = token.split(separator: ".").map(String.init)
        let otherCustomer = ["delta-foods", parts[1], parts[2]].joined(separator: ".")
        let laterExpiry = [parts[0], "1899999999", parts[2]].joined(separator: ".")
        var flipped = Array(parts[2])
        flipped[0] = flipped[0] == "A" ? "B" : "A"
        let badSignature = [parts[0], parts[1], String(flipped)].joined(separator: ".")
        let otherKey = PortalLink.token(customer: "acme-gmbh", expires: now.addingTimeInterval(86_400), key: PortalKey.generate().key)
        // Other spellings of the same link (each would get a rate-limit allowance of its own).
        let plusExpiry = [parts[0], "+" + parts[1], parts[2]].joined(separator: ".")
        let zeroExpiry = [parts[0], "0" + parts[1], parts[2]].joined(separator: ".")
        for forged in [otherCustomer, laterExpiry, badSignature, otherKey, plusExpiry, zeroExpiry, "", "acme-gmbh", "acme-gmbh.1.2.3", "../etc.1.x", token + "x"] {
            #expect(throws: PortalLink.Problem.invalid, "\(forged)") { try PortalLink.verify(forged, key: key, now: now) }
        }
    }

    @Test func aKeyReadsBackFromItsTextAndShortKeysAreRefused() throws {
        let (made, text) = PortalKey.generate()
        let token = PortalLink.token(customer: "acme-gmbh", expires: now.addingTimeInterval(60), key: made)
        let reread = try #require(PortalKey(text: text + "\n"))
        #expect(try PortalLink.verify(token, key: reread, now: now) == "acme-gmbh")
        #expect(PortalKey(text: Data(repeating: 7, count: 16).base64EncodedString()) == nil)
        #expect(PortalKey(text: "not base64!") == nil)
    }
}
