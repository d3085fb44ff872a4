/// The output formats the engine encodes.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case jpeg, webp, avif, png, gif

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .webp: "webp"
        case .avif: "avif"
        case .png: "png"
        case .gif: "gif"
        }
    }

    /// Whether the format can carry an alpha channel (GIF: fully transparent pixels only).
    public var supportsAlpha: Bool { self != .jpeg }

    /// The longest side the format's encoder here writes as a file that can be read back:
    /// libjpeg's 65500, libwebp's 16383, and for AVIF the 16384 that libheif reads by default
    /// (larger AVIF encodes succeed, but libheif refuses them, or they come out broken).
    /// PNG has no such limit below the pixel limits; GIF stores sides in 16 bits.
    public var maxSide: Int? {
        switch self {
        case .jpeg: 65_500
        case .webp: 16_383
        case .avif: 16_384
        case .png: nil
        case .gif: 65_535
        }
    }

    /// Whether an image of this size is within ``maxSide``.
    public func canHold(width: Int, height: Int) -> Bool { max(width, height) <= (maxSide ?? .max) }

    /// Its usual name in messages ("JPEG", "WebP").
    public var displayName: String {
        switch self {
        case .jpeg: "JPEG"
        case .webp: "WebP"
        case .avif: "AVIF"
        case .png: "PNG"
        case .gif: "GIF"
        }
    }

    /// The formats the optimiser and the planner choose among (`f_auto` never delivers GIF for
    /// a still image); GIF is rendered when a transformation asks for it (`f_gif`).
    public static let decided: [ImageFormat] = [.jpeg, .webp, .avif, .png]

    /// The format for a file extension or Cloudinary `f_` value ("jpg", "jpeg", "webp", "avif", "png", "gif").
    public init?(name: String) {
        switch name.lowercased() {
        case "jpg", "jpeg", "jpe": self = .jpeg
        case "webp": self = .webp
        case "avif": self = .avif
        case "png": self = .png
        case "gif": self = .gif
        default: return nil
        }
    }
}

/// Chroma subsampling for lossy encoders.
public enum ChromaSubsampling: Int32, Sendable, Codable {
    /// The encoder decides (4:2:0 except at very high quality).
    case auto = 0
    /// Always 4:2:0.
    case on = 1
    /// Full-resolution chroma (4:4:4).
    case off = 2
}

// The defaults below are the engine's single table of encoder defaults; `--help`, tests and
// documentation read them from here.

/// JPEG encoder settings (libjpeg-turbo through libvips).
public struct JPEGOptions: Sendable, Equatable, Codable {
    /// 1...100; default 80.
    public var quality: Int = 80
    /// Progressive (interlaced) scans; default false.
    public var progressive: Bool = false
    public var chromaSubsampling: ChromaSubsampling = .auto
    /// Remove EXIF, XMP and ICC metadata; default true (convert to sRGB first).
    public var stripMetadata: Bool = true
    /// Optimal Huffman tables; default true.
    public var optimizeCoding: Bool = true

    public init(quality: Int = 80, progressive: Bool = false, chromaSubsampling: ChromaSubsampling = .auto,
                stripMetadata: Bool = true, optimizeCoding: Bool = true) {
        self.quality = quality
        self.progressive = progressive
        self.chromaSubsampling = chromaSubsampling
        self.stripMetadata = stripMetadata
        self.optimizeCoding = optimizeCoding
    }
}

/// WebP encoder settings (libwebp).
public struct WebPOptions: Sendable, Equatable, Codable {
    /// 1...100; default 80.
    public var quality: Int = 80
    /// Lossless mode; default false.
    public var lossless: Bool = false
    /// 0...6; default 4.
    public var effort: Int = 4
    public var stripMetadata: Bool = true
    /// Sharper chroma at edges (slower); default false.
    public var smartSubsample: Bool = false
    /// Alpha plane quality 0...100; default 100.
    public var alphaQuality: Int = 100

    public init(quality: Int = 80, lossless: Bool = false, effort: Int = 4, stripMetadata: Bool = true,
                smartSubsample: Bool = false, alphaQuality: Int = 100) {
        self.quality = quality
        self.lossless = lossless
        self.effort = effort
        self.stripMetadata = stripMetadata
        self.smartSubsample = smartSubsample
        self.alphaQuality = alphaQuality
    }
}

