import Foundation

/// How much each cue counts in the saliency map. The defaults were tuned on TestImages with
/// scripts/evaluate-crops.py (retention of the annotated must-keep boxes).
public struct SaliencyWeights: Sendable, Equatable, Codable {
    /// Colour and luminance contrast against the estimated background; default 0.5.
    public var backgroundContrast: Float = 0.5
    /// Local detail (gradient density); default 0.2.
    public var edges: Float = 0.2
    /// Skin-tone share; default 0.2.
    public var skin: Float = 0.2
    /// Dense strong edges on flat colour, as text makes; default 0.1.
    public var text: Float = 0.1
    /// Strength of the centre prior: 0 none, 1 the centre counts double the corners; default 0.35.
    public var centerPrior: Float = 0.35
    /// Where faces are painted on the 0...255 map (other cues top out at `cueCeiling`).
    public var faceLevel: Float = 255
    /// The top of the scale for every cue that is not a face; default 160.
    public var cueCeiling: Float = 160

    public init() {}
}

/// The cues of the saliency map, computed at map resolution.
struct SaliencyCues {
    /// Contrast against the background, 0...1.
    var contrast: Plane
    /// Gradient density, 0...1.
    var edges: Plane
    /// Skin likelihood, 0...1 (zero for grey images).
    var skin: Plane
    /// Text-likeness, 0...1.
    var text: Plane
    /// Raw gradient magnitude (L units per pixel), for the content classifier.
    var gradient: Plane
    /// Mean chroma of the image (Lab units), for the content classifier and the skin gate.
    var meanChroma: Float

    init(raster: Raster) {
        let w = raster.width, h = raster.height, n = w * h
        var lPlane = Plane(width: w, height: h), aPlane = Plane(width: w, height: h), bPlane = Plane(width: w, height: h)
        var skin = Plane(width: w, height: h)
        var chromaSum: Float = 0
        let linear = SaliencyCues.srgbToLinear
        raster.rgb.withUnsafeBufferPointer { rgb in
            for i in 0..<n {
                let r8 = Int(rgb[i * 3]), g8 = Int(rgb[i * 3 + 1]), b8 = Int(rgb[i * 3 + 2])
                let (l, a, b) = SaliencyCues.lab(linear[r8], linear[g8], linear[b8])
                lPlane.values[i] = l
                aPlane.values[i] = a
                bPlane.values[i] = b
                chromaSum += (a * a + b * b).squareRoot()
                // Skin in YCbCr (Chai & Ngan), softened by how far inside the box it is.
                let y = 0.299 * Float(r8) + 0.587 * Float(g8) + 0.114 * Float(b8)
                let cb = 128 - 0.168736 * Float(r8) - 0.331264 * Float(g8) + 0.5 * Float(b8)
                let cr = 128 + 0.5 * Float(r8) - 0.418688 * Float(g8) - 0.081312 * Float(b8)
                if y > 40, r8 > b8, r8 > g8 - 10 {
                    let inCr = 1 - abs(cr - 153) / 22, inCb = 1 - abs(cb - 102) / 27
                    skin.values[i] = max(0, min(1, min(inCr, inCb) * 2))
                }
            }
        }
        meanChroma = chromaSum / Float(max(1, n))
        let side = max(w, h)
        let smallRadius = max(1, side / 200)
        let l = lPlane.boxBlurred(radius: smallRadius), a = aPlane.boxBlurred(radius: smallRadius)
        let b = bPlane.boxBlurred(radius: smallRadius)

        // Background: colour clusters of the border ring; contrast is the distance to the nearest
        // cluster that covers a fair share of the border, mixed with the distance to the mean.
        let clusters = SaliencyCues.borderClusters(l: l, a: a, b: b)
        // Summed in Double: a Float sum over 100,000 pixels drifts by about 0.05 ΔE, which a flat
        // image's contrast then showed as a (normalised) signal.
        var sumL = 0.0, sumA = 0.0, sumB = 0.0
        for i in 0..<n {
            sumL += Double(l.values[i])
            sumA += Double(a.values[i])
            sumB += Double(b.values[i])
        }
        let meanL = Float(sumL / Double(n)), meanA = Float(sumA / Double(n)), meanB = Float(sumB / Double(n))
        var contrast = Plane(width: w, height: h)
        for i in 0..<n {
            var nearest = Float.greatestFiniteMagnitude
            for c in clusters {
                let dl = l.values[i] - c.0, da = a.values[i] - c.1, db = b.values[i] - c.2
                nearest = min(nearest, dl * dl + da * da + db * db)
            }
            let dl = l.values[i] - meanL, da = a.values[i] - meanA, db = b.values[i] - meanB
            contrast.values[i] = 0.75 * nearest.squareRoot() + 0.25 * (dl * dl + da * da + db * db).squareRoot()
        }
        // Under half a unit of ΔE is no difference anyone sees (a flat grey image's is float noise).
        self.contrast = contrast.boxBlurred(radius: max(1, side / 100)).normalised(percentile: 0.99, floor: 0.5)

        // Gradient of lightness (central differences).
        var gradient = Plane(width: w, height: h)
        for y in 0..<h {
            let up = max(y - 1, 0) * w, down = min(y + 1, h - 1) * w, row = y * w
            for x in 0..<w {
                let left = max(x - 1, 0), right = min(x + 1, w - 1)
                let gx = lPlane.values[row + right] - lPlane.values[row + left]
                let gy = lPlane.values[down + x] - lPlane.values[up + x]
                gradient.values[row + x] = (gx * gx + gy * gy).squareRoot() * 0.5
            }
        }
        self.gradient = gradient
        edges = gradient.boxBlurred(radius: max(1, side / 60)).normalised(percentile: 0.99, floor: 0.1)

        // Text: many strong, thin edges close together, denser along lines than across them.
        var strong = Plane(width: w, height: h)
        for i in 0..<n where gradient.values[i] > 18 { strong.values[i] = 1 }
        let density = strong.boxBlurred(radiusX: max(2, side / 40), radiusY: max(1, side / 160))
        text = Plane(width: w, height: h, values: density.values.map { max(0, min(1, ($0 - 0.08) * 4)) })

        // Grey images carry no skin information.
        self.skin = meanChroma < 4 ? Plane(width: w, height: h) : skin.boxBlurred(radius: max(1, side / 120))
    }

