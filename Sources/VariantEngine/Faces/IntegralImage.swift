/// Summed-area tables of a grey image and of its squares, (width + 1) × (height + 1) with a
/// zero first row and column, in contiguous arrays: any rectangle sum is four loads.
struct IntegralImage: Sendable {
    let width: Int
    let height: Int
    /// Row stride of both tables (width + 1).
    let stride: Int
    let sums: [Int32]
    let squares: [Double]

    init(gray: [UInt8], width: Int, height: Int) {
        precondition(gray.count == width * height, "grey buffer size mismatch")
        // 255 × 8.4 Mpx fits Int32; the detector never works on larger images.
        precondition(width * height <= 8_000_000, "image too large for a 32-bit integral image")
        self.width = width
        self.height = height
        stride = width + 1
        var sums = [Int32](repeating: 0, count: stride * (height + 1))
        var squares = [Double](repeating: 0, count: stride * (height + 1))
        let stride = self.stride
        gray.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    for y in 0..<height {
                        var rowSum: Int32 = 0
                        var rowSquares: Double = 0
                        let above = y * stride, here = (y + 1) * stride
                        for x in 0..<width {
                            let v = Int32(src[y * width + x])
                            rowSum += v
                            rowSquares += Double(v * v)
                            s[here + x + 1] = s[above + x + 1] + rowSum
                            q[here + x + 1] = q[above + x + 1] + rowSquares
                        }
                    }
                }
            }
        }
        self.sums = sums
        self.squares = squares
    }
}
