import Foundation
import Testing
import VipsCore

/// `variant render` output naming: the extension or, without one, `f_` chooses the format; an
/// extension it does not know is refused before any work, and the message says both ways out.
@Suite("Render output names (CLI)")
struct RenderCLITests {
    static let photo = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path

    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("an unknown extension is a usage error naming it, and nothing is written")
    func unknownExtension() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("variant.out").path
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", out])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown output extension '.out'"), "\(result.stderr)")
        #expect(result.stderr.contains("leave the extension off"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("without an extension, f_ in the transformation chooses the format")
    func noExtension() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("variant").path
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try Image.load(path: out)
        #expect(written.format == "webp")
        #expect(written.width == 100)
    }
}
