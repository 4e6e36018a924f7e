/// A stable 64-bit FNV-1a hash: the same text gives the same value on every machine and run
/// (Swift's `hashValue` is seeded per process). Used for identities, not for security.
package enum StableHash {
    package static func value(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    package static func hex(_ text: String, length: Int) -> String {
        let full = String(value(text), radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - full.count)) + full
        return String(padded.prefix(length))
    }
}
