import CloudinaryTransform
import Foundation
import VipsCore

/// The pixel effects of one component that the local renderer executes after the component's
/// geometry: `e_grayscale`, `e_blur[:n]`, `e_sharpen[:n]`, `o_`, `r_` and `bo_`.
struct ComponentEffects: Sendable {
    enum Effect: Sendable, Equatable {
        case grayscale
        /// Cloudinary strength 1...2000 (default 100).
        case blur(Double)
        /// Cloudinary strength 1...2000 (default 100).
        case sharpen(Double)
        /// Opacity 0...100.
        case opacity(Double)
        /// Corner radii: top-left, top-right, bottom-right, bottom-left; nil for `max`.
        case radius([Double]?)
        case border(width: Int, colour: RGBAColour)
    }

    var effects: [Effect] = []
    /// The component's `b_` colour: besides padding (the geometry's step), an opaque one is what
    /// the component's transparent areas show ("the background color to use instead of transparent
    /// background areas", Cloudinary's SDK reference). Kept apart from ``effects``: it changes
    /// nothing on an opaque image, so it must not stop a crop merging with the scale after it.
    var background: RGBAColour?
    var notRendered: [String] = []

    /// Whether a pixel's result depends on its neighbours (a blur or a sharpen).
    var readsNeighbours: Bool {
        effects.contains { if case .blur = $0 { true } else if case .sharpen = $0 { true } else { false } }
    }

    /// Parameters the renderer understands: the geometry's and the delivery settings'.
    static let geometryKeys: Set<String> = ["c", "w", "h", "ar", "g", "x", "y", "z", "dpr", "a", "b", "f", "q"]
    static let knownFlags: Set<String> = [
        "ignore_aspect_ratio", "progressive", "progressive:semi", "progressive:steep", "progressive:none", "png8",
        "lossy", "any_format", "strip_profile", "force_strip",
    ]
    /// Flags understood but not rendered, with the reason given beside them.
    static let unrenderedFlags: [String: String] = [
        "keep_iptc": "metadata is stripped from every local output",
        "keep_attribution": "metadata is stripped from every local output",
    ]

    /// - Parameter variables: The user variables declared so far (`$c_!red!` as `c: "!red!"`),
    ///   for a `b_$c`.
    init(_ component: Component, variables: [String: String] = [:]) {
        for parameter in component.parameters {
            let raw = parameter.rawValue
            switch parameter.key {
            case "e":
                let parts = raw.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let strength = parts.count > 1 ? Double(parts[1]) : nil
                // A strength that is not a number is not rendered (not quietly the default).
                if parts.count > 1, !(strength?.isFinite ?? false), ["blur", "sharpen"].contains(parts[0]) {
                    notRendered.append("e_\(raw)")
                    continue
                }
                // What is drawn otherwise than asked is said (found in review: e_grayscale:50 and
                // e_blur:50:2 rendered as e_grayscale and e_blur:50 without a word).
                if ["grayscale", "greyscale", "blur", "sharpen"].contains(parts[0]), parts.count > 2 {
                    notRendered.append("the :\(parts[2...].joined(separator: ":")) after e_\(parts[0]):\(parts[1]) (only a strength is read)")
                }
                switch parts[0] {
                case "grayscale", "greyscale":
                    effects.append(.grayscale)
                    if parts.count > 1, strength != 100 { notRendered.append("the :\(parts[1]) of e_\(raw) (drawn as full grayscale)") }
                case "blur": effects.append(.blur(strength ?? 100))
                case "sharpen": effects.append(.sharpen(strength ?? 100))
                case "upscale": break  // geometry
                default: notRendered.append("e_\(raw)")
                }
            case "o":
                if let value = Double(raw) { effects.append(.opacity(value)) } else { notRendered.append("o_\(raw)") }
            case "r":
                if raw == "max" {
                    effects.append(.radius(nil))
                } else {
                    let values = raw.split(separator: ":").compactMap { Double($0) }
                    if values.isEmpty || values.count > 4 {
                        notRendered.append("r_\(raw)")
                    } else {
                        effects.append(.radius(Self.expandCorners(values)))
                    }
                }
            case "bo":
                if let border = Self.parseBorder(raw) { effects.append(border) } else { notRendered.append("bo_\(raw)") }
            case "b":
                // A colour pads (with the geometry's step); b_auto, b_blurred, b_gen_fill … are
                // computed by Cloudinary from the image, and padded here with the default colour.
                // A variable's colour is its text (`$c_!red!` then `b_$c`), as the geometry pads
                // with it; one this render cannot read is said, not dropped (it was, silently).
                let value = raw.hasPrefix("$") ? variables[String(raw.dropFirst())].map(Transformation.unquoted) ?? raw : raw
                if let colour = RGBAColour(cloudinary: value) {
                    background = colour
                } else {
                    notRendered.append("b_\(raw) (padded with the default colour)")
                }
            case "fl":
                for flag in raw.split(separator: ".") where !Self.knownFlags.contains(String(flag)) {
                    notRendered.append("fl_\(flag)" + (Self.unrenderedFlags[String(flag)].map { " (\($0))" } ?? ""))
                }
            default:
                // `if_` conditions and `$variables` are evaluated with the geometry.
                let evaluated = Self.geometryKeys.contains(parameter.key) || parameter.key == "if" || parameter.key.hasPrefix("$")
                if !evaluated { notRendered.append("\(parameter.key)_\(raw)") }
            }
        }
    }

