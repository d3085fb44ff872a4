import CloudinaryTransform
import Foundation
import Testing
import VariantEngine

/// The engine as the sync tool uses it: only the public API (no `@testable`), only `Engine`,
/// the manifest and plan types, and CloudinaryTransform's URL parser.
/// The progress calls a plan made, from whichever thread made them.
private final class Seen: @unchecked Sendable {
    let lock = NSLock()
    var calls: [PlanProgress] = []
    func add(_ progress: PlanProgress) { lock.lock(); calls.append(progress); lock.unlock() }
}

@Suite("Public API: what the sync tool imports")
struct PublicAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let astronaut = root.appendingPathComponent("TestImages/people-astronaut.jpg").path
    static let couple = root.appendingPathComponent("TestImages/people-couple-bar.jpg").path

    @Test("analyse, crop, optimise and render through Engine")
    func singleImage() async throws {
        let engine = Engine()
        let analysis = try await engine.analyze(Self.couple)
        #expect(analysis.width == 800 && analysis.height == 600)
        #expect(!analysis.faces.isEmpty)

        let crops = try await engine.crops(Self.couple, aspectRatios: ["16:9", "1:1"])
        #expect(crops.map(\.aspectRatio) == ["16:9", "1:1"])
        #expect(crops[0].transformation.hasPrefix("c_crop,"))
        await #expect(throws: EngineError.self) { try await engine.crops(Self.couple, aspectRatios: ["wide"]) }
        // The asset's stored faces instead of the search: the analysis reports exactly them.
        let stored = [SourceRect(x: 600, y: 100, width: 120, height: 140)]
        let given = try await engine.analyze(Self.couple, knownFaces: stored)
        #expect(given.faces.map(\.box) == stored && given.faces.allSatisfy { $0.detector == "given" })
        let square = try await engine.crops(Self.couple, aspectRatios: ["1:1"], knownFaces: stored)
        #expect(square[0].facesKept == 1)
        // Crops from the analysis already made: the same as from the file.
        #expect(try engine.crops(from: given, aspectRatios: ["1:1"]) == square)
        #expect(try engine.crops(from: analysis, aspectRatios: ["16:9", "1:1"]) == crops)
        #expect(throws: EngineError.self) { try engine.crops(from: analysis, aspectRatios: ["1:0"]) }
        // Found in the API review: known faces in another frame (wholly outside the image) or
        // with no area were dropped without a word, and the crops then cut the real faces.
        for box in [SourceRect(x: 5000, y: 5000, width: 100, height: 100), SourceRect(x: 10, y: 10, width: -100, height: 100)] {
            let error = await #expect(throws: EngineError.self) { try await engine.analyze(Self.couple, knownFaces: [box]) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix("knownFaces[0] (x \(box.x), y \(box.y), ") == true
                    && (error?.message.contains("lies wholly outside the 800×600 image") == true
                        || error?.message.contains("has no area") == true), "\(String(describing: error))")
        }

        let decision = try await engine.optimize(Self.couple, transformation: crops[1].transformation + "/c_scale,w_200",
                                                 level: .good, formats: [.webp, .jpeg])
        #expect(["webp", "jpeg"].contains(decision.format))
        #expect(decision.bytes == decision.data.count && decision.ssimulacra2 > 0)

        let rendered = try await engine.render(Self.couple, transformation: crops[0].transformation + "/c_scale,w_320/f_webp,q_70")
        #expect(rendered.width == 320 && rendered.format == "webp" && rendered.bytes == rendered.data.count)
        #expect(rendered.cropRect == crops[0].rect)
        // A graphic may get a lossless WebP, which no f_/q_ asks for: explicitOnly keeps to what a
        // stored transformation delivers (found in the second review).
        let illustration = Self.root.appendingPathComponent("TestImages/graphic-illustration.png").path
        let free = try await engine.optimize(illustration, transformation: "c_scale,w_300", formats: [.webp])
        let explicit = try await engine.optimize(illustration, transformation: "c_scale,w_300", formats: [.webp], explicitOnly: true)
        #expect(free.delivery == nil && free.quality == nil)
        #expect(explicit.delivery == "f_webp,q_\(explicit.quality ?? -1)", "\(String(describing: explicit.delivery))")
        // Equatable: the same render twice is the same value, a different one is not.
        let again = try await engine.render(Self.couple, transformation: crops[0].transformation + "/c_scale,w_320/f_webp,q_70")
        let other = try await engine.render(Self.couple, transformation: crops[0].transformation + "/c_scale,w_320/f_webp,q_71")
        #expect(rendered == again && rendered != other)

        // The brand mark the sync tool adds, from its local file; without the file it is only listed.
        let logo = Self.root.appendingPathComponent("TestImages/logo-alpha.png").path
        let branded = crops[0].transformation + "/c_scale,w_320/l_brand:logo,w_48/fl_layer_apply,g_south_east,x_8,y_8/f_png"
        let withLogo = try await engine.render(Self.couple, transformation: branded, layerFiles: ["brand/logo": logo])
        let withoutLogo = try await engine.render(Self.couple, transformation: branded)
        #expect(withLogo.notRendered.isEmpty && withoutLogo.notRendered.contains("l_brand:logo"), "\(withLogo.notRendered)")
        #expect(withLogo.width == 320 && withLogo.data != withoutLogo.data)
    }

    @Test("plan a manifest built in code, with progress, and read every URL back")
    func planInCode() async throws {
        let manifest = CampaignManifest(
            campaign: "sync", cloudName: "demo", policy: CampaignPolicy(requireApproved: true),
            placements: [Placement(name: "card", aspectRatio: "4:3", widths: [200, 400], formats: ["webp"], upscale: .allow)],
            assets: [CampaignAsset(publicId: "sync/astronaut", path: Self.astronaut, approval: "approved"),
                     CampaignAsset(publicId: "sync/couple", path: Self.couple, approval: "pending")])
        var options = PlanOptions()
        options.decisions = .fixedQuality
        options.apiSecret = "secret"
        let seen = Seen()
        let outcome = try await Engine().plan(manifest, baseDirectory: "/", options: options) { progress in
            #expect(progress.total == 2 && progress.variantsTotal == 4)
            seen.add(progress)
        }
        // First a call before any work (the totals, at once), then one per variant and one per asset.
        let calls = seen.calls
        #expect(calls.first.map { $0.event == .started && $0.assetID == "" && $0.variantsDone == 0 } == true)
        #expect(calls.filter { $0.event == .asset }.map(\.assetID).sorted() == ["sync/astronaut", "sync/couple"])
        #expect(calls.filter { $0.event == .variant }.count == 4)
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.completed <= $1.completed && $0.variantsDone < $1.variantsDone
            || $0.completed < $1.completed })
        #expect(calls.last.map { $0.event == .asset && $0.completed == 2 && $0.variantsDone == 4 } == true)
        // Codes are typed for matching and plain strings in the JSON; a code this build does not
        // know (a plan written by a newer engine) still decodes.
        let violation = try #require(outcome.plan.assets.first { $0.publicId == "sync/couple" }?.violations.first)
        let json = try #require(String(data: try JSONEncoder().encode(violation), encoding: .utf8))
        #expect(json.contains("\"code\":\"not-approved\""), "\(json)")
        let newer = try JSONDecoder().decode(Violation.self, from: Data(json.replacingOccurrences(of: "not-approved", with: "future-code").utf8))
        #expect(newer.code.rawValue == "future-code" && newer.code != .notApproved)
        #expect(!outcome.plan.passed, "one asset is pending")
        #expect(outcome.plan.assets.first { $0.publicId == "sync/couple" }?.violations.map(\.code) == [.notApproved])
        for variant in outcome.plan.assets.flatMap(\.placements).flatMap(\.variants) {
            let url = try DeliveryURL(parsing: variant.url)
            #expect(url.verifySignature(apiSecret: "secret"))
            #expect(try Transformation(parsing: variant.transformation).canonicalDescription == variant.transformation)
        }
        let html = try await Engine().report(outcome.plan, baseDirectory: "/")
        #expect(html.contains("<svg") && html.contains("sync/couple"))
        let data = try PlanJSON.encode(outcome.plan)
        #expect(try JSONDecoder().decode(Plan.self, from: data) == outcome.plan)
    }

    @Test("progress counts a failed asset's variants as done when it ends, so both counts reach their totals")
    func progressReachesTotals() async throws {
        // The missing file fails before any variant is decided.
        let manifest = CampaignManifest(
            campaign: "p", cloudName: "demo", policy: CampaignPolicy(requireApproved: false),
            placements: [Placement(name: "card", aspectRatio: "1:1", widths: [100, 200], formats: ["jpeg"]),
                         Placement(name: "wide", aspectRatio: "16:9", widths: [300], formats: ["jpeg"])],
            assets: [CampaignAsset(publicId: "p/astronaut", path: Self.astronaut),
                     CampaignAsset(publicId: "p/missing", path: "/nonexistent/missing.jpg")])
        var options = PlanOptions()
        options.decisions = .fixedQuality
        options.jobs = 1
        let seen = Seen()
        let outcome = try await Engine().plan(manifest, baseDirectory: "/", options: options) { seen.add($0) }
        let calls = seen.calls
        #expect(calls.allSatisfy { $0.variantsTotal == 6 && $0.total == 2 })
        let ends = calls.filter { $0.event == .asset }
        #expect(ends.map(\.assetID).sorted() == ["p/astronaut", "p/missing"])
        #expect(ends.first { $0.assetID == "p/missing" }?.failed == true)
        #expect(ends.first { $0.assetID == "p/astronaut" }?.failed == false)
        #expect(calls.last?.variantsDone == 6 && calls.last?.completed == 2)
        // Variant calls only for the asset that was read, one per width.
        let variantCalls = calls.filter { $0.event == .variant }
        #expect(variantCalls.count == 3 && variantCalls.allSatisfy { $0.assetID == "p/astronaut" })
        #expect(variantCalls.map(\.variantsDone) == [1, 2, 3] || variantCalls.map(\.variantsDone) == [4, 5, 6])
        #expect(outcome.plan.assets.first { $0.publicId == "p/astronaut" }?.placements.flatMap(\.variants).count == 3)
    }

    @Test("the sample campaign's manifest loads, and a bad one throws ManifestError with paths")
    func manifests() throws {
        let manifest = try CampaignManifest.load(path: Self.root.appendingPathComponent("TestImages/campaign/campaign.yaml").path)
        #expect(manifest.assets.count >= 10)
        do {
            _ = try CampaignManifest.parse(Data(#"{"campaign": "x", "cloudName": "demo", "placements": [], "assets": []}"#.utf8),
                                           file: "x.json", yaml: false)
            Issue.record("accepted")
        } catch let error as ManifestError {
            #expect(error.issues.map(\.path) == ["placements", "assets"])
        }
    }

    @Test("an asset given as Cloudinary resource JSON: stored faces, g_custom, and Contentstack field values")
    func cloudinaryResourceToContentstack() async throws {
        // The shape the Admin API returns for GET resources/image/upload/:public_id (see
        // Tests/VariantEngineTests/Fixtures/cloudinary/SOURCES.md), as the sync tool receives it.
        let json = #"""
            {"asset_id": "b1c2d3", "public_id": "sync/couple", "resource_type": "image", "type": "upload", "format": "jpg",
             "version": 1700000000, "width": 800, "height": 600, "tags": ["sync"],
             "context": {"custom": {"alt": "Two people at a bar", "approved": "true"}},
             "metadata": {"rights_expiry": "2030-01-01", "regions": ["EU"]},
             "coordinates": {"faces": [[371, 112, 123, 123], [256, 127, 137, 137]], "custom": [[600, 300, 150, 150]]}}
            """#
        let resource = try CloudinaryResource(json: Data(json.utf8))
        let engine = Engine()
        let resolver = try await engine.gravityResolver(Self.couple, cloudinary: resource)
        let custom = try Transformation(parsing: "c_crop,g_custom").geometry(source: Size(800, 600), resolver: resolver)
        #expect(custom.crop == Rect(x: 600, y: 300, width: 150, height: 150))

        let manifest = CampaignManifest(
            campaign: "sync", cloudName: "demo", policy: CampaignPolicy(asOf: "2026-01-01", regions: ["EU"]),
            placements: [Placement(name: "square", aspectRatio: "1:1", widths: [180], formats: ["jpeg"], upscale: .allow)],
            assets: [CampaignAsset(cloudinary: resource, path: Self.couple)])
        var options = PlanOptions()
        options.decisions = .fixedQuality
        let plan = try await engine.plan(manifest, baseDirectory: "/", options: options).plan
        #expect(plan.passed, "approved in context, licensed for EU, rights until 2030")
        let asset = try #require(plan.assets.first)
        #expect(asset.alt == "Two people at a bar" && asset.approval == "approved")
        let crop = try #require(asset.placements.first?.crop)
        // Without the custom area the square sits at x 85 (faces and saliency); with it, it moves right to hold it.
        #expect(crop.x <= 256 && crop.x + crop.width >= 750, "the square holds both faces and the custom area: \(crop)")
        #expect(asset.placements.first?.facesKept == 2)

        let values = engine.fieldValues(plan, format: .contentstackCustom)
        let field = try #require(values.fields["sync/couple"]?["square"])
        #expect(field["id"] == .string("b1c2d3") && field["public_id"] == .string("sync/couple"))
        let derived = try DeliveryURL(parsing: try #require(field["derived"]?.arrayValue?.first?["secure_url"]?.stringValue))
        #expect(derived.publicId == "sync/couple" && derived.version == "1700000000")
        #expect(Transformation.validate(try #require(derived.transformation)).isValid)
        let original = try DeliveryURL(parsing: try #require(field["secure_url"]?.stringValue))
        #expect(original.format == "jpg" && original.transformation == nil)
        #expect(engine.fieldValues(plan, format: .url).fields["sync/couple"]?["square"] == .string(derived.absoluteString))
    }

    @Test("cancelling a plan stops it with CancellationError")
    func cancellation() async throws {
        let manifest = CampaignManifest(
            campaign: "cancel", cloudName: "demo",
            placements: [Placement(name: "p", aspectRatio: "1:1", widths: [100, 200, 300, 400], formats: ["jpeg"], upscale: .allow)],
            assets: (0..<12).map { CampaignAsset(publicId: "c/\($0)", path: $0 % 2 == 0 ? Self.astronaut : Self.couple, approval: "approved") })
        var options = PlanOptions()
        options.decisions = .fixedQuality
        options.jobs = 1
        let task = Task { try await Engine().plan(manifest, baseDirectory: "/", options: options) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }

        // Cancelled mid-run, when the first asset is finished: the plan stops between assets
        // rather than running to its end (the cancel above is caught before any work).
        final class Box: @unchecked Sendable {
            private let lock = NSLock()
            private var task: Task<PlanOutcome, Error>?
            private var cancelAsked = false
            private(set) var assetsFinished = 0
            /// An asset finished: cancel the plan (or have ``hold(_:)`` cancel it, if the
            /// handle is not stored yet).
            func assetFinished() {
                let task = lock.withLock { () -> Task<PlanOutcome, Error>? in
                    assetsFinished += 1
                    cancelAsked = true
                    return self.task
                }
                task?.cancel()
            }
            func hold(_ task: Task<PlanOutcome, Error>) {
                if lock.withLock({ () -> Bool in self.task = task; return cancelAsked }) { task.cancel() }
            }
            var finished: Int { lock.withLock { assetsFinished } }
        }
        let box = Box()
        let running = Task {
            try await Engine().plan(manifest, baseDirectory: "/", options: options) { progress in
                if progress.event == .asset { box.assetFinished() }
            }
        }
        box.hold(running)
        await #expect(throws: CancellationError.self) { try await running.value }
        let finished = box.finished
        #expect(finished >= 1 && finished < 12, "\(finished) of 12 assets finished after the cancel")
    }

    /// A render that takes seconds (four full-size blurs of a 20-megapixel photo) stops at
    /// libvips's next tile when its task is cancelled; it used to run to its end and return.
    /// The cancel comes from a thread of its own: the test suite keeps the cooperative pool busy.
    @Test("cancelling a render stops it mid-way with CancellationError")
    func cancelRender() async throws {
        let large = Self.root.appendingPathComponent("TestImages/animal-bird-trunk-large.jpg").path
        let task = Task { try await Engine().render(large, transformation: "e_blur:300/e_blur:300/e_blur:300/e_blur:300/f_jpg") }
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.2)
            task.cancel()
        }
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }

    /// A sync tool that starts an operation per asset at once: they take turns
    /// (Engine.concurrentOperations), all finish, and give what one alone gives.
    @Test("twenty renders started at once all finish, each as a render alone")
    func manyAtOnce() async throws {
        #expect(Engine.concurrentOperations >= 1)
        let engine = Engine()
        let alone = try await engine.render(Self.astronaut, transformation: "c_fill,w_96,h_96/f_png").data
        let results = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<20 {
                group.addTask { try await engine.render(Self.astronaut, transformation: "c_fill,w_96,h_96/f_png").data }
            }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(results.count == 20 && results.allSatisfy { $0 == alone })
    }

    /// Found by a QA pass through the library: a stored analysis read back damaged, NaN in the
    /// smart-crop or analysis options, and an AVIF effort out of range each ended the process or
    /// failed every variant one by one. Each is now an `invalidArgument` error up front.
    @Test("a damaged stored analysis and options without meaning are errors, never traps")
    func optionsAndStoredAnalysesAreChecked() async throws {
        let engine = Engine()
        let analysis = try await engine.analyze(Self.couple)
        func damaged(_ change: (inout [String: Any]) -> Void) throws -> ImageAnalysis {
            var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(analysis)) as? [String: Any])
            change(&object)
            return try JSONDecoder().decode(ImageAnalysis.self, from: JSONSerialization.data(withJSONObject: object))
        }
        let stored = [
            try damaged { $0["width"] = 0; $0["height"] = 0 },
            try damaged { $0["saliency"] = ["width": 0, "height": 0, "values": ""] },
            try damaged { $0["faces"] = [["box": ["x": Int.min, "y": 0, "width": 10, "height": 10], "confidence": 1, "detector": "given"]] },
            try damaged { $0["width"] = -100 },
        ]
        for bad in stored {
            let error = #expect(throws: EngineError.self) { try engine.crops(from: bad, aspectRatios: ["1:1"]) }
            #expect(error?.code == .invalidArgument && error?.message.hasPrefix("the analysis cannot be cropped: ") == true,
                    "\(String(describing: error))")
        }
        #expect(try engine.crops(from: try damaged { _ in }, aspectRatios: ["1:1"]) == engine.crops(from: analysis, aspectRatios: ["1:1"]))
        // A resolver over a damaged analysis places no window (the render does not trap): the
        // crop is left unresolved and said so.
        let rendered = try await engine.render(Self.couple, transformation: "c_fill,g_auto,w_200,h_200/f_jpg",
                                               resolver: AnalysisGravityResolver(stored[2]))
        #expect(rendered.width == 200 && rendered.crop == nil && rendered.notes.contains { $0.contains("crop-unresolved") },
                "\(String(describing: rendered.crop)) \(rendered.notes)")
        // The engine's own analysis of a face clipped at the right edge put the focal point a
        // pixel outside the image, which check() then refused (found in review).
        let edge = try await engine.analyze(Self.couple, knownFaces: [SourceRect(x: analysis.width - 1, y: 10, width: 50, height: 50)])
        #expect(edge.focalPoint.x < edge.width)
        #expect(throws: Never.self) { try engine.crops(from: edge, aspectRatios: ["1:1"]) }

        var nanBand = SmartCropOptions()
        nanBand.edgeBand = .nan
        var nanReward = SmartCropOptions()
        nanReward.faceReward = .nan
        let good = CampaignManifest(
            campaign: "code", cloudName: "demo",
            placements: [Placement(name: "card", aspectRatio: "1:1", widths: [100], formats: ["webp"])],
            assets: [CampaignAsset(publicId: "code/a", path: Self.astronaut, approval: "approved")])
        for options in [nanBand, nanReward, SmartCropOptions(zoom: .infinity), SmartCropOptions(zoom: 1e300)] {
            await #expect(throws: EngineError.self) { try await Engine(smartCropOptions: options).crops(Self.couple, aspectRatios: ["1:1"]) }
            await #expect(throws: EngineError.self) { try await Engine(smartCropOptions: options).plan(good, baseDirectory: "/") }
        }
        var tilted = AnalysisOptions()
        tilted.faces.tiltedMinShare = .nan
        var angles = AnalysisOptions()
        angles.faces.tiltAngles = [.infinity]
        var colours = AnalysisOptions()
        colours.dominantColorCount = .max
        var faceSize = AnalysisOptions()
        faceSize.faces.minFaceSize = .max
        for options in [tilted, angles, colours, faceSize] {
            let error = await #expect(throws: EngineError.self) { try await Engine(analysisOptions: options).analyze(Self.couple) }
            #expect(error?.code == .invalidArgument)
        }
        var effort = PlanOptions()
        effort.avifEffort = 10
        await #expect(throws: EngineError.self) { try await engine.plan(good, baseDirectory: "/", options: effort) }
        #expect(throws: EngineError.self) { try SaliencyMap(width: 2, height: 2, values: []) }
    }

    /// Found by using the library as a sync tool would (a QA pass on the public API).
    @Test("render resolves g_auto and faces as the CLI does; bad input is an error, never a trap")
    func libraryFindings() async throws {
        let engine = Engine()
        // g_auto rendered as g_center (no resolver was made); the CLI's render analysed.
        let rendered = try await engine.render(Self.couple, transformation: "c_fill,g_auto,w_400,h_400/f_jpg,q_80")
        let centred = try await engine.render(Self.couple, transformation: "c_fill,g_center,w_400,h_400/f_jpg,q_80")
        let crop = try #require(rendered.crop)
        let square = try await engine.crops(Self.couple, aspectRatios: ["1:1"])[0]
        #expect(crop == [square.rect.x, square.rect.y, square.rect.width, square.rect.height], "\(crop) \(square)")
        #expect(rendered.crop != centred.crop)

        // optimize decides f_ and q_ itself: a transformation carrying them is refused (they were
        // silently replaced), and its g_auto is resolved like render's.
        let carried = await #expect(throws: EngineError.self) {
            try await engine.optimize(Self.couple, transformation: "c_scale,w_200/f_png,q_10", formats: [.webp])
        }
        #expect(carried?.message.contains("f_png, q_10") == true, "\(carried?.message ?? "")")

        // A manifest built in code is checked like a loaded one (a ratio that does not parse trapped).
        let manifest = CampaignManifest(
            campaign: "code", cloudName: "demo",
            placements: [Placement(name: "card", aspectRatio: "wide", widths: [200], formats: ["webp"])],
            assets: [CampaignAsset(publicId: "code/a", path: Self.astronaut, approval: "approved")])
        await #expect(throws: ManifestError.self) { try await engine.plan(manifest, baseDirectory: "/") }
        // And before any planning, naming the manifest as the caller does (found in the API
        // review: the only way was to encode it and parse it back).
        let invalid = #expect(throws: ManifestError.self) { try manifest.validate(file: "summer (sync tool)") }
        #expect(invalid?.description.hasPrefix("summer (sync tool): placements[0].aspectRatio: ") == true, "\(String(describing: invalid))")
        var dated = PlanOptions()
        dated.asOf = "tomorrow"
        let good = CampaignManifest(
            campaign: "code", cloudName: "demo",
            placements: [Placement(name: "card", aspectRatio: "1:1", widths: [100], formats: ["webp"])],
            assets: [CampaignAsset(publicId: "code/a", path: Self.astronaut, approval: "approved")])
        await #expect(throws: EngineError.self) { try await engine.plan(good, baseDirectory: "/", options: dated) }
        var none = PlanOptions()
        none.jobs = 0
        await #expect(throws: EngineError.self) { try await engine.plan(good, baseDirectory: "/", options: none) }

        // Faces near Int.max (hostile stored coordinates) overflowed the rectangle arithmetic.
        // (Such a box is outside the image, which is now an error rather than a silent drop.)
        let huge = [SourceRect(x: Int.max - 5, y: 0, width: Int.max, height: 10)]
        await #expect(throws: EngineError.self) { try await engine.crops(Self.couple, aspectRatios: ["1:1"], knownFaces: huge) }
        let resource = try CloudinaryResource(json: Data(#"{"public_id": "x", "width": 800, "height": 600, "coordinates": {"faces": [[9223372036854775000, 0, 1000, 10]]}}"#.utf8))
        _ = try await engine.gravityResolver(Self.couple, cloudinary: resource)

        // A face search whose windows never grow ran until memory ran out.
        var options = AnalysisOptions()
        options.faces.scaleFactor = 1.0
        let refused = await #expect(throws: EngineError.self) { try await Engine(analysisOptions: options).analyze(Self.couple) }
        #expect(refused?.code == .invalidArgument)
        // Found in the API review: plan took such options and failed every asset one by one, and
        // a shard past its count planned nothing and passed.
        await #expect(throws: EngineError.self) { try await Engine(analysisOptions: options).plan(good, baseDirectory: "/") }
        var outside = PlanOptions()
        outside.shard = PlanShard(index: 5, count: 3)
        await #expect(throws: EngineError.self) { try await engine.plan(good, baseDirectory: "/", options: outside) }
        // A variant under 8×8 is an EngineError with its own code, naming the file (it was the
        // metric's error, naming nothing).
        let tiny = await #expect(throws: EngineError.self) {
            try await engine.optimize(Self.couple, transformation: "c_scale,w_6,h_4", formats: [.webp])
        }
        #expect(tiny?.code == .tooSmallToScore && tiny?.description.contains(Self.couple) == true, "\(String(describing: tiny))")
        // Logs say what happened for the string and URL errors too.
        #expect(throws: DeliveryURLError.self) { try DeliveryURL(parsing: "not a url") }
        do {
            _ = try DeliveryURL(parsing: "not a url")
        } catch {
            #expect(!error.localizedDescription.contains("could not be completed"), "\(error.localizedDescription)")
        }

        // VipsError is reachable with `import VariantEngine` alone, and logs say what happened.
        do {
            _ = try await engine.analyze("/nonexistent/photo.jpg")
            Issue.record("a missing file was analysed")
        } catch let error as VipsError {
            #expect(error.localizedDescription.contains("/nonexistent/photo.jpg"), "\(error.localizedDescription)")
        }
    }
}
