import Foundation
import Testing
import VipsCore

@Suite("Geometry, colour and encoders")
struct OperationTests {
    /// The chunks of a WebP file (RIFF): four-character name to size.
    static func webpChunks(_ data: Data) -> [String: Int] {
        let bytes = [UInt8](data)
        var chunks: [String: Int] = [:]
        var i = 12
        while i + 8 <= bytes.count {
            let size = Int(bytes[i + 4]) | Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]) << 16 | Int(bytes[i + 7]) << 24
            chunks[String(decoding: bytes[i..<i + 4], as: UTF8.self)] = size
            i += 8 + size + (size & 1)
        }
        return chunks
    }

    @Test("every encoder strips the metadata when asked, WebP included (libvips 8.14's saver ignores strip)")
    func metadataStripped() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // A camera JPEG with 23 KB of EXIF and an ICC profile.
        let image = try Image.thumbnail(path: root.appendingPathComponent("TestImages/people-pool-exif-orientation-6.jpg").path, width: 150)
        var keep = WebPOptions()
        keep.stripMetadata = false
        let kept = try image.encoded(as: .webp(keep))
        #expect(Self.webpChunks(kept)["EXIF", default: 0] > 20_000 && Self.webpChunks(kept)["ICCP"] != nil, "\(Self.webpChunks(kept))")
        // The saver still writes a minimal EXIF block of its own (resolution, about 190 bytes);
        // it is taken out of the file, with the extended header that announced it.
        let stripped = try image.encoded(as: .webp(WebPOptions()))
        let chunks = Self.webpChunks(stripped)
        #expect(Set(chunks.keys) == ["VP8 "], "\(chunks)")
        // With alpha the extended header stays, announcing the alpha only.
        let withAlpha = try Image(pixels: Samples.gradient(bands: 4)).encoded(as: .webp(WebPOptions()))
        #expect(Set(Self.webpChunks(withAlpha).keys) == ["VP8X", "ALPH", "VP8 "], "\(Self.webpChunks(withAlpha))")
        #expect(withAlpha[20] == 0x10, "VP8X flags: alpha alone")
        #expect(try Image.load(data: withAlpha).hasAlpha)
        #expect(stripped.count < kept.count - 20_000)
        // The pixels are the same.
        #expect(try Image.load(data: stripped).pixels() == Image.load(data: kept).pixels())
        for format in [ImageFormat.jpeg, .png, .avif] {
            let data = try image.encoded(as: EncodeOptions.defaults(for: format))
            let loaded = try Image.load(data: data)
            #expect(!loaded.hasICCProfile, "\(format)")
            #expect(!data.windowsContain(Array("Exif".utf8)), "\(format)")
        }
    }

    let image: Image

    init() throws {
        image = try Image(pixels: Samples.gradient(width: 64, height: 48))
    }

    @Test("isGrey: equal red, green and blue everywhere, alpha not looked at; read in place from memory")
    func greyTest() throws {
        func image(_ bands: Int, _ data: [UInt8]) throws -> Image {
            try Image(pixels: PixelBuffer(width: data.count / bands / 2, height: 2, bands: bands, data: data)).materialised()
        }
        #expect(try image(3, [7, 7, 7, 9, 9, 9, 0, 0, 0, 255, 255, 255]).isGrey())
        #expect(try image(4, [7, 7, 7, 0, 9, 9, 9, 255, 1, 1, 1, 30, 2, 2, 2, 2]).isGrey())
        // The last pixel of the last row differs in blue only.
        #expect(try !image(3, [7, 7, 7, 9, 9, 9, 0, 0, 0, 255, 255, 254]).isGrey())
        #expect(try image(1, [1, 2, 3, 4]).isGrey() && image(2, [1, 255, 3, 0, 5, 9, 7, 1]).isGrey())
        // Taller than one 64-row strip: a colour pixel in the second strip is found.
        var tall = [UInt8](repeating: 128, count: 3 * 3 * 100)
        tall[3 * (3 * 90 + 1) + 2] = 0
        #expect(try !Image(pixels: PixelBuffer(width: 3, height: 100, bands: 3, data: tall)).materialised().isGrey())
    }

    @Test("resize to an exact size corrects libvips's own rounding", arguments: [(33, 17), (1, 1), (200, 150), (64, 1)])
    func exactResize(size: (Int, Int)) throws {
        let out = try image.resized(toWidth: size.0, height: size.1)
        #expect(out.width == size.0)
        #expect(out.height == size.1)
    }

    @Test("a wide blur computed at reduced size stays within a few levels of the exact one",
          arguments: [(16.0, 7, 0.8), (20.0, 6, 0.7), (50.0, 4, 0.5), (100.0, 4, 0.6)])
    func reducedBlur(sigma: Double, maxDifference: Int, meanDifference: Double) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // A photo with edges of every kind, 1000 px wide: faces, a bar's lights, dark corners.
        let image = try Image(pixels: Image.thumbnail(path: root.appendingPathComponent("TestImages/people-couple-bar.jpg").path,
                                                      width: 1000).pixels())
        let exact = try image.blurred(sigma: sigma).castToEightBit().pixels()
        let reduced = try image.blurredAtReducedSize(sigma: sigma).castToEightBit().pixels()
        #expect(reduced.width == exact.width && reduced.height == exact.height && reduced.bands == exact.bands)
        var worst = 0, total = 0
        for (a, b) in zip(exact.data, reduced.data) {
            let d = abs(Int(a) - Int(b))
            worst = max(worst, d)
            total += d
        }
        let mean = Double(total) / Double(exact.data.count)
        #expect(worst <= maxDifference && mean <= meanDifference, "max \(worst), mean \(mean)")
        // It is not the image itself: a blur that wide moves most pixels by far more.
        let original = try image.pixels()
        let moved = zip(original.data, reduced.data).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        #expect(Double(moved) / Double(original.data.count) > 10 * meanDifference)
    }

    @Test("under sigma 16 the reduced-size blur is the exact one")
    func reducedBlurSmallSigma() throws {
        let image = try Image(pixels: Samples.gradient(width: 200, height: 120))
        #expect(try image.blurredAtReducedSize(sigma: 12).pixels() == image.blurred(sigma: 12).pixels())
    }

    @Test("extract area keeps the pixels of the rectangle and refuses one outside the image")
    func extract() throws {
        let area = try image.extractArea(left: 10, top: 5, width: 20, height: 10)
        let pixels = try area.pixels()
        let original = try image.pixels()
        #expect(pixels.value(x: 0, y: 0, band: 0) == original.value(x: 10, y: 5, band: 0))
        #expect(throws: VipsError.self) { try image.extractArea(left: 50, top: 0, width: 20, height: 10) }
    }

    @Test("embed places the image and fills with the background")
    func embed() throws {
        let out = try image.embed(x: 3, y: 4, width: 70, height: 60, background: [255, 0, 0])
        let pixels = try out.pixels()
        #expect(out.width == 70 && out.height == 60)
        #expect([0, 1, 2].map { pixels.value(x: 0, y: 0, band: $0) } == [255, 0, 0])
    }

    @Test("rotation by multiples of 90 swaps sides; other angles enlarge the canvas")
    func rotate() throws {
        let quarter = try image.rotated(degrees: 90)
        #expect(quarter.width == 48 && quarter.height == 64)
        #expect(try image.rotated(degrees: -270).width == 48)
        let tilted = try image.rotated(degrees: 30)
        #expect(tilted.width > 64 && tilted.height > 48)
    }

    @Test("flatten removes alpha over the background")
    func flatten() throws {
        let rgba = try Image(pixels: Samples.gradient(width: 8, height: 8, bands: 4))
        #expect(rgba.hasAlpha)
        let flat = try rgba.flattened(background: [255, 255, 255])
        #expect(!flat.hasAlpha)
        #expect(flat.bands == 3)
        // A clear pixel becomes the background, an opaque one keeps its colour.
        let clear = try Image(pixels: PixelBuffer(width: 2, height: 1, bands: 4, data: [10, 20, 30, 0, 10, 20, 30, 255]))
        #expect(try clear.flattened(background: [255, 0, 128]).pixels().data == [255, 0, 128, 10, 20, 30])
    }

    @Test("JPEG quality changes the size; progressive and PNG8 are honoured")
    func encoders() throws {
        let big = try Image(pixels: Samples.gradient(width: 256, height: 256)).materialised()
        let low = try big.encoded(as: .jpeg(JPEGOptions(quality: 20)))
        let high = try big.encoded(as: .jpeg(JPEGOptions(quality: 95)))
        #expect(low.count < high.count)
        let progressive = try big.encoded(as: .jpeg(JPEGOptions(quality: 80, progressive: true)))
        // SOF2 marks a progressive JPEG.
        #expect(progressive.windowsContain([0xff, 0xc2]))
        let png8 = try big.encoded(as: .png(PNGOptions(palette: true)))
        let png24 = try big.encoded(as: .png(PNGOptions()))
        // The IHDR's colour type (byte 25) is 3, indexed colour, and 2 (RGB) without the palette.
        #expect([UInt8](png8)[25] == 3 && [UInt8](png24)[25] == 2)
        #expect(png8.count < png24.count)
        let avif = try big.encoded(as: .avif(AVIFOptions(quality: 40, effort: 2)))
        #expect(try Image.load(data: avif).format == "heif")
        #expect(throws: VipsError.self) { try big.encoded(as: .jpeg(JPEGOptions(quality: 0))) }
    }

    @Test("GIF: a palette of at most 2^bitDepth colours, read back at the same size; settings out of range refused")
    func gif() throws {
        let image = try Image(pixels: Samples.gradient(width: 120, height: 80)).materialised()
        let data = try image.encoded(as: .gif(GIFOptions()))
        #expect(data.starts(with: Array("GIF89a".utf8)))
        let back = try Image.load(data: data)
        #expect(back.format == "gif" && back.width == 120 && back.height == 80)
        func colours(_ data: Data) throws -> Int {
            let pixels = try Image.load(data: data).pixels()
            var seen = Set<[UInt8]>()
            for i in stride(from: 0, to: pixels.data.count, by: pixels.bands) {
                seen.insert(Array(pixels.data[i..<(i + min(3, pixels.bands))]))
            }
            return seen.count
        }
        #expect(try colours(data) <= 256)
        #expect(try colours(image.encoded(as: .gif(GIFOptions(dither: 0, bitDepth: 1)))) <= 2)
        #expect(throws: VipsError.self) { try image.encoded(as: .gif(GIFOptions(effort: 0))) }
        #expect(throws: VipsError.self) { try image.encoded(as: .gif(GIFOptions(bitDepth: 9))) }
        #expect(throws: VipsError.self) { try image.encoded(as: .gif(GIFOptions(dither: 1.5))) }
        #expect(ImageFormat(name: "gif") == .gif && !ImageFormat.decided.contains(.gif))
    }

    @Test("grey images convert to three-band sRGB")
    func srgb() throws {
        let grey = try Image(pixels: Samples.gradient(width: 8, height: 8, bands: 1))
        let rgb = try grey.toSRGB()
        #expect(rgb.bands == 3)
        #expect(rgb.isEightBit)
    }
}

extension Data {
    func windowsContain(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        let bytes = [UInt8](self)
        for i in 0...(bytes.count - needle.count) where Array(bytes[i..<i + needle.count]) == needle { return true }
        return false
    }
}
