import CloudinaryTransform

/// A rectangle in source pixels, after EXIF orientation: the coordinate system of every
/// analysis result and crop (and of Cloudinary's `x_`, `y_`, `w_`, `h_` for `c_crop`).
public struct SourceRect: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    // The arithmetic saturates instead of trapping: rectangles can come from outside (stored
    // faces, known faces), and a box near Int.max stopped the process.
    public var maxX: Int { Self.sum(x, width) }
    public var maxY: Int { Self.sum(y, height) }
    public var area: Int {
        let (product, overflow) = max(0, width).multipliedReportingOverflow(by: max(0, height))
        return overflow ? .max : product
    }
    public var centerX: Double { Double(x) + Double(width) / 2 }
    public var centerY: Double { Double(y) + Double(height) / 2 }
    public var description: String { "\(width)×\(height)+\(x)+\(y)" }

    /// The overlap with `other`, or nil when they do not overlap.
    public func intersection(_ other: SourceRect) -> SourceRect? {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return nil }
        return SourceRect(x: left, y: top, width: Self.difference(right, left), height: Self.difference(bottom, top))
    }

    /// The smallest rectangle holding both.
    public func union(_ other: SourceRect) -> SourceRect {
        let left = min(x, other.x), top = min(y, other.y)
        return SourceRect(x: left, y: top, width: Self.difference(max(maxX, other.maxX), left),
                          height: Self.difference(max(maxY, other.maxY), top))
    }

    /// `a + b`, or the nearest bound when it overflows.
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : value
    }

    /// `a - b`, or the nearest bound when it overflows.
    static func difference(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b < 0 ? .max : .min) : value
    }

    /// Intersection over union, 0...1.
    public func iou(_ other: SourceRect) -> Double {
        guard let overlap = intersection(other) else { return 0 }
        let union = area + other.area - overlap.area
        return union > 0 ? Double(overlap.area) / Double(union) : 0
    }

    /// `c_crop,h_H,w_W,x_X,y_Y`: the component that crops this rectangle, keys in ASCII order
    /// (the canonical form).
    var cropComponent: String { "c_crop,h_\(height),w_\(width),x_\(x),y_\(y)" }

    /// Whether `other` lies entirely inside this rectangle.
    public func contains(_ other: SourceRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }

    /// Grown by `fraction` of its size on every side, then clipped to `bounds`.
    public func expanded(by fraction: Double, within bounds: SourceRect) -> SourceRect {
        expanded(sides: fraction, above: fraction, below: fraction, within: bounds)
    }

    /// The rectangle grown by `sides` of its width left and right, `above` and `below` of its
    /// height at the top and bottom, then clipped to `bounds`.
    public func expanded(sides: Double, above: Double, below: Double, within bounds: SourceRect) -> SourceRect {
        func pixels(_ value: Double) -> Int {
            guard value.isFinite else { return 0 }
            return Int(max(-1e15, min(1e15, value.rounded())))
        }
        let dx = pixels(Double(width) * sides), top = pixels(Double(height) * above), bottom = pixels(Double(height) * below)
        let grown = SourceRect(x: Self.difference(x, dx), y: Self.difference(y, top),
                               width: Self.sum(width, Self.sum(dx, dx)), height: Self.sum(height, Self.sum(top, bottom)))
        return grown.intersection(bounds) ?? self
    }
}

/// A point in source pixels, after EXIF orientation.
public struct SourcePoint: Sendable, Codable, Equatable, Hashable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

extension SourceRect {
    /// The same rectangle as the geometry's `Rect` (a `--faces` box, a known region).
    package init(_ rect: Rect) {
        self.init(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
    }
}
