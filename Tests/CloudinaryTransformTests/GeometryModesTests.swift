import Testing

@testable import CloudinaryTransform

/// Every mode with both dimensions and with one, on downscaling, upscaling and extreme sources.
/// Numbers follow §7 of cloudinary-geometry.md.
@Suite struct GeometryModesTests {
    static let camera: Size = Samples.camera
    static let small: Size = Samples.camera100
    static let wide: Size = Size(4000, 100)
    static let tall: Size = Size(100, 4000)

    /// Downscaling 1280×853 into 400×400.
    static let bothDown: [GeometryCase] = [
        .init("down", camera, "c_scale,w_400,h_400", output: Size(400, 400), crop: Rect(0, 0, 1280, 853)),
        .init("down", camera, "c_fit,w_400,h_400", output: Size(400, 267), crop: Rect(0, 0, 1280, 853)),
        .init("down", camera, "c_limit,w_400,h_400", output: Size(400, 267)),
        .init("down", camera, "c_mfit,w_400,h_400", output: Size(1280, 853)),
        .init("down", camera, "c_fill,w_400,h_400", output: Size(400, 400), crop: Rect(213, 0, 853, 853)),
        .init("down", camera, "c_lfill,w_400,h_400", output: Size(400, 400), crop: Rect(213, 0, 853, 853)),
        .init("down", camera, "c_crop,w_400,h_400", output: Size(400, 400), crop: Rect(440, 226, 400, 400)),
        .init(
            "down", camera, "c_thumb,g_center,w_400,h_400", output: Size(400, 400),
            crop: Rect(213, 0, 853, 853)),
        .init(
            "down", camera, "c_auto,g_center,w_400,h_400", output: Size(400, 400),
            crop: Rect(213, 0, 853, 853)),
        .init(
            "down", camera, "c_pad,w_400,h_400", output: Size(400, 400), crop: Rect(0, 0, 1280, 853),
            pad: Insets(left: 0, top: 66, right: 0, bottom: 67)),
        .init(
            "down", camera, "c_lpad,w_400,h_400", output: Size(400, 400),
            pad: Insets(left: 0, top: 66, right: 0, bottom: 67)),
        .init("down", camera, "c_mpad,w_400,h_400", output: Size(1280, 853), pad: .some(nil)),
    ]

    /// Upscaling 100×67 into 400×400.
    static let bothUp: [GeometryCase] = [
        .init("up", small, "c_scale,w_400,h_400", output: Size(400, 400)),
        .init("up", small, "c_fit,w_400,h_400", output: Size(400, 268)),
        .init("up", small, "c_limit,w_400,h_400", output: Size(100, 67)),
        .init("up", small, "c_mfit,w_400,h_400", output: Size(400, 268)),
        .init("up", small, "c_fill,w_400,h_400", output: Size(400, 400), crop: Rect(16, 0, 67, 67)),
        .init("up", small, "c_lfill,w_400,h_400", output: Size(100, 67), crop: Rect(0, 0, 100, 67)),
        .init("up", small, "c_crop,w_400,h_400", output: Size(100, 67), crop: Rect(0, 0, 100, 67)),
        .init("up", small, "c_thumb,g_north,w_400,h_400", output: Size(400, 400), crop: Rect(16, 0, 67, 67)),
        .init(
            "up", small, "c_pad,w_400,h_400", output: Size(400, 400),
            pad: Insets(left: 0, top: 66, right: 0, bottom: 66)),
        .init(
            "up", small, "c_lpad,w_400,h_400", output: Size(400, 400),
            pad: Insets(left: 150, top: 166, right: 150, bottom: 167)),
        .init(
            "up", small, "c_mpad,w_400,h_400", output: Size(400, 400),
            pad: Insets(left: 150, top: 166, right: 150, bottom: 167)),
    ]

