import Dispatch

extension SSIMULACRA2 {
    /// Sums over one channel at one scale of the three error maps, as 1-norm and 4th powers.
    struct ChannelSums {
        var ssim = 0.0
        var ssim4 = 0.0
        var artifact = 0.0
        var artifact4 = 0.0
        var detailLost = 0.0
        var detailLost4 = 0.0

        static func + (lhs: ChannelSums, rhs: ChannelSums) -> ChannelSums {
            ChannelSums(
                ssim: lhs.ssim + rhs.ssim, ssim4: lhs.ssim4 + rhs.ssim4,
                artifact: lhs.artifact + rhs.artifact, artifact4: lhs.artifact4 + rhs.artifact4,
                detailLost: lhs.detailLost + rhs.detailLost,
                detailLost4: lhs.detailLost4 + rhs.detailLost4)
        }
    }

    /// Column strips for the vertical pass: one per core. Wide strips read the row-blurred
    /// images in long sequential runs (which the prefetcher likes better than narrow strips
    /// that keep their state in L1); the state, 30 rows of a strip, stays in L2.
    static let verticalStrips = 2
    /// Below this many pixels a channel is processed on the calling thread only.
    static let parallelThreshold = 128 * 128
    static let ssimC2: Float = 0.0009

    /// The reference's half of one channel: blurs `img1` and `img1²` into `mu1` and `sigma11`
    /// (full planes, kept for every distorted image scored against it).
    static func referenceBlurs(
        _ img1: UnsafeMutablePointer<Float>, width: Int, height: Int, blur: RecursiveGaussian,
        scratch: Planes, mu1: UnsafeMutablePointer<Float>, sigma11: UnsafeMutablePointer<Float>
    ) {
        scratch.resize(width: width, height: height)
        let parallel = width * height >= parallelThreshold
        let hMu1 = scratch.plane(0)
        let hS11 = scratch.plane(1)
        let rowBands = parallel ? 8 : 1
        Parallel.forEach(rowBands, parallel: parallel) { band in
            let p11 = UnsafeMutablePointer<Float>.allocate(capacity: width)
            defer { p11.deallocate() }
            for y in (band * height / rowBands)..<((band + 1) * height / rowBands) {
                let offset = y * width
                let a = img1 + offset
                for x in 0..<width { p11[x] = a[x] * a[x] }
                blur.horizontal(a, width: width, into: hMu1 + offset)
                blur.horizontal(p11, width: width, into: hS11 + offset)
            }
        }
        let inputs = [UnsafePointer(hMu1), UnsafePointer(hS11)]
        let outputs = [mu1, sigma11]
        forEachStrip(width: width, parallel: parallel) { strip, x0, count in
            verticalStrip(inputs: inputs, x0: x0, count: count, width: width, height: height, blur: blur) {
                n, rows in
                for image in 0..<2 {
                    (outputs[image] + n * width + x0).update(from: rows[image], count: count)
                }
            }
        }
    }

