import Foundation
import Testing
import VipsCore
@testable import VariantEngine

let testImages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TestImages")

func testImage(_ name: String) -> String { testImages.appendingPathComponent(name).path }

struct AnalysisTests {
    @Test("selection finds what sorting puts at each index: duplicates, runs, one value")
    func selectionMatchesSort() {
        var generator = SystemRandomNumberGenerator()
        let cases: [[Float]] = [
            [3], [2, 1], [1, 1, 1, 1], [5, 4, 3, 2, 1], Array(0..<100).map(Float.init),
            (0..<257).map { _ in Float(Int.random(in: 0..<8, using: &generator)) },
            (0..<1000).map { _ in Float.random(in: -1...1, using: &generator) },
        ]
        for values in cases {
            let sorted = values.sorted()
            for k in Set([0, values.count / 2, values.count - 1, Int(Double(values.count - 1) * 0.99)]) {
                var copy = values
                #expect(Plane.select(k, in: &copy) == sorted[k], "k \(k) of \(values.count)")
            }
        }
    }

    @Test("a transparent logo reports alpha, its opaque box and class graphic")
    func transparentLogo() throws {
        let analysis = try ImageAnalysis.analyze(path: testImage("logo-alpha.png"))
        #expect(analysis.hasAlpha)
        #expect(analysis.contentClass == .graphic)
        let box = try #require(analysis.opaqueBounds)
        #expect(analysis.bounds.contains(box))
        #expect(box.area < analysis.bounds.area)
        #expect(analysis.faces.isEmpty)
    }

    @Test("sizes are reported after EXIF orientation", arguments: [
        ("people-pool-exif-orientation-6.jpg", 600, 800),
        ("people-couple-canyon-exif-orientation-3.jpg", 800, 535),
    ])
    func orientation(name: String, width: Int, height: Int) throws {
        let analysis = try ImageAnalysis.analyze(path: testImage(name))
        #expect(analysis.width == width && analysis.height == height)
        #expect(analysis.saliency.width <= 384 && analysis.saliency.height <= 384)
        // The map has the image's orientation too.
        #expect((analysis.saliency.width > analysis.saliency.height) == (width > height))
    }

    @Test("photos are photos", arguments: ["people-couple-bar.jpg", "landscape-lake-boats.jpg", "product-fig-bowl.jpg"])
    func photo(name: String) throws {
        #expect(try ImageAnalysis.analyze(path: testImage(name)).contentClass == .photo)
    }

    @Test("a portrait's focal point is on the face")
    func focalPointOnFace() throws {
        let analysis = try ImageAnalysis.analyze(path: testImage("people-portrait-grace-hopper.jpg"))
        #expect(analysis.focalPoint.origin == .face)
        let face = try #require(analysis.faces.first).box
        #expect(face.contains(SourceRect(x: analysis.focalPoint.x, y: analysis.focalPoint.y, width: 1, height: 1)))
    }

    @Test("the focal point is a pixel of the image, even of a flat one a pixel or a few wide", arguments: [1, 2, 3, 5])
    func focalPointInside(side: Int) throws {
        let flat = PixelBuffer(width: side, height: side, bands: 3, data: [UInt8](repeating: 90, count: side * side * 3))
        let analysis = try ImageAnalysis.analyze(pixels: flat, sourceWidth: side, sourceHeight: side, format: "png")
        let f = analysis.focalPoint
        #expect((0..<side).contains(f.x) && (0..<side).contains(f.y), "\(side)×\(side): \(f.x),\(f.y)")
    }

    /// Found in review: a blank grey or coloured image (600×400) had a "feature" focal point of
    /// weight 0.159 and a salient region over its middle: a Float sum's drift (about 0.05 ΔE) was
    /// stretched to a full-strength cue, and the centre prior made a peak of it.
    @Test("a blank image of any colour has the centre as focal point and no salient middle",
          arguments: [[128, 128, 128], [30, 30, 30], [255, 255, 255], [200, 30, 30], [0, 0, 0]])
    func blankImage(colour: [Int]) throws {
        let pixel = colour.map(UInt8.init)
        let data: [UInt8] = (0..<(600 * 400)).flatMap { _ in pixel }
        let analysis = try ImageAnalysis.analyze(pixels: PixelBuffer(width: 600, height: 400, bands: 3, data: data),
                                                 sourceWidth: 600, sourceHeight: 400, format: "png")
        #expect(analysis.focalPoint.origin == .center && analysis.focalPoint.weight == 0, "\(colour): \(analysis.focalPoint)")
        #expect(analysis.focalPoint.x == 300 && analysis.focalPoint.y == 200)
        #expect(analysis.salientRegion() == SourceRect(x: 0, y: 0, width: 600, height: 400), "\(colour): \(analysis.salientRegion())")
    }

