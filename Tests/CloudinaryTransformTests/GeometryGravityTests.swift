import Testing

@testable import CloudinaryTransform

/// Compass gravities with offsets (§3.1), special gravities with boxes and fallbacks (§3.2),
/// g_auto through a resolver (§3.3), zoom (§3.4).
@Suite struct GeometryGravityTests {
    static let square: Size = Size(1000, 1000)
    static let camera: Size = Samples.camera

    /// §3.1 table: a 100×100 crop of 1000×1000 with x_10,y_20 (slack 900); offsets point inward.
    static let compassCases: [GeometryCase] = [
        .init(
            "§3.1 center", square, "c_crop,g_center,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(460, 470, 100, 100)),
        .init(
            "§3.1 north", square, "c_crop,g_north,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(460, 20, 100, 100)),
        .init(
            "§3.1 south", square, "c_crop,g_south,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(460, 880, 100, 100)),
        .init(
            "§3.1 east", square, "c_crop,g_east,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(890, 470, 100, 100)),
        .init(
            "§3.1 west", square, "c_crop,g_west,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(10, 470, 100, 100)),
        .init(
            "§3.1 north_west", square, "c_crop,g_north_west,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(10, 20, 100, 100)),
        .init(
            "§3.1 north_east", square, "c_crop,g_north_east,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(890, 20, 100, 100)),
        .init(
            "§3.1 south_west", square, "c_crop,g_south_west,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(10, 880, 100, 100)),
        .init(
            "§3.1 south_east", square, "c_crop,g_south_east,w_100,h_100,x_10,y_20", output: Size(100, 100),
            crop: Rect(890, 880, 100, 100)),
        // Fractions of the input ("Values between 0.0 and 1.0 indicate a percentage").
        .init(
            "§3.1 fractions", square, "c_crop,g_south_east,w_0.1,h_0.1,x_0.1,y_0.2", output: Size(100, 100),
            crop: Rect(800, 700, 100, 100)),
        .init(
            "§3.1 fractions", square, "c_crop,g_north_west,w_0.1,h_0.1,x_0.25,y_0.5", output: Size(100, 100),
            crop: Rect(250, 500, 100, 100)),
        // Negative offsets move outward; the window is clamped inside (A6).
        .init(
            "§3.1 clamp", square, "c_crop,g_north_west,w_100,h_100,x_5000,y_-30", output: Size(100, 100),
            crop: Rect(900, 0, 100, 100)),
        .init(
            "§3.1 clamp", square, "c_crop,g_east,w_100,h_100,x_-50", output: Size(100, 100),
            crop: Rect(900, 450, 100, 100)),
        // Compass gravities without offsets for fill (window 853×853, slack 427).
        .init(
            "§3.1 fill", camera, "c_fill,g_west,w_100,h_100", output: Size(100, 100),
            crop: Rect(0, 0, 853, 853)),
        .init(
            "§3.1 fill", camera, "c_fill,g_east,w_100,h_100", output: Size(100, 100),
            crop: Rect(427, 0, 853, 853)),
        .init(
            "§3.1 fill", camera, "c_fill,g_south,w_300,h_100", output: Size(300, 100),
            crop: Rect(0, 426, 1280, 427)),
        .init(
            "§3.1 fill", camera, "c_fill,g_north,w_300,h_100", output: Size(300, 100),
            crop: Rect(0, 0, 1280, 427)),
        // A7: x/y are not applied by fill.
        .init(
            "A7", camera, "c_fill,g_west,w_100,h_100,x_50,y_50", output: Size(100, 100),
            crop: Rect(0, 0, 853, 853)),
        // Offsets place the image on pad canvases, inward.
        .init(
            "§3.1 pad", Size(100, 100), "c_lpad,g_south_east,w_300,h_300,x_10,y_20", output: Size(300, 300),
            pad: Insets(left: 190, top: 180, right: 10, bottom: 20)),
        .init(
            "§3.1 pad", Size(100, 100), "c_mpad,g_north,w_300,h_200,y_15", output: Size(300, 200),
            pad: Insets(left: 100, top: 15, right: 100, bottom: 85)),
        .init(
            "§3.1 pad", camera, "c_pad,g_west,w_300,h_100", output: Size(300, 100),
            pad: Insets(left: 0, top: 0, right: 150, bottom: 0)),
        // xy_center: the window centred on the point.
        .init(
            "xy_center", camera, "c_crop,g_xy_center,x_100,y_100,w_100,h_100", output: Size(100, 100),
            crop: Rect(50, 50, 100, 100)),
        .init(
            "xy_center", camera, "c_fill,g_xy_center,x_0,y_0,w_100,h_100", output: Size(100, 100),
            crop: Rect(0, 0, 853, 853)),
    ]

    /// §3.2 with known boxes: the window is centred on the box (largest face, union of faces,
    /// largest custom region) and clamped inside.
    static let boxCases: [GeometryCase] = [
        .init(
            "§3.2 face", camera, "c_crop,g_face,w_100,h_100", output: Size(100, 100),
            crop: Rect(290, 90, 100, 100),
            faces: [Rect(100, 100, 50, 50), Rect(300, 100, 80, 80)]),
        .init(
            "§3.2 faces", camera, "c_crop,g_faces,w_100,h_100", output: Size(100, 100),
            crop: Rect(175, 75, 100, 100),
            faces: [Rect(100, 100, 50, 50), Rect(300, 100, 50, 50)]),
        .init(
            "§3.2 face clamp", camera, "c_fill,g_face,w_200,h_200", output: Size(200, 200),
            crop: Rect(427, 0, 853, 853),
            faces: [Rect(1100, 600, 100, 100)]),
        .init(
            "§3.2 face fill", camera, "c_fill,g_face,w_100,h_300", output: Size(100, 300),
            crop: Rect(0, 0, 284, 853),
            faces: [Rect(50, 400, 60, 60)]),
        .init(
            "§3.2 custom", camera, "c_crop,g_custom,w_100,h_100", output: Size(100, 100),
            crop: Rect(650, 350, 100, 100),
            custom: [Rect(0, 0, 10, 10), Rect(600, 300, 200, 200)]),
        .init(
            "§3.2 custom:face", camera, "c_crop,g_custom:face,w_100,h_100", output: Size(100, 100),
            crop: Rect(290, 90, 100, 100),
            faces: [Rect(300, 100, 80, 80)]),
        .init(
            "§3.2 custom:faces", camera, "c_crop,g_custom:faces,w_100,h_100", output: Size(100, 100),
            crop: Rect(175, 75, 100, 100),
            faces: [Rect(100, 100, 50, 50), Rect(300, 100, 50, 50)]),
        .init(
            "§3.2 custom wins", camera, "c_crop,g_custom:face,w_100,h_100", output: Size(100, 100),
            crop: Rect(650, 350, 100, 100),
            faces: [Rect(300, 100, 80, 80)], custom: [Rect(600, 300, 200, 200)]),
        .init(
            "§3.2 adv_face", camera, "c_crop,g_adv_face,w_100,h_100", output: Size(100, 100),
            crop: Rect(290, 90, 100, 100),
            faces: [Rect(300, 100, 80, 80)]),
        // A box in a later component is mapped through the chain: (600,300,100,100) → (300,150,50,50).
        // The 100×100 window maps back to 200×199.5: 853/427 is not exact (A13, ±1 px).
        .init(
            "§6 mapped face", camera, "c_scale,w_640/c_thumb,g_face,w_100,h_100", output: Size(100, 100),
            crop: Rect(550, 250, 200, 199), faces: [Rect(600, 300, 100, 100)]),
        // A face cropped away by an earlier component is not found: fallback north.
        .init(
            "§6 face cropped away", camera, "c_crop,w_200,h_100,x_0,y_0/c_fill,g_face,w_50,h_50",
            output: Size(50, 50),
            crop: Rect(50, 0, 100, 100), faces: [Rect(1000, 500, 100, 100)]),
        // c_auto with a known box: halfway between the thumb (the face and its headroom, 144) and
        // the fill (853) windows, 499 (our reading), centred on the face at (340, 140) and clamped.
        .init(
            "§2 auto face", camera, "c_auto,g_face,w_100,h_100", output: Size(100, 100),
            crop: Rect(91, 0, 499, 499),
            faces: [Rect(300, 100, 80, 80)]),
        // g_auto: custom coordinates override the detection (RC), except custom_no_override.
        .init(
            "§3.3 override", camera, "c_fill,g_auto,w_100,h_100", output: Size(100, 100),
            crop: Rect(427, 0, 853, 853),
            custom: [Rect(1000, 100, 100, 100)]),
        .init(
            "§3.3 no override", camera, "c_fill,g_auto:custom_no_override,w_100,h_100",
            output: Size(100, 100),
            crop: .some(nil), custom: [Rect(1000, 100, 100, 100)]),
        .init(
            "§3.3 faces do not resolve auto", camera, "c_fill,g_auto:faces,w_100,h_100",
            output: Size(100, 100),
            crop: .some(nil), faces: [Rect(1000, 100, 100, 100)]),
    ]

    /// §3.2 documented fallbacks, without boxes.
    static let fallbackCases: [GeometryCase] = [
        .init(
            "§3.2 face → north", camera, "c_crop,g_face,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 0, 100, 100)),
        .init(
            "§3.2 faces → north", camera, "c_crop,g_faces,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 0, 100, 100)),
        .init(
            "§3.2 face:center", camera, "c_crop,g_face:center,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 376, 100, 100)),
        .init(
            "§3.2 faces:center", camera, "c_crop,g_faces:center,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 376, 100, 100)),
        .init(
            "§3.2 face:auto", camera, "c_crop,g_face:auto,w_100,h_100", output: Size(100, 100),
            crop: .some(nil)),
        .init(
            "§3.2 custom → center", camera, "c_crop,g_custom,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 376, 100, 100)),
        .init(
            "§3.2 custom:face → face → north", camera, "c_crop,g_custom:face,w_100,h_100",
            output: Size(100, 100),
            crop: Rect(590, 0, 100, 100)),
        .init(
            "§3.2 custom:faces → north", camera, "c_fill,g_custom:faces,w_100,h_100", output: Size(100, 100),
            crop: Rect(213, 0, 853, 853)),
        .init(
            "§3.2 custom:adv_faces → north", camera, "c_crop,g_custom:adv_faces,w_100,h_100",
            output: Size(100, 100),
            crop: Rect(590, 0, 100, 100)),
        .init(
            "§3.2 object → center", camera, "c_crop,g_ocr_text,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 376, 100, 100)),
        .init(
            "§3.2 body:face → north", camera, "c_crop,g_body:face,w_100,h_100", output: Size(100, 100),
            crop: Rect(590, 0, 100, 100)),
        .init(
            "§3.2 thumb face → north", camera, "c_thumb,g_face,w_300,h_100", output: Size(300, 100),
            crop: Rect(0, 0, 1280, 427)),
        .init(
            "§3.2 crop face, no box, no size", camera, "c_crop,g_face", output: camera,
            crop: Rect(0, 0, 1280, 853)),
    ]

    @Test(arguments: compassCases) func compassOffsets(_ c: GeometryCase) throws { try c.check() }
    @Test(arguments: boxCases) func knownBoxes(_ c: GeometryCase) throws { try c.check() }
    @Test(arguments: fallbackCases) func documentedFallbacks(_ c: GeometryCase) throws { try c.check() }

    /// HO: x/y do not move a face crop, even when it falls back to north.
    @Test func faceCropIgnoresOffsetsOnFallback() throws {
        let g = try resolveGeometry("c_crop,g_face,w_100,h_100,x_50,y_50", Self.camera)
        #expect(g.crop == Rect(590, 0, 100, 100))
    }

    @Test func fallbacksAreReported() throws {
        let g = try resolveGeometry("c_thumb,g_face,w_100,h_100", Self.camera)
        #expect(g.notes.contains { $0.code == "gravity-fallback" && $0.message.contains("north") })
    }

    /// g_auto asks the resolver in source pixels and maps its answer back through the chain.
    @Test func autoWindowThroughTheChain() throws {
        let recorder = RequestRecorder()
        let resolver = KnownRegions(auto: { request in
            recorder.record(request)
            return Rect(200, 100, 853, 853)
        })
        let g = try resolveGeometry(
            "c_scale,w_640/c_fill,g_auto:subject,w_100,h_100", Self.camera, resolver: resolver)
        #expect(g.output == Size(100, 100))
        let request = try #require(recorder.requests.first)
        #expect(request.gravity == "auto:subject")
        #expect(request.mode == "fill")
        #expect(request.within == Rect(0, 0, 1280, 853))
        #expect(abs(request.window.width - 854) <= 1 && abs(request.window.height - 853) <= 1)
        #expect(request.output == Size(100, 100))
        // The answer (in source pixels) comes back as the window, ±1 px from the scale factors.
        let crop = try #require(g.crop)
        #expect(abs(crop.x - 200) <= 1 && crop.y == 0 && abs(crop.width - 854) <= 1)
    }

    @Test func autoWithoutAnswerIsUnresolved() throws {
        let g = try resolveGeometry(
            "c_fill,g_auto,w_100,h_100", Self.camera, resolver: KnownRegions(auto: { _ in nil }))
        #expect(g.crop == nil)
        #expect(g.steps[0].windowResolved == false)
        // The placeholder window still has the size a renderer needs.
        #expect(g.steps[0].window.size == Size(853, 853))
    }

    @Test func thumbAggressivenessReachesTheResolver() throws {
        let recorder = RequestRecorder()
        let resolver = KnownRegions(auto: {
            recorder.record($0)
            return nil
        })
        _ = try resolveGeometry("c_thumb,g_auto:0,w_100,h_100,z_1.5", Self.camera, resolver: resolver)
        #expect(recorder.requests.first?.aggressiveness == 0)
        #expect(recorder.requests.first?.zoom == 1.5)
        #expect(recorder.requests.first?.mode == "thumb")
    }

    /// Found in review: `g_auto:aoi_…` was ignored (the crop missed the area named), and object
    /// names, `_avoid`, aggressiveness and `g_liquid` were dropped without a word.
    @Test func areaOfInterestPlacesTheWindow() throws {
        let g = try resolveGeometry("c_crop,w_100,h_100,g_auto:aoi_500_300_100_100", Self.camera)
        #expect(g.crop == Rect(500, 300, 100, 100))
        #expect(g.notes.contains { $0.code == "area-of-interest" })
        // Centred on it in a fill, after a scale (source pixels, mapped through the chain): at the
        // right edge, the window clamped.
        let fill = try resolveGeometry("c_scale,w_640/c_fill,g_auto:aoi_1000_0_200_200,w_100,h_100", Self.camera)
        #expect(fill.crop.map { $0.x + $0.width } == 1280, "\(String(describing: fill.crop))")
        // Outside the image: said, and placed as plain g_auto.
        let outside = try resolveGeometry("c_fill,g_auto:aoi_5000_0_10_10,w_100,h_100", Self.camera)
        #expect(outside.notes.contains { $0.code == "not-supported-locally" && $0.message.contains("aoi_5000_0_10_10") })
    }

    @Test(arguments: ["c_fill,g_auto:dog,w_200,h_400", "c_fill,g_auto:dog_avoid,w_200,h_400", "c_thumb,g_auto:0,w_100,h_100",
                      "c_fill,g_auto:classic,w_100,h_100", "c_scale,w_400,h_600,g_liquid"])
    func unusedQualifiersAreSaid(_ transformation: String) throws {
        let g = try resolveGeometry(transformation, Self.camera, resolver: KnownRegions(auto: { _ in Rect(0, 0, 400, 400) }))
        #expect(g.notes.contains { $0.code == "not-supported-locally" && $0.severity == .warning }, "\(g.notes)")
    }

    @Test(arguments: ["c_fill,g_auto,w_100,h_100", "c_fill,g_auto:faces,w_100,h_100", "c_fill,g_auto:subject,w_100,h_100",
                      "c_scale,w_640,h_427,g_liquid"])
    func usedQualifiersAreQuiet(_ transformation: String) throws {
        let g = try resolveGeometry(transformation, Self.camera, resolver: KnownRegions(auto: { _ in Rect(0, 0, 400, 400) }))
        #expect(!g.notes.contains { $0.code == "not-supported-locally" }, "\(g.notes)")
    }

    /// fill_pad keeps the resolver's whole window, fitted and padded to the box: 1280×400 → 400×125.
    @Test func fillPadPadsAWiderWindow() throws {
        let resolver = KnownRegions(auto: { _ in Rect(0, 200, 1280, 400) })
        let g = try resolveGeometry("b_auto,c_fill_pad,g_auto,w_400,h_400", Self.camera, resolver: resolver)
        #expect(g.output == Size(400, 400))
        #expect(g.crop == Rect(0, 200, 1280, 400))
        #expect(g.pad == Insets(left: 0, top: 137, right: 0, bottom: 138))
        // Found in review: the padding's b_ colour was dropped (always white), as c_pad keeps it.
        let red = try resolveGeometry("b_red,c_fill_pad,g_auto,w_400,h_400", Self.camera, resolver: resolver)
        #expect(red.steps.last?.background == "red")
        let custom = try resolveGeometry("b_rgb:00ff00,c_auto_pad,g_auto,w_400,h_400", Self.camera, custom: [Rect(0, 0, 1280, 100)])
        #expect(custom.steps.last?.background == "rgb:00ff00" && custom.pad != nil)
    }

    @Test func thumbZoomOnAutoAnswer() throws {
        // A zoomed-in answer keeps its size, grown to the output's aspect ratio.
        let resolver = KnownRegions(auto: { _ in Rect(500, 300, 200, 100) })
        let g = try resolveGeometry("c_thumb,g_auto,w_100,h_100", Self.camera, resolver: resolver)
        #expect(g.crop == Rect(500, 250, 200, 200))
    }
}

/// Collects resolver requests from a `@Sendable` closure.
final class RequestRecorder: @unchecked Sendable {
    private(set) var requests: [AutoWindowRequest] = []
    func record(_ request: AutoWindowRequest) { requests.append(request) }
}
