import Foundation

/// The nine compass positions (§3.1).
enum CompassGravity: String, CaseIterable {
    case north_west, north, north_east, west, center, east, south_west, south, south_east

    /// Top-left of a `size` placed in `container` with inward offsets (the TR x/y table):
    /// floor centring (R7), then clamped into the container.
    func place(_ size: Size, in container: Size, x: Int = 0, y: Int = 0) -> (x: Int, y: Int) {
        let sx = container.width - size.width
        let sy = container.height - size.height
        let left: Int
        let top: Int
        switch self {
        case .center: (left, top) = (GeometryRounding.half(sx) + x, GeometryRounding.half(sy) + y)
        case .north: (left, top) = (GeometryRounding.half(sx) + x, y)
        case .south: (left, top) = (GeometryRounding.half(sx) + x, sy - y)
        case .east: (left, top) = (sx - x, GeometryRounding.half(sy) + y)
        case .west: (left, top) = (x, GeometryRounding.half(sy) + y)
        case .north_west: (left, top) = (x, y)
        case .north_east: (left, top) = (sx - x, y)
        case .south_west: (left, top) = (x, sy - y)
        case .south_east: (left, top) = (sx - x, sy - y)
        }
        return (clamp(left, sx), clamp(top, sy))
    }

    private func clamp(_ value: Int, _ slack: Int) -> Int {
        slack <= 0 ? GeometryRounding.half(slack) : min(max(value, 0), slack)
    }
}

/// A gravity as the geometry uses it, once content-aware positions are resolved.
enum GravityPlacement {
    /// A compass position (with the component's x/y offsets where the mode honours them).
    case compass(CompassGravity)
    /// Centre the window on this rectangle (a face, the union of faces, a custom region, or an
    /// `xy_center` point), in the component's input pixels. `headroom` is what a thumbnail adds
    /// on every side of it (detected faces only: hair, chin, some neck; see
    /// ``GeometryResolution/faceHeadroom``).
    case box(RealRect, headroom: Double = 0)
    /// `g_auto` and its variants: a window only a `GravityResolver` can give.
    case auto(String)
}

/// The gravity text split into what it names.
enum GravityKind: Equatable {
    case compass(CompassGravity)
    /// `face`, `faces`, `adv_face`, `adv_faces` with their fallback (`north` unless
    /// `:center` or `:auto`).
    case face(all: Bool, fallback: String)
    /// `custom` with its fallback (`center`, or a face gravity).
    case custom(fallback: String)
    case auto
    case xyCenter
    case liquid
    /// Add-on or object gravities we cannot evaluate locally.
    case other(String)

    init(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let head = parts.first ?? ""
        let tail = parts.count > 1 ? parts[1] : nil
        if let compass = CompassGravity(rawValue: text) {
            self = .compass(compass)
            return
        }
        switch head {
        case "face", "adv_face", "adv_eyes": self = .face(all: false, fallback: tail ?? "north")
        case "faces", "adv_faces": self = .face(all: true, fallback: tail ?? "north")
        case "custom": self = .custom(fallback: tail ?? "center")
        case "auto": self = .auto
        case "xy_center": self = .xyCenter
        case "liquid": self = .liquid
        case "body" where tail == "face": self = .face(all: false, fallback: "north")
        default: self = .other(text)
        }
    }
}