    /// Found in review: alpha 250 everywhere was "no alpha" to the analysis (its threshold was
    /// 250) while `optimize --formats jpeg` refused the same image for its transparency.
    @Test("any alpha under 255 is transparency, as the optimiser counts it", arguments: [250, 254, 255])
    func nearlyOpaque(alpha: Int) throws {
        let data: [UInt8] = (0..<(64 * 48)).flatMap { i -> [UInt8] in [UInt8(i % 200), 90, 140, UInt8(alpha)] }
        let analysis = try ImageAnalysis.analyze(pixels: PixelBuffer(width: 64, height: 48, bands: 4, data: data),
                                                 sourceWidth: 64, sourceHeight: 48, format: "png")
        #expect(analysis.hasAlpha == (alpha < 255))
        #expect((analysis.opaqueBounds != nil) == (alpha < 255))
        // …but no cut-out: the saliency (so the crops) of a photo with alpha 250–254 everywhere
        // is the photo's (counted as a cut-out, the whole photo became the subject).
        let photo = try ImageAnalysis.analyze(path: testImage("people-couple-bar.jpg"))
        let source = try Image.load(path: testImage("people-couple-bar.jpg")).toSRGB().pixels()
        var withAlpha = [UInt8]()
        withAlpha.reserveCapacity(source.width * source.height * 4)
        for i in 0..<(source.width * source.height) {
            withAlpha += source.data[(i * 3)..<(i * 3 + 3)]
            withAlpha.append(UInt8(alpha))
        }
        let nearlyOpaque = try ImageAnalysis.analyze(
            pixels: PixelBuffer(width: source.width, height: source.height, bands: 4, data: withAlpha),
            sourceWidth: source.width, sourceHeight: source.height, format: "png")
        // (Composited over white, alpha 250 lightens the colours a little: within a few pixels.)
        let (a, b) = (nearlyOpaque.salientRegion(), photo.salientRegion())
        #expect([a.x - b.x, a.y - b.y, a.width - b.width, a.height - b.height].allSatisfy { abs($0) <= 8 }, "alpha \(alpha): \(a) against \(b)")
    }

