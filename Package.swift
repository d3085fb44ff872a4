// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "variant",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "CloudinaryTransform", targets: ["CloudinaryTransform"]),
        .library(name: "VariantEngine", targets: ["VariantEngine"]),
        // The safe libvips layer, for the benchmark suite's peers and callers that need raw operations.
        .library(name: "VipsCore", targets: ["VipsCore"]),
        .executable(name: "variant", targets: ["VariantCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libvips through pkg-config; the shim wraps the variadic C calls in fixed-argument ones.
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        .target(name: "VipsCore", dependencies: ["CVips"]),
        // Pure Swift: a caller that only validates strings never links libvips.
        .target(name: "CloudinaryTransform"),
        .target(
            name: "VariantEngine",
            dependencies: [
                "CloudinaryTransform", "VipsCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Planning/PLAN-SCHEMA.md"],
            resources: [.copy("Resources")],
            plugins: ["EngineFingerprint"]
        ),
        // Build-time only: the digest of the engine's sources that keys its caches.
        .plugin(name: "EngineFingerprint", capability: .buildTool()),
        .executableTarget(
            name: "VariantCLI",
            dependencies: [
                "VariantEngine",
                "CloudinaryTransform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VipsCoreTests", dependencies: ["VipsCore"]),
        .testTarget(name: "CloudinaryTransformTests", dependencies: ["CloudinaryTransform"], exclude: ["Fixtures"]),
        .testTarget(name: "VariantEngineTests", dependencies: ["VariantEngine", "VipsCore", .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "VariantCLITests", dependencies: ["VariantCLI", "VipsCore"]),
        // Uses only the public API, the way the sync tool does.
        .testTarget(name: "PublicAPITests", dependencies: ["VariantEngine", "CloudinaryTransform"]),
    ]
)
