/// Tells photographs from graphics and text by colour statistics and edges of the (opaque)
/// pixels: graphics use few colours apart from the background, text adds dense thin edges.
enum ContentClassifier {
    struct Evidence: Sendable {
        /// Share of the most common colour (the background, usually).
        var backgroundShare: Double
        /// Share of the eight next most common colours among the remaining pixels.
        var paletteShare: Double
        /// Share of pixels that look like text.
        var textShare: Double
    }

    static func evidence(raster: Raster, cues: SaliencyCues) -> Evidence {
        var histogram = [Int](repeating: 0, count: 4096)
        var total = 0, texty = 0
        for i in 0..<(raster.width * raster.height) {
            if let alpha = raster.alpha, alpha[i] < 128 { continue }
            let r = Int(raster.rgb[i * 3]) >> 4, g = Int(raster.rgb[i * 3 + 1]) >> 4, b = Int(raster.rgb[i * 3 + 2]) >> 4
            histogram[(r << 8) | (g << 4) | b] += 1
            total += 1
            if cues.text.values[i] > 0.5 { texty += 1 }
        }
        guard total > 0 else { return Evidence(backgroundShare: 1, paletteShare: 1, textShare: 0) }
        let sorted = histogram.sorted(by: >)
        let rest = total - sorted[0]
        let palette = sorted[1...8].reduce(0, +)
        return Evidence(
            backgroundShare: Double(sorted[0]) / Double(total),
            paletteShare: rest > 0 ? Double(palette) / Double(rest) : 1,
            textShare: Double(texty) / Double(total))
    }

    static func classify(_ e: Evidence) -> ContentClass {
        if e.paletteShare < 0.55 && e.backgroundShare < 0.5 { return .photo }
        if e.paletteShare < 0.45 { return .photo }
        if e.textShare > 0.2 && e.backgroundShare > 0.3 { return .text }
        return .graphic
    }
}

/// k-means over a sample of the opaque pixels, seeded with the most common coarse colours.
enum DominantColorExtractor {
    static func colors(raster: Raster, count: Int) -> [DominantColor] {
        guard count > 0 else { return [] }
        var samples = [(Float, Float, Float)]()
        let n = raster.width * raster.height
        let step = max(1, n / 6000)
        var i = 0
        while i < n {
            if raster.alpha == nil || raster.alpha![i] >= 128 {
                samples.append((Float(raster.rgb[i * 3]), Float(raster.rgb[i * 3 + 1]), Float(raster.rgb[i * 3 + 2])))
            }
            i += step
        }
        guard !samples.isEmpty else { return [] }
        var histogram = [Int: Int]()
        for s in samples {
            histogram[(Int(s.0) >> 5) << 6 | (Int(s.1) >> 5) << 3 | (Int(s.2) >> 5), default: 0] += 1
        }
        var centres = histogram.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(count).map { entry -> (Float, Float, Float) in
                let key = entry.key
                return (Float((key >> 6) & 7) * 32 + 16, Float((key >> 3) & 7) * 32 + 16, Float(key & 7) * 32 + 16)
            }
        var counts = [Int](repeating: 0, count: centres.count)
        for _ in 0..<8 {
            var sums = [(Float, Float, Float)](repeating: (0, 0, 0), count: centres.count)
            counts = [Int](repeating: 0, count: centres.count)
            for s in samples {
                var best = 0, bestDistance = Float.greatestFiniteMagnitude
                for (j, c) in centres.enumerated() {
                    let d = SaliencyCues.distance2(s, c)
                    if d < bestDistance { bestDistance = d; best = j }
                }
                counts[best] += 1
                sums[best].0 += s.0
                sums[best].1 += s.1
                sums[best].2 += s.2
            }
            for j in centres.indices where counts[j] > 0 {
                let c = Float(counts[j])
                centres[j] = (sums[j].0 / c, sums[j].1 / c, sums[j].2 / c)
            }
        }
        func hex(_ c: (Float, Float, Float)) -> String {
            let parts = [c.0, c.1, c.2].map { Int($0.rounded()).clamped(0, 255) }
            return "#" + parts.map { String($0, radix: 16).leftPadded(2) }.joined()
        }
        return centres.indices.filter { counts[$0] * 100 >= samples.count }
            .sorted { counts[$0] > counts[$1] }
            .map { DominantColor(hex: hex(centres[$0]), share: (Double(counts[$0]) / Double(samples.count) * 1000).rounded() / 1000) }
    }
}

fileprivate extension Int {
    func clamped(_ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(self, low), high) }
}

fileprivate extension String {
    func leftPadded(_ length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
