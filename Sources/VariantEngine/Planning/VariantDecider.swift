import CloudinaryTransform
import Foundation
import VipsCore

/// How a variant's format and quality are decided.
public enum DecisionMode: String, Sendable, Codable, CaseIterable {
    /// The optimiser's perceptual search: per format the lowest quality meeting the level's
    /// SSIMULACRA2 target, then the smallest format (the local `f_auto,q_auto`).
    case optimize
    /// The level's fixed quality in the first allowed format other than AVIF that can carry the
    /// image (AVIF when it is the only one), measured by one real encode (fast; no SSIMULACRA2 score).
    case fixedQuality
}

/// What one variant needs decided: the crop of the source, the output width, the formats and
/// quality level the placement allows.
struct VariantDecisionRequest: Sendable {
    var sourcePath: String
    var crop: SourceRect
    var width: Int
    var formats: [ImageFormat]
    var level: QualityLevel
    /// Stops the decision's libvips work when the plan is cancelled (not part of the answer).
    var cancellation: VipsCancellation? = nil
    /// The source opened once for the asset's decisions (``RenderRequest/opened``).
    var opened: Image? = nil
    /// Where the quality search starts, per format (``OptimizeOptions/qualityHints``): the
    /// quality decided for the placement's previous width. Part of the answer, so of the key.
    var qualityHints: [ImageFormat: Int] = [:]
    /// Components drawn over the scaled crop: a text overlay and its `fl_layer_apply`.
    var overlay: [String] = []
    /// The placement's exact output height when the crop holds its ratio
    /// (``AspectRatio/exactHeight(forWidth:window:)``): the scale then names both sides.
    var height: Int? = nil

    /// The crop then the scale, as Cloudinary executes them (canonical key order), then any overlay.
    var components: [String] {
        [crop.cropComponent,
         "c_scale," + (height.map { "h_\($0)," } ?? "") + "w_\(width)"] + overlay
    }

    /// ``components`` as one string (no delivery settings). Part of the decision's key: a
    /// variant with text is decided with its text, a variant scaled to its exact height with it.
    var geometry: String { components.joined(separator: "/") }
}

/// A decided variant: the delivered size, format and quality, and the predicted bytes.
struct VariantDecision: Sendable, Codable, Equatable {
    var width: Int
    var height: Int
    /// "avif", "webp", "jpeg", "png".
    var format: String
    /// "f_webp,q_62", "f_png,fl_png8" ...: the delivery component of the explicit transformation.
    var delivery: String
    var quality: Int?
    var bytes: Int
    var ssimulacra2: Double?
    var decidedBy: String
    /// True when none of the allowed formats keeps transparency and the variant had transparent
    /// pixels, flattened onto white as Cloudinary delivers them (nil otherwise).
    var flattened: Bool? = nil
}

extension VariantDecision {
    /// Whether the values could come from an encode (a cache entry edited into nonsense cannot).
    var isConsistent: Bool {
        width >= 1 && height >= 1 && bytes >= 1 && ["avif", "webp", "jpeg", "png"].contains(format)
            && (quality.map { (1...100).contains($0) } ?? true) && (ssimulacra2.map { $0.isFinite } ?? true)
    }
}

/// The seam between the planner and whatever decides format and quality. Every input that
/// changes the answer goes into `identity` or the request, since both make the cache key.
protocol VariantDeciding: Sendable {
    /// The settings that change the answer for a variant allowed `formats`: the AVIF effort
    /// only where AVIF is allowed (another effort re-decided WebP and JPEG placements for nothing).
    func identity(formats: [ImageFormat]) -> String
    /// Whether ``VariantDecisionRequest/qualityHints`` change the work (and maybe the answer).
    var takesQualityHints: Bool { get }
    func decide(_ request: VariantDecisionRequest) throws -> VariantDecision
}

/// The AVIF effort's part of a decider's identity: none where AVIF is not allowed.
private func avifPart(_ effort: Int, _ formats: [ImageFormat]) -> String {
    formats.contains(.avif) ? ",avif-effort:\(effort)" : ""
}

extension VariantDeciding {
    var takesQualityHints: Bool { false }
}

/// Cloudinary's name of a format in `f_` (it spells JPEG `jpg`).
func cloudinaryFormat(_ format: String) -> String { format == "jpeg" ? "jpg" : format }

