/// SHA-1 and SHA-256 in Swift (FIPS 180-4), with no dependency: URL signatures use them, and the
/// engine reuses SHA-256 for content hashes of source images.
///
/// ```swift
/// SHA256.hash("abc").hex
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
///
/// var hasher = SHA256()          // streaming, for large inputs
/// hasher.update("a")
/// hasher.update("bc")
/// hasher.finalize().hex          // same as above
/// ```

/// A message digest: its bytes, and their hex and base64url text.
public struct Digest: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Lowercase hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, b) in bytes.enumerated() {
                out[2 * i] = digits[Int(b >> 4)]
                out[2 * i + 1] = digits[Int(b & 15)]
            }
            return bytes.count * 2
        }
    }

    /// URL-safe base64 (`-` and `_`), with `=` padding, as Python's `base64.urlsafe_b64encode`.
    public var base64URL: String { Base64URL.encode(bytes) }

    public var description: String { hex }
}

/// A hash function with a streaming interface.
public protocol HashFunction: Sendable {
    init()
    /// Feeds bytes; may be called any number of times.
    mutating func update(bytes: UnsafeRawBufferPointer)
    /// The digest of everything fed so far (the hasher itself is left unchanged).
    func finalize() -> Digest
}

extension HashFunction {
    /// Feeds a byte array.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update(bytes: $0) } }

    /// Feeds the UTF-8 bytes of a string.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The digest of a byte array.
    public static func hash(_ bytes: [UInt8]) -> Digest {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 bytes of a string.
    public static func hash(_ string: String) -> Digest {
        var hasher = Self()
        hasher.update(string)
        return hasher.finalize()
    }

    /// The digest of raw bytes.
    public static func hash(bytes: UnsafeRawBufferPointer) -> Digest {
        var hasher = Self()
        hasher.update(bytes: bytes)
        return hasher.finalize()
    }
}

/// The 64-byte block buffering and length padding that SHA-1 and SHA-256 share.
struct BlockBuffer: Sendable {
    var block = [UInt8](repeating: 0, count: 64)
    var count = 0
    var length: UInt64 = 0

    /// Calls `compress` on each complete 64-byte block of the stream.
    @inline(__always)
    mutating func feed(_ input: UnsafeRawBufferPointer, _ compress: (UnsafeRawPointer) -> Void) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        length &+= UInt64(input.count)
        var offset = 0
        if count > 0 {
            let take = min(64 - count, input.count)
            block.withUnsafeMutableBytes { b in
                (b.baseAddress! + count).copyMemory(from: base, byteCount: take)
            }
            count += take
            offset = take
            if count < 64 { return }
            block.withUnsafeBytes { compress($0.baseAddress!) }
            count = 0
        }
        while input.count - offset >= 64 {
            compress(base + offset)
            offset += 64
        }
        let rest = input.count - offset
        if rest > 0 {
            block.withUnsafeMutableBytes { b in
                b.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            count = rest
        }
    }

    /// Appends 0x80, zeros and the bit length (big-endian), compressing the last one or two blocks.
    @inline(__always)
    func pad(_ compress: (UnsafeRawPointer) -> Void) {
        var last = [UInt8](repeating: 0, count: 128)
        for i in 0..<count { last[i] = block[i] }
        last[count] = 0x80
        let blocks = count < 56 ? 1 : 2
        let bits = length &* 8
        for i in 0..<8 { last[blocks * 64 - 1 - i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
        last.withUnsafeBytes { p in
            for k in 0..<blocks { compress(p.baseAddress! + 64 * k) }
        }
    }
}

@inline(__always) private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
@inline(__always) private func word(_ p: UnsafeRawPointer, _ i: Int) -> UInt32 {
    UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
}

/// SHA-1 (FIPS 180-4 §6.1). Cloudinary's short URL signatures use it.
public struct SHA1: HashFunction {
    private var h0: UInt32 = 0x6745_2301, h1: UInt32 = 0xEFCD_AB89, h2: UInt32 = 0x98BA_DCFE
    private var h3: UInt32 = 0x1032_5476, h4: UInt32 = 0xC3D2_E1F0
    private var buffer = BlockBuffer()

    public init() {}

    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var state = (h0, h1, h2, h3, h4)
        buffer.feed(bytes) { SHA1.compress(&state, $0) }
        (h0, h1, h2, h3, h4) = state
    }

    public func finalize() -> Digest {
        var state = (h0, h1, h2, h3, h4)
        buffer.pad { SHA1.compress(&state, $0) }
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for h in [state.0, state.1, state.2, state.3, state.4] {
            for shift in stride(from: 24, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: h >> UInt32(shift)))
            }
        }
        return Digest(bytes: out)
    }

