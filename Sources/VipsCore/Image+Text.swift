import CVips

extension Image {
    /// How the lines of a text block line up.
    public enum TextAlignment: Int32, Sendable {
        case left = 0, centre = 1, right = 2
    }

    /// Renders Pango markup as an ink mask: one 8-bit band, 0 where there is no ink and 255 where
    /// it is solid, as large as the ink (not the font's line box).
    /// - Parameters:
    ///   - markup: Pango markup (`&`, `<` and `>` in plain text must be escaped).
    ///   - font: A Pango font description, "Liberation Sans Bold 40"; at the default 72 dpi a
    ///     size in points is a size in pixels.
    ///   - spacing: Extra space between lines in pixels; 0 keeps the font's.
    /// - Throws: ``VipsError`` when the text cannot be laid out (an empty text, or no fonts).
    public static func textMask(
        markup: String, font: String, dpi: Int = 72, alignment: TextAlignment = .left, justify: Bool = false,
        spacing: Int = 0
    ) throws -> Image {
        try Vips.initialise()
        var out: UnsafeMutablePointer<VipsImage>? = nil
        let status = Vips.guardingOrc {
            cvips_text(&out, markup, font, Int32(dpi), alignment.rawValue, justify ? 1 : 0, Int32(max(0, spacing)))
        }
        guard status == 0, let out else {
            if let out { cvips_unref(out) }
            throw VipsError.fromLibvips(.operationFailed, context: "text")
        }
        return Image(owning: out, source: "text", watchdogs: [])
    }

    /// The same pixels read as sRGB (bands joined from grey planes keep the grey interpretation,
    /// which compositing would convert as grey).
    public func taggedSRGB() throws -> Image {
        try apply("copy") { cvips_copy_interpretation(pointer, $0, Int32(VIPS_INTERPRETATION_sRGB.rawValue)) }
    }
}
