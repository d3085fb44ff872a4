import Testing

@testable import CloudinaryTransform

/// Chains (§6), rotations and e_upscale (§5), EXIF orientation (A18), conditions, layers,
/// and the errors the geometry reports.
@Suite struct GeometryChainTests {
    static let camera: Size = Samples.camera

    static let chainCases: [GeometryCase] = [
        // Each component sees the previous output; the final window is mapped back to the source.
        .init(
            "§6", camera, "c_scale,w_640/c_crop,w_320,h_200,x_0,y_0/c_pad,w_400,h_400",
            output: Size(400, 400),
            crop: Rect(0, 0, 640, 400), pad: Insets(left: 0, top: 75, right: 0, bottom: 75)),
        .init(
            "§6", camera, "c_fill,w_800,h_800/c_crop,w_400,h_400,g_north_west/c_scale,w_100",
            output: Size(100, 100),
            crop: Rect(213, 0, 427, 427)),
        // A crop that keeps part padding: the padding stays in the output, the crop shrinks.
        .init(
            "§6 pad then crop", camera, "c_pad,w_400,h_400/c_crop,w_400,h_100,g_north",
            output: Size(400, 100),
            crop: Rect(0, 0, 1280, 109), pad: Insets(left: 0, top: 66, right: 0, bottom: 0)),
        .init(
            "§6 upscale then limit", Samples.tallHall, "e_upscale/c_limit,w_400,h_400",
            output: Size(264, 400),
            crop: Rect(0, 0, 200, 303)),
        // Overlays do not change the base geometry.
        .init(
            "§6 layer", camera, "l_logo/c_scale,w_50/fl_layer_apply,g_north_east/c_scale,w_200",
            output: Size(200, 133)),
        // A layer inside a layer: the first apply closes the inner one, so the scale after it
        // and the dpr in it size the outer layer, not the base (before: 25×17).
        .init(
            "§6 nested layers", camera,
            "l_badge/l_text:Arial_20:New/fl_layer_apply/c_scale,w_25,dpr_2.0/fl_layer_apply,g_north_east/c_scale,w_200",
            output: Size(200, 133)),
        // A layer with no fl_layer_apply is all in its component; the fill after it is the
        // base's (before: the layer took it, and the output stayed 1280×853).
        .init(
            "§6 short-form layer", camera, "l_sale_icon,w_50,g_south_east/c_fill,h_100,w_100",
            output: Size(100, 100)),
        // §5 a_: multiples of 90 swap the sides; windows after a turn map back exactly.
        .init("§5 a_90", camera, "a_90", output: Size(853, 1280), crop: Rect(0, 0, 1280, 853)),
        .init(
            "§5 a_90 after fill", camera, "c_fill,w_100,h_200/a_90", output: Size(200, 100),
            crop: Rect(426, 0, 427, 853)),
        .init(
            "§5 a_90 same component", camera, "c_fill,w_100,h_200,a_90", output: Size(200, 100),
            crop: Rect(426, 0, 427, 853)),
        .init(
            "§5 a_90 then crop", camera, "a_90/c_crop,w_100,h_100,x_0,y_0", output: Size(100, 100),
            crop: Rect(0, 753, 100, 100)),
        .init(
            "§5 a_-90 then crop", camera, "a_-90/c_crop,w_100,h_100,x_0,y_0", output: Size(100, 100),
            crop: Rect(1180, 0, 100, 100)),
        .init(
            "§5 a_180 then crop", camera, "a_180/c_crop,w_100,h_100,x_0,y_0", output: Size(100, 100),
            crop: Rect(1180, 753, 100, 100)),
        .init(
            "§5 hflip then crop", camera, "a_hflip/c_crop,w_100,h_100,x_0,y_0", output: Size(100, 100),
            crop: Rect(1180, 0, 100, 100)),
        .init(
            "§5 vflip then crop", camera, "a_vflip/c_crop,w_100,h_100,x_0,y_0", output: Size(100, 100),
            crop: Rect(0, 753, 100, 100)),
        .init("§5 a_360", camera, "a_360", output: camera),
        // Other angles: the rotated bounding box (100·(cos 45° + sin 45°) = 141.4).
        .init("§5 a_45", Size(100, 100), "a_45", output: Size(141, 141), crop: Rect(0, 0, 100, 100)),
        .init("§5 a_30", camera, "a_30", output: Size(1535, 1379), crop: Rect(0, 0, 1280, 853)),
        // A decimal angle is one turn (it was split at the point: a_12.5 turned 12° then 5°,
        // 287×359): 200·cos 12.5° + 303·sin 12.5° = 260.8, 200·sin 12.5° + 303·cos 12.5° = 339.1.
        .init("§5 a_12.5", Size(200, 303), "a_12.5", output: Size(261, 339), crop: Rect(0, 0, 200, 303)),
        .init("§5 a_-7.5", Size(200, 303), "a_-7.5", output: Size(238, 327), crop: Rect(0, 0, 200, 303)),
        .init("§5 a_12.5 then a flip", Size(200, 303), "a_12.5.hflip", output: Size(261, 339), crop: Rect(0, 0, 200, 303)),
        .init("§5 a_90.vflip is a list", Size(200, 303), "a_90.vflip", output: Size(303, 200), crop: Rect(0, 0, 200, 303)),
        .init("§5 a_5. is 5°", Size(200, 303), "a_5.", output: Size(226, 319), crop: Rect(0, 0, 200, 303)),
        // a_auto_right: a quarter turn first when the box is portrait and the image landscape.
        .init(
            "§5 auto_right", camera, "c_fill,w_200,h_400,a_auto_right", output: Size(200, 400),
            crop: Rect(0, 107, 1280, 640)),
        .init(
            "§5 auto_right no turn", camera, "c_fill,w_400,h_200,a_auto_right", output: Size(400, 200),
            crop: Rect(0, 106, 1280, 640)),
        // if_ conditions on the current size.
        .init("if", camera, "if_w_gt_1000,c_scale,w_500", output: Size(500, 333)),
        .init("if", Samples.camera640, "if_w_gt_1000,c_scale,w_500", output: Size(640, 427)),
        .init(
            "if block", camera, "if_ar_gt_1/c_fill,w_300,h_200/if_else/c_fill,w_200,h_300/if_end",
            output: Size(300, 200)),
        .init(
            "if block", Size(100, 4000), "if_ar_gt_1/c_fill,w_300,h_200/if_else/c_fill,w_200,h_300/if_end",
            output: Size(200, 300)),
        .init("if and", camera, "if_w_gt_1000_and_h_gt_1000,c_scale,w_10", output: camera),
        .init("if or", camera, "if_w_gt_1000_or_h_gt_1000,c_scale,w_10", output: Size(10, 7)),
        .init("if faces", camera, "if_fc_gt_0/c_thumb,g_face,w_100,h_100/if_end", output: camera),
        .init(
            "if faces", camera, "if_fc_gt_0/c_thumb,g_face,w_100,h_100/if_end", output: Size(100, 100),
            faces: [Rect(600, 300, 100, 100)]),
    ]

