import CVips
import Foundation

/// An immutable libvips image. Every operation returns a new `Image`; the underlying
/// `VipsImage` is released when the last Swift reference goes away.
///
/// Images are lazy: loading reads the header only, and pixels are decoded when an
/// operation that needs them (an encoder, ``pixels()``, ``materialised()``) runs.
///
/// ```swift
/// let image = try Image.load(path: "hero.jpg")
/// let small = try image.upright().thumbnail(width: 800)
/// let jpeg = try small.encoded(as: .jpeg(JPEGOptions(quality: 82)))
/// ```
public final class Image: @unchecked Sendable {
    // libvips images are safe to read from several threads; this wrapper never mutates.
    let pointer: UnsafeMutablePointer<VipsImage>
    /// Where the pixels came from, for error messages: a path, "<bytes>", or an operation.
    public let source: String
    /// The time limits of the loaded images this one is built on (see ``LoadOptions/timeout``).
    let watchdogs: [Watchdog]

    init(owning pointer: UnsafeMutablePointer<VipsImage>, source: String, watchdogs: [Watchdog] = []) {
        self.pointer = pointer
        self.source = source
        self.watchdogs = watchdogs
    }

    deinit {
        // Releasing the last image of a pipeline disposes its operations (see Vips.orcLock).
        Vips.guardingOrc { cvips_unref(pointer) }
    }

    /// Width in pixels (as stored, before EXIF orientation).
    public var width: Int { Int(cvips_width(pointer)) }
    /// Height in pixels (as stored, before EXIF orientation); for multi-page images, all pages.
    public var height: Int { Int(cvips_height(pointer)) }
    /// Number of bands, alpha included.
    public var bands: Int { Int(cvips_bands(pointer)) }
    /// Whether the last band is an alpha channel.
    public var hasAlpha: Bool { cvips_has_alpha(pointer) != 0 }
    /// EXIF orientation, 1...8 (1 when absent).
    public var orientation: Int {
        let o = Int(cvips_orientation(pointer))
        return (1...8).contains(o) ? o : 1
    }
    /// Whether an ICC profile is embedded.
    public var hasICCProfile: Bool { cvips_has_field(pointer, "icc-profile-data") != 0 }
    /// Whether the loader found a progressive JPEG or an interlaced PNG or GIF.
    public var isInterlaced: Bool { cvips_int_field(pointer, "interlaced", 0) != 0 }
    /// The colour space the embedded ICC profile describes, as its header spells it ("RGB ",
    /// "CMYK", "GRAY" ...); nil without a profile.
    public var iccColourSpace: String? {
        guard let profile = iccProfile, profile.count >= 20 else { return nil }
        return ICCProfile.ascii(profile, 16)
    }
    /// The embedded ICC profile, or nil.
    public var iccProfile: [UInt8]? {
        var data: UnsafeRawPointer?
        var length = 0
        guard cvips_icc_profile(pointer, &data, &length) != 0, let data else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }
    /// For HEIF files, the codec of the picture: "av1" (AVIF) or "hevc" (HEIC); nil otherwise.
    public var heifCompression: String? { cvips_string_field(pointer, "heif-compression").map { String(cString: $0) } }
    /// Number of pages or frames (1 for still images).
    public var pageCount: Int { max(1, Int(cvips_n_pages(pointer))) }
    /// Height of one page or frame.
    public var pageHeight: Int { Int(cvips_page_height(pointer)) }
    /// Whether the pixel values are 8-bit unsigned.
    public var isEightBit: Bool { cvips_band_format(pointer) == Int32(VIPS_FORMAT_UCHAR.rawValue) }

    /// The libvips loader that read this image, e.g. "jpegload" (nil for computed images).
    public var loader: String? {
        guard let c = cvips_loader(pointer) else { return nil }
        return String(cString: c)
    }

