import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine
import VipsCore

/// Renders real test images and checks the result two ways: its size is exactly what the pure
/// geometry says, and its pixels match a reference made by the `vips` command-line tool from the
/// same crop rectangle, within a perceptual tolerance.
@Suite("Rendering")
struct RenderTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func image(_ name: String) -> String { root.appendingPathComponent("TestImages/\(name)").path }

    static let transformations = [
        "c_fill,w_400,h_225", "c_fill,g_north_west,w_300,h_300", "c_fill,g_south_east,w_120,h_400",
        "c_scale,w_250", "c_scale,w_250,h_100", "c_fit,w_300,h_300", "c_limit,w_5000,h_5000",
        "c_mfit,w_3000,h_3000", "c_lfill,w_200,h_200", "c_pad,b_red,w_400,h_400", "c_lpad,w_2000,h_300",
        "c_mpad,w_3000,h_100", "c_crop,w_200,h_150,x_10,y_20", "c_crop,g_center,w_0.5,h_0.5",
        "c_thumb,g_face,w_150,h_150", "ar_16:9,c_fill,w_640", "c_fill,w_300,h_300,dpr_2.0",
        "c_fill,w_0.5,h_0.25", "c_crop,w_300,h_300/c_scale,w_0.5", "a_90/c_fill,w_200,h_300",
        "c_scale,w_300/a_45", "c_fill,w_300,h_200/e_grayscale", "c_fill,w_300,h_200/r_max",
        "c_fill,w_300,h_200/r_20:40", "c_fill,w_300,h_200/bo_6px_solid_rgb:00ff00", "e_blur:300/c_scale,w_200",
        "c_scale,w_200/e_sharpen", "c_scale,w_200/o_50", "c_fill,ar_3:1,w_600",
        // Turns and an upside-down flip after a shrink-on-load (found by a QA pass: "out of order read").
        "c_scale,w_500/a_180", "c_scale,w_300/a_vflip", "c_pad,ar_16:9/a_90",
    ]

    static let sources = [
        "people-group-bar-crowd.jpg", "people-pool-exif-orientation-6.jpg", "logo-alpha.png",
        "landscape-very-wide.jpg", "product-coffee-adobergb.jpg",
        // 3391 rows: more than the sequential decode keeps, so a turn that reads the last rows
        // first fails unless the pixels are in memory.
        "animal-bird-very-tall.jpg",
    ]

    @Test("the rendered size is exactly the resolved geometry's output", arguments: sources)
    func sizes(source: String) throws {
        let path = Self.image(source)
        for text in Self.transformations {
            let transformation = try Transformation(parsing: text)
            let rendered = try Renderer.render(RenderRequest(sourcePath: path, transformation: transformation, defaultFormat: .png))
            let header = try Image.load(path: path)
            let components = transformation.components.map { $0.parameters.map { GeometryParameter(key: $0.key, rawValue: $0.rawValue) } }
            let geometry = try Geometry.resolve(source: Size(header.width, header.height), orientation: header.orientation,
                                                components: components)
            #expect(rendered.width == geometry.output.width && rendered.height == geometry.output.height,
                    "\(source) \(text): rendered \(rendered.width)×\(rendered.height), geometry \(geometry.output)")
            let decoded = try Image.load(data: rendered.data)
            #expect(decoded.width == rendered.width && decoded.height == rendered.height)
            #expect(rendered.notRendered.isEmpty, "\(text): \(rendered.notRendered)")
        }
    }

    /// Found in QA: with a_ignore and a shrink on load, libvips's thumbnail turned the image
    /// anyway, and the turned image was squeezed into the stored shape.
    @Test("a_ignore with a shrink on load keeps the stored orientation")
    func ignoredOrientationShrunk() throws {
        let path = Self.image("people-pool-exif-orientation-6.jpg")
        let rendered = try Renderer.renderPixels(RenderRequest(sourcePath: path, transformation: try Transformation(parsing: "a_ignore,w_400")))
        #expect(rendered.shrinkOnLoad > 1)
        let ours = try rendered.image.pixels()
        let stored = try Image.thumbnail(path: path, width: 400, options: ThumbnailOptions(autoRotate: false)).toSRGB().pixels()
        #expect(ours.width == stored.width && ours.height == stored.height && ours.bands == stored.bands)
        let difference = zip(ours.data, stored.data).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(ours.data.count)
        #expect(difference < 3, "mean difference \(difference)")
    }

    @Test("a turn after a shrink-on-load of a tall JPEG is the shrunk image turned")
    func turnAfterShrink() throws {
        let path = Self.image("animal-bird-very-tall.jpg")
        func pixels(_ text: String) throws -> PixelBuffer {
            try Renderer.renderPixels(RenderRequest(sourcePath: path, transformation: try Transformation(parsing: text))).image.pixels()
        }
        let turned = try pixels("c_scale,w_500/a_180")
        let expected = try Image(pixels: try pixels("c_scale,w_500")).rotated(degrees: 180).pixels()
        #expect(turned.width == expected.width && turned.height == expected.height)
        #expect(turned.data == expected.data)
    }

    /// The same crop made by the vips CLI (autorot, ICC to sRGB, crop, resize), compared by mean
    /// absolute difference and a difference hash.
    @Test("pixels match the vips command line's rendering of the same crop",
          arguments: ["c_fill,w_400,h_225", "c_fill,g_south_east,w_120,h_400", "c_scale,w_250", "c_crop,w_200,h_150,x_10,y_20",
                      "c_fill,w_0.5,h_0.25", "ar_16:9,c_fill,w_640", "c_lfill,w_200,h_200",
                      // The planner's explicit crop then scale (one scaled window, loaded shrunk).
                      "c_crop,w_600,h_400,x_50,y_30/c_scale,w_200"])
    func matchesVipsCLI(text: String) throws {
        for source in ["people-group-bar-crowd.jpg", "people-pool-exif-orientation-6.jpg", "product-coffee-adobergb.jpg"] {
            let path = Self.image(source)
            let result = try Renderer.render(RenderRequest(sourcePath: path, transformation: try Transformation(parsing: text),
                                                           defaultFormat: .png))
            let crop = try #require(result.crop)
            let reference = try Self.vipsReference(path: path, crop: crop, width: result.width, height: result.height)
            let ours = try Image.load(data: result.data).pixels()
            let theirs = try Image.load(path: reference).toSRGB().pixels()
            #expect(ours.width == theirs.width && ours.height == theirs.height)
            // Shrink-on-load and a full decode differ by sub-pixel shifts and filter ringing on fine
            // texture; what a person sees is compared on 4×4-pixel cell averages.
            let difference = Self.meanAbsoluteDifference(Self.cells(ours, size: 4), Self.cells(theirs, size: 4))
            #expect(difference < 3.0, "\(source) \(text): mean difference \(difference)")
            let hashDistance = (Self.dHash(ours) ^ Self.dHash(theirs)).nonzeroBitCount
            #expect(hashDistance <= 6, "\(source) \(text): dHash distance \(hashDistance)")
        }
    }

    @Test("the pixel comparison notices a crop that is off by a tenth of the window")
    func comparisonCanFail() throws {
        let path = Self.image("people-group-bar-crowd.jpg")
        let result = try Renderer.render(RenderRequest(sourcePath: path, transformation: try Transformation(parsing: "c_fill,w_400,h_225"),
                                                       defaultFormat: .png))
        var crop = try #require(result.crop)
        crop[0] += crop[2] / 10
        crop[2] -= crop[2] / 10
        let reference = try Self.vipsReference(path: path, crop: crop, width: result.width, height: result.height)
        let difference = Self.meanAbsoluteDifference(Self.cells(try Image.load(data: result.data).pixels(), size: 4),
                                                     Self.cells(try Image.load(path: reference).pixels(), size: 4))
        #expect(difference > 3.0)
    }

    @Test("an output that cannot be written leaves nothing behind, and a bad source names itself")
    func failures() throws {
        let transformation = try Transformation(parsing: "c_scale,w_100")
        #expect(throws: EngineError.self) {
            try AtomicFile.write(Data([1, 2, 3]), to: "/nonexistent-dir/out.jpg")
        }
        // The system's words, not Foundation's ("The file doesn't exist." for a write into /proc).
        #expect(AtomicFile.systemReason(CocoaError(.fileNoSuchFile)) == "No such file or directory")
        #expect(AtomicFile.systemReason(CocoaError(.fileWriteOutOfSpace)) == "No space left on device")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let truncated = dir.appendingPathComponent("cut.jpg")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.image("people-astronaut.jpg")))
        try whole.prefix(whole.count / 3).write(to: truncated)
        let error = #expect(throws: VipsError.self) {
            try Renderer.render(RenderRequest(sourcePath: truncated.path, transformation: transformation))
        }
        #expect(error?.description.contains("cut.jpg") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["cut.jpg"])
    }

    @Test("AtomicFile writes a name of up to 255 bytes (its temporary name is longer) and names the limit past it")
    func atomicFileLongNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 251 + 4 bytes, and a name of two-byte characters split at no character.
        for name in [String(repeating: "a", count: 251) + ".jpg", String(repeating: "é", count: 125) + ".jpg"] {
            try AtomicFile.write(Data([1, 2, 3]), to: dir.appendingPathComponent(name).path)
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name.utf8.count) bytes")
        }
        let tooLong = dir.appendingPathComponent(String(repeating: "b", count: 252) + ".jpg").path
        let error = #expect(throws: EngineError.self) { try AtomicFile.write(Data([1]), to: tooLong) }
        #expect(error?.message == "the file name is 256 bytes long, over the 255 a file system takes")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 2, "no partial file left")
    }

    @Test("AtomicFile replaces what a link points at, keeps permissions, writes into a pipe and refuses a directory")
    func atomicFileTargets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Data("new contents".utf8)
        // Through a link: the target gets the bytes with its own permissions, the link stays a link.
        let target = dir.appendingPathComponent("target.jpg").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        #expect(chmod(target, 0o640) == 0)
        let link = dir.appendingPathComponent("link.jpg").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.jpg")
        try AtomicFile.write(bytes, to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.jpg")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == bytes)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
        // A link to a file not there yet: the file is made where it points.
        let dangling = dir.appendingPathComponent("dangling.jpg").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "made.jpg")
        try AtomicFile.write(bytes, to: dangling)
        #expect(try Data(contentsOf: dir.appendingPathComponent("made.jpg")) == bytes)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling) == "made.jpg")
        // A pipe is written into, not replaced by a file (a reader is open, so the write cannot block).
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write(bytes, to: fifo)
        var received = [UInt8](repeating: 0, count: 64)
        #expect(read(reader, &received, received.count) == bytes.count)
        #expect(Data(received.prefix(bytes.count)) == bytes)
        var status = stat()
        #expect(stat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        // A directory is refused and left alone; nothing else is left behind.
        let error = #expect(throws: EngineError.self) { try AtomicFile.write(bytes, to: dir.path) }
        #expect(error?.message == "is a directory")
        // A file no one may write is not replaced (it was, keeping its 0444), even by root.
        let locked = dir.appendingPathComponent("locked.json").path
        try Data("kept".utf8).write(to: URL(fileURLWithPath: locked))
        #expect(chmod(locked, 0o444) == 0)
        let refused = #expect(throws: EngineError.self) { try AtomicFile.write(bytes, to: locked) }
        #expect(refused?.message.hasPrefix("is read-only: it is not replaced") == true, "\(String(describing: refused))")
        #expect(try Data(contentsOf: URL(fileURLWithPath: locked)) == Data("kept".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                == ["dangling.jpg", "fifo", "link.jpg", "locked.json", "made.jpg", "target.jpg"])
    }

    @Test("f_ and q_ choose the encoder; JPEG output of an image with alpha is flattened")
    func delivery() throws {
        let logo = Self.image("logo-alpha.png")
        let jpeg = try Renderer.render(RenderRequest(sourcePath: logo, transformation: try Transformation(parsing: "c_scale,w_200/f_jpg,q_60")))
        #expect(jpeg.format == "jpeg")
        #expect(jpeg.quality == 60)
        #expect(try Image.load(data: jpeg.data).hasAlpha == false)
        let webp = try Renderer.render(RenderRequest(sourcePath: logo, transformation: try Transformation(parsing: "c_scale,w_200"),
                                                     defaultFormat: .webp))
        #expect(webp.format == "webp")
        #expect(try Image.load(data: webp.data).hasAlpha)
        let progressive = try Renderer.render(RenderRequest(sourcePath: Self.image("people-astronaut.jpg"),
                                                            transformation: try Transformation(parsing: "c_scale,w_300,fl_progressive/f_jpg")))
        #expect([UInt8](progressive.data).windowContains([0xff, 0xc2]))
    }

    @Test("delivery flags: progressive by default with q_auto, :420/:444 chroma, fl_lossy, PNG-24 under q_auto, :sensitive")
    func deliveryFlags() throws {
        let photo = Self.image("people-astronaut.jpg"), logo = Self.image("logo-alpha.png")
        func render(_ path: String, _ text: String) throws -> RenderResult {
            try Renderer.render(RenderRequest(sourcePath: path, transformation: try Transformation(parsing: text)))
        }
        let progressive: [UInt8] = [0xff, 0xc2]
        // TR: progressive:semi is the default with q_auto, none with a numeric quality; the flag
        // was dropped whenever q_auto or f_auto chose.
        #expect([UInt8](try render(photo, "c_scale,w_200,q_auto,f_jpg").data).windowContains(progressive))
        #expect(![UInt8](try render(photo, "c_scale,w_200,q_auto,fl_progressive:none,f_jpg").data).windowContains(progressive))
        #expect(![UInt8](try render(photo, "c_scale,w_200,q_80,f_jpg").data).windowContains(progressive))
        #expect([UInt8](try render(photo, "c_scale,w_200,q_80,fl_progressive,f_jpg").data).windowContains(progressive))
        // The luma sampling factors in the JPEG frame header: 0x22 subsampled, 0x11 full chroma.
        func lumaSampling(_ data: Data) -> UInt8? {
            let bytes = [UInt8](data)
            guard let sof = (0..<(bytes.count - 12)).first(where: { bytes[$0] == 0xff && [0xc0, 0xc2].contains(bytes[$0 + 1]) })
            else { return nil }
            return bytes[sof + 11]
        }
        #expect(lumaSampling(try render(photo, "c_scale,w_200,q_95,f_jpg").data) == 0x11)  // libvips: none at q ≥ 90
        #expect(lumaSampling(try render(photo, "c_scale,w_200,q_95:420,f_jpg").data) == 0x22)
        #expect(lumaSampling(try render(photo, "c_scale,w_200,q_60:444,f_jpg").data) == 0x11)
        #expect(lumaSampling(try render(photo, "c_scale,w_200,q_60,f_jpg").data) == 0x22)
        // An effect drawn otherwise than asked is said too.
        #expect(try render(photo, "c_scale,w_100,e_grayscale:50").notRendered == ["the :50 of e_grayscale:50 (drawn as full grayscale)"])
        #expect(try render(photo, "c_scale,w_100,e_grayscale").notRendered.isEmpty)
        #expect(try render(photo, "c_scale,w_100,e_blur:50:2").notRendered == ["the :2 after e_blur:50 (only a strength is read)"])
        // 4:2:2, which libvips cannot write, is said rather than written as 4:2:0 without a word.
        let fourTwoTwo = try render(photo, "c_scale,w_200,q_60:422,f_jpg")
        #expect(fourTwoTwo.notRendered == ["the :422 chroma of q_60:422"] && fourTwoTwo.quality == 60)
        // Cloudinary's semi and steep scan scripts are written as libjpeg's standard one: said.
        #expect(try render(photo, "c_scale,w_200,f_jpg,fl_progressive:semi").notRendered
                == ["the scan script of fl_progressive:semi (written with libjpeg's standard progression)"])
        #expect(try render(photo, "c_scale,w_200,f_jpg,fl_progressive").notRendered.isEmpty)
        // fl_lossy: a PNG without an alpha channel is delivered as JPEG; with one it stays PNG.
        #expect(try render(photo, "c_scale,w_200,f_png,fl_lossy").format == "jpeg")
        #expect(try render(logo, "c_scale,w_200,f_png,fl_lossy").format == "png")
        // q_auto alone keeps a PNG full-colour (colour type 6 in IHDR, not 3, a palette); with
        // fl_any_format it may take a palette.
        let png24 = try render(logo, "c_scale,w_200,q_auto")
        #expect(png24.format == "png" && [UInt8](png24.data)[25] == 6)
        #expect(try render(logo, "c_scale,w_200,q_auto,fl_any_format").encodes ?? 0 > 1)
        // Metadata flags are not rendered, and say why.
        #expect(try render(photo, "c_scale,w_200,fl_keep_iptc").notRendered.contains { $0.hasPrefix("fl_keep_iptc (metadata") })
        // :sensitive raises the level's target a little (75 → 79 for good).
        let sensitive = try render(photo, "c_fill,w_128,h_128/f_webp,q_auto:good:sensitive")
        #expect((sensitive.ssimulacra2 ?? 0) >= 79, "\(String(describing: sensitive.ssimulacra2))")
    }

    @Test("f_auto,q_auto decide through the optimiser; f_auto with q_N keeps the quality and picks a format")
    func autoFormatQuality() throws {
        let path = Self.image("people-astronaut.jpg")
        let auto = try Renderer.render(RenderRequest(sourcePath: path,
                                                     transformation: try Transformation(parsing: "c_fill,w_128,h_128/f_auto,q_auto:eco")))
        #expect(["avif", "webp", "jpeg"].contains(auto.format))
        #expect((auto.ssimulacra2 ?? 0) >= 65)
        #expect((auto.encodes ?? 0) >= 3)
        let fixed = try Renderer.render(RenderRequest(sourcePath: path,
                                                      transformation: try Transformation(parsing: "c_fill,w_128,h_128/f_auto,q_70")))
        #expect(fixed.quality == 70)
        let onlyQuality = try Renderer.render(RenderRequest(sourcePath: path,
                                                            transformation: try Transformation(parsing: "c_fill,w_128,h_128/f_webp,q_auto")))
        #expect(onlyQuality.format == "webp")
        #expect((onlyQuality.ssimulacra2 ?? 0) >= 75)
    }

    @Test("parameters that are not rendered locally are reported, not dropped")
    func notRendered() throws {
        let result = try Renderer.render(RenderRequest(
            sourcePath: Self.image("people-astronaut.jpg"),
            transformation: try Transformation(parsing: "c_scale,w_200,e_cartoonify/l_logo,g_south/fl_layer_apply"),
            defaultFormat: .jpeg))
        #expect(result.notRendered.contains("e_cartoonify"))
        #expect(result.notRendered.contains("l_logo"))  // image layers (text layers are drawn)
        // A strength that is not a number (a variable: valid, but unknown here) is reported too,
        // not rendered as the default strength; text that is no number is refused by the parser.
        let blur = try Renderer.render(RenderRequest(sourcePath: Self.image("people-astronaut.jpg"),
                                                     transformation: try Transformation(parsing: "c_scale,w_100/e_blur:$strength"),
                                                     defaultFormat: .jpeg))
        #expect(blur.notRendered == ["e_blur:$strength"])
        #expect(throws: (any Error).self) { try Transformation(parsing: "c_scale,w_100/e_blur:abc") }
    }

    @Test("effects of a component an if_ skips, or of a layer, leave the image alone; conditions are not 'not rendered'")
    func skippedComponents() throws {
        let source = Self.image("animal-cat-closeup.jpg")  // 451×300, a brown cat
        func render(_ text: String) throws -> (pixels: PixelBuffer, notRendered: [String]) {
            let result = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: text),
                                                           defaultFormat: .png))
            // As sRGB: a PNG whose pixels are all grey is written with one grey band.
            return (try Image.load(data: result.data).toSRGB().pixels(), result.notRendered)
        }
        func grey(_ p: PixelBuffer) -> Bool {
            for i in stride(from: 0, to: p.data.count, by: p.bands) {
                let r = p.data[i], g = p.data[i + 1], b = p.data[i + 2]
                if r != g || g != b { return false }
            }
            return true
        }
        let skipped = try render("if_w_gt_1000,e_grayscale")
        #expect(!grey(skipped.pixels))
        #expect(skipped.notRendered.isEmpty, "\(skipped.notRendered)")
        #expect(grey(try render("if_w_lt_1000,e_grayscale").pixels))
        let branch = try render("if_w_gt_1000/e_grayscale/if_else/c_scale,w_100/if_end")
        #expect(branch.pixels.width == 100 && !grey(branch.pixels))
        let layer = try render("l_logo,e_grayscale/fl_layer_apply")
        #expect(!grey(layer.pixels))
        #expect(layer.notRendered.contains("l_logo"))
        #expect(try render("$w_300/c_scale,w_$w").notRendered.isEmpty)
    }

    @Test("a transformation asking for a huge image is refused; a border wider than the image leaves only its colour")
    func extremes() throws {
        let source = Self.image("people-couple-bar.jpg")
        let huge = #expect(throws: EngineError.self) {
            try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "w_99999999")))
        }
        #expect(huge?.message.contains("makes a 99999999×74999999 image") == true, "\(String(describing: huge))")
        #expect(huge?.code == .invalidTransformation)
        for border in ["bo_999999px_solid_red", "bo_75px_solid_red"] {  // (75 px is half of the 150 px height)
            let framed = try Renderer.render(RenderRequest(sourcePath: source,
                                                           transformation: try Transformation(parsing: "c_scale,w_200/\(border)"),
                                                           defaultFormat: .png))
            let pixels = try Image.load(data: framed.data).pixels()
            #expect(pixels.width == 200 && pixels.height == 150)
            #expect(stride(from: 0, to: pixels.data.count, by: pixels.bands).allSatisfy {
                pixels.data[$0] == 255 && pixels.data[$0 + 1] == 0 && pixels.data[$0 + 2] == 0
            }, "\(border)")
        }
    }

    @Test("shrink-on-load is used when the first step reduces the image")
    func shrinkOnLoad() throws {
        let big = try Renderer.render(RenderRequest(sourcePath: Self.image("people-group-bar-crowd.jpg"),
                                                    transformation: try Transformation(parsing: "c_fill,w_100,h_100")))
        #expect(big.shrinkOnLoad > 2)
        let none = try Renderer.render(RenderRequest(sourcePath: Self.image("people-group-bar-crowd.jpg"),
                                                     transformation: try Transformation(parsing: "c_crop,w_100,h_100")))
        #expect(none.shrinkOnLoad == 1)
    }

    /// What the planner writes for every variant: an explicit crop, then a scale of all of it.
    @Test("an explicit crop scaled down by the next component is decoded smaller, unless effects come between")
    func shrinkOnLoadCropThenScale() throws {
        func render(_ text: String, _ name: String = "animal-bird-trunk-large.jpg") throws -> RenderResult {
            try Renderer.render(RenderRequest(sourcePath: Self.image(name),
                                              transformation: try Transformation(parsing: text), defaultFormat: .png))
        }
        // 4521 px to 768: a reduction of 5.9, so the JPEG is decoded at half size in the DCT (the
        // rest left to the resize, as libvips's thumbnail leaves it).
        let chain = try render("c_crop,h_3391,w_4521,x_549,y_0/c_scale,w_768")
        #expect(chain.shrinkOnLoad == 2)
        #expect(try render("c_crop,h_3391,w_4521,x_549,y_0/c_scale,w_250").shrinkOnLoad > 7.9)  // 6028 / 753
        #expect(chain.width == 768 && chain.height == 576)
        #expect(chain.crop == [549, 0, 4521, 3391])
        // The same pixels, give or take the sub-pixel shifts of a smaller load, as the full decode
        // cut and scaled by the vips command line.
        let reference = try Self.vipsReference(path: Self.image("animal-bird-trunk-large.jpg"), crop: [549, 0, 4521, 3391],
                                               width: 768, height: 576)
        let difference = Self.meanAbsoluteDifference(Self.cells(try Image.load(data: chain.data).pixels(), size: 4),
                                                     Self.cells(try Image.load(path: reference).pixels(), size: 4))
        #expect(difference < 3.0, "mean difference \(difference)")
        // An effect on the crop's component applies between the two: no merge, a full load.
        #expect(try render("c_crop,h_3391,w_4521,x_549,y_0,e_grayscale/c_scale,w_768").shrinkOnLoad == 1)
        // A scale that hardly reduces is not worth a second resample.
        #expect(try render("c_crop,h_1000,w_1000,x_0,y_0/c_scale,w_950").shrinkOnLoad == 1)
        // A reduction under 4 gains nothing from the DCT: the whole decode, as before.
        #expect(try render("c_crop,h_3391,w_4521,x_549,y_0/c_scale,w_1366").shrinkOnLoad == 1)
        // A PNG is loaded reduced by libvips's thumbnail, the window cut from it (cut from the
        // whole decode, a 10240×6400 PNG took 12 s to 480 px); its pixels are the vips command
        // line's, within the same tolerance.
        let png = try render("c_crop,h_1200,w_1920,x_320,y_200/c_scale,w_400", "graphic-illustration.png")
        #expect(png.shrinkOnLoad > 4 && png.width == 400 && png.height == 250)
        let pngReference = try Self.vipsReference(path: Self.image("graphic-illustration.png"), crop: [320, 200, 1920, 1200],
                                                  width: 400, height: 250)
        let pngDifference = Self.meanAbsoluteDifference(Self.cells(try Image.load(data: png.data).pixels(), size: 4),
                                                        Self.cells(try Image.load(path: pngReference).pixels(), size: 4))
        #expect(pngDifference < 3.0, "mean difference \(pngDifference)")
        // No shrink for a JPEG that EXIF turns.
        #expect(try render("c_crop,h_800,w_600,x_0,y_0/c_scale,w_120", "people-pool-exif-orientation-6.jpg").shrinkOnLoad == 1)
        // A scale of part of the crop's output (a second crop) is not merged either.
        #expect(try render("c_crop,h_3391,w_4521,x_549,y_0/c_crop,w_400,h_300").shrinkOnLoad == 1)
    }

    // MARK: - Helpers

    static func vipsReference(path: String, crop: [Int], width: Int, height: Int) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vipsref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let upright = dir.appendingPathComponent("upright.v").path
        let srgb = dir.appendingPathComponent("srgb.v").path
        let cropped = dir.appendingPathComponent("crop.v").path
        let out = dir.appendingPathComponent("ref.png").path
        try run(["autorot", path, upright])
        let header = try Image.load(path: path)
        if header.hasICCProfile {
            try run(["icc_transform", upright, srgb, "srgb", "--embedded"])
        } else {
            try run(["copy", upright, srgb])
        }
        try run(["extract_area", srgb, cropped] + crop.map(String.init))
        try run(["resize", cropped, out, String(Double(width) / Double(crop[2])), "--vscale", String(Double(height) / Double(crop[3]))])
        return out
    }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/vips")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw EngineError(.io, "vips \(arguments.joined(separator: " ")) failed") }
    }

    /// Average of the first three bands over `cols` × `rows` cells.
    static func cellAverages(_ p: PixelBuffer, cols: Int, rows: Int) -> [[Double]] {
        let bands = min(3, p.bands)
        var cells = [[Double]](repeating: [Double](repeating: 0, count: bands), count: cols * rows)
        var counts = [Int](repeating: 0, count: cols * rows)
        for y in 0..<p.height {
            for x in 0..<p.width {
                let cell = min(rows - 1, y * rows / p.height) * cols + min(cols - 1, x * cols / p.width)
                counts[cell] += 1
                for c in 0..<bands { cells[cell][c] += Double(p.value(x: x, y: y, band: c)) }
            }
        }
        return cells.enumerated().map { i, sums in sums.map { $0 / Double(max(1, counts[i])) } }
    }

    /// Cells of `size` × `size` pixels.
    static func cells(_ p: PixelBuffer, size: Int) -> [[Double]] {
        cellAverages(p, cols: max(1, p.width / size), rows: max(1, p.height / size))
    }

    static func meanAbsoluteDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        var total = 0.0, n = 0
        for (x, y) in zip(a, b) { for (u, v) in zip(x, y) { total += abs(u - v); n += 1 } }
        return total / Double(max(1, n))
    }

    /// A 64-bit difference hash of the brightness of 9×8 cells.
    static func dHash(_ p: PixelBuffer) -> UInt64 {
        let grid = cellAverages(p, cols: 9, rows: 8).map { $0.reduce(0, +) }
        var hash: UInt64 = 0
        for gy in 0..<8 { for gx in 0..<8 where grid[gy * 9 + gx] > grid[gy * 9 + gx + 1] { hash |= 1 << UInt64(gy * 8 + gx) } }
        return hash
    }
}

extension Array where Element == UInt8 {
    func windowContains(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        for i in 0...(count - needle.count) where Array(self[i..<i + needle.count]) == needle { return true }
        return false
    }
}
