import CloudinaryTransform
import Foundation
import VipsCore

/// A text overlay (`l_text:<family>_<size>[_<style>…]:<text>` … `fl_layer_apply`) as the local
/// renderer draws it: the text in the font's nearest local match (Arial, Times New Roman and
/// Courier New have metric-compatible Liberation fonts, so lines take the same width), coloured
/// with the layer's `co_`, faded by its `o_`, and placed by the apply component's `g_`, `x_`
/// and `y_` (or the layer component's, when the apply component has none).
///
/// What it does not draw is listed in ``notRendered``: text styles from a saved template,
/// `stroke`, layer transformations other than colour and opacity, and placements other than
/// the nine compass gravities.
struct TextLayer: Sendable, Equatable {
    /// The components of the layer: the one with `l_text:` through the one with `fl_layer_apply`
    /// (the same one, in the one-component form).
    var components: ClosedRange<Int>
    var text: String
    var family: String
    var size: Int
    var bold = false
    var weight: String? = nil
    var italic = false
    var underline = false
    var strikethrough = false
    var alignment: Image.TextAlignment = .left
    var justify = false
    var letterSpacing: Double = 0
    var lineSpacing: Int = 0
    var colour = RGBAColour.black
    var opacity: Double = 100
    var placement = LayerPlacement()
    var notRendered: [String] = []

    /// Every text layer of `transformation` drawn on the base image (``LayerSpan/all(in:)``).
    static func layers(in transformation: Transformation) -> [TextLayer] {
        LayerSpan.all(in: transformation).compactMap(TextLayer.init(span:))
    }

    /// The text layer `span` opens; nil for another kind of layer or a saved text style.
    init?(span: LayerSpan) {
        guard span.layerValue.hasPrefix("text:"), let layer = TextLayer(layer: span.layerValue, components: span.components)
        else { return nil }
        self = layer
        // A layer inside a text layer would be drawn on the text: not done here, and its own
        // parameters are not the text's.
        var parts: [Component] = []
        for (offset, component) in span.parts.enumerated() {
            let index = span.components.lowerBound + offset
            if let inner = span.nested.first(where: { $0.contains(index) }) {
                if index == inner.lowerBound, let opening = component.first("l") ?? component.first("u") {
                    notRendered.append("\(opening.key)_\(opening.rawValue) (a layer inside a text layer)")
                }
                continue
            }
            parts.append(component)
        }
        read(parts)
    }

    /// The layer at the delivery's `dpr`: the font size, the spacings and the offsets
    /// multiplied (the reference's pepper example: dpr resizes the overlay as it does the image).
    func atDPR(_ dpr: Double) -> TextLayer {
        guard dpr != 1 else { return self }
        var layer = self
        layer.size = max(1, Int((Double(size) * dpr).rounded()))
        layer.letterSpacing = letterSpacing * dpr
        layer.lineSpacing = Int((Double(lineSpacing) * dpr).rounded())
        layer.placement = placement.atDPR(dpr)
        return layer
    }

