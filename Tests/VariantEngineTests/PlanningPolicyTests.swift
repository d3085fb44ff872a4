import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine

@Suite("Planning: plan content and policy")
struct PlanningPolicyTests {
    @Test("every asset × placement × width gets an explicit canonical transformation, URLs and a srcset")
    func planShape() async throws {
        let folder = try PlanningFixture.folder(with: ["people-astronaut.jpg", "product-camera-cutout.png"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try await PlanningFixture.plan(PlanningFixture.manifest(images: ["people-astronaut.jpg", "product-camera-cutout.png"]),
                                                  in: folder, options: PlanningFixture.options()).plan
        #expect(plan.summary.passed)
        #expect(plan.assets.map(\.id) == ["test/people-astronaut", "test/product-camera-cutout"])
        for asset in plan.assets {
            let source = try #require(asset.source)
            #expect(source.contentHash.count == 64)
            #expect(asset.placements.map(\.placement) == ["wide", "square"])
            for placement in asset.placements {
                #expect(placement.variants.map(\.width) == (placement.placement == "wide" ? [160, 320] : [120, 240]))
                #expect(placement.cropTransformation.hasPrefix("c_crop,h_"))
                let ratio = Double(placement.crop.width) / Double(placement.crop.height)
                #expect(abs(ratio - (placement.placement == "wide" ? 16.0 / 9 : 1)) < 0.02)
                for variant in placement.variants {
                    let height = AspectRatio(parsing: placement.aspectRatio)!.height(forWidth: variant.width)
                    #expect(variant.transformation.hasPrefix(placement.cropTransformation + "/c_scale,h_\(height),w_\(variant.width)/f_"))
                    #expect(variant.height == height)
                    #expect(try Transformation(parsing: variant.transformation).canonicalDescription == variant.transformation)
                    #expect(variant.autoTransformation.hasSuffix("/f_auto/q_auto:good"))
                    // Our own strings pass our own validator without a word (the one-component
                    // f_auto,q_auto form drew a format-quality-together warning).
                    for text in [variant.transformation, variant.autoTransformation] {
                        #expect(Transformation.validate(text).diagnostics.isEmpty, "\(text): \(Transformation.validate(text).diagnostics)")
                    }
                    let url = try DeliveryURL(parsing: variant.url)
                    #expect(url.transformation == variant.transformation)
                    #expect(url.publicId == asset.publicId)
                    #expect(url.signature == nil)
                    #expect(variant.bytes > 0 && variant.decidedBy == "fixed")
                }
                #expect(placement.srcset == placement.variants.map { "\($0.url) \($0.width)w" }.joined(separator: ", "))
            }
        }
        // The cut-out has alpha: the fixed decision must not pick JPEG for it.
        let cutout = try #require(plan.assets.last)
        #expect(cutout.placements.flatMap(\.variants).allSatisfy { $0.format == "webp" })
    }

    @Test("URLs are signed when a secret is given, and the signatures verify")
    func signedURLs() async throws {
        let folder = try PlanningFixture.folder(with: ["people-astronaut.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = PlanningFixture.options()
        options.apiSecret = "abcd"
        let plan = try await PlanningFixture.plan(PlanningFixture.manifest(images: ["people-astronaut.jpg"]), in: folder,
                                                  options: options).plan
        for variant in plan.assets.flatMap(\.placements).flatMap(\.variants) {
            let url = try DeliveryURL(parsing: variant.url)
            #expect(url.signature != nil)
            #expect(url.verifySignature(apiSecret: "abcd"))
            #expect(!url.verifySignature(apiSecret: "other"))
        }
    }

    @Test("violations: not approved, source too small, upscaling, over budget, subject cannot fit; exit status follows")
    func violations() async throws {
        let images = ["people-astronaut.jpg", "people-couple-bar.jpg", "product-camera-cutout.png"]
        let folder = try PlanningFixture.folder(with: images)
        defer { try? FileManager.default.removeItem(at: folder) }
        var manifest = PlanningFixture.manifest(images: images, placements: [
            Placement(name: "hero", aspectRatio: "16:9", widths: [400, 1200], formats: ["jpeg"], byteBudget: 30_000,
                      minSourceWidth: 600, upscale: .never),
            Placement(name: "banner", aspectRatio: "6:1", widths: [300], formats: ["webp"], upscale: .allow),
        ])
        manifest.assets[1].approval = "pending"
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        #expect(!plan.passed)
        func codes(_ id: String, _ placement: String? = nil) -> [String] {
            guard let asset = plan.assets.first(where: { $0.id == id }) else { return [] }
            guard let placement else { return asset.violations.map(\.code.rawValue) }
            return asset.placements.first { $0.placement == placement }?.violations.map(\.code.rawValue) ?? []
        }
        #expect(codes("test/people-couple-bar") == ["not-approved"])
        #expect(codes("test/people-astronaut") == [])
        // Without the requirement a pending asset passes quietly; a rejected one is planned
        // with a warning (it passed without a word).
        var relaxed = CampaignPolicy()
        relaxed.requireApproved = false
        #expect(PolicyChecker.approval("pending", policy: relaxed).isEmpty)
        let rejected = PolicyChecker.approval("rejected", policy: relaxed)
        #expect(rejected.map(\.code) == [.notApproved] && rejected.map(\.severity) == [.warning], "\(rejected)")
        #expect(PolicyChecker.approval("rejected", policy: CampaignPolicy()).map(\.severity) == [.error])
        // 512 px wide: below the 600 px minimum; 1200 px needs upscaling, which "never" makes an error.
        let hero = codes("test/people-astronaut", "hero")
        #expect(hero.contains("source-too-small"))
        #expect(hero.contains("upscaling-needed"))
        let upscale = try #require(plan.assets[0].placements[0].violations.first { $0.code == "upscaling-needed" })
        #expect(upscale.severity == .error && upscale.width == 1200)
        let upscaled = try #require(plan.assets[0].placements[0].variants.last?.upscale)
        // The message's factor is the variant's (found in QA: ×6.39 against the plan's 6.4).
        #expect(upscale.message.hasPrefix("1200 px needs ×\(String(format: "%g", upscaled)) upscaling: the "), "\(upscale.message) \(upscaled)")
        // A 1200 px JPEG is over a 30 kB budget.
        #expect(plan.assets.flatMap(\.placements).flatMap(\.violations).contains { $0.code == "over-budget" && $0.width == 1200 })
        // A 6:1 band (133 px of the couple's 600) cannot hold their faces, 152 px from the top of
        // one to the bottom of the other (nor the camera cut-out): pad instead. A 5:1 band can.
        let fit = try #require(plan.assets.first { $0.id == "test/people-couple-bar" }?.placements
            .first { $0.placement == "banner" }?.violations.first { $0.code == "subject-does-not-fit" })
        #expect(fit.severity == .warning)
        let suggestion = try #require(fit.suggestion)
        #expect(suggestion.contains("c_pad,ar_6:1,b_auto,w_300"))
        #expect(throws: Never.self) { try Transformation(parsing: suggestion) }
        #expect(codes("test/product-camera-cutout", "banner").contains("subject-does-not-fit"))
        let all: [Violation] = plan.assets.flatMap { asset -> [Violation] in
            asset.violations + asset.placements.flatMap { $0.violations }
        }
        let errorCount = all.filter { $0.severity == .error }.count
        #expect(plan.summary.errors == errorCount)
    }

    @Test("a variant has the placement's exact size though whole source pixels cannot hold the ratio; a crop that misses the ratio keeps its own")
    func exactVariantSize() async throws {
        // 9:16 of an 800×600 photo is 337.5 px wide: the crop is 338×600, and its width alone
        // scaled to 540 gave 540×959 (and 720×1278), where the page's box is 540×960.
        let images = ["people-couple-bar.jpg"]
        let folder = try PlanningFixture.folder(with: images)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = PlanningFixture.manifest(images: images, placements: [
            PlanningFixture.placement("story", "9:16", [360, 540, 720], formats: ["webp"]),
            PlanningFixture.placement("banner", "3:1", [1200], formats: ["webp"]),
            // 24:1 of 800×600 is 800×33 (24.24:1, 1 % wide): held; 25:1 is 800×32 exactly.
            PlanningFixture.placement("strip", "24:1", [480], formats: ["webp"]),
        ])
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        let placements = try #require(plan.assets.first?.placements)
        let sizes = placements.map { $0.variants.map { "\($0.width)×\($0.height)" } }
        #expect(sizes == [["360×640", "540×960", "720×1280"], ["1200×400"], ["480×20"]])
        let story = placements[0]
        #expect(story.crop.width == 338 && story.crop.height == 600)
        #expect(story.variants[1].transformation.hasPrefix("c_crop,h_600,w_338,x_\(story.crop.x),y_0/c_scale,h_960,w_540/f_webp,q_"))
        #expect(story.variants[1].autoTransformation.hasPrefix("c_crop,h_600,w_338,x_\(story.crop.x),y_0/c_scale,h_960,w_540/f_auto/"))
        // What Cloudinary is asked for is what the local render writes.
        for variant in placements.flatMap(\.variants) {
            let rendered = try Renderer.render(RenderRequest(sourcePath: folder.appendingPathComponent(images[0]).path,
                                                             transformation: try Transformation(parsing: variant.transformation)))
            #expect(rendered.width == variant.width && rendered.height == variant.height && rendered.bytes == variant.bytes,
                    "\(variant.transformation): rendered \(rendered.width)×\(rendered.height)")
        }
        // A window that cannot hold its ratio (a 3×2 source for 16:9 is 3×2, 16 % off) is scaled
        // by its width alone: stretching it to the ratio would distort the picture.
        #expect(AspectRatio(width: 16, height: 9)!.exactHeight(forWidth: 320, window: (3, 2)) == nil)
        #expect(AspectRatio(width: 9, height: 16)!.exactHeight(forWidth: 540, window: (338, 600)) == 960)
        // Not enlarged by the rounding: 338 px of a 338×600 crop stays 600 high (not 601).
        #expect(AspectRatio(width: 9, height: 16)!.exactHeight(forWidth: 338, window: (338, 600)) == 600)
        #expect(AspectRatio(width: 9, height: 16)!.exactHeight(forWidth: 300, window: (338, 600)) == 533)
        #expect(AspectRatio(width: 16, height: 9)!.height(forWidth: 1000) == 563)
    }

    @Test("a crop too small for its ratio is a warning; ratios beyond 25:1 are refused in the manifest")
    func inexactRatio() throws {
        let spec = PlannedPlacementSpec(name: "wide", aspectRatio: "16:9", widths: [200], formats: ["webp"], quality: "good",
                                        byteBudget: nil, upscale: .allow, minSourceWidth: nil, minSourceHeight: nil)
        let tiny = PolicyChecker.ratio(crop: SourceRect(x: 0, y: 0, width: 3, height: 2), spec: spec)
        #expect(tiny.map(\.code) == ["ratio-inexact"] && tiny.first?.severity == .warning)
        #expect(tiny.first?.message == "the 16:9 crop of this source is 3×2 px, 15.6 % narrower than 16:9: the source is too small for the ratio")
        #expect(PolicyChecker.ratio(crop: SourceRect(x: 0, y: 0, width: 1920, height: 1080), spec: spec).isEmpty)
        #expect(PolicyChecker.ratio(crop: SourceRect(x: 0, y: 0, width: 512, height: 288), spec: spec).isEmpty)
        for (ratio, refused) in [("25:1", false), ("1:25", false), ("26:1", true), ("100000:1", true), ("1:1000", true)] {
            var manifest = PlanningFixture.manifest(images: ["people-astronaut.jpg"])
            manifest.placements[0].aspectRatio = ratio
            #expect(ManifestValidator.validate(manifest).contains { $0.path == "placements[0].aspectRatio" } == refused, "\(ratio)")
        }
    }

    @Test("a cut-out in a JPEG-only placement is flattened with a warning, the same in both decision modes",
          arguments: [DecisionMode.fixedQuality, .optimize])
    func flattenedCutout(mode: DecisionMode) async throws {
        let folder = try PlanningFixture.folder(with: ["product-camera-cutout.png"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = PlanningFixture.manifest(images: ["product-camera-cutout.png"], placements: [
            PlanningFixture.placement("banner", "3:1", [240], formats: ["jpeg"]),
            PlanningFixture.placement("square", "1:1", [120], formats: ["webp", "jpeg"]),
        ])
        var options = PlanningFixture.options()
        options.decisions = mode
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: options).plan
        #expect(plan.summary.passed, "\(plan.assets.flatMap { $0.placements.flatMap(\.violations) })")
        let placements = try #require(plan.assets.first?.placements)
        let banner = try #require(placements.first { $0.placement == "banner" })
        #expect(banner.variants.map(\.format) == ["jpeg"])
        #expect(banner.violations.filter { $0.code == .transparencyFlattened }.map(\.severity) == [.warning])
        // WebP keeps the transparency: nothing to warn about.
        let square = try #require(placements.first { $0.placement == "square" })
        #expect(square.variants.map(\.format) == ["webp"])
        #expect(!square.violations.contains { $0.code == .transparencyFlattened })
    }

    @Test("one unreadable asset is reported in the plan and the others are planned")
    func failingAsset() async throws {
        let folder = try PlanningFixture.folder(with: ["people-astronaut.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("broken.jpg"))
        var manifest = PlanningFixture.manifest(images: ["people-astronaut.jpg"])
        manifest.assets.append(CampaignAsset(publicId: "test/broken", path: "broken.jpg", approval: "approved"))
        manifest.assets.append(CampaignAsset(publicId: "test/missing", path: "missing.jpg", approval: "approved"))
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        #expect(plan.summary.failedAssets == 2)
        #expect(!plan.passed)
        let good = try #require(plan.assets.first { $0.id == "test/people-astronaut" })
        #expect(good.error == nil && good.placements.count == 2)
        for id in ["test/broken", "test/missing"] {
            let failed = try #require(plan.assets.first { $0.id == id })
            #expect(failed.error?.code == "asset-unreadable")
            #expect(failed.error?.message.contains(folder.path) == false, "no absolute paths in a plan")
        }
    }

    @Test("overrides: a locale adds a text overlay, a region swaps the asset")
    func overrides() async throws {
        let folder = try PlanningFixture.folder(with: ["people-astronaut.jpg", "animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        var manifest = PlanningFixture.manifest(images: ["people-astronaut.jpg"])
        manifest.assets[0].overrides = [
            AssetOverride(locale: "de-DE", text: TextOverlay(text: "Hallo, Welt/2026", gravity: "south")),
            AssetOverride(region: "APAC", publicId: "test/cat", path: "animal-cat-closeup.jpg"),
        ]
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        #expect(plan.assets.map(\.id) == ["test/people-astronaut", "test/people-astronaut@APAC", "test/people-astronaut@de-DE"])
        let german = plan.assets[2]
        let variant = try #require(german.placements.first?.variants.first)
        #expect(variant.transformation.contains("l_text:Arial_8:Hallo%252C%20Welt%252F2026") || variant.transformation.contains("l_text:Arial_"))
        #expect(variant.transformation.contains("/fl_layer_apply,g_south,y_"))
        #expect(variant.transformation.contains("Hallo%252C%20Welt%252F2026"))
        #expect(try Transformation(parsing: variant.transformation).canonicalDescription == variant.transformation)
        #expect(german.baseAsset == "test/people-astronaut" && german.locale == "de-DE")
        let swapped = plan.assets[1]
        #expect(swapped.publicId == "test/cat" && swapped.source?.width == 451)
        #expect(swapped.placements.first?.variants.first?.url.contains("/test/cat") == true)
        // The contact sheet says which public id the swap delivers (it showed only in links),
        // and no other entry's line says "delivers".
        let html = try await Engine().report(plan, baseDirectory: folder.path)
        #expect(html.components(separatedBy: "<p class=\"meta\">delivers <bdi>test/cat</bdi> · ").count == 2)
        #expect(html.components(separatedBy: "delivers <bdi>").count == 2)
    }

    @Test("the optimiser decides format and quality with a SSIMULACRA2 score")
    func optimised() async throws {
        let folder = try PlanningFixture.folder(with: ["animal-cat-closeup.jpg"])
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = PlanningFixture.options()
        options.decisions = .optimize
        let manifest = PlanningFixture.manifest(images: ["animal-cat-closeup.jpg"],
                                                placements: [PlanningFixture.placement("square", "1:1", [160], formats: ["webp", "jpeg"])])
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: options).plan
        let variant = try #require(plan.assets.first?.placements.first?.variants.first)
        #expect(variant.decidedBy == "optimizer")
        #expect(["webp", "jpeg"].contains(variant.format))
        #expect((variant.ssimulacra2 ?? 0) > 50)
        #expect(variant.transformation.hasSuffix("/f_\(variant.format == "jpeg" ? "jpg" : variant.format),q_\(variant.quality!)"))
    }
    /// The override's text is laid out as the render draws it and checked against the variant:
    /// text past the edge would make Cloudinary widen the delivered image (an error), text over
    /// a face is a warning; a short text at the bottom of a portrait is neither.
    @Test("an override's text that runs past the variant or covers a face is a violation")
    func textOverlayPolicy() async throws {
        let image = "people-portrait-grace-hopper.jpg"  // one face, in the middle of a square crop
        let folder = try PlanningFixture.folder(with: [image])
        defer { try? FileManager.default.removeItem(at: folder) }
        var manifest = PlanningFixture.manifest(images: [image], placements: [PlanningFixture.placement("square", "1:1", [200, 400])])
        manifest.assets[0].overrides = [
            AssetOverride(locale: "de-DE", text: TextOverlay(text: "Hallo", relativeSize: 0.1, gravity: "center")),
            AssetOverride(locale: "fr-FR", text: TextOverlay(text: "Une phrase bien trop longue pour la place", relativeSize: 0.2)),
            AssetOverride(locale: "it-IT", text: TextOverlay(text: "Ciao")),
        ]
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        func codes(_ locale: String?) throws -> [String] {
            let asset = try #require(plan.assets.first { $0.locale == locale })
            return asset.placements.flatMap(\.violations).map { "\($0.code)@\($0.width ?? 0)" }
        }
        #expect(try codes(nil) == [])
        #expect(try codes("it-IT") == [])
        let german = try codes("de-DE")
        #expect(german == ["text-covers-face@200", "text-covers-face@400"], "\(german)")
        #expect(try codes("fr-FR") == ["text-overflows@200", "text-overflows@400"])
        #expect(!plan.summary.passed)  // the overflow is an error
        let overflow = try #require(plan.assets.first { $0.locale == "fr-FR" }?.placements[0].violations.first)
        #expect(overflow.message.hasPrefix("the text 'Une phrase bien trop longue pour la place' (40 px) is "), "\(overflow.message)")
        #expect(overflow.message.contains("runs past the 200×200 variant"))
        // The contact sheet shows each override's text where the render puts it, over each crop
        // preview: one per placement of the three overrides, none for the base asset.
        let html = try await Engine().report(plan, baseDirectory: folder.path)
        #expect(html.components(separatedBy: "<svg class=\"text-overlay\" viewBox=\"0 0 200 200\"").count - 1 == 3)
        #expect(html.contains(">Hallo</text>") && html.contains(">Ciao</text>"))
    }

    /// An override's text in a script no installed font has, or in a font not installed, was
    /// measured with boxes or a stand-in, and the overflow and face checks passed or failed on
    /// that without a word.
    @Test func overlaysMeasuredInOtherFontsAreSaid() async throws {
        let image = "people-portrait-grace-hopper.jpg"
        let folder = try PlanningFixture.folder(with: [image])
        defer { try? FileManager.default.removeItem(at: folder) }
        var manifest = PlanningFixture.manifest(images: [image], placements: [PlanningFixture.placement("square", "1:1", [200])])
        manifest.assets[0].overrides = [
            AssetOverride(locale: "en-GB", text: TextOverlay(text: "Hello")),  // Arial: Liberation Sans has its widths
            AssetOverride(locale: "de-DE", text: TextOverlay(text: "Hallo", font: "NoSuchFontAtAll")),
            AssetOverride(locale: "ff-Adlm", text: TextOverlay(text: "\u{1E900}\u{1E901} ok")),  // Adlam: no font here
            // Too long for the variant, in both fonts: an error in the font Cloudinary has, a
            // warning where the measurement is of another text (found in the report review).
            AssetOverride(locale: "fr-FR", text: TextOverlay(text: "Une phrase bien trop longue pour la place", relativeSize: 0.2)),
            AssetOverride(locale: "fr-BE", text: TextOverlay(text: "Une phrase bien trop longue pour la place", font: "NoSuchFontAtAll",
                                                             relativeSize: 0.2)),
        ]
        let plan = try await PlanningFixture.plan(manifest, in: folder, options: PlanningFixture.options()).plan
        func violations(_ locale: String) throws -> [String] {
            try #require(plan.assets.first { $0.locale == locale }).violations
                .filter { ["font-substituted", "glyphs-missing"].contains($0.code.rawValue) }.map { "\($0.code): \($0.message)" }
        }
        #expect(try violations("en-GB") == [])
        let german = try violations("de-DE")
        #expect(german.count == 1 && german[0].hasPrefix("font-substituted: the overlay's font NoSuchFontAtAll is not installed here: its text was measured in "),
                "\(german)")
        func overflow(_ locale: String) throws -> Violation? {
            try #require(plan.assets.first { $0.locale == locale }).placements.flatMap(\.violations).first { $0.code == .textOverflows }
        }
        #expect(try overflow("fr-FR")?.severity == .error)
        #expect(try overflow("fr-BE")?.severity == .warning)
        #expect(try overflow("fr-BE")?.message.hasSuffix("(measured in another font or with boxes here, see font-substituted or glyphs-missing: a warning, not an error)") == true)
        #expect(try violations("ff-Adlm") == [
            "glyphs-missing: no font here has 2 characters of the text (\u{1E900}\u{1E901}) of the overlay: it was measured with boxes in "
                + "their place, so text-overflows and text-covers-face may be wrong; install a font for its script to check it",
        ])
    }
}
