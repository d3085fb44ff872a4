import Foundation

/// Interest per pixel at reduced size, 0...255, row-major; covers the whole oriented source.
///
/// Faces are written at the top of the scale and the other cues below them, so a crop that
/// maximises kept saliency keeps faces first.
public struct SaliencyMap: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var values: [UInt8]

    /// - Throws: `EngineError(.invalidArgument)` when `values` does not hold `width` × `height`
    ///   values (it was a precondition: a caller's mistake ended the process).
    public init(width: Int, height: Int, values: [UInt8]) throws {
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard width >= 0, height >= 0, !overflow, values.count == count else {
            throw EngineError(.invalidArgument, "expected \(width)×\(height) saliency values but received \(values.count)")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    /// The analysis's own map, whose values it has just counted out.
    init(counted width: Int, height: Int, values: [UInt8]) {
        self.width = width
        self.height = height
        self.values = values
    }

    public func value(x: Int, y: Int) -> UInt8 { values[y * width + x] }

    // Stored as base64 so a cached analysis stays small.
    enum CodingKeys: String, CodingKey { case width, height, values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        let text = try container.decode(String.self, forKey: .values)
        // Sides from a file (a cached analysis): multiplied without trapping on overflow.
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard width >= 0, height >= 0, !overflow, let data = Data(base64Encoded: text), data.count == count else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container,
                                                   debugDescription: "saliency values do not match \(width)×\(height)")
        }
        values = [UInt8](data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(Data(values).base64EncodedString(), forKey: .values)
    }
}

/// Sums of a saliency map over any rectangle in O(1), with sub-pixel rectangles interpolated.
public struct SummedAreaTable: Sendable {
    public let width: Int
    public let height: Int
    /// (width + 1) × (height + 1), first row and column zero.
    let table: [Double]

    public init(_ map: SaliencyMap) {
        let width = map.width, height = map.height
        self.width = width
        self.height = height
        let stride = width + 1
        var table = [Double](repeating: 0, count: stride * (height + 1))
        map.values.withUnsafeBufferPointer { source in
            for y in 0..<height {
                var row = 0.0
                for x in 0..<width {
                    row += Double(source[y * width + x])
                    table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + row
                }
            }
        }
        self.table = table
    }

    /// The total of the map.
    public var total: Double { table[table.count - 1] }

    /// The table at a fractional corner, bilinear between the integer corners.
    @inline(__always) func corner(_ x: Double, _ y: Double) -> Double {
        let cx = min(max(x, 0), Double(width)), cy = min(max(y, 0), Double(height))
        let x0 = min(Int(cx), width - 1), y0 = min(Int(cy), height - 1)
        let fx = cx - Double(x0), fy = cy - Double(y0)
        let stride = width + 1
        let a = table[y0 * stride + x0], b = table[y0 * stride + x0 + 1]
        let c = table[(y0 + 1) * stride + x0], d = table[(y0 + 1) * stride + x0 + 1]
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
    }

    /// The sum over the rectangle [x0, x1) × [y0, y1) in map coordinates (fractions allowed).
    public func sum(x0: Double, y0: Double, x1: Double, y1: Double) -> Double {
        corner(x1, y1) - corner(x0, y1) - corner(x1, y0) + corner(x0, y0)
    }
}
