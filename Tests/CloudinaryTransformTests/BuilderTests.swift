import CloudinaryTransform
import Testing

/// Typed builders and the SDK's expression rewriting, against what the Python SDK prints.
@Suite("Builders and expression syntax")
struct BuilderTests {
    @Test func buildersPrintWhatTheSDKPrints() throws {
        let t = Transformation(
            Component(.width(800), .gravity(.auto), .crop(.fill), .height(450)),
            Component(.format("auto")),
            Component(.quality(.auto(.eco))))
        #expect(t.canonicalDescription == "c_fill,g_auto,h_450,w_800/f_auto/q_auto:eco")
        let parsed = try Transformation(parsing: t.canonicalDescription)
        #expect(parsed.components.map { Set($0.parameters) } == t.components.map { Set($0.parameters) })

        let u = Transformation(
            Component(
                .condition("width > 400"), .variable("size", "initial_width * 0.5"),
                .expression("w", "$size"),
                .crop(.scale), .dpr(2), .border(width: 3, color: "#ff0000"), .background("#fc0")))
        #expect(
            u.canonicalDescription
                == "if_w_gt_400,$size_iw_mul_0.5,b_rgb:fc0,bo_3px_solid_rgb:ff0000,c_scale,dpr_2.0,w_$size")
        #expect(Transformation.parse(u.canonicalDescription).isValid)
    }

    @Test func textOverlaysEscapeLikeTheSDK() {
        #expect(
            Parameter.textOverlay("Sale, 50% off / today", font: "Roboto", size: 24, style: ["bold"])
                .description
                == "l_text:Roboto_24_bold:Sale%252C%2050%25%20off%20%252F%20today")
        #expect(
            Parameter.textOverlay("Hello, World/ 100% $(name) ünï", font: "Arial", size: 40, style: ["bold"])
                .description
                == "l_text:Arial_40_bold:Hello%252C%20World%252F%20100%25%20$(name)%20%C3%BCn%C3%AF")
        #expect(
            Parameter.textOverlay("Price $(price)", font: "Arial", size: 20).description
                == "l_text:Arial_20:Price%20$(price)")
    }

    @Test func relativeAndPixelValuesStayDistinct() {
        #expect(Parameter.width(1).description == "w_1")
        #expect(Parameter.width(relative: 1).description == "w_1.0")
        #expect(Parameter.dpr(2).description == "dpr_2.0")
        #expect(Parameter.dpr(1.5).description == "dpr_1.5")
        #expect(Parameter.radius().description == "r_max")
        #expect(Parameter.radius(10, 20).description == "r_10:20")
        #expect(Parameter.overlay(publicId: "folder/logo").description == "l_folder:logo")
    }

    /// `cloudinary.utils.normalize_expression` (cloudinary 1.46.3) on each input.
    static let normalized: [(String, String)] = [
        ("width * 2", "w_mul_2"), ("initial_width * 0.5", "iw_mul_0.5"), ("w_mul_2", "w_mul_2"),
        ("width / 2 + 10", "w_div_2_add_10"),
        ("initial_height >= 1000 && initial_width > 500", "ih_gte_1000_and_iw_gt_500"),
        ("aspect_ratio < 0.8", "ar_lt_0.8"), ("face_count > 2 || page_count != 1", "fc_gt_2_or_pc_ne_1"),
        ("$width * 2", "$width_mul_2"), ("text:width", "text:width"), ("iw  _mul_ 2", "iw_mul_2"),
        ("!width * 2!", "!width * 2!"), ("height - 10", "h_sub_10"), ("width ^ 2", "w_pow_2"),
        ("initialWidth * 0.5", "iw_mul_0.5"), ("current_page = 2", "cp_eq_2"),
        ("illustration_score <= 0.5", "ils_lte_0.5"), ("duration > 10", "du_gt_10"), ("$foo_width", "$foo_w"),
        ("tags", "tags"), ("width", "w"), ("w_gt_400", "w_gt_400"), ("context:!k!", "ctx:!k!"),
    ]

    @Test func expressionSyntaxMatchesTheSDK() {
        for (input, expected) in Self.normalized {
            #expect(ExpressionSyntax.normalize(input) == expected, "\(input)")
        }
    }
}
