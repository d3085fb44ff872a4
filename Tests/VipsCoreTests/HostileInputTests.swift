import Foundation
import Testing
import VipsCore

/// Hostile bytes through the library's own entry points (no CLI): typed errors, never a crash.
/// Replays the image-loading fuzz corpus and its regressions (Fuzz/corpus/image-load,
/// Fuzz/regressions/image-load) and the files of scripts/hostile-images.py, loaded from memory.
@Suite("Hostile input")
struct HostileInputTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What the fuzz target does with each input: header, shrink, sRGB, pixels.
    static func decode(_ data: Data, name: String) throws -> PixelBuffer {
        let image = try Image.load(data: data, name: name, options: LoadOptions(maxPixels: 4_000_000, strictness: .failOnError))
        return try image.thumbnail(width: 32, options: ThumbnailOptions(height: 32, strictness: .failOnError)).toSRGB().pixels()
    }

    static func files(in folder: String) throws -> [URL] {
        let url = root.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    /// The image-load fuzzer has found nothing so far (Fuzz/regressions/README.md), so its
    /// regressions folder does not exist yet and only the seeds are checked until it does.
    @Test("fuzz seeds decode; image-load regressions, once there are any, give an image or a VipsError")
    func fuzzCorpus() throws {
        let seeds = try Self.files(in: "Fuzz/corpus/image-load")
        #expect(seeds.count >= 5)
        for seed in seeds {
            let pixels = try Self.decode(Data(contentsOf: seed), name: seed.lastPathComponent)
            #expect(pixels.width > 0 && pixels.bands >= 3, "\(seed.lastPathComponent)")
        }
        for input in try Self.files(in: "Fuzz/regressions/image-load") {
            do {
                _ = try Self.decode(Data(contentsOf: input), name: input.lastPathComponent)
            } catch let error as VipsError {
                #expect(error.context != nil, "\(input.lastPathComponent): \(error)")
            }
        }
    }

    static let hostile: Result<URL, VipsError> = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-hostile-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/hostile-images.py").path, dir.path]
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        do { try process.run() } catch { return .failure(VipsError(.invalidArgument, "\(error)", context: "hostile-images.py")) }
        // Read before waiting: a full pipe would stall the script. What it said goes in the
        // failure (a failure seen once, under load, said nothing of why).
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(VipsError(.invalidArgument, "failed with status \(process.terminationStatus) (needs python3 and the vips command): \(said)",
                                      context: "hostile-images.py"))
        }
        return .success(dir)
    }()

    /// nil: decodes to 8-bit sRGB; else the code of the error.
    static let expected: [(String, VipsError.Code?)] = [
        ("zero-bytes.jpg", .emptyInput),
        ("text-named.jpg", .unsupportedFormat),
        ("bomb-100000x100000.png", .tooManyPixels),
        ("bomb-65500x65500.jpg", .tooManyPixels),
        ("bomb-10000x10000.png", .tooManyPixels),
        ("truncated.jpg", .decodeFailed),
        ("truncated.png", .decodeFailed),
        ("truncated.webp", .decodeFailed),
        ("truncated.tif", .decodeFailed),
        ("header-only.jpg", .decodeFailed),
        ("bit-flipped.png", .decodeFailed),
        ("icc-5mb.jpg", nil), ("icc-noise.jpg", nil), ("icc-damaged-tag.jpg", nil), ("icc-cmyk-on-rgb.jpg", nil),
        ("cmyk-with-profile.jpg", nil), ("cmyk-no-profile.jpg", nil), ("rgb-16bit.png", nil), ("grey-16bit.png", nil),
        ("grey-alpha.png", nil), ("exif-5mb.png", nil), ("xmp-5mb.jpg", nil), ("xmp-nested.png", nil),
        ("exif-ifd-loop.jpg", nil), ("animated-500-frames.gif", nil), ("animated-500-frames.webp", nil),
        ("png-named.jpg", nil), ("jpeg-named.png", nil),
    ]

    @Test("hostile files loaded from memory: typed errors or 8-bit sRGB pixels")
    func hostileBytes() throws {
        let folder = try Self.hostile.get()
        defer { try? FileManager.default.removeItem(at: folder) }
        try damagedProfile(folder)
        for (name, code) in Self.expected {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            do {
                let pixels = try Self.decode(data, name: name)
                #expect(code == nil, "\(name) decoded, expected \(code?.rawValue ?? "")")
                #expect(pixels.bands == 3 || pixels.bands == 4, "\(name)")
            } catch let error as VipsError {
                #expect(error.code == code, "\(name): \(error)")
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "\(name): \(error)")
            }
        }
    }

    /// A profile that parses but cannot be linked is ignored, not fatal.
    func damagedProfile(_ folder: URL) throws {
        let image = try Image.load(path: folder.appendingPathComponent("icc-damaged-tag.jpg").path)
        #expect(image.hasICCProfile)
        let srgb = try image.toSRGB()
        #expect(srgb.bands == 3 && srgb.isEightBit)
        let plain = try Image.load(path: folder.appendingPathComponent("jpeg-named.png").path).toSRGB().pixels()
        // Read as sRGB: the same pixels as the profile-less original, same JPEG data.
        let damaged = try srgb.pixels()
        let difference = zip(plain.data, damaged.data).map { abs(Int($0) - Int($1)) }.reduce(0, +) / plain.data.count
        #expect(difference == 0)
    }
}
