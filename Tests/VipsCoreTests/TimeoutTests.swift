import Foundation
import Testing
import VipsCore

/// The per-image watchdog (LoadOptions.timeout): a real, slow pipeline is stopped with a typed
/// error naming the input and the limit; the same pipeline with room to finish gives pixels.
@Suite("Time limit per image")
struct TimeoutTests {
    /// A 2000×2000 PNG: big enough that a heavy blur takes a good fraction of a second.
    static var png: Data { Data(pngBytes) }
    // Kept as an array: LeakSanitizer does not recognise a Data held by a global (its storage
    // pointer sits in an enum payload) and reported it as leaked at exit.
    private static let pngBytes: [UInt8] = {
        let pixels = Samples.gradient(width: 2000, height: 2000)
        return [UInt8](try! Image(pixels: pixels).encoded(as: .png(PNGOptions(compression: 1))))
    }()

    /// Decode, blur with a wide kernel, encode: one computation, libvips's own tiles.
    static func slowRender(timeout: Duration?) throws -> Data {
        let image = try Image.load(data: png, name: "big.png", options: LoadOptions(timeout: timeout))
        return try image.blurred(sigma: 25).encoded(as: .jpeg(JPEGOptions(quality: 80)))
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    @Test("a tiny limit stops a slow pipeline quickly with .timeout; a generous one lets it finish")
    func slowPipeline() throws {
        _ = Self.png
        var output = Data()
        let unhurried = try Self.seconds { output = try Self.slowRender(timeout: .seconds(600)) }
        #expect(try Image.load(data: output).width == 2000)
        // Without this the test could pass without the watchdog ever having to act.
        #expect(unhurried > 0.3, "the slow pipeline took only \(unhurried) s: make it heavier")

        var caught: VipsError?
        let stopped = Self.seconds {
            do {
                _ = try Self.slowRender(timeout: .milliseconds(20))
            } catch {
                caught = error as? VipsError
            }
        }
        let error = try #require(caught)
        #expect(error.code == .timeout)
        #expect(error.context == "big.png")
        #expect(error.description
            == "big.png: took longer than the time limit of 0.02 s and was stopped")
        #expect(stopped < unhurried / 2, "stopped after \(stopped) s; the whole pipeline takes \(unhurried) s")
        print("timeout: whole pipeline \(unhurried) s; with a 0.02 s limit stopped after \(stopped) s")
    }

    @Test("no limit at all (nil) and images derived through two-input operations keep working")
    func noLimitAndDerived() throws {
        let a = try Image.load(data: Self.png, name: "a.png", options: LoadOptions(timeout: nil))
        let b = try Image.load(data: Self.png, name: "b.png", options: LoadOptions(timeout: .seconds(600)))
        let joined = try a.resized(toWidth: 100, height: 100)
            .joined(with: b.resized(toWidth: 100, height: 100))
        #expect(try joined.pixels().bands == 6)
    }

