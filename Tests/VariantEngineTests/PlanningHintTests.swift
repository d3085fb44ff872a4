import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine

/// The real optimiser, with a record of what it was asked and what it answered.
private final class RecordingDecider: VariantDeciding, @unchecked Sendable {
    let optimizer = OptimizingDecider()
    private let lock = NSLock()
    private var log: [(request: VariantDecisionRequest, decision: VariantDecision)] = []

    func identity(formats: [ImageFormat]) -> String { optimizer.identity(formats: formats) }
    var takesQualityHints: Bool { true }
    var calls: [(request: VariantDecisionRequest, decision: VariantDecision)] { lock.withLock { log } }

    func decide(_ request: VariantDecisionRequest) throws -> VariantDecision {
        let decision = try optimizer.decide(request)
        lock.withLock { log.append((request, decision)) }
        return decision
    }
}

@Suite("Planning: quality searches start from the previous width's quality")
struct PlanningHintTests {
    static let wide = PlanningFixture.placement("wide", "16:9", [120, 200, 280])
    static let square = PlanningFixture.placement("square", "1:1", [100, 160])

    fileprivate static func planAsset(_ placements: [Placement], decider: RecordingDecider, cache: PlanCache? = nil,
                          in folder: URL) throws -> PlannedAsset {
        let manifest = PlanningFixture.manifest(images: ["animal-cat-closeup.jpg"], placements: placements)
        var options = PlanningFixture.options()
        options.decisions = .optimize
        let planner = AssetPlanner(manifest: manifest, options: options, decider: decider, cache: cache)
        let jobs = Planner.assetJobs(manifest, specs: Planner.placementSpecs(manifest), baseDirectory: folder.path)
        return try planner.plan(try #require(jobs.first)).0
    }

    @Test("each width after a placement's first is searched from the quality the width before it got")
    func hintsFollowTheWidths() throws {
        let folder = try PlanningFixture.folder(with: ["animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let decider = RecordingDecider()
        let asset = try Self.planAsset([Self.wide, Self.square], decider: decider, in: folder)
        let calls = decider.calls
        #expect(calls.map(\.request.width) == [120, 200, 280, 100, 160])
        func hint(after index: Int) throws -> [ImageFormat: Int] {
            let decision = calls[index].decision
            return [try #require(ImageFormat(name: decision.format)): try #require(decision.quality)]
        }
        #expect(calls[0].request.qualityHints.isEmpty)
        #expect(calls[1].request.qualityHints == (try hint(after: 0)))
        #expect(calls[2].request.qualityHints == (try hint(after: 1)))
        // A placement starts afresh: nothing carries over from the one before it.
        #expect(calls[3].request.qualityHints.isEmpty)
        #expect(calls[4].request.qualityHints == (try hint(after: 3)))
        // The decisions still meet the level's target.
        for placement in asset.placements {
            for variant in placement.variants { #expect((variant.ssimulacra2 ?? 0) >= 75, "\(variant.transformation)") }
        }
    }

    @Test("a placement added to the manifest changes no decision of the others and computes only its own")
    func addedPlacementLeavesOthers() throws {
        let folder = try PlanningFixture.folder(with: ["animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = try PlanCache(path: folder.appendingPathComponent("cache.sqlite").path)
        let first = try Self.planAsset([Self.wide], decider: RecordingDecider(), cache: cache, in: folder)
        let decider = RecordingDecider()
        let second = try Self.planAsset([Self.square, Self.wide], decider: decider, cache: cache, in: folder)
        #expect(decider.calls.map(\.request.width) == [100, 160])
        #expect(second.placements.last?.variants == first.placements.first?.variants)
    }

    @Test("hints enter the cache key sorted, and searches without hints keep the keys they had")
    func hintKey() {
        #expect(AssetPlanner.hintKey([:]).isEmpty)
        #expect(AssetPlanner.hintKey([.webp: 70, .avif: 62]) == ["hints avif=62,webp=70"])
    }
}

/// A plan's bytes are "a real local encode of the variant": rendering the transformation it
/// stores gives them. For graphics it did not: palette PNG was written `f_png,fl_png8` without
/// its quantisation quality (the render quantised at 100: 23,844 bytes against 9,492 planned),
/// lossless WebP as `f_webp,q_100` (lossy when rendered: 37,882 against 17,368, scoring 92),
/// and lossless PNG was planned at zlib 9 with one grey band but rendered at zlib 6. An alpha
/// band opaque everywhere (graphic-illustration.png) was left out by the optimiser and encoded
/// by the render: 5,938 bytes of AVIF rendered against 5,714 planned.
@Suite("Planning: a graphic's planned transformation renders the planned file")
struct PlannedGraphicsRenderTests {
    @Test("palette PNG, lossless PNG, WebP and AVIF choices render to the bytes and format planned",
          arguments: [(["png"], false), (["webp"], false), (["webp", "png"], false), (["png"], true), (["avif"], false)])
    func plannedFilesRenderBack(_ formats: [String], fixed: Bool) async throws {
        let images = ["logo-alpha.png", "text-page-scan.png", "graphic-illustration.png"]
        let folder = try PlanningFixture.folder(with: images)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = PlanningFixture.manifest(images: images, placements: [
            Placement(name: "square", aspectRatio: "1:1", widths: [240, 480], formats: formats, quality: "best"),
        ])
        var options = PlanningFixture.options()
        options.decisions = fixed ? .fixedQuality : .optimize
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: options).plan
        var kinds = Set<String>()
        for asset in plan.assets {
            for variant in asset.placements.flatMap(\.variants) {
                // Lossless WebP has no transformation (it was stored as f_webp,q_100, lossy).
                #expect(!(variant.format == "webp" && variant.quality == nil), "\(variant.transformation)")
                let rendered = try Renderer.render(RenderRequest(sourcePath: folder.appendingPathComponent(asset.path).path,
                                                                 transformation: try Transformation(parsing: variant.transformation)))
                #expect(rendered.bytes == variant.bytes && rendered.format == variant.format,
                        "\(asset.id) \(variant.transformation): rendered \(rendered.bytes) \(rendered.format), planned \(variant.bytes) \(variant.format)")
                kinds.insert(variant.transformation.components(separatedBy: "/").last ?? "")
            }
        }
        // The cases the fix is about do occur here.
        if formats == ["png"] { #expect(fixed ? kinds == ["f_png"] : kinds.contains { $0.hasPrefix("f_png,fl_png8,q_") }, "\(kinds)") }
    }
}
