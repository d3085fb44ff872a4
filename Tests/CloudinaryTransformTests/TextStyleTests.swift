import CloudinaryTransform
import Testing

/// A text layer's style pieces after `<family>_<size>` are checked against the documented
/// styles: a misspelt one would quietly render plain text. Warnings, with the whole parameter
/// suggested; a style that is a saved template's public id is left alone.
@Suite("Text layer styles")
struct TextStyleTests {
    /// What the validator says, apart from undeclared variables (`Arial_$size` has one).
    func problems(_ input: String) -> [Diagnostic] {
        Transformation.validate(input).diagnostics.filter { $0.code != .undefinedVariable }
    }

    @Test func documentedStylesPass() {
        for style in ["Arial_40", "Arial_40_bold", "Times%20New%20Roman_30_italic_underline_center",
                      "Arial_40_letter_spacing_-2_line_spacing_10", "Arial_40_antialias_best_hinting_full",
                      "Arial_40_stroke", "Arial_$size_bold", "my_style", "templates:headline"] {
            #expect(problems("l_text:\(style):Hi/fl_layer_apply").isEmpty, "\(style): \(problems("l_text:\(style):Hi/fl_layer_apply"))")
        }
    }

    /// Found in QA: `url build` signed `…/l_text:Arial_20:a?b/x`, whose `?` starts a query, and
    /// could not parse its own URL back; a bad `%` escape passed as well.
    @Test(arguments: [("a?b", "a '?' ends the URL's path: write it as %3F in l_text", 17), ("a#b", "a '#' ends the URL's path: write it as %23", 17),
                      ("100%", "a '%' starts no escape (two hex digits): write it as %25", 19), ("%zz", "a '%' starts no escape", 16)])
    func textThatCannotBeInAURLPathIsRefused(_ text: String, _ words: String, _ offset: Int) throws {
        let result = Transformation.validate("l_text:Arial_20:\(text)/fl_layer_apply")
        #expect(!result.isValid)
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.code == .invalidValue && error.message.contains(words) && error.offset == offset, "\(error)")
        for escaped in ["a%3Fb", "100%25", "a%20b", "%252C"] {
            #expect(Transformation.validate("l_text:Arial_20:\(escaped)/fl_layer_apply").diagnostics.isEmpty, "\(escaped)")
        }
    }

    /// Found in review: the SDK leaves a font family's spaces as they are (`font_family: "Open
    /// Sans"`), and a text with a space renders; a space in the text is a warning only.
    @Test func spacesAreAWarningInTheTextAndNothingInTheFont() throws {
        #expect(Transformation.validate("l_text:Open Sans_20:Hi/fl_layer_apply").diagnostics.isEmpty)
        let spaced = Transformation.validate("l_text:Arial_20:Hello World/fl_layer_apply")
        #expect(spaced.isValid && spaced.diagnostics.first?.message.hasPrefix("a space in l_text's text: write it as %20, as the SDKs do") == true,
                "\(spaced.diagnostics)")
        #expect(Transformation.validate("l_text:Arial_20_bolt:a b/fl_layer_apply").diagnostics.first?.message == "unknown text style 'bolt' for l")
    }

    @Test func aMisspeltStyleIsAWarningWithTheWholeParameterSuggested() throws {
        let result = Transformation.validate("l_text:Arial_40_bolt:Hi/fl_layer_apply")
        #expect(result.isValid)
        let warning = try #require(result.diagnostics.first)
        #expect(warning.severity == .warning && warning.code == .unknownValue)
        #expect(warning.message == "unknown text style 'bolt' for l")
        #expect(warning.suggestion == "l_text:Arial_40_bold:Hi")
        #expect(warning.offset == 16 && warning.length == 4)
    }

    @Test func stylesThatTakeAValueNeedAGoodOne() {
        #expect(problems("l_text:Arial_40_letter_spacing_x:Hi/fl_layer_apply").map(\.message)
            == ["expected a number after letter_spacing in a text style but received 'x'"])
        #expect(problems("l_text:Arial_40_hinting_ful:Hi/fl_layer_apply").map(\.message)
            == ["expected none, slight, medium, full after hinting in a text style but received 'ful'"])
        #expect(problems("l_text:Arial_40_antialias_bogus:Hi/fl_layer_apply").map(\.message)
            == ["expected none, gray, subpixel, fast, good, best after antialias in a text style but received 'bogus'"])
        // Found in QA: the SDK's antialias_best was an unknown style and font_antialias_… was
        // the one checked, though no SDK writes it.
        #expect(problems("l_text:Arial_40_font_antialias_best:Hi/fl_layer_apply").map(\.message) == ["unknown text style 'font' for l"])
        #expect(problems("l_text:Arial_40_line_spacing:Hi/fl_layer_apply").map(\.message)
            == ["line_spacing in a text style needs a value after it (line_spacing_<value>)"])
    }
}