    /// Found in review: a dragon on a flat ground (graphic-illustration.png) and a photo pasted
    /// on a grey canvas got the image's centre as focal point, outside every crop the tool made:
    /// with the subject on under a tenth of the map, the 90th percentile the peak was measured
    /// from lay in the ground.
    @Test("a subject on under a tenth of a flat ground is the focal point; a flat map keeps the centre")
    func focalPointOfSmallSubject() throws {
        // A map of 100 × 50 cells over a 1000 × 500 image: a block of 12 × 10 cells (2.4 %).
        var values = [UInt8](repeating: 0, count: 100 * 50)
        for y in 5..<15 { for x in 70..<82 { values[y * 100 + x] = 180 } }
        let map = try SaliencyMap(width: 100, height: 50, values: values)
        let focal = FocalPointEstimator.estimate(faces: [], saliency: map, sourceWidth: 1000, sourceHeight: 500, opaqueBounds: nil)
        #expect(focal.origin == .feature && (700..<820).contains(focal.x) && (50..<150).contains(focal.y), "\(focal)")
        let flat = try SaliencyMap(width: 100, height: 50, values: [UInt8](repeating: 40, count: 100 * 50))
        let centre = FocalPointEstimator.estimate(faces: [], saliency: flat, sourceWidth: 1000, sourceHeight: 500, opaqueBounds: nil)
        #expect(centre.origin == .center && centre.x == 500 && centre.y == 250, "\(centre)")

        let drawn = try ImageAnalysis.analyze(path: testImage("graphic-illustration.png"), options: {
            var o = AnalysisOptions(); o.detectFaces = false; return o }())
        // The dragon, as annotated: 1493,171, 764×554.
        #expect(drawn.focalPoint.origin == .feature, "\(drawn.focalPoint)")
        #expect(SourceRect(x: 1493, y: 171, width: 764, height: 554)
            .contains(SourceRect(x: drawn.focalPoint.x, y: drawn.focalPoint.y, width: 1, height: 1)), "\(drawn.focalPoint)")
    }

    @Test("the salient region holds the middle 80 % of the saliency along each axis")
    func salientRegion() throws {
        var analysis = try ImageAnalysis.analyze(path: testImage("people-astronaut.jpg"), options: {
            var o = AnalysisOptions(); o.detectFaces = false; return o }())
        // A map of 100 × 50 cells over the 512 × 512 image: zero but for a block of 20 × 10 cells.
        var values = [UInt8](repeating: 0, count: 100 * 50)
        for y in 20..<30 { for x in 60..<80 { values[y * 100 + x] = 200 } }
        analysis.saliency = try SaliencyMap(width: 100, height: 50, values: values)
        // 10 % of the mass on each side is two columns and one row of the block: cells 62–77 and
        // 21–28, 5.12 and 10.24 source pixels each (outer edges rounded outwards).
        #expect(analysis.salientRegion() == SourceRect(x: 317, y: 215, width: 400 - 317, height: 297 - 215))
        // All of it: the block, cells 60–79 and 20–29.
        #expect(analysis.salientRegion(share: 1) == SourceRect(x: 307, y: 204, width: 410 - 307, height: 308 - 204))
        analysis.saliency = try SaliencyMap(width: 100, height: 50, values: [UInt8](repeating: 0, count: 100 * 50))
        #expect(analysis.salientRegion() == analysis.bounds)
    }

    @Test("dominant colours are hex and their shares add up to at most 1")
    func dominantColours() throws {
        let analysis = try ImageAnalysis.analyze(path: testImage("product-coffee-adobergb.jpg"))
        #expect(!analysis.dominantColors.isEmpty)
        for colour in analysis.dominantColors {
            #expect(colour.hex.count == 7 && colour.hex.hasPrefix("#"))
        }
        #expect(analysis.dominantColors.map(\.share).reduce(0, +) <= 1.001)
    }

    /// Found in review: with as many clusters as colours reported, distinct colours shared one
    /// and were reported as their mean, a colour the image does not have.
    @Test("with more distinct colours than are reported, each reported colour is one of them")
    func dominantColoursAreReal() throws {
        // Eight vertical stripes of eight well-separated colours, 40 px each.
        let palette: [[UInt8]] = [[255, 0, 255], [0, 255, 255], [255, 255, 0], [255, 0, 0],
                                  [0, 0, 255], [0, 160, 0], [255, 255, 255], [40, 40, 40]]
        let data = (0..<(320 * 120)).flatMap { i in palette[(i % 320) / 40] }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stripes-\(UUID().uuidString).png").path
        try Image(pixels: PixelBuffer(width: 320, height: 120, bands: 3, data: data))
            .encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: URL(fileURLWithPath: path))
        let colours = try ImageAnalysis.analyze(path: path).dominantColors
        #expect(colours.count == 5)
        for colour in colours {
            let hex = colour.hex.dropFirst()
            let rgb = stride(from: 0, to: 6, by: 2).map { Int(hex.dropFirst($0).prefix(2), radix: 16)! }
            let nearest = palette.map { p in zip(p, rgb).map { abs(Int($0) - $1) }.max()! }.min()!
            #expect(nearest <= 8, "\(colour.hex) is none of the stripes' colours")
        }
    }

    @Test("the analysis round-trips through JSON (for caching)")
    func codable() throws {
        let analysis = try ImageAnalysis.analyze(path: testImage("people-astronaut.jpg"))
        let data = try JSONEncoder().encode(analysis)
        #expect(try JSONDecoder().decode(ImageAnalysis.self, from: data) == analysis)
    }

    @Test("a missing file is an error naming it")
    func missing() {
        let error = #expect(throws: VipsError.self) { try ImageAnalysis.analyze(path: "/nonexistent/hero.jpg") }
        #expect(error?.description.contains("/nonexistent/hero.jpg") == true, "\(String(describing: error))")
    }
}
