import Testing

@testable import CloudinaryTransform

/// Invariants over a sweep of modes × sizes × gravities × sources (including 1×1 and extreme
/// aspect ratios): what a renderer relies on when it executes the steps blindly.
@Suite struct GeometryInvariantTests {
    static let sources: [Size] = [
        Size(1280, 853), Size(100, 67), Size(4000, 100), Size(100, 4000), Size(1, 1), Size(7, 3),
    ]
    static let modes = [
        "scale", "fit", "limit", "mfit", "fill", "lfill", "crop", "thumb", "auto", "pad", "lpad", "mpad",
        "fill_pad", "auto_pad",
    ]
    static let sizes = [
        "w_300,h_200", "w_300", "h_200", "ar_16:9,w_300", "w_0.5,h_0.25", "ar_1:3,h_50", "w_1,h_1",
    ]
    static let gravities = [
        "", ",g_north_east", ",g_south", ",g_face", ",g_faces:center", ",g_custom", ",g_auto",
    ]

    @Test(arguments: sources) func stepsAreExecutable(_ source: Size) throws {
        for mode in Self.modes {
            for size in Self.sizes {
                for gravity in Self.gravities {
                    let t = "c_\(mode),\(size)\(gravity)/a_90"
                    let g = try resolveGeometry(t, source, faces: [Rect(0, 0, 1, 1)])
                    var current = source
                    for step in g.steps {
                        #expect(step.input == current, "\(t) on \(source)")
                        #expect(step.window.width >= 1 && step.window.height >= 1, "\(t) on \(source)")
                        #expect(
                            step.window.x >= 0 && step.window.y >= 0 && step.window.maxX <= current.width
                                && step.window.maxY <= current.height, "\(t) on \(source)")
                        #expect(step.resize.width >= 1 && step.resize.height >= 1, "\(t) on \(source)")
                        #expect(step.padding.left >= 0 && step.padding.top >= 0, "\(t) on \(source)")
                        #expect(step.padding.right >= 0 && step.padding.bottom >= 0, "\(t) on \(source)")
                        current = step.output
                    }
                    #expect(current == g.output, "\(t) on \(source)")
                    if let crop = g.crop {
                        #expect(crop.width >= 1 && crop.height >= 1, "\(t) on \(source)")
                        #expect(Rect(size: g.upright).intersection(crop) == crop, "\(t) on \(source)")
                    } else {
                        #expect(gravity == ",g_auto", "crop is null only for g_auto: \(t) on \(source)")
                    }
                }
            }
        }
    }

    /// Modes that promise the requested box deliver exactly it (a_90 swaps it).
    @Test func exactBoxModes() throws {
        for mode in ["scale", "fill", "thumb", "auto", "pad", "lpad", "fill_pad", "auto_pad"] {
            for source in Self.sources {
                let g = try resolveGeometry("c_\(mode),w_300,h_200,g_auto", source)
                #expect(g.output == Size(300, 200), "c_\(mode) on \(source)")
            }
        }
    }
}
