import CloudinaryTransform
import Foundation
import Testing
import VariantEngine
import VipsCore

/// Many images read, analysed, cropped and rendered at once from many tasks, the way the planner
/// and the sync tool drive the engine. Every concurrent result must equal the one computed alone:
/// a data race that mixes up images, options or buffers shows as a difference here, and
/// scripts/sanitizers.sh runs this suite under ThreadSanitizer and AddressSanitizer.
@Suite("Concurrency")
struct ConcurrencyTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// JPEG with EXIF orientation, PNG with alpha, faces, an Adobe RGB profile.
    static let images = [
        "people-pool-exif-orientation-6.jpg", "logo-alpha.png", "people-beach-woman-sitting.jpg",
        "product-coffee-adobergb.jpg",
    ].map { root.appendingPathComponent("TestImages/\($0)").path }

    static let transformations = ["c_fill,w_160,h_90/f_webp,q_70", "c_pad,b_white,w_120,h_120/f_png"]

    enum Job: Hashable, Sendable, CustomStringConvertible {
        case info(String)
        case render(String, String)
        case analyseAndCrop(String)

        var description: String {
            switch self {
            case .info(let path): "info \(URL(fileURLWithPath: path).lastPathComponent)"
            case .render(let path, let t): "render \(URL(fileURLWithPath: path).lastPathComponent) \(t)"
            case .analyseAndCrop(let path): "analyse \(URL(fileURLWithPath: path).lastPathComponent)"
            }
        }
    }

    static var jobs: [Job] {
        images.flatMap { path in
            [Job.info(path), .analyseAndCrop(path)] + transformations.map { Job.render(path, $0) }
        }
    }

    static var analysisOptions: AnalysisOptions {
        var options = AnalysisOptions()
        options.decodeLongestSide = 512
        return options
    }

    /// What a job produced, reduced to values that can be compared.
    static func run(_ job: Job) throws -> String {
        switch job {
        case .info(let path):
            let info = try ImageInfo.read(path: path)
            return "\(info.width)x\(info.height) \(info.format) \(info.bands) \(info.hasAlpha) \(info.orientation)"
        case .render(let path, let text):
            let result = try Renderer.render(RenderRequest(sourcePath: path, transformation: try Transformation(parsing: text)))
            // Encoders are deterministic: the bytes themselves must match.
            return "\(result.width)x\(result.height) \(result.format) \(result.data.count) \(checksum(result.data))"
        case .analyseAndCrop(let path):
            let analysis = try ImageAnalysis.analyze(path: path, options: analysisOptions)
            let crops = SmartCropper().crops(analysis, aspectRatios: [AspectRatio(parsing: "16:9")!, AspectRatio(parsing: "1:1")!])
            return "\(analysis.focalPoint) \(analysis.faces.count) \(crops.map(\.transformation))"
        }
    }

    /// FNV-1a over every byte (Data's own hash reads only a prefix).
    static func checksum(_ data: Data) -> UInt64 {
        data.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }

    @Test("info, analysis, smart crops and renders of many images at once match the serial results")
    func manyImagesAtOnce() async throws {
        var expected: [Job: String] = [:]
        for job in Self.jobs { expected[job] = try Self.run(job) }

        // Two rounds of every job, all in flight together: more tasks than cores, and the same
        // file read by several tasks at the same time.
        let rounds = 2
        let results = try await withThrowingTaskGroup(of: (Job, String).self) { group in
            for _ in 0..<rounds {
                for job in Self.jobs.shuffled() {
                    group.addTask { (job, try Self.run(job)) }
                }
            }
            var all: [(Job, String)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == Self.jobs.count * rounds)
        for (job, outcome) in results {
            #expect(outcome == expected[job], "\(job)")
        }
    }

    @Test("failing and succeeding loads interleaved: each error names its own file")
    func errorsStayWithTheirInput() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-concurrency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = Self.images[0]
        let goodData = try Data(contentsOf: URL(fileURLWithPath: good))
        let bad = (0..<8).map { dir.appendingPathComponent("cut-\($0).jpg").path }
        for (index, path) in bad.enumerated() {
            try goodData.prefix(goodData.count / 3 + index * 97).write(to: URL(fileURLWithPath: path))
        }
        // libvips's error buffer is the process's; an error must never carry another file's name.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for path in bad + Array(repeating: good, count: 8) {
                group.addTask {
                    do {
                        _ = try ImageInfo.read(path: path)
                        #expect(path == good)
                    } catch let error as VipsError {
                        #expect(path != good)
                        #expect(error.context == path, "\(error)")
                        for other in bad where other != path {
                            #expect(!error.message.contains(other), "\(error)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A 3200 px JPEG with 5000 bytes of its scan data overwritten: decoded at a reduced size,
    /// libjpeg only warns, and the warning went to libvips's one message buffer. With eight
    /// renders at once beside inputs that fail (and empty that buffer), the damaged file
    /// rendered (grey patches) in 9 rounds out of 10 of a stress run.
    @Test("a damaged JPEG is refused every time while other renders fail beside it")
    func damagedJPEGBesideFailures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = try Image.thumbnail(path: Self.root.appendingPathComponent("TestImages/people-astronaut.jpg").path, width: 320)
            .materialised()
        var large = [UInt8](try base.resized(horizontal: 10).encoded(as: .jpeg(JPEGOptions(quality: 85))))
        for i in large.count / 2 ..< large.count / 2 + 5000 { large[i] = 0xAA }
        let damaged = dir.appendingPathComponent("damaged-large.jpg")
        try Data(large).write(to: damaged)
        let text = dir.appendingPathComponent("text-named.jpg")
        try Data(String(repeating: "<html><body>not an image</body></html>\n", count: 20).utf8).write(to: text)
        let png = try base.encoded(as: .png(PNGOptions(compression: 1)))
        let truncated = dir.appendingPathComponent("truncated.png")
        try png.prefix(png.count / 2).write(to: truncated)

        let transformations = ["c_scale,w_300/f_webp", "c_pad,w_300,h_300,b_blue/f_jpg", "c_fill,w_200,h_200/f_png"]
        let jobs = (0..<4).flatMap { _ in
            transformations.flatMap { t in [damaged, text, truncated].map { ($0.path, t) } }
        }
        let outcomes = ConcurrentOutcomes()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for (index, job) in jobs.enumerated() where index % 8 == worker {
                do {
                    let result = try Renderer.render(RenderRequest(sourcePath: job.0, transformation: try Transformation(parsing: job.1)))
                    outcomes.add("\(URL(fileURLWithPath: job.0).lastPathComponent) rendered \(result.bytes) bytes")
                } catch {
                    if job.0 == damaged.path { outcomes.add("refused: \(error)") }
                }
            }
        }
        let damagedOutcomes = outcomes.values.filter { $0.contains("damaged-large.jpg") }
        #expect(damagedOutcomes.count == 12, "\(damagedOutcomes)")
        #expect(damagedOutcomes.allSatisfy { $0.hasPrefix("refused:") && $0.contains("Corrupt JPEG data") }, "\(damagedOutcomes)")
        #expect(!outcomes.values.contains { $0.contains("rendered") }, "\(outcomes.values)")
    }
}

private final class ConcurrentOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ value: String) { lock.withLock { stored.append(value) } }
    var values: [String] { lock.withLock { stored } }
}
