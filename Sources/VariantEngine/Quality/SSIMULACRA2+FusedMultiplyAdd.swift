/// Fused multiply-add with one rounding, as the reference's SIMD code does it.
///
/// libjxl runs its blur, colour transform and cube root through Highway, which picks the
/// AVX2 or AVX-512 code at run time, where `MulAdd` is a hardware FMA (one rounding).
/// Scores above about 85 depend on that rounding: in flat areas the SSIM variance terms
/// (`blur(x²) - blur(x)²`) are pure rounding noise, and a separate multiply and add doubled
/// their contribution on a palette PNG (1.1 points off at a score of 94).
///
/// Swift on Linux targets baseline x86-64 (no FMA instruction unless the package sets
/// `-target-cpu`, which a dependency may not), and `Float.addingProduct` would then call
/// `fmaf` per value. So the FMA is computed in double instead: the product of two floats is
/// exact in double, so `Float(Double(a) * Double(b) + Double(c))` is the fused result except
/// for rare double-rounding ties, far below what a score can show.
extension SSIMULACRA2 {
    #if VARIANT_HARDWARE_FMA
    /// `a * b + c` rounded once.
    @inline(__always)
    static func fused(_ a: Float, _ b: Float, _ c: Float) -> Float { c.addingProduct(a, b) }

    /// `a * b + c` rounded once, lane by lane.
    @inline(__always)
    static func fused(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>) -> SIMD4<Float> {
        c.addingProduct(a, b)
    }

    /// `a * b + c` rounded once, lane by lane.
    @inline(__always)
    static func fused(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        c.addingProduct(a, b)
    }
    #else
    /// `a * b + c` rounded once.
    @inline(__always)
    static func fused(_ a: Float, _ b: Float, _ c: Float) -> Float {
        Float(Double(a) * Double(b) + Double(c))
    }

    /// `a * b + c` rounded once, lane by lane.
    @inline(__always)
    static func fused(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>) -> SIMD4<Float> {
        narrow(widen(a) * widen(b) + widen(c))
    }

    /// `a * b + c` rounded once, lane by lane.
    @inline(__always)
    static func fused(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(
            lowHalf: fused(a.lowHalf, b.lowHalf, c.lowHalf),
            highHalf: fused(a.highHalf, b.highHalf, c.highHalf))
    }
    #endif

    @inline(__always)
    static func widen(_ v: SIMD4<Float>) -> SIMD4<Double> {
        SIMD4(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]))
    }

    @inline(__always)
    static func narrow(_ v: SIMD4<Double>) -> SIMD4<Float> {
        SIMD4(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]))
    }

    /// Rounds each lane to the nearest float, keeping it in double.
    @inline(__always)
    static func rounded(_ v: SIMD4<Double>) -> SIMD4<Double> { widen(narrow(v)) }

    @inline(__always)
    static func rounded(_ v: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(Double(Float(v[0])), Double(Float(v[1])))
    }

    // The generic `replace(with:where:)` and `replacing(with:where:)` compile to a loop over
    // the lanes through memory (a fifth of the whole metric in the XYB transform); these clear
    // the lanes with a bit mask instead. Same values: the lanes that are not below zero are
    // kept bit for bit.

    /// `v` with the lanes below zero set to zero.
    @inline(__always)
    static func zeroingNegatives(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let below = unsafeBitCast(v .< SIMD8<Float>(), to: SIMD8<Int32>.self)
        return unsafeBitCast(unsafeBitCast(v, to: SIMD8<Int32>.self) & ~below, to: SIMD8<Float>.self)
    }

    /// `v` with the lanes below zero set to zero.
    @inline(__always)
    static func zeroingNegatives(_ v: SIMD4<Double>) -> SIMD4<Double> {
        let below = unsafeBitCast(v .< SIMD4<Double>(), to: SIMD4<Int64>.self)
        return unsafeBitCast(unsafeBitCast(v, to: SIMD4<Int64>.self) & ~below, to: SIMD4<Double>.self)
    }
}
