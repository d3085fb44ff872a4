import CloudinaryTransform
import Testing

/// "Declare before use": a `$name` that nothing declares is a warning (the string stays valid:
/// a named transformation or a later edit may supply it), pointing at the use.
@Suite("Undeclared variables")
struct VariableUseTests {
    func warnings(_ input: String) -> [Diagnostic] {
        Transformation.validate(input).diagnostics.filter { $0.code == .undefinedVariable }
    }

    /// Name order put `$a_$z_mul_2` before `$z_10`, using `$z` before it was set; the SDK
    /// keeps its `variables` list in the order given.
    @Test func theCanonicalFormSetsAVariableBeforeAnotherUsesIt() throws {
        let canonical = try #require(Transformation.validate("$z_10,$a_$z_mul_2,c_scale,w_$a").canonical)
        #expect(canonical == "$z_10,$a_$z_mul_2,c_scale,w_$a")
        #expect(Transformation.validate(canonical).canonical == canonical)
        // Independent variables keep name order, as the SDKs sort `$name` keys; a name that only
        // starts like another is not a use of it.
        #expect(Transformation.validate("$z_10,$a_20,c_scale,w_$a").canonical == "$a_20,$z_10,c_scale,w_$a")
        #expect(Transformation.validate("$ab_5,$b_$ab_mul_2,$a_3,w_$b").canonical == "$a_3,$ab_5,$b_$ab_mul_2,w_$b")
        #expect(Transformation.validate("$c_$b_add_1,$b_$a_add_1,$a_1,w_$c").canonical == "$a_1,$b_$a_add_1,$c_$b_add_1,w_$c")
        // A bare $a inside quoted text is text, not a use (it made a false cycle, and name order
        // put $a before the $z it uses); $(a) there is a use.
        #expect(Transformation.validate("$z_!$a!,$a_$z_mul_2,w_$a").canonical == "$z_!$a!,$a_$z_mul_2,w_$a")
        #expect(Transformation.validate("$b_!x $(a)!,$a_!y!,w_100").canonical == "$a_!y!,$b_!x $(a)!,w_100")
        // The model's printer (canonicalDescription) orders them the same way.
        #expect(try Transformation(parsing: "$z_10,$a_$z_mul_2,c_scale,w_$a").canonicalDescription == "$z_10,$a_$z_mul_2,c_scale,w_$a")
    }

    @Test func anUndeclaredUseIsAWarningAtTheUse() throws {
        let result = Transformation.validate("c_fill,w_$undefined")
        #expect(result.isValid)
        let warning = try #require(result.diagnostics.first { $0.code == .undefinedVariable })
        #expect(warning.severity == .warning)
        #expect(warning.message == "$undefined is used but never declared ($undefined_<value>)")
        #expect(warning.component == 0)
        #expect(warning.offset == 9 && warning.length == 10)
    }

    @Test func aMisspeltUseSuggestsTheDeclaredName() throws {
        let warning = try #require(warnings("$width_300/c_scale,w_$widht").first)
        #expect(warning.suggestion == "w_$width")
        #expect(warning.component == 1)
        // The whole parameter, as every suggestion is, with the rest of an expression kept.
        #expect(warnings("$width_300/c_scale,w_$widht_mul_2").first?.suggestion == "w_$width_mul_2")
        #expect(warnings("$label_!Sale!/l_text:arial_40:$(lable)/fl_layer_apply").first?.suggestion
            == "l_text:arial_40:$(label)")
        #expect(warnings("$label_!Sale!/$t_!On $(lable) now!").first?.suggestion == "$t_!On $(label) now!")
        // A `,` or `/` inside the quoted string does not end the parameter.
        #expect(warnings("$label_!Sale!/$t_!On $(lable), now/then!").first?.suggestion == "$t_!On $(label), now/then!")
    }

    @Test func aUseBeforeItsDeclarationSaysSo() throws {
        let warning = try #require(warnings("w_$size/$size_300").first)
        #expect(warning.message == "$size is used but declared only in a later component (declare before use)")
        #expect(warning.suggestion == nil)
    }

    @Test func declaredUsesAreQuiet() {
        for input in [
            "$w_300,w_$w", "$w_300/c_scale,w_$w", "$a_10,$b_$a_mul_2/w_$b", "$s_!red!/co_$s,e_colorize",
            "$big_500/if_w_gt_$big/c_scale,w_$big/if_end", "$p_!Sale!/l_text:arial_40:$(p)/fl_layer_apply",
            "$x_5/if_$x_gt_3/e_blur/if_end",
        ] {
            #expect(warnings(input).isEmpty, "\(input)")
        }
    }

    @Test func usesInsideTextAndQuotesCountOnlyInTheirParenthesisedForm() {
        // A bare `$` in a text overlay or a quoted string is text; `$(name)` is a use.
        #expect(warnings("l_text:arial_40:Only$now/fl_layer_apply").isEmpty)
        #expect(warnings("$t_!Buy $now!").isEmpty)
        #expect(warnings("l_text:arial_40:$(price)/fl_layer_apply").map(\.message)
            == ["$price is used but never declared ($price_<value>)"])
        #expect(warnings("$t_!Only $(price)!").count == 1)
    }

    @Test func aTextLayersStyleIsNotItsText() {
        // `$size` in the style is a variable; `$now` in the text is text.
        #expect(warnings("l_text:Arial_$size:Buy$now/fl_layer_apply").map(\.message)
            == ["$size is used but never declared ($size_<value>)"])
    }

    @Test func manyUsesAndDeclarationsStayCheap() {
        // 3000 declarations and 3000 undeclared uses: each use is one look-up, and the listing
        // stops at the diagnostic limit.
        let declarations = (0..<3000).map { "$a\($0)_1" }.joined(separator: ",")
        let uses = (0..<3000).map { _ in "w_$b" }.joined(separator: "/")
        let result = Transformation.validate(declarations + "/" + uses)
        #expect(result.diagnostics.filter { $0.code == .undefinedVariable }.count == 1000)
    }

    @Test func aNamedTransformationMayDeclareWhatFollows() {
        #expect(warnings("t_promo/w_$promowidth").isEmpty)
        #expect(warnings("t_promo,w_$promowidth").isEmpty)
        // Before the named transformation there is nothing it could have declared.
        #expect(warnings("w_$promowidth/t_promo").count == 1)
    }
}