    /// CSS-style corner lists: 1 value all, 2 (tl+br, tr+bl), 3 (tl, tr+bl, br), 4 clockwise.
    static func expandCorners(_ v: [Double]) -> [Double] {
        switch v.count {
        case 1: [v[0], v[0], v[0], v[0]]
        case 2: [v[0], v[1], v[0], v[1]]
        case 3: [v[0], v[1], v[2], v[1]]
        default: Array(v.prefix(4))
        }
    }

    /// `<w>px_solid_<colour>`.
    static func parseBorder(_ raw: String) -> Effect? {
        guard let px = raw.range(of: "px_solid_") else { return nil }
        guard let width = Int(raw[raw.startIndex..<px.lowerBound]), width >= 0,
            let colour = RGBAColour(cloudinary: String(raw[px.upperBound...]))
        else { return nil }
        return .border(width: width, colour: colour)
    }

    /// Applies the effects in one order, whatever the order they were written in (parameters of
    /// a component have none, and the canonical form sorts them): the `e_` filters as written,
    /// then the border, then the rounded corners (the border follows them), then the opacity.
    func apply(to image: Image) throws -> Image {
        var image = image
        var border: (width: Int, colour: RGBAColour)?
        var corners: Corners?
        var opacity: Double?
        for effect in effects {
            switch effect {
            case .grayscale:
                // Back to three bands so every encoder and the later steps see sRGB.
                image = try image.grayscale().colourspaceSRGB()
            case .blur(let strength):
                // Cloudinary's strength scale is undocumented in pixels; 100 ≈ sigma 5. Colour is
                // blurred premultiplied, so that transparent pixels' hidden colour stays hidden.
                // Wide blurs are computed at reduced size: at full size e_blur:2000 (sigma 100)
                // cost minutes on a large photo.
                let sigma = max(0.3, strength / 20)
                image = try image.hasAlpha
                    ? image.premultiplied().blurredAtReducedSize(sigma: sigma).unpremultiplied().castToEightBit()
                    : image.blurredAtReducedSize(sigma: sigma).castToEightBit()
            case .sharpen(let strength):
                image = try image.sharpened(sigma: 0.5 + strength / 100).castToEightBit()
            case .opacity(let percent):
                opacity = max(0, min(100, percent)) / 100
            case .radius(let radii):
                corners = Corners(radii: radii)
            case .border(let width, let colour):
                border = (width, colour)
            }
        }
        if let border { image = try Self.drawBorder(image, width: border.width, colour: border.colour, corners: corners) }
        if let corners { image = try Self.roundCorners(image, corners) }
        if let opacity { image = try Self.scaleAlpha(image, by: opacity) }
        // Last: the corners r_ rounds and what o_ makes see-through show the background too, in
        // the colour the component's filters make of it: e_grayscale greys it as it greys a pad
        // painted with an opaque colour (a translucent b_, laid here, left a red pad in a grey
        // image, found in review).
        if let background, image.hasAlpha { image = try Self.filled(image, with: try filteredColour(background)) }
        return image
    }

