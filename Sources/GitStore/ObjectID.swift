internal import CLibgit2

/// A git object id (SHA-1), as a value type that never exposes libgit2's struct.
package struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 20 raw bytes, packed into three integers so the type is cheap to hash and copy.
    private let a: UInt64, b: UInt64, c: UInt32

    init(_ oid: git_oid) {
        var o = oid
        var bytes = [UInt8](repeating: 0, count: 20)
        withUnsafeBytes(of: &o.id) { raw in
            for i in 0..<20 { bytes[i] = raw[i] }
        }
        self.init(bytes: bytes)
    }

    init(bytes: [UInt8]) {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
        for i in 0..<8 { a = a << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { b = b << 8 | UInt64(bytes[i]) }
        for i in 16..<20 { c = c << 8 | UInt32(bytes[i]) }
        self.a = a; self.b = b; self.c = c
    }

    /// Parses 40 hexadecimal digits; nil for anything else.
    package init?(hex: some StringProtocol) {
        self.init(hexBytes: Array(hex.utf8)[...])
    }

    /// Parses 40 hexadecimal digits given as bytes (no String needed).
    package init?(hexBytes utf8: ArraySlice<UInt8>) {
        guard utf8.count == 40 else { return nil }
        let utf8 = Array(utf8)
        var bytes = [UInt8](repeating: 0, count: 20)
        for i in 0..<20 {
            guard let hi = Self.nibble(utf8[2 * i]), let lo = Self.nibble(utf8[2 * i + 1]) else { return nil }
            bytes[i] = hi << 4 | lo
        }
        self.init(bytes: bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: a >> (56 - 8 * UInt64(i))) }
        for i in 0..<8 { out[8 + i] = UInt8(truncatingIfNeeded: b >> (56 - 8 * UInt64(i))) }
        for i in 0..<4 { out[16 + i] = UInt8(truncatingIfNeeded: c >> (24 - 8 * UInt32(i))) }
        return out
    }

    var oid: git_oid {
        var o = git_oid()
        let bytes = self.bytes
        withUnsafeMutableBytes(of: &o.id) { raw in
            for i in 0..<20 { raw[i] = bytes[i] }
        }
        return o
    }

    package var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    package var short: String { String(hex.prefix(8)) }
    package var description: String { hex }

    package static func < (l: ObjectID, r: ObjectID) -> Bool {
        (l.a, l.b, l.c) < (r.a, r.b, r.c)
    }
}