/// AVIF encoder settings (libheif with AV1, always 8-bit: 10-bit crashes this libaom build).
public struct AVIFOptions: Sendable, Equatable, Codable {
    /// 1...100; default 50.
    public var quality: Int = 50
    /// 0...9 (libaom's speed is 9 − effort); default ``defaultEffort``. Probe at the effort you
    /// ship: lower efforts score lower at equal Q.
    public var effort: Int = AVIFOptions.defaultEffort
    public var lossless: Bool = false
    public var chromaSubsampling: ChromaSubsampling = .auto
    public var stripMetadata: Bool = true

    /// 3, libaom's speed 6 (avifenc's default). Measured here (BENCHMARKS.md, "AVIF effort 3"):
    /// effort 4 (libvips's default) took 3.3–4.0 times as long and made files about 5 % smaller at
    /// the same SSIMULACRA2 score; AVIF encodes were most of the optimiser's time.
    public static let defaultEffort = 3

    public init(quality: Int = 50, effort: Int = AVIFOptions.defaultEffort, lossless: Bool = false,
                chromaSubsampling: ChromaSubsampling = .auto, stripMetadata: Bool = true) {
        self.quality = quality
        self.effort = effort
        self.lossless = lossless
        self.chromaSubsampling = chromaSubsampling
        self.stripMetadata = stripMetadata
    }
}

/// PNG encoder settings (libspng / libpng, libimagequant for palettes).
public struct PNGOptions: Sendable, Equatable, Codable {
    /// zlib level 0...9; default 6.
    public var compression: Int = 6
    /// Adam7 interlacing; default false.
    public var progressive: Bool = false
    /// Quantise to an 8-bit palette (PNG8); default false.
    public var palette: Bool = false
    /// Palette quantisation quality 1...100; default 100.
    public var quality: Int = 100
    /// Palette quantisation effort 1...10; default 7.
    public var effort: Int = 7
    /// Palette dithering 0...1; default 1.
    public var dither: Double = 1.0
    public var stripMetadata: Bool = true

    public init(compression: Int = 6, progressive: Bool = false, palette: Bool = false, quality: Int = 100,
                effort: Int = 7, dither: Double = 1.0, stripMetadata: Bool = true) {
        self.compression = compression
        self.progressive = progressive
        self.palette = palette
        self.quality = quality
        self.effort = effort
        self.dither = dither
        self.stripMetadata = stripMetadata
    }
}

/// GIF encoder settings (cgif through libvips, libimagequant for the palette).
public struct GIFOptions: Sendable, Equatable, Codable {
    /// Palette dithering 0...1; default 1.
    public var dither: Double = 1.0
    /// Palette quantisation effort 1...10; default 7.
    public var effort: Int = 7
    /// Bits per pixel 1...8 (a palette of up to 2^bitDepth colours); default 8.
    public var bitDepth: Int = 8
    /// Interlaced rows; default false.
    public var interlaced: Bool = false
    public var stripMetadata: Bool = true

    public init(dither: Double = 1.0, effort: Int = 7, bitDepth: Int = 8, interlaced: Bool = false, stripMetadata: Bool = true) {
        self.dither = dither
        self.effort = effort
        self.bitDepth = bitDepth
        self.interlaced = interlaced
        self.stripMetadata = stripMetadata
    }
}

/// One encoder and its settings.
public enum EncodeOptions: Sendable, Equatable {
    case jpeg(JPEGOptions)
    case webp(WebPOptions)
    case avif(AVIFOptions)
    case png(PNGOptions)
    case gif(GIFOptions)

    public var format: ImageFormat {
        switch self {
        case .jpeg: .jpeg
        case .webp: .webp
        case .avif: .avif
        case .png: .png
        case .gif: .gif
        }
    }

    /// The default settings of `format`, with `quality` when given.
    public static func defaults(for format: ImageFormat, quality: Int? = nil) -> EncodeOptions {
        switch format {
        case .jpeg:
            var o = JPEGOptions()
            if let quality { o.quality = quality }
            return .jpeg(o)
        case .webp:
            var o = WebPOptions()
            if let quality { o.quality = quality }
            return .webp(o)
        case .avif:
            var o = AVIFOptions()
            if let quality { o.quality = quality }
            return .avif(o)
        case .png:
            return .png(PNGOptions())
        case .gif:
            return .gif(GIFOptions())
        }
    }

    /// The quality setting, where the encoder has one.
    public var quality: Int? {
        switch self {
        case .jpeg(let o): o.quality
        case .webp(let o): o.lossless ? nil : o.quality
        case .avif(let o): o.lossless ? nil : o.quality
        case .png(let o): o.palette ? o.quality : nil
        case .gif: nil
        }
    }
}
