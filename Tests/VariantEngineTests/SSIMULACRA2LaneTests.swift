import Testing

@testable import VariantEngine

/// The bit-mask helpers that replaced `replace(with:where:)` in the metric's loops must give
/// the same lanes, bit for bit, including the awkward values.
@Suite("SSIMULACRA2 lane helpers")
struct SSIMULACRA2LaneTests {
    static let awkward: [Float] = [
        0, -0.0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, .infinity, -.infinity, .nan, 0.0037930732, -1e-30, 3.5e-39,
    ]

    static func randomFloats(_ count: Int) -> [Float] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in Float(bitPattern: UInt32.random(in: .min ... .max, using: &generator)) }
    }

    @Test("zeroingNegatives (float, eight lanes) equals replace(with: 0, where: v < 0)")
    func zeroingNegativesFloat() {
        let values = Self.awkward + Self.randomFloats(4096)
        for start in stride(from: 0, to: values.count - 8, by: 3) {
            let v = SIMD8<Float>(values[start..<start + 8])
            var expected = v
            expected.replace(with: 0, where: v .< SIMD8<Float>())
            let got = SSIMULACRA2.zeroingNegatives(v)
            for lane in 0..<8 {
                #expect(got[lane].bitPattern == expected[lane].bitPattern, "\(v[lane])")
            }
        }
    }

    @Test("zeroingNegatives (double, four lanes) equals replace(with: 0, where: v < 0)")
    func zeroingNegativesDouble() {
        let values = (Self.awkward + Self.randomFloats(4096)).map(Double.init) + [-.ulpOfOne, .ulpOfOne]
        for start in stride(from: 0, to: values.count - 4, by: 3) {
            let v = SIMD4<Double>(values[start..<start + 4])
            var expected = v
            expected.replace(with: 0, where: v .< SIMD4<Double>())
            let got = SSIMULACRA2.zeroingNegatives(v)
            for lane in 0..<4 {
                #expect(got[lane].bitPattern == expected[lane].bitPattern, "\(v[lane])")
            }
        }
    }

    @Test("magnitude clears the sign: the same value as abs for every non-NaN float")
    func magnitude() {
        let values = Self.awkward.filter { !$0.isNaN } + Self.randomFloats(4096).filter { !$0.isNaN }
        for start in stride(from: 0, to: values.count - 4, by: 4) {
            let v = SIMD4<Float>(values[start..<start + 4])
            let got = SSIMULACRA2.magnitude(v)
            for lane in 0..<4 {
                #expect(got[lane] == abs(v[lane]) && got[lane].sign == .plus, "\(v[lane])")
            }
        }
    }
}