    /// Parses `text:<style>:<text>`; nil when the style is not `<family>_<size>…` (a saved
    /// text style's public id, which only Cloudinary knows).
    init?(layer raw: String, components: ClosedRange<Int>) {
        let body = raw.dropFirst("text:".count)
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let tokens = body[..<colon].split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard tokens.count >= 2, let size = Int(tokens[1]), size > 0, !tokens[0].isEmpty else { return nil }
        self.components = components
        self.family = DeliveryURL.percentDecode(tokens[0])
        self.size = size
        // Decoded twice: once as the URL is, once as the text is (`%252C` is a comma).
        self.text = DeliveryURL.percentDecode(DeliveryURL.percentDecode(String(body[body.index(after: colon)...])))
        var i = 2
        while i < tokens.count {
            // As the validator reads them: lower case only (`Bold` is reported, not drawn).
            let token = tokens[i]
            switch token {
            case "bold": bold = true
            case "normal": break
            case "thin", "light": weight = token
            case "none": break  // stroke_none
            case "italic": italic = true
            case "underline": underline = true
            case "strikethrough": strikethrough = true
            case "left", "start": alignment = .left
            case "center": alignment = .centre
            case "right", "end": alignment = .right
            case "justify": justify = true
            case "antialias", "hinting":
                // antialias_<x>, hinting_<x>: rasteriser settings, ours are its own; a value the
                // validator does not know is said, as the old font_ reading said every one.
                let value = i + 1 < tokens.count ? tokens[i + 1] : ""
                let known = token == "antialias" ? Vocabulary.fontAntialiasing : Vocabulary.fontHinting
                if !known.contains(value) { notRendered.append("text style \(token)_\(value)") }
                i += 1
            case "letter", "line":
                // letter_spacing_<n>, line_spacing_<n>
                let value = i + 2 < tokens.count ? tokens[i + 2] : ""
                let name = i + 1 < tokens.count ? "\(token)_\(tokens[i + 1])" : token
                switch name {
                // Held to ±1000 px (a letter or a line further apart is no longer one text).
                case "letter_spacing":
                    if let v = Double(value), v.isFinite { letterSpacing = min(1000, max(-1000, v)) } else { notRendered.append(name + "_" + value) }
                case "line_spacing":
                    if let v = Int(value) { lineSpacing = min(1000, max(0, v)) } else { notRendered.append(name + "_" + value) }
                default: notRendered.append(name)
                }
                i += 2
            default: notRendered.append("text style \(tokens[i])")
            }
            i += 1
        }
    }

    /// Colour and opacity from the layer's components; placement from the apply component, or
    /// from the layer component when the apply component gives none.
    private mutating func read(_ components: [Component]) {
        placement = LayerPlacement(components, cropsInLayerComponent: false)
        for component in components {
            for parameter in component.parameters {
                let raw = parameter.rawValue
                switch parameter.key {
                case "l", "g", "x", "y": continue
                case "co":
                    if let c = RGBAColour(cloudinary: raw) { colour = c } else { notRendered.append("co_\(raw)") }
                case "o":
                    if let v = Double(raw), v.isFinite { opacity = min(100, max(0, v)) } else { notRendered.append("o_\(raw)") }
                case "fl":
                    for flag in raw.split(separator: ".") where flag != "layer_apply" && flag != "no_overflow" {
                        notRendered.append("fl_\(flag)")
                    }
                default:
                    notRendered.append("\(parameter.key)_\(raw) (in a text layer)")
                }
            }
        }
        notRendered += placement.notRendered
    }

    /// A bound on the laid-out text's size, known before laying it out: no glyph of these
    /// fonts is wider than its em, nor a line taller than one and a half. A long text at a
    /// large size asks Pango for gigabytes (3000 characters at 3000 px: 33 GB), so the renderer
    /// refuses one whose bound is over the source pixel limit rather than try.
    var sizeBound: (width: Int, height: Int) {
        // Scalars, not characters: a letter with two thousand combining marks is one character
        // but stacks two thousand marks; a tab counts as eight.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let longest = lines.map { $0.unicodeScalars.reduce(0) { $0 + ($1 == "\t" ? 8 : 1) } }.max() ?? 0
        let perLine = Double(size) * 1.5 + Double(lineSpacing)
        let spacing = max(0, letterSpacing) * Double(longest)
        return (Int(min(1e12, Double(longest) * Double(size) + spacing)), Int(min(1e12, Double(lines.count) * perLine)))
    }

    /// The text laid out as an ink mask (``Image/textMask(markup:font:dpi:alignment:justify:spacing:)``),
    /// after its ``sizeBound`` is checked against `maxPixels`.
    /// - Throws: `EngineError(.invalidTransformation)` naming `input` when the bound is over the limit.
    func mask(maxPixels: Int, input: String) throws -> Image {
        let bound = try checkedBound(maxPixels: maxPixels, input: input)
        do {
            return try Image.textMask(markup: markup, font: fontDescription, alignment: alignment, justify: justify,
                                      spacing: lineSpacing)
        } catch {
            // Cairo draws at most 32767 pixels a side, whatever the area.
            let reason = max(bound.width, bound.height) > Self.maxSide
                ? "is probably wider or taller than \(Self.maxSide) pixels, the most the text renderer draws"
                : "could not be laid out (\(error))"
            throw EngineError(.invalidTransformation, "its text layer (\(text.count) characters at \(size) px) \(reason)",
                              input: input)
        }
    }

