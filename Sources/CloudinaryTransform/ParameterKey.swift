/// Every documented parameter key, in plain ASCII order of the key (the canonical order).
///
/// `if` is here for completeness; it always prints first. Variables (`$name`) are not keys of
/// this enumeration.
public enum ParameterKey: UInt8, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case a, ac, af, ar, b, bl, bo, br, c, co, cs, d, dl, dn, dpr, du, e, eo, f, fl, fn, fps, g, h
    case `if`, ki, l, o, p, pg, q, r, so, sp, t, u, vc, vs, w, x, y, z

    /// The key as written in a URL.
    public var text: String {
        switch self {
        case .a: "a"
        case .ac: "ac"
        case .af: "af"
        case .ar: "ar"
        case .b: "b"
        case .bl: "bl"
        case .bo: "bo"
        case .br: "br"
        case .c: "c"
        case .co: "co"
        case .cs: "cs"
        case .d: "d"
        case .dl: "dl"
        case .dn: "dn"
        case .dpr: "dpr"
        case .du: "du"
        case .e: "e"
        case .eo: "eo"
        case .f: "f"
        case .fl: "fl"
        case .fn: "fn"
        case .fps: "fps"
        case .g: "g"
        case .h: "h"
        case .if: "if"
        case .ki: "ki"
        case .l: "l"
        case .o: "o"
        case .p: "p"
        case .pg: "pg"
        case .q: "q"
        case .r: "r"
        case .so: "so"
        case .sp: "sp"
        case .t: "t"
        case .u: "u"
        case .vc: "vc"
        case .vs: "vs"
        case .w: "w"
        case .x: "x"
        case .y: "y"
        case .z: "z"
        }
    }

    public var description: String { text }

    public static func < (lhs: ParameterKey, rhs: ParameterKey) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The key for this text, or `nil` when it is not a documented key.
    public init?(_ text: String) {
        var text = text
        guard
            let key = text.withUTF8({ ParameterKey(bytes: UnsafeRawBufferPointer($0)) })
        else { return nil }
        self = key
    }

    /// Recognises a key from its bytes with a switch, no string hashing.
    @inline(__always)
    init?(bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n >= 1, n <= 3 else { return nil }
        let c0 = bytes[0]
        if n == 1 {
            switch c0 {
            case UInt8(ascii: "a"): self = .a
            case UInt8(ascii: "b"): self = .b
            case UInt8(ascii: "c"): self = .c
            case UInt8(ascii: "d"): self = .d
            case UInt8(ascii: "e"): self = .e
            case UInt8(ascii: "f"): self = .f
            case UInt8(ascii: "g"): self = .g
            case UInt8(ascii: "h"): self = .h
            case UInt8(ascii: "l"): self = .l
            case UInt8(ascii: "o"): self = .o
            case UInt8(ascii: "p"): self = .p
            case UInt8(ascii: "q"): self = .q
            case UInt8(ascii: "r"): self = .r
            case UInt8(ascii: "t"): self = .t
            case UInt8(ascii: "u"): self = .u
            case UInt8(ascii: "w"): self = .w
            case UInt8(ascii: "x"): self = .x
            case UInt8(ascii: "y"): self = .y
            case UInt8(ascii: "z"): self = .z
            default: return nil
            }
            return
        }
        let c1 = bytes[1]
        if n == 3 {
            let c2 = bytes[2]
            if c0 == UInt8(ascii: "d"), c1 == UInt8(ascii: "p"), c2 == UInt8(ascii: "r") {
                self = .dpr
                return
            }
            if c0 == UInt8(ascii: "f"), c1 == UInt8(ascii: "p"), c2 == UInt8(ascii: "s") {
                self = .fps
                return
            }
            return nil
        }
        switch (c0, c1) {
        case (UInt8(ascii: "a"), UInt8(ascii: "c")): self = .ac
        case (UInt8(ascii: "a"), UInt8(ascii: "f")): self = .af
        case (UInt8(ascii: "a"), UInt8(ascii: "r")): self = .ar
        case (UInt8(ascii: "b"), UInt8(ascii: "l")): self = .bl
        case (UInt8(ascii: "b"), UInt8(ascii: "o")): self = .bo
        case (UInt8(ascii: "b"), UInt8(ascii: "r")): self = .br
        case (UInt8(ascii: "c"), UInt8(ascii: "o")): self = .co
        case (UInt8(ascii: "c"), UInt8(ascii: "s")): self = .cs
        case (UInt8(ascii: "d"), UInt8(ascii: "l")): self = .dl
        case (UInt8(ascii: "d"), UInt8(ascii: "n")): self = .dn
        case (UInt8(ascii: "d"), UInt8(ascii: "u")): self = .du
        case (UInt8(ascii: "e"), UInt8(ascii: "o")): self = .eo
        case (UInt8(ascii: "f"), UInt8(ascii: "l")): self = .fl
        case (UInt8(ascii: "f"), UInt8(ascii: "n")): self = .fn
        case (UInt8(ascii: "i"), UInt8(ascii: "f")): self = .if
        case (UInt8(ascii: "k"), UInt8(ascii: "i")): self = .ki
        case (UInt8(ascii: "p"), UInt8(ascii: "g")): self = .pg
        case (UInt8(ascii: "s"), UInt8(ascii: "o")): self = .so
        case (UInt8(ascii: "s"), UInt8(ascii: "p")): self = .sp
        case (UInt8(ascii: "v"), UInt8(ascii: "c")): self = .vc
        case (UInt8(ascii: "v"), UInt8(ascii: "s")): self = .vs
        default: return nil
        }
    }
}
