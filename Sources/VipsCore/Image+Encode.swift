import CVips
import Foundation

extension Image {
    /// The same pixels without EXIF, ICC, XMP and IPTC metadata.
    func withoutMetadata() throws -> Image {
        try apply("copy") { cvips_copy_without_metadata(pointer, $0) }
    }

    /// Encodes the image to bytes.
    ///
    /// JPEG cannot carry alpha: flatten first (the engine decides the background). Convert to
    /// sRGB (``toSRGB()``) before encoding with `stripMetadata`, or colours shift.
    ///
    /// - Parameter options: Encoder and settings.
    /// - Returns: The encoded file.
    /// - Throws: ``VipsError`` `invalidArgument` for out-of-range settings, `tooLargeForFormat`
    ///   for an image larger than the format takes (``ImageFormat/maxSide``), `encodeFailed` when
    ///   libvips fails (including decode failures of a lazy source).
    public func encoded(as options: EncodeOptions) throws -> Data {
        // Refused before any pixel is computed, with the format's limit: the encoders' own
        // failures read like a decode error of the source, or made an unreadable file.
        if !options.format.canHold(width: width, height: height), let limit = options.format.maxSide {
            throw VipsError(.tooLargeForFormat, "\(width)×\(height) is too large for \(options.format.displayName), "
                                + "which takes at most \(limit) pixels a side", context: source)
        }
        let deadline = EncodeDeadline.arm(source: source, format: options.format.displayName)
        defer { deadline?.cancel() }
        var buffer: UnsafeMutableRawPointer? = nil
        var length = 0
        let status: Int32
        switch options {
        case .jpeg(let o):
            try Self.check(o.quality, in: 1...100, "JPEG quality")
            status = cvips_jpegsave(pointer, &buffer, &length, CVipsJpegOptions(
                quality: Int32(o.quality), interlace: o.progressive ? 1 : 0,
                subsample_mode: o.chromaSubsampling.rawValue, strip: o.stripMetadata ? 1 : 0,
                optimize_coding: o.optimizeCoding ? 1 : 0))
        case .webp(let o):
            try Self.check(o.quality, in: 1...100, "WebP quality")
            try Self.check(o.effort, in: 0...6, "WebP effort")
            // libvips 8.14's WebP saver ignores `strip` and writes the EXIF block and the ICC
            // profile anyway (23 KB of camera EXIF on a 4 KB thumbnail): the metadata is taken
            // off a copy first.
            let stripped = o.stripMetadata ? try withoutMetadata() : self
            status = cvips_webpsave(stripped.pointer, &buffer, &length, CVipsWebpOptions(
                quality: Int32(o.quality), lossless: o.lossless ? 1 : 0, effort: Int32(o.effort),
                strip: o.stripMetadata ? 1 : 0, smart_subsample: o.smartSubsample ? 1 : 0,
                alpha_quality: Int32(o.alphaQuality)))
        case .avif(let o):
            try Self.check(o.quality, in: 1...100, "AVIF quality")
            try Self.check(o.effort, in: 0...9, "AVIF effort")
            Vips.openModules(["heif"])
            status = cvips_avifsave(pointer, &buffer, &length, CVipsAvifOptions(
                quality: Int32(o.quality), effort: Int32(o.effort), lossless: o.lossless ? 1 : 0,
                subsample_mode: o.chromaSubsampling.rawValue, strip: o.stripMetadata ? 1 : 0))
        case .png(let o):
            try Self.check(o.compression, in: 0...9, "PNG compression")
            try Self.check(o.quality, in: 1...100, "PNG palette quality")
            try Self.check(o.effort, in: 1...10, "PNG palette effort")
            status = cvips_pngsave(pointer, &buffer, &length, CVipsPngOptions(
                compression: Int32(o.compression), interlace: o.progressive ? 1 : 0, palette: o.palette ? 1 : 0,
                quality: Int32(o.quality), effort: Int32(o.effort), dither: o.dither, strip: o.stripMetadata ? 1 : 0))
        case .gif(let o):
            try Self.check(o.effort, in: 1...10, "GIF palette effort")
            try Self.check(o.bitDepth, in: 1...8, "GIF bit depth")
            guard (0...1).contains(o.dither) else {
                throw VipsError(.invalidArgument, "expected GIF dithering from 0 to 1 but received \(o.dither)", context: source)
            }
            status = cvips_gifsave(pointer, &buffer, &length, CVipsGifOptions(
                dither: o.dither, effort: Int32(o.effort), bitdepth: Int32(o.bitDepth), interlace: o.interlaced ? 1 : 0,
                strip: o.stripMetadata ? 1 : 0))
        }
        guard status == 0, let buffer else {
            if let buffer { cvips_free(buffer) }
            let error = failure(.encodeFailed, context: "\(source): \(options.format.rawValue) encode")
            if case .avif = options, let reason = Vips.moduleFailure("heif") {
                throw VipsError(error.code, error.message + " (libvips's HEIF module could not be opened: \(reason))", context: error.context)
            }
            throw error
        }
        defer { cvips_free(buffer) }
        let data = Data(bytes: buffer, count: length)
        if case .webp(let o) = options, o.stripMetadata { return Self.webpWithoutEXIF(data) }
        return data
    }