    /// Cairo's limit on either side of an image surface.
    static let maxSide = 32767

    /// ``sizeBound``, or the error ``mask(maxPixels:input:)`` throws when it is over `maxPixels`.
    @discardableResult
    func checkedBound(maxPixels: Int, input: String) throws -> (width: Int, height: Int) {
        let bound = sizeBound
        let limit = Double(maxPixels)
        guard Double(bound.width) * Double(bound.height) <= limit else {
            throw EngineError(.invalidTransformation,
                              "its text layer (\(text.count) characters at \(size) px) could be up to "
                                + "\(bound.width)×\(bound.height) pixels, over the limit of "
                                + String(format: "%.0f", limit / 1_000_000) + " megapixels",
                              input: input)
        }
        return bound
    }

    /// The family as Pango is given it (empty: Pango's "Sans"): characters Pango reads as syntax
    /// (`,` separates families, digits at the end read as a size) are dropped or kept apart.
    var pangoFamily: String {
        family.filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" }
    }

    /// The Pango font description: the family, its weight and style, the size in pixels (points
    /// at 72 dpi).
    var fontDescription: String {
        let name = pangoFamily
        var parts = [name.isEmpty ? "Sans" : name + ","]
        if bold { parts.append("Bold") } else if let weight { parts.append(weight.capitalized) }
        if italic { parts.append("Italic") }
        parts.append(String(size))
        return parts.joined(separator: " ")
    }

    /// Stand-ins whose glyphs have the same widths as the family asked for (fontconfig's metric
    /// aliases), so the text takes the same room: keys and values folded by ``folded(_:)``.
    static let metricCompatible: [String: String] = [
        "arial": "liberationsans", "helvetica": "liberationsans", "arimo": "liberationsans",
        "timesnewroman": "liberationserif", "times": "liberationserif", "tinos": "liberationserif",
        "couriernew": "liberationmono", "courier": "liberationmono", "cousine": "liberationmono",
    ]

    /// fontconfig's generic names, folded: they name a kind of font, not one.
    static let genericFamilies: Set<String> = ["sans", "sansserif", "serif", "monospace", "mono", "cursive", "fantasy", "systemui", "emoji", "math"]

    static func folded(_ family: String) -> String {
        family.lowercased().filter { $0 != " " && $0 != "-" }
    }

    /// What the fonts installed here change about the text, as notes for the render: a family
    /// drawn in another one, and characters no font has (drawn as boxes). Cloudinary draws
    /// with its own fonts, so the local render differs from the delivered one there.
    func fontNotes(match: FontMatch?) -> [String] {
        let component = "component \(components.lowerBound): "
        guard let match else {
            return ["warning: " + component + "no font is installed here, so the text layer cannot be drawn as Cloudinary draws it [font-substituted]"]
        }
        var notes: [String] = []
        let name = familyAsked
        switch fontDifference(match) {
        case .none: break
        case .generic:
            notes.append("info: " + component + "\(name) is a generic family, drawn here with \(match.family); Cloudinary's "
                         + "fonts go by their names (Arial, Roboto …) [font-substituted]")
        case .metricTwin:
            notes.append("info: " + component + "the font \(name) is drawn with \(match.family), which has the same "
                         + "widths; the letters' shapes differ [font-substituted]")
        case .standIn:
            notes.append("warning: " + component + "the font \(name) is not installed here: the text is drawn with "
                         + "\(match.family), so its widths and letter shapes differ from Cloudinary's [font-substituted]")
        }
        if !match.missing.isEmpty {
            notes.append("warning: " + component + "no font here has \(Self.describe(missing: match.missing)): drawn as boxes [glyphs-missing]")
        }
        return notes
    }

    /// The family as asked, as Pango is given it ("Sans" for none).
    var familyAsked: String { pangoFamily.isEmpty ? "Sans" : pangoFamily }

