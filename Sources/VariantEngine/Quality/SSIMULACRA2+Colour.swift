import VipsCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Colour handling as the reference does it (libjxl's code paths, in float32): 8-bit values
/// times `1/255`, alpha blended in sRGB-encoded space, libjxl's rational-polynomial sRGB
/// transfer function, its XYB (opsin absorbance, bias, Newton cube root) and SSIMULACRA2's
/// rescaling of X, Y and B-Y to about 0...1.
extension SSIMULACRA2 {
    /// `1.0 / 255` computed in double and stored as float, as libjxl's 8-bit loader does.
    static let unitScale = Float(1.0 / 255.0)

    private static let lowSlopeInverse: Float = 1 / 12.92

    /// libjxl `TF_SRGB::DisplayFromEncoded` for non-negative inputs (error ~1e-7 vs exact).
    @inline(__always)
    static func linearFromSRGB(_ x: Float) -> Float {
        if !(x > 0.04045 as Float) { return x * lowSlopeInverse }
        var p: Float = 8.210152774e-01
        p = fused(p, x, 7.961564959e-01)
        p = fused(p, x, 1.624820318e-01)
        p = fused(p, x, 1.043637593e-02)
        p = fused(p, x, 2.200248328e-04)
        var q: Float = 6.521209011e-03
        q = fused(q, x, -5.512498495e-02)
        q = fused(q, x, 4.987528350e-01)
        q = fused(q, x, 1.076976492e+00)
        q = fused(q, x, 2.631846970e-01)
        return p / q
    }

    /// Linear sRGB of every 8-bit value (the opaque case needs nothing else).
    static let linearTable: [Float] = (0..<256).map { linearFromSRGB(Float($0) * unitScale) }

    /// Decodes an 8-bit buffer into three linear-RGB planes. A buffer with alpha is first
    /// blended over the grey `background` (an sRGB-encoded value, 0...1) the way the
    /// reference's `AlphaBlend` does: `a * c + (1 - a) * background`, before linearising.
    static func linearRGB(_ pixels: PixelBuffer, background: Float, into planes: Planes) {
        let count = pixels.width * pixels.height
        let bands = pixels.bands
        let red = planes.plane(0)
        let green = planes.plane(1)
        let blue = planes.plane(2)
        let hasAlpha = bands == 2 || bands == 4
        let colourBands = hasAlpha ? bands - 1 : bands
        pixels.data.withUnsafeBufferPointer { data in
            let source = data.baseAddress!
            if !hasAlpha {
                linearTable.withUnsafeBufferPointer { table in
                    let lut = table.baseAddress!
                    if colourBands == 1 {
                        for i in 0..<count {
                            let value = lut[Int(source[i])]
                            red[i] = value
                            green[i] = value
                            blue[i] = value
                        }
                    } else {
                        for i in 0..<count {
                            let pixel = source + i * bands
                            red[i] = lut[Int(pixel[0])]
                            green[i] = lut[Int(pixel[1])]
                            blue[i] = lut[Int(pixel[2])]
                        }
                    }
                }
                return
            }
            let scale = unitScale
            @inline(__always) func blend(_ value: UInt8, _ alpha: Float) -> Float {
                linearFromSRGB(alpha * (Float(value) * scale) + (1 - alpha) * background)
            }
            for i in 0..<count {
                let pixel = source + i * bands
                let alpha = Float(pixel[bands - 1]) * scale
                if colourBands == 1 {
                    let value = blend(pixel[0], alpha)
                    red[i] = value
                    green[i] = value
                    blue[i] = value
                } else {
                    red[i] = blend(pixel[0], alpha)
                    green[i] = blend(pixel[1], alpha)
                    blue[i] = blend(pixel[2], alpha)
                }
            }
        }
    }

    /// Halves linear RGB planes in place with the reference's 2x2 box filter (edge pixels
    /// repeated when a size is odd, sums in the reference's order).
    static func downsample(_ planes: Planes) {
        let width = planes.width
        let height = planes.height
        let outWidth = (width + 1) / 2
        let outHeight = (height + 1) / 2
        for index in 0..<planes.count {
            let plane = planes.plane(index)
            // In place: output (oy, ox) lands at or before every input it or a later
            // output reads.
            for oy in 0..<outHeight {
                let row0 = plane + min(2 * oy, height - 1) * width
                let row1 = plane + min(2 * oy + 1, height - 1) * width
                let out = plane + oy * outWidth
                for ox in 0..<outWidth {
                    let x0 = 2 * ox
                    let x1 = min(2 * ox + 1, width - 1)
                    var sum: Float = 0
                    sum += row0[x0]
                    sum += row0[x1]
                    sum += row1[x0]
                    sum += row1[x1]
                    out[ox] = sum * 0.25
                }
            }
        }
        planes.resize(width: outWidth, height: outHeight)
    }

    // MARK: XYB

    private static let m00: Float = 0.30
    private static let m02: Float = 0.078
    private static let m01: Float = 1.0 - m02 - m00
    private static let m10: Float = 0.23
    private static let m12: Float = 0.078
    private static let m11: Float = 1.0 - m12 - m10
    private static let m20: Float = 0.24342268924547819
    private static let m21: Float = 0.20476744424496821
    private static let m22: Float = 1.0 - m20 - m21
    private static let opsinBias: Float = 0.0037930732552754493
    private static let negativeBiasCubeRoot: Float = -cbrtf(opsinBias)

    /// libjxl's `CubeRootAndAdd`: an exponent guess and four Newton steps, then `cbrt(x) + add`.
    @inline(__always)
    private static func cubeRootAndAdd(_ x: SIMD8<Float>, _ add: SIMD8<Float>) -> SIMD8<Float> {
        let oneThird = SIMD8<Float>(repeating: 1.0 / 3)
        let fourThirds = SIMD8<Float>(repeating: 4.0 / 3)
        let xThird = oneThird * x
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        // Zero where x is +0, as a mask that is all ones in those lanes and nothing else: the
        // sign of `(bits - 1) & ~bits` is set exactly when bits == 0. (`.==` on integer lanes and
        // `replace(with:where:)` went through the stack lane by lane, a fifth of the metric.)
        let zeroLanes = ((bits &- 1) & ~bits) &>> 31
        let guessBits = (SIMD8<Int32>(repeating: 0x5480_0000) &- (bits &>> 23) &* 0x002A_AAAA) & ~zeroLanes
        var r = unsafeBitCast(guessBits, to: SIMD8<Float>.self)
        for _ in 0..<3 {
            let r2 = r * r
            r = fused(-xThird, r2 * r2, fourThirds * r)
        }
        var r2 = r * r
        r = fused(oneThird, fused(-x, r2 * r2, r), r)
        r2 = r * r
        return fused(r2, x, add)
    }

    /// Linear RGB planes to SSIMULACRA2's positive XYB: X * 14 + 0.42, Y + 0.01,
    /// (B - Y) + 0.55. Pointwise over the whole (padded) planes, eight values at a time.
    static func positiveXYB(from linear: Planes, into xyb: Planes) {
        xyb.resize(width: linear.width, height: linear.height)
        let count = linear.width * linear.height
        let red = UnsafeMutableRawPointer(linear.plane(0))
        let green = UnsafeMutableRawPointer(linear.plane(1))
        let blue = UnsafeMutableRawPointer(linear.plane(2))
        let outX = UnsafeMutableRawPointer(xyb.plane(0))
        let outY = UnsafeMutableRawPointer(xyb.plane(1))
        let outB = UnsafeMutableRawPointer(xyb.plane(2))
        let bias = SIMD8<Float>(repeating: opsinBias)
        let add = SIMD8<Float>(repeating: negativeBiasCubeRoot)
        let half = SIMD8<Float>(repeating: 0.5)
        let m00v = SIMD8(repeating: m00)
        let m01v = SIMD8(repeating: m01)
        let m02v = SIMD8(repeating: m02)
        let m10v = SIMD8(repeating: m10)
        let m11v = SIMD8(repeating: m11)
        let m12v = SIMD8(repeating: m12)
        let m20v = SIMD8(repeating: m20)
        let m21v = SIMD8(repeating: m21)
        let m22v = SIMD8(repeating: m22)
        var i = 0
        while i < count {
            let offset = i * MemoryLayout<Float>.stride
            let r = red.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let g = green.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let b = blue.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            var mixed0 = fused(m00v, r, fused(m01v, g, fused(m02v, b, bias)))
            var mixed1 = fused(m10v, r, fused(m11v, g, fused(m12v, b, bias)))
            var mixed2 = fused(m20v, r, fused(m21v, g, fused(m22v, b, bias)))
            mixed0 = zeroingNegatives(mixed0)
            mixed1 = zeroingNegatives(mixed1)
            mixed2 = zeroingNegatives(mixed2)
            mixed0 = cubeRootAndAdd(mixed0, add)
            mixed1 = cubeRootAndAdd(mixed1, add)
            mixed2 = cubeRootAndAdd(mixed2, add)
            let x = half * (mixed0 - mixed1)
            let y = half * (mixed0 + mixed1)
            outX.storeBytes(of: x * 14 + 0.42, toByteOffset: offset, as: SIMD8<Float>.self)
            outY.storeBytes(of: y + 0.01, toByteOffset: offset, as: SIMD8<Float>.self)
            outB.storeBytes(of: (mixed2 - y) + 0.55, toByteOffset: offset, as: SIMD8<Float>.self)
            i += 8
        }
    }
}
