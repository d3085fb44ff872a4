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
}
