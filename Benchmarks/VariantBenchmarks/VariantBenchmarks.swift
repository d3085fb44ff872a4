import Benchmark

let benchmarks: @Sendable () -> Void = {
    parseBenchmarks()
    renderBenchmarks()
}
