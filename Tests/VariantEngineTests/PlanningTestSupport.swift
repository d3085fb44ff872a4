import Foundation
@testable import VariantEngine

/// Small campaigns over TestImages for the planning tests: copied into a fresh folder so a test
/// can change a file, with fixed-quality decisions (one encode per variant) to stay fast.
enum PlanningFixture {
    static let testImages = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestImages")

    /// A fresh folder holding copies of `images`.
    static func folder(with images: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for image in images {
            try FileManager.default.copyItem(at: testImages.appendingPathComponent(image), to: dir.appendingPathComponent(image))
        }
        return dir
    }

    static let smallImages = ["people-astronaut.jpg", "animal-cat-closeup.jpg", "people-couple-bar.jpg",
                              "product-camera-cutout.png", "logo-very-wide.png"]

    static func placement(_ name: String, _ ratio: String, _ widths: [Int], formats: [String] = ["webp", "jpeg"],
                          quality: String = "good") -> Placement {
        Placement(name: name, aspectRatio: ratio, widths: widths, formats: formats, quality: quality, upscale: .allow)
    }

    /// Two placements over the small images, all approved.
    static func manifest(images: [String] = smallImages, placements: [Placement]? = nil) -> CampaignManifest {
        CampaignManifest(
            campaign: "test", cloudName: "demo",
            placements: placements ?? [placement("wide", "16:9", [160, 320]), placement("square", "1:1", [120, 240])],
            assets: images.map { image in
                CampaignAsset(publicId: "test/" + (image as NSString).deletingPathExtension, path: image, approval: "approved")
            })
    }

    static func options(cache: URL? = nil, jobs: Int = 2) -> PlanOptions {
        var options = PlanOptions()
        options.decisions = .fixedQuality
        options.cachePath = cache?.path
        options.jobs = jobs
        return options
    }

    static func plan(_ manifest: CampaignManifest, in folder: URL, options: PlanOptions) async throws -> PlanOutcome {
        try await Engine().plan(manifest, baseDirectory: folder.path, options: options)
    }
}
