import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine

@Suite("AVIF quality levels: one file per quantiser level")
struct AVIFQualityLevelTests {
    @Test("every quality of a level makes the same file, and each level a different one")
    func levels() throws {
        var state: UInt32 = 12345
        let noise = (0..<(24 * 24 * 3)).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 23)
        }
        let image = try Image(pixels: PixelBuffer(width: 24, height: 24, bands: 3, data: noise))
        var fileOfLevel: [Int: Data] = [:]
        for quality in 1...99 {
            let data = try image.encoded(as: .avif(AVIFOptions(quality: quality)))
            let level = AVIFQualityLevels.level(quality)
            if let known = fileOfLevel[level] {
                #expect(known == data, "Q \(quality) (level \(level))")
            } else {
                fileOfLevel[level] = data
            }
        }
        #expect(fileOfLevel.count == 62)  // levels 1 (Q 99) to 62 (Q 1)
        #expect(Set(fileOfLevel.values).count == fileOfLevel.count)
        #expect(AVIFQualityLevels.confirmed)
    }

    @Test("the optimiser's AVIF file is the file of the quality it reports")
    func reportedFile() throws {
        let photo = try Renderer.renderPixels(RenderRequest(
            sourcePath: OptimizerTests.image("landscape-mountain-meadow.jpg"),
            transformation: try Transformation(parsing: "c_fill,w_160,h_120"))).image
        for target in [65.0, 75, 85] {
            let result = try Optimizer.optimize(photo, options: OptimizeOptions(target: target, formats: [.avif]))
            let quality = try #require(result.quality)
            #expect(result.data == (try photo.encoded(as: .avif(AVIFOptions(quality: quality)))), "target \(target)")
        }
    }
}
