import Foundation

/// A single-channel Float image used for the saliency cues.
struct Plane: Sendable {
    let width: Int
    let height: Int
    var values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    init(width: Int, height: Int, repeating value: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: value, count: width * height))
    }

    /// Separable box blur of the given radius, applied `passes` times (three passes are close to
    /// a Gaussian). Edges are clamped.
    func boxBlurred(radiusX: Int, radiusY: Int, passes: Int = 2) -> Plane {
        var current = values
        var scratch = [Float](repeating: 0, count: values.count)
        for _ in 0..<passes {
            if radiusX > 0 {
                Self.blurRows(current, into: &scratch, width: width, height: height, radius: radiusX)
                swap(&current, &scratch)
            }
            if radiusY > 0 {
                Self.blurColumns(current, into: &scratch, width: width, height: height, radius: radiusY)
                swap(&current, &scratch)
            }
        }
        return Plane(width: width, height: height, values: current)
    }

    func boxBlurred(radius: Int, passes: Int = 2) -> Plane {
        boxBlurred(radiusX: radius, radiusY: radius, passes: passes)
    }

    private static func blurRows(_ source: [Float], into out: inout [Float], width: Int, height: Int, radius: Int) {
        let norm = 1 / Float(2 * radius + 1)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let row = y * width
                    var sum: Float = 0
                    for k in -radius...radius { sum += src[row + min(max(k, 0), width - 1)] }
                    for x in 0..<width {
                        dst[row + x] = sum * norm
                        let add = min(x + radius + 1, width - 1), remove = max(x - radius, 0)
                        sum += src[row + add] - src[row + remove]
                    }
                }
            }
        }
    }

    private static func blurColumns(_ source: [Float], into out: inout [Float], width: Int, height: Int, radius: Int) {
        let norm = 1 / Float(2 * radius + 1)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var sums = [Float](repeating: 0, count: width)
                for k in -radius...radius {
                    let row = min(max(k, 0), height - 1) * width
                    for x in 0..<width { sums[x] += src[row + x] }
                }
                for y in 0..<height {
                    let add = min(y + radius + 1, height - 1) * width, remove = max(y - radius, 0) * width
                    let row = y * width
                    for x in 0..<width {
                        dst[row + x] = sums[x] * norm
                        sums[x] += src[add + x] - src[remove + x]
                    }
                }
            }
        }
    }

    /// The value below which `fraction` of the values lie (sampled histogram, 0...1 fractions).
    func percentile(_ fraction: Double) -> Float {
        guard !values.isEmpty else { return 0 }
        let step = max(1, values.count / 20_000)
        var sample = [Float]()
        sample.reserveCapacity(values.count / step + 1)
        var i = 0
        while i < values.count {
            sample.append(values[i])
            i += step
        }
        let index = min(sample.count - 1, max(0, Int(Double(sample.count - 1) * fraction)))
        return Self.select(index, in: &sample)
    }

    /// The value a sort would put at `k`, found by partitioning around a median of three
    /// (Hoare's selection: linear on average, where sorting the sample was a twentieth of an
    /// analysis without faces). Leaves `values` partly reordered.
    static func select(_ k: Int, in values: inout [Float]) -> Float {
        precondition(values.indices.contains(k), "selection index out of range")
        return values.withUnsafeMutableBufferPointer { v -> Float in
            var low = 0, high = v.count - 1
            while low < high {
                let mid = low + (high - low) / 2
                // Median of the first, middle and last values as the pivot.
                if v[mid] < v[low] { v.swapAt(mid, low) }
                if v[high] < v[low] { v.swapAt(high, low) }
                if v[high] < v[mid] { v.swapAt(high, mid) }
                let pivot = v[mid]
                var i = low, j = high
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while pivot < v[j] { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // Now v[low...j] <= pivot <= v[i...high], and v[j+1..<i] == pivot.
                if k <= j { high = j } else if k >= i { low = i } else { return v[k] }
            }
            return v[k]
        }
    }

    /// Divides by the `fraction` percentile and clips to 0...1 (so a few outliers do not flatten
    /// everything else).
    /// - Parameter floor: The smallest value that counts as full strength: a plane whose
    ///   percentile is under it is scaled by 1 / floor, so rounding noise (a flat image's cues
    ///   are about 1e-5, not 0) is not stretched into a full-strength signal.
    func normalised(percentile fraction: Double = 0.99, floor: Float = 1e-6) -> Plane {
        let top = percentile(fraction)
        guard top > 1e-6 else { return Plane(width: width, height: height) }
        let scale = 1 / max(top, floor)
        return Plane(width: width, height: height, values: values.map { min(1, max(0, $0 * scale)) })
    }
}
