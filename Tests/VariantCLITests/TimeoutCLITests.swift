import Foundation
import Testing
import VipsCore

/// `--timeout SECONDS` through the real `variant`: a render far slower than the limit stops with
/// one line naming the file and the limit (exit 2, nothing written); bad values are usage errors.
@Suite("Time limit per image (CLI)")
struct TimeoutCLITests {
    /// A 2000×2000 PNG in a fresh folder; ``heavy`` on it takes seconds.
    static func bigPNG() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-timeout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var data = [UInt8](repeating: 0, count: 2000 * 2000 * 3)
        for i in data.indices { data[i] = UInt8(truncatingIfNeeded: (i / 3 % 2000) ^ (i / 6000)) }
        let png = try Image(pixels: PixelBuffer(width: 2000, height: 2000, bands: 3, data: data))
            .encoded(as: .png(PNGOptions(compression: 1)))
        let url = dir.appendingPathComponent("big.png")
        try png.write(to: url)
        return url
    }

    /// Six blurs of sigma 15, each at full size (wider blurs are computed at reduced size, and
    /// are fast): about 1.5 s of a release build on ``bigPNG()``.
    static let heavy = Array(repeating: "e_blur:300", count: 6).joined(separator: "/")

    @Test("a heavy render with --timeout 0.2 stops within seconds, names the file and the limit")
    func stopsSlowRender() throws {
        let png = try Self.bigPNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let out = png.deletingLastPathComponent().appendingPathComponent("out.jpg")
        let start = Date()
        let result = try CLIRunner.run(["render", png.path, Self.heavy, "-o", out.path, "--timeout", "0.2"])
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.status == 2)
        #expect(result.stderr == "variant: error: \(png.path): took longer than the time limit of 0.2 s and was stopped\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(elapsed < 10, "took \(elapsed) s")
    }

    /// Found in review: an AVIF encode runs after the pipeline, where the per-tile check never
    /// looks: `render big.png f_avif --timeout 0.2` ran 22 s and wrote its file.
    @Test("an encode past --timeout ends the command: the encode named, exit 2, no file, no staged file")
    func stopsSlowEncode() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 200 px of noise scaled to 1500 px: a fast decode and pipeline, then about 11 s of AV1
        // at effort 9, far past the limit and its grace of 1 s.
        var state: UInt32 = 12345
        let noise = (0..<(200 * 200 * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let source = dir.appendingPathComponent("noise.png")
        try Image(pixels: PixelBuffer(width: 200, height: 200, bands: 3, data: noise)).encoded(as: .png(PNGOptions())).write(to: source)
        let out = dir.appendingPathComponent("out.avif")
        let result = try CLIRunner.run(["render", source.path, "c_scale,w_1500/f_avif", "-o", out.path, "--timeout", "0.3",
                                        "--avif-effort", "9"])
        #expect(result.status == 2)
        #expect(result.stderr == "variant: error: \(source.path): the AVIF encode took longer than the time limit of 0.3 s and was stopped\n",
                "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["noise.png"])
    }

    @Test("a plan whose asset runs past --timeout reports asset-timed-out for it, not asset-unreadable")
    func planTimeout() throws {
        let png = try Self.bigPNG()
        let dir = png.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("m.json")
        try Data(#"{"campaign": "t", "cloudName": "demo", "placements": [{"name": "p", "aspectRatio": "1:1", "widths": [100]}], "assets": [{"publicId": "t/big", "path": "big.png", "approval": "approved"}]}"#.utf8)
            .write(to: manifest)
        let result = try CLIRunner.run(["plan", manifest.path, "--no-cache", "--fixed-quality", "--json", "--timeout", "0.001"])
        #expect(result.status == 1, "\(result.stderr)")
        let plan = try result.json()
        let asset = try #require((plan["assets"] as? [[String: Any]])?.first)
        #expect((asset["error"] as? [String: Any])?["code"] as? String == "asset-timed-out", "\(asset)")
    }

    @Test("--timeout must be a number of seconds from 0 to 86400", arguments: ["-1", "nan", "1e9", "soon"])
    func badValues(value: String) throws {
        let result = try CLIRunner.run(["info", "TestImages/does-not-matter.jpg", "--timeout=\(value)"],
                                       currentDirectory: CLIRunner.packageRoot)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--timeout"), "\(result.stderr)")
    }

    @Test("every command that decodes images takes --timeout",
          arguments: ["render", "analyze", "crop", "optimize", "info", "plan"])
    func offered(command: String) throws {
        // `plan` is a group: its default subcommand `run` has the options.
        let help = try CLIRunner.run(command == "plan" ? ["plan", "run", "--help"] : [command, "--help"])
        #expect(help.stdout.contains("--timeout <SECONDS>"), "\(command): \(help.stdout)")
        let operands = command == "render" ? ["x.jpg", "w_10", "-o", "y.jpg"] : ["x.jpg"]
        let bad = try CLIRunner.run([command] + operands + ["--timeout=-1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("for --timeout but received -1.0"), "\(command): \(bad.stderr)")
    }

    /// Found by a QA pass: the limit was kept in milliseconds, so 0.0001 s became 0 and the
    /// message said "the time limit of 0 s", which the help calls no limit.
    @Test("a limit under a millisecond is kept as given, and named so")
    func tinyLimit() throws {
        let png = try Self.bigPNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let out = png.deletingLastPathComponent().appendingPathComponent("out.webp")
        let result = try CLIRunner.run(["render", png.path, "c_scale,w_300/e_blur:200", "-o", out.path, "--timeout", "0.0001"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("the time limit of 0.0001 s"), "\(result.stderr)")
    }

    @Test("--timeout 0 (no limit) and a generous limit both render", arguments: ["0", "600"])
    func generous(value: String) throws {
        let png = try Self.bigPNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let out = png.deletingLastPathComponent().appendingPathComponent("out.webp")
        let result = try CLIRunner.run(["render", png.path, "c_scale,w_300/e_blur:200", "-o", out.path, "--timeout", value])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path))
    }
}