    /// One dimension (R2): the other follows the input's aspect ratio.
    static let oneDimensionCases: [GeometryCase] = [
        .init("w only", camera, "c_scale,w_640", output: Size(640, 427)),
        .init("w only", camera, "c_fit,w_640", output: Size(640, 427)),
        .init("w only", camera, "c_limit,w_640", output: Size(640, 427)),
        .init("w only", camera, "c_mfit,w_640", output: Size(1280, 853)),
        .init("w only", camera, "c_fill,w_640", output: Size(640, 427), crop: Rect(0, 0, 1280, 853)),
        .init("w only", camera, "c_lfill,w_640", output: Size(640, 427), crop: Rect(0, 0, 1280, 853)),
        .init("w only", camera, "c_crop,w_640", output: Size(640, 427), crop: Rect(320, 213, 640, 427)),
        .init(
            "w only", camera, "c_thumb,g_center,w_640", output: Size(640, 427), crop: Rect(0, 0, 1280, 853)),
        .init("w only", camera, "c_pad,w_640", output: Size(640, 427), pad: .some(nil)),
        .init("w only", camera, "c_lpad,w_640", output: Size(640, 427), pad: .some(nil)),
        .init("w only", camera, "c_mpad,w_640", output: Size(1280, 853), pad: .some(nil)),
        .init("h only", camera, "c_scale,h_100", output: Size(150, 100)),
        .init("h only", camera, "c_fill,h_100", output: Size(150, 100), crop: Rect(0, 0, 1280, 853)),
        .init("h only", camera, "c_crop,h_100", output: Size(150, 100), crop: Rect(565, 376, 150, 100)),
        .init("w only up", small, "c_scale,w_400", output: Size(400, 268)),
        .init("w only up", small, "c_fit,w_400", output: Size(400, 268)),
        .init("w only up", small, "c_limit,w_400", output: Size(100, 67)),
        .init("w only up", small, "c_mfit,w_400", output: Size(400, 268)),
        .init("w only up", small, "c_fill,w_400", output: Size(400, 268), crop: Rect(0, 0, 100, 67)),
        .init("w only up", small, "c_lfill,w_400", output: Size(100, 67)),
        .init("w only up", small, "c_crop,w_400", output: Size(100, 67)),
        .init("w only up", small, "c_pad,w_400", output: Size(400, 268), pad: .some(nil)),
        .init(
            "w only up", small, "c_lpad,w_400", output: Size(400, 268),
            pad: Insets(left: 150, top: 100, right: 150, bottom: 101)),
        .init(
            "w only up", small, "c_mpad,w_400", output: Size(400, 268),
            pad: Insets(left: 150, top: 100, right: 150, bottom: 101)),
    ]

    /// Extreme aspect ratios, 4000×100 and 100×4000, into 200×200.
    static let extreme: [GeometryCase] = [
        .init("wide", wide, "c_scale,w_200,h_200", output: Size(200, 200)),
        .init("wide", wide, "c_fit,w_200,h_200", output: Size(200, 5)),
        .init("wide", wide, "c_limit,w_200,h_200", output: Size(200, 5)),
        .init("wide", wide, "c_mfit,w_200,h_200", output: Size(4000, 100)),
        .init("wide", wide, "c_fill,w_200,h_200", output: Size(200, 200), crop: Rect(1950, 0, 100, 100)),
        .init("wide", wide, "c_lfill,w_200,h_200", output: Size(200, 100), crop: Rect(1900, 0, 200, 100)),
        .init("wide", wide, "c_crop,w_200,h_200", output: Size(200, 100), crop: Rect(1900, 0, 200, 100)),
        .init("wide", wide, "c_thumb,g_west,w_200,h_200", output: Size(200, 200), crop: Rect(0, 0, 100, 100)),
        .init(
            "wide", wide, "c_pad,w_200,h_200", output: Size(200, 200),
            pad: Insets(left: 0, top: 97, right: 0, bottom: 98)),
        .init(
            "wide", wide, "c_lpad,w_200,h_200", output: Size(200, 200),
            pad: Insets(left: 0, top: 97, right: 0, bottom: 98)),
        .init(
            "wide", wide, "c_mpad,w_200,h_200", output: Size(4000, 200),
            pad: Insets(left: 0, top: 50, right: 0, bottom: 50)),
        // A14: 0.25 px high → at least 1 px.
        .init("wide A14", wide, "c_scale,w_10", output: Size(10, 1)),
        .init("wide", wide, "ar_16:9,c_fill,w_320", output: Size(320, 180), crop: Rect(1911, 0, 178, 100)),
        .init("tall", tall, "c_scale,w_200,h_200", output: Size(200, 200)),
        .init("tall", tall, "c_fit,w_200,h_200", output: Size(5, 200)),
        .init("tall", tall, "c_mfit,w_200,h_200", output: Size(100, 4000)),
        .init("tall", tall, "c_fill,w_200,h_200", output: Size(200, 200), crop: Rect(0, 1950, 100, 100)),
        .init(
            "tall", tall, "c_fill,g_south,w_200,h_200", output: Size(200, 200), crop: Rect(0, 3900, 100, 100)),
        .init("tall", tall, "c_lfill,w_200,h_200", output: Size(100, 200), crop: Rect(0, 1900, 100, 200)),
        .init("tall", tall, "c_crop,w_200,h_200", output: Size(100, 200), crop: Rect(0, 1900, 100, 200)),
        .init(
            "tall", tall, "c_pad,w_200,h_200", output: Size(200, 200),
            pad: Insets(left: 97, top: 0, right: 98, bottom: 0)),
        .init(
            "tall", tall, "c_mpad,w_200,h_200", output: Size(200, 4000),
            pad: Insets(left: 50, top: 0, right: 50, bottom: 0)),
        .init("tall A14", tall, "c_scale,h_10", output: Size(1, 10)),
    ]