    /// Up to three colours of the border ring, as (L, a, b) with their share of the ring; small
    /// clusters are dropped (a subject touching the edge is not background).
    static func borderClusters(l: Plane, a: Plane, b: Plane) -> [(Float, Float, Float)] {
        let w = l.width, h = l.height
        let ring = max(1, min(w, h) / 25)
        var samples = [(Float, Float, Float)]()
        let step = max(1, (2 * (w + h) * ring) / 4000)
        var k = 0
        for y in 0..<h {
            let inRows = y < ring || y >= h - ring
            for x in 0..<w where inRows || x < ring || x >= w - ring {
                k += 1
                if k % step == 0 {
                    let i = y * w + x
                    samples.append((l.values[i], a.values[i], b.values[i]))
                }
            }
        }
        guard !samples.isEmpty else { return [(50, 0, 0)] }
        // k-means, k = 3, seeded by farthest points.
        var centres = [samples[0]]
        while centres.count < 3 {
            var best = 0, bestDistance: Float = -1
            for (i, s) in samples.enumerated() {
                let d = centres.map { distance2(s, $0) }.min()!
                if d > bestDistance { bestDistance = d; best = i }
            }
            if bestDistance < 25 { break }
            centres.append(samples[best])
        }
        var counts = [Int](repeating: 0, count: centres.count)
        for _ in 0..<6 {
            var sums = [(Float, Float, Float)](repeating: (0, 0, 0), count: centres.count)
            counts = [Int](repeating: 0, count: centres.count)
            for s in samples {
                var best = 0, bestDistance = Float.greatestFiniteMagnitude
                for (j, c) in centres.enumerated() {
                    let d = distance2(s, c)
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
        let kept = centres.indices.filter { Double(counts[$0]) >= 0.15 * Double(samples.count) }.map { centres[$0] }
        return kept.isEmpty ? centres : kept
    }

    static func distance2(_ p: (Float, Float, Float), _ q: (Float, Float, Float)) -> Float {
        let d0 = p.0 - q.0, d1 = p.1 - q.1, d2 = p.2 - q.2
        return d0 * d0 + d1 * d1 + d2 * d2
    }

    static let srgbToLinear: [Float] = (0..<256).map { value in
        let c = Float(value) / 255
        return c <= 0.04045 ? c / 12.92 : powf((c + 0.055) / 1.055, 2.4)
    }

    /// CIE L*a*b* (D65) from linear sRGB.
    @inline(__always) static func lab(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
        @inline(__always) func f(_ t: Float) -> Float { t > 0.008856 ? cbrtf(t) : 7.787 * t + 16 / 116 }
        let fx = f(x), fy = f(y), fz = f(z)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }
}

enum SaliencyBuilder {
    /// Combines the cues, the centre prior, alpha and the faces (in map pixels) into the map.
    static func map(cues: SaliencyCues, alpha: [UInt8]?, faces: [(box: (Double, Double, Double, Double), confidence: Double)],
                    weights: SaliencyWeights) -> SaliencyMap {
        let w = cues.contrast.width, h = cues.contrast.height, n = w * h
        var combined = Plane(width: w, height: h)
        for i in 0..<n {
            combined.values[i] = weights.backgroundContrast * cues.contrast.values[i] + weights.edges * cues.edges.values[i]
                + weights.skin * cues.skin.values[i] + weights.text * cues.text.values[i]
        }
        // A cue over its floor is normalised to full strength, so any image with content peaks
        // at its weight (0.5 for contrast) or more; under a tenth, every cue is noise (a blank
        // image's contrast is about 0.002 ΔE) and the map stays blank, which puts the focal point
        // at the centre, not on the centre prior's bump.
        combined = combined.normalised(percentile: 0.995, floor: 0.1)
        var values = [UInt8](repeating: 0, count: n)
        let sigma2: Float = 2 * 0.3 * 0.3
        for y in 0..<h {
            let dy = (Float(y) + 0.5) / Float(h) - 0.5
            for x in 0..<w {
                let dx = (Float(x) + 0.5) / Float(w) - 0.5
                let prior = 1 - weights.centerPrior + weights.centerPrior * expf(-(dx * dx + dy * dy) / sigma2)
                let i = y * w + x
                // Squaring favours the peaks over broad mild texture.
                var v = combined.values[i] * combined.values[i] * prior
                if let alpha {
                    let a = Float(alpha[i]) / 255
                    // The opaque part of a cut-out is the subject itself.
                    v = (0.4 + 0.6 * v) * a
                }
                values[i] = UInt8(max(0, min(weights.cueCeiling, (v * weights.cueCeiling).rounded())))
            }
        }
        for face in faces {
            let (fx, fy, fw, fh) = face.box
            let cx = fx + fw / 2, cy = fy + fh / 2
            let rx = fw * 0.6, ry = fh * 0.7
            let level = Float(weights.cueCeiling) + Float(face.confidence) * (weights.faceLevel - weights.cueCeiling)
            let x0 = max(0, Int(cx - rx)), x1 = min(w - 1, Int((cx + rx).rounded(.up)))
            let y0 = max(0, Int(cy - ry)), y1 = min(h - 1, Int((cy + ry).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let ex = (Double(x) + 0.5 - cx) / rx, ey = (Double(y) + 0.5 - cy) / ry
                    let d = ex * ex + ey * ey
                    guard d < 1 else { continue }
                    let v = UInt8(max(0, min(255, level * Float(1 - 0.3 * d))))
                    if v > values[y * w + x] { values[y * w + x] = v }
                }
            }
        }
        return SaliencyMap(counted: w, height: h, values: values)
    }
}