    /// libvips keeps one message buffer for the whole process: while another thread fails (and
    /// takes the buffer's text), a stopped computation may find its "killed" message gone or
    /// someone else's in its place. The watchdog's own flag still says it was a timeout.
    @Test("a stopped computation is a timeout even when other threads' failures take libvips's messages")
    func timeoutAmongFailures() throws {
        _ = Self.png
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var value = false
            var isSet: Bool { lock.withLock { value } }
            func set() { lock.withLock { value = true } }
        }
        let stop = Flag(), stopped = DispatchSemaphore(value: 0)
        let noise = Thread {
            while !stop.isSet { _ = try? Image.load(data: Data("not an image".utf8), name: "noise.bin") }
            stopped.signal()
        }
        noise.start()
        defer { stop.set(); stopped.wait() }
        for _ in 0..<8 {
            let error = #expect(throws: VipsError.self) { try Self.slowRender(timeout: .milliseconds(20)) }
            #expect(error?.code == .timeout, "\(String(describing: error))")
            #expect(error?.context == "big.png")
        }
    }

    @Test("a cancellation stops a running computation at its next tile, with .cancelled naming the input")
    func cancelRunning() throws {
        _ = Self.png
        let cancellation = VipsCancellation()
        let image = try Image.load(data: Self.png, name: "big.png", options: LoadOptions(timeout: nil, cancellation: cancellation))
        let start = Date()
        let canceller = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            cancellation.cancel()
        }
        canceller.start()
        let error = #expect(throws: VipsError.self) { try image.blurred(sigma: 25).encoded(as: .jpeg(JPEGOptions(quality: 80))) }
        let stopped = Date().timeIntervalSince(start)
        #expect(error?.code == .cancelled)
        #expect(error?.description == "big.png: was cancelled")
        let unhurried = try Self.seconds { _ = try Self.slowRender(timeout: nil) }
        #expect(stopped < unhurried / 2, "stopped after \(stopped) s; the whole pipeline takes \(unhurried) s")
        // Cancelled is for good; work between libvips calls can ask before it starts.
        #expect(cancellation.isCancelled)
        let asked = #expect(throws: VipsError.self) { try image.checkCancellation() }
        #expect(asked?.code == .cancelled)
    }

    /// A materialised copy is a new image whose computations do not signal on the original:
    /// without a watch of its own, a quality search's encodes ran past any limit or cancel.
    @Test("a materialised copy keeps the cancellation (and the limit) of the image it came from")
    func materialisedIsWatched() throws {
        _ = Self.png
        let cancellation = VipsCancellation()
        let image = try Image.load(data: Self.png, name: "big.png", options: LoadOptions(timeout: .seconds(600), cancellation: cancellation))
        let copy = try image.materialised()
        #expect(try copy.resized(toWidth: 32, height: 32).pixels().width == 32)
        cancellation.cancel()
        let error = #expect(throws: VipsError.self) { try copy.blurred(sigma: 25).encoded(as: .jpeg(JPEGOptions(quality: 80))) }
        #expect(error?.code == .cancelled)
        // An image loaded without one is not affected by another's cancellation.
        let other = try Image.load(data: Self.png, name: "other.png").materialised()
        #expect(try other.resized(toWidth: 32, height: 32).pixels().width == 32)
    }

    /// libvips's operation cache hands two loads of one file the same image, and a watchdog
    /// watches every computation signalled on its image: one caller's cancel (or short limit)
    /// must not stop another's work on the same file.
    @Test("cancelling one load of a file does not stop another load's computations of it")
    func sameFileTwice() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("twice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("big.png").path
        try Self.png.write(to: URL(fileURLWithPath: path))
        let cancellation = VipsCancellation()
        let first = try Image.load(path: path, options: LoadOptions(timeout: nil, cancellation: cancellation))
        let second = try Image.load(path: path, options: LoadOptions(timeout: .milliseconds(60_000)))
        cancellation.cancel()
        let firstError = #expect(throws: VipsError.self) { _ = try first.blurred(sigma: 25).encoded(as: .jpeg(JPEGOptions(quality: 80))) }
        #expect(firstError?.code == .cancelled)
        let encoded = try second.blurred(sigma: 25).encoded(as: .jpeg(JPEGOptions(quality: 80)))
        #expect(try Image.load(data: encoded).width == 2000)
    }

    @Test("after a timeout, the same file loads and renders again")
    func recovers() throws {
        #expect(throws: VipsError.self) { try Self.slowRender(timeout: .milliseconds(5)) }
        let image = try Image.load(data: Self.png, name: "again.png", options: LoadOptions(timeout: .seconds(600)))
        #expect(try image.resized(toWidth: 64, height: 64).pixels().width == 64)
    }

    @Test("the default limit is 60 s and LoadOptions() reads the process-wide default")
    func defaults() {
        #expect(LoadOptions.standardTimeout == .seconds(60))
        #expect(LoadOptions().timeout == LoadOptions.defaultTimeout)
    }
}
