import CloudinaryTransform
import Foundation
import VipsCore

/// The components of one layer drawn on the base image: from the one that opens it (`l_…`) to
/// the one that applies it (`fl_layer_apply`), found once for text and image layers alike.
/// Layers inside it (``nested``) belong to its own transformation.
struct LayerSpan {
    var components: ClosedRange<Int>
    var parts: [Component]
    /// The `l_` value: `text:Arial_40:Hi`, `brand:logo` …
    var layerValue: String
    /// Inside an `if_` block, or with a condition of its own.
    var conditional: Bool
    /// The layers inside this one, outermost first (their components, as in the whole chain).
    var nested: [ClosedRange<Int>] = []

    /// Every overlay (`l_`) on the base image, in order, with the layers nested in it: closed by
    /// an `fl_layer_apply`, or all in one component when nothing closes it (``LayerNesting``).
    static func all(in transformation: Transformation) -> [LayerSpan] {
        let components = transformation.components
        let nesting = LayerNesting(transformation)
        // How many `if_` blocks are open at each component.
        var conditionDepths: [Int] = []
        var conditionDepth = 0
        for component in components {
            conditionDepths.append(conditionDepth)
            guard let condition = component.first("if") else { continue }
            if condition.rawValue == "end" { conditionDepth = max(0, conditionDepth - 1) }
            else if condition.rawValue != "else", component.parameters.count == 1 { conditionDepth += 1 }
        }
        return nesting.spans.filter { $0.depth == 0 }.compactMap { span in
            let range = span.components
            guard let layer = components[range.lowerBound].first("l") else { return nil }  // an underlay
            let parts = Array(components[range])
            // Conditions are evaluated on the base image's geometry, not on layers: a conditional
            // layer is left out rather than drawn when Cloudinary might not.
            let conditional = conditionDepths[range.lowerBound] > 0 || parts.contains { $0.first("if") != nil }
            let nested = nesting.spans.filter { $0.depth > 0 && range.contains($0.components.lowerBound) }.map(\.components)
            return LayerSpan(components: range, parts: parts, layerValue: layer.rawValue, conditional: conditional, nested: nested)
        }
    }
}

/// Where a layer goes on the image under it: a compass gravity and x, y offsets, from the apply
/// component (or from the layer component when the apply component gives none, and the layer
/// component does not crop: a `g_` beside a `c_` is the layer's own crop gravity).
struct LayerPlacement: Sendable, Equatable {
    var gravity = "center"
    var x = Offset.pixels(0)
    var y = Offset.pixels(0)
    /// Placements that are not drawn as asked (`g_face` on a layer: the centre instead).
    var notRendered: [String] = []
    /// `fl_no_overflow` in the layer's components: the layer is clipped to the image under it,
    /// as it always is here.
    var noOverflow = false

    enum Offset: Sendable, Equatable {
        case pixels(Double)
        /// A fraction of the base image's width (x) or height (y): `x_0.1`.
        case relative(Double)

        init?(_ raw: String) {
            guard let value = Double(raw), value.isFinite else { return nil }
            self = raw.contains(".") ? .relative(value) : .pixels(value)
        }

        func pixels(of extent: Int) -> Double {
            switch self {
            case .pixels(let v): v
            case .relative(let f): f * Double(extent)
            }
        }
    }

    /// The placement at `dpr`: offsets in pixels are multiplied, as every absolute size is (R6).
    func atDPR(_ dpr: Double) -> LayerPlacement {
        var placement = self
        if case .pixels(let v) = x { placement.x = .pixels(v * dpr) }
        if case .pixels(let v) = y { placement.y = .pixels(v * dpr) }
        return placement
    }

    static let compass: Set<String> = [
        "center", "north", "south", "east", "west", "north_east", "north_west", "south_east", "south_west",
    ]

    init() {}