extension VariantDeciding {
    /// The variant's pixels on white when it has an alpha channel and none of `formats` keeps
    /// one (what Cloudinary delivers for `f_jpg` of a cut-out), and whether any pixel was not
    /// opaque (then the plan warns). In that case the variant is decoded into memory first: it
    /// is read twice, and a lazy pipeline is read once.
    func flattenedForFormats(_ image: Image, formats: [ImageFormat]) throws -> (image: Image, flattened: Bool) {
        guard image.hasAlpha, !formats.contains(where: \.supportsAlpha) else { return (image, false) }
        let pixels = try image.materialised()
        let transparent = try pixels.minimumAlpha() < 255
        return (try pixels.flattened(background: [255, 255, 255]), transparent)
    }

    /// The variant's pixels; `materialise: false` leaves the pipeline lazy, to be read once.
    func renderPixels(_ request: VariantDecisionRequest, materialise: Bool = true) throws -> RenderedPixels {
        var render = RenderRequest(sourcePath: request.sourcePath, transformation: try Transformation(parsing: request.geometry),
                                   limits: LoadOptions(cancellation: request.cancellation))
        render.opened = request.opened
        return try Renderer.renderPixels(render, materialise: materialise)
    }
}

/// The optimiser (Sources/VariantEngine/Optimize) on the variant's pixels as delivered.
struct OptimizingDecider: VariantDeciding {
    var targets = QualityTargets()
    var avifEffort = AVIFOptions.defaultEffort

    func identity(formats: [ImageFormat]) -> String {
        "optimize:\(targets.best),\(targets.good),\(targets.eco),\(targets.low)" + avifPart(avifEffort, formats)
    }
    var takesQualityHints: Bool { true }

    func decide(_ request: VariantDecisionRequest) throws -> VariantDecision {
        let pixels = try renderPixels(request)
        // As the fixed mode and `variant render` do: no allowed format keeps transparency.
        let (image, flattened) = try flattenedForFormats(pixels.image, formats: request.formats)
        var options = OptimizeOptions(level: request.level, targets: targets, formats: request.formats)
        options.qualityHints = request.qualityHints
        options.avifEffort = avifEffort
        // Every choice must be a transformation Cloudinary delivers and `render` reproduces.
        options.losslessWebP = false
        let result = try Optimizer.optimize(image, options: options)
        // (Never nil here: lossless WebP is off.)
        let delivery = result.delivery ?? "f_\(cloudinaryFormat(result.format))"
        return VariantDecision(width: image.width, height: image.height, format: result.format,
                               delivery: delivery, quality: result.quality, bytes: result.bytes,
                               ssimulacra2: (result.ssimulacra2 * 100).rounded() / 100, decidedBy: "optimizer",
                               flattened: flattened ? true : nil)
    }
}

/// The level's fixed quality (what `q_auto` falls back to without a search) in the first allowed
/// format other than AVIF that can carry the image; one encode.
struct FixedQualityDecider: VariantDeciding {
    var avifEffort = AVIFOptions.defaultEffort

    func identity(formats: [ImageFormat]) -> String { "fixed" + avifPart(avifEffort, formats) }

    func decide(_ request: VariantDecisionRequest) throws -> VariantDecision {
        // One encode reads the pixels once, so they stream from the decoder to the encoder as in
        // `variant render` (copying them to memory first cost a tenth of a re-run: libvips zeroes
        // every buffer it allocates, and the copy allocates the whole image). Lossless PNG, and
        // AVIF or palette PNG with an alpha band, are the exceptions: copied once, for the grey
        // test and the opaque-alpha test (Renderer.encoded).
        let pixels = try renderPixels(request, materialise: false)
        // AVIF only when nothing else is allowed: its encoder costs ten times the others', and this
        // mode exists to be fast.
        let image = pixels.image
        let usable = request.formats.filter { ($0 != .jpeg || !image.hasAlpha) && $0.canHold(width: image.width, height: image.height) }
        let format = usable.first { $0 != .avif } ?? usable.first ?? request.formats[0]
        let quality = format == .png ? nil : QualityDefaults.fixedQuality(for: format, level: request.level.rawValue)
        let (output, flattened) = try flattenedForFormats(image, formats: [format])
        var encoding = EncodeOptions.defaults(for: format, quality: quality)
        if case .avif(var avif) = encoding {
            avif.effort = avifEffort
            encoding = .avif(avif)
        }
        let data = try Renderer.encoded(output, as: encoding)
        try Image.checkDecodedCleanly(path: request.sourcePath)
        return VariantDecision(width: image.width, height: image.height, format: format.rawValue,
                               delivery: "f_\(cloudinaryFormat(format.rawValue))" + (quality.map { ",q_\($0)" } ?? ""), quality: quality,
                               bytes: data.count, ssimulacra2: nil, decidedBy: "fixed", flattened: flattened ? true : nil)
    }
}
