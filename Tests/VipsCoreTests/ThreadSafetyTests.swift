import CVips
import Foundation
import Testing
@testable import VipsCore

/// Serialized: several of these tests put words into libvips's message buffer, the process's, on
/// purpose, and must not read each other's. Tests of other suites still run beside them.
@Suite("libvips from several threads", .serialized)
struct ThreadSafetyTests {
    @Test("Orc versions: 0.4.34 and later lock their code memory, older or unreadable ones do not")
    func orcVersions() {
        #expect(!Vips.orcIsThreadSafe("0.4.33"))
        #expect(!Vips.orcIsThreadSafe("0.4.9"))
        #expect(Vips.orcIsThreadSafe("0.4.34"))
        #expect(Vips.orcIsThreadSafe("0.4.41"))
        #expect(Vips.orcIsThreadSafe("0.5.0"))
        #expect(Vips.orcIsThreadSafe("1.0.0.1"))
        #expect(!Vips.orcIsThreadSafe("0.4"))
        #expect(!Vips.orcIsThreadSafe("0.4.x"))
        #expect(!Vips.orcIsThreadSafe(""))
    }

    @Test("with an Orc older than 0.4.34 operations are built one at a time and the vector code stays on")
    func orcGuardFollowsVersion() throws {
        try Vips.initialise()
        let novector = ProcessInfo.processInfo.environment["VIPS_NOVECTOR"] != nil
        #expect(Vips.vectorised == (Vips.orcVersion != nil && !novector), "Orc \(Vips.orcVersion ?? "none")")
        let old = Vips.orcVersion.map { !Vips.orcIsThreadSafe($0) } ?? false
        #expect(Vips.serialisesOrc == (old && Vips.vectorised), "Orc \(Vips.orcVersion ?? "none")")
    }

    /// Each shrink builds a vertical reduce, which compiles Orc programs, and frees them when its
    /// image goes. With Orc 0.4.33 and nothing guarding it this crashed the process in 6 runs
    /// out of 6 (a corrupted chunk list: "corrupted double-linked list", or a segfault in
    /// orc_code_chunk_merge), which is how a parallel test run crashed.
    @Test("shrinking images on eight threads at once, 4,000 times, gives every result and no crash")
    func concurrentShrinks() throws {
        let source = Samples.gradient(width: 96, height: 96, bands: 1)
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<500 {
                do {
                    // A different scale each time, so each reduce compiles its own programs.
                    let scale = 0.3 + Double((worker * 500 + round) % 13) * 0.03
                    let shrunk = try Image(pixels: source).resized(horizontal: scale)
                    results.add(try shrunk.pixels().width)
                } catch {
                    results.add(-1)
                }
            }
        }
        let widths = results.values
        #expect(widths.count == 4_000)
        #expect(!widths.contains(-1))
        #expect(widths.allSatisfy { $0 >= 28 && $0 <= 64 }, "\(Set(widths).sorted())")
    }
}

extension ThreadSafetyTests {
    /// What a full test run met: a truncated PNG came back as a timeout ("took longer than the
    /// time limit of 60 s") because a time-limit test on another thread had just been stopped.
    @Test("a failed decode stays decode-failed when another thread's stopped computation left its message")
    func strangersKillMessage() throws {
        let png = try Image(pixels: Samples.gradient(width: 300, height: 300)).encoded(as: .png(PNGOptions(compression: 1)))
        let truncated = png.prefix(png.count / 2)
        // Another thread's computation, stopped by its watchdog, whose message nobody has read
        // yet: made here on this thread with the raw calls, so that it stays in the buffer.
        let stranger = try Image(pixels: Samples.gradient(width: 400, height: 400)).blurred(sigma: 3)
        cvips_set_kill(stranger.pointer, 1)
        var length = 0
        let memory = cvips_write_to_memory(stranger.pointer, &length)
        #expect(memory == nil, "the stranger's computation was meant to be stopped")
        if let memory { cvips_free(memory) }
        #expect(cvips_error_mentions("killed for image") != 0)

        let image = try Image.load(data: Data(truncated), name: "truncated.png", options: LoadOptions(timeout: .seconds(60)))
        do {
            _ = try image.pixels()
            Issue.record("half a PNG decoded")
        } catch let error as VipsError {
            #expect(error.code == .decodeFailed, "\(error)")
        }
    }
}

