/// A crop's aspect ratio as two whole numbers, e.g. 16:9.
public struct AspectRatio: Sendable, Hashable, Codable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init?(width: Int, height: Int) {
        guard width > 0, height > 0 else { return nil }
        self.width = width
        self.height = height
    }

    /// Parses "16:9", "16x9" or "16/9".
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "x" || $0 == "/" })
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else { return nil }
        self.init(width: w, height: h)
    }

    public var value: Double { Double(width) / Double(height) }
    public var description: String { "\(width):\(height)" }

    /// The placements a campaign hero is usually cut for: desktop 16:9, mobile 4:5 and 9:16,
    /// social 1:1, banner 3:1, portrait 2:3.
    public static let campaignDefaults: [AspectRatio] = [(16, 9), (4, 5), (1, 1), (9, 16), (3, 1), (2, 3)]
        .map { AspectRatio(width: $0.0, height: $0.1)! }

    /// The largest window of this ratio inside `width` × `height` (what `c_fill` keeps at zoom 1),
    /// then shrunk by `zoom` (> 1 tighter). Sides are rounded to whole pixels: the ratio holds
    /// within one pixel.
    public func largestWindow(inWidth width: Int, height: Int, zoom: Double = 1) -> (width: Int, height: Int) {
        var w: Int, h: Int
        if width * self.height >= height * self.width {
            h = height
            w = min(width, max(1, Int((Double(height) * value).rounded())))
        } else {
            w = width
            h = min(height, max(1, Int((Double(width) / value).rounded())))
        }
        if zoom > 1 {
            if w * self.height >= h * self.width {
                h = max(1, Int((Double(h) / zoom).rounded()))
                w = min(width, max(1, Int((Double(h) * value).rounded())))
            } else {
                w = max(1, Int((Double(w) / zoom).rounded()))
                h = min(height, max(1, Int((Double(w) / value).rounded())))
            }
        }
        return (w, h)
    }
}
