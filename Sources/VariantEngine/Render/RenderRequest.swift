import CloudinaryTransform
import Foundation
import VipsCore

/// What to render: a source file, a transformation, and the defaults that fill what the
/// transformation leaves open.
public struct RenderRequest: Sendable {
    /// The source image file.
    public var sourcePath: String
    /// The transformation to execute.
    public var transformation: Transformation
    /// The output format when the transformation has no `f_` (typically from the output file's
    /// extension); nil keeps the source's format where it can be encoded, else JPEG.
    public var defaultFormat: ImageFormat?
    /// Supplies faces, custom coordinates and `g_auto` windows; nil uses the documented fallbacks.
    public var resolver: (any GravityResolver)?
    /// Pixel limit, strictness and time limit for loading the source.
    public var limits: LoadOptions
    /// The source already opened (``Image/load(path:options:)`` with `limits`), shared by the
    /// renders of one asset: a source that is decoded whole (PNG, a turned JPEG, a small
    /// reduction) is then decoded once, not once a variant. nil opens it.
    var opened: Image? = nil
    /// Local files for image layers, by public id (`brand/logo`, or as the URL writes it,
    /// `brand:logo`): `l_brand:logo` … `fl_layer_apply` is drawn from that file. A layer with no
    /// file here is listed in ``RenderResult/notRendered``.
    public var layerFiles: [String: String] = [:]
    /// The AVIF encoder effort of an AVIF output, and of the search `f_auto`/`q_auto` makes
    /// (``OptimizeOptions/avifEffort``); default ``AVIFOptions/defaultEffort``, as the planner's.
    public var avifEffort: Int = AVIFOptions.defaultEffort

    public init(sourcePath: String, transformation: Transformation, defaultFormat: ImageFormat? = nil,
                resolver: (any GravityResolver)? = nil, limits: LoadOptions = LoadOptions()) {
        self.sourcePath = sourcePath
        self.transformation = transformation
        self.defaultFormat = defaultFormat
        self.resolver = resolver
        self.limits = limits
    }
}

/// A rendered variant and what was decided to make it.
public struct RenderResult: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var format: String
    /// The encoder quality used (nil for lossless output).
    public var quality: Int?
    public var bytes: Int
    /// The part of the upright source visible in the output, in source pixels: [x, y, width,
    /// height] (``cropRect`` as a rectangle); nil when the geometry does not say.
    public var crop: [Int]?

    /// ``crop`` as a rectangle.
    public var cropRect: SourceRect? {
        guard let crop, crop.count == 4 else { return nil }
        return SourceRect(x: crop[0], y: crop[1], width: crop[2], height: crop[3])
    }
    /// How much the decoder shrank the source while loading it (1 = full size).
    public var shrinkOnLoad: Double
    /// Parameters that were parsed but are not rendered locally (`l_text:…`, `e_cartoonify` …).
    public var notRendered: [String]
    /// Fallbacks and readings the geometry took.
    public var notes: [String]
    /// The encoded image (not part of the JSON output).
    public var data: Data
    /// The measured score, when `f_auto`/`q_auto` had the optimiser decide.
    public var ssimulacra2: Double?
    /// Encodes the optimiser needed, when it decided.
    public var encodes: Int?

    enum CodingKeys: String, CodingKey {
        case width, height, format, quality, bytes, crop, shrinkOnLoad, notRendered, notes, ssimulacra2, encodes
    }

    public init(width: Int, height: Int, format: String, quality: Int?, bytes: Int, crop: [Int]?, shrinkOnLoad: Double,
                notRendered: [String], notes: [String], data: Data, ssimulacra2: Double? = nil, encodes: Int? = nil) {
        self.ssimulacra2 = ssimulacra2
        self.encodes = encodes
        self.width = width
        self.height = height
        self.format = format
        self.quality = quality
        self.bytes = bytes
        self.crop = crop
        self.shrinkOnLoad = shrinkOnLoad
        self.notRendered = notRendered
        self.notes = notes
        self.data = data
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        format = try c.decode(String.self, forKey: .format)
        quality = try c.decodeIfPresent(Int.self, forKey: .quality)
        bytes = try c.decode(Int.self, forKey: .bytes)
        crop = try c.decodeIfPresent([Int].self, forKey: .crop)
        shrinkOnLoad = try c.decode(Double.self, forKey: .shrinkOnLoad)
        notRendered = try c.decode([String].self, forKey: .notRendered)
        notes = try c.decode([String].self, forKey: .notes)
        ssimulacra2 = try c.decodeIfPresent(Double.self, forKey: .ssimulacra2)
        encodes = try c.decodeIfPresent(Int.self, forKey: .encodes)
        data = Data()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(format, forKey: .format)
        try c.encode(quality, forKey: .quality)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(crop, forKey: .crop)
        try c.encode(shrinkOnLoad, forKey: .shrinkOnLoad)
        try c.encode(notRendered, forKey: .notRendered)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(ssimulacra2, forKey: .ssimulacra2)
        try c.encodeIfPresent(encodes, forKey: .encodes)
    }
}
