import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine
import VipsCore

/// Text overlays drawn by the local renderer: where the ink lands (gravity and offsets), its
/// colour and opacity, the text's escapes, and what is reported rather than drawn.
@Suite("Text layers")
struct TextLayerTests {
    /// A flat 400×200 PNG of one grey, in a fresh folder.
    static func flatSource(_ value: UInt8 = 60) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("text-layer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let image = try Image(pixels: PixelBuffer(width: 400, height: 200, bands: 3,
                                                  data: [UInt8](repeating: value, count: 400 * 200 * 3)))
        let path = folder.appendingPathComponent("flat.png").path
        try image.encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func render(_ text: String, source: String) throws -> (pixels: PixelBuffer, notRendered: [String]) {
        let result = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: text),
                                                       defaultFormat: .png))
        // As sRGB: a PNG whose pixels are all grey is written with one grey band.
        return (try Image.load(data: result.data).toSRGB().pixels(), result.notRendered)
    }

    /// The box of the pixels that differ from the flat grey: (left, top, right, bottom), inclusive.
    static func inkBox(_ p: PixelBuffer, background: UInt8 = 60, threshold: Int = 0) -> (Int, Int, Int, Int)? {
        var box: (Int, Int, Int, Int)? = nil
        for y in 0..<p.height {
            for x in 0..<p.width where (0..<3).contains(where: { abs(Int(p.value(x: x, y: y, band: $0)) - Int(background)) > threshold }) {
                box = box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) } ?? (x, y, x, y)
            }
        }
        return box
    }

    @Test func southWithAnOffsetSitsAboveTheBottomEdgeCentred() throws {
        let source = try Self.flatSource()
        let (pixels, notRendered) = try Self.render("co_white,l_text:Arial_40:Hello/fl_layer_apply,g_south,y_10", source: source)
        #expect(notRendered.isEmpty, "\(notRendered)")
        let box = try #require(Self.inkBox(pixels))
        #expect(box.3 == 189, "ink ends at row \(box.3)")  // 10 px above the bottom row (199)
        #expect(abs((box.0 + box.2) - 399) <= 2, "ink spans \(box.0)…\(box.2)")
        #expect(box.3 - box.1 >= 25 && box.3 - box.1 <= 40)  // a 40 px font's capitals
        // White ink: the brightest pixel is white, and nothing outside the box changed.
        #expect(pixels.data.max() == 255)
    }

    @Test func cornerGravityOffsetsPointInwards() throws {
        let source = try Self.flatSource()
        let northWest = try #require(Self.inkBox(Self.render("co_white,l_text:Arial_30:Hi/fl_layer_apply,g_north_west,x_12,y_7", source: source).pixels))
        #expect(northWest.0 == 12 && northWest.1 == 7, "\(northWest)")
        let southEast = try #require(Self.inkBox(Self.render("co_white,l_text:Arial_30:Hi/fl_layer_apply,g_south_east,x_0.1,y_0.025", source: source).pixels))
        #expect(southEast.2 == 399 - 40 && southEast.3 == 199 - 5, "\(southEast)")  // x_0.1: a tenth of 400; y_0.025 of 200
    }

    @Test func colourAndOpacityBlendOverTheBase() throws {
        let source = try Self.flatSource(0)
        let (pixels, _) = try Self.render("co_rgb:ff0000,o_50,l_text:Arial_60_bold:I/fl_layer_apply", source: source)
        var red: UInt8 = 0, other: UInt8 = 0
        for y in 0..<pixels.height {
            for x in 0..<pixels.width {
                red = max(red, pixels.value(x: x, y: y, band: 0))
                other = max(other, pixels.value(x: x, y: y, band: 1), pixels.value(x: x, y: y, band: 2))
            }
        }
        #expect((126...129).contains(red), "red \(red)")
        #expect(other == 0)
    }

    @Test func theTextIsDecodedAsCloudinaryDecodesIt() throws {
        let layer = try #require(TextLayer(layer: "text:Times%20New%20Roman_30_bold_italic_underline_letter_spacing_5:A%252C%20b%252F%0Ac",
                                           components: 0...1))
        #expect(layer.text == "A, b/\nc")
        #expect(layer.family == "Times New Roman" && layer.size == 30)
        #expect(layer.bold && layer.italic && layer.underline && layer.letterSpacing == 5)
        #expect(layer.fontDescription == "Times New Roman, Bold Italic 30")
        #expect(layer.markup == "<span underline=\"single\" letter_spacing=\"5120\">A, b/\nc</span>")
        #expect(TextLayer(layer: "text:Arial_40:a <b> & c", components: 0...1)?.markup == "a &lt;b&gt; &amp; c")
        // The SDK's rasteriser settings are read past, not reported (they were "text style antialias").
        let hinted = try #require(TextLayer(layer: "text:Arial_12_bold_antialias_fast_hinting_slight_italic:Hint", components: 0...1))
        #expect(hinted.notRendered.isEmpty && hinted.bold && hinted.italic, "\(hinted.notRendered)")
        #expect(TextLayer(layer: "text:Arial_12_antialias_bogus:Hint", components: 0...1)?.notRendered == ["text style antialias_bogus"])
        // A saved text style (its public id, not family_size) is only Cloudinary's to know.
        #expect(TextLayer(layer: "text:my_style:Hello", components: 0...1) == nil)
    }

    @Test func whatIsNotDrawnIsReported() throws {
        let source = try Self.flatSource()
        let stroke = try Self.render("co_white,l_text:Arial_40_stroke:Hi,bo_2px_solid_black/fl_layer_apply,g_face", source: source)
        #expect(stroke.notRendered == ["text style stroke", "bo_2px_solid_black (in a text layer)", "g_face (layer placed at the centre)"])
        #expect(Self.inkBox(stroke.pixels) != nil)  // the text itself is drawn
        let template = try Self.render("l_text:my_style:Hi/fl_layer_apply", source: source)
        #expect(template.notRendered.contains("l_text:my_style:Hi"))
        #expect(Self.inkBox(template.pixels) == nil)
        // Conditions are evaluated on the base geometry only: a conditional text is left out.
        let conditional = try Self.render("if_w_gt_100/co_white,l_text:Arial_40:Hi/fl_layer_apply/if_end", source: source)
        #expect(Self.inkBox(conditional.pixels) == nil)
        #expect(conditional.notRendered == ["l_text:Hi (a layer inside an if_ block: conditions are evaluated on the base image only)"]
                || conditional.notRendered == ["l_text:Arial_40:Hi (a layer inside an if_ block: conditions are evaluated on the base image only)"],
                "\(conditional.notRendered)")
    }

    @Test func aTextThatCouldOutgrowThePixelLimitIsRefusedBeforeDecoding() throws {
        let source = try Self.flatSource()
        let long = String(repeating: "W", count: 3000)
        let error = #expect(throws: EngineError.self) {
            try Self.render("c_scale,w_200/l_text:Arial_3000:\(long)/fl_layer_apply", source: source)
        }
        #expect(error?.code == .invalidTransformation)
        // The 3047-character transformation is named by its two ends, the reason kept in view.
        #expect(error?.description.hasPrefix("c_scale,w_200/l_text:Arial_3000:WWW") == true)
        #expect(error?.description.contains("WWW/fl_layer_apply (3047 characters): its text layer") == true, "\(String(describing: error))")
        #expect((error?.description.count ?? 0) < 300)
        #expect(error?.message == "its text layer (3000 characters at 3000 px) could be up to 9000000×4500 pixels, "
            + "over the limit of 100 megapixels", "\(String(describing: error))")
        // A size as large as Int goes is refused the same way, not an overflow.
        let huge = #expect(throws: EngineError.self) {
            try Self.render("l_text:Arial_9223372036854775807:Hi/fl_layer_apply", source: source)
        }
        #expect(huge?.message.contains("could be up to") == true, "\(String(describing: huge))")
        // Lines count one by one: 40 lines of 50 characters at 100 px are 5000 px wide, not 200,000.
        let lines = Array(repeating: String(repeating: "x", count: 50), count: 40).joined(separator: "%0A")
        #expect(throws: Never.self) { try Self.render("co_white,l_text:Arial_100:\(lines)/fl_layer_apply", source: source) }
    }

    @Test func aLayerIsDrawnWhereItIsAppliedInTheChain() throws {
        // Drawn at 40 px, then the whole image halved: the ink is half as tall as drawn alone
        // (its solid part: resampling rings faintly around it).
        let source = try Self.flatSource()
        let alone = try #require(Self.inkBox(Self.render("co_white,l_text:Arial_40:H/fl_layer_apply", source: source).pixels, threshold: 60))
        let halved = try #require(Self.inkBox(Self.render("co_white,l_text:Arial_40:H/fl_layer_apply/c_scale,w_200", source: source).pixels, threshold: 60))
        let height = alone.3 - alone.1 + 1, halvedHeight = halved.3 - halved.1 + 1
        #expect(abs(halvedHeight * 2 - height) <= 3, "\(height) then \(halvedHeight)")
    }
    /// Found in review: numbers a transformation may spell but no pixel position can hold.
    @Test func extremeStylesAndOffsetsNeverTrap() throws {
        let source = try Self.flatSource()
        for text in ["co_white,l_text:Arial_40_letter_spacing_-inf:Hi/fl_layer_apply", "co_white,l_text:Arial_40_letter_spacing_nan:Hi/fl_layer_apply",
                     "co_white,l_text:Arial_40_letter_spacing_-1e30:Hi/fl_layer_apply",
                     "co_white,l_text:Arial_40:Hi/fl_layer_apply,g_east,y_99999999999999999999",
                     "co_white,l_text:Arial_40:Hi/fl_layer_apply,x_-99999999999999999999.5",
                     "co_white,l_text:Arial_40:Hi/fl_layer_apply,x_3000000000"] {
            let (pixels, _) = try Self.render(text, source: source)
            #expect(pixels.width == 400 && pixels.height == 200, "\(text)")
        }
        // Offsets that far put the text off the image: nothing drawn.
        #expect(try Self.inkBox(Self.render("co_white,l_text:Arial_40:Hi/fl_layer_apply,x_3000000000", source: source).pixels) == nil)
    }

    /// Found in review: a layer is drawn on the image as the chain has it at that point.
    @Test func aLayerSeesTheEffectsBeforeItAndTheCropNotTheSource() throws {
        let source = try Self.flatSource()
        // e_grayscale has no geometry step; it must not turn the red text after it grey.
        let (grey, _) = try Self.render("e_grayscale/co_red,l_text:Arial_100_bold:SALE/fl_layer_apply/c_scale,w_200", source: source)
        let reddest = stride(from: 0, to: grey.data.count, by: 3).map { Int(grey.data[$0]) - Int(grey.data[$0 + 1]) }.max() ?? 0
        #expect(reddest > 100, "reddest pixel: red - green = \(reddest)")
        // A crop, the layer, then a scale: the text is drawn on the crop (the crop and the scale
        // used to merge into one step, and the text was drawn on the whole source, then cut off).
        let folder = (source as NSString).deletingLastPathComponent
        let jpeg = folder + "/flat.jpg"
        let big = try Image(pixels: PixelBuffer(width: 1600, height: 800, bands: 3, data: [UInt8](repeating: 60, count: 1600 * 800 * 3)))
        try big.encoded(as: EncodeOptions.defaults(for: .jpeg, quality: 90)).write(to: URL(fileURLWithPath: jpeg))
        let result = try Renderer.render(RenderRequest(sourcePath: jpeg, transformation: try Transformation(parsing:
            "c_crop,w_800,h_400,x_0,y_0/co_white,l_text:Arial_120_bold:SALE/fl_layer_apply,g_south_east/c_scale,w_100"), defaultFormat: .png))
        let cropped = try Image.load(data: result.data).toSRGB().pixels()
        #expect(cropped.width == 100 && Self.inkBox(cropped, threshold: 60) != nil)
    }
    /// Found in the second review: an effect of the last geometry component, applied in the
    /// final pass, was applied again when a later layer was drawn (o_50 became a quarter).
    @Test func anEffectBeforeALayerIsAppliedOnce() throws {
        let source = try Self.flatSource()
        let (pixels, _) = try Self.render("c_scale,w_400,o_50/co_white,l_text:Arial_40:Hi/fl_layer_apply,g_north_west", source: source)
        #expect(pixels.bands == 4)
        let alpha = pixels.value(x: 390, y: 190, band: 3)
        #expect((126...129).contains(alpha), "alpha \(alpha)")
        // A NUL or another control character in the text is dropped, not an error.
        let (nul, _) = try Self.render("co_white,l_text:Arial_40:A%00B%07C/fl_layer_apply", source: source)
        #expect(Self.inkBox(nul) != nil)
    }

    /// A layer inside a text layer is reported, and the text is placed by its own apply
    /// component. Before, the inner layer's apply closed the text (placing it at the centre),
    /// the inner layer vanished without a word and the outer apply was reported instead.
    @Test func aLayerInsideATextLayerIsReportedAndTheTextPlacedByItsOwnApply() throws {
        let source = try Self.flatSource()
        let (pixels, notRendered) = try Self.render(
            "co_white,l_text:Arial_40:Hello/l_text:Arial_20:Inner,co_red/fl_layer_apply/fl_layer_apply,g_south,y_10", source: source)
        #expect(notRendered == ["l_text:Arial_20:Inner (a layer inside a text layer)"], "\(notRendered)")
        let box = try #require(Self.inkBox(pixels))
        #expect(box.3 == 189, "\(box)")  // 10 px above the bottom, as g_south,y_10 puts it
        #expect(abs((box.0 + box.2) - 399) <= 2, "ink spans \(box.0)…\(box.2)")
        // The inner layer's colour is not the text's: white, not red.
        #expect((0..<pixels.height).allSatisfy { y in (0..<pixels.width).allSatisfy { x in
            !(pixels.value(x: x, y: y, band: 0) > 200 && pixels.value(x: x, y: y, band: 1) < 50) } })
    }

    /// The short form: a text layer with no fl_layer_apply is drawn where its component is, and
    /// the components after it work on the base with the text on it.
    @Test func aShortFormLayerIsDrawnThenTheChainGoesOn() throws {
        let source = try Self.flatSource()
        let result = try Renderer.render(RenderRequest(
            sourcePath: source, transformation: try Transformation(parsing: "l_text:Arial_40:Hi,co_white,g_north_west/c_scale,w_200"),
            defaultFormat: .png))
        #expect(result.notRendered.isEmpty, "\(result.notRendered)")
        let pixels = try Image.load(data: result.data).toSRGB().pixels()
        #expect(pixels.width == 200 && pixels.height == 100)
        let box = try #require(Self.inkBox(pixels, threshold: 20))
        #expect(box.0 <= 3 && box.1 <= 8 && box.2 < 40 && box.3 < 25, "\(box)")  // halved, in the corner
    }

    /// Found in review: b_auto, b_blurred and b_gen_fill padded with the default colour and
    /// said nothing, though nothing is left out without a word.
    @Test func backgroundsComputedFromTheImageAreReported() throws {
        let source = try TextLayerTests.flatSource()
        for value in ["auto", "blurred:400:15", "gen_fill"] {
            let result = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "c_pad,w_400,h_400,b_\(value)"),
                                                           defaultFormat: .png))
            #expect(result.notRendered == ["b_\(value) (padded with the default colour)"], "\(result.notRendered)")
        }
        let red = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: "c_pad,w_400,h_400,b_red"),
                                                    defaultFormat: .png))
        #expect(red.notRendered.isEmpty)
        let pixels = try Image.load(data: red.data).toSRGB().pixels()
        #expect(pixels.value(x: 200, y: 5, band: 0) == 255 && pixels.value(x: 200, y: 5, band: 1) == 0)
    }

    /// A text drawn in another font than it names, or with characters no font here has, looked
    /// different from Cloudinary's without a word (the reviewers' "unknown fonts are replaced
    /// silently, CJK draws boxes").
    @Test func fontsDrawnOtherwiseAreNoted() throws {
        let source = try Self.flatSource()
        func notes(_ layer: String) throws -> [String] {
            let result = try Renderer.render(RenderRequest(sourcePath: source, transformation: try Transformation(parsing: layer + "/fl_layer_apply"),
                                                           defaultFormat: .png))
            return result.notes.filter { $0.contains("[font-substituted]") || $0.contains("[glyphs-missing]") }
        }
        let unknown = try notes("l_text:NoSuchFontAtAll_40:Hello")
        #expect(unknown.count == 1 && unknown[0].hasPrefix("warning: component 0: the font NoSuchFontAtAll is not installed here: the text is drawn with "),
                "\(unknown)")
        // Arial's stand-in (installed by scripts/install-deps.sh) has its widths: said, quietly.
        #expect(try notes("l_text:Arial_40:Hello") == [
            "info: component 0: the font Arial is drawn with Liberation Sans, which has the same widths; the letters' shapes differ [font-substituted]",
        ])
        #expect(try notes("l_text:Liberation%20Sans_40_bold:Hello").isEmpty)
        // Found in the diff review: a face whose second name was asked for ("DejaVu Sans
        // Condensed" is also "DejaVu Sans"), characters that draw nothing (a variation
        // selector), and a text that draws nothing (o_0) were all reported.
        #expect(try notes("l_text:DejaVu%20Sans%20Condensed_40:Hello").isEmpty)
        #expect(try notes("l_text:DejaVu%20Sans_40:A%F3%A0%84%80B%E1%A0%8B").isEmpty)
        #expect(try notes("l_text:NoSuchFontAtAll_40:%E6%97%A5,o_0").isEmpty)
        // A text of zero-width characters only failed the render ("no text to render").
        #expect(try notes("l_text:Sans_40:%E2%80%8B%E2%80%8D").isEmpty)
        #expect(try notes("l_text:Sans_40:Hi").first?.hasPrefix("info: component 0: Sans is a generic family, drawn here with ") == true)
        // Adlam (U+1E900…): in no font this project installs.
        let boxes = try notes("l_text:Liberation%20Sans_40:ok%20%F0%9E%A4%80%F0%9E%A4%81%F0%9E%A4%80")
        #expect(boxes == ["warning: component 0: no font here has 2 characters of the text (\u{1E900}\u{1E901}): drawn as boxes [glyphs-missing]"],
                "\(boxes)")
    }

    /// The wording without fontconfig: many missing characters are cut short, and a family
    /// that differs only in case or spaces is the same family.
    @Test func fontNotesWording() throws {
        let layer = try #require(TextLayer(layer: "text:open%20sans_20:x", components: 2...2))
        #expect(layer.fontNotes(match: FontMatch(family: "Open Sans", missing: [])).isEmpty)
        #expect(layer.fontNotes(match: FontMatch(family: "OpenSans", missing: [])).isEmpty)
        let many = layer.fontNotes(match: FontMatch(family: "Open Sans", missing: (0x4E00..<0x4E0A).compactMap(Unicode.Scalar.init)))
        #expect(many == ["warning: component 2: no font here has 10 characters of the text (一丁丂七丄丅丆万…): drawn as boxes [glyphs-missing]"], "\(many)")
        #expect(layer.fontNotes(match: nil).first?.contains("no font is installed here") == true)
    }
}
