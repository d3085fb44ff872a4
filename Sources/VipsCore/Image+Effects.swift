import CVips

extension Image {
    /// Gaussian blur with standard deviation `sigma` pixels.
    public func blurred(sigma: Double) throws -> Image {
        guard sigma > 0 else { return self }
        return try apply("gaussblur") { cvips_gaussblur(pointer, $0, sigma) }
    }

    /// Gaussian blur whose cost stops growing with `sigma`: from sigma 16 on, the image is
    /// reduced by k = sigma / 4 (a box average, its edges first extended by more than 3 sigma as
    /// the exact blur extends them), blurred by sigma / k and enlarged back (bicubic). A blur that
    /// wide keeps no detail finer than k pixels, so little is lost: within a few levels of
    /// ``blurred(sigma:)`` (the tests bound it). Below sigma 16 it is ``blurred(sigma:)``.
    public func blurredAtReducedSize(sigma: Double) throws -> Image {
        let k = Int(sigma / 4)
        guard sigma >= 16, k >= 2 else { return try blurred(sigma: sigma) }
        // Whole blocks of k around the image, at least 3 sigma of them: the blocks that the box
        // average and the enlargement read near an edge hold the edge's own colours.
        let pad = (Int((3 * sigma).rounded(.up)) / k + 1) * k
        let extended = try embed(x: pad, y: pad, width: width + 2 * pad, height: height + 2 * pad, extend: .copy)
        let reduced = try extended.apply("shrink") { cvips_shrink(extended.pointer, $0, Int32(k), Int32(k)) }
        // The small blurred image is computed once, in memory: the enlargement reads it strip by
        // strip, and each strip would otherwise reduce k times its height of the source again
        // (a 69 MP photo then spent most of a minute in the allocator).
        let small = try reduced.blurred(sigma: sigma / Double(k)).materialised()
        let enlarged = try small.resized(horizontal: Double(k), kernel: .cubic)
        return try enlarged.extractArea(left: pad, top: pad, width: width, height: height)
    }

    /// The colour bands multiplied by alpha (as floats), for filters that mix neighbouring
    /// pixels: a transparent pixel's colour then weighs nothing.
    public func premultiplied() throws -> Image {
        try apply("premultiply") { cvips_premultiply(pointer, $0) }
    }

    /// The inverse of ``premultiplied()`` (floats; cast back to 8 bits after).
    public func unpremultiplied() throws -> Image {
        try apply("unpremultiply") { cvips_unpremultiply(pointer, $0) }
    }

    /// Unsharp-mask sharpening with the given `sigma` (libvips's sharpen).
    public func sharpened(sigma: Double) throws -> Image {
        try apply("sharpen") { cvips_sharpen(pointer, $0, sigma) }
    }

    /// Bands `first` ..< `first + count`.
    public func bands(_ first: Int, count: Int = 1) throws -> Image {
        try apply("extract_band") { cvips_extract_band(pointer, $0, Int32(first), Int32(count)) }
    }

    /// The smallest alpha value (255 for an opaque 8-bit image, and for one with no alpha):
    /// reads every pixel of the alpha band.
    public func minimumAlpha() throws -> Double {
        guard hasAlpha else { return 255 }
        let alpha = try bands(bands - 1)
        var value = 0.0
        let status = Vips.guardingOrc { cvips_min(alpha.pointer, &value) }
        guard status == 0 else { throw alpha.failure(.operationFailed, context: "\(source): min") }
        return value
    }

    /// Whether every pixel is grey (red, green and blue equal; alpha not looked at). One or two
    /// bands are grey. Reads every pixel (an image in memory in place, without a copy) until
    /// one differs: call it on a ``materialised()`` image when the pixels are read again after.
    public func isGrey() throws -> Bool {
        guard bands >= 3 else { return true }
        let eightBit = isEightBit ? self : try apply("cast") { cvips_cast(pointer, $0, Int32(VIPS_FORMAT_UCHAR.rawValue)) }
        let status = cvips_is_grey(eightBit.pointer)
        guard status >= 0 else { throw eightBit.failure(.operationFailed, context: "\(source): grey test") }
        return status == 1
    }

    /// Appends the bands of `other` (same size).
    public func joined(with other: Image) throws -> Image {
        try apply("bandjoin", with: [other]) { cvips_bandjoin2(pointer, other.pointer, $0) }
    }

    /// Pixel-wise product with `other`.
    public func multiplied(by other: Image) throws -> Image {
        try apply("multiply", with: [other]) { cvips_multiply(pointer, other.pointer, $0) }
    }

    /// `value × a + b` for every pixel.
    public func linear(_ a: Double, _ b: Double) throws -> Image {
        try apply("linear") { cvips_linear1(pointer, $0, a, b) }
    }

    /// Casts to 8-bit unsigned, clipping.
    public func castToEightBit() throws -> Image {
        guard !isEightBit else { return self }
        return try apply("cast") { cvips_cast(pointer, $0, Int32(VIPS_FORMAT_UCHAR.rawValue)) }
    }

    /// Draws `overlay` over this image at (`x`, `y`) with ordinary alpha blending.
    public func composited(with overlay: Image, x: Int, y: Int) throws -> Image {
        try apply("composite2", with: [overlay]) {
            cvips_composite2(pointer, overlay.pointer, $0, Int32(VIPS_BLEND_MODE_OVER.rawValue), Int32(x), Int32(y))
        }
    }
}
