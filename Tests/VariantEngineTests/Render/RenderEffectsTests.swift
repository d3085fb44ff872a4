import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine
import VipsCore

/// The pixel effects (`e_`, `bo_`, `r_`, `o_`) as a chain and a component order them, on small
/// generated images whose expected pixels can be worked out by hand.
@Suite("Rendering: effects")
struct RenderEffectsTests {
    /// Writes `pixels` as a PNG in a fresh temporary folder.
    static func file(_ pixels: PixelBuffer, name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("effects-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Image(pixels: pixels).encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// 200×200, black and white squares of 20 px.
    static func checker() throws -> String {
        let data = (0..<(200 * 200)).map { i -> UInt8 in ((i % 200) / 20 + (i / 200) / 20) % 2 == 0 ? 0 : 255 }
        return try file(PixelBuffer(width: 200, height: 200, bands: 1, data: data), name: "checker.png")
    }

    static func render(_ text: String, _ source: String) throws -> (result: RenderResult, pixels: PixelBuffer) {
        let result = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: text),
                                                       defaultFormat: .png))
        // As sRGB: a PNG whose pixels are all grey is written with one grey band.
        return (result, try Image.load(data: result.data).toSRGB().pixels())
    }

    static func deviation(_ p: PixelBuffer) -> Double {
        let values = p.data.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    static func pixel(_ p: PixelBuffer, _ x: Int, _ y: Int) -> [Int] {
        let i = (y * p.width + x) * p.bands
        return (0..<p.bands).map { Int(p.data[i + $0]) }
    }

    @Test("an effect in a component before a resize acts on the image at that point, not after the resize")
    func effectsInChainOrder() throws {
        let checker = try Self.checker()
        // Blurred at 200 px (sigma 5 against 20 px squares) then reduced to 50: the squares stay.
        // Reduced first (5 px squares), the same blur leaves a grey wash.
        let blurFirst = try Self.render("e_blur:100/c_scale,w_50", checker)
        let scaleFirst = try Self.render("c_scale,w_50/e_blur:100", checker)
        #expect(blurFirst.pixels.width == 50 && scaleFirst.pixels.width == 50)
        let first = Self.deviation(blurFirst.pixels), second = Self.deviation(scaleFirst.pixels)
        #expect(first > 50 && second < 20, "deviations \(first), \(second)")
        // Nor may the source be decoded smaller when an effect comes before the first resize: the
        // 40 px border of a 451 px wide photo is about 18 px wide at 200.
        let cat = RenderTests.image("animal-cat-closeup.jpg")
        let framed = try Self.render("bo_40px_solid_red/c_scale,w_200", cat)
        #expect(framed.result.shrinkOnLoad == 1)
        for x in [2, 14] { #expect(Self.pixel(framed.pixels, x, 60) == [255, 0, 0], "x \(x)") }
        #expect(Self.pixel(framed.pixels, 24, 60) != [255, 0, 0])
    }

    @Test("the parameters of a component act in one order, whatever order they are written in")
    func orderWithinComponent() throws {
        let cat = RenderTests.image("animal-cat-closeup.jpg")
        for (a, b) in [("c_fill,w_200,h_200,r_50,bo_10px_solid_red", "c_fill,w_200,h_200,bo_10px_solid_red,r_50"),
                       ("c_fill,w_120,h_80,e_grayscale,bo_5px_solid_red", "c_fill,w_120,h_80,bo_5px_solid_red,e_grayscale"),
                       ("c_fill,w_120,h_80,o_50,r_20", "c_fill,w_120,h_80,r_20,o_50")] {
            let first = try Self.render(a, cat).pixels, second = try Self.render(b, cat).pixels
            let same = first.data == second.data
            #expect(same, "\(a) against \(b)")
            // And the canonical form, which sorts them, renders the same.
            let canonical = try Transformation(parsing: a).canonicalDescription
            let sameCanonical = try Self.render(canonical, cat).pixels.data == first.data
            #expect(sameCanonical, "\(canonical)")
        }
        // The filters come first: the border keeps its colour.
        let grey = try Self.render("c_fill,w_120,h_80,bo_5px_solid_red,e_grayscale", cat).pixels
        #expect(Self.pixel(grey, 2, 40) == [255, 0, 0])
        #expect(Set(Self.pixel(grey, 60, 40)).count == 1)
    }

    @Test("a border follows rounded corners and blends a translucent colour over the image")
    func roundedAndTranslucentBorders() throws {
        let cat = RenderTests.image("animal-cat-closeup.jpg")
        let rounded = try Self.render("c_fill,w_200,h_200,r_50,bo_10px_solid_red", cat).pixels
        // Along the top-left corner's diagonal (its circle's centre at 50,50, radius 50): 45 px
        // from the centre lies inside the 10 px frame, 35 px inside the frame's rounded inner edge.
        let d = 1 / 2.0.squareRoot()
        let inFrame = Int(50 - 45 * d), inside = Int(50 - 35 * d)
        #expect(Array(Self.pixel(rounded, inFrame, inFrame).prefix(3)) == [255, 0, 0])
        #expect(Self.pixel(rounded, inFrame, inFrame)[3] == 255)
        #expect(Array(Self.pixel(rounded, inside, inside).prefix(3)) != [255, 0, 0])
        #expect(Self.pixel(rounded, 1, 1)[3] == 0)  // outside the curve
        #expect(Array(Self.pixel(rounded, 100, 4).prefix(3)) == [255, 0, 0])  // the straight edge
        // Half-transparent green over an opaque photo: half the photo shows through, and the
        // result stays opaque (three bands).
        let plain = try Self.render("c_fill,w_120,h_80", cat).pixels
        let green = try Self.render("c_fill,w_120,h_80,bo_6px_solid_rgb:00ff0080", cat).pixels
        #expect(green.bands == 3)
        let under = Self.pixel(plain, 2, 40), over = Self.pixel(green, 2, 40)
        #expect(abs(over[0] - under[0] / 2) <= 2 && abs(over[1] - (128 + under[1] / 2)) <= 2, "\(under) → \(over)")
        #expect(Self.pixel(green, 60, 40) == Self.pixel(plain, 60, 40))
    }

    @Test("a blur does not spread the colour hidden under transparent pixels")
    func blurIsPremultiplied() throws {
        // Left half opaque blue, right half fully transparent green.
        let data = (0..<(40 * 20)).flatMap { i -> [UInt8] in i % 40 < 20 ? [0, 0, 255, 255] : [0, 255, 0, 0] }
        let source = try Self.file(PixelBuffer(width: 40, height: 20, bands: 4, data: data), name: "half.png")
        let blurred = try Self.render("e_blur:60", source).pixels
        // Just right of the edge the blur brings some of the blue's alpha; its colour is blue.
        let edge = Self.pixel(blurred, 21, 10)
        #expect(edge[3] > 20 && edge[3] < 235, "\(edge)")
        #expect(edge[1] <= 2 && edge[2] >= 250, "\(edge)")
    }

    /// Found in QA: an enlargement (which libvips's thumbnail does not do for us) resized colour
    /// and alpha apart, so the green hidden under the transparent half tinted the blue edge.
    @Test("a resize does not spread the colour hidden under transparent pixels",
          arguments: ["c_scale,w_160", "c_pad,w_160,h_160", "c_scale,h_20,w_120", "c_fill,w_160,h_80/a_15"])
    func resizeIsPremultiplied(transformation: String) throws {
        // Left half opaque blue, right half fully transparent green.
        let data = (0..<(40 * 20)).flatMap { i -> [UInt8] in i % 40 < 20 ? [0, 0, 255, 255] : [0, 255, 0, 0] }
        let source = try Self.file(PixelBuffer(width: 40, height: 20, bands: 4, data: data), name: "half.png")
        let resized = try Self.render(transformation, source).pixels
        #expect(resized.bands == 4)
        var edgePixels = 0
        for y in 0..<resized.height {
            for x in 0..<resized.width {
                let pixel = Self.pixel(resized, x, y)
                guard pixel[3] >= 16 else { continue }
                if pixel[3] < 240 { edgePixels += 1 }
                // Visible pixels are blue: no green from under the clear half.
                #expect(pixel[1] <= 3, "(\(x), \(y)): \(pixel)")
                if pixel[1] > 3 { return }
            }
        }
        #expect(edgePixels > 0, "no partly transparent edge was checked")
    }

    /// Found in review: the premultiplied resize came back to 8 bits truncated, half a level
    /// darker on average, all over (a gradient's mean fell by about 0.5 against the same image
    /// without alpha).
    @Test("a resize with alpha rounds back to 8 bits: the same mean as without alpha")
    func premultipliedResizeRounds() throws {
        let rgb = (0..<(64 * 16)).flatMap { i -> [UInt8] in
            let x = i % 64
            return [UInt8(x * 4), UInt8(255 - x * 3), 120]
        }
        let rgba: [UInt8] = stride(from: 0, to: rgb.count, by: 3).flatMap { (i: Int) -> [UInt8] in [rgb[i], rgb[i + 1], rgb[i + 2], 255] }
        // The alpha band is opaque but for one pixel, so that the PNG keeps it.
        var withAlpha = rgba
        withAlpha[3] = 254
        let plain = try Self.file(PixelBuffer(width: 64, height: 16, bands: 3, data: rgb), name: "g.png")
        let alpha = try Self.file(PixelBuffer(width: 64, height: 16, bands: 4, data: withAlpha), name: "ga.png")
        for transformation in ["c_scale,w_211", "c_scale,w_150,h_40"] {
            let a = try Self.render(transformation, alpha).pixels, b = try Self.render(transformation, plain).pixels
            func mean(_ p: PixelBuffer, band: Int) -> Double {
                let values = stride(from: band, to: p.data.count, by: p.bands).map { Double(p.data[$0]) }
                return values.reduce(0, +) / Double(values.count)
            }
            for band in 0..<2 {
                #expect(abs(mean(a, band: band) - mean(b, band: band)) < 0.15, "\(transformation) band \(band): \(mean(a, band: band)) against \(mean(b, band: band))")
            }
        }
    }

    @Test("an AVIF is encoded at the request's effort, in a fixed encode and in the f_auto search alike")
    func avifEffort() throws {
        let source = PlanningFixture.testImages.appendingPathComponent("people-astronaut.jpg").path
        let pixels = try Renderer.renderPixels(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "c_scale,w_160")),
                                               materialise: true).image
        var sizes: [Int] = []
        for effort in [AVIFOptions.defaultEffort, 4] {
            var fixed = RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "c_scale,w_160/f_avif,q_60"))
            fixed.avifEffort = effort
            let rendered = try Renderer.render(fixed)
            #expect(rendered.bytes == (try pixels.encoded(as: .avif(AVIFOptions(quality: 60, effort: effort)))).count, "effort \(effort)")
            sizes.append(rendered.bytes)
            var searched = RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "c_scale,w_160/f_avif,q_auto"))
            searched.avifEffort = effort
            let decided = try Renderer.render(searched)
            let quality = try #require(decided.quality)
            #expect(decided.bytes == (try pixels.encoded(as: .avif(AVIFOptions(quality: quality, effort: effort)))).count, "effort \(effort)")
        }
        #expect(sizes[0] != sizes[1])
    }

    @Test("an opaque b_ colour fills the transparent areas of its component's result, in formats with alpha too")
    func backgroundFillsTransparency() throws {
        // Left half opaque blue, right half fully transparent.
        let data = (0..<(40 * 20)).flatMap { i -> [UInt8] in i % 40 < 20 ? [0, 0, 255, 255] : [0, 255, 0, 0] }
        let source = try Self.file(PixelBuffer(width: 40, height: 20, bands: 4, data: data), name: "half.png")
        let filled = try Self.render("b_rgb:ff8000/f_png", source).pixels
        #expect(Self.pixel(filled, 30, 10).prefix(3) == [255, 128, 0], "\(Self.pixel(filled, 30, 10))")
        #expect(Self.pixel(filled, 5, 10).prefix(3) == [0, 0, 255])
        #expect(filled.bands == 3 || Self.pixel(filled, 30, 10)[3] == 255)
        // Padding with b_ fills the pad and the image's own transparency alike.
        let padded = try Self.render("c_pad,b_white,w_80,h_20/f_webp,q_100", source).pixels
        for x in [5, 50, 75] { #expect(Self.pixel(padded, x, 10).prefix(3).allSatisfy { $0 >= 250 }, "x \(x): \(Self.pixel(padded, x, 10))") }
        // Corners r_ makes transparent show the component's b_.
        let opaque = try Self.file(PixelBuffer(width: 40, height: 40, bands: 3, data: [UInt8](repeating: 200, count: 40 * 40 * 3)),
                                   name: "grey.png")
        let round = try Self.render("r_max,b_black/f_png", opaque).pixels
        #expect(Array(Self.pixel(round, 0, 0).prefix(3)) == [0, 0, 0] && (round.bands == 3 || Self.pixel(round, 0, 0)[3] == 255),
                "\(Self.pixel(round, 0, 0))")
        // A translucent b_ is laid under the transparency (as it is under a pad), and b_ in an
        // earlier component does not fill what a later one makes transparent.
        let translucent = Self.pixel(try Self.render("b_rgb:ff800080/f_png", source).pixels, 30, 10)
        #expect(translucent.count == 4 && zip(translucent, [255, 128, 0, 128]).allSatisfy { abs($0 - $1) <= 1 }, "\(translucent)")
        #expect(Self.pixel(try Self.render("b_black/r_max/f_png", opaque).pixels, 0, 0)[3] == 0)
    }

    @Test("a format without alpha flattens onto the base's b_ colour (a translucent one laid over white); a layer's b_ is the layer's")
    func flattenBackground() throws {
        // 20×20, fully transparent.
        let clear = try Self.file(PixelBuffer(width: 20, height: 20, bands: 4, data: [UInt8](repeating: 0, count: 20 * 20 * 4)),
                                  name: "clear.png")
        func flattened(_ text: String) throws -> [Int] {
            let result = try Renderer.render(RenderRequest(sourcePath: clear, transformation: try Transformation(parsing: text)))
            return Self.pixel(try Image.load(data: result.data).pixels(), 10, 10)
        }
        func near(_ a: [Int], _ b: [Int]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 3 } && a.count == b.count }
        #expect(near(try flattened("f_png/f_jpg"), [255, 255, 255]))
        #expect(near(try flattened("b_black/f_jpg"), [0, 0, 0]))
        // Translucent: over white. (b_transparent gave black, b_rgb:ff000080 opaque red.)
        #expect(near(try flattened("b_transparent/f_jpg"), [255, 255, 255]))
        let pink = try flattened("b_rgb:ff000080/f_jpg")
        #expect(near(pink, [255, 127, 127]), "\(pink)")
        // A text layer's b_ is its own, not the base's.
        let layered = try flattened("l_text:Arial_10:Hi,b_black/fl_layer_apply,g_north_west/f_jpg")
        #expect(near(layered, [255, 255, 255]), "\(layered)")
    }

    /// Found in QA: a turn of an opaque image with a transparent `b_` gave black corners, and a
    /// translucent `b_` opaque ones; a pad with a translucent `b_` delivered as a JPEG was red
    /// where the image's clear parts were pink (the colour laid twice over the pad).
    @Test("a translucent or transparent b_ is the same ground for a pad, a turn and the image's clear parts")
    func translucentGrounds() throws {
        let opaque = try Self.checker()
        func near(_ a: [Int], _ b: [Int], _ tolerance: Int = 3) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance } }
        let clearCorners = try Self.render("a_45,b_transparent", opaque).pixels
        #expect(clearCorners.bands == 4 && Self.pixel(clearCorners, 0, 0)[3] == 0, "\(Self.pixel(clearCorners, 0, 0))")
        let redCorners = try Self.render("a_45,b_rgb:ff000080", opaque).pixels
        #expect(near(Self.pixel(redCorners, 0, 0), [255, 0, 0, 128]), "\(Self.pixel(redCorners, 0, 0))")
        #expect(Self.pixel(redCorners, 141, 141)[3] == 255)
        // 20×20 with its left half clear, padded to 40×20: the pad, the clear half and (through
        // the JPEG) both are the same red over white.
        let half = (0..<(20 * 20)).flatMap { i -> [UInt8] in i % 20 < 10 ? [0, 0, 0, 0] : [0, 0, 255, 255] }
        let source = try Self.file(PixelBuffer(width: 20, height: 20, bands: 4, data: half), name: "half.png")
        let png = try Self.render("c_pad,w_40,h_20,b_rgb:ff000080", source).pixels
        #expect(near(Self.pixel(png, 2, 10), [255, 0, 0, 128]) && near(Self.pixel(png, 12, 10), [255, 0, 0, 128]),
                "\(Self.pixel(png, 2, 10)) \(Self.pixel(png, 12, 10))")
        #expect(Self.pixel(png, 25, 10) == [0, 0, 255, 255])
        let jpeg = try Self.render("c_pad,w_40,h_20,b_rgb:ff000080/f_jpg", source).pixels
        for x in [2, 12] { #expect(near(Self.pixel(jpeg, x, 10), [255, 127, 127], 6), "x \(x): \(Self.pixel(jpeg, x, 10))") }
        // The component's filters reach the translucent pad as they reach an opaque one (laid
        // after them, the pad stayed red in a grey image, found in review).
        let grey = try Self.render("c_pad,w_40,h_20,b_rgb:ff0000fe,e_grayscale", source).pixels
        let pad = Self.pixel(grey, 2, 10)
        #expect(pad.count == 4 && pad[0] == pad[1] && pad[1] == pad[2] && pad[3] == 254, "\(pad)")
        // And what r_ and o_ make see-through in the component shows it, as for an opaque b_
        // (laid before them, the corners came out clear and o_ faded the ground too).
        let rounded = Self.pixel(try Self.render("c_pad,w_40,h_20,b_rgb:ff000080,r_8", source).pixels, 0, 0)
        #expect(near(rounded, [255, 0, 0, 128]), "\(rounded)")
        let faded = try Self.render("c_pad,w_40,h_20,b_rgb:ff000080,o_50", source).pixels
        #expect(near(Self.pixel(faded, 2, 10), [255, 0, 0, 128]) && abs(Self.pixel(faded, 25, 10)[3] - 191) <= 2,
                "\(Self.pixel(faded, 2, 10)) \(Self.pixel(faded, 25, 10))")
    }

    /// Found in QA: `b_$c` padded white with nothing said, though `$c_!red!` names the colour.
    @Test("b_ with a variable takes the variable's colour")
    func backgroundVariable() throws {
        let padded = try Self.render("$c_!red!/c_pad,w_300,h_200,b_$c", try Self.checker())
        #expect(padded.result.notRendered.isEmpty, "\(padded.result.notRendered)")
        #expect(Self.pixel(padded.pixels, 10, 100) == [255, 0, 0], "\(Self.pixel(padded.pixels, 10, 100))")
    }
}