    /// The file format as a short name ("jpeg", "png", "webp", "heif", "gif", "tiff" ...),
    /// derived from the loader.
    public var format: String? {
        guard var name = loader else { return nil }
        for suffix in ["_source", "_buffer", "_file"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        if name.hasSuffix("load") { name.removeLast(4) }
        return name
    }

    /// The file format as people name it: ``format``, except that a HEIF container is named by
    /// its codec ("avif" for AV1, "heic" for HEVC), as `render` and `optimize` name what they
    /// write.
    public var fileFormat: String? {
        guard format == "heif" else { return format }
        switch heifCompression {
        case "av1": return "avif"
        case "hevc": return "heic"
        default: return "heif"
        }
    }

    /// Runs a libvips operation that produces one image and wraps the result, which keeps the
    /// time limits of this image and of `others` (the operation's other inputs).
    func apply(
        _ operation: String, with others: [Image] = [],
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    ) throws -> Image {
        var out: UnsafeMutablePointer<VipsImage>? = nil
        let status = Vips.guardingOrc {
            let status = body(&out)
            if status != 0, let failed = out { cvips_unref(failed) }
            return status
        }
        guard status == 0, let result = out else {
            throw failure(.operationFailed, context: "\(source): \(operation)")
        }
        var watchdogs = self.watchdogs
        for other in others {
            watchdogs += other.watchdogs.filter { w in !watchdogs.contains { $0 === w } }
        }
        return Image(owning: result, source: source, watchdogs: watchdogs)
    }

    /// Throws ``VipsError/Code/cancelled`` when the cancellation this image was loaded with
    /// (``LoadOptions/cancellation``) has been cancelled: for work between libvips calls, which
    /// no tile boundary interrupts.
    public func checkCancellation() throws {
        if cancellationRequested { throw VipsError(.cancelled, "was cancelled", context: source) }
    }

    /// Whether the cancellation this image was loaded with has been cancelled.
    private var cancellationRequested: Bool { watchdogs.contains { $0.cancellation?.isCancelled == true } }

    /// The error for a failed libvips call on this image: libvips's message with `code`;
    /// `timeout` or `cancelled` when a watchdog stopped the computation; `decodeFailed` when the
    /// source's decoder failed in the middle of it (pixels are decoded lazily, so a truncated
    /// file fails in the encode or the operation that first reads it).
    func failure(_ code: VipsError.Code, context: String, prefix: String? = nil) -> VipsError {
        // Every watchdog is asked (each forgets what it said), so none carries a stale firing
        // into a later, unrelated failure.
        let firings = watchdogs.compactMap { $0.tookFiring() }
        // A stopped computation is not decoded again to find a reason.
        let error = VipsError.fromLibvips(code, context: context, prefix: prefix,
                                          redecoding: firings.isEmpty && !cancellationRequested)
        if firings.contains(.cancellation) || (firings.isEmpty && cancellationRequested && Watchdog.wasKilled(error)) {
            return VipsError(.cancelled, "was cancelled", context: source)
        }
        // libvips's text alone is not enough: its error buffer is one for the process, and a
        // failed decode read "killed for image" that a timed-out computation on another thread
        // had left there. The text counts when one of these watchdogs did stop something (two
        // computations sharing a watchdog: the first to fail takes the firing).
        if !firings.isEmpty || (Watchdog.wasKilled(error) && watchdogs.contains(where: \.hasEverFired)) {
            let limit = watchdogs.compactMap(\.limit).min()
                .map { "the time limit of \($0.secondsDescription)" } ?? "its time limit"
            return VipsError(.timeout, "took longer than \(limit) and was stopped", context: source)
        }
        guard let prefix else { return Self.namingDecodeFailure(error, context: source) }
        return code == .decodeFailed ? Self.keepingDecoderLines(error, prefix: prefix) : error
    }

    /// "cannot decode the image: source: bad seek to 3784; vipspng: libpng read error" becomes
    /// "cannot decode the image: vipspng: libpng read error": when the decoders said something,
    /// that is the reason, and a line naming no file may be another thread's (libvips's message
    /// buffer is the process's). Without a decoder's line the error stays as it is.
    static func keepingDecoderLines(_ error: VipsError, prefix: String) -> VipsError {
        guard error.message.hasPrefix(prefix + ": "), let reason = decoderReason(error.message.dropFirst(prefix.count + 2)) else {
            return error
        }
        return VipsError(error.code, "\(prefix): \(reason)", context: error.context)
    }

    /// A decoder's failure says so before the decoder's own words ("cannot decode the image:
    /// VipsJpeg: Premature end of input file"), whichever call met it first.
    static func namingDecodeFailure(_ error: VipsError, context: String) -> VipsError {
        // What failed after the decoder did is its consequence, not a second reason: an encoder
        // fed by the failed decode adds "vips2png: unable to write to target target". The
        // decoder's line need not come first: a line another thread left in libvips's buffer
        // ("source: bad seek to 3576") turned a truncated PNG into an encode failure.
        guard let reason = decoderReason(error.message) else { return error }
        return VipsError(.decodeFailed, "cannot decode the image: \(reason)", context: context)
    }

    /// The decoders' lines of a libvips message ("source: bad seek to 3576; vipspng: libpng read
    /// error" gives "vipspng: libpng read error"), or nil when no decoder said anything.
    static func decoderReason(_ message: Substring) -> String? {
        let reasons = message.components(separatedBy: "; ").filter(isDecoderMessage)
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    static func decoderReason(_ message: String) -> String? { decoderReason(message[...]) }

    /// Whether libvips's message comes from one of the decoders (its domain: "VipsJpeg: Premature
    /// end of input file", "vipspng: libpng read error").
    static func isDecoderMessage(_ message: String) -> Bool {
        let domains = ["VipsJpeg", "jpegload", "vipspng", "pngload", "spngload", "webp", "webpload", "heifload", "heif",
                       "gifload", "nsgifload", "tiff2vips", "tiffload", "jxlload", "ppmload", "VipsForeignLoad"]
        return domains.contains { message.hasPrefix($0 + ": ") }
    }
}
