import Testing

@testable import CloudinaryTransform

/// Every worked example of cloudinary-geometry.md with its numbers; each row cites its section.
/// Documented numbers are the output sizes ("width:NNN" hints, stated sizes); windows and pads
/// follow from the reference's algorithm (§7) and chosen readings.
@Suite struct GeometryWorkedExamplesTests {
    static let sizes: [GeometryCase] = [
        // §1.1: decimals are relative to the component's input (150 wide, not 320).
        .init(
            "§1.1 chain", Samples.camera640, "c_crop,h_170,w_300,x_170,y_40/c_scale,w_0.5",
            output: Size(150, 85), crop: Rect(170, 40, 300, 170)),
        // §1.1 / R1: 0.5 × 427 = 213.5 → 214.
        .init(
            "§1.1 R1", Samples.camera640, "c_scale,w_0.5,h_0.5", output: Size(320, 214),
            crop: Rect(0, 0, 640, 427)),
        // §1.1: iw is the original upload's width, even after a crop.
        .init(
            "§1.1 iw", Samples.camera640, "c_crop,w_300,h_200/c_scale,w_iw", output: Size(640, 427),
            crop: Rect(170, 113, 300, 200)),
        // §1.1 NOTE: w/h without c_ scale.
        .init(
            "§1.1 default scale", Samples.camera, "w_150", output: Size(150, 100), crop: Rect(0, 0, 1280, 853)
        ),
        // §1.2: 400×600, c_crop,w_200 ≡ c_crop,w_200,h_300.
        .init(
            "§1.2 one side", Samples.generic, "c_crop,w_200", output: Size(200, 300),
            crop: Rect(100, 150, 200, 300)),
        .init(
            "§1.2 one side", Samples.generic, "c_crop,w_200,h_300", output: Size(200, 300),
            crop: Rect(100, 150, 200, 300)),
        // §1.2 FD getinfo: 640×426, c_thumb,g_face,w_450 → 450×300 (299.53 → 300).
        .init("§1.2 FD", Samples.plainFace, "c_thumb,g_face,w_450", output: Size(450, 300)),
        .init(
            "§1.2 FD with a face", Samples.plainFace, "c_thumb,g_face,w_450", output: Size(450, 300),
            faces: [Rect(300, 120, 150, 160)]),
        // §1.2: the given side binds: 1279×852, not one pixel narrower.
        .init(
            "§1.2 limit", Samples.camera, "c_limit,w_1279", output: Size(1279, 852),
            crop: Rect(0, 0, 1280, 853)),
        // §1.2 / RC scale Example 5: fl_ignore_aspect_ratio keeps the other side.
        .init(
            "§1.2 ignore ar", Samples.camera640, "c_scale,fl_ignore_aspect_ratio,h_150",
            output: Size(640, 150)),
        // §1.2 TR padding notes: padding on both axes; 360/240 px pads.
        .init(
            "§1.2 lpad one side", Samples.camera, "c_lpad,w_2000", output: Size(2000, 1333),
            crop: Rect(0, 0, 1280, 853), pad: Insets(left: 360, top: 240, right: 360, bottom: 240)),
        // §1.2 TR padding notes: "padding is added horizontally only".
        .init(
            "§1.2 lpad ignore ar", Samples.camera100, "c_lpad,fl_ignore_aspect_ratio,w_450",
            output: Size(450, 67),
            pad: Insets(left: 175, top: 0, right: 175, bottom: 0)),
        // §1.3 examples.
        .init(
            "§1.3 ar fill", Samples.camera, "ar_1.0,c_fill,g_north_east,w_250", output: Size(250, 250),
            crop: Rect(427, 0, 853, 853)),
        .init(
            "§1.3 ar lfill", Samples.camera, "ar_1.0,c_lfill,h_200", output: Size(200, 200),
            crop: Rect(213, 0, 853, 853)),
        .init(
            "§1.3 ar thumb", Samples.camera, "ar_5:6,c_thumb,g_face,h_150,z_0.75", output: Size(125, 150),
            crop: Rect(284, 0, 711, 853)),
        .init(
            "§1.3 ar pad", Samples.camera, "ar_2:1,b_brown,c_pad,h_150", output: Size(300, 150),
            pad: Insets(left: 37, top: 0, right: 38, bottom: 0)),
        // R3: ar_0.66,w_100 → h = 151.5 → 152.
        .init(
            "§1.3 ar lpad", Samples.camera, "ar_0.66,b_green,c_lpad,w_100", output: Size(100, 152),
            pad: Insets(left: 0, top: 42, right: 0, bottom: 43)),
        .init(
            "§1.3 ar scale", Samples.camera, "ar_1:2,c_scale,w_100", output: Size(100, 200),
            crop: Rect(0, 0, 1280, 853)),
        // R3: ar_16:9,w_450 → 253.
        .init(
            "§1.3 R3", Samples.camera, "ar_16:9,c_fill,w_450", output: Size(450, 253),
            crop: Rect(0, 66, 1280, 720)),
        // R4 / TR > ar: ar alone with c_crop on camera-640.
        .init(
            "§1.3 R4", Samples.camera640, "ar_1.5,c_crop", output: Size(640, 427), crop: Rect(0, 0, 640, 427)),
        // R4 / A3: 1280×853 with ar_1.2 → 1024×853.
        .init(
            "§1.3 R4 A3", Samples.camera, "ar_1.2,c_crop", output: Size(1024, 853),
            crop: Rect(128, 0, 1024, 853)),
        .init(
            "§1.3 A3 square", Samples.camera, "ar_1.0,c_crop", output: Size(853, 853),
            crop: Rect(213, 0, 853, 853)),
        // §1.3 / A10: w and h win over ar.
        .init("§1.3 A10", Samples.camera, "ar_1.0,c_fill,h_100,w_300", output: Size(300, 100)),
        // §1.4 pepper: a trailing dpr_ doubles the earlier resize; the overlay does not change geometry.
        .init(
            "§1.4 pepper dpr 2", Samples.camera,
            "c_fill,h_100,w_100/l_sale_icon/c_scale,w_0.25/fl_layer_apply,g_south_east/dpr_2.0",
            output: Size(200, 200), crop: Rect(213, 0, 853, 853)),
        .init(
            "§1.4 pepper dpr 3", Samples.camera,
            "c_fill,h_100,w_100/l_sale_icon/c_scale,w_0.25/fl_layer_apply,g_south_east/dpr_3.0",
            output: Size(300, 300), crop: Rect(213, 0, 853, 853)),
        // §1.4 TR: c_scale,h_300/dpr_2.0 → 600 high.
        .init("§1.4 dpr height", Samples.camera, "c_scale,h_300/dpr_2.0", output: Size(900, 600)),
        // §1.4 R6: limit compares against the multiplied box.
        .init("§1.4 R6 limit", Samples.camera, "c_limit,w_800,h_800,dpr_2.0", output: Size(1280, 853)),
        // §1.4 R6: relative values are not multiplied.
        .init("§1.4 R6 relative", Samples.camera, "c_scale,w_0.5/dpr_2.0", output: Size(640, 427)),
        // §1.5 RC mpad Example 3: offsets move the image inside the pad canvas.
        .init(
            "§1.5 mpad offsets", Samples.camera100, "b_pink,c_mpad,g_north_west,h_125,w_175,x_20,y_20",
            output: Size(175, 125), crop: Rect(0, 0, 100, 67),
            pad: Insets(left: 20, top: 20, right: 55, bottom: 38)),
        // §1.5 HO: x/y do not offset c_crop,g_face; the face stays centred.
        .init(
            "§1.5 HO", Samples.camera, "c_crop,g_face,h_200,w_200,x_150,y_0", output: Size(200, 200),
            crop: Rect(550, 250, 200, 200), faces: [Rect(600, 300, 100, 100)]),
        // §1.5 HO workaround: thumb around the face, then a fixed-coordinate crop.
        .init(
            "§1.5 HO workaround", Samples.camera, "c_thumb,g_face,h_600,w_600/c_crop,h_400,w_400,x_150,y_0",
            output: Size(400, 400), crop: Rect(500, 50, 400, 400), faces: [Rect(600, 300, 100, 100)]),
        // §1.6 R1 evidence: camera-640, camera-100, libvips cross-checks.
        .init("§1.6 R1", Samples.camera, "c_scale,w_640", output: Size(640, 427)),
        .init("§1.6 R1", Samples.camera, "c_scale,w_100", output: Size(100, 67)),
        .init("§1.6 R1", Samples.camera640, "c_scale,w_320", output: Size(320, 214)),
        .init("§1.6 R1", Samples.camera100, "c_fit,w_150,h_150", output: Size(150, 101)),
        // §1.6 demo viewports: 168.75 → 169, 365.625 → 366, 487.5 → 488.
        .init("§1.6 demo", Samples.demo, "ar_16:9,c_fill,w_300", output: Size(300, 169)),
        .init("§1.6 demo", Samples.demo, "ar_16:9,c_fill,w_650", output: Size(650, 366)),
        .init("§1.6 demo", Samples.demo, "ar_3:4,c_fill,h_650", output: Size(488, 650)),
        // §1.6 R7: a 167-px image in a 250-px canvas: 41 px on top, 42 below.
        .init(
            "§1.6 R7", Samples.camera, "c_pad,h_250,w_250", output: Size(250, 250),
            pad: Insets(left: 0, top: 41, right: 0, bottom: 42)),
        // A1 exposure: 213.25 → 213.
        .init("A1", Samples.camera, "c_scale,w_0.25", output: Size(320, 213)),
    ]

