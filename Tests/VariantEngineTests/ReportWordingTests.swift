import Foundation
import Testing
@testable import VariantEngine
import VipsCore

/// The report's summary line reads as a person would write it.
@Suite("Report wording")
struct ReportWordingTests {
    @Test("byte totals in kB under a tenth of a MB, counts with the right plural")
    func summaryWords() {
        #expect(ContactSheet.kilobytes(12_345) == "12.3 kB")  // a one-variant plan said "0.0 MB"
        #expect(ContactSheet.kilobytes(2_500_000) == "2.5 MB")
        #expect(Wording.counted(1, "error") == "1 error")
        #expect(Wording.counted(0, "error") == "0 errors")
        #expect(Wording.counted(2, "warning") == "2 warnings")
    }

    @Test("the summary says how the decisions were made, and a non-default AVIF effort")
    func decisionWords() {
        #expect(ContactSheet.decisionWords(PlanSettings(decisions: .fixedQuality, signed: false, asOf: nil))
                == "fixed quality per level, unscored")
        #expect(ContactSheet.decisionWords(PlanSettings(decisions: .optimize, signed: false, asOf: nil, avifEffort: 4))
                == "decided by SSIMULACRA2 search, AVIF effort 4")
    }
}

/// What a QA pass of the contact sheet found drawn wrong: multi-line overlays, markers sized in
/// source pixels, thin sources' frames, bidirectional overrides reversing lines.
@Suite("Report drawing")
struct ReportDrawingTests {
    @Test("overlay lines, markers in screen pixels, thin frames, bidirectional overrides shown, plurals")
    func drawing() async throws {
        let folder = try PlanningFixture.folder(with: ["animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 24×16 icon and a 2×400 line, made here.
        let icon = (0..<(24 * 16)).flatMap { i -> [UInt8] in [UInt8(i % 24 * 10), 90, 160] }
        try Image(pixels: PixelBuffer(width: 24, height: 16, bands: 3, data: icon)).encoded(as: .png(PNGOptions()))
            .write(to: folder.appendingPathComponent("icon.png"))
        try Image(pixels: PixelBuffer(width: 2, height: 400, bands: 3, data: [UInt8](repeating: 128, count: 2 * 400 * 3)))
            .encoded(as: .png(PNGOptions())).write(to: folder.appendingPathComponent("line.png"))
        var manifest = PlanningFixture.manifest(images: ["animal-cat-closeup.jpg"],
                                                placements: [PlanningFixture.placement("wide", "16:9", [300])])
        manifest.assets[0].overrides = [
            AssetOverride(locale: "de-DE", text: TextOverlay(text: "LINE ONE\nSECOND LINE", relativeSize: 0.08, gravity: "center")),
            AssetOverride(locale: "fr-FR", text: TextOverlay(text: "Sale \u{202E}50% off", relativeSize: 0.08, gravity: "center")),
        ]
        manifest.assets += [CampaignAsset(publicId: "test/icon", path: "icon.png", approval: "approved"),
                            CampaignAsset(publicId: "test/line", path: "line.png", approval: "approved")]
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        let html = try await Engine().report(plan, baseDirectory: folder.path)

        // Two lines of SVG text for the two-line overlay, not one squeezed line.
        #expect(html.contains(">LINE ONE</tspan>") && html.contains(">SECOND LINE</tspan>"), "two tspans")
        #expect(!html.contains(">LINE ONE\nSECOND LINE</text>"))
        // The override is spelled out in the page's text, and obeyed only in the preview of the
        // variant (the SVG text), as the render draws it.
        #expect(html.contains("overlay “Sale [U+202E]50% off”"))
        #expect(html.contains(">Sale \u{202E}50% off</text>"))
        let outsideText = html.replacing(#/<text[^>]*>[^<]*</text>/#, with: "")
        #expect(!outsideText.unicodeScalars.contains { $0.value == 0x202E })
        // A 24 px wide icon is drawn 360 px wide: its focal point is 6 screen px, 0.4 source px.
        let iconStart = try #require(html.range(of: #"id="test/icon""#))
        let iconSection = html[iconStart.lowerBound...].prefix(4000)
        #expect(iconSection.contains(#"r="0.400""#), "\(iconSection.prefix(1500))")
        // A 2×400 source gets a frame 1.8 px wide (so 360 px tall), not 1 px wide and 200 px tall.
        #expect(html.contains("aspect-ratio:2/400;width:1.800px"), "thin frame")
        #expect(html.contains(" · 5 assets · 5 variants ·"), "counts")
        // One of each is singular ("1 assets · 1 variants" before).
        var one = manifest
        one.assets = [manifest.assets[1]]
        let single = try await PlanningFixture.plan(one, in: folder, options: PlanningFixture.options()).plan
        #expect(try await Engine().report(single, baseDirectory: folder.path).contains(" · 1 asset · 1 variant ·"))
    }
}
