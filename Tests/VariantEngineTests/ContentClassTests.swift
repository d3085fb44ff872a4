import Foundation
import Testing
@testable import VariantEngine

/// Photo, graphic or text, against TestImages' annotations and three made-up cases.
/// Fixtures: Fixtures/content-class, made by scripts/content-class-fixtures.sh.
@Suite("Content class")
struct ContentClassTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/content-class")

    static func contentClass(_ path: String) throws -> ContentClass {
        var options = AnalysisOptions()
        options.detectFaces = false  // the class reads the pixels only
        return try ImageAnalysis.analyze(path: path, options: options).contentClass
    }

    @Test("TestImages' annotated classes, but for the two glossy icons, which read as photos")
    func annotations() throws {
        struct Entry: Decodable { var file: String; var contentClass: ContentClass }
        struct File: Decodable { var images: [Entry] }
        let entries = try JSONDecoder().decode(File.self, from: Data(contentsOf: testImages.appendingPathComponent("annotations.json"))).images
        #expect(entries.count == 30)
        var misses: [String: ContentClass] = [:]
        for entry in entries {
            let found = try Self.contentClass(testImage(entry.file))
            if found != entry.contentClass { misses[entry.file] = found }
        }
        // Smooth shading with no flat colour: nothing in the pixels says "drawn". Grey and dark
        // photos (a 1927 group, a woven facade, a bar at night) and a scanned page are right.
        #expect(misses == ["mascot-wilber-cutout.png": .photo, "product-camera-cutout.png": .photo])
    }

    @Test("a product on a white ground is a photo; text on white is text; a sale banner is a graphic",
          arguments: [("product-on-white.jpg", ContentClass.photo), ("text-card.png", .text), ("sale-banner.png", .graphic)])
    func madeUp(name: String, expected: ContentClass) throws {
        #expect(try Self.contentClass(Self.fixtures.appendingPathComponent(name).path) == expected)
    }

    @Test("spikiness: a smooth histogram has none, an isolated level counts in full above its neighbours")
    func spikiness() {
        let smooth = (0..<256).map { Double(100 + $0 % 3) }
        #expect(ContentClassifier.spikiness(smooth) < 0.02 * smooth.reduce(0, +))
        var spiked = [Double](repeating: 10, count: 256)
        spiked[128] = 510
        #expect(ContentClassifier.spikiness(spiked) == 500)
        // At the ends the missing neighbours count as empty levels.
        var edge = [Double](repeating: 0, count: 256)
        edge[255] = 40
        #expect(ContentClassifier.spikiness(edge) == 40)
    }

    @Test("a fully transparent image is a graphic")
    func transparent() throws {
        let pixels = PixelBuffer(width: 8, height: 8, bands: 4, data: [UInt8](repeating: 0, count: 8 * 8 * 4))
        let analysis = try ImageAnalysis.analyze(pixels: pixels, sourceWidth: 8, sourceHeight: 8, format: "png")
        #expect(analysis.contentClass == .graphic)
    }
}
