// swift-tools-version:6.1
// libFuzzer targets for the variant engine. A separate package, so `swift test` at the root
// never builds it. Build and run with scripts/fuzz.sh (it passes -sanitize=fuzzer,address).
import Foundation
import PackageDescription

// A path dependency is named by its directory, which depends on where the repository was cloned.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: root) },
        // libFuzzer supplies main().
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "VariantFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        fuzzTarget("FuzzTransformation", ["CloudinaryTransform"]),
        fuzzTarget("FuzzDeliveryURL", ["CloudinaryTransform"]),
        fuzzTarget("FuzzManifest", ["VariantEngine"]),
        fuzzTarget("FuzzImageLoad", ["VipsCore"]),
    ]
)
