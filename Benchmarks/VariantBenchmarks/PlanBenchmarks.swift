import Benchmark
import Foundation
import VariantEngine

/// Planning a small campaign through the public façade (`Engine.plan`): 3 TestImages assets,
/// 2 placements, 2 widths each (12 variants), the level's fixed quality (one encode per
/// variant, no SSIMULACRA2 search), no cache, one asset at a time. No peer.
func planBenchmarks() {
    let manifest = """
        {"campaign": "bench", "cloudName": "demo",
         "placements": [
           {"name": "desktop", "aspectRatio": "16:9", "widths": [240, 480], "formats": ["webp", "jpeg"], "quality": "good"},
           {"name": "mobile", "aspectRatio": "4:5", "widths": [240, 480], "formats": ["webp", "jpeg"], "quality": "good"}],
         "assets": [
           {"publicId": "bench/couple-bar", "path": "people-couple-bar.jpg", "approval": "approved"},
           {"publicId": "bench/astronaut", "path": "people-astronaut.jpg", "approval": "approved"},
           {"publicId": "bench/fig-bowl", "path": "product-fig-bowl.jpg", "approval": "approved"}]}
        """
    let images = Fixtures.packageRoot.appendingPathComponent("TestImages").path
    var options = PlanOptions()
    options.cachePath = nil
    options.decisions = .fixedQuality
    options.jobs = 1

    Benchmark("plan 3 assets x 2 placements x 2 widths, fixed quality, no cache",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                   maxDuration: .seconds(10), maxIterations: 10)) { benchmark, campaign in
        for _ in benchmark.scaledIterations {
            let outcome = try await Engine().plan(campaign, baseDirectory: images, options: options)
            blackHole(outcome.plan.assets.count)
        }
    } setup: {
        try CampaignManifest.parse(Data(manifest.utf8), file: "bench.json", yaml: false)
    }
}
