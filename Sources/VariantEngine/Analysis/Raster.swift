import VipsCore

/// Decoded 8-bit sRGB pixels as the analysis uses them: colour flattened over white, alpha
/// kept apart (nil when the image is opaque).
struct Raster: Sendable {
    let width: Int
    let height: Int
    /// Interleaved RGB, 3 bytes per pixel.
    let rgb: [UInt8]
    let alpha: [UInt8]?

    init(width: Int, height: Int, rgb: [UInt8], alpha: [UInt8]?) {
        self.width = width
        self.height = height
        self.rgb = rgb
        self.alpha = alpha
    }

    /// Converts any 1–4 band buffer; grey is spread to RGB, alpha is split off and the colour
    /// composited over white so that transparent areas read as plain background.
    init(_ pixels: PixelBuffer) {
        width = pixels.width
        height = pixels.height
        let count = width * height
        let bands = pixels.bands
        let hasAlpha = bands == 2 || bands == 4
        var rgb = [UInt8](repeating: 0, count: count * 3)
        var alpha: [UInt8] = hasAlpha ? [UInt8](repeating: 0, count: count) : []
        pixels.data.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    let base = i * bands
                    var r = src[base], g = r, b = r
                    if bands >= 3 {
                        g = src[base + 1]
                        b = src[base + 2]
                    }
                    if hasAlpha {
                        let a = Int(src[base + bands - 1])
                        alpha[i] = UInt8(a)
                        if a < 255 {
                            let white = (255 - a) * 255
                            r = UInt8((Int(r) * a + white + 127) / 255)
                            g = UInt8((Int(g) * a + white + 127) / 255)
                            b = UInt8((Int(b) * a + white + 127) / 255)
                        }
                    }
                    dst[i * 3] = r
                    dst[i * 3 + 1] = g
                    dst[i * 3 + 2] = b
                }
            }
        }
        self.rgb = rgb
        // An alpha band that is opaque everywhere is no alpha for the analysis; any pixel short of
        // 255 is transparency, as the optimiser counts it (alpha 250 everywhere was "no alpha"
        // here while `optimize --formats jpeg` refused the image for its transparency).
        self.alpha = hasAlpha && alpha.contains(where: { $0 < 255 }) ? alpha : nil
    }

    /// The alpha that makes the image a cut-out for the saliency map (its opaque part is the
    /// subject): nil unless some pixel is under 250. A band of 250–254 everywhere is
    /// transparency (``alpha``, `hasAlpha`), but no cut-out: counted as one, it made the whole
    /// photo the subject and moved its crops.
    var cutOutAlpha: [UInt8]? {
        guard let alpha, alpha.contains(where: { $0 < 250 }) else { return nil }
        return alpha
    }

    /// Rec. 601 luma, one byte per pixel (what the face cascades were trained on).
    func gray() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height)
        rgb.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count {
                    let value = 19595 * Int(src[i * 3]) + 38470 * Int(src[i * 3 + 1]) + 7471 * Int(src[i * 3 + 2])
                    dst[i] = UInt8((value + 32768) >> 16)
                }
            }
        }
        return out
    }

    /// Area-averaged reduction so that the longest side is at most `longestSide`.
    func downsampled(toLongestSide longestSide: Int) -> Raster {
        let longest = max(width, height)
        guard longest > longestSide else { return self }
        let scale = Double(longestSide) / Double(longest)
        let newWidth = max(1, Int((Double(width) * scale).rounded()))
        let newHeight = max(1, Int((Double(height) * scale).rounded()))
        let xEdges = (0...newWidth).map { min(width, Int((Double($0) * Double(width) / Double(newWidth)).rounded())) }
        let yEdges = (0...newHeight).map { min(height, Int((Double($0) * Double(height) / Double(newHeight)).rounded())) }
        var rgbOut = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        var alphaOut: [UInt8]? = alpha == nil ? nil : [UInt8](repeating: 0, count: newWidth * newHeight)
        var sums = [Int](repeating: 0, count: newWidth * 4)
        for ny in 0..<newHeight {
            for i in 0..<sums.count { sums[i] = 0 }
            let y0 = yEdges[ny], y1 = max(yEdges[ny + 1], y0 + 1)
            for y in y0..<min(y1, height) {
                let row = y * width
                for nx in 0..<newWidth {
                    let x0 = xEdges[nx], x1 = max(xEdges[nx + 1], x0 + 1)
                    var r = 0, g = 0, b = 0, a = 0
                    for x in x0..<min(x1, width) {
                        let p = (row + x) * 3
                        r += Int(rgb[p])
                        g += Int(rgb[p + 1])
                        b += Int(rgb[p + 2])
                        if let alpha { a += Int(alpha[row + x]) }
                    }
                    sums[nx * 4] += r
                    sums[nx * 4 + 1] += g
                    sums[nx * 4 + 2] += b
                    sums[nx * 4 + 3] += a
                }
            }
            for nx in 0..<newWidth {
                let x0 = xEdges[nx], x1 = max(xEdges[nx + 1], x0 + 1)
                let n = max(1, (min(x1, width) - x0) * (min(y1, height) - y0))
                let o = (ny * newWidth + nx) * 3
                rgbOut[o] = UInt8(sums[nx * 4] / n)
                rgbOut[o + 1] = UInt8(sums[nx * 4 + 1] / n)
                rgbOut[o + 2] = UInt8(sums[nx * 4 + 2] / n)
                alphaOut?[ny * newWidth + nx] = UInt8(sums[nx * 4 + 3] / n)
            }
        }
        return Raster(width: newWidth, height: newHeight, rgb: rgbOut, alpha: alphaOut)
    }

    /// The bounding box of pixels with alpha above `threshold`, in raster pixels.
    func opaqueBounds(threshold: UInt8 = 16) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard let alpha else { return nil }
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where alpha[row + x] > threshold {
                if x < minX { minX = x }
                if x > maxX { maxX = x }
                if y < minY { minY = y }
                maxY = y
            }
        }
        guard maxX >= 0 else { return nil }
        return (minX, minY, maxX - minX + 1, maxY - minY + 1)
    }
}