    private static func compress(
        _ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ p: UnsafeRawPointer
    ) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for i in 0..<16 { w[i] = word(p, i) }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = state
            for i in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch i {
                case 0..<20:
                    f = (b & c) | (~b & d)
                    k = 0x5A82_7999
                case 20..<40:
                    f = b ^ c ^ d
                    k = 0x6ED9_EBA1
                case 40..<60:
                    f = (b & c) | (b & d) | (c & d)
                    k = 0x8F1B_BCDC
                default:
                    f = b ^ c ^ d
                    k = 0xCA62_C1D6
                }
                let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                e = d
                d = c
                c = rotl(b, 30)
                b = a
                a = t
            }
            state.0 &+= a
            state.1 &+= b
            state.2 &+= c
            state.3 &+= d
            state.4 &+= e
        }
    }
}

/// SHA-256 (FIPS 180-4 §6.2). Long URL signatures and content hashes use it.
public struct SHA256: HashFunction {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19
    )
    private var buffer = BlockBuffer()

    public init() {}

    public mutating func update(bytes: UnsafeRawBufferPointer) {
        var state = self.state
        buffer.feed(bytes) { SHA256.compress(&state, $0) }
        self.state = state
    }

    public func finalize() -> Digest {
        var state = self.state
        buffer.pad { SHA256.compress(&state, $0) }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for h in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            for shift in stride(from: 24, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: h >> UInt32(shift)))
            }
        }
        return Digest(bytes: out)
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
        0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7,
        0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc,
        0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351,
        0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e,
        0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585,
        0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f,
        0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
        0xc671_78f2,
    ]

    private static func compress(
        _ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32), _ p: UnsafeRawPointer
    ) {
        k.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for i in 0..<16 { w[i] = word(p, i) }
                for i in 16..<64 {
                    let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                    let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                    w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                }
                var (a, b, c, d, e, f, g, h) = state
                for i in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g
                    g = f
                    f = e
                    e = d &+ t1
                    d = c
                    c = b
                    b = a
                    a = t1 &+ t2
                }
                state.0 &+= a
                state.1 &+= b
                state.2 &+= c
                state.3 &+= d
                state.4 &+= e
                state.5 &+= f
                state.6 &+= g
                state.7 &+= h
            }
        }
    }
}

/// URL-safe base64 (RFC 4648 §5), as Cloudinary's signatures use it.
public enum Base64URL {
    private static let alphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes with `=` padding (strip it with `padding: false`).
    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if rest == 2 { out.append(alphabet[Int(n >> 6 & 63)]) }
            if padding { out.append(contentsOf: Array(repeating: UInt8(ascii: "="), count: 3 - rest)) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes URL-safe (or standard) base64, with or without padding; `nil` when malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - 48 + 52)
            case UInt8(ascii: "-"), UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "_"), UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        if values.count % 4 == 1 { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= UInt32(v) << (18 - 6 * UInt32(k)) }
            out.append(UInt8(n >> 16 & 255))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 255)) }
            if chunk.count > 3 { out.append(UInt8(n & 255)) }
            i += 4
        }
        return out
    }
}
