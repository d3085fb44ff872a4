import Foundation
import Testing
import VipsCore

/// Hostile image files through the real `variant info` and `variant render`: each gets a correct
/// result or one clear line on stderr naming the file (exit 2, nothing written), within a time
/// and memory bound. The files are made at test time by scripts/hostile-images.py (nothing large
/// is committed); the README's hostile-input table is this table.
@Suite("Hostile images")
struct HostileImageTests {
    /// What the user gets for one file.
    enum Outcome: Sendable {
        /// Described and rendered: `variant info` reports this format, size and page count.
        case works(format: String, width: Int, height: Int, pages: Int = 1, bands: Int? = nil, alpha: Bool = false)
        /// Refused by both commands with one line containing `message`.
        case fails(String)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var file: String
        var outcome: Outcome
        var testDescription: String { file }
    }

    static let rows: [Row] = [
        Row(file: "zero-bytes.jpg", outcome: .fails("the file is empty (0 bytes)")),
        Row(file: "truncated.jpg", outcome: .fails("VipsJpeg: Premature end of input file")),
        Row(file: "truncated.png", outcome: .fails("vipspng: libpng read error")),
        Row(file: "truncated.webp", outcome: .fails("cannot read the image header: webp: unable to parse image")),
        Row(file: "header-only.jpg", outcome: .fails("VipsJpeg: Premature end of input file")),
        // Missing scan data is only a warning to libjpeg, which decodes grey in its place; every
        // command refuses it as info does.
        Row(file: "damaged-scan.jpg", outcome: .fails("cannot decode the image: VipsJpeg: Corrupt JPEG data: premature end of data segment")),
        // Flipped bits that still read as valid codes: the picture has artefacts, and the image is
        // used up before its data is, which is all libjpeg says (it was taken as a good file).
        Row(file: "bit-flipped.jpg", outcome: .fails("VipsJpeg: Corrupt JPEG data: 161 extraneous bytes before marker 0xd9")),
        Row(file: "bit-flipped.png", outcome: .fails("vipspng: libpng read error")),
        // The flips land in the bitstream and in the ICC profile; the damaged profile is ignored.
        Row(file: "bit-flipped.webp", outcome: .works(format: "webp", width: 320, height: 320)),
        Row(file: "png-named.jpg", outcome: .works(format: "png", width: 320, height: 320)),
        Row(file: "jpeg-named.png", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "text-named.jpg", outcome: .fails("not an image format this build can read")),
        Row(file: "bomb-100000x100000.png",
            outcome: .fails("100000×100000 is 10000 megapixels, over the limit of 100 megapixels")),
        Row(file: "bomb-65500x65500.jpg", outcome: .fails("65500×65500 is 4290 megapixels, over the limit of 100 megapixels")),
        Row(file: "bomb-10000x10000.png", outcome: .fails("vipspng: libpng read error")),
        Row(file: "xmp-5mb.jpg", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "icc-5mb.jpg", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "exif-5mb.png", outcome: .works(format: "png", width: 320, height: 320)),
        Row(file: "xmp-5mb.png", outcome: .works(format: "png", width: 320, height: 320)),
        Row(file: "xmp-nested.png", outcome: .works(format: "png", width: 320, height: 320)),
        Row(file: "exif-ifd-loop.jpg", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "icc-noise.jpg", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "icc-damaged-tag.jpg", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "icc-cmyk-on-rgb.jpg", outcome: .works(format: "jpeg", width: 320, height: 320)),
        Row(file: "cmyk-with-profile.jpg", outcome: .works(format: "jpeg", width: 320, height: 320, bands: 4)),
        Row(file: "cmyk-no-profile.jpg", outcome: .works(format: "jpeg", width: 320, height: 320, bands: 4)),
        Row(file: "hevc.heic", outcome: .works(format: "heic", width: 320, height: 320)),
        Row(file: "av1.avif", outcome: .works(format: "avif", width: 320, height: 320)),
        // Found in review: libheif's words came with libvips's stray "bad seek" lines and a code.
        Row(file: "truncated.avif", outcome: .fails("cannot read the image header: heif: Invalid input: Unexpected end of file")),
        // Found by a QA pass: without its directory libvips's TIFF reader does not claim the file,
        // ImageMagick's does, and it was refused as a format "only ImageMagick reads".
        Row(file: "truncated.tif",
            outcome: .fails("cannot read the image header: a TIFF file whose image directory cannot be read (cut short or damaged)")),
        Row(file: "rgb-16bit.png", outcome: .works(format: "png", width: 320, height: 320, bands: 3)),
        Row(file: "grey-16bit.png", outcome: .works(format: "png", width: 320, height: 320, bands: 1)),
        Row(file: "grey-alpha.png", outcome: .works(format: "png", width: 320, height: 320, bands: 2, alpha: true)),
        // GIF frames decode with an alpha band (GIF has a transparent index).
        Row(file: "animated-500-frames.gif", outcome: .works(format: "gif", width: 48, height: 48, pages: 500, alpha: true)),
        Row(file: "animated-500-frames.webp", outcome: .works(format: "webp", width: 48, height: 48, pages: 500)),
    ]

