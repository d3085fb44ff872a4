import Foundation

/// A rectangle in continuous pixel coordinates, used to carry windows through a chain.
struct RealRect: Hashable {
    var minX: Double
    var minY: Double
    var maxX: Double
    var maxY: Double

    init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    init(_ rect: Rect) {
        self.init(
            minX: Double(rect.x), minY: Double(rect.y), maxX: Double(rect.maxX), maxY: Double(rect.maxY))
    }

    var width: Double { maxX - minX }
    var height: Double { maxY - minY }
    var isEmpty: Bool { width <= 1e-9 || height <= 1e-9 }

    func intersection(_ other: RealRect) -> RealRect? {
        let result = RealRect(
            minX: max(minX, other.minX), minY: max(minY, other.minY),
            maxX: min(maxX, other.maxX), maxY: min(maxY, other.maxY))
        return result.isEmpty ? nil : result
    }

    /// Whole pixels: each edge rounded half up, at least 1 px wide and high.
    var rounded: Rect {
        let left = GeometryRounding.offset(minX)
        let top = GeometryRounding.offset(minY)
        let right = max(left + 1, GeometryRounding.offset(maxX))
        let bottom = max(top + 1, GeometryRounding.offset(maxY))
        return Rect(left, top, right - left, bottom - top)
    }
}

/// An affine map of the plane, `p ↦ (a·x + b·y + tx, c·x + d·y + ty)`, used to map output
/// coordinates back to upright source coordinates through every step of a chain.
struct AffineMap: Hashable {
    var a = 1.0, b = 0.0, c = 0.0, d = 1.0, tx = 0.0, ty = 0.0

    static let identity = AffineMap()

    func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        (a * x + b * y + tx, c * x + d * y + ty)
    }

    /// `self ∘ inner`: first `inner`, then `self`.
    func composed(after inner: AffineMap) -> AffineMap {
        AffineMap(
            a: a * inner.a + b * inner.c, b: a * inner.b + b * inner.d,
            c: c * inner.a + d * inner.c, d: c * inner.b + d * inner.d,
            tx: a * inner.tx + b * inner.ty + tx, ty: c * inner.tx + d * inner.ty + ty)
    }

    var inverse: AffineMap {
        let det = a * d - b * c
        let ia = d / det
        let ib = -b / det
        let ic = -c / det
        let id = a / det
        return AffineMap(a: ia, b: ib, c: ic, d: id, tx: -(ia * tx + ib * ty), ty: -(ic * tx + id * ty))
    }

    /// The bounding box of the image of `rect`.
    func boundingBox(_ rect: RealRect) -> RealRect {
        let corners = [
            apply(rect.minX, rect.minY), apply(rect.maxX, rect.minY),
            apply(rect.minX, rect.maxY), apply(rect.maxX, rect.maxY),
        ]
        return RealRect(
            minX: corners.map(\.x).min()!, minY: corners.map(\.y).min()!,
            maxX: corners.map(\.x).max()!, maxY: corners.map(\.y).max()!)
    }

    /// Maps a step's output coordinates to its input coordinates.
    static func inverse(of step: GeometryStep) -> AffineMap {
        // Undo the rotation (about the centres), then the flip, then the embed and the resize.
        let canvas = step.canvas
        let output = step.output
        var map = AffineMap.identity
        if step.rotation != 0 {
            let radians = step.rotation * .pi / 180
            let (cosine, sine) = exactTrig(step.rotation, radians)
            // Output → canvas: p = R(-θ)(q - c_out) + c_in.
            let cx = Double(canvas.width) / 2
            let cy = Double(canvas.height) / 2
            let ox = Double(output.width) / 2
            let oy = Double(output.height) / 2
            let rotation = AffineMap(a: cosine, b: sine, c: -sine, d: cosine, tx: 0, ty: 0)
            let toCentre = AffineMap(a: 1, b: 0, c: 0, d: 1, tx: -ox, ty: -oy)
            let back = AffineMap(a: 1, b: 0, c: 0, d: 1, tx: cx, ty: cy)
            map = back.composed(after: rotation.composed(after: toCentre))
        }
        if let flip = step.flip {
            let mirror =
                flip == .horizontal
                ? AffineMap(a: -1, b: 0, c: 0, d: 1, tx: Double(canvas.width), ty: 0)
                : AffineMap(a: 1, b: 0, c: 0, d: -1, tx: 0, ty: Double(canvas.height))
            map = mirror.composed(after: map)
        }
        let sx = Double(step.window.width) / Double(step.resize.width)
        let sy = Double(step.window.height) / Double(step.resize.height)
        let unembed = AffineMap(
            a: sx, b: 0, c: 0, d: sy,
            tx: Double(step.window.x) - Double(step.padding.left) * sx,
            ty: Double(step.window.y) - Double(step.padding.top) * sy)
        return unembed.composed(after: map)
    }

    /// cos/sin that are exact for multiples of 90°, so quarter turns map pixels exactly.
    private static func exactTrig(_ degrees: Double, _ radians: Double) -> (Double, Double) {
        let turns = degrees.truncatingRemainder(dividingBy: 360)
        switch turns < 0 ? turns + 360 : turns {
        case 0: return (1, 0)
        case 90: return (0, 1)
        case 180: return (-1, 0)
        case 270: return (0, -1)
        default: return (cos(radians), sin(radians))
        }
    }
}