    /// How the face fontconfig gives differs from the one asked for.
    enum FontDifference: Equatable {
        /// The family asked (by any of its names).
        case none
        /// A generic name (Sans, serif): any face of that kind.
        case generic
        /// A metric-compatible stand-in (Arial drawn with Liberation Sans): the same widths.
        case metricTwin
        /// Another face: other widths and shapes.
        case standIn
    }

    func fontDifference(_ match: FontMatch) -> FontDifference {
        let asked = Self.folded(familyAsked)
        guard !match.family.isEmpty, !match.names.contains(where: { Self.folded($0) == asked }) else { return .none }
        if Self.genericFamilies.contains(asked) { return .generic }
        return Self.metricCompatible[asked] == Self.folded(match.family) ? .metricTwin : .standIn
    }

    /// "3 characters of the text (日本語)", the first eight shown.
    static func describe(missing: [Unicode.Scalar]) -> String {
        let shown = missing.prefix(8).map { String($0) }.joined() + (missing.count > 8 ? "…" : "")
        return (missing.count == 1 ? "1 character of the text" : "\(missing.count) characters of the text") + " (\(shown))"
    }

    /// What fontconfig gives for this layer's family, style and text here.
    var fontMatch: FontMatch? { FontMatch.lookUp(family: familyAsked, bold: bold, italic: italic, text: text) }

    /// ``fontNotes(match:)`` for the fonts installed here.
    var fontNotes: [String] { fontNotes(match: fontMatch) }

    /// The text as Pango markup, with its decoration and letter spacing.
    var markup: String {
        // Control characters other than line breaks are dropped: a NUL (`%00`) would end the C
        // string Pango reads, and the others draw nothing.
        var visible = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar == "\n" || scalar == "\t" || scalar.properties.generalCategory != .control {
            visible.append(scalar)
        }
        let escaped = XMLText.escaped(String(visible))
        var attributes: [String] = []
        if underline { attributes.append("underline=\"single\"") }
        if strikethrough { attributes.append("strikethrough=\"true\"") }
        if letterSpacing != 0 { attributes.append("letter_spacing=\"\(Int((letterSpacing * 1024).rounded()))\"") }
        return attributes.isEmpty ? escaped : "<span \(attributes.joined(separator: " "))>\(escaped)</span>"
    }

    /// Whether the layer leaves no ink: `o_0`, a transparent colour, or a text of nothing but
    /// spaces, controls and characters drawn as nothing (a zero-width space or joiner, which
    /// Pango refused to lay out as "no text to render", failing the whole render).
    var drawsNothing: Bool {
        opacity <= 0 || colour.alpha == 0 || !text.unicodeScalars.contains { scalar in
            let p = scalar.properties
            return !(p.isWhitespace || p.isDefaultIgnorableCodePoint || p.generalCategory == .control || p.generalCategory == .format)
        }
    }

    /// Draws the text over `base` (8-bit sRGB, with or without alpha); the result has the same
    /// size and bands. Also returns the part past the base's edges (``LayerPlacement/overflow(of:size:at:on:)``).
    func drawn(over base: Image, maxPixels: Int, input: String) throws -> (Image, notRendered: [String]) {
        guard !drawsNothing else { return (base, []) }
        let mask = try mask(maxPixels: maxPixels, input: input)
        let (left, top) = position(of: (mask.width, mask.height), on: (base.width, base.height))
        let alpha = try mask.linear(opacity / 100 * Double(colour.alpha) / 255, 0).castToEightBit()
        var ink = try mask.linear(0, Double(colour.red)).castToEightBit()
        ink = try ink.joined(with: mask.linear(0, Double(colour.green)).castToEightBit())
        ink = try ink.joined(with: mask.linear(0, Double(colour.blue)).castToEightBit())
        let overlay = try ink.joined(with: alpha).taggedSRGB()
        let overflow = placement.overflow(of: "the text layer", size: (mask.width, mask.height), at: (left, top),
                                          on: (base.width, base.height))
        return (try LayerPlacement.composite(overlay, over: base, x: left, y: top), overflow.map { [$0] } ?? [])
    }

    /// Where the text's box goes on a canvas (``LayerPlacement/position(of:on:)``).
    func position(of size: (Int, Int), on canvas: (Int, Int)) -> (Int, Int) {
        placement.position(of: size, on: canvas)
    }
}