    static let modes: [GeometryCase] = [
        // §2 scale.
        .init("§2 scale", Samples.camera, "c_scale,w_150", output: Size(150, 100)),
        .init(
            "§2 scale", Samples.camera, "c_scale,h_150,w_150", output: Size(150, 150),
            crop: Rect(0, 0, 1280, 853)),
        .init("§2 scale upscale", Samples.tallHall, "c_scale,w_4.0", output: Size(800, 1212)),
        // §2 fit.
        .init("§2 fit", Samples.camera, "c_fit,h_250,w_250", output: Size(250, 167)),
        .init("§2 fit", Samples.camera, "ar_1.0,c_fit,h_150", output: Size(150, 100)),
        .init("§2 fit", Samples.camera640, "c_fit,h_150,w_150", output: Size(150, 100)),
        // §2 limit.
        .init("§2 limit", Samples.camera, "c_limit,h_250,w_250", output: Size(250, 167)),
        .init("§2 limit", Samples.camera, "ar_1.0,c_limit,h_150", output: Size(150, 100)),
        .init("§2 limit", Samples.camera640, "c_limit,h_150,w_150", output: Size(150, 100)),
        .init("§2 limit no-op", Samples.camera, "c_limit,w_2000,h_2000", output: Size(1280, 853)),
        .init("§2 limit no-op", Samples.camera, "c_limit,w_1280", output: Size(1280, 853)),
        // §2 mfit.
        .init("§2 mfit", Samples.camera640, "c_mfit,h_250,w_250", output: Size(640, 427)),
        .init("§2 mfit", Samples.camera640, "c_mfit,h_20,w_20", output: Size(640, 427)),
        .init("§2 mfit up", Samples.camera100, "ar_1.0,c_mfit,h_150", output: Size(150, 101)),
        .init("§2 mfit mixed", Samples.camera, "c_mfit,w_2000,h_500", output: Size(1280, 853)),
        // §2 fill (A2: window x = 213).
        .init(
            "§2 fill", Samples.camera, "c_fill,h_250,w_250", output: Size(250, 250),
            crop: Rect(213, 0, 853, 853)),
        .init(
            "§2 fill", Samples.camera640, "c_fill,h_200,w_200", output: Size(200, 200),
            crop: Rect(106, 0, 427, 427)),
        .init(
            "§2 fill", Samples.camera640, "c_fill,h_150,w_150", output: Size(150, 150),
            crop: Rect(106, 0, 427, 427)),
        .init(
            "§2 fill east", Samples.camera640, "c_fill,g_east,h_150,w_150", output: Size(150, 150),
            crop: Rect(213, 0, 427, 427)),
        .init(
            "§2 fill upscale", Samples.camera100, "c_fill,w_400,h_400", output: Size(400, 400),
            crop: Rect(16, 0, 67, 67)),
        // A12: the FD alt texts swap the sides; the URLs win.
        .init(
            "A12", Samples.camera, "c_fill,h_200,w_100", output: Size(100, 200), crop: Rect(426, 0, 427, 853)),
        .init("A12", Samples.camera, "c_fill,g_faces,h_150,w_100", output: Size(100, 150)),
        // §2 lfill.
        .init(
            "§2 lfill", Samples.camera, "c_lfill,h_200,w_150", output: Size(150, 200),
            crop: Rect(320, 0, 640, 853)),
        .init(
            "§2 lfill", Samples.camera640, "c_lfill,h_150,w_150", output: Size(150, 150),
            crop: Rect(106, 0, 427, 427)),
        .init(
            "§2 lfill A4", Size(4000, 100), "c_lfill,w_200,h_200", output: Size(200, 100),
            crop: Rect(1900, 0, 200, 100)),
        // §2 fill_pad.
        .init(
            "§2 fill_pad", Samples.camera, "b_auto,c_fill_pad,g_auto,h_400,w_80", output: Size(80, 400),
            crop: .some(nil)),
        // §2 crop.
        .init(
            "§2 crop", Samples.camera640, "c_crop,g_north_east,h_250,w_200", output: Size(200, 250),
            crop: Rect(440, 0, 200, 250)),
        .init(
            "§2 crop ar", Samples.camera640, "ar_1.5,c_crop,w_450", output: Size(450, 300),
            crop: Rect(95, 63, 450, 300)),
        .init(
            "§2 crop xy", Samples.camera640, "c_crop,h_200,w_300,x_170,y_40", output: Size(300, 200),
            crop: Rect(170, 40, 300, 200)),
        .init(
            "§2 crop R9", Samples.camera, "c_crop,w_2000,h_400", output: Size(1280, 400),
            crop: Rect(0, 226, 1280, 400)),
        .init(
            "§2 crop R9", Samples.camera640, "c_crop,w_200,h_100,x_500", output: Size(140, 100),
            crop: Rect(500, 0, 140, 100)),
        // §2 crop without dimensions: "width:140" — the face box.
        .init(
            "§2 crop face", Samples.camera640, "c_crop,g_face", output: Size(140, 160),
            crop: Rect(300, 100, 140, 160),
            faces: [Rect(300, 100, 140, 160)]),
        .init(
            "§2 crop custom", Samples.camera640, "c_crop,g_custom", output: Size(200, 100),
            crop: Rect(50, 60, 200, 100),
            custom: [Rect(50, 60, 200, 100)]),
        // §3.4: dimension-less c_crop → box ÷ z (140/1.3 = 107.7 → 108, 160/1.3 = 123.1 → 123).
        .init(
            "§3.4 crop zoom", Samples.camera640, "c_crop,g_face,z_1.3", output: Size(108, 123),
            crop: Rect(316, 119, 108, 123), faces: [Rect(300, 100, 140, 160)]),
        // HO: ar_1.0,c_crop,g_face,z_0.5 — a square twice the face's size.
        .init(
            "§1.5 HO zoom", Samples.camera640, "ar_1.0,c_crop,g_face,z_0.5", output: Size(320, 320),
            crop: Rect(210, 20, 320, 320), faces: [Rect(300, 100, 140, 160)]),
        // §2 thumb: no face → north.
        .init(
            "§2 thumb", Samples.camera, "c_thumb,g_face,h_150,w_150", output: Size(150, 150),
            crop: Rect(213, 0, 853, 853)),
        // The face with 0.4 of its side added all round (A11, our reading): 180 px.
        .init(
            "§2 thumb face", Samples.camera, "c_thumb,g_face,h_150,w_150", output: Size(150, 150),
            crop: Rect(560, 260, 180, 180), faces: [Rect(600, 300, 100, 100)]),
        // §3.4 FD: c_thumb,g_face,h_150,w_150,z_0.7 zooms out: 180/0.7 = 257.
        .init(
            "§3.4 thumb zoom", Samples.camera, "c_thumb,g_face,h_150,w_150,z_0.7", output: Size(150, 150),
            crop: Rect(522, 222, 257, 257), faces: [Rect(600, 300, 100, 100)]),
        // A face smaller than the output with its headroom: the output's own size, no zoom-in.
        .init(
            "§2 thumb small face", Samples.camera, "c_thumb,g_face,h_150,w_150", output: Size(150, 150),
            crop: Rect(575, 275, 150, 150), faces: [Rect(620, 320, 60, 60)]),
        // g_faces: the union of the faces, with the headroom of the largest (40 px).
        .init(
            "§2 thumb faces", Samples.camera, "c_thumb,g_faces,h_150,w_300", output: Size(300, 150),
            crop: Rect(360, 210, 560, 280), faces: [Rect(400, 300, 100, 100), Rect(820, 320, 60, 60)]),
        // Custom coordinates are taken as drawn: no headroom.
        .init(
            "§2 thumb custom", Samples.camera, "c_thumb,g_custom,h_150,w_150", output: Size(150, 150),
            crop: Rect(600, 300, 200, 200), custom: [Rect(600, 300, 200, 200)]),
        // §2 auto.
        .init(
            "§2 auto", Samples.camera, "c_auto,g_auto,h_350,w_300", output: Size(300, 350), crop: .some(nil)),
        .init(
            "§2 auto", Samples.camera, "ar_16:9,c_auto,g_auto:camera,w_450", output: Size(450, 253),
            crop: .some(nil)),
        .init(
            "§2 auto face", Samples.camera, "ar_1:1,w_300,c_auto,g_face", output: Size(300, 300),
            crop: Rect(213, 0, 853, 853)),
        .init("§2 auto faces", Samples.camera, "ar_1.75,w_300,c_auto,g_faces", output: Size(300, 171)),
        .init(
            "§2 auto TR", Samples.camera, "c_auto,g_auto,ar_16:9,h_150", output: Size(267, 150),
            crop: .some(nil)),
        // §2 auto_pad.
        .init(
            "§2 auto_pad", Samples.camera, "b_auto,c_auto_pad,g_auto,h_300,w_110", output: Size(110, 300),
            crop: .some(nil)),
        .init(
            "§2 auto_pad", Samples.camera, "b_gen_fill,c_auto_pad,g_auto,h_300,w_110", output: Size(110, 300)),
        .init("§2 auto_pad", Samples.camera, "b_auto,c_auto_pad,g_auto,h_160,w_300", output: Size(300, 160)),
        // §2 pad.
        .init(
            "§2 pad", Samples.camera, "b_brown,c_pad,h_250,w_250", output: Size(250, 250),
            crop: Rect(0, 0, 1280, 853), pad: Insets(left: 0, top: 41, right: 0, bottom: 42)),
        .init(
            "§2 pad", Samples.camera640, "b_black,c_pad,h_150,w_150", output: Size(150, 150),
            pad: Insets(left: 0, top: 25, right: 0, bottom: 25)),
        .init(
            "§2 pad", Samples.camera640, "w_150,h_150,c_pad,b_brown", output: Size(150, 150),
            pad: Insets(left: 0, top: 25, right: 0, bottom: 25)),
        // §2 lpad.
        .init(
            "§2 lpad", Samples.camera, "b_green,c_lpad,h_150,w_400", output: Size(400, 150),
            pad: Insets(left: 87, top: 0, right: 88, bottom: 0)),
        // §2 lpad Example 3: 1.1 × 1280 = 1408 square, the image not upscaled.
        .init(
            "§2 lpad frame", Samples.camera, "ar_1.0,b_green,c_lpad,w_1.1", output: Size(1408, 1408),
            crop: Rect(0, 0, 1280, 853), pad: Insets(left: 64, top: 277, right: 64, bottom: 278)),
        // §2 mpad.
        .init(
            "§2 mpad", Samples.camera100, "b_green,c_mpad,h_200,w_200", output: Size(200, 200),
            pad: Insets(left: 50, top: 66, right: 50, bottom: 67)),
        .init(
            "§2 mpad larger", Samples.camera, "ar_1.0,b_green,c_mpad,w_200", output: Size(1280, 853),
            pad: .some(nil)),
        .init(
            "§2 mpad relative", Samples.camera100, "b_green,c_mpad,h_1.3,w_1.3", output: Size(130, 87),
            pad: Insets(left: 15, top: 10, right: 15, bottom: 10)),
        .init("§2 mpad TR", Samples.camera640, "c_mpad,h_20,w_20", output: Size(640, 427), pad: .some(nil)),
        .init(
            "§2 mpad TR", Samples.camera100, "b_green,c_mpad,h_150,w_150", output: Size(150, 150),
            pad: Insets(left: 25, top: 41, right: 25, bottom: 42)),
        .init(
            "§2 mpad notes", Samples.camera100, "c_mpad,h_120,w_160", output: Size(160, 120),
            pad: Insets(left: 30, top: 26, right: 30, bottom: 27)),
        // A5: mixed mpad: horizontal padding only.
        .init(
            "A5 mpad mixed", Samples.camera, "c_mpad,w_2000,h_500", output: Size(2000, 853),
            pad: Insets(left: 360, top: 0, right: 360, bottom: 0)),
        // §5 e_upscale: tall-hall 200×303 → 800×1212.
        .init(
            "§5 upscale", Samples.tallHall, "e_upscale", output: Size(800, 1212), crop: Rect(0, 0, 200, 303)),
        // §6 chains.
        .init(
            "§6 chain", Samples.tallHall, "e_upscale/c_fill,w_400,h_400,g_north/e_grayscale",
            output: Size(400, 400),
            crop: Rect(0, 0, 200, 200)),
        .init(
            "§6 liquid", Samples.camera, "ar_1.0,c_scale,g_liquid,w_1.0/c_scale,h_500,w_500",
            output: Size(500, 500),
            crop: Rect(0, 0, 1280, 853)),
    ]

    @Test(arguments: sizes) func sizingRules(_ example: GeometryCase) throws { try example.check() }
    @Test(arguments: modes) func cropModes(_ example: GeometryCase) throws { try example.check() }
}
