// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "variant",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "CloudinaryTransform", targets: ["CloudinaryTransform"]),
        .library(name: "VariantEngine", targets: ["VariantEngine"]),
        .executable(name: "variant", targets: ["VariantCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
            dependencies: ["CloudinaryTransform", "VipsCore"],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "VariantCLI",
            dependencies: [
                "VariantEngine",
                "CloudinaryTransform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VipsCoreTests", dependencies: ["VipsCore"]),
        .testTarget(name: "CloudinaryTransformTests", dependencies: ["CloudinaryTransform"]),
        .testTarget(name: "VariantEngineTests", dependencies: ["VariantEngine", "VipsCore"]),
        .testTarget(name: "VariantCLITests", dependencies: ["VariantCLI", "VipsCore"]),
    ]
)
