import Testing

@testable import CloudinaryTransform

/// One row of a geometry table: a transformation on a source and what it must resolve to.
struct GeometryCase: Sendable, CustomTestStringConvertible {
    var section: String
    var source: Size
    var transformation: String
    var output: Size
    /// Expected crop in source pixels; `.some(nil)` expects null; nil skips the check.
    var crop: Rect??
    /// Expected overall padding; `.some(nil)` expects none; nil skips the check.
    var pad: Insets??
    var faces: [Rect] = []
    var custom: [Rect] = []

    init(
        _ section: String, _ source: Size, _ transformation: String, output: Size, crop: Rect?? = nil,
        pad: Insets?? = nil, faces: [Rect] = [], custom: [Rect] = []
    ) {
        self.section = section
        self.source = source
        self.transformation = transformation
        self.output = output
        self.crop = crop
        self.pad = pad
        self.faces = faces
        self.custom = custom
    }

    var testDescription: String { "\(section): \(transformation) on \(source)" }

    func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let g = try resolveGeometry(transformation, source, faces: faces, custom: custom)
        #expect(g.output == output, "output", sourceLocation: sourceLocation)
        if let crop { #expect(g.crop == crop, "crop", sourceLocation: sourceLocation) }
        if let pad { #expect(g.pad == pad, "pad", sourceLocation: sourceLocation) }
        // Every step's sizes chain, and the last step produces the output.
        var size = g.steps.first?.input ?? source
        #expect(size == source, sourceLocation: sourceLocation)
        for step in g.steps {
            #expect(step.input == size, "step input", sourceLocation: sourceLocation)
            #expect(
                step.window.x >= 0 && step.window.y >= 0 && step.window.maxX <= size.width
                    && step.window.maxY <= size.height, "window inside input", sourceLocation: sourceLocation)
            #expect(
                step.canvas.width == step.resize.width + step.padding.left + step.padding.right,
                sourceLocation: sourceLocation)
            #expect(
                step.canvas.height == step.resize.height + step.padding.top + step.padding.bottom,
                sourceLocation: sourceLocation)
            size = step.output
        }
        #expect(size == g.output, "last step output", sourceLocation: sourceLocation)
    }
}

/// Resolves `transformation` on a `source` with known faces and custom regions.
func resolveGeometry(
    _ transformation: String, _ source: Size, faces: [Rect] = [], custom: [Rect] = [],
    orientation: Int = 1, resolver: (any GravityResolver)? = nil
) throws -> ResolvedGeometry {
    let resolver =
        resolver ?? ((faces.isEmpty && custom.isEmpty) ? nil : KnownRegions(faces: faces, custom: custom))
    return try Geometry.resolve(
        source: source, orientation: orientation, components: Geometry.split(transformation),
        resolver: resolver)
}

/// The sample assets whose sizes the reference gives.
enum Samples {
    static let camera = Size(1280, 853)
    static let camera640 = Size(640, 427)
    static let camera100 = Size(100, 67)
    static let plainFace = Size(640, 426)
    static let tallHall = Size(200, 303)
    static let demo = Size(1920, 1920)
    static let generic = Size(400, 600)
}
