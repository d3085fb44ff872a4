import CloudinaryTransform
import Testing

/// Random and mutated strings: the parser never traps, diagnostics stay inside the input,
/// `validate` agrees with `parse`, and canonicalisation is idempotent.
@Suite("Robustness")
struct RobustnessTests {
    static let alphabet = Array("abcefghilqrtuwxyz0123456789_,/:.$!-%éü ".unicodeScalars).map(Character.init)

    /// Found by a QA pass: a 100,000-digit width made a 100 KB message (the value quoted whole),
    /// and an 80 KB nested expression an 80 KB "did you mean".
    @Test("huge values are quoted by their two ends, in messages and suggestions")
    func hugeValuesQuotedShort() throws {
        let digits = String(repeating: "9", count: 100_000)
        let width = Transformation.parse("w_" + digits).diagnostics
        let first = try #require(width.first)
        #expect(first.message.count < 200 && first.message.contains("(100000 characters)"), "\(first.message.prefix(300))")
        #expect(first.length == 100_000, "the caret still covers the whole value")
        let unknown = try #require(Transformation.parse(String(repeating: "k", count: 5000) + "_1").diagnostics.first)
        #expect(unknown.description.count < 300 && unknown.message.contains("(5000 characters)"), "\(unknown.description.prefix(300))")
        let nested = String(repeating: "w_(", count: 20_000)
        for diagnostic in Transformation.parse(nested).diagnostics {
            #expect(diagnostic.description.count < 400, "\(diagnostic.description.prefix(300))")
        }
        #expect(Diagnostic.shown("short") == "short")
        #expect(Diagnostic.shown(String(repeating: "a", count: 80)).count == 80)
        #expect(Diagnostic.shown(String(repeating: "a", count: 81)) == String(repeating: "a", count: 30) + "…" + String(repeating: "a", count: 30) + " (81 characters)")
    }

    @Test func randomStrings() {
        var generator = SplitMix64(state: 7)
        var failures: [String] = []
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...24, using: &generator)
            let s = String((0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! })
            failures += check(s)
        }
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func mutatedSDKStrings() {
        var generator = SplitMix64(state: 11)
        let sources = SDKTransformationTests.records.map(\.transformation)
        var failures: [String] = []
        for source in sources.prefix(600) {
            var characters = Array(source)
            for _ in 0..<3 {
                guard !characters.isEmpty else { break }
                let i = Int.random(in: 0..<characters.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: characters.remove(at: i)
                case 1: characters.insert(Self.alphabet.randomElement(using: &generator)!, at: i)
                default: characters[i] = Self.alphabet.randomElement(using: &generator)!
                }
            }
            failures += check(String(characters))
        }
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
    }

    func check(_ s: String) -> [String] {
        var failures: [String] = []
        let parsed = Transformation.parse(s)
        let validated = Transformation.validate(s)
        if parsed.diagnostics != validated.diagnostics || parsed.canonical != validated.canonical {
            failures.append("validate and parse disagree on '\(s)'")
        }
        for d in parsed.diagnostics where d.offset < 0 || d.length < 0 || d.offset + d.length > s.count {
            failures.append("'\(s)': \(d) at \(d.offset)+\(d.length) is outside the input")
        }
        if let canonical = parsed.canonical {
            if canonical.utf8.count != s.utf8.count {
                failures.append("'\(s)' -> '\(canonical)' changes length")
            }
            if Transformation.parse(canonical).canonical != canonical {
                failures.append("'\(s)' -> '\(canonical)' is not stable")
            }
            if parsed.transformation?.canonicalDescription != canonical {
                failures.append("'\(s)': the model prints a different canonical form")
            }
        }
        return failures
    }
}
