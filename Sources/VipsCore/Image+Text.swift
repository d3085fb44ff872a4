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

/// How the fonts installed here serve a text: the family fontconfig picks for the one asked (the
/// one Pango draws with) and the characters no installed font has, which Pango draws as boxes.
public struct FontMatch: Sendable, Equatable {
    /// The family drawn; empty when fontconfig names none.
    public var family: String
    /// Every name the font drawn goes by (`family` first): "DejaVu Sans Condensed" is also
    /// "DejaVu Sans".
    public var names: [String]
    /// Characters of the text no font here has, each once, in the text's order.
    public var missing: [Unicode.Scalar]

    public init(family: String, names: [String]? = nil, missing: [Unicode.Scalar]) {
        self.family = family
        self.names = names ?? [family]
        self.missing = missing
    }

    /// What fontconfig gives for `family` (bold and italic as asked) and `text`; nil when
    /// fontconfig has no font at all.
    public static func lookUp(family: String, bold: Bool = false, italic: Bool = false, text: String) -> FontMatch? {
        // Each character once; spaces, controls, format characters and the ones Unicode says
        // are drawn as nothing (variation selectors, fillers) draw nothing of their own.
        var seen = Set<Unicode.Scalar>()
        var scalars: [UInt32] = []
        for scalar in text.unicodeScalars where !seen.contains(scalar) {
            seen.insert(scalar)
            if scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.isVariationSelector { continue }
            switch scalar.properties.generalCategory {
            case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: continue
            default: scalars.append(scalar.value)
            }
        }
        var name = [CChar](repeating: 0, count: 1024)
        var missing = [Int32](repeating: 0, count: max(1, scalars.count))
        let count = cvips_font_match(family, bold ? 1 : 0, italic ? 1 : 0, scalars, Int32(scalars.count), &name,
                                     name.count, &missing)
        guard count >= 0 else { return nil }
        let names = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.split(separator: "\n").map(String.init)
        return FontMatch(family: names.first ?? "", names: names,
                         missing: missing.prefix(Int(count)).compactMap { Unicode.Scalar(scalars[Int($0)]) })
    }
}
