@testable import CloudinaryTransform
import Testing

@Suite("Did-you-mean suggestions")
struct SuggestTests {
    @Test("the closest known name within the typo allowance, else none")
    func closest() {
        #expect(Suggest.closest(to: "fil", among: ["fit", "fill", "pad"]) == "fill")
        // Upper case is the lower-case name, not the nearest one; blanks suggest nothing.
        #expect(Suggest.closest(to: "W", among: ["a", "c", "w"]) == "w")
        #expect(Suggest.closest(to: "FILL", among: ["fit", "fill", "pad"]) == "fill")
        #expect(Suggest.closest(to: " ", among: ["a", "c", "w"]) == nil)
        #expect(Suggest.closest(to: ",", among: ["a", "c", "w"]) == nil)
        #expect(Suggest.closest(to: "wd", among: ["d", "w"]) == "w")
        #expect(Suggest.closest(to: "gravty", among: ["gravity", "grey"]) == "gravity")
        #expect(Suggest.closest(to: "rde", among: ["red", "green"]) == "red")  // a transposition
        #expect(Suggest.closest(to: "zzzzzzzz", among: ["red", "green", "blue"]) == nil)
        #expect(Suggest.closest(to: "red", among: ["red"]) == nil)  // an exact match is no typo
    }

    /// Found in review: g_north_east:x_10 was told "did you mean g_north_west:x_10?".
    @Test("a compass gravity with a qualifier is told what is wrong, not offered another gravity")
    func compassQualifier() throws {
        let problem = try #require(Transformation.parse("c_fill,g_north_east:x_10,w_100,h_100").diagnostics.first { $0.severity == .error })
        #expect(problem.code == .invalidValue && problem.message.contains("g_north_east takes no ':' qualifier"), "\(problem)")
        #expect(problem.suggestion == "g_north_east,x_10")
        #expect(Transformation.parse("g_north_east:foo,c_crop,w_10").diagnostics.first { $0.severity == .error }?.suggestion == nil)
        // A misspelt gravity still gets the nearest name.
        #expect(Transformation.parse("g_nort_east,c_crop,w_10").diagnostics.first?.suggestion == "g_north_east")
    }

    /// Found in review: C_SCALE,W_100 was told "did you mean c_SCALE?", which is refused too.
    @Test("a parameter typed in capitals is offered in lower case, its value too when it has no small letter")
    func capitals() {
        let suggestions = Transformation.parse("C_SCALE,W_100,L_text:Arial_20:Hi").diagnostics.map(\.suggestion)
        #expect(suggestions == ["c_scale", "w_100", "l_text:Arial_20:Hi"])
        #expect(Transformation.validate("c_scale,w_100").diagnostics.isEmpty)
        // Found in QA: ' w_100 ' was offered 'w_100 ', itself refused.
        #expect(Transformation.parse(" w_100 ").diagnostics.first?.suggestion == "w_100")
        #expect(Transformation.parse("w_100, c_fill").diagnostics.first?.suggestion == "c_fill")
    }

    @Test("a transformation full of unknown names gets suggestions for its first problems only")
    func suggestionLimit() {
        let text = Array(repeating: "wdth_100", count: 20).joined(separator: "/")
        let diagnostics = Transformation.parse(text).diagnostics.filter { $0.code == .unknownParameter }
        #expect(diagnostics.count == 20)
        #expect(diagnostics.prefix(16).allSatisfy { $0.suggestion == "w_100" })
        #expect(diagnostics.dropFirst(16).allSatisfy { $0.suggestion == nil })
    }

    /// The bounded table stops early; whatever it answers must agree with the whole table up to
    /// the limit, on words that are near each other and words that are not.
    @Test("the bounded distance agrees with the whole table up to its limit")
    func boundedDistance() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcde_".utf8)
        for _ in 0..<3000 {
            let a = (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            var b = a
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where !b.isEmpty: b.remove(at: Int.random(in: 0..<b.count, using: &generator))
                case 1: b.insert(alphabet.randomElement(using: &generator)!, at: Int.random(in: 0...b.count, using: &generator))
                case 2 where b.count > 1:
                    let i = Int.random(in: 0..<(b.count - 1), using: &generator)
                    b.swapAt(i, i + 1)
                default: if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &generator)] = alphabet.randomElement(using: &generator)! }
                }
            }
            let whole = Suggest.distance(a, b)
            for limit in 0...4 {
                let bounded = a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (b.count + 1)) {
                            Suggest.distance(a, b, rows: $0, limit: limit)
                        }
                    }
                }
                #expect(min(bounded, limit + 1) == min(whole, limit + 1), "\(a) \(b) limit \(limit)")
                if whole <= limit { #expect(bounded == whole) }
            }
        }
    }
}
