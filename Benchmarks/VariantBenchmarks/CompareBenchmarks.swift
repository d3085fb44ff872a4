import Benchmark
import VariantEngine
import VipsCore

/// SSIMULACRA2 of a 1200×860 pair (a photo and its JPEG q70), both already decoded: one pair,
/// and one candidate against a prepared reference (how the optimiser scores). The C++
/// reference is not a dependency of this package, so there is no peer in this run.
func compareBenchmarks() {
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                         maxDuration: .seconds(4), maxIterations: 20)

    Benchmark("compare SSIMULACRA2 1200x860 pair", configuration: config) { benchmark, pair in
        for _ in benchmark.scaledIterations {
            blackHole(try SSIMULACRA2.score(reference: pair.reference, distorted: pair.distorted))
        }
    } setup: {
        try Fixtures.ssimulacra2Pair()
    }

    typealias Prepared = (reference: SSIMULACRA2.Reference, distorted: PixelBuffer)
    Benchmark("compare SSIMULACRA2 1200x860, prepared reference", configuration: config) { (benchmark, prepared: Prepared) in
        for _ in benchmark.scaledIterations {
            blackHole(try prepared.reference.score(prepared.distorted))
        }
    } setup: {
        let pair = try Fixtures.ssimulacra2Pair()
        return (reference: try SSIMULACRA2.Reference(pair.reference), distorted: pair.distorted)
    }
}
