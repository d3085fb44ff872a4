import CVips

extension Image {
    /// Gaussian blur with standard deviation `sigma` pixels.
    public func blurred(sigma: Double) throws -> Image {
        guard sigma > 0 else { return self }
        return try apply("gaussblur") { cvips_gaussblur(pointer, $0, sigma) }
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
