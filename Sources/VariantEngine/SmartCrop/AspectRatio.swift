/// A crop's aspect ratio as two whole numbers, e.g. 16:9.
public struct AspectRatio: Sendable, Hashable, Codable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init?(width: Int, height: Int) {
        guard width > 0, height > 0 else { return nil }
        self.width = width
        self.height = height
    }

    /// Why `text` is refused, when a whole number alone is what it is: said with the refusal
    /// ("2" was refused as not "W:H or a decimal", though `ar_2` is valid to Cloudinary).
    public static func wholeNumberHint(_ text: String) -> String {
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return "" }
        return " (a whole number alone may be a cut-off W:H: write \(text):1 or \(text).0 for \(text) to 1)"
    }

    /// Parses "16:9", "16x9" or "16/9", and decimals as `ar_` takes them: "1.5" is 3:2,
    /// "1.78:1" is 89:50 (up to four decimal places, reduced to lowest terms). With more places
    /// (up to 12) a decimal is a ratio rounded for print, and reads as the simplest fraction
    /// that rounds to it: "1.7777778" is 16:9; when that fraction needs numbers over 10000, as
    /// the closest ratio of numbers up to 10000 ("3.141592653589" is 355:113), and nil when
    /// there is none. A lone whole number ("16") is refused.
    public init?(parsing text: String) {
        let colon = text.split(separator: ":", omittingEmptySubsequences: false)
        // Empty parts kept: "16x9x" was read as 16:9.
        let parts = colon.count == 2 ? colon : text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "/" })
        // A lone number needs its decimal point: "16" is more likely a cut-off 16:9 than 16:1.
        if parts.count == 1, !parts[0].contains(".") { return nil }
        let numbers = parts.count == 1 ? [parts[0], "1"] : parts
        guard numbers.count == 2, let a = Self.scaled(numbers[0]), let b = Self.scaled(numbers[1]) else { return nil }
        // Both sides over the same power of ten, then lowest terms.
        let digits = max(a.decimals, b.decimals)
        var w = a.units, h = b.units
        for _ in a.decimals..<digits { w *= 10 }
        for _ in b.decimals..<digits { h *= 10 }
        guard w > 0, h > 0 else { return nil }
        if digits > 4 {
            // Every ratio the written numbers round from: each decimal is within half a unit of
            // its last place, a whole number is exact. In halves, to stay in integers.
            func halfUnit(_ n: (units: Int, decimals: Int), _ text: Substring) -> Int {
                guard text.contains(".") else { return 0 }
                var e = 1
                for _ in n.decimals..<digits { e *= 10 }
                return e
            }
            let ew = halfUnit(a, numbers[0]), eh = halfUnit(b, numbers[1])
            guard 2 * h > eh else { return nil }
            let (n, d) = Self.simplest(2 * w - ew, 2 * h + eh, 2 * w + ew, 2 * h - eh)
            // No simple ratio rounds to it (1.000000000001 gave 666666666668:666666666667):
            // the closest ratio of smaller numbers.
            if max(n, d) > Self.simplestBound {
                guard let (p, q) = Self.closest(Double(w) / Double(h), bound: Self.simplestBound) else { return nil }
                self.init(width: p, height: q)
                return
            }
            self.init(width: n, height: d)
            return
        }
        var (x, y) = (w, h)
        while y != 0 { (x, y) = (y, x % y) }
        self.init(width: w / x, height: h / x)
    }

    /// The largest side of a ratio read from a long decimal; past it, the decimal is rounded.
    static let simplestBound = 10_000

    /// The fraction p/q closest to `value` with p and q at most `bound` (the smaller q among equally
    /// close ones); nil when no such fraction is positive.
    static func closest(_ value: Double, bound: Int) -> (Int, Int)? {
        guard value.isFinite, value > 0 else { return nil }
        var best: (p: Int, q: Int, error: Double)? = nil
        for q in 1...bound {
            let p = (value * Double(q)).rounded()
            guard p <= Double(bound) else { break }
            guard p >= 1 else { continue }
            let error = abs(p / Double(q) - value)
            if best.map({ error < $0.error * (1 - 1e-12) }) ?? true { best = (Int(p), q, error) }
        }
        return best.map { ($0.p, $0.q) }
    }

    /// The fraction with the smallest denominator in [a/b, c/d] (positive, a/b ≤ c/d), by
    /// continued fractions.
    static func simplest(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> (Int, Int) {
        let q = a / b
        if q * b == a { return (q, 1) }
        if c / d > q { return (q + 1, 1) }
        // Both ends in (q, q + 1): the simplest of the reciprocals of what is left past q.
        let (n, m) = simplest(d, c - q * d, b, a - q * b)
        return (q * n + m, n)
    }

    /// "1.25" as (125, 2): the digits without the point and how many followed it (at most 12).
    private static func scaled(_ text: Substring) -> (units: Int, decimals: Int)? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              !pieces[0].isEmpty, pieces[0].count <= 6 else { return nil }
        let fraction = pieces.count == 2 ? pieces[1] : ""
        guard fraction.count <= 12, pieces.count == 1 || !fraction.isEmpty, let units = Int(pieces[0] + fraction) else { return nil }
        return (units, fraction.count)
    }

    public var value: Double { Double(width) / Double(height) }
    public var description: String { "\(width):\(height)" }

    /// How far a `width` × `height` window is from this ratio, as a share of it (0.02: 2 % wider
    /// or narrower). Whole pixels hold a ratio within one pixel; past 2 % (``missTolerance``) the
    /// image is too small for the ratio, and the plan and `variant crop` say so.
    public func miss(width: Int, height: Int) -> Double {
        guard width > 0, height > 0 else { return 0 }
        return abs(Double(width) / Double(height) / value - 1)
    }

    /// The share of ``miss(width:height:)`` past which a window is reported.
    public static let missTolerance = 0.02

    /// The height of a `width`-px output of this ratio (rounded half up): 9:16 at 540 is 960.
    public func height(forWidth width: Int) -> Int {
        max(1, Int((Double(width) * Double(height) / Double(self.width)).rounded(.toNearestOrAwayFromZero)))
    }

    /// The exact `width` × height a window scales to when it holds this ratio (its miss within
    /// ``missTolerance``), and nil when it does not: whole source pixels rarely hold a ratio
    /// exactly (9:16 of 600 px is 337.5 × 600), so scaling the window by its width alone gives
    /// 540 × 959, where a page sized for the placement expects 540 × 960.
    /// A variant no wider than the window is never taller than it either: 9:16 at 338 px is
    /// 601 px high, and a 338×600 crop delivered at 338×601 was enlarged where the width said
    /// it was not (a never-upscale policy missed it); it is 338×600.
    public func exactHeight(forWidth width: Int, window: (width: Int, height: Int)) -> Int? {
        guard miss(width: window.width, height: window.height) <= Self.missTolerance else { return nil }
        let exact = height(forWidth: width)
        return width <= window.width ? min(exact, window.height) : exact
    }

    /// The placements a campaign hero is usually cut for: desktop 16:9, mobile 4:5 and 9:16,
    /// social 1:1, banner 3:1, portrait 2:3.
    public static let campaignDefaults: [AspectRatio] = [(16, 9), (4, 5), (1, 1), (9, 16), (3, 1), (2, 3)]
        .map { AspectRatio(width: $0.0, height: $0.1)! }

    /// The largest window of this ratio inside `width` × `height` (what `c_fill` keeps at zoom 1),
    /// then shrunk by `zoom` (> 1 tighter). Sides are rounded to whole pixels: the ratio holds
    /// within one pixel.
    public func largestWindow(inWidth width: Int, height: Int, zoom: Double = 1) -> (width: Int, height: Int) {
        var w: Int, h: Int
        if Self.crossCompare(width, self.height, height, self.width) {
            h = height
            w = min(width, max(1, Int((Double(height) * value).rounded())))
        } else {
            w = width
            h = min(height, max(1, Int((Double(width) / value).rounded())))
        }
        if zoom > 1 {
            if Self.crossCompare(w, self.height, h, self.width) {
                h = max(1, Int((Double(h) / zoom).rounded()))
                w = min(width, max(1, Int((Double(h) * value).rounded())))
            } else {
                w = max(1, Int((Double(w) / zoom).rounded()))
                h = min(height, max(1, Int((Double(w) / value).rounded())))
            }
        }
        return (w, h)
    }

    /// `a × b >= c × d` without overflow: a ratio side may be as large as 10^10 and an image side
    /// 2^31 (`AspectRatio(width: Int.max, height: 1)` trapped here).
    static func crossCompare(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
        let left = a.multipliedFullWidth(by: b), right = c.multipliedFullWidth(by: d)
        return (left.high, left.low) >= (right.high, right.low)
    }
}