    /// Reads `g_`, `x_` and `y_` from a layer's components (the first is the `l_` component, the
    /// last the apply component).
    init(_ components: [Component], cropsInLayerComponent: Bool) {
        // Only the layer component and the apply component place the layer: a `g_` in the
        // components between belongs to the layer's own crop.
        var found: [String: String] = [:]
        var placing: [Component] = []
        if components.count > 1, !cropsInLayerComponent { placing.append(components[0]) }
        if let apply = components.last { placing.append(apply) }
        for (offset, component) in placing.enumerated() {
            let isApply = offset == placing.count - 1
            for parameter in component.parameters where ["g", "x", "y"].contains(parameter.key) {
                if isApply || found[parameter.key] == nil { found[parameter.key] = parameter.rawValue }
            }
        }
        noOverflow = components.contains { component in
            component.parameters.contains { $0.key == "fl" && $0.rawValue.split(separator: ".").contains("no_overflow") }
        }
        if let g = found["g"] {
            if Self.compass.contains(g) { gravity = g } else { notRendered.append("g_\(g) (layer placed at the centre)") }
        }
        for key in ["x", "y"] {
            guard let raw = found[key] else { continue }
            if let offset = Offset(raw) {
                if key == "x" { x = offset } else { y = offset }
            } else {
                notRendered.append("\(key)_\(raw)")
            }
        }
    }

    /// The top-left corner of a `size` block on a `canvas`: by gravity, offsets pointing inwards
    /// from the edge the gravity names (Cloudinary's reading: `g_south,y_20` is 20 px above the
    /// bottom), and right and down from the centre.
    func position(of size: (Int, Int), on canvas: (Int, Int)) -> (Int, Int) {
        let dx = x.pixels(of: canvas.0), dy = y.pixels(of: canvas.1)
        let free = (Double(canvas.0 - size.0), Double(canvas.1 - size.1))
        let left: Double = gravity.hasSuffix("west") ? dx : gravity.hasSuffix("east") ? free.0 - dx : free.0 / 2 + dx
        let top: Double = gravity.hasPrefix("north") ? dy : gravity.hasPrefix("south") ? free.1 - dy : free.1 / 2 + dy
        // Offsets are any number a transformation spells (`x_3000000000`); far off the canvas is
        // all one.
        func clamped(_ v: Double) -> Int { Int(min(1e9, max(-1e9, v.isFinite ? v : 0)).rounded()) }
        return (clamped(left), clamped(top))
    }

    /// What is lost of a `layer` of `size` drawn at `position` on `canvas` past the canvas's
    /// edges, for `notRendered`; nil when it fits, or when `fl_no_overflow` asks for the clipping
    /// (found in review: a 2560 px layer over a 451 px image was clipped with only an info note,
    /// where Cloudinary widens the delivered image to hold it).
    func overflow(of layer: String, size: (Int, Int), at position: (Int, Int), on canvas: (Int, Int)) -> String? {
        guard !noOverflow, position.0 < 0 || position.1 < 0 || position.0 + size.0 > canvas.0 || position.1 + size.1 > canvas.1
        else { return nil }
        return "the part of \(layer) past the \(canvas.0)x\(canvas.1) image (Cloudinary widens the delivered image to hold "
            + "the layer unless fl_no_overflow; here it is clipped and the image keeps its size)"
    }

    /// `overlay` (8-bit sRGB, with or without alpha) over `base` at (`x`, `y`), clipped to the
    /// base, which keeps its size and bands.
    static func composite(_ overlay: Image, over base: Image, x: Int, y: Int) throws -> Image {
        // Nothing of it on the base (and positions libvips could not take): the base as it is.
        guard x < base.width, y < base.height, x > -overlay.width, y > -overlay.height else { return base }
        var result = try base.composited(with: overlay, x: x, y: y).toSRGB()
        if !base.hasAlpha, result.hasAlpha { result = try result.bands(0, count: 3) }
        return result
    }
}
