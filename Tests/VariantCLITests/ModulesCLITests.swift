import Foundation
import Testing
import VipsCore

/// libvips's plugin modules (HEIF, JPEG XL, ImageMagick, PDF, OpenSlide) are opened when a run
/// needs them, not at every start. Each case is a fresh process, so nothing was opened before.
@Suite("libvips modules on demand (CLI)")
struct ModulesCLITests {
    static let photo = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path

    /// The module files the dynamic linker opened during the run (glibc's LD_DEBUG report).
    static func modulesOpened(_ arguments: [String]) throws -> (CLIRunner.Result, Set<String>) {
        let result = try CLIRunner.run(arguments, environment: ["LD_DEBUG": "files"])
        // The trace itself ran (it names libvips, which every run links): an empty set of
        // modules means none was opened, not that the linker said nothing.
        #expect(result.stderr.contains("file=libvips.so"), "no dynamic linker trace: \(result.stderr.prefix(300))")
        var names = Set<String>()
        for line in result.stderr.split(separator: "\n") {
            guard let range = line.range(of: "vips-modules-") else { continue }
            let rest = line[range.upperBound...]
            if let slash = rest.firstIndex(of: "/") {
                let file = rest[rest.index(after: slash)...].prefix { !$0.isWhitespace && $0 != ";" }
                if file.hasPrefix("vips-"), file.hasSuffix(".so") { names.insert(String(file.dropFirst(5).dropLast(3))) }
            }
        }
        return (result, names)
    }

    #if os(Linux)
    @Test("a JPEG analysed and cropped opens no module")
    func noneForJPEG() throws {
        let (result, opened) = try Self.modulesOpened(["crop", Self.photo, "--json"])
        #expect(result.status == 0, "\(result.stderr.suffix(500))")
        #expect(opened.isEmpty, "opened \(opened)")
    }

    @Test("an AVIF render opens the HEIF module only, and writes a real AVIF")
    func heifForAVIF() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("variant-modules-\(UUID().uuidString).avif").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (result, opened) = try Self.modulesOpened(["render", Self.photo, "c_scale,w_120/f_avif,q_50", "-o", out])
        #expect(result.status == 0, "\(result.stderr.suffix(500))")
        #expect(opened == ["heif"])
        let written = try Image.load(path: out)
        #expect(written.format == "heif")
        #expect(written.width == 120)

        // Read back by a fresh process: the loader is found once the format modules are open.
        let (again, openedAgain) = try Self.modulesOpened(["analyze", out, "--json"])
        #expect(again.status == 0, "\(again.stderr.suffix(500))")
        #expect(openedAgain.isSuperset(of: ["heif"]))
        #expect(!openedAgain.contains("magick"))
    }
    #endif

    @Test("a file only ImageMagick reads still gets its own refusal, with every module opened for it")
    func magickRefusal() throws {
        // A 2×2 BMP.
        var bmp: [UInt8] = Array("BM".utf8)
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        bmp += le32(54 + 16) + le32(0) + le32(54)
        bmp += le32(40) + le32(2) + le32(2) + le16(1) + le16(24) + le32(0) + le32(16) + le32(0) + le32(0) + le32(0) + le32(0)
        bmp += [UInt8](repeating: 200, count: 16)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("variant-modules-\(UUID().uuidString).bmp").path
        try Data(bmp).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["analyze", path, "--json"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("formats only ImageMagick reads"), "\(result.stderr)")
        #expect(result.stderr.contains(path))
    }

    @Test("--version names the engine and the libvips linked, without opening any module")
    func version() throws {
        let (result, modules) = try Self.modulesOpened(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.wholeMatch(of: /variant \d+\.\d+\.\d+\+[0-9a-f]{16} \(libvips \d+\.\d+\.\d+\)\n/) != nil, "\(result.stdout)")
        #expect(modules.isEmpty, "\(modules)")
    }
}
