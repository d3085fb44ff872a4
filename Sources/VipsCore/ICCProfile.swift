import Foundation

/// What the engine needs to know of an ICC profile without linking a colour engine: whether it
/// is one of the many encodings of sRGB, so that converting its pixels to sRGB can be skipped
/// where a level of difference does not matter (the analysis). Every read is bounds-checked: a
/// damaged profile is simply not sRGB.
public enum ICCProfile {
    /// sRGB's primaries adapted to D50, as an ICC matrix/TRC profile stores them (X, Y, Z).
    static let srgbColorants: [(tag: String, xyz: (Double, Double, Double))] = [
        ("rXYZ", (0.4361, 0.2225, 0.0139)),
        ("gXYZ", (0.3851, 0.7169, 0.0971)),
        ("bXYZ", (0.1431, 0.0606, 0.7141)),
    ]

    /// Whether `bytes` is an RGB matrix/TRC profile with sRGB's primaries and tone curve: the
    /// colorants within 0.003, each channel's curve within 0.5 % of sRGB's at 33 points (a
    /// table) or sRGB's parameters (a parametric curve). A profile with lookup tables (A2B0 ...)
    /// is not, whatever its matrix says: a colour engine would use the tables.
    public static func isSRGB(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 132, ascii(bytes, 16) == "RGB ", ascii(bytes, 20) == "XYZ " else { return false }
        guard let tags = tagTable(bytes) else { return false }
        if ["A2B0", "A2B1", "A2B2"].contains(where: { tags[$0] != nil }) { return false }
        for (tag, expected) in srgbColorants {
            guard let (offset, size) = tags[tag], size >= 20, ascii(bytes, offset) == "XYZ ",
                  let x = fixed(bytes, offset + 8), let y = fixed(bytes, offset + 12), let z = fixed(bytes, offset + 16),
                  abs(x - expected.0) <= 0.003, abs(y - expected.1) <= 0.003, abs(z - expected.2) <= 0.003
            else { return false }
        }
        return ["rTRC", "gTRC", "bTRC"].allSatisfy { tag in
            guard let (offset, size) = tags[tag] else { return false }
            return isSRGBCurve(bytes, offset: offset, size: size)
        }
    }

    /// sRGB's decoding curve.
    static func srgbLinear(_ v: Double) -> Double {
        v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    static func isSRGBCurve(_ bytes: [UInt8], offset: Int, size: Int) -> Bool {
        switch ascii(bytes, offset) {
        case "curv":
            guard let n = uint32(bytes, offset + 8), n >= 2, n <= 65536, 12 + 2 * Int(n) <= size else { return false }
            let count = Int(n)
            for k in 0...32 {
                let i = k * (count - 1) / 32
                guard let raw = uint16(bytes, offset + 12 + 2 * i) else { return false }
                let expected = srgbLinear(Double(i) / Double(count - 1))
                if abs(Double(raw) / 65535 - expected) > 0.005 { return false }
            }
            return true
        case "para":
            // Function type 3 (g, a, b, c, d) or 4 (the same and e = f = 0).
            guard let type = uint16(bytes, offset + 8), type == 3 || type == 4 else { return false }
            let expected = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045] + (type == 4 ? [0, 0] : [])
            for (k, value) in expected.enumerated() {
                guard 12 + 4 * (k + 1) <= size, let v = fixed(bytes, offset + 12 + 4 * k), abs(v - value) <= 0.002 else { return false }
            }
            return true
        default:
            return false
        }
    }

    /// Tag signature → (offset, size), every entry inside the profile; nil when the table is damaged.
    static func tagTable(_ bytes: [UInt8]) -> [String: (Int, Int)]? {
        guard let count = uint32(bytes, 128), count <= 1000, 132 + 12 * Int(count) <= bytes.count else { return nil }
        var tags: [String: (Int, Int)] = [:]
        for k in 0..<Int(count) {
            let entry = 132 + 12 * k
            guard let offset = uint32(bytes, entry + 4), let size = uint32(bytes, entry + 8),
                  Int(offset) + Int(size) <= bytes.count else { return nil }
            tags[ascii(bytes, entry)] = (Int(offset), Int(size))
        }
        return tags
    }

    static func ascii(_ bytes: [UInt8], _ at: Int) -> String {
        guard at >= 0, at + 4 <= bytes.count else { return "" }
        return String(decoding: bytes[at..<(at + 4)], as: Unicode.ASCII.self)
    }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }

    /// s15Fixed16Number.
    static func fixed(_ bytes: [UInt8], _ at: Int) -> Double? {
        uint32(bytes, at).map { Double(Int32(bitPattern: $0)) / 65536 }
    }
}
