import Foundation
import Testing
import VipsCore

@Suite("Loading and refusing input")
struct LoadTests {
    @Test("every encoder's output loads back with its size and format", arguments: ImageFormat.allCases)
    func roundTrip(format: ImageFormat) throws {
        let data = try Samples.encoded(format, width: 40, height: 30)
        let image = try Image.load(data: data)
        #expect(image.width == 40)
        #expect(image.height == 30)
        #expect(image.format == (format == .avif ? "heif" : format.rawValue))
        let pixels = try image.pixels()
        #expect(pixels.data.count == 40 * 30 * pixels.bands)
    }

    @Test("bytes are copied: the caller's buffer can go away before decoding")
    func bytesAreCopied() throws {
        var data: Data? = try Samples.encoded(.png, width: 32, height: 32)
        let image = try Image.load(data: data!)
        data = nil
        let pixels = try image.pixels()
        #expect(pixels.value(x: 31, y: 0, band: 0) == 255)
    }

    @Test("pixels survive a round trip through libvips exactly")
    func pixelRoundTrip() throws {
        let source = Samples.gradient(width: 17, height: 9, bands: 4)
        let back = try Image(pixels: source).pixels()
        #expect(back == source)
    }

    @Test("a JPEG decoded smaller in the DCT has its size divided, rounded down; anything else is refused")
    func jpegShrink() throws {
        let jpeg = try Samples.temporaryFile("shrink.jpg", Samples.encoded(.jpeg, width: 101, height: 50))
        for (shrink, width, height) in [(1, 101, 50), (2, 50, 25), (4, 25, 12), (8, 12, 6)] {
            let image = try Image.load(jpegPath: jpeg, shrink: shrink)
            #expect(image.width == width && image.height == height, "shrink \(shrink)")
            #expect(try image.pixels().width == width)
        }
        let odd = #expect(throws: VipsError.self) { try Image.load(jpegPath: jpeg, shrink: 3) }
        #expect(odd?.code == .invalidArgument)
        let png = try Samples.temporaryFile("shrink.png", Samples.encoded(.png, width: 20, height: 20))
        let notJPEG = #expect(throws: VipsError.self) { try Image.load(jpegPath: png, shrink: 2) }
        #expect(notJPEG?.code == .unsupportedFormat)
        #expect(notJPEG?.description.contains("shrink.png") == true)
        let missing = #expect(throws: VipsError.self) { try Image.load(jpegPath: "/nonexistent/x.jpg", shrink: 2) }
        #expect(missing?.code == .fileNotFound)
    }

    @Test("header-only load does not decode, and refuses images over the pixel limit")
    func pixelLimit() throws {
        let bomb = Samples.pngBomb(width: 20_000, height: 20_000)
        #expect(bomb.count < 100)
        let error = #expect(throws: VipsError.self) { try Image.load(data: bomb, name: "bomb.png") }
        #expect(error?.code == .tooManyPixels)
        #expect(error?.description.contains("bomb.png") == true)
        #expect(error?.description.contains("400 megapixels") == true)
        // Under a higher limit the header is accepted (and the missing data fails only on decode).
        let lenient = try Image.load(data: bomb, options: LoadOptions(maxPixels: 500_000_000))
        #expect(lenient.width == 20_000)
        #expect(throws: VipsError.self) { try lenient.thumbnail(width: 10).pixels() }
        // A small limit is said in pixels (it said "over the limit of 0.0 megapixels", then
        // "0.001 megapixels", and --max-pixels 1 "1e-06 megapixels").
        let small = #expect(throws: VipsError.self) { try Image.load(data: bomb, options: LoadOptions(maxPixels: 1000)) }
        #expect(small?.description.contains("is 400,000,000 pixels, over the limit of 1,000 pixels") == true, "\(small?.description ?? "")")
        // Found by a QA pass: sizes just over the limit read "100 megapixels, over the limit of
        // 100 megapixels"; they are now in exact pixels.
        let close = #expect(throws: VipsError.self) { try Image.load(data: bomb, options: LoadOptions(maxPixels: 399_990_000)) }
        #expect(close?.description.hasSuffix("20000×20000 is 400,000,000 pixels, over the limit of 399,990,000 pixels") == true,
                "\(close?.description ?? "")")
        #expect(Image.overLimit(1_000_001, limit: 1_000_000, of: "") == "1,000,001 pixels, over 1,000,000 pixels")
        #expect(Image.overLimit(999, limit: 100, of: "") == "999 pixels, over 100 pixels")
        #expect(Image.overLimit(1200, limit: 1, of: "the limit of ") == "1,200 pixels, over the limit of 1 pixel")
        #expect(Image.overLimit(300_000, limit: 200_000, of: "") == "0.3 megapixels, over 0.2 megapixels")
    }

    @Test("missing, directory, empty, random and truncated files give typed errors naming the file")
    func badFiles() throws {
        let jpeg = try Samples.encoded(.jpeg, width: 256, height: 256)
        let png = try Samples.encoded(.png, width: 256, height: 256)
        let cases: [(String, Data?, VipsError.Code)] = [
            ("empty.jpg", Data(), .emptyInput),
            ("random.jpg", Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }), .unsupportedFormat),
            ("text.png", Data("hello".utf8), .unsupportedFormat),
        ]
        for (name, data, code) in cases {
            let path = try Samples.temporaryFile(name, data!)
            let error = #expect(throws: VipsError.self) { try Image.load(path: path) }
            #expect(error?.code == code, "\(name)")
            #expect(error?.description.hasPrefix(path) == true)
        }
        let missing = #expect(throws: VipsError.self) { try Image.load(path: "/nonexistent/x.jpg") }
        #expect(missing?.code == .fileNotFound)
        let empty = #expect(throws: VipsError.self) { try Image.load(path: "") }
        #expect(empty?.description == "the image path is empty")
        let directory = #expect(throws: VipsError.self) { try Image.load(path: NSTemporaryDirectory()) }
        #expect(directory?.code == .notAFile)
        // Devices and pipes: refused by type, not read ("/dev/zero: the file is empty").
        let device = #expect(throws: VipsError.self) { try Image.load(path: "/dev/zero") }
        #expect(device?.code == .notAFile)
        #expect(device?.description.contains("not a regular file") == true)
        // A symbolic link is followed to what it names.
        let target = try Samples.temporaryFile("linked.jpg", jpeg)
        let link = target + "-link.jpg"
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try Image.load(path: link).width == 256)

        for (name, whole) in [("cut.jpg", jpeg), ("cut.png", png)] {
            let path = try Samples.temporaryFile(name, whole.prefix(whole.count / 2))
            // The header is fine; decoding the cut data fails instead of returning grey pixels.
            let image = try Image.load(path: path)
            let error = #expect(throws: VipsError.self) { try image.pixels() }
            #expect(error?.code == .decodeFailed, "\(name)")
        }
    }

    @Test("formats outside the allowed loaders are refused by name")
    func refusedLoader() throws {
        // A 2×2 BMP: only ImageMagick reads it.
        var bmp: [UInt8] = Array("BM".utf8)
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let pixels = [UInt8](repeating: 200, count: 16)
        bmp += le32(54 + 16) + le32(0) + le32(54)
        bmp += le32(40) + le32(2) + le32(2) + le16(1) + le16(24) + le32(0) + le32(16) + le32(0) + le32(0) + le32(0) + le32(0)
        bmp += pixels
        let path = try Samples.temporaryFile("x.bmp", Data(bmp))
        let error = #expect(throws: VipsError.self) { try Image.load(path: path) }
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message.contains("not accepted") == true)
    }
}