    /// The distorted image's half of one channel: blurs `img2`, `img2²` and `img1·img2` and
    /// accumulates the SSIM and edge-difference maps against the reference's `mu1` and
    /// `sigma11` without storing them.
    ///
    /// The horizontal pass writes the three row-blurred images to `scratch` (split by rows
    /// across cores); the vertical pass then runs the three recurrences in lockstep down
    /// column strips (split by strips across cores) and folds each finished row straight into
    /// the map sums, so the blurred images are never written.
    static func channelSums(
        _ img1: UnsafeMutablePointer<Float>, _ img2: UnsafeMutablePointer<Float>,
        mu1: UnsafeMutablePointer<Float>, sigma11: UnsafeMutablePointer<Float>,
        width: Int, height: Int, blur: RecursiveGaussian, scratch: Planes
    ) -> ChannelSums {
        scratch.resize(width: width, height: height)
        let parallel = width * height >= parallelThreshold
        let hMu2 = scratch.plane(0)
        let hS22 = scratch.plane(1)
        let hS12 = scratch.plane(2)

        // Horizontal pass.
        let rowBands = parallel ? 8 : 1
        Parallel.forEach(rowBands, parallel: parallel) { band in
            let products = UnsafeMutablePointer<Float>.allocate(capacity: 2 * width)
            defer { products.deallocate() }
            let p22 = products
            let p12 = products + width
            for y in (band * height / rowBands)..<((band + 1) * height / rowBands) {
                let offset = y * width
                let a = img1 + offset
                let b = img2 + offset
                for x in 0..<width {
                    p22[x] = b[x] * b[x]
                    p12[x] = a[x] * b[x]
                }
                blur.horizontal(b, width: width, into: hMu2 + offset)
                blur.horizontal(p22, width: width, into: hS22 + offset)
                blur.horizontal(p12, width: width, into: hS12 + offset)
            }
        }

        // Vertical pass and maps.
        let strips = parallel ? verticalStrips : 1
        let results = UnsafeMutablePointer<ChannelSums>.allocate(capacity: strips)
        results.initialize(repeating: ChannelSums(), count: strips)
        defer { results.deallocate() }
        let inputs = [UnsafePointer(hMu2), UnsafePointer(hS22), UnsafePointer(hS12)]
        forEachStrip(width: width, parallel: parallel) { strip, x0, count in
            var sums = ChannelSums()
            verticalStrip(inputs: inputs, x0: x0, count: count, width: width, height: height, blur: blur) {
                n, rows in
                let offset = n * width + x0
                accumulateMaps(
                    img1: img1 + offset, img2: img2 + offset,
                    mu1: mu1 + offset, mu2: rows[0], sigma11: sigma11 + offset, sigma22: rows[1],
                    sigma12: rows[2], count: count, into: &sums)
            }
            results[strip] = sums
        }
        var total = ChannelSums()
        for strip in 0..<strips { total = total + results[strip] }
        return total
    }

    /// Both halves of one channel for a single pair: blurs `img1`, `img2`, `img1²`, `img2²`
    /// and `img1·img2` (the horizontal pass to `scratch`, five planes, split by rows across
    /// cores), then runs the five vertical recurrences in lockstep down column strips and
    /// folds each finished row straight into the map sums. The same arithmetic as
    /// ``referenceBlurs`` followed by ``channelSums``, without keeping the reference's blurs.
    static func pairChannelSums(
        _ img1: UnsafeMutablePointer<Float>, _ img2: UnsafeMutablePointer<Float>,
        width: Int, height: Int, blur: RecursiveGaussian, scratch: Planes
    ) -> ChannelSums {
        scratch.resize(width: width, height: height)
        let parallel = width * height >= parallelThreshold
        let planes = (0..<5).map { scratch.plane($0) }
        let rowBands = parallel ? 8 : 1
        Parallel.forEach(rowBands, parallel: parallel) { band in
            let products = UnsafeMutablePointer<Float>.allocate(capacity: 3 * width)
            defer { products.deallocate() }
            let p11 = products
            let p22 = products + width
            let p12 = products + 2 * width
            for y in (band * height / rowBands)..<((band + 1) * height / rowBands) {
                let offset = y * width
                let a = img1 + offset
                let b = img2 + offset
                for x in 0..<width {
                    p11[x] = a[x] * a[x]
                    p22[x] = b[x] * b[x]
                    p12[x] = a[x] * b[x]
                }
                blur.horizontal(a, width: width, into: planes[0] + offset)
                blur.horizontal(b, width: width, into: planes[1] + offset)
                blur.horizontal(p11, width: width, into: planes[2] + offset)
                blur.horizontal(p22, width: width, into: planes[3] + offset)
                blur.horizontal(p12, width: width, into: planes[4] + offset)
            }
        }
        let strips = parallel ? verticalStrips : 1
        let results = UnsafeMutablePointer<ChannelSums>.allocate(capacity: strips)
        results.initialize(repeating: ChannelSums(), count: strips)
        defer { results.deallocate() }
        let inputs = planes.map { UnsafePointer($0) }
        forEachStrip(width: width, parallel: parallel) { strip, x0, count in
            var sums = ChannelSums()
            verticalStrip(inputs: inputs, x0: x0, count: count, width: width, height: height, blur: blur) {
                n, rows in
                let offset = n * width + x0
                accumulateMaps(
                    img1: img1 + offset, img2: img2 + offset, mu1: rows[0], mu2: rows[1], sigma11: rows[2],
                    sigma22: rows[3], sigma12: rows[4], count: count, into: &sums)
            }
            results[strip] = sums
        }
        var total = ChannelSums()
        for strip in 0..<strips { total = total + results[strip] }
        return total
    }

