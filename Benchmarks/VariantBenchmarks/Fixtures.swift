import Foundation
import VipsCore

/// Inputs made once per run: large images are generated here, not committed.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func testImage(_ name: String) -> String {
        packageRoot.appendingPathComponent("TestImages").appendingPathComponent(name).path
    }

    /// A 12-megapixel (4000×3000) JPEG made from a test photo, written once to the temp folder.
    static let twelveMegapixelJPEG: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("variant-bench-12mp.jpg").path
        if !FileManager.default.fileExists(atPath: path) {
            do {
                let source = try Image.load(path: testImage("people-group-bar-crowd.jpg")).upright().toSRGB()
                let big = try source.resized(toWidth: 4000, height: 3000)
                try big.encoded(as: .jpeg(JPEGOptions(quality: 90))).write(to: URL(fileURLWithPath: path))
            } catch {
                fatalError("cannot make the 12 MP benchmark image: \(error)")
            }
        }
        return path
    }()

    /// A 1200×860 (1.03-megapixel) SSIMULACRA2 pair, decoded: a test photo shrunk and cropped to
    /// the centre, and the same pixels after a JPEG quality 70 round trip.
    static func ssimulacra2Pair() throws -> (reference: PixelBuffer, distorted: PixelBuffer) {
        let photo = try Image.thumbnail(path: testImage("landscape-lake-boats.jpg"), width: 1200,
                                        options: ThumbnailOptions(height: 860, crop: .centre)).toSRGB().materialised()
        let jpeg = try photo.encoded(as: .jpeg(JPEGOptions(quality: 70)))
        return (try photo.pixels(), try Image.load(data: jpeg).toSRGB().pixels())
    }
}
