// swift-tools-version:6.1
// SSIMULACRA2 alone, for `make test`'s second pass: the metric's sources and tests (symbolic
// links into the main package) built for baseline x86-64, without the -target-cpu and
// VARIANT_HARDWARE_FMA flags, which is what a package that depends on this one gets. The
// module is named VariantEngine so the test files compile unchanged; it holds only
// Sources/VariantEngine/Quality and the fork-join helper it uses (Parallel.swift). Building
// only this (not GRDB, Yams, the CLI and every test target again) is what keeps the second
// pass short.
import PackageDescription

let package = Package(
    name: "SSIMULACRA2Baseline",
    platforms: [.macOS(.v13)],
    targets: [
        .systemLibrary(name: "CVips", path: "Sources/CVips", pkgConfig: "vips"),
        .target(name: "VipsCore", dependencies: ["CVips"], path: "Sources/VipsCore"),
        .target(name: "VariantEngine", dependencies: ["VipsCore"], path: "Sources/Engine"),
        .testTarget(name: "SSIMULACRA2Tests", dependencies: ["VariantEngine", "VipsCore"],
                    path: "Tests/SSIMULACRA2Tests", exclude: ["Fixtures"]),
    ]
)
