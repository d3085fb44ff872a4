import CVips
import Foundation

/// How strictly a decoder treats damaged data.
public enum DecodeStrictness: Int32, Sendable {
    /// Decode what can be decoded; damaged data becomes grey.
    case lenient = 0
    /// Fail on truncated data (the default): a half-uploaded JPEG is an error. A JPEG also fails
    /// on any decoder warning: libjpeg only warns about damaged entropy data ("Corrupt JPEG data:
    /// premature end of data segment") and decodes grey where it is, which no variant should show.
    case failOnTruncation = 1
    /// Fail on any decoder error.
    case failOnError = 2
    /// Fail on any decoder warning.
    case failOnWarning = 3
}

extension DecodeStrictness {
    /// libvips's `fail_on` for the loader named `loader` (its class name, "VipsForeignLoadJpegFile",
    /// or nickname, "jpegload"; nil when unknown).
    func failOn(loader: String?) -> Int32 {
        let jpeg = loader.map { $0.hasPrefix("VipsForeignLoadJpeg") || $0.hasPrefix("jpegload") } ?? false
        return self == .failOnTruncation && jpeg ? DecodeStrictness.failOnWarning.rawValue : rawValue
    }
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
    /// The libvips loaders accepted, by the format part of their class name ("jpeg" for
    /// VipsForeignLoadJpegFile, "nsgif" for GIF), or nil for every loader libvips has. The default leaves out ImageMagick, PDF, SVG and the scientific
    /// formats: large attack surfaces that no delivery image needs.
    public var allowedLoaders: Set<String>?
    /// The longest libvips may spend on one computation of this image's pixels (decoding plus
    /// the operations built on it, up to one encode, `pixels()` or `materialised()`); past it
    /// the computation stops at its next tile and fails with ``VipsError/Code/timeout``,
    /// naming the input and the limit. nil: no limit. The default is ``defaultTimeout``.
    public var timeout: Duration?
    /// Cancels every computation of the image once cancelled (see ``VipsCancellation``); nil:
    /// none. Not part of the process-wide defaults: each caller passes its own.
    public var cancellation: VipsCancellation?

    /// 100 megapixels.
    public static let standardMaxPixels = 100_000_000
    nonisolated(unsafe) private static var processMaxPixels = standardMaxPixels

    /// The pixel limit of every `LoadOptions()` (and analysis) that does not name one:
    /// ``standardMaxPixels`` until changed. The `variant` CLI sets it from `--max-pixels`, so
    /// the loads the engine makes inside planning honour the flag too.
    public static var defaultMaxPixels: Int {
        get { timeoutLock.withLock { processMaxPixels } }
        set { timeoutLock.withLock { processMaxPixels = newValue } }
    }
    /// 60 seconds: a 100-megapixel JPEG decodes, shrinks and encodes in a few seconds on one
    /// core, so only a pathological input (or a pipeline far heavier than a delivery variant)
    /// gets near it.
    public static let standardTimeout: Duration = .seconds(60)

    private static let timeoutLock = NSLock()
    nonisolated(unsafe) private static var processTimeout: Duration? = standardTimeout

    /// The timeout of every `LoadOptions()` and `Image.thumbnail(path:…)` that does not name
    /// one: ``standardTimeout`` until changed. The `variant` CLI sets it from `--timeout`, so
    /// that the loads the engine makes deep inside analysis and planning honour the flag too.
    public static var defaultTimeout: Duration? {
        get { timeoutLock.withLock { processTimeout } }
        set { timeoutLock.withLock { processTimeout = newValue } }
    }

    /// JPEG, PNG, WebP, HEIF/AVIF, GIF, TIFF, JPEG XL and PPM.
    public static let defaultLoaders: Set<String> = [
        "jpeg", "png", "webp", "heif", "nsgif", "tiff", "jxl", "ppm",
    ]

    public init(
        maxPixels: Int = LoadOptions.defaultMaxPixels,
        sequential: Bool = false,
        strictness: DecodeStrictness = .failOnTruncation,
        allowedLoaders: Set<String>? = LoadOptions.defaultLoaders,
        timeout: Duration? = LoadOptions.defaultTimeout,
        cancellation: VipsCancellation? = nil
    ) {
        self.maxPixels = maxPixels
        self.sequential = sequential
        self.strictness = strictness
        self.allowedLoaders = allowedLoaders
        self.timeout = timeout
        self.cancellation = cancellation
    }

