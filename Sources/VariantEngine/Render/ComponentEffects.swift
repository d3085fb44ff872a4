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
    var notRendered: [String] = []

    /// Parameters the renderer understands: the geometry's and the delivery settings'.
    static let geometryKeys: Set<String> = ["c", "w", "h", "ar", "g", "x", "y", "z", "dpr", "a", "b", "f", "q"]
    static let knownFlags: Set<String> = [
        "ignore_aspect_ratio", "progressive", "progressive:semi", "progressive:steep", "png8", "lossy",
        "strip_profile", "keep_iptc", "keep_attribution", "force_strip",
    ]

    init(_ component: Component) {
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
                switch parts[0] {
                case "grayscale", "greyscale": effects.append(.grayscale)
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
                if RGBAColour(cloudinary: raw) == nil, !raw.hasPrefix("$") {
                    notRendered.append("b_\(raw) (padded with the default colour)")
                }
            case "fl":
                for flag in raw.split(separator: ".") where !Self.knownFlags.contains(String(flag)) {
                    notRendered.append("fl_\(flag)")
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

    /// Applies the effects in the order written.
    func apply(to image: Image) throws -> Image {
        var image = image
        for effect in effects {
            switch effect {
            case .grayscale:
                // Back to three bands so every encoder and the later steps see sRGB.
                image = try image.grayscale().colourspaceSRGB()
            case .blur(let strength):
                // Cloudinary's strength scale is undocumented in pixels; 100 ≈ sigma 5.
                image = try image.blurred(sigma: max(0.3, strength / 20)).castToEightBit()
            case .sharpen(let strength):
                image = try image.sharpened(sigma: 0.5 + strength / 100).castToEightBit()
            case .opacity(let percent):
                image = try Self.scaleAlpha(image, by: max(0, min(100, percent)) / 100)
            case .radius(let corners):
                image = try Self.roundCorners(image, radii: corners)
            case .border(let width, let colour):
                image = try Self.drawBorder(image, width: width, colour: colour)
            }
        }
        return image
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

    /// Multiplies alpha by an antialiased rounded-rectangle mask.
    static func roundCorners(_ image: Image, radii: [Double]?) throws -> Image {
        let w = image.width, h = image.height
        let maxRadius = Double(min(w, h)) / 2
        // `r_max` makes a circle of a square and an ellipse of anything else.
        let ellipse = radii == nil
        let r = (radii ?? [maxRadius, maxRadius, maxRadius, maxRadius]).map { min(max(0, $0), maxRadius) }
        var mask = [UInt8](repeating: 255, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let coverage: Double
                if ellipse {
                    let dx = (Double(x) + 0.5 - Double(w) / 2) / (Double(w) / 2)
                    let dy = (Double(y) + 0.5 - Double(h) / 2) / (Double(h) / 2)
                    let d = (dx * dx + dy * dy).squareRoot()
                    let edge = 1.0 / (Double(min(w, h)) / 2)
                    coverage = max(0, min(1, (1 - d) / edge + 0.5))
                } else {
                    coverage = cornerCoverage(x: x, y: y, w: w, h: h, r: r)
                }
                if coverage < 1 { mask[y * w + x] = UInt8((coverage * 255).rounded()) }
            }
        }
        let maskImage = try Image(pixels: PixelBuffer(width: w, height: h, bands: 1, data: mask))
        let rgba = try withAlpha(image)
        let colour = try rgba.bands(0, count: rgba.bands - 1)
        let alpha = try rgba.bands(rgba.bands - 1).multiplied(by: maskImage).linear(1.0 / 255, 0).castToEightBit()
        return try colour.joined(with: alpha)
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

    /// A solid frame drawn over the outer `width` pixels (the image keeps its size).
    static func drawBorder(_ image: Image, width: Int, colour: RGBAColour) throws -> Image {
        let w = image.width, h = image.height
        let b = min(width, min(w, h) / 2)
        guard b > 0 else { return image }
        let background = colour.bands(withAlpha: image.hasAlpha)
        if 2 * b >= min(w, h) {
            // The border covers the whole image (bo_999999px used to ask libvips for an empty
            // area and fail): only the colour is left.
            let pixel = (0..<image.bands).map { UInt8(clamping: Int(background[min($0, background.count - 1)].rounded())) }
            let data = [UInt8]((0..<(w * h)).lazy.flatMap { _ in pixel })
            return try Image(pixels: PixelBuffer(width: w, height: h, bands: image.bands, data: data))
        }
        let inner = try image.extractArea(left: b, top: b, width: w - 2 * b, height: h - 2 * b)
        return try inner.embed(x: b, y: b, width: w, height: h, extend: .background, background: background)
    }
}
