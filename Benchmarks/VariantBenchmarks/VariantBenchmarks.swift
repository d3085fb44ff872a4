import Benchmark

let benchmarks: @Sendable () -> Void = {
    parseBenchmarks()
    geometryBenchmarks()
    analyseBenchmarks()
    cropBenchmarks()
    optimiseBenchmarks()
    compareBenchmarks()
    renderBenchmarks()
    planBenchmarks()
}
