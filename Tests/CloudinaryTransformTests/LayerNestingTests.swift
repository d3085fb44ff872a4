import Testing

@testable import CloudinaryTransform

/// Which components belong to which layer, nested layers included.
@Suite("Layer nesting")
struct LayerNestingTests {
    static func nesting(_ text: String) throws -> LayerNesting {
        LayerNesting(try Transformation(parsing: text))
    }

    static func span(_ range: ClosedRange<Int>, _ depth: Int) -> LayerNesting.Span {
        .init(components: range, depth: depth)
    }

    @Test func aLayerInsideALayerIsClosedByTheFirstApply() throws {
        let n = try Self.nesting("w_800/l_badge/l_text:Arial_20:New/fl_layer_apply/c_scale,w_120/fl_layer_apply,g_south/e_sharpen")
        #expect(n.spans == [Self.span(1...5, 0), Self.span(2...3, 1)])
        #expect(n.inLayer == [false, true, true, true, true, true, false])
        #expect(n.level == [0, 0, 1, 1, 1, 0, 0])
        #expect(n.strayApplies.isEmpty)
    }

    @Test func layersSideBySideAndAppliedInTheirOwnComponent() throws {
        let n = try Self.nesting("l_a/fl_layer_apply/l_b,fl_layer_apply,g_north/w_100/u_c/fl_layer_apply")
        #expect(n.spans == [Self.span(0...1, 0), Self.span(2...2, 0), Self.span(4...5, 0)])
        #expect(n.inLayer == [true, true, true, false, true, true])
        #expect(n.level == [0, 0, 0, 0, 0, 0])
    }

    /// A layer no apply closes is the short form, all in its own component: what follows is
    /// the base's again (before, it took every later component: `c_fill` after
    /// `l_icon,w_50,g_south_east` did nothing).
    @Test func anUnclosedLayerIsItsOwnComponentAndAStrayApplyIsNoLayer() throws {
        let n = try Self.nesting("fl_layer_apply/w_100/l_a/l_b/fl_layer_apply/w_50")
        #expect(n.strayApplies == [0])
        #expect(n.spans == [Self.span(2...2, 0), Self.span(3...4, 0)])
        #expect(n.inLayer == [false, false, true, true, true, false])
        // The apply closes the innermost layer open, so the one before it is the short form.
        let inside = try Self.nesting("l_a/l_b,w_10/e_sharpen/fl_layer_apply")
        #expect(inside.spans == [Self.span(0...0, 0), Self.span(1...3, 0)])
        #expect(inside.level == [0, 0, 1, 0])
    }

    /// Found in review: flags given as several fl_ parameters (the reference's documented
    /// `fl_layer_apply,fl_relative`) were refused as a duplicate parameter; they apply the layer.
    @Test func flagsAsSeveralParameters() throws {
        for text in ["u_site_bg/c_fill,fl_layer_apply,fl_relative,h_1.0,w_1.0", "l_logo/fl_layer_apply,fl_no_overflow,g_north"] {
            let result = Transformation.validate(text)
            #expect(result.isValid, "\(text): \(result.diagnostics)")
            #expect(try Self.nesting(text).spans == [Self.span(0...1, 0)])
        }
        #expect(!Transformation.validate("c_fill,w_10,w_20").isValid)  // other keys twice stay an error
    }
}