    /// `colour` as the component's filters leave it: grey under `e_grayscale` (a blur or a
    /// sharpen leaves a flat colour as it is).
    func filteredColour(_ colour: RGBAColour) throws -> RGBAColour {
        guard effects.contains(.grayscale) else { return colour }
        let swatch = try Image(pixels: PixelBuffer(width: 1, height: 1, bands: 3, data: colour.bands(withAlpha: false).map { UInt8($0) }))
        let grey = try swatch.grayscale().colourspaceSRGB().pixels().data
        return RGBAColour(red: grey[0], green: grey[1], blue: grey[2], alpha: colour.alpha)
    }

    /// `image` over `colour` (Cloudinary's `b_` "applies a background to empty or transparent
    /// areas"): flattened onto an opaque colour; a translucent one is laid under it, so the pad
    /// (left transparent by ``Renderer/groundColour(_:_:)``) and the image's clear parts take it
    /// alike, and a format without alpha then flattens onto white.
    static func filled(_ image: Image, with colour: RGBAColour) throws -> Image {
        switch colour.alpha {
        case 255: return try image.flattened(background: colour.bands(withAlpha: false))
        case 0: return image
        default:
            let ground = try Image(pixels: PixelBuffer(width: 1, height: 1, bands: 4, data: colour.bands(withAlpha: true).map { UInt8($0) }))
                .embed(x: 0, y: 0, width: image.width, height: image.height, extend: .copy)
            return try ground.composited(with: image, x: 0, y: 0).castToEightBit()
        }
    }

    /// The shape `r_` gives an image: corner radii (top-left, top-right, bottom-right,
    /// bottom-left), or for `r_max` the ellipse that fits it (a circle of a square).
    struct Corners: Sendable, Equatable {
        var radii: [Double]?

        /// Each pixel's coverage (0...255) by the shape, drawn inside a `width`×`height` image
        /// inset by `inset` pixels on every side (the radii shrink by as much, as an inner edge
        /// parallel to the outer one): 0 outside it, antialiased along its curves.
        func coverage(width w: Int, height h: Int, inset: Int = 0) -> [UInt8] {
            var mask = [UInt8](repeating: 0, count: w * h)
            let iw = w - 2 * inset, ih = h - 2 * inset
            guard iw > 0, ih > 0 else { return mask }
            let maxRadius = Double(min(iw, ih)) / 2
            let r = radii.map { $0.map { min(max(0, $0 - Double(inset)), maxRadius) } }
            for y in 0..<ih {
                let row = (y + inset) * w + inset
                for x in 0..<iw {
                    let value: Double
                    if let r {
                        value = Self.cornerCoverage(x: x, y: y, w: iw, h: ih, r: r)
                    } else {
                        let dx = (Double(x) + 0.5 - Double(iw) / 2) / (Double(iw) / 2)
                        let dy = (Double(y) + 0.5 - Double(ih) / 2) / (Double(ih) / 2)
                        let edge = 1.0 / maxRadius
                        value = max(0, min(1, (1 - (dx * dx + dy * dy).squareRoot()) / edge + 0.5))
                    }
                    mask[row + x] = value >= 1 ? 255 : UInt8((value * 255).rounded())
                }
            }
            return mask
        }

