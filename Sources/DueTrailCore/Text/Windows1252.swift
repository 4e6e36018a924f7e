/// Windows-1252, what Excel on Windows writes when a sheet is not saved as UTF-8.
enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: [UInt8]) -> String {
        var out = String.UnicodeScalarView()
        for b in bytes {
            let v: UInt32 = (b >= 0x80 && b < 0xA0) ? high[Int(b - 0x80)] : UInt32(b)
            out.append(Unicode.Scalar(v) ?? "?")
        }
        return String(out)
    }
}