    @Test(arguments: chainCases) func chains(_ c: GeometryCase) throws { try c.check() }

    @Test func stepsAreExplicit() throws {
        let g = try resolveGeometry("c_scale,w_640/b_red,c_lpad,w_700,h_500,g_south_east/a_90", Self.camera)
        #expect(g.steps.map(\.kind) == [.resize, .resize, .rotate])
        let pad = g.steps[1]
        #expect(pad.input == Size(640, 427))
        #expect(pad.window == Rect(0, 0, 640, 427))
        #expect(pad.resize == Size(640, 427))
        #expect(pad.padding == Insets(left: 60, top: 73, right: 0, bottom: 0))
        #expect(pad.canvas == Size(700, 500))
        #expect(pad.background == "red")
        #expect(g.steps[2].rotation == 90)
        #expect(g.output == Size(500, 700))
        // The pad is reported in output pixels, after the turn.
        #expect(g.pad == Insets(left: 0, top: 60, right: 73, bottom: 0))
    }

    @Test func autoRightTurnsFirst() throws {
        let g = try resolveGeometry("c_fill,w_200,h_400,a_auto_left", Self.camera)
        #expect(g.steps.map(\.kind) == [.autoRotate, .resize])
        #expect(g.steps[0].rotation == 270)
    }

    @Test func exifOrientationComesFirst() throws {
        let stored = Size(4000, 3000)
        let g = try resolveGeometry("c_crop,w_100,h_100,x_0,y_0", stored, orientation: 6)
        #expect(g.upright == Size(3000, 4000))
        #expect(g.orientation == 6)
        #expect(g.steps.first?.kind == .orientation)
        #expect(g.steps.first?.rotation == 90)
        #expect(g.steps.first?.component == nil)
        #expect(g.steps[1].input == Size(3000, 4000))
        #expect(g.crop == Rect(0, 0, 100, 100))
        // iw/ih are the upright sides.
        #expect(try resolveGeometry("c_scale,w_iw,h_ih", stored, orientation: 8).output == Size(3000, 4000))
        // Orientations 2-4 keep the sides; 5-8 swap them.
        for orientation in 1...8 {
            let upright = try resolveGeometry("c_scale,w_1.0", stored, orientation: orientation).output
            #expect(upright == (orientation >= 5 ? Size(3000, 4000) : stored))
        }
        let transpose = try resolveGeometry("w_1.0", stored, orientation: 5).steps[0]
        #expect(transpose.flip == .horizontal && transpose.rotation == 270)
    }