        private static func cornerCoverage(x: Int, y: Int, w: Int, h: Int, r: [Double]) -> Double {
            let px = Double(x) + 0.5, py = Double(y) + 0.5
            // (corner radius, centre of its circle, whether the pixel lies in that corner's square)
            let corners: [(Double, Double, Double, Bool)] = [
                (r[0], r[0], r[0], px < r[0] && py < r[0]),
                (r[1], Double(w) - r[1], r[1], px > Double(w) - r[1] && py < r[1]),
                (r[2], Double(w) - r[2], Double(h) - r[2], px > Double(w) - r[2] && py > Double(h) - r[2]),
                (r[3], r[3], Double(h) - r[3], px < r[3] && py > Double(h) - r[3]),
            ]
            for (radius, cx, cy, inside) in corners where inside && radius > 0 {
                let d = ((px - cx) * (px - cx) + (py - cy) * (py - cy)).squareRoot()
                return max(0, min(1, radius - d + 0.5))
            }
            return 1
        }
    }

    static func withAlpha(_ image: Image) throws -> Image {
        if image.hasAlpha { return image }
        let opaque = try Image(pixels: PixelBuffer(
            width: image.width, height: image.height, bands: 1,
            data: [UInt8](repeating: 255, count: image.width * image.height)))
        return try image.joined(with: opaque)
    }

    static func scaleAlpha(_ image: Image, by factor: Double) throws -> Image {
        let rgba = try withAlpha(image)
        let colour = try rgba.bands(0, count: rgba.bands - 1)
        let alpha = try rgba.bands(rgba.bands - 1).linear(factor, 0).castToEightBit()
        return try colour.joined(with: alpha)
    }

    /// Multiplies alpha by the antialiased shape.
    static func roundCorners(_ image: Image, _ corners: Corners) throws -> Image {
        let maskImage = try Image(pixels: PixelBuffer(width: image.width, height: image.height, bands: 1,
                                                      data: corners.coverage(width: image.width, height: image.height)))
        let rgba = try withAlpha(image)
        let colour = try rgba.bands(0, count: rgba.bands - 1)
        let alpha = try rgba.bands(rgba.bands - 1).multiplied(by: maskImage).linear(1.0 / 255, 0).castToEightBit()
        return try colour.joined(with: alpha)
    }

    /// A solid frame over the outer `width` pixels (the image keeps its size), drawn over the
    /// image with the colour's alpha. With rounded corners its inner edge is rounded too, by the
    /// radii less the width, so the frame keeps its width along the curves (the outer edge is
    /// the corners' mask, applied after).
    static func drawBorder(_ image: Image, width: Int, colour: RGBAColour, corners: Corners?) throws -> Image {
        let w = image.width, h = image.height
        let b = min(width, (min(w, h) + 1) / 2)
        guard b > 0, colour.alpha > 0 else { return image }
        // Inside the inner edge the frame is absent; a frame as wide as half the image leaves
        // no inside (bo_999999px used to ask libvips for an empty area and fail).
        let inside = (corners ?? Corners(radii: [0, 0, 0, 0])).coverage(width: w, height: h, inset: b)
        let opacity = Double(colour.alpha) / 255
        var overlay = [UInt8](repeating: 0, count: w * h * 4)
        for i in 0..<(w * h) where inside[i] < 255 {
            overlay[4 * i] = colour.red
            overlay[4 * i + 1] = colour.green
            overlay[4 * i + 2] = colour.blue
            overlay[4 * i + 3] = UInt8((Double(255 - inside[i]) * opacity).rounded())
        }
        let frame = try Image(pixels: PixelBuffer(width: w, height: h, bands: 4, data: overlay))
        let framed = try image.composited(with: frame, x: 0, y: 0).castToEightBit()
        // Drawn over an opaque image the result is opaque: keep its three bands.
        return image.hasAlpha ? framed : try framed.bands(0, count: image.bands)
    }
}
