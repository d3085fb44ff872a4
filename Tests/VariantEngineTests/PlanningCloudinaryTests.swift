import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine

/// Cloudinary resource JSON in (coordinates, size check, policy), Contentstack field values out.
/// Fixtures: Fixtures/cloudinary (SOURCES.md names the documentation page each follows).
@Suite("Planning: Cloudinary resources in, Contentstack field values out")
struct PlanningCloudinaryTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cloudinary")

    static func resource(_ name: String) throws -> CloudinaryResource {
        try CloudinaryResource(json: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func image(_ name: String) -> String { PlanningFixture.testImages.appendingPathComponent(name).path }

    static let placements = [
        PlanningFixture.placement("desktop", "16:9", [320], formats: ["jpeg"]),
        PlanningFixture.placement("story", "9:16", [180], formats: ["jpeg"]),
        PlanningFixture.placement("square", "1:1", [200], formats: ["jpeg"]),
    ]

    static func manifest(_ assets: [CampaignAsset], policy: CampaignPolicy? = nil) -> CampaignManifest {
        CampaignManifest(campaign: "t", cloudName: "demo", policy: policy, placements: placements, assets: assets)
    }

    static func plan(_ manifest: CampaignManifest, options: PlanOptions = PlanningFixture.options()) async throws -> Plan {
        try await Engine().plan(manifest, baseDirectory: "/", options: options).plan
    }

    static func crop(_ asset: PlannedAsset?, _ placement: String) throws -> SourceRect {
        let rect = try #require(asset?.placements.first { $0.placement == placement }).crop
        return SourceRect(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
    }

    @Test("the sample campaign loads; its inline resources are the fixture files; publicId comes from public_id")
    func fixturesLoad() throws {
        let manifest = try CampaignManifest.load(path: Self.fixtures.appendingPathComponent("campaign.json").path)
        let files = ["admin-api-couple-bar.json", "admin-api-lake-boats.json", "admin-api-pool-orientation-6.json",
                     "media-library-widget-astronaut.json"]
        #expect(manifest.assets.count == files.count)
        for (asset, file) in zip(manifest.assets, files) {
            let resource = try Self.resource(file)
            #expect(asset.cloudinary == resource, "\(file)")
            #expect(asset.publicId == resource.publicId)
        }
        let couple = try Self.resource("admin-api-couple-bar.json")
        #expect(couple.version == "1719304854" && couple.format == "jpg" && couple.width == 800 && couple.height == 600)
        #expect(couple.context["alt"] == "Two people laughing at a bar")
        #expect(couple.faceCoordinates?.count == 2)
        #expect(try Self.resource("admin-api-lake-boats.json").customCoordinates == [SourceRect(x: 40, y: 500, width: 400, height: 400)])
    }

    @Test("stored custom coordinates pull the crops onto the focus area (and leave the analysis cache valid)")
    func customCoordinatesMoveCrops() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("variant-cloudinary-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: cache) }
        let path = Self.image("landscape-lake-boats.jpg")
        let resource = try Self.resource("admin-api-lake-boats.json")
        let focus = SourceRect(x: 40, y: 500, width: 400, height: 400)

        let without = try await Engine().plan(Self.manifest([CampaignAsset(publicId: "summer-2026/lake-boats", path: path,
                                                                           approval: "approved")]),
                                              baseDirectory: "/", options: PlanningFixture.options(cache: cache))
        let with = try await Engine().plan(Self.manifest([CampaignAsset(cloudinary: resource, path: path)]),
                                           baseDirectory: "/", options: PlanningFixture.options(cache: cache))
        // The stored area is not a pixel fact: the analysis is reused, the crops are not.
        #expect(with.statistics.analysesCached == 1 && with.statistics.analysesComputed == 0)
        for placement in ["story", "square"] {
            let before = try Self.crop(without.plan.assets.first, placement)
            let after = try Self.crop(with.plan.assets.first, placement)
            #expect(!before.contains(focus), "\(placement): the saliency crop alone \(before) already held the focus area")
            #expect(after.contains(focus), "\(placement): \(after) does not hold \(focus)")
            #expect(after.width == before.width && after.height == before.height)
        }
        let planned = try #require(with.plan.assets.first?.cloudinary)
        #expect(planned.storedCustom == [PlannedRect(x: 40, y: 500, width: 400, height: 400)])
        #expect(planned.coordinateFrame == "stored")
        // The focal point a CMS stores is the custom area's centre, as Cloudinary's gravity
        // follows it (found in QA: it was the saliency's, wherever the custom area was).
        #expect(with.plan.assets.first?.focalPoint == PlannedFocalPoint(x: 240, y: 700, weight: 1, origin: "custom"))
        #expect(without.plan.assets.first?.focalPoint?.origin != "custom")
    }

    @Test("coordinates in the stored frame are mapped through EXIF orientation 6 and agree with detection")
    func orientationSix() async throws {
        let plan = try await Self.plan(Self.manifest([
            CampaignAsset(cloudinary: try Self.resource("admin-api-pool-orientation-6.json"),
                          path: Self.image("people-pool-exif-orientation-6.jpg")),
        ]))
        let asset = try #require(plan.assets.first)
        let planned = try #require(asset.cloudinary)
        #expect(planned.orientation == 6)
        #expect(planned.coordinateFrame == "stored")
        // Stored [263, 381, 55, 55] in the 800×600 stored image is (164, 263) upright: where our detector finds the face.
        #expect(planned.storedFaces == [PlannedRect(x: 164, y: 263, width: 55, height: 55)])
        #expect(planned.storedCustom == [PlannedRect(x: 500, y: 0, width: 100, height: 200)])
        #expect(planned.faceMatches.count == 1 && (planned.faceMatches.first?.iou ?? 0) > 0.8)
        #expect(!asset.violations.contains { $0.code == "faces-disagree" || $0.code == "cloudinary-size-mismatch" })
        let custom = SourceRect(x: 500, y: 0, width: 100, height: 200)
        for placement in ["story", "square"] {
            #expect(try Self.crop(asset, placement).contains(custom), "\(placement)")
        }
    }

    @Test("orientation mapping, table-driven: a 4×3 stored image and a 1×1 box in each corner")
    func orientationTable() {
        // Where the stored top-left pixel (0,0) lands upright, per EXIF orientation
        // (TIFF/EXIF: 0th row/column are top/left for 1, right/top for 6, left/bottom for 8 ...).
        let topLeft: [Int: (Int, Int)] = [1: (0, 0), 2: (3, 0), 3: (3, 2), 4: (0, 2), 5: (0, 0), 6: (2, 0), 7: (2, 3), 8: (0, 3)]
        for (orientation, expected) in topLeft {
            let box = CloudinaryResource.upright(SourceRect(x: 0, y: 0, width: 1, height: 1), storedWidth: 4, storedHeight: 3,
                                                 orientation: orientation)
            #expect(box.x == expected.0 && box.y == expected.1, "orientation \(orientation): \(box)")
        }
        // A 2×1 box swaps sides for 5...8 and stays inside the upright image.
        for orientation in 1...8 {
            let box = CloudinaryResource.upright(SourceRect(x: 1, y: 1, width: 2, height: 1), storedWidth: 4, storedHeight: 3,
                                                 orientation: orientation)
            let upright = orientation >= 5 ? SourceRect(x: 0, y: 0, width: 3, height: 4) : SourceRect(x: 0, y: 0, width: 4, height: 3)
            #expect(upright.contains(box), "orientation \(orientation): \(box)")
            #expect(orientation >= 5 ? (box.width, box.height) == (1, 2) : (box.width, box.height) == (2, 1))
        }
    }

    @Test("a resource whose size matches neither the stored nor the oriented file is another image: error, no coordinates")
    func sizeMismatch() async throws {
        let couple = try Self.resource("admin-api-couple-bar.json")
        let plan = try await Self.plan(Self.manifest([CampaignAsset(cloudinary: couple, path: Self.image("people-astronaut.jpg"))]))
        let asset = try #require(plan.assets.first)
        let mismatch = try #require(asset.violations.first { $0.code == "cloudinary-size-mismatch" })
        #expect(mismatch.severity == .error)
        #expect(mismatch.message.contains("800×600") && mismatch.message.contains("512×512"))
        #expect(asset.cloudinary?.storedFaces == nil)
        #expect(!plan.passed)

        // The oriented size also identifies the file (the resource described the upright image).
        var upright = try Self.resource("admin-api-pool-orientation-6.json")
        upright.raw = upright.raw.setting("width", to: .int(600)).setting("height", to: .int(800))
            .setting("coordinates", to: .object(["faces": .array([.array([164, 263, 55, 55].map(JSONValue.int))])]))
        let regions = upright.regions(uprightWidth: 600, uprightHeight: 800, orientation: 6)
        #expect(regions.mismatch == nil && regions.frame == "upright")
        #expect(regions.faces == [SourceRect(x: 164, y: 263, width: 55, height: 55)])
        // One side alone is checked as far as it goes (found in QA: a width that fitted neither
        // frame passed when the height was missing).
        var oneSide = upright
        oneSide.raw = upright.raw.setting("height", to: .null).setting("width", to: .int(999))
        #expect(oneSide.regions(uprightWidth: 600, uprightHeight: 800, orientation: 6).mismatch?.contains("is 999×?") == true)
        oneSide.raw = upright.raw.setting("height", to: .null).setting("width", to: .int(600))
        #expect(oneSide.regions(uprightWidth: 600, uprightHeight: 800, orientation: 6).frame == "upright")
        oneSide.raw = upright.raw.setting("height", to: .null).setting("width", to: .int(800))
        #expect(oneSide.regions(uprightWidth: 600, uprightHeight: 800, orientation: 6).frame == "stored")
    }

    /// A stored face wholly outside the image was dropped without a word.
    @Test("stored coordinates wholly outside the image are ignored with a warning that names them")
    func regionsOutside() async throws {
        var couple = try Self.resource("admin-api-couple-bar.json")
        couple.raw = couple.raw.setting("coordinates", to: .object(["faces": .array([
            .array([371, 112, 123, 123].map(JSONValue.int)), .array([10000, 10000, 50, 50].map(JSONValue.int)),
        ])]))
        let regions = couple.regions(uprightWidth: 800, uprightHeight: 600, orientation: 1)
        #expect(regions.faces == [SourceRect(x: 371, y: 112, width: 123, height: 123)])
        #expect(regions.outside == [SourceRect(x: 10000, y: 10000, width: 50, height: 50)])
        let plan = try await Self.plan(Self.manifest([CampaignAsset(cloudinary: couple, path: Self.image("people-couple-bar.jpg"))]))
        let asset = try #require(plan.assets.first)
        let warning = try #require(asset.violations.first { $0.code == "cloudinary-region-outside" }, "\(asset.violations)")
        #expect(warning.severity == .warning)
        #expect(warning.message == "stored coordinates [10000, 10000, 50, 50] lie outside the 800×600 image (stored pixels): ignored")
        // A box that overlaps the image's edge is clipped, not reported.
        couple.raw = couple.raw.setting("coordinates", to: .object(["faces": .array([.array([790, 590, 50, 50].map(JSONValue.int))])]))
        let edge = couple.regions(uprightWidth: 800, uprightHeight: 600, orientation: 1)
        #expect(edge.outside.isEmpty && edge.faces == [SourceRect(x: 790, y: 590, width: 10, height: 10)])
    }

    @Test("stored faces that our detector does not find (and the reverse) are reported; the crop still respects them")
    func facesDisagree() async throws {
        var couple = try Self.resource("admin-api-couple-bar.json")
        // One stored face is far from any detected one; one detected face is not stored.
        couple.raw = couple.raw.setting("coordinates", to: .object(["faces": .array([
            .array([371, 112, 123, 123].map(JSONValue.int)), .array([640, 60, 90, 90].map(JSONValue.int)),
        ])]))
        let plan = try await Self.plan(Self.manifest([CampaignAsset(cloudinary: couple, path: Self.image("people-couple-bar.jpg"))]))
        let asset = try #require(plan.assets.first)
        let warning = try #require(asset.violations.first { $0.code == "faces-disagree" })
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("Cloudinary stores 1 face(s) our detector does not find (90×90 at 640,60)"))
        #expect(warning.message.contains("we detect 1 face(s) Cloudinary does not store"))
        #expect(asset.cloudinary?.faceMatches.map(\.stored) == [0])
        // The 16:9 crop (the whole width) keeps the stored face whole.
        #expect(try Self.crop(asset, "desktop").contains(SourceRect(x: 640, y: 60, width: 90, height: 90)))
        // The focal point weighs the stored faces with the detected ones left unmatched: it
        // moves from the detected faces' centre toward the stored face at 640,60.
        let detectedOnly = try #require(try await Self.plan(Self.manifest([
            CampaignAsset(publicId: "a/couple", path: Self.image("people-couple-bar.jpg"), approval: "approved")])).assets.first)
        let merged = try #require(asset.focalPoint), detected = try #require(detectedOnly.focalPoint)
        #expect(merged.origin == "face" && detected.origin == "face")
        #expect(abs(merged.x - 685) < abs(detected.x - 685), "\(merged) against \(detected)")
    }

    /// Found in review: a public id whose first folder reads as a version (`v2/hero`) got URLs
    /// without `v1`, which Cloudinary reads as version 2 of `hero`, signed over the wrong id.
    @Test func aFolderThatReadsAsAVersionIsPinned() async throws {
        var options = PlanningFixture.options()
        options.apiSecret = "S3cret"
        let assets = ["v2/hero", "v2hero/a", "qa/a"].map {
            CampaignAsset(publicId: $0, path: Self.image("people-couple-bar.jpg"), approval: "approved", placements: ["square"])
        }
        let plan = try await Self.plan(Self.manifest(assets), options: options)
        for asset in plan.assets {
            let variant = try #require(asset.placements.first?.variants.first)
            for url in [variant.url, variant.autoUrl, try #require(asset.originalUrl)] {
                let parsed = try DeliveryURL(parsing: url)
                #expect(parsed.publicId == asset.publicId, "\(url)")
                #expect(parsed.version == "1", "\(url)")
                #expect(parsed.signature != nil, "\(url)")
            }
        }
        #expect(AssetPlanner.versionForFolderLikeAVersion("v2") == nil)
        #expect(AssetPlanner.versionForFolderLikeAVersion("v/x") == nil)
        #expect(AssetPlanner.versionForFolderLikeAVersion("v12/x/y") == "1")
    }

    /// Found in review: a tag the manifest gives blocked the asset only when it also had
    /// Cloudinary's data, so a blocked asset without it passed the gate with exit 0.
    @Test func aManifestTagIsBlockedWithoutCloudinaryData() async throws {
        let asset = CampaignAsset(publicId: "qa/a", path: Self.image("people-couple-bar.jpg"), approval: "approved",
                                  tags: ["summer", "archive"], placements: ["square"])
        let plan = try await Self.plan(Self.manifest([asset], policy: CampaignPolicy(blockedTags: ["archive"])))
        let violations = try #require(plan.assets.first).violations
        #expect(violations.map { "\($0.code) \($0.severity)" } == ["blocked-tag error"])
        #expect(violations.first?.message == "the asset is tagged 'archive', which the policy blocks")
        #expect(!plan.passed)
    }

    /// Found in the diff review of that fix: a swapped override (another picture) was blocked by
    /// the base asset's Cloudinary tags; the manifest's and Cloudinary's tags gave two
    /// violations; a region in another case was not licensed.
    @Test func blockedTagsOnceAndOnlyTheAssetsOwnRegionsInAnyCase() async throws {
        var asset = CampaignAsset(cloudinary: try Self.resource("media-library-widget-astronaut.json"),
                                  path: Self.image("people-astronaut.jpg"), placements: ["square"])
        asset.tags = ["legal-hold"]
        asset.overrides = [AssetOverride(region: "APAC", publicId: "apac/hero", path: Self.image("people-couple-bar.jpg")),
                           AssetOverride(region: "na", text: TextOverlay(text: "Hi"), alt: "An astronaut, in North America")]
        let policy = CampaignPolicy(asOf: "2025-01-01", regions: ["NA"], blockedTags: ["archive", "legal-hold"])
        let plan = try await Self.plan(Self.manifest([asset], policy: policy))
        func violations(_ id: String) -> [String] {
            plan.assets.first { $0.id == id }?.violations.map { "\($0.code): \($0.message)" } ?? ["missing \(id)"]
        }
        #expect(violations("summer-2026/astronaut") == ["blocked-tag: the asset is tagged 'archive', 'legal-hold', which the policy blocks"])
        // The swap carries the manifest's tags (the entry's), not the base picture's Cloudinary
        // ones; nor its approval (so it is pending, and the policy requires approval) or alt text.
        #expect(violations("summer-2026/astronaut@APAC") == [
            "not-approved: the asset is pending, and the policy requires approved assets",
            "blocked-tag: the asset is tagged 'legal-hold', which the policy blocks",
        ])
        let swap = try #require(plan.assets.first { $0.id == "summer-2026/astronaut@APAC" })
        #expect(swap.approval == "pending" && swap.alt == nil)
        #expect(plan.assets.first { $0.id == "summer-2026/astronaut@na" }?.approval == "approved")
        // An override's own alt text (a locale's words; a swap's only way to have one).
        #expect(plan.assets.first { $0.id == "summer-2026/astronaut@na" }?.alt == "An astronaut, in North America")
        #expect(plan.assets.first { $0.id == "summer-2026/astronaut" }?.alt == "An astronaut in a white suit")
        #expect(violations("summer-2026/astronaut@na") == ["blocked-tag: the asset is tagged 'archive', 'legal-hold', which the policy blocks"])
    }

    @Test("policy reads tags, context and metadata: approval, blocked tags, rights expiry, regions")
    func policy() async throws {
        let astronaut = try Self.resource("media-library-widget-astronaut.json")
        let lake = try Self.resource("admin-api-lake-boats.json")
        func codes(_ plan: Plan, _ id: String) -> [String] {
            plan.assets.first { $0.id == id }?.violations.map(\.code.rawValue) ?? ["missing \(id)"]
        }
        // Metadata approves the astronaut; context ("approved": "yes") approves the lake.
        var manifest = Self.manifest(
            [CampaignAsset(cloudinary: astronaut, path: Self.image("people-astronaut.jpg")),
             CampaignAsset(cloudinary: lake, path: Self.image("landscape-lake-boats.jpg"), placements: ["square"])],
            policy: CampaignPolicy(asOf: "2026-05-01", regions: ["EU"], blockedTags: ["archive"]))
        var plan = try await Self.plan(manifest)
        // The astronaut's rights expire, so the day they were checked as of is part of the plan.
        #expect(plan.settings?.asOf == "2026-05-01")
        #expect(plan.assets.map(\.approval) == ["approved", "approved"])
        #expect(codes(plan, "summer-2026/astronaut") == ["blocked-tag", "rights-expired", "region-not-licensed"])
        #expect(codes(plan, "summer-2026/lake-boats") == [])
        #expect(plan.assets.first?.alt == "An astronaut in a white suit")
        #expect(plan.assets.first?.tags == ["summer-2026", "archive"])

        // Before the expiry date, no tag blocked, campaign in NA: the astronaut passes.
        manifest.policy = CampaignPolicy(asOf: "2025-12-31", regions: ["NA"], blockedTags: [])
        manifest.assets.removeLast()
        plan = try await Self.plan(manifest)
        #expect(codes(plan, "summer-2026/astronaut") == [])
        #expect(plan.passed)

        // No date at all: the expiry is reported as unchecked, not silently passed.
        manifest.policy = CampaignPolicy(regions: ["NA"])
        plan = try await Self.plan(manifest)
        #expect(plan.assets.first?.violations.map { "\($0.code) \($0.severity)" } == ["rights-unchecked warning"])
        // PlanOptions.asOf wins over the manifest's.
        var options = PlanningFixture.options()
        options.asOf = "2026-01-01"
        #expect(try await Self.plan(manifest, options: options).assets.first?.violations.map(\.code) == ["rights-expired"])

        // A region override is checked against its own region; a rejection in metadata is an error;
        // a manifest approval that contradicts Cloudinary's wins, with a warning.
        var rejected = astronaut
        rejected.raw = rejected.raw.setting("metadata", to: .object(["approval": .string("rejected")]))
        manifest = Self.manifest([
            CampaignAsset(publicId: "summer-2026/astronaut", path: Self.image("people-astronaut.jpg"), placements: ["square"],
                          overrides: [AssetOverride(region: "EU", text: TextOverlay(text: "Hallo"))], cloudinary: astronaut),
            CampaignAsset(publicId: "summer-2026/couple-bar", path: Self.image("people-couple-bar.jpg"), placements: ["square"],
                          cloudinary: {
                              var r = rejected
                              r.raw = r.raw.setting("public_id", to: .string("summer-2026/couple-bar"))
                                  .setting("width", to: .int(800)).setting("height", to: .int(600))
                              return r
                          }()),
        ], policy: CampaignPolicy(asOf: "2025-01-01"))
        manifest.assets[0].approval = "pending"
        plan = try await Self.plan(manifest)
        #expect(codes(plan, "summer-2026/astronaut") == ["not-approved", "approval-disagrees"])
        #expect(codes(plan, "summer-2026/astronaut@EU") == ["not-approved", "approval-disagrees", "region-not-licensed"])
        #expect(codes(plan, "summer-2026/couple-bar") == ["not-approved"])
        #expect(plan.assets.first { $0.id == "summer-2026/couple-bar" }?.approval == "rejected")
    }

    @Test("manifest errors name the file and the JSON path inside the resource")
    func manifestErrors() throws {
        func issues(_ asset: String, policy: String = "{}") -> [String] {
            let text = """
                {"campaign": "c", "cloudName": "demo", "policy": \(policy),
                 "placements": [{"name": "p", "aspectRatio": "1:1", "widths": [100]}],
                 "assets": [\(asset)]}
                """
            do {
                _ = try CampaignManifest.parse(Data(text.utf8), file: "c.json", yaml: false)
                return []
            } catch let error as ManifestError {
                return error.description.split(separator: "\n").map(String.init)
            } catch {
                return ["\(error)"]
            }
        }
        let bad = issues(#"""
            {"path": "x.jpg", "cloudinary": {"public_id": "a/b", "type": "private", "version": "latest", "width": 0,
             "tags": ["ok", 3], "coordinates": {"faces": [[1, 2, 3, 4], [1, 2, 3]], "custom": [[0, 0, -5, 10]]},
             "metadata": {"rights_expiry": "next year"}}}
            """#)
        #expect(bad.contains(#"c.json: assets[0].cloudinary.type: expected "upload" (the manifest's deliveryType) for type but received "private""#))
        #expect(bad.contains(#"c.json: assets[0].cloudinary.version: expected a version number (1719304854) for version but received "latest""#))
        #expect(bad.contains("c.json: assets[0].cloudinary.width: expected a positive integer for width but received 0"))
        #expect(bad.contains("c.json: assets[0].cloudinary.tags[1]: expected a string but received a number"))
        #expect(bad.contains("c.json: assets[0].cloudinary.coordinates.faces[1]: expected [x, y, w, h] (whole pixels, x and y >= 0, w and h > 0, each under 2^31) for coordinates.faces but received [1,2,3]"))
        #expect(bad.contains { $0.hasPrefix("c.json: assets[0].cloudinary.coordinates.custom[0]: expected [x, y, w, h]") })
        #expect(bad.contains(#"c.json: assets[0].cloudinary.metadata.rights_expiry: expected a date YYYY-MM-DD for rights_expiry but received "next year""#))
        #expect(bad.count == 7, "\(bad)")
        // Found in QA: a typo in coordinates and an approval the policy cannot read were silent
        // (the boxes ignored, the asset pending).
        let unread = issues(#"""
            {"path": "x.jpg", "cloudinary": {"public_id": "a/b", "coordinates": {"face": [[1, 2, 3, 4]]},
             "metadata": {"approval": "maybe"}, "context": {"custom": {"approved": "sure"}}}}
            """#)
        #expect(unread == [
            "c.json: assets[0].cloudinary.coordinates.face: unknown key 'face' (Cloudinary's coordinates are 'custom' and 'faces'); did you mean 'faces'?",
            #"c.json: assets[0].cloudinary.metadata.approval: expected an approval state (approved, true, yes or 1; pending, false, no, 0 or in-review; rejected) for approval but received "maybe""#,
            #"c.json: assets[0].cloudinary.context.custom.approved: expected an approval state (approved, true, yes or 1; pending, false, no, 0 or in-review; rejected) for approved but received "sure""#,
        ], "\(unread)")
        #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b", "metadata": {"approval": ["Approved"]}, "context": {"approved": "no"}}}"#) == [])
        // Found in review: a number or true/false (a structured metadata field's, or YAML's yes)
        // was refused though the message lists them; an empty list says nothing.
        for value in ["1", "true", "0", "false", "[]", "[true]", "null", #""""#] {
            #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b", "metadata": {"approval": \#(value)}}}"#) == [], "\(value)")
        }
        #expect(CloudinaryPolicyFacts.approvalText(.int(1)).flatMap(CloudinaryPolicyFacts.approvalState) == "approved")
        #expect(CloudinaryPolicyFacts.approvalText(.bool(false)).flatMap(CloudinaryPolicyFacts.approvalState) == "pending")
        // A null optional key is left out, as elsewhere in the manifest (found in QA: an error).
        #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b", "context": null, "version": null, "format": null, "tags": null, "metadata": null}}"#)
            == [], "nulls")

        #expect(issues(#"{"publicId": "a/c", "path": "x.jpg", "cloudinary": {"public_id": "a/b"}}"#)
            == [#"c.json: assets[0].cloudinary.public_id: expected the asset's publicId 'a/c' for public_id but received "a/b""#])
        #expect(issues(#"{"path": "x.jpg"}"#) == ["c.json: assets[0].publicId: required key 'publicId' is missing"])
        // Found by a QA pass: a negative version went into every URL as /v-3/.
        #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b", "version": -3}}"#)
            == ["c.json: assets[0].cloudinary.version: expected a version number (1719304854) for version but received -3"])
        #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b", "version": 1719304854}}"#).isEmpty)
        #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b"}}"#, policy: #"{"asOf": "May", "cloudinaryKeys": {"aproval": "x"}}"#)
            == ["c.json: policy.cloudinaryKeys.aproval: unknown key 'aproval'; did you mean 'approval'?",
                #"c.json: policy.asOf: expected a date YYYY-MM-DD for asOf but received "May""#])
        #expect(issues(#"{"path": "x.jpg", "cloudinary": {"public_id": "a/b"}}"#, policy: #"{"asOf": "May"}"#)
            == [#"c.json: policy.asOf: expected a date YYYY-MM-DD for asOf but received "May""#])
    }

    @Test("every emitted value round-trips: URLs parse back to the asset, transformations validate, shapes hold their keys")
    func emittedValuesRoundTrip() async throws {
        let manifest = try CampaignManifest.load(path: Self.fixtures.appendingPathComponent("campaign.json").path)
        var options = PlanningFixture.options(jobs: 2)
        options.apiSecret = "secret"
        let plan = try await Engine().plan(manifest, baseDirectory: Self.fixtures.path, options: options).plan
        let engine = Engine()
        let resources = Dictionary(uniqueKeysWithValues: manifest.assets.map { ($0.publicId, $0.cloudinary!) })

        func checkURL(_ text: String?, publicId: String, transformation: String?, format: String?) throws {
            let url = try DeliveryURL(parsing: try #require(text))
            let resource = try #require(resources[publicId])
            #expect(url.cloudName == "demo" && url.resourceType == "image" && url.type == "upload")
            #expect(url.publicId == publicId)
            #expect(url.version == resource.version)
            #expect(url.format == format)
            #expect(url.transformation == transformation)
            #expect(url.verifySignature(apiSecret: "secret"))
            if let transformation {
                let result = Transformation.validate(transformation)
                #expect(result.isValid && result.canonical == transformation, "\(result.diagnostics)")
            }
        }

        let all = engine.fieldValues(plan, format: .contentstackAll)
        let custom = engine.fieldValues(plan, format: .contentstackCustom)
        let urls = engine.fieldValues(plan, format: .url)
        // The astronaut fails three policies: no value is written for it.
        #expect(all.skipped == [.init(asset: "summer-2026/astronaut", placement: nil,
                                      reasons: ["blocked-tag", "rights-expired", "region-not-licensed"])])
        #expect(all.fields.keys.sorted() == ["summer-2026/couple-bar", "summer-2026/lake-boats", "summer-2026/pool"])
        var checked = 0
        for asset in plan.assets where all.fields[asset.id] != nil {
            let resource = try #require(resources[asset.publicId])
            for placement in asset.placements {
                let widest = try #require(placement.variants.last)
                let full = try #require(all.fields[asset.id]?[placement.placement])
                // All fields: every field Cloudinary gave, our URLs, one derived entry.
                for (key, value) in resource.raw.objectValue! where !["url", "secure_url", "derived"].contains(key) {
                    #expect(full[key] == value, "\(key)")
                }
                let derived = try #require(full["derived"]?.arrayValue?.first)
                #expect(full["derived"]?.arrayValue?.count == 1)
                #expect(derived["raw_transformation"]?.stringValue == widest.transformation)
                #expect(derived["secure_url"]?.stringValue == widest.url)
                #expect(derived["url"]?.stringValue == "http://" + widest.url.dropFirst("https://".count))
                try checkURL(full["secure_url"]?.stringValue, publicId: asset.publicId, transformation: nil, format: resource.format)
                try checkURL(derived["secure_url"]?.stringValue, publicId: asset.publicId,
                             transformation: derived["raw_transformation"]?.stringValue, format: nil)

                // Custom fields: exactly the default keys (id, public_id, access_control when Cloudinary has one).
                let short = try #require(custom.fields[asset.id]?[placement.placement]?.objectValue)
                #expect(Set(short.keys) == ["id", "public_id", "secure_url", "derived"])
                #expect(short["id"]?.stringValue == resource.assetId && short["public_id"]?.stringValue == asset.publicId)
                #expect(short["secure_url"] == full["secure_url"])
                #expect(short["derived"] == .array([.object(["secure_url": .string(widest.url)])]))

                #expect(urls.fields[asset.id]?[placement.placement] == .string(widest.url))
                checked += 1
            }
        }
        #expect(checked == 9)
        // Stable bytes: the same plan, the same document.
        #expect(try ContentstackFields.encode(all) == ContentstackFields.encode(engine.fieldValues(plan, format: .contentstackAll)))
        let decoded = try JSONDecoder().decode(ContentstackFields.self, from: ContentstackFields.encode(custom))
        #expect(decoded == custom)
    }

    @Test("access_control is kept in the custom shape; an asset without resource JSON gets a minimal asset object")
    func shapesWithoutAndWithAccessControl() async throws {
        var astronaut = try Self.resource("media-library-widget-astronaut.json")
        astronaut.raw = astronaut.raw.setting("metadata", to: .object(["approval": .string("approved")])).setting("tags", to: .array([]))
        let plan = try await Self.plan(Self.manifest([
            CampaignAsset(cloudinary: astronaut, path: Self.image("people-astronaut.jpg"), placements: ["square"]),
            CampaignAsset(publicId: "plain/couple", path: Self.image("people-couple-bar.jpg"), approval: "approved",
                          alt: "Two people", placements: ["square"]),
        ]))
        #expect(plan.passed)
        let custom = ContentstackFields.values(plan, format: .contentstackCustom)
        let short = try #require(custom.fields["summer-2026/astronaut"]?["square"])
        #expect(short["access_control"] == astronaut.raw["access_control"])
        #expect(short["id"] == nil, "the widget's asset has no asset_id: nothing is invented")
        let plain = try #require(ContentstackFields.values(plan, format: .contentstackAll).fields["plain/couple"]?["square"])
        #expect(plain["public_id"] == .string("plain/couple") && plain["resource_type"] == .string("image"))
        #expect(plain["width"] == .int(800) && plain["context"]?["custom"]?["alt"] == .string("Two people"))
        let url = try DeliveryURL(parsing: try #require(plain["derived"]?.arrayValue?.first?["secure_url"]?.stringValue))
        #expect(url.publicId == "plain/couple" && url.version == "1")
    }

    /// Found in QA: a locale's override of an asset with resource JSON got the base asset's alt
    /// from the resource in the all-fields shape, though the plan has the override's.
    @Test("a locale override's alt is its own in the all-fields shape, the resource's other context kept")
    func overrideAltInAllFields() async throws {
        var astronaut = try Self.resource("media-library-widget-astronaut.json")
        astronaut.raw = astronaut.raw.setting("metadata", to: .object(["approval": .string("approved")])).setting("tags", to: .array([]))
            .setting("context", to: .object(["custom": .object(["alt": .string("English alt"), "caption": .string("kept")])]))
        var asset = CampaignAsset(cloudinary: astronaut, path: Self.image("people-astronaut.jpg"), placements: ["square"])
        asset.overrides = [AssetOverride(locale: "fr-FR", text: TextOverlay(text: "Salut"), alt: "Texte alternatif")]
        let plan = try await Self.plan(Self.manifest([asset]))
        let fields = ContentstackFields.values(plan, format: .contentstackAll).fields
        let french = try #require(fields.first { $0.key.hasSuffix("@fr-FR") }?.value["square"])
        let base = try #require(fields.first { !$0.key.contains("@") }?.value["square"])
        #expect(french["context"]?["custom"]?["alt"] == .string("Texte alternatif"), "\(String(describing: french["context"]))")
        #expect(french["context"]?["custom"]?["caption"] == .string("kept"))
        #expect(base["context"]?["custom"]?["alt"] == .string("English alt"))
    }

    @Test("g_face and g_custom resolve with the stored coordinates")
    func gravityResolver() async throws {
        let engine = Engine()
        let resolver = try await engine.gravityResolver(Self.image("landscape-lake-boats.jpg"),
                                                        cloudinary: try Self.resource("admin-api-lake-boats.json"))
        let crop = try Transformation(parsing: "c_crop,g_custom").geometry(source: Size(2560, 1600), resolver: resolver).crop
        #expect(crop == Rect(x: 40, y: 500, width: 400, height: 400))
        let window = try Transformation(parsing: "c_fill,g_custom,w_300,h_600").geometry(source: Size(2560, 1600), resolver: resolver).crop
        #expect(window.map { $0.x <= 40 && $0.maxX >= 440 } == true, "\(String(describing: window))")

        let pool = try await engine.gravityResolver(Self.image("people-pool-exif-orientation-6.jpg"),
                                                    cloudinary: try Self.resource("admin-api-pool-orientation-6.json"))
        #expect(pool.faces() == [Rect(x: 164, y: 263, width: 55, height: 55)])
        await #expect(throws: EngineError.self) {
            _ = try await engine.gravityResolver(Self.image("people-astronaut.jpg"), cloudinary: try Self.resource("admin-api-couple-bar.json"))
        }
    }
}