    @Test func aIgnoreKeepsTheStoredOrientation() throws {
        let g = try resolveGeometry("a_ignore/c_scale,w_400", Size(4000, 3000), orientation: 6)
        #expect(g.output == Size(400, 300))
        #expect(g.orientation == 1)
        #expect(g.steps.count == 1)
    }

    @Test func notesForWhatIsNotComputedLocally() throws {
        func codes(_ t: String, _ source: Size = Self.camera) throws -> [String] {
            try resolveGeometry(t, source).notes.map(\.code)
        }
        #expect(try codes("t_hero").contains("named-transformation"))
        #expect(try codes("c_limit,w_auto").contains("width-auto"))
        // Without Client Hints Cloudinary uses the fallback width (it was ignored: 1280 px).
        #expect(try resolveGeometry("c_limit,w_auto", Self.camera).output == Self.camera)
        #expect(try resolveGeometry("c_limit,w_auto:100:400", Self.camera).output == Size(400, 267))
        #expect(try resolveGeometry("c_limit,w_auto:breakpoints:400", Self.camera).output == Size(400, 267))
        #expect(try resolveGeometry("c_limit,w_auto:breakpoints_200_1920_30_15:400:json", Self.camera).output == Size(400, 267))
        #expect(try resolveGeometry("ar_16:9,c_fill,w_auto:100:400", Self.camera).output == Size(400, 225))
        #expect(try resolveGeometry("c_limit,w_auto:100:400", Self.camera).notes.contains { $0.message.contains("the fallback width, 400, as this render does") })
        #expect(try codes("e_upscale", Size(3000, 2000)).contains("upscale-too-large"))
        #expect(try codes("a_45", Size(4000, 3000)).contains("rotate-downscale"))
        #expect(try codes("c_scale,w_100,dpr_auto").contains("dpr-auto"))
        #expect(try codes("dpr_2.0/c_scale,w_100/dpr_3.0").contains("several-dpr"))
        #expect(try codes("c_fill,w_100,h_100,x_10").contains("offsets-ignored"))
        #expect(try codes("if_!sale!_in_tags,c_scale,w_100").contains("condition-not-evaluated"))
        #expect(try codes("c_pad,w_400,h_400/c_crop,w_400,h_50,g_north").contains("no-source-visible"))
        #expect(try resolveGeometry("dpr_2.0/c_scale,w_100/dpr_3.0", Self.camera).output == Size(300, 200))
    }

