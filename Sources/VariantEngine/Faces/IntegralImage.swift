/// Summed-area tables of a grey image and of its squares, (width + 1) × (height + 1) with a
/// zero first row and column, in contiguous arrays: any rectangle sum is four loads.
struct IntegralImage: Sendable {
    private(set) var width: Int
    private(set) var height: Int
    /// Row stride of both tables (width + 1).
    private(set) var stride: Int
    private(set) var sums: [Int32]
    private(set) var squares: [Double]

    init(gray: [UInt8], width: Int, height: Int) {
        self.width = 0
        self.height = 0
        stride = 1
        sums = []
        squares = []
        rebuild(gray: gray, width: width, height: height)
    }

    /// The tables of another grey image, in the memory of these when it is the same size (the
    /// turned copies of the face search: fresh memory costs a page fault per 4 KB touched).
    mutating func rebuild(gray: [UInt8], width: Int, height: Int) {
        precondition(gray.count == width * height, "grey buffer size mismatch")
        // 255 × 8.4 Mpx fits Int32; the detector never works on larger images.
        precondition(width * height <= 8_000_000, "image too large for a 32-bit integral image")
        if width != self.width || height != self.height || sums.isEmpty {
            // The first row and column stay zero; every other entry is written below.
            sums = [Int32](repeating: 0, count: (width + 1) * (height + 1))
            squares = [Double](repeating: 0, count: (width + 1) * (height + 1))
        }
        self.width = width
        self.height = height
        stride = width + 1
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
    }
}