    /// Runs `body(strip, x0, count)` over column strips, one per core when `parallel`.
    /// Strip widths are multiples of 4 (whole SIMD steps) except the last.
    private static func forEachStrip(
        width: Int, parallel: Bool, _ body: (_ strip: Int, _ x0: Int, _ count: Int) -> Void
    ) {
        let strips = parallel ? verticalStrips : 1
        let stripWidth = (width + 4 * strips - 1) / (4 * strips) * 4
        Parallel.forEach(strips, parallel: parallel && strips > 1) { strip in
            let x0 = min(strip * stripWidth, width)
            let count = min(stripWidth, width - x0)
            guard count > 0 else { return }
            body(strip, x0, count)
        }
    }

    /// The vertical recurrence (`FastGaussianVertical`) for `inputs` (row-blurred images) in
    /// lockstep over columns `x0 ..< x0 + count`; `row(n, outputs)` receives output row `n`
    /// of every image (`count` values each, valid until the next call).
    private static func verticalStrip(
        inputs: [UnsafePointer<Float>], x0: Int, count: Int, width: Int, height: Int,
        blur: RecursiveGaussian, row: (Int, UnsafePointer<UnsafeMutablePointer<Float>>) -> Void
    ) {
        let images = inputs.count
        // Per image: 3 filters x 2 rows of state, then one output row; one zero row.
        let rowsPerImage = 7
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: (images * rowsPerImage + 1) * count)
        memory.initialize(repeating: 0, count: (images * rowsPerImage + 1) * count)
        defer { memory.deallocate() }
        let zero = UnsafePointer(memory + images * rowsPerImage * count)
        @inline(__always) func state(_ image: Int, _ row: Int) -> UnsafeMutablePointer<Float> {
            memory + (image * rowsPerImage + row) * count
        }
        let outputs = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: images)
        defer { outputs.deallocate() }
        for image in 0..<images { outputs[image] = state(image, 6) }
        let big = blur.radius
        let n2 = blur.n2
        let d1 = blur.d1
        #if VARIANT_HARDWARE_FMA
        let n2x1 = SIMD8(repeating: n2[0])
        let negD1x1 = SIMD8(repeating: -d1[0])
        let n2x3 = SIMD8(repeating: n2[1])
        let negD1x3 = SIMD8(repeating: -d1[1])
        let n2x5 = SIMD8(repeating: n2[2])
        let negD1x5 = SIMD8(repeating: -d1[2])
        #else
        let n2x1 = SIMD4(repeating: Double(n2[0]))
        let negD1x1 = SIMD4(repeating: -Double(d1[0]))
        let n2x3 = SIMD4(repeating: Double(n2[1]))
        let negD1x3 = SIMD4(repeating: -Double(d1[1]))
        let n2x5 = SIMD4(repeating: Double(n2[2]))
        let negD1x5 = SIMD4(repeating: -Double(d1[2]))
        #endif
        var parity = 0
        var n = -big + 1
        while n < height {
            let top = n - big - 1
            let bottom = n + big - 1
            for image in 0..<images {
                let source = inputs[image] + x0
                let up = top >= 0 ? source + top * width : zero
                let down = bottom < height ? source + bottom * width : zero
                // y[n-1] lives in row `parity ^ 1`, y[n-2] in row `parity`; y[n] replaces
                // y[n-2].
                let prev1 = state(image, 1 - parity)
                let older1 = state(image, parity)
                let prev3 = state(image, 3 - parity)
                let older3 = state(image, 2 + parity)
                let prev5 = state(image, 5 - parity)
                let older5 = state(image, 4 + parity)
                let out = outputs[image]
                var x = 0
                #if VARIANT_HARDWARE_FMA
                while x &+ 8 <= count {
                    let sum = load8(up, x) + load8(down, x)
                    let y1 = verticalFilter(sum, n2x1, negD1x1, prev1, older1, x)
                    let y3 = verticalFilter(sum, n2x3, negD1x3, prev3, older3, x)
                    let y5 = verticalFilter(sum, n2x5, negD1x5, prev5, older5, x)
                    store8(y1 + (y3 + y5), out, x)
                    x &+= 8
                }
                #else
                while x &+ 4 <= count {
                    let sum = widen(load(up, x) + load(down, x))
                    let y1 = verticalFilter(sum, n2x1, negD1x1, prev1, older1, x)
                    let y3 = verticalFilter(sum, n2x3, negD1x3, prev3, older3, x)
                    let y5 = verticalFilter(sum, n2x5, negD1x5, prev5, older5, x)
                    store(y1 + (y3 + y5), out, x)
                    x &+= 4
                }
                #endif
                while x < count {
                    let sum = up[x] + down[x]
                    let y1 = fused(n2[0], sum, fused(-d1[0], prev1[x], -older1[x]))
                    let y3 = fused(n2[1], sum, fused(-d1[1], prev3[x], -older3[x]))
                    let y5 = fused(n2[2], sum, fused(-d1[2], prev5[x], -older5[x]))
                    older1[x] = y1
                    older3[x] = y3
                    older5[x] = y5
                    out[x] = y1 + (y3 + y5)
                    x += 1
                }
            }
            parity ^= 1
            if n >= 0 { row(n, outputs) }
            n += 1
        }
    }

    /// One step of one filter for four columns (eight with the hardware FMA):
    /// `y = n2 * sum - d1 * prev - older`, as `MulAdd(n2, sum, NegMulSub(d1, prev, older))`;
    /// `y` replaces `older`.
    #if VARIANT_HARDWARE_FMA
    @inline(__always)
    private static func verticalFilter(
        _ sum: SIMD8<Float>, _ n2: SIMD8<Float>, _ negD1: SIMD8<Float>,
        _ prev: UnsafeMutablePointer<Float>, _ older: UnsafeMutablePointer<Float>, _ x: Int
    ) -> SIMD8<Float> {
        let feedback = (-load8(older, x)).addingProduct(negD1, load8(prev, x))
        let y = feedback.addingProduct(n2, sum)
        store8(y, older, x)
        return y
    }

    @inline(__always)
    static func load8(_ base: UnsafePointer<Float>, _ x: Int) -> SIMD8<Float> {
        UnsafeRawPointer(base.advanced(by: x)).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load8(_ base: UnsafeMutablePointer<Float>, _ x: Int) -> SIMD8<Float> {
        UnsafeRawPointer(base.advanced(by: x)).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store8(_ value: SIMD8<Float>, _ base: UnsafeMutablePointer<Float>, _ x: Int) {
        UnsafeMutableRawPointer(base + x).storeBytes(of: value, as: SIMD8<Float>.self)
    }
    #else
    @inline(__always)
    private static func verticalFilter(
        _ sum: SIMD4<Double>, _ n2: SIMD4<Double>, _ negD1: SIMD4<Double>,
        _ prev: UnsafeMutablePointer<Float>, _ older: UnsafeMutablePointer<Float>, _ x: Int
    ) -> SIMD4<Float> {
        let feedback = rounded(negD1 * widen(load(prev, x)) - widen(load(older, x)))
        let y = narrow(n2 * sum + feedback)
        store(y, older, x)
        return y
    }
    #endif

    @inline(__always)
    static func magnitude(_ v: SIMD4<Float>) -> SIMD4<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD4<UInt32>.self) & 0x7FFF_FFFF, to: SIMD4<Float>.self)
    }

    @inline(__always)
    static func load(_ base: UnsafePointer<Float>, _ x: Int) -> SIMD4<Float> {
        UnsafeRawPointer(base.advanced(by: x)).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func load(_ base: UnsafeMutablePointer<Float>, _ x: Int) -> SIMD4<Float> {
        UnsafeRawPointer(base.advanced(by: x)).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD4<Float>, _ base: UnsafeMutablePointer<Float>, _ x: Int) {
        UnsafeMutableRawPointer(base + x).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    /// `SSIMMap` (SSIM without the luminance denominator, as 1 - SSIM') and `EdgeDiffMap`
    /// (ringing where the distorted image has edges the original lacks, blur where it lost
    /// them) for one row, in the reference's mix of float and double.
    @inline(__always)
    private static func accumulateMaps(
        img1: UnsafePointer<Float>, img2: UnsafePointer<Float>,
        mu1: UnsafePointer<Float>, mu2: UnsafePointer<Float>,
        sigma11: UnsafePointer<Float>, sigma22: UnsafePointer<Float>, sigma12: UnsafePointer<Float>,
        count: Int, into sums: inout ChannelSums
    ) {
        // Four pixels at a time; the per-pixel arithmetic is the reference's, only the
        // order of the double sums differs (by about 1e-16).
        var ssimV = SIMD4<Double>()
        var ssim4V = SIMD4<Double>()
        var artifactV = SIMD4<Double>()
        var artifact4V = SIMD4<Double>()
        var lostV = SIMD4<Double>()
        var lost4V = SIMD4<Double>()
        let c2 = SIMD4<Float>(repeating: ssimC2)
        var x = 0
        while x &+ 4 <= count {
            let m1 = load(mu1, x)
            let m2 = load(mu2, x)
            let mu11 = m1 * m1
            let mu22 = m2 * m2
            let mu12 = m1 * m2
            let numM = 1 - (m1 - m2) * (m1 - m2)
            let numS = 2 * (load(sigma12, x) - mu12) + c2
            let denS = (load(sigma11, x) - mu11) + (load(sigma22, x) - mu22) + c2
            var d = 1 - widen(numM * numS / denS)
            d = zeroingNegatives(d)
            ssimV += d
            var d2 = d * d
            ssim4V += d2 * d2

            let distortedEdge = widen(magnitude(load(img2, x) - m2))
            let originalEdge = widen(magnitude(load(img1, x) - m1))
            let edge = (1 + distortedEdge) / (1 + originalEdge) - 1
            var up = edge
            up = zeroingNegatives(up)
            artifactV += up
            d2 = up * up
            artifact4V += d2 * d2
            var down = -edge
            down = zeroingNegatives(down)
            lostV += down
            d2 = down * down
            lost4V += d2 * d2
            x &+= 4
        }
        var ssim = ssimV.sum()
        var ssim4 = ssim4V.sum()
        var artifact = artifactV.sum()
        var artifact4 = artifact4V.sum()
        var lost = lostV.sum()
        var lost4 = lost4V.sum()
        while x < count {
            let m1 = mu1[x]
            let m2 = mu2[x]
            let mu11 = m1 * m1
            let mu22 = m2 * m2
            let mu12 = m1 * m2
            let numM: Float = 1 - (m1 - m2) * (m1 - m2)
            let numS: Float = 2 * (sigma12[x] - mu12) + ssimC2
            let denS: Float = (sigma11[x] - mu11) + (sigma22[x] - mu22) + ssimC2
            let d = max(1.0 - Double(numM * numS / denS), 0)
            ssim += d
            var d2 = d * d
            ssim4 += d2 * d2
            let edge =
                (1.0 + Double(abs(img2[x] - m2))) / (1.0 + Double(abs(img1[x] - m1))) - 1.0
            let up = max(edge, 0)
            artifact += up
            d2 = up * up
            artifact4 += d2 * d2
            let down = max(-edge, 0)
            lost += down
            d2 = down * down
            lost4 += d2 * d2
            x += 1
        }
        sums.ssim += ssim
        sums.ssim4 += ssim4
        sums.artifact += artifact
        sums.artifact4 += artifact4
        sums.detailLost += lost
        sums.detailLost4 += lost4
    }
}