    @Test(arguments: [
        ("c_bogus,w_100", "invalid-value"),
        ("c_scale,w_abc", "invalid-value"),
        ("c_scale,w_0", "invalid-value"),
        ("c_scale,w_-5", "invalid-value"),
        ("c_scale,h_0.0", "invalid-value"),
        ("ar_abc,c_fill,w_100", "invalid-value"),
        ("c_crop,g_face,z_0", "invalid-value"),
        ("a_sideways", "invalid-value"),
        ("c_crop,w_0.5,h_0.5,x_10", "mixed-coordinate-types"),
        ("c_crop,w_100,h_100,x_0.5", "mixed-coordinate-types"),
        ("c_crop,w_100,h_100,x_5000,y_0", "crop-outside"),
    ])
    func errors(_ transformation: String, _ code: String) throws {
        #expect { try resolveGeometry(transformation, Self.camera) } throws: { error in
            (error as? GeometryError)?.code == code
        }
    }

    /// Found in review: an expression that evaluates to zero or less, or divides by zero, was
    /// told "Expected … or an expression", which it is.
    @Test("a size expression that gives zero or less, or divides by zero, is named for what it gives",
          arguments: [("w_iw_sub_1400", "the expression gives -120 here"), ("w_iw_div_0", "not an expression that divides by zero"),
                      ("w_iw_sub_1280.4", "the expression gives -0.4 here"),
                      ("h_ih_mul_0", "the expression gives 0 here"),
                      ("w_0_pow_-1", "not an expression whose value is infinite"),
                      ("w_-1_pow_0.5", "not an expression whose value is not a number")])
    func expressionSizes(_ transformation: String, _ words: String) throws {
        #expect { try resolveGeometry(transformation, Self.camera) } throws: { error in
            (error as? GeometryError)?.message.contains(words) == true
        }
    }

    /// Found in QA: `ar_iar` and `ar_ih_div_iw` are valid to `validate` and were refused here.
    @Test func aspectRatioExpressions() throws {
        let camera = Self.camera
        let iar = Double(camera.width) / Double(camera.height)
        #expect(try resolveGeometry("c_fill,ar_iar,w_100", camera).output
                == (try resolveGeometry("c_fill,ar_\(iar),w_100", camera).output))
        #expect(try resolveGeometry("c_fill,ar_ih_div_iw,w_100", camera).output
                == (try resolveGeometry("c_fill,ar_\(1 / iar),w_100", camera).output))
        #expect { try resolveGeometry("c_fill,ar_iar_sub_5,w_100", camera) } throws: { error in
            (error as? GeometryError)?.message.contains("a positive aspect ratio (the expression gives") == true
        }
        #expect { try resolveGeometry("c_fill,ar_1_div_0,w_100", camera) } throws: { error in
            (error as? GeometryError)?.message.contains("an aspect ratio, not an expression that divides by zero") == true
        }
    }

    @Test func invalidSourcesAndOrientations() {
        #expect(throws: GeometryError.self) { try resolveGeometry("w_100", Size(0, 10)) }
        #expect(throws: GeometryError.self) { try resolveGeometry("w_100", Self.camera, orientation: 9) }
        #expect(throws: GeometryError.self) { try resolveGeometry("w_100", Size(99_999_999_999, 10)) }
    }

    /// A given face box that misses the image was ignored with only "nothing known to centre on".
    @Test func givenBoxesOutsideTheImageAreNamed() throws {
        let g = try resolveGeometry("c_thumb,g_face,w_200,h_200", Size(800, 600), faces: [Rect(x: 5000, y: 5000, width: 100, height: 100)])
        let outside = g.notes.filter { $0.code == "region-outside" }
        #expect(outside.count == 1)
        #expect(outside.first?.message.contains("5000,5000,100,100") == true)
        #expect(outside.first?.severity == .warning)
        // Inside (or partly inside): no such note. Orientation 6 swaps the sides: 600x800 upright.
        let inside = try resolveGeometry("c_thumb,g_face,w_200,h_200", Size(800, 600), faces: [Rect(x: 500, y: 700, width: 80, height: 80)],
                                         orientation: 6)
        #expect(!inside.notes.contains { $0.code == "region-outside" })
    }

    /// Sizes are held under 2³¹ so nothing traps; a chain that reaches the limit was cut short,
    /// and reporting the held value as the output (exit 0) was a wrong answer.
    @Test func sizesBeyondTheLimitAreErrors() {
        let doubling = Array(repeating: "c_scale,w_2.0", count: 40).joined(separator: "/")
        #expect {
            try resolveGeometry(doubling, Size(100, 100))
        } throws: { error in
            (error as? GeometryError)?.code == "size-overflow" && (error as? GeometryError)?.component == 24
                // The component is named once ("component 24: component 24 makes …" before).
                && (error as? GeometryError)?.description.components(separatedBy: "component 24").count == 2
        }
        #expect(throws: Never.self) { try resolveGeometry(Array(repeating: "c_scale,w_2.0", count: 20).joined(separator: "/"), Size(100, 100)) }
    }

    /// The parser's model and the plain splitter give the same geometry.
    @Test(arguments: [
        "c_fill,g_north_east,w_250,ar_1.0", "c_crop,h_170,w_300,x_170,y_40/c_scale,w_0.5",
        "c_fill,h_100,w_100/l_sale_icon/c_scale,w_0.25/fl_layer_apply,g_south_east/dpr_2.0",
        "b_pink,c_mpad,g_north_west,h_125,w_175,x_20,y_20", "c_thumb,g_face,w_450",
    ])
    func transformationAdapter(_ text: String) throws {
        let parsed = try Transformation(parsing: text)
        let viaModel = try parsed.geometry(
            source: Self.camera, resolver: KnownRegions(faces: [Rect(500, 200, 100, 120)]))
        let viaSplit = try resolveGeometry(text, Self.camera, faces: [Rect(500, 200, 100, 120)])
        #expect(viaModel == viaSplit)
    }
}
