import Foundation
import Testing
@testable import VariantEngine

/// A fixed-quality decider that replaces the source with another image after its first decision,
/// as a sync tool swapping a file in (an atomic rename) would while the plan runs.
private final class SwappingDecider: VariantDeciding, @unchecked Sendable {
    let inner = FixedQualityDecider()
    let replacement: URL?
    let source: URL
    private let lock = NSLock()
    private var calls = 0

    /// Without a replacement, the source's mode is changed instead (its change time moves, its
    /// bytes do not).
    init(replacing source: URL, with replacement: URL?) {
        self.source = source
        self.replacement = replacement
    }

    func identity(formats: [ImageFormat]) -> String { inner.identity(formats: formats) }
    var takesQualityHints: Bool { false }

    func decide(_ request: VariantDecisionRequest) throws -> VariantDecision {
        let decision = try inner.decide(request)
        let first = lock.withLock { calls += 1; return calls == 1 }
        if first {
            if let replacement { _ = rename(replacement.path, source.path) } else { _ = chmod(source.path, 0o600) }
        }
        return decision
    }
}

@Suite("Planning: a source that changes while it is planned")
struct PlanningChangedFileTests {
    /// Found in QA: a file replaced mid-plan gave a plan with the old file's hash and size and
    /// the new file's decisions, stored in the cache under the old hash for later runs to reuse.
    @Test("is failed as asset-changed, and nothing decided after the change is cached under the old hash")
    func replacedMidPlan() throws {
        let folder = try PlanningFixture.folder(with: ["animal-cat-closeup.jpg", "people-astronaut.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("animal-cat-closeup.jpg")
        let original = folder.appendingPathComponent("original.jpg")
        try FileManager.default.copyItem(at: source, to: original)
        let other = folder.appendingPathComponent("people-astronaut.jpg")
        let manifest = PlanningFixture.manifest(images: ["animal-cat-closeup.jpg"],
                                                placements: [PlanningFixture.placement("wide", "16:9", [120, 200, 280])])
        let cache = try PlanCache(path: folder.appendingPathComponent("cache.sqlite").path)
        let jobs = Planner.assetJobs(manifest, specs: Planner.placementSpecs(manifest), baseDirectory: folder.path)
        let swapping = AssetPlanner(manifest: manifest, options: PlanningFixture.options(),
                                    decider: SwappingDecider(replacing: source, with: other), cache: cache)
        let (asset, _) = try swapping.plan(try #require(jobs.first))
        #expect(asset.error?.code == .assetChanged, "\(String(describing: asset.error))")
        #expect(asset.placements.isEmpty && asset.source == nil && asset.originalUrl == nil && asset.faces.isEmpty)
        #expect(asset.violations.map(\.code) == [.assetChanged], "\(asset.violations)")
        #expect(asset.error?.message.contains("the file changed while it was planned") == true)
        // The analysis, made before the change, is the original's and kept; no decision is (the
        // file had changed when the first was to be stored, and which file it read is unknown).
        #expect(cache.count(.analyses) == 1 && cache.count(.decisions) == 0, "\(cache.count(.analyses)) \(cache.count(.decisions))")

        // The original content, planned again from a copy through the same cache, gets what a
        // plan without the cache gets.
        let copy = PlanningFixture.manifest(images: ["original.jpg"], placements: manifest.placements)
        let copyJobs = Planner.assetJobs(copy, specs: Planner.placementSpecs(copy), baseDirectory: folder.path)
        let cached = try AssetPlanner(manifest: copy, options: PlanningFixture.options(), decider: FixedQualityDecider(), cache: cache)
            .plan(try #require(copyJobs.first)).0
        let fresh = try AssetPlanner(manifest: copy, options: PlanningFixture.options(), decider: FixedQualityDecider(), cache: nil)
            .plan(try #require(copyJobs.first)).0
        #expect(cached.error == nil && cached == fresh)
    }

    /// Found in review: a chmod (or a touch, a new link) moves the change time and failed the
    /// asset, though its bytes were the same.
    @Test("a file whose mode changes while it is planned is planned, and cached")
    func modeChangedMidPlan() throws {
        let folder = try PlanningFixture.folder(with: ["animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("animal-cat-closeup.jpg")
        let manifest = PlanningFixture.manifest(images: ["animal-cat-closeup.jpg"],
                                                placements: [PlanningFixture.placement("wide", "16:9", [120, 200, 280])])
        let cache = try PlanCache(path: folder.appendingPathComponent("cache.sqlite").path)
        let jobs = Planner.assetJobs(manifest, specs: Planner.placementSpecs(manifest), baseDirectory: folder.path)
        let (asset, _) = try AssetPlanner(manifest: manifest, options: PlanningFixture.options(),
                                          decider: SwappingDecider(replacing: source, with: nil), cache: cache)
            .plan(try #require(jobs.first))
        #expect(asset.error == nil && asset.placements.first?.variants.count == 3, "\(String(describing: asset.error))")
        #expect(cache.count(.decisions) == 3)
    }
}