extension ThreadSafetyTests {
    @Test("lines of libvips's buffer about other files are not read as this file's reason")
    func otherFilesLines() {
        let context = "/srv/in/a.png: jpeg encode"
        #expect(VipsError.namesAnotherFile("/srv/in/b.avif: bad seek to 3576", context: context))
        #expect(VipsError.namesAnotherFile(#"VipsForeignLoad: "/srv/in/c.jpg" is not a known file format"#, context: context))
        #expect(!VipsError.namesAnotherFile("vipspng: libpng read error", context: context))
        #expect(!VipsError.namesAnotherFile("/srv/in/a.png: not enough data", context: context))
        #expect(!VipsError.namesAnotherFile(#"VipsForeignLoad: "/srv/in/a.png" is not a known file format"#, context: "/srv/in/a.png"))
        #expect(!VipsError.namesAnotherFile("source: bad seek to 3257", context: context))
        // A line naming no file stays, and the decoder's line after it still names the failure.
        let mixed = VipsError(.encodeFailed, "source: bad seek to 3576; vipspng: libpng read error", context: context)
        let named = Image.namingDecodeFailure(mixed, context: "/srv/in/a.png")
        #expect(named.code == .decodeFailed && named.message == "cannot decode the image: vipspng: libpng read error", "\(named)")
        // The same for a failure that already says what failed (pixels(): "cannot decode the image").
        let prefixed = VipsError(.decodeFailed, "cannot decode the image: source: bad seek to 3784; exif: exif too large; "
                                 + "VipsJpeg: Premature end of input file", context: "/srv/in/a.jpg")
        let kept = Image.keepingDecoderLines(prefixed, prefix: "cannot decode the image")
        #expect(kept.message == "cannot decode the image: VipsJpeg: Premature end of input file" && kept.context == "/srv/in/a.jpg")
        let none = VipsError(.decodeFailed, "cannot decode the image: libvips failed", context: "/srv/in/a.jpg")
        #expect(Image.keepingDecoderLines(none, prefix: "cannot decode the image") == none)
    }

    /// A stress run read "truncated.png: jpeg encode: /…/camera.avif: bad seek to 3576; vipspng:
    /// libpng read error" as an encode failure, another file's words first.
    @Test("a failed decode keeps its own reason and code when another file's failure is in the buffer")
    func strangersLinesInTheBuffer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let stranger = dir.appendingPathComponent("stranger.jpg")
        try Data(String(repeating: "not an image\n", count: 40).utf8).write(to: stranger)
        let png = try Image(pixels: Samples.gradient(width: 300, height: 300)).encoded(as: .png(PNGOptions(compression: 1)))
        let truncated = dir.appendingPathComponent("truncated.png")
        try png.prefix(png.count / 2).write(to: truncated)

        let image = try Image.load(path: truncated.path)
        // Another thread's failed load, whose words nobody has read yet.
        #expect(cvips_find_load_file(stranger.path) == nil)
        #expect(cvips_error_mentions(stranger.path) != 0)
        do {
            _ = try image.encoded(as: .jpeg(JPEGOptions(quality: 80)))
            Issue.record("half a PNG encoded")
        } catch let error as VipsError {
            #expect(error.code == .decodeFailed, "\(error)")
            #expect(!error.message.contains("stranger.jpg"), "\(error)")
        }
    }
}

extension ThreadSafetyTests {
    /// In a plan of eight at once, a damaged JPEG's failure found libvips's buffer already
    /// emptied by another thread and said only "cannot decode the image: libvips failed".
    @Test("with no words in libvips's buffer, the file the failure names is decoded again for its reason")
    func reasonFromADecodeOfItsOwn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-redecode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = try Image(pixels: Samples.gradient(width: 300, height: 300)).encoded(as: .png(PNGOptions(compression: 1)))
        let truncated = dir.appendingPathComponent("truncated.png")
        try png.prefix(png.count / 2).write(to: truncated)
        let whole = dir.appendingPathComponent("whole.png")
        try png.write(to: whole)

        // Tests of other suites use libvips beside this one and can take or add words in the
        // buffer at any moment (the very thing this works around), so each check gets a few tries.
        func eventually(_ check: () -> Bool) -> Bool { (0..<5).contains { _ in check() } }
        var found: VipsError?
        #expect(eventually {
            found = VipsError.decodeFailure(ofFileIn: truncated.path + ": jpeg encode")
            return found != nil
        })
        let reason = try #require(found)
        #expect(reason.code == .decodeFailed && reason.context == truncated.path, "\(reason)")
        #expect(reason.message.hasPrefix("cannot decode the image: ") && reason.message.contains("png"), "\(reason)")
        #expect(VipsError.decodeFailure(ofFileIn: whole.path) == nil)
        #expect(VipsError.decodeFailure(ofFileIn: "<bytes>") == nil)
        #expect(VipsError.decodeFailure(ofFileIn: dir.path) == nil)
        // With the buffer empty, the error built from it carries the re-decode's reason.
        #expect(eventually {
            cvips_error_clear()
            let built = VipsError.fromLibvips(.encodeFailed, context: truncated.path + ": jpeg encode")
            return built.code == .decodeFailed && built.message == reason.message
        })
        #expect(eventually {
            cvips_error_clear()
            return VipsError.fromLibvips(.encodeFailed, context: whole.path).message == "libvips failed"
        })
    }
}

private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func add(_ value: Int) { lock.withLock { stored.append(value) } }
    var values: [Int] { lock.withLock { stored } }
}
