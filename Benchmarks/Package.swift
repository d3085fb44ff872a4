// swift-tools-version:6.1
// The benchmark suite lives in its own package so that `swift test` never builds it.
// Run it with `make bench` (or `swift package benchmark` in this folder); see BENCHMARKS.md.
import PackageDescription

let package = Package(
    name: "VariantBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "variant", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "VariantBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CloudinaryTransform", package: "variant"),
                .product(name: "VariantEngine", package: "variant"),
                .product(name: "VipsCore", package: "variant"),
            ],
            path: "VariantBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
