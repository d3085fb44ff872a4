import CVips

extension Image {
    /// Rotates and flips the image upright according to its EXIF orientation and removes the tag.
    public func upright() throws -> Image {
        guard orientation != 1 else { return self }
        return try apply("autorot") { cvips_autorot(pointer, $0) }
    }

    /// Converts to 8-bit sRGB (3 bands, or 4 with alpha), using the embedded ICC profile when
    /// there is one, so that stripping metadata afterwards does not shift colours.
    /// - Parameter keepingSRGBProfiles: Leave the pixels of an image whose profile is an sRGB
    ///   profile (``ICCProfile/isSRGB(_:)``) as they are, for callers that measure rather than
    ///   deliver: for the common 3144-byte sRGB profile the transform changed no pixel (three
    ///   TestImages, max difference 0), and skipping it took the CPU time of a 12 MP `variant
    ///   crop` to 0.97×.
    public func toSRGB(keepingSRGBProfiles: Bool = false) throws -> Image {
        var image = self
        let transform = hasICCProfile && profileDescribesPixels
            && !(keepingSRGBProfiles && cvips_interpretation(pointer) == Int32(VIPS_INTERPRETATION_sRGB.rawValue)
                 && iccProfile.map(ICCProfile.isSRGB) == true)
        // A profile libvips cannot use (damaged tags: "Couldn't link the profiles") is ignored and
        // the pixels read as sRGB, as browsers do and as libvips itself does for unparseable ones.
        if transform, let transformed = try? apply("icc_transform", { cvips_icc_transform_srgb(pointer, $0) }) {
            image = transformed
        }
        if cvips_interpretation(image.pointer) != Int32(VIPS_INTERPRETATION_sRGB.rawValue) || image.bands < 3 {
            let current = image
            image = try current.apply("colourspace") {
                cvips_colourspace(current.pointer, $0, Int32(VIPS_INTERPRETATION_sRGB.rawValue))
            }
        }
        if !image.isEightBit {
            let current = image
            image = try current.apply("cast") { cvips_cast(current.pointer, $0, Int32(VIPS_FORMAT_UCHAR.rawValue)) }
        }
        return image
    }

    /// Whether the embedded profile is for the kind of pixels the image has. libvips's thumbnail
    /// converts CMYK to sRGB and leaves the CMYK profile attached: applying it again read RGB and
    /// alpha as four inks (a CMYK image with alpha came out nearly black, its alpha gone). A
    /// profile describes device values only: a CIELAB TIFF carrying its source's sRGB profile
    /// read Lab as RGB (a QA pass found it dark red at its own size, SSIMULACRA2 −238), so
    /// colourimetric spaces (Lab, XYZ, LCh, scRGB …) convert by their interpretation alone.
    var profileDescribesPixels: Bool {
        guard let space = iccColourSpace else { return false }
        func kind(_ i: VipsInterpretation) -> Int32 { Int32(i.rawValue) }
        switch cvips_interpretation(pointer) {
        case kind(VIPS_INTERPRETATION_CMYK): return space == "CMYK"
        case kind(VIPS_INTERPRETATION_B_W), kind(VIPS_INTERPRETATION_GREY16): return space == "GRAY"
        case kind(VIPS_INTERPRETATION_sRGB), kind(VIPS_INTERPRETATION_RGB), kind(VIPS_INTERPRETATION_RGB16): return space == "RGB "
        // Bands with no colour meaning of their own: the profile says what they are.
        case kind(VIPS_INTERPRETATION_MULTIBAND):
            return (space == "RGB " && bands >= 3) || (space == "GRAY" && bands <= 2) || (space == "CMYK" && bands >= 4)
        default: return false
        }
    }

    /// Converts the pixel values to the sRGB colour space (3 bands, or 4 with alpha) without
    /// reading any embedded profile: for images already in sRGB or derived from sRGB
    /// (a greyscale made from sRGB pixels, say).
    public func colourspaceSRGB() throws -> Image {
        try apply("colourspace srgb") { cvips_colourspace(pointer, $0, Int32(VIPS_INTERPRETATION_sRGB.rawValue)) }
    }

    /// Converts to single-band (or grey + alpha) luminance.
    public func grayscale() throws -> Image {
        try apply("colourspace b-w") { cvips_colourspace(pointer, $0, Int32(VIPS_INTERPRETATION_B_W.rawValue)) }
    }
}