    /// Per command, generous for a debug or sanitizer build on a busy machine; a release build
    /// takes well under a second for every file.
    static let timeLimit: TimeInterval = 60
    /// Peak resident memory of any `variant` process this test process has waited for.
    static let memoryLimitKB = 1_500_000

    /// The files, made once per test process.
    static let folder: Result<URL, HostileImageError> = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-hostile-\(UUID().uuidString)")
        let script = CLIRunner.packageRoot.appendingPathComponent("scripts/hostile-images.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, dir.path]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        do { try process.run() } catch { return .failure(HostileImageError(message: "cannot run \(script.path): \(error)")) }
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(HostileImageError(message: "\(script.path) failed (needs python3 and the vips command): \(message)"))
        }
        return .success(dir)
    }()

    struct HostileImageError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func run(_ arguments: [String]) throws -> (CLIRunner.Result, TimeInterval) {
        let start = Date()
        let result = try CLIRunner.run(arguments)
        return (result, Date().timeIntervalSince(start))
    }

    /// Largest resident set of any child waited for so far, in KB (Linux reports KB).
    static func childrenPeakKB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss
    }

    @Test("variant info and variant render", arguments: rows)
    func infoAndRender(row: Row) throws {
        let folder = try Self.folder.get()
        let input = folder.appendingPathComponent(row.file).path
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let output = out.appendingPathComponent("variant.jpg").path

        let (info, infoTime) = try Self.run(["info", input, "--json"])
        let (render, renderTime) = try Self.run(["render", input, "c_fill,w_200,h_150", "-o", output, "--json"])
        #expect(infoTime < Self.timeLimit, "info took \(infoTime) s")
        #expect(renderTime < Self.timeLimit, "render took \(renderTime) s")
        #expect(Self.childrenPeakKB() < Self.memoryLimitKB, "peak RSS \(Self.childrenPeakKB()) KB")

        switch row.outcome {
        case .fails(let message):
            for (command, result) in [("info", info), ("render", render)] {
                #expect(result.status == 2, "\(command): \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(command)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1, "\(command): \(result.stderr)")
                #expect(result.stderr.hasPrefix("variant: error: \(input): "), "\(command): \(result.stderr)")
                #expect(result.stderr.contains(message), "\(command): \(result.stderr)")
                // The decoder failed: pixels are read lazily, in the encode, but the encode is not to blame.
                #expect(!result.stderr.contains(" encode: "), "\(command): \(result.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: output))

        case .works(let format, let width, let height, let pages, let bands, let alpha):
            #expect(info.status == 0, "\(info.stderr)")
            #expect(info.stderr.isEmpty, "\(info.stderr)")
            let object = try info.json()
            #expect(object["format"] as? String == format)
            #expect(object["width"] as? Int == width)
            #expect(object["height"] as? Int == height)
            #expect(object["pages"] as? Int == pages)
            if let bands { #expect(object["bands"] as? Int == bands) }
            #expect(object["hasAlpha"] as? Bool == alpha)

            #expect(render.status == 0, "\(render.stderr)")
            // An animation or a multi-page file becomes a still: said, not left to be found out.
            let note = pages > 1 ? "variant: the source has \(pages) pages or frames: only the first is rendered\n" : ""
            #expect(render.stderr == note)
            #expect((try render.json()["notes"] as? [String]) == (pages > 1 ? [String(note.dropFirst(9).dropLast())] : []))
            let rendered = try Image.load(path: output)
            #expect(rendered.width == 200 && rendered.height == 150)
            #expect(rendered.format == "jpeg")
            // Whatever came in (CMYK, 16-bit, grey, a broken profile), what goes out is 8-bit sRGB.
            #expect(rendered.bands == 3 && rendered.isEightBit)
            _ = try rendered.pixels()
            if alpha {
                let png = out.appendingPathComponent("variant.png").path
                let (withAlpha, _) = try Self.run(["render", input, "c_pad,w_200,h_150", "-o", png])
                #expect(withAlpha.status == 0, "\(withAlpha.stderr)")
                #expect(try Image.load(path: png).hasAlpha)
            }
        }
    }

    @Test("the pixel limit is configurable, and refuses before decoding")
    func pixelLimitOption() throws {
        let folder = try Self.folder.get()
        // 100 MP declared in 69 bytes: under the default limit it reaches the decoder (and fails
        // there, the data is missing); under --max-pixels it is refused from the header.
        let input = folder.appendingPathComponent("bomb-10000x10000.png").path
        let (limited, time) = try Self.run(["info", input, "--max-pixels", "50000000"])
        #expect(limited.status == 2)
        #expect(limited.stderr == "variant: error: \(input): 10000×10000 is 100 megapixels, over the limit of 50 megapixels\n")
        #expect(time < Self.timeLimit)
        let photo = folder.appendingPathComponent("png-named.jpg").path
        let out = folder.appendingPathComponent("limited-\(UUID().uuidString).jpg").path
        let (render, _) = try Self.run(["render", photo, "c_scale,w_100", "-o", out, "--max-pixels", "100000"])
        #expect(render.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(render.stderr.hasPrefix("variant: error: \(photo): 320×320 is "))
        #expect(render.stderr.contains("over the limit"))
    }

    @Test("CMYK with alpha renders in its colours, its alpha kept")
    func cmykWithAlpha() throws {
        let input = try Self.folder.get().appendingPathComponent("cmyk-alpha.tif").path
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let png = out.appendingPathComponent("variant.png").path
        let (render, _) = try Self.run(["render", input, "c_fill,w_200,h_150", "-o", png])
        #expect(render.status == 0, "\(render.stderr)")
        let rendered = try Image.load(path: png).pixels()
        // libvips's own thumbnail converts the inks to sRGB through the embedded profile (and leaves
        // that profile attached, which must not be applied a second time).
        let reference = try Image.thumbnail(path: input, width: 200, options: ThumbnailOptions(height: 150, crop: .centre)).pixels()
        #expect(rendered.bands == 4 && reference.bands == 4)
        #expect(rendered.width == reference.width && rendered.height == reference.height)
        guard rendered.data.count == reference.data.count else { return }
        let difference = zip(rendered.data, reference.data).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        #expect(Double(difference) / Double(rendered.data.count) < 2, "mean difference per sample")
        #expect(stride(from: 3, to: rendered.data.count, by: 4).allSatisfy { rendered.data[$0] == 128 })
    }

    @Test("a damaged source fails every command with the decoder's reason alone")
    func damagedSourceEverywhere() throws {
        let folder = try Self.folder.get()
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let reason = "cannot decode the image: VipsJpeg: Corrupt JPEG data: premature end of data segment"
        // The first fails in the decode; the second, decoded at 1/8, only warns, once.
        for file in ["damaged-scan.jpg", "damaged-large.jpg"] {
            let damaged = folder.appendingPathComponent(file).path
            for arguments in [["analyze", damaged, "--json"], ["crop", damaged, "--json"],
                              ["optimize", damaged, "--transformation", "w_200", "--json"],
                              ["render", damaged, "w_100", "-o", out.appendingPathComponent("a.png").path],
                              ["render", damaged, "c_fill,g_auto,w_100,h_100", "-o", out.appendingPathComponent("a.png").path]] {
                let (result, _) = try Self.run(arguments)
                #expect(result.status == 2, "\(file) \(arguments[0]): \(result.stderr)")
                #expect(result.stderr == "variant: error: \(damaged): \(reason)\n", "\(file) \(arguments[0])")
            }
        }
        // In a plan, the asset fails and the others go on.
        let manifest = out.appendingPathComponent("m.json")
        try Data("""
            {"campaign": "c", "cloudName": "demo",
             "placements": [{"name": "p", "aspectRatio": "1:1", "widths": [64], "formats": ["jpeg"]}],
             "assets": [{"publicId": "bad", "path": "\(folder.appendingPathComponent("damaged-large.jpg").path)", "approval": "approved"},
                        {"publicId": "good", "path": "\(folder.appendingPathComponent("png-named.jpg").path)", "approval": "approved"}]}
            """.utf8).write(to: manifest)
        let (plan, _) = try Self.run(["plan", manifest.path, "--no-cache", "--fixed-quality", "--json"])
        #expect(plan.status == 1, "\(plan.stderr)")
        #expect(plan.stderr.contains("variant: error: bad: asset-unreadable: "), "\(plan.stderr)")
        #expect(plan.stderr.contains(reason), "\(plan.stderr)")
        #expect((try plan.json()["summary"] as? [String: Any])?["failedAssets"] as? Int == 1)
        try FileManager.default.removeItem(at: manifest)
        // An encoder fed by a failed decode adds "vips2png: unable to write to target": not a reason.
        let truncated = folder.appendingPathComponent("truncated.png").path
        let (png, _) = try Self.run(["render", truncated, "w_100", "-o", out.appendingPathComponent("b.png").path])
        #expect(png.stderr == "variant: error: \(truncated): cannot decode the image: vipspng: libpng read error\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    /// Found in review: a 600 KB progressive JPEG of 3000 repeated scans held analyze, crop,
    /// breakpoints and a plan's worker 65-85 s, past `--timeout 5`: libjpeg reads every scan
    /// before the first row, inside one libvips call the time limit cannot reach, and the
    /// damage scan beside it read them all too. A progressive file is now scanned first, and the
    /// scan stops at libjpeg's first warning; the message is that one warning (the decode that
    /// ran to the end gave two, joined: "…coefficient 1; VipsJpeg: …coefficient 37").
    @Test("a progressive JPEG of repeated scans is refused at the first, in every command that analyses")
    func scanBomb() throws {
        let bomb = try Self.folder.get().appendingPathComponent("scan-bomb.jpg").path
        let reason = "cannot decode the image: VipsJpeg: Inconsistent progression sequence for component 0 coefficient 1"
        for arguments in [["analyze", bomb, "--json"], ["crop", bomb, "--json"], ["breakpoints", bomb, "--json"],
                          ["render", bomb, "c_fill,g_auto,w_100,h_100", "-o", "/dev/null"]] {
            let (result, _) = try Self.run(arguments + ["--timeout", "5"])
            #expect(result.status == 2 && result.stderr == "variant: error: \(bomb): \(reason)\n", "\(arguments[0]): \(result.stderr)")
        }
    }

    @Test("with no f_ and no extension, AVIF stays AVIF and HEIC becomes JPEG")
    func keptFormat() throws {
        let folder = try Self.folder.get()
        let out = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        // Both are HEIF files; the tool writes AV1 (AVIF) but not HEVC, so HEIC goes the way of
        // every format it does not write: JPEG.
        for (file, format, codec) in [("hevc.heic", "jpeg", nil), ("av1.avif", "avif", "av1")] {
            let output = out.appendingPathComponent(file.replacingOccurrences(of: ".", with: "-")).path
            let (render, _) = try Self.run(["render", folder.appendingPathComponent(file).path, "w_100", "-o", output, "--json"])
            #expect(render.status == 0, "\(render.stderr)")
            #expect(try render.json()["format"] as? String == format, "\(file)")
            #expect(try Image.load(path: output).heifCompression == codec, "\(file)")
        }
    }
}
