import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine
import VipsCore

/// Image overlays drawn from the local file given for their public id: their own transformation
/// applied to that file, then placed like text; without a file, reported.
@Suite("Image layers")
struct ImageLayerTests {
    /// A 50×30 PNG of pure red beside the flat grey source.
    static func badge(beside source: String) throws -> String {
        let image = try Image(pixels: PixelBuffer(width: 50, height: 30, bands: 3,
                                                  data: (0..<(50 * 30)).flatMap { _ in [UInt8(255), 0, 0] }))
        let path = (source as NSString).deletingLastPathComponent + "/badge.png"
        try image.encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func render(_ text: String, source: String, files: [String: String]) throws -> (pixels: PixelBuffer, notRendered: [String]) {
        var request = RenderRequest(sourcePath: source, transformation: try Transformation(parsing: text), defaultFormat: .png)
        request.layerFiles = files
        let result = try Renderer.render(request)
        // As sRGB: a PNG whose pixels are all grey is written with one grey band.
        return (try Image.load(data: result.data).toSRGB().pixels(), result.notRendered)
    }

    @Test func theLayersOwnTransformationThenItsPlacement() throws {
        let source = try TextLayerTests.flatSource()
        let badge = try Self.badge(beside: source)
        // w_20 scales the 50×30 badge to 20×12; north-west with x_5, y_7.
        let (pixels, notRendered) = try Self.render("l_brand:badge,w_20/fl_layer_apply,g_north_west,x_5,y_7", source: source,
                                                    files: ["brand/badge": badge])
        #expect(notRendered.isEmpty, "\(notRendered)")
        let box = try #require(TextLayerTests.inkBox(pixels))
        #expect(box == (5, 7, 24, 18), "\(box)")
        #expect(pixels.value(x: 10, y: 10, band: 0) == 255 && pixels.value(x: 10, y: 10, band: 1) == 0)
        // The URL's spelling of the folder works as a key too; the apply component's placement
        // wins over the layer component's.
        let (again, _) = try Self.render("l_brand:badge,w_20,g_south/fl_layer_apply,g_north_west,x_5,y_7", source: source,
                                         files: ["brand:badge": badge])
        #expect(again == pixels)
    }

    /// Found in review: a layer larger than its base was clipped with only an info note, where
    /// Cloudinary widens the delivered image to hold it (unless fl_no_overflow).
    @Test func aLayerPastTheEdgeIsReportedUnlessNoOverflowAsksForIt() throws {
        let source = try TextLayerTests.flatSource()
        let files = ["brand/badge": try Self.badge(beside: source)]
        let (_, past) = try Self.render("l_brand:badge/fl_layer_apply,g_north_west,x_-10", source: source, files: files)
        #expect(past.count == 1 && past[0].hasPrefix("the part of l_brand:badge past the "), "\(past)")
        let (_, clipped) = try Self.render("l_brand:badge/fl_layer_apply.no_overflow,g_north_west,x_-10", source: source, files: files)
        #expect(clipped.isEmpty, "\(clipped)")
        let (_, inside) = try Self.render("l_brand:badge/fl_layer_apply,g_north_west", source: source, files: files)
        #expect(inside.isEmpty, "\(inside)")
        // Text too, and fl_relative once.
        let text = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "l_text:Arial_400:Huge/fl_layer_apply")))
        #expect(text.notRendered.count == 1 && text.notRendered[0].hasPrefix("the part of the text layer past the "), "\(text.notRendered)")
        let (_, relative) = try Self.render("l_brand:badge,w_0.3,fl_relative/fl_layer_apply", source: source, files: files)
        #expect(relative == ["fl_relative (sizes taken from the layer's file)"], "\(relative)")
    }

    /// The reference's pepper example: dpr resizes the overlay as it does the image. (The layer
    /// stayed at its dpr-1 size and place on a base twice as large.)
    @Test func dprScalesTheLayersSizesAndOffsets() throws {
        let source = try TextLayerTests.flatSource()
        let badge = try Self.badge(beside: source)
        let files = ["brand/badge": badge]
        let (doubled, _) = try Self.render("c_scale,w_200/l_brand:badge,w_20/fl_layer_apply,g_north_west,x_5,y_7/dpr_2.0",
                                           source: source, files: files)
        let (direct, _) = try Self.render("c_scale,w_400/l_brand:badge,w_40/fl_layer_apply,g_north_west,x_10,y_14",
                                          source: source, files: files)
        #expect(doubled.width == 400 && TextLayerTests.inkBox(doubled).map { [$0.0, $0.1, $0.2, $0.3] } == [10, 14, 49, 37])
        #expect(doubled == direct)
        // Text: Arial_20 at dpr 2 is Arial_40, its offsets doubled.
        let (text2, _) = try Self.render("c_scale,w_200/l_text:Arial_20:HHHH/fl_layer_apply,g_north_west,x_5,y_5/dpr_2.0",
                                         source: source, files: [:])
        let (text1, _) = try Self.render("c_scale,w_400/l_text:Arial_40:HHHH/fl_layer_apply,g_north_west,x_10,y_10",
                                         source: source, files: [:])
        #expect(text2 == text1)
        #expect(TextLayerTests.inkBox(text2).map { $0.2 - $0.0 } ?? 0 > 80)
    }

    @Test func opacityAndEffectsInTheLayerApplyToTheLayerOnly() throws {
        let source = try TextLayerTests.flatSource(0)
        let badge = try Self.badge(beside: source)
        let (pixels, notRendered) = try Self.render("l_badge,o_50/e_grayscale/fl_layer_apply,g_center", source: source,
                                                    files: ["badge": badge])
        #expect(notRendered.isEmpty, "\(notRendered)")
        // Red turned grey (about 124: the luminance of linear light, back in sRGB), at half
        // opacity over black, in the middle.
        let middle = (0..<3).map { pixels.value(x: 200, y: 100, band: $0) }
        #expect(middle[0] == middle[1] && middle[1] == middle[2] && (55...68).contains(middle[0]), "\(middle)")
        #expect(pixels.value(x: 10, y: 10, band: 0) == 0)  // the base outside the layer is untouched
        #expect(TextLayerTests.inkBox(pixels, background: 0) ?? (0, 0, 0, 0) == (175, 85, 224, 114))
    }

    @Test func aLayerWithoutAFileIsReportedAndTheBaseLeftAlone() throws {
        let source = try TextLayerTests.flatSource()
        let (pixels, notRendered) = try Self.render("l_brand:logo,w_20/fl_layer_apply,g_north_west", source: source, files: [:])
        #expect(TextLayerTests.inkBox(pixels) == nil)
        #expect(notRendered.contains("l_brand:logo"), "\(notRendered)")
    }
    /// Found in review: a `g_` in a component between the layer and its apply is the layer's
    /// own crop gravity, not where the layer goes.
    @Test func aCropInsideTheLayerDoesNotPlaceIt() throws {
        let source = try TextLayerTests.flatSource()
        let badge = try Self.badge(beside: source)
        let (pixels, _) = try Self.render("l_badge,w_50/c_crop,g_north_west,w_20,h_20/fl_layer_apply", source: source, files: ["badge": badge])
        let box = try #require(TextLayerTests.inkBox(pixels))
        #expect(box == (190, 90, 209, 109), "\(box)")  // 20×20, centred on the 400×200 base
    }
    /// Found in the second review: the layer's own transformation is cut out of the chain, and
    /// took none of the chain's variables with it (`w_$lw` could not be resolved).
    @Test func theChainsVariablesReachTheLayer() throws {
        let source = try TextLayerTests.flatSource()
        let badge = try Self.badge(beside: source)
        let (pixels, notRendered) = try Self.render("$lw_20/l_badge,w_$lw/fl_layer_apply,g_north_west", source: source, files: ["badge": badge])
        #expect(notRendered.isEmpty, "\(notRendered)")
        #expect(TextLayerTests.inkBox(pixels).map { [$0.0, $0.1, $0.2, $0.3] } == [0, 0, 19, 11])
    }

    /// A layer inside an image layer is drawn on the layer's file, and what comes after it up to
    /// the outer apply sizes the outer layer, not the base. Before, the first `fl_layer_apply`
    /// closed the outer layer: the scale after it shrank the whole image and the outer apply's
    /// placement was reported as not rendered.
    @Test func aLayerInsideAnImageLayerIsDrawnOnItAndTheScaleAfterItIsTheLayers() throws {
        let source = try TextLayerTests.flatSource(0)
        let badge = try Self.badge(beside: source)
        let (pixels, notRendered) = try Self.render(
            "l_badge,w_40/l_badge,w_10,e_grayscale/fl_layer_apply,g_north_west/c_scale,w_20/fl_layer_apply,g_north_west,x_5,y_7",
            source: source, files: ["badge": badge])
        #expect(notRendered.isEmpty, "\(notRendered)")
        #expect(pixels.width == 400 && pixels.height == 200)
        // The 40×24 badge with a grey 10×6 badge at its corner, scaled to 20×12, at (5, 7).
        #expect(TextLayerTests.inkBox(pixels, background: 0).map { [$0.0, $0.1, $0.2, $0.3] } == [5, 7, 24, 18])
        let corner = (0..<3).map { pixels.value(x: 6, y: 8, band: $0) }
        // The inner badge, grey (within the resize's rounding), where the outer one is red.
        #expect(corner.allSatisfy { abs(Int($0) - 124) <= 6 }, "\(corner)")
        #expect(pixels.value(x: 20, y: 15, band: 0) == 255 && pixels.value(x: 20, y: 15, band: 1) == 0)  // the outer, red
    }

    /// What a layer's own transformation leaves out is reported, naming the layer (it was lost).
    @Test func whatTheLayersOwnTransformationLeavesOutIsReported() throws {
        let source = try TextLayerTests.flatSource()
        let badge = try Self.badge(beside: source)
        let (_, notRendered) = try Self.render("l_brand:badge,w_20,e_oil_paint/fl_layer_apply", source: source,
                                               files: ["brand/badge": badge])
        #expect(notRendered.contains { $0.hasPrefix("e_oil_paint") && $0.hasSuffix("(in layer l_brand:badge)") }, "\(notRendered)")
    }
}