    /// Relative sizes, iw/ih, expressions, ar alone and with one side.
    static let values: [GeometryCase] = [
        .init("relative", camera, "c_scale,w_1.0", output: Size(1280, 853)),
        .init("relative", camera, "c_scale,w_1", output: Size(1, 1)),
        // 0.5 × 853 = 426.5 → 427; the fill window is 1278.5 → 1279 wide, slack 1 → x 0.
        .init("relative", camera, "c_fill,w_0.5,h_0.5", output: Size(640, 427), crop: Rect(0, 0, 1279, 853)),
        .init(
            "relative", camera, "c_crop,w_0.5,h_0.5,x_0.25,y_0.25", output: Size(640, 427),
            crop: Rect(320, 213, 640, 427)),
        .init(
            "relative", Samples.camera640, "c_crop,w_0.5,h_0.5,x_0.25,y_0.25", output: Size(320, 214),
            crop: Rect(160, 107, 320, 214)),
        .init("iw/ih", camera, "c_scale,w_ih,h_iw", output: Size(853, 1280)),
        .init("expression", camera, "c_scale,w_iw_div_2", output: Size(640, 427)),
        .init("expression", camera, "c_scale,w_iw_mul_0.25_add_10", output: Size(330, 220)),
        .init("variable", camera, "$size_300/c_scale,w_$size", output: Size(300, 200)),
        .init("ar alone", camera, "ar_16:9,c_fill", output: Size(1280, 720), crop: Rect(0, 66, 1280, 720)),
        .init("ar alone", camera, "ar_9:16,c_crop", output: Size(480, 853), crop: Rect(400, 0, 480, 853)),
        .init("ar alone", camera, "ar_1:2,c_scale", output: Size(427, 853)),
        .init(
            "ar with h", camera, "ar_16:9,c_fill,h_90", output: Size(160, 90), crop: Rect(0, 66, 1280, 720)),
        .init("ar with w", camera, "ar_1.5,c_pad,w_300", output: Size(300, 200), pad: .some(nil)),
        .init("ar no mode", camera, "ar_1.0", output: Size(1280, 853)),
        // dpr in the same component, fractional dpr, absolute sizes only.
        .init(
            "dpr", camera, "c_fill,w_100,h_100,dpr_2.0", output: Size(200, 200), crop: Rect(213, 0, 853, 853)),
        .init("dpr", camera, "c_fill,w_101,h_101,dpr_1.5", output: Size(152, 152)),
        .init("dpr", camera, "dpr_3.0/c_scale,w_100", output: Size(300, 200)),
        .init("dpr", camera, "c_scale,w_100/c_crop,w_50,h_50/dpr_2.0", output: Size(100, 100)),
        .init("dpr", camera, "c_scale,w_100,dpr_auto", output: Size(100, 67)),
        .init("dpr", camera, "c_scale,w_ih/dpr_2.0", output: Size(853, 568)),
        .init("ignore ar", camera, "c_scale,fl_ignore_aspect_ratio,w_100", output: Size(100, 853)),
        .init("ignore ar", camera, "c_fill,fl_ignore_aspect_ratio,h_100", output: Size(1280, 100)),
    ]

    @Test(arguments: bothDown) func bothDimensionsDownscaling(_ c: GeometryCase) throws { try c.check() }
    @Test(arguments: bothUp) func bothDimensionsUpscaling(_ c: GeometryCase) throws { try c.check() }
    @Test(arguments: oneDimensionCases) func oneDimension(_ c: GeometryCase) throws { try c.check() }
    @Test(arguments: extreme) func extremeAspectRatios(_ c: GeometryCase) throws { try c.check() }
    @Test(arguments: values) func sizeValues(_ c: GeometryCase) throws { try c.check() }

    @Test func imaggaIsReportedNotSupported() throws {
        let g = try resolveGeometry("c_imagga_crop,w_300,h_200", Self.camera)
        #expect(g.output == Self.camera)
        #expect(g.notes.contains { $0.code == "not-supported-locally" && $0.component == 0 })
    }

    @Test func everyModeProducesAStepNamedForIt() throws {
        for mode in [
            "scale", "fit", "limit", "mfit", "fill", "lfill", "crop", "thumb", "auto", "pad", "lpad", "mpad",
        ] {
            let g = try resolveGeometry("c_\(mode),g_center,w_300,h_200", Self.camera)
            #expect(g.steps.count == 1)
            #expect(g.steps.first?.mode == mode)
            #expect(g.steps.first?.kind == .resize)
        }
    }
}