    /// A WebP file without its EXIF chunk. libvips 8.14's saver writes one it makes itself
    /// (orientation, resolution, dimensions: about 190 bytes, and the 18-byte extended header
    /// that must announce it) even from an image with no metadata left; a file asked to carry
    /// none should not, and its size is a prediction of a delivered file's. The extended header
    /// goes too when nothing else needs it; other chunks are kept as they are. Anything that
    /// does not parse as WebP chunks comes back unchanged.
    static func webpWithoutEXIF(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        func fourcc(_ at: Int) -> String { String(decoding: bytes[at..<(at + 4)], as: Unicode.ASCII.self) }
        func size(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        guard bytes.count >= 12, fourcc(0) == "RIFF", fourcc(8) == "WEBP" else { return data }
        var chunks: [(name: String, body: ArraySlice<UInt8>)] = []
        var at = 12
        while at + 8 <= bytes.count {
            let length = size(at + 4)
            guard at + 8 + length <= bytes.count else { return data }
            chunks.append((fourcc(at), bytes[(at + 8)..<(at + 8 + length)]))
            at += 8 + length + (length & 1)
        }
        guard chunks.contains(where: { $0.name == "EXIF" }) else { return data }
        chunks.removeAll { $0.name == "EXIF" }
        if let header = chunks.firstIndex(where: { $0.name == "VP8X" }), let flags = chunks[header].body.first {
            let left = flags & ~0x08  // the EXIF flag
            if left == 0 && chunks.count == 2 {
                chunks.remove(at: header)  // a plain lossy or lossless file needs no extended header
            } else {
                var body = Array(chunks[header].body)
                body[0] = left
                chunks[header].body = body[...]
            }
        }
        var out: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8)
        for chunk in chunks {
            let length = chunk.body.count
            out += Array(chunk.name.utf8) + [UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 24)]
            out += chunk.body
            if length & 1 == 1 { out.append(0) }
        }
        let riff = out.count - 8
        out[4] = UInt8(riff & 0xff); out[5] = UInt8(riff >> 8 & 0xff); out[6] = UInt8(riff >> 16 & 0xff); out[7] = UInt8(riff >> 24)
        return Data(out)
    }

    private static func check(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws {
        guard range.contains(value) else {
            throw VipsError(.invalidArgument, "Expected an integer between \(range.lowerBound) and \(range.upperBound) for \(name) but received \(value)")
        }
    }
}

/// The time limit of an encode. An encoder (libheif's AV1 above all: 22 s for a 3000 px noise
/// image) runs after the pipeline has delivered its pixels, where the per-tile check of
/// ``LoadOptions/timeout`` never looks, so `--timeout 0.2` let it run and write its file. A
/// program that can stop as a whole (the CLI) installs ``handler``; when an encode outlives
/// ``LoadOptions/defaultTimeout`` (and a grace period), the handler is called on another
/// thread with the message, and must end the process (a library caller installs nothing, and
/// nothing happens).
public enum EncodeDeadline {
    nonisolated(unsafe) public static var handler: (@Sendable (String) -> Void)?

    final class Armed: @unchecked Sendable {
        let timer: DispatchSourceTimer
        init(timer: DispatchSourceTimer) { self.timer = timer }
        func cancel() { timer.cancel() }
    }

    static func arm(source: String?, format: String) -> Armed? {
        guard let handler, let limit = LoadOptions.defaultTimeout else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        // The pipeline a lazy image computes inside the encode stops itself at the limit, at its
        // next tile, with its own message: the hard stop leaves it a grace period of a second or
        // half the limit, whichever is longer.
        timer.schedule(deadline: .now() + limit.seconds + max(1, limit.seconds / 2))
        let message = "\(source.map { $0 + ": " } ?? "")the \(format) encode took longer than the time limit of "
            + "\(limit.secondsDescription) and was stopped"
        timer.setEventHandler { handler(message) }
        timer.resume()
        return Armed(timer: timer)
    }
}
