import CVips
import Foundation

/// How strictly a decoder treats damaged data.
public enum DecodeStrictness: Int32, Sendable {
    /// Decode what can be decoded; damaged data becomes grey.
    case lenient = 0
    /// Fail on truncated data (the default): a half-uploaded JPEG is an error.
    case failOnTruncation = 1
    /// Fail on any decoder error.
    case failOnError = 2
    /// Fail on any decoder warning.
    case failOnWarning = 3
}

/// Options for loading an image. Defaults are the safe ones.
public struct LoadOptions: Sendable, Equatable {
    /// Images with more pixels than this (width × height × pages) are refused before any
    /// pixel is decoded: the defence against decompression bombs.
    public var maxPixels: Int
    /// Read pixels top to bottom once (cheaper) instead of allowing random access.
    public var sequential: Bool
    /// How damaged data is treated.
    public var strictness: DecodeStrictness

    /// 100 megapixels.
    public static let defaultMaxPixels = 100_000_000

    public init(
        maxPixels: Int = LoadOptions.defaultMaxPixels,
        sequential: Bool = false,
        strictness: DecodeStrictness = .failOnTruncation
    ) {
        self.maxPixels = maxPixels
        self.sequential = sequential
        self.strictness = strictness
    }

    var c: CVipsLoadOptions {
        CVipsLoadOptions(sequential: sequential ? 1 : 0, fail_on: strictness.rawValue, all_pages: 0)
    }
}

extension Image {
    /// Opens an image file, reading only its header.
    ///
    /// The file is checked (exists, is a regular non-empty file, is a format libvips knows) and
    /// its declared size is checked against `options.maxPixels` before anything is decoded.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - options: Pixel limit, access pattern and strictness.
    /// - Returns: A lazy image; pixels are decoded by the first operation that needs them.
    /// - Throws: ``VipsError`` with `fileNotFound`, `notAFile`, `emptyInput`, `unreadable`,
    ///   `unsupportedFormat`, `tooManyPixels` or `decodeFailed`.
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> Image {
        try Vips.initialise()
        try checkReadableFile(path)
        guard cvips_find_load_file(path) != nil else {
            cvips_error_clear()
            throw VipsError(.unsupportedFormat, "not an image format this build can read", context: path)
        }
        guard let pointer = cvips_load_file(path, options.c) else {
            throw VipsError.fromLibvips(.decodeFailed, context: path, fallback: "cannot read the image header")
        }
        let image = Image(owning: pointer, source: path)
        try image.checkPixelLimit(options.maxPixels)
        return image
    }

    /// Opens an image from encoded bytes (JPEG, PNG, WebP, AVIF ...), reading only its header.
    ///
    /// The bytes are copied into memory owned by libvips, so `data` may be released as soon as
    /// this returns, even though decoding happens later.
    ///
    /// - Parameters:
    ///   - data: The encoded image.
    ///   - name: How the input is named in errors.
    ///   - options: Pixel limit, access pattern and strictness.
    /// - Throws: ``VipsError`` with `emptyInput`, `unsupportedFormat`, `tooManyPixels` or
    ///   `decodeFailed`.
    public static func load(data: Data, name: String = "<bytes>", options: LoadOptions = LoadOptions()) throws -> Image {
        try Vips.initialise()
        guard !data.isEmpty else { throw VipsError(.emptyInput, "the input is empty (0 bytes)", context: name) }
        let pointer: UnsafeMutablePointer<VipsImage>? = try data.withUnsafeBytes { raw in
            guard cvips_find_load_bytes(raw.baseAddress, raw.count) != nil else {
                cvips_error_clear()
                throw VipsError(.unsupportedFormat, "not an image format this build can read", context: name)
            }
            return cvips_load_bytes(raw.baseAddress, raw.count, options.c)
        }
        guard let pointer else {
            throw VipsError.fromLibvips(.decodeFailed, context: name, fallback: "cannot read the image header")
        }
        let image = Image(owning: pointer, source: name)
        try image.checkPixelLimit(options.maxPixels)
        return image
    }

    /// Creates an image from 8-bit interleaved pixels (copied).
    public convenience init(pixels: PixelBuffer, name: String = "<pixels>") throws {
        try Vips.initialise()
        guard pixels.width > 0, pixels.height > 0, (1...4).contains(pixels.bands),
            pixels.data.count == pixels.width * pixels.height * pixels.bands
        else {
            throw VipsError(.invalidArgument, "pixel buffer size does not match \(pixels.width)×\(pixels.height)×\(pixels.bands)", context: name)
        }
        let pointer = pixels.data.withUnsafeBytes { raw in
            cvips_new_from_memory_copy(raw.baseAddress, raw.count, Int32(pixels.width), Int32(pixels.height), Int32(pixels.bands))
        }
        guard let pointer else { throw VipsError.fromLibvips(.operationFailed, context: name) }
        self.init(owning: pointer, source: name)
    }

    func checkPixelLimit(_ maxPixels: Int) throws {
        let (w, h) = (width, height)
        // Multi-page images report the height of every page together.
        let total = w.multipliedReportingOverflow(by: h)
        if total.overflow || total.partialValue > maxPixels {
            throw VipsError(
                .tooManyPixels,
                "\(w)×\(h) is \(Self.megapixels(w, h)) megapixels, over the limit of \(Self.megapixels(maxPixels, 1)) megapixels",
                context: source)
        }
    }

    private static func megapixels(_ w: Int, _ h: Int) -> String {
        let mp = Double(w) * Double(h) / 1_000_000
        return mp >= 10 ? String(Int(mp.rounded())) : String(format: "%.1f", mp)
    }

    static func checkReadableFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VipsError(.fileNotFound, "no such file", context: path)
        }
        guard !isDirectory.boolValue else {
            throw VipsError(.notAFile, "is a directory, not an image file", context: path)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VipsError(.unreadable, "permission denied", context: path)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
        if size == 0 {
            throw VipsError(.emptyInput, "the file is empty (0 bytes)", context: path)
        }
    }
}
