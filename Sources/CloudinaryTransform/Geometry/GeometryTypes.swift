import Foundation

/// A size in whole pixels.
public struct Size: Hashable, Sendable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public init(_ width: Int, _ height: Int) {
        self.init(width: width, height: height)
    }

    /// The same size with width and height exchanged (a quarter turn).
    public var transposed: Size { Size(height, width) }

    public var description: String { "\(width)x\(height)" }
}

/// A rectangle in whole pixels; `x`, `y` is the top-left corner.
public struct Rect: Hashable, Sendable, Codable, CustomStringConvertible {
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

    public init(_ x: Int, _ y: Int, _ width: Int, _ height: Int) {
        self.init(x: x, y: y, width: width, height: height)
    }

    /// The whole of an image of `size`.
    public init(size: Size) {
        self.init(x: 0, y: 0, width: size.width, height: size.height)
    }

    public var size: Size { Size(width, height) }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var area: Int { width * height }

    /// The common part of two rectangles, nil when they do not overlap.
    public func intersection(_ other: Rect) -> Rect? {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return nil }
        return Rect(left, top, right - left, bottom - top)
    }

    /// The smallest rectangle containing both.
    public func union(_ other: Rect) -> Rect {
        let left = min(x, other.x)
        let top = min(y, other.y)
        return Rect(left, top, max(maxX, other.maxX) - left, max(maxY, other.maxY) - top)
    }

    /// `[x, y, width, height]`, the shape of the CLI's JSON.
    public var array: [Int] { [x, y, width, height] }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// Padding on each side of an image, in pixels.
public struct Insets: Hashable, Sendable, Codable, CustomStringConvertible {
    public var left: Int
    public var top: Int
    public var right: Int
    public var bottom: Int

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    public static let zero = Insets(left: 0, top: 0, right: 0, bottom: 0)

    public var isZero: Bool { left == 0 && top == 0 && right == 0 && bottom == 0 }

    /// `[left, top, right, bottom]`, the shape of the CLI's JSON.
    public var array: [Int] { [left, top, right, bottom] }

    public var description: String { "[\(left), \(top), \(right), \(bottom)]" }
}

/// The rounding rules of the reference (§1.6).
enum GeometryRounding {
    /// R1: half up, at least 1 px. A tiny tolerance keeps 213.49999999 (a product that is
    /// 213.5 in exact arithmetic) rounding the way the exact value does.
    static func pixels(_ value: Double) -> Int {
        max(1, offset(value))
    }

    /// Half up without the 1-px minimum, for coordinates that may be 0.
    ///
    /// Values are held within ±``magnitudeLimit`` first: an expression such as
    /// `x_09999999999999999999999999` (too long for `Int`, so it is evaluated as a Double) made
    /// `Int(_:)` trap, found by the transformation fuzzer.
    static func offset(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        let held = min(max(value, -magnitudeLimit), magnitudeLimit)
        return Int((held + 0.5 + 1e-9).rounded(.down))
    }

    /// No image has a side or an offset near 2³¹ pixels; sums and products of two values this
    /// size still fit in `Int`.
    static let magnitudeLimit = Double(Int32.max)

    /// R7: the top/left share of an odd slack is the smaller one.
    static func half(_ slack: Int) -> Int {
        Int((Double(slack) / 2).rounded(.down))
    }
}
