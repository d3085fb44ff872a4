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
        // libvips's error buffer is per thread; an error must never carry another file's name.
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
}