    /// - Parameter leading: The input's first bytes, to tell a damaged file of an accepted
    ///   format from a format that is not accepted.
    func checkLoader(_ found: UnsafePointer<CChar>?, input: String, leading: [UInt8]) throws {
        // libvips's TIFF reader claims a file only once libtiff has read its directory, which a
        // writer may put at the end: a TIFF cut short went to ImageMagick, and was refused as
        // "formats only ImageMagick reads", though TIFF is accepted.
        let tiff = leading.starts(with: [0x49, 0x49, 0x2A, 0x00]) || leading.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
            || leading.starts(with: [0x49, 0x49, 0x2B, 0x00]) || leading.starts(with: [0x4D, 0x4D, 0x00, 0x2B])
        if tiff, found.map({ !String(cString: $0).lowercased().contains("tiff") }) ?? true {
            cvips_error_clear()
            throw VipsError(.decodeFailed, "cannot read the image header: a TIFF file whose image directory cannot be read "
                            + "(cut short or damaged)", context: input)
        }
        guard let found else {
            cvips_error_clear()
            throw VipsError(.unsupportedFormat, "not an image format this build can read", context: input)
        }
        var name = String(cString: found)
        if name.hasPrefix("VipsForeignLoad") { name.removeFirst("VipsForeignLoad".count) }
        for suffix in ["File", "Buffer", "Source"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        name = name.lowercased()
        if let allowedLoaders, !allowedLoaders.contains(name) {
            let what = name == "magick" ? "formats only ImageMagick reads (BMP, ICO, PSD ...) are" : "\(name.uppercased()) images are"
            throw VipsError(.unsupportedFormat, "\(what) not accepted (supported: JPEG, PNG, WebP, AVIF/HEIF, GIF, TIFF, JPEG XL)", context: input)
        }
    }

    /// The options for the loader named `loader` (its class name, as libvips finds it).
    func c(loader: String?) -> CVipsLoadOptions {
        CVipsLoadOptions(sequential: sequential ? 1 : 0, fail_on: strictness.failOn(loader: loader), all_pages: 0)
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
    ///   - options: Pixel limit, access pattern, strictness and time limit.
    /// - Returns: A lazy image; pixels are decoded by the first operation that needs them, and
    ///   every computation on it (or on images built on it) is stopped past `options.timeout`.
    /// - Throws: ``VipsError`` with `fileNotFound`, `notAFile`, `emptyInput`, `unreadable`,
    ///   `unsupportedFormat`, `tooManyPixels` or `decodeFailed`.
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> Image {
        try Vips.initialise()
        try checkReadableFile(path)
        let loader = Vips.findLoader { cvips_find_load_file(path) }
        try options.checkLoader(loader, input: path, leading: leadingBytes(path, count: 4))
        return try opened(cvips_load_file(path, options.c(loader: loader.map { String(cString: $0) })), path: path, options: options)
    }

    /// The image a loader opened (nil: its error), with the time limit and the pixel limit;
    /// `path` names the input in errors.
    private static func opened(_ pointer: UnsafeMutablePointer<VipsImage>?, path: String, options: LoadOptions) throws -> Image {
        guard let pointer else {
            // Some decoders give no words (libspng, for a PNG cut inside its headers, only warns
            // "not enough data"): the loader claimed the file, so it is damaged.
            let error = VipsError.fromLibvips(.decodeFailed, context: path,
                                              fallback: "cannot read the image header (the file is cut short or damaged)")
            // A file cut inside its headers: the decoder's words alone ("VipsJpeg: Premature end
            // of input file") do not say which step failed. Only the decoder's lines are its
            // reason: lines naming no file ("source: bad seek to 4542") may be another thread's.
            guard let reason = decoderReason(error.message) else { throw error }
            throw VipsError(.decodeFailed, "cannot read the image header: \(reason)", context: path)
        }
        let image = Image(owning: pointer, source: path, timeout: options.timeout, cancellation: options.cancellation)
        try image.checkPixelLimit(options.maxPixels)
        return image
    }

    /// Opens a JPEG file to be decoded at 1/`shrink` of its size (2, 4 or 8), in the DCT: far
    /// cheaper than decoding it whole when the result is scaled down anyway. The size is the
    /// source's divided by `shrink`, rounded down; EXIF orientation is not applied.
    /// - Throws: As ``load(path:options:)``; `unsupportedFormat` when the file is not a JPEG.
    public static func load(jpegPath path: String, shrink: Int, options: LoadOptions = LoadOptions()) throws -> Image {
        try Vips.initialise()
        try checkReadableFile(path)
        guard let loader = cvips_find_load_file(path).map({ String(cString: $0) }), loader.hasPrefix("VipsForeignLoadJpeg") else {
            throw VipsError(.unsupportedFormat, "not a JPEG file", context: path)
        }
        guard [1, 2, 4, 8].contains(shrink) else {
            throw VipsError(.invalidArgument, "a JPEG shrinks by 1, 2, 4 or 8 on load, not \(shrink)", context: path)
        }
        return try opened(cvips_jpegload_shrink(path, Int32(shrink), options.c(loader: loader)), path: path, options: options)
    }

    /// Opens an image from encoded bytes (JPEG, PNG, WebP, AVIF ...), reading only its header.
    ///
    /// The bytes are copied into memory owned by libvips, so `data` may be released as soon as
    /// this returns, even though decoding happens later.
    ///
    /// - Parameters:
    ///   - data: The encoded image.
    ///   - name: How the input is named in errors.
    ///   - options: Pixel limit, access pattern, strictness and time limit.
    /// - Throws: ``VipsError`` with `emptyInput`, `unsupportedFormat`, `tooManyPixels` or
    ///   `decodeFailed`.
    public static func load(data: Data, name: String = "<bytes>", options: LoadOptions = LoadOptions()) throws -> Image {
        try Vips.initialise()
        guard !data.isEmpty else { throw VipsError(.emptyInput, "the input is empty (0 bytes)", context: name) }
        let pointer: UnsafeMutablePointer<VipsImage>? = try data.withUnsafeBytes { raw in
            let loader = Vips.findLoader { cvips_find_load_bytes(raw.baseAddress, raw.count) }
            try options.checkLoader(loader, input: name, leading: Array(raw.prefix(4)))
            return cvips_load_bytes(raw.baseAddress, raw.count, options.c(loader: loader.map { String(cString: $0) }))
        }
        return try opened(pointer, path: name, options: options)
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
        // Raw memory is "multiband"; say what the bands are so alpha is recognised.
        let interpretation = pixels.bands >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W
        var typed: UnsafeMutablePointer<VipsImage>? = nil
        let status = cvips_copy_interpretation(pointer, &typed, Int32(interpretation.rawValue))
        cvips_unref(pointer)
        guard status == 0, let typed else { throw VipsError.fromLibvips(.operationFailed, context: name) }
        self.init(owning: typed, source: name)
    }

    /// Wraps a freshly loaded image, watched by a ``Watchdog`` when there is a time limit or a
    /// cancellation.
    convenience init(owning pointer: UnsafeMutablePointer<VipsImage>, source: String, timeout: Duration?,
                     cancellation: VipsCancellation? = nil) {
        let watched = timeout != nil || cancellation != nil
        let watchdogs = watched ? [Watchdog(image: pointer, limit: timeout, cancellation: cancellation)] : []
        self.init(owning: pointer, source: source, watchdogs: watchdogs)
    }

    func checkPixelLimit(_ maxPixels: Int) throws {
        let (w, h) = (width, height)
        // Multi-page images report the height of every page together.
        let total = w.multipliedReportingOverflow(by: h)
        if total.overflow || total.partialValue > maxPixels {
            throw VipsError(
                .tooManyPixels,
                "\(w)×\(h) is \(Self.overLimit(Double(w) * Double(h), limit: maxPixels, of: "the limit of "))",
                context: source)
        }
    }

    /// "101 megapixels, over the limit of 100 megapixels": `pixels` against `limit`, in exact
    /// pixels when megapixels would read the same on both sides (100,010,000 against 100,000,000
    /// read "100 megapixels, over the limit of 100 megapixels"). `of` comes before the limit.
    public static func overLimit(_ pixels: Double, limit: Int, of: String) -> String {
        let (size, bound) = (megapixelsDescription(pixels), megapixelsDescription(Double(limit)))
        // Limits under a tenth of a megapixel are said in pixels (--max-pixels 1 read "over the
        // limit of 1e-06 megapixels").
        if size != bound, limit >= 100_000 { return "\(size) megapixels, over \(of)\(bound) megapixels" }
        func grouped(_ n: Double) -> String {
            let digits = String(format: "%.0f", n)
            return String(digits.reversed().enumerated().map { $0.offset > 0 && $0.offset % 3 == 0 ? [",", $0.element] : [$0.element] }
                .joined().reversed())
        }
        return "\(grouped(pixels)) pixels, over \(of)\(grouped(Double(limit))) pixel\(limit == 1 ? "" : "s")"
    }

    /// `pixels` in megapixels as the errors about limits say it: whole numbers from 10, one
    /// decimal from 0.1, two significant digits below.
    public static func megapixelsDescription(_ pixels: Double) -> String {
        let mp = pixels / 1_000_000
        // Small limits keep their digits: a limit of 1000 pixels is not "0.0 megapixels".
        return mp >= 10 ? String(Int(mp.rounded())) : mp >= 0.1 ? String(format: "%.1f", mp) : String(format: "%.2g", mp)
    }

    /// Decodes the whole file at reduced size (64 px: JPEG shrink-on-load still walks the whole
    /// entropy stream, at a fraction of a full decode's cost), so that a truncated or damaged
    /// file is found. Damage the decoder only warns about counts too: a JPEG whose entropy data
    /// is damaged decodes (grey where the damage is) with "Corrupt JPEG data", which libvips
    /// reports as a message, not a failure; ``jpegDamage(path:)`` finds it.
    /// - Throws: ``VipsError`` with `decodeFailed` and the decoder's words, or as
    ///   ``thumbnail(path:width:options:maxPixels:timeout:cancellation:)``.
    public static func verifyDecodes(path: String, maxPixels: Int = LoadOptions.defaultMaxPixels) throws {
        let image = try thumbnail(path: path, width: 64, options: ThumbnailOptions(height: 64, strictness: .failOnWarning),
                                  maxPixels: maxPixels)
        _ = try image.pixels()
        if let damage = jpegDamage(path: path) {
            discardDecoderWarning()
            throw VipsError(.decodeFailed, "the image data is damaged: " + damage, context: path)
        }
    }

    /// After (or beside) a decode of `path` that libvips let through: whether libjpeg decodes
    /// through damage (a 12 MP JPEG with 5000 bytes overwritten rendered and cropped, grey where
    /// the damage was: at a reduced size one warning is a message, not a failure, even when
    /// failing on warnings is asked; and a run of zeros that decodes as valid codes leaves
    /// libvips nothing to say at all). Asks ``jpegDamage(path:)``, once per file per process
    /// (1/8 of a decode: 8.5 ms of CPU time for a 0.85 MB 12 MP JPEG, 28 ms for a 2.9 MB one);
    /// other formats fail on damage themselves.
    /// - Throws: ``VipsError`` with `decodeFailed` and libjpeg's words.
    public static func checkDecodedCleanly(path: String) throws {
        guard let damage = jpegDamage(path: path) else { return }
        discardDecoderWarning()
        throw VipsError(.decodeFailed, "cannot decode the image: " + damage, context: path)
    }

    /// Runs the scan ``checkDecodedCleanly(path:)`` asks for, on this thread, and remembers what
    /// it found, without throwing or touching libvips's message buffer: so that it can run on
    /// another core while the file decodes, the check itself then costing nothing.
    public static func scanForDamage(path: String) {
        _ = jpegDamage(path: path)
    }

    /// libvips wrote the warning of the decode that went through the damage into its message
    /// buffer, the process's: left there, the next failure on any thread would give it as part
    /// of its own reason.
    private static func discardDecoderWarning() {
        if cvips_error_mentions("VipsJpeg:") != 0 { cvips_error_clear() }
    }

    /// What libjpeg says when it decodes the JPEG file at `path` ("VipsJpeg: Corrupt JPEG data:
    /// premature end of data segment"), or nil when it says nothing or the file is not a JPEG.
    /// The scan (1/8 scale, the whole entropy stream) has an error manager of its own: libvips's
    /// message buffer is one for the process, and with eight operations at once another thread
    /// took a damaged file's warning in 9 rounds out of 10, and the file rendered grey patches.
    /// Padding (zeros, 0xFF) after the last scan, before the end marker, is not damage; other
    /// bytes there are entropy data the decoder never reached. Remembered per file
    /// (path, device, inode, size and modification time) for the life of the process.
    static func jpegDamage(path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let key = "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(path)"
        if let known = jpegScanLock.withLock({ jpegScans[key] }) { return known }
        var damage: String?
        if isJPEGFile(path) {
            var message = [CChar](repeating: 0, count: 256)
            let status = cvips_jpeg_scan(path, &message, message.count)
            let words = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if status == 1 || status == 2 { damage = "VipsJpeg: " + (words.isEmpty ? "damaged data" : words) }
        }
        jpegScanLock.withLock {
            if jpegScans.count >= 4096 { jpegScans.removeAll() }
            jpegScans[key] = .some(damage)
        }
        return damage
    }

    private static let jpegScanLock = NSLock()
    /// File key to what the scan said (nil: nothing, or not a JPEG).
    nonisolated(unsafe) private static var jpegScans: [String: String?] = [:]

    /// Whether the file starts as a JPEG does (FF D8 FF), whatever its name.
    static func isJPEGFile(_ path: String) -> Bool { leadingBytes(path, count: 3) == [0xFF, 0xD8, 0xFF] }

    /// The file's first `count` bytes (fewer in a shorter file, none when it cannot be read).
    static func leadingBytes(_ path: String, count: Int) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = fread(&bytes, 1, count, file)
        return Array(bytes.prefix(read))
    }

    /// Why `path` cannot be reached when it is not simply missing: a link loop, a name too
    /// long, a folder on the way that cannot be searched, a path through a file (all of which
    /// read "no such file", though the file may well be there); nil when it is missing or there.
    /// `denied` is true for a permission problem.
    public static func unreachableReason(_ path: String) -> (reason: String, denied: Bool)? {
        var status = stat()
        guard stat(path, &status) != 0, errno != ENOENT else { return nil }
        switch errno {
        case ELOOP: return ("too many levels of symbolic links (a link loop?)", false)
        case ENAMETOOLONG: return ("the name is too long for the file system", false)
        case EACCES: return ("permission denied (a folder on the way cannot be searched)", true)
        case ENOTDIR: return ("a part of the path is not a folder", false)
        default: return (String(cString: strerror(errno)), false)
        }
    }

    /// Checks that `path` is an existing, readable, non-empty file (not a directory), with the
    /// reason named otherwise: what every file input is checked with before it is opened.
    /// - Throws: ``VipsError`` with `fileNotFound`, `notAFile`, `unreadable` or `emptyInput`.
    public static func checkReadableFile(_ path: String) throws {
        // (An empty path read ": no such file", naming nothing.)
        if path.isEmpty { throw VipsError(.fileNotFound, "the image path is empty", context: nil) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            if let (reason, denied) = unreachableReason(path) {
                throw VipsError(denied ? .unreadable : .fileNotFound, reason, context: path)
            }
            throw VipsError(.fileNotFound, "no such file", context: path)
        }
        guard !isDirectory.boolValue else {
            throw VipsError(.notAFile, "is a directory, not an image file", context: path)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw VipsError(.unreadable, "permission denied", context: path)
        }
        // stat(2) follows symbolic links, to what will be read. Devices, pipes and sockets have
        // no size to check and no end to trust (/dev/zero was reported as "empty").
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw VipsError(.unreadable, String(cString: strerror(errno)), context: path)
        }
        if status.st_mode & S_IFMT != S_IFREG {
            throw VipsError(.notAFile, "is not a regular file (a device, pipe or socket); save the image to a file first", context: path)
        }
        if status.st_size == 0 {
            throw VipsError(.emptyInput, "the file is empty (0 bytes)", context: path)
        }
    }
}
