import CloudinaryTransform
import Testing

/// Hand-written invalid strings (Fixtures/invalid-transformations.jsonl), each citing the docs
/// page that makes it invalid: each is rejected, with the expected diagnostic code among the errors.
@Suite("Invalid transformation fixtures")
struct InvalidTransformationTests {
    struct Record: Decodable, Sendable {
        var input: String
        var code: String
        var docs: String
        var why: String
        var resourceType: String?
    }

    static let records: [Record] = (try? Fixtures.decode("invalid-transformations.jsonl")) ?? []

    @Test func thereAreEnoughAndEachCitesTheDocs() {
        #expect(Self.records.count >= 100)
        for record in Self.records { #expect(record.docs.contains("https://cloudinary.com/documentation/")) }
    }

    @Test func eachIsRejectedWithItsCode() {
        var failures: [String] = []
        for record in Self.records {
            let context = ValidationContext(resourceType: record.resourceType.flatMap(MediaKind.init))
            let result = Transformation.parse(record.input, context: context)
            let errors = result.diagnostics.filter { $0.severity == .error }
            if result.isValid || result.transformation != nil {
                failures.append("accepted: '\(record.input)' (\(record.why))")
            } else if !errors.contains(where: { $0.code.rawValue == record.code }) {
                failures.append(
                    "'\(record.input)': expected \(record.code), got \(errors.map(\.code.rawValue))")
            }
            // Diagnostics point inside the input.
            for d in result.diagnostics where d.offset + d.length > record.input.count {
                failures.append(
                    "'\(record.input)': \(d.code) at \(d.offset)+\(d.length) is outside the input")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.joined(separator: "\n"))")
    }

    /// Found in QA: an `if_` left open named no component (`"component": null` in the JSON),
    /// though every other diagnostic does.
    @Test func anOpenConditionNamesItsComponent() {
        let open = Transformation.parse("w_10/if_w_gt_400/w_100").diagnostics.first { $0.code == .unbalancedConditional }
        #expect(open?.component == 1 && open?.offset == 5, "\(String(describing: open))")
        let nested = Transformation.parse("if_w_gt_1/if_h_gt_1/w_10/if_end").diagnostics.first { $0.code == .unbalancedConditional }
        #expect(nested?.component == 0, "\(String(describing: nested))")
    }

    /// TR: `q_auto[:<quality type>][:sensitive]`; `q_auto:sensitive` is `q_auto:good:sensitive`.
    /// (They were refused as unknown levels.)
    @Test func qualityAutoTakesSensitive() {
        for text in ["q_auto:sensitive", "q_auto:good:sensitive", "q_auto:low:sensitive", "c_fill,w_10,q_auto:best:sensitive"] {
            #expect(Transformation.parse(text).isValid, "\(text)")
        }
    }

    /// Found in review against the SDK: `angle=['auto_right', 'hflip']` prints
    /// `a_auto_right.hflip`, which was read as an expression and refused. A second `if_else` in
    /// one block was accepted.
    @Test func angleListsWithAutoModesAndOneElsePerBlock() {
        for text in ["a_auto_right.hflip", "a_hflip.auto_left", "a_auto_left.90", "a_auto_right"] {
            #expect(Transformation.parse(text).isValid, "\(text)")
        }
        let bogus = Transformation.parse("a_auto_right.bogus")
        #expect(bogus.diagnostics.first?.message.contains("'bogus'") == true, "\(bogus.diagnostics)")
        #expect(Transformation.parse("if_w_gt_400/w_400/if_else/if_w_gt_5/w_1/if_else/w_2/if_end/if_end").isValid)
        let twice = Transformation.parse("if_w_gt_400/w_400/if_else/w_200/if_else/w_100/if_end")
        #expect(twice.diagnostics.map(\.message) == ["a second if_else in one if_ block"])
    }

    @Test func validateAgreesWithParse() {
        for record in Self.records {
            let context = ValidationContext(resourceType: record.resourceType.flatMap(MediaKind.init))
            let parsed = Transformation.parse(record.input, context: context)
            let validated = Transformation.validate(record.input, context: context)
            #expect(parsed.diagnostics == validated.diagnostics, "\(record.input)")
            #expect(!validated.isValid)
        }
    }

    /// A width past the table's open-ended upper bound said "must be at least 0".
    @Test func anOversizedWidthSaysWhichBound() {
        let result = Transformation.validate("w_1073741823")
        let message = result.diagnostics.first { $0.severity == .error }?.message ?? ""
        #expect(message.contains("at most"), "\(message)")
        #expect(!message.contains("at least"), "\(message)")
        let negative = Transformation.validate("w_-5").diagnostics.first { $0.severity == .error }?.message ?? ""
        #expect(negative.contains("non-negative"), "\(negative)")
    }

    /// `e_blur:abc` was accepted (only numbers were range-checked); the words some effects take
    /// instead of the number, and variables, still pass.
    @Test func anEffectsNumberMustBeANumberOrItsWord() {
        let blur = Transformation.validate("e_blur:abc").diagnostics.first { $0.severity == .error }
        #expect(blur?.code == .invalidValue)
        #expect(blur?.message == "e_blur takes a number 1 to 2000, received 'abc'")
        #expect(blur?.offset == 7 && blur?.length == 3)
        let improve = Transformation.validate("e_improve:outdor:50").diagnostics.first { $0.severity == .error }
        #expect(improve?.message == "e_improve takes a number 0 to 100 or 'indoor' or 'outdoor', received 'outdor'")
        #expect(improve?.suggestion == "e_improve:outdoor:50")
        for valid in ["e_improve:outdoor:50", "e_improve:indoor", "e_tint:equalize:80:red", "e_cartoonify:bw",
                      "e_cartoonify:40:bw", "e_blur:$strength", "e_blur:300", "e_outline:outer:15:200", "e_art:zorro",
                      "e_contrast:level_-70", "e_contrast:level_150;type_linear"] {
            #expect(Transformation.validate(valid).isValid, "\(valid)")
        }
    }
}
