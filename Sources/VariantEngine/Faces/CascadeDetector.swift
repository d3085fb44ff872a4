import Foundation

/// Runs one cascade over an integral image at many scales, scaling the features rather than
/// the image: each scale precomputes the feature corners as offsets into the table, so a
/// window costs four loads per rectangle and most windows leave after the first stage.
struct CascadeDetector: Sendable {
    /// One window that passed every stage, in image pixels.
    struct Hit: Sendable {
        var x: Int, y: Int, size: Int
        /// Sum of the last stage above its threshold (higher = more face-like).
        var margin: Float
    }

    let model: CascadeModel

    /// How the Haar trees are shaped, when all of them are alike: the common shapes are
    /// evaluated without a branch per node (which way a node goes is a coin toss to the branch
    /// predictor, and a wrong guess cost more than evaluating the other node too).
    enum TreeShape: Sendable {
        /// Every weak classifier one node, the i-th at node i (OpenCV's profile cascade).
        case stumps
        /// Every weak classifier two nodes, the i-th at nodes 2i and 2i + 1, the second reached
        /// from the first (the frontal alt2 cascade).
        case pairs
        /// Anything else: the general walk down the tree.
        case general
    }

    let shape: TreeShape
    /// For `stumps` and `pairs`: the leaf value of weak classifier i for every outcome of its
    /// node comparisons (`value < threshold`), at `i * 4 + (first ? 2 : 0) + (second ? 1 : 0)`.
    let outcomes: [Float]

    /// - Parameter flat: Whether the flat shapes may be used (false forces the general walk;
    ///   the tests compare the two).
    init(model: CascadeModel, flat: Bool = true) {
        self.model = model
        (shape, outcomes) = flat ? Self.flatten(model) : (.general, [])
    }

    /// The tree shape of `model` and the leaf table for the flat shapes.
    static func flatten(_ model: CascadeModel) -> (TreeShape, [Float]) {
        guard model.kind == .haar, !model.weakClassifiers.isEmpty else { return (.general, []) }
        let width: Int
        if model.weakClassifiers.enumerated().allSatisfy({ $0.element.nodeCount == 1 && $0.element.nodeStart == $0.offset }) {
            width = 1
        } else if model.weakClassifiers.enumerated().allSatisfy({ $0.element.nodeCount == 2 && $0.element.nodeStart == 2 * $0.offset }) {
            width = 2
        } else {
            return (.general, [])
        }
        var outcomes = [Float](repeating: 0, count: model.weakClassifiers.count * 4)
        for (i, wc) in model.weakClassifiers.enumerated() {
            for first in [false, true] {
                for second in [false, true] {
                    let root = model.nodes[wc.nodeStart]
                    var next = first ? root.left : root.right
                    if next > 0 {
                        // Only the second node can follow, and only leaves after it.
                        guard width == 2, next == 1 else { return (.general, []) }
                        let node = model.nodes[wc.nodeStart + 1]
                        next = second ? node.left : node.right
                        guard next <= 0 else { return (.general, []) }
                    }
                    let leaf = wc.leafStart - next
                    guard leaf >= 0, leaf < model.leaves.count else { return (.general, []) }
                    outcomes[i * 4 + (first ? 2 : 0) + (second ? 1 : 0)] = model.leaves[leaf]
                }
            }
        }
        return (width == 1 ? .stumps : .pairs, outcomes)
    }

    /// A Haar tree node at one scale: its feature's up to three rectangles as corner offsets
    /// into the integral image (a, b, c: top-left, top-right, bottom-left, bottom-right), their
    /// weights (`wc` 0 when there are two), the node's threshold and its children.
    struct ScaledNode {
        var a0: Int32, a1: Int32, a2: Int32, a3: Int32
        var b0: Int32, b1: Int32, b2: Int32, b3: Int32
        var c0: Int32, c1: Int32, c2: Int32, c3: Int32
        var wa: Float, wb: Float, wc: Float
        var threshold: Float
        var left: Int32, right: Int32
    }

    /// Options for ``detect(in:minSize:maxSize:scaleFactor:)``.
    struct Scan: Sendable {
        /// Ratio between successive window sizes; default 1.12.
        var scaleFactor: Double = 1.12
        /// Position step as a fraction of the window side (at least 1 px); default 0.08.
        var stepFraction: Double = 0.08
        /// Windows flatter than this standard deviation (grey levels) are skipped; default 8.
        var minStandardDeviation: Double = 8
        /// Smallest and largest window side in image pixels.
        var minSize: Int = 20
        var maxSize: Int = .max
        /// Window sizes below this are on the grid (so ``priorDepth`` lines up) but not evaluated.
        var minEvaluatedSize: Int = 0
        /// Fine positions are tried only next to a coarse window that passed this many stages;
        /// 0 tries every position; default 2.
        var refineDepth: Int = 2
        /// Optional cheap pre-check: windows whose middle holds too little skin are skipped.
        var skinGate: SkinGate? = nil
        /// Optional: only windows where an earlier scan on the same grid (same sizes and steps)
        /// got through at least `minimum` stages of its cascade are evaluated.
        var priorDepth: PriorDepth? = nil
    }

    /// How many stages of a cascade each window passed, per window size (the scan's order),
    /// row-major over the window positions of that size.
    struct PriorDepth: Sendable {
        var depths: [[UInt8]]
        var minimum: Int
    }

    /// Counts of skin pixels as an integral image (same layout as ``IntegralImage``), and the
    /// share of a window's middle that must be skin for the cascade to run there.
    struct SkinGate: Sendable {
        var counts: [Int32]
        var stride: Int
        var minShare: Double
    }

    /// Every passing window, all scales. Scales run in parallel on the available cores.
    func detect(in image: IntegralImage, scan: Scan) -> [Hit] {
        detect(in: image, scan: scan, recordingDepths: false).hits
    }

    /// Every passing window and, when `recordingDepths`, how far every window got (for
    /// ``Scan/priorDepth`` of a later scan on the same grid).
    func detect(in image: IntegralImage, scan: Scan, recordingDepths: Bool) -> (hits: [Hit], depths: [[UInt8]]) {
        var sizes: [Double] = []
        var scale = max(1, Double(scan.minSize) / Double(model.windowWidth))
        let limit = min(Double(min(image.width, image.height)), Double(scan.maxSize))
        while Double(model.windowWidth) * scale <= limit && Double(model.windowHeight) * scale <= Double(image.height) {
            sizes.append(scale)
            scale *= scan.scaleFactor
        }
        let collector = HitCollector(scales: sizes.count)
        let scales = sizes
        DispatchQueue.concurrentPerform(iterations: scales.count) { k in
            // Largest scales first is the cheap end; interleave so both cores get similar work.
            var depths: [UInt8]? = recordingDepths ? [] : nil
            let hits = detect(in: image, scale: scales[k], index: k, scan: scan, depths: &depths)
            collector.append(hits, depths: depths, at: k)
        }
        return (collector.hits, collector.depths)
    }

    private func detect(in image: IntegralImage, scale: Double, index: Int, scan: Scan, depths: inout [UInt8]?) -> [Hit] {
        switch model.kind {
        case .haar: return detectHaar(in: image, scale: scale, index: index, scan: scan, depths: &depths)
        case .lbp: return detectLBP(in: image, scale: scale, scan: scan)
        }
    }

    // MARK: Haar

    private func detectHaar(in image: IntegralImage, scale: Double, index: Int, scan: Scan, depths recorded: inout [UInt8]?) -> [Hit] {
        let stride = image.stride
        let winW = Int((Double(model.windowWidth) * scale).rounded())
        let winH = Int((Double(model.windowHeight) * scale).rounded())
        guard winW <= image.width, winH <= image.height, winW >= scan.minEvaluatedSize else { return [] }
        // The variance window, as OpenCV: the window less one pixel on every side.
        let nx = Int(scale.rounded()), ny = nx
        let nw = min(winW - nx, Int((Double(model.windowWidth - 2) * scale).rounded()))
        let nh = min(winH - ny, Int((Double(model.windowHeight - 2) * scale).rounded()))
        let normArea = Double(nw * nh)
        let n0 = ny * stride + nx, n1 = n0 + nw, n2 = n0 + nh * stride, n3 = n2 + nw

        // Up to three rectangles per feature: 4 offsets each, a weight each.
        let featureCount = model.haarFeatures.count
        var offsets = [Int](repeating: 0, count: featureCount * 12)
        var weights = [Float](repeating: 0, count: featureCount * 3)
        for (f, rects) in model.haarFeatures.enumerated() {
            var area0 = 1.0, weightedRest = 0.0
            for (k, r) in rects.prefix(3).enumerated() {
                // Rounded, then kept inside the window (rounding can push an edge one pixel out).
                let x = min(winW - 1, Int((Double(r.x) * scale).rounded())), y = min(winH - 1, Int((Double(r.y) * scale).rounded()))
                let w = max(1, min(winW - x, Int((Double(r.width) * scale).rounded())))
                let h = max(1, min(winH - y, Int((Double(r.height) * scale).rounded())))
                let o = f * 12 + k * 4
                offsets[o] = y * stride + x
                offsets[o + 1] = y * stride + x + w
                offsets[o + 2] = (y + h) * stride + x
                offsets[o + 3] = (y + h) * stride + x + w
                let weight = Double(r.weight) / normArea
                weights[f * 3 + k] = Float(weight)
                if k == 0 { area0 = Double(w * h) } else { weightedRest += weight * Double(w * h) }
            }
            // Rounding the scaled rectangles breaks the zero sum of the weights: correct the
            // first (largest) rectangle so that flat windows still give zero (as OpenCV 1 did).
            weights[f * 3] = Float(-weightedRest / area0)
        }
        // Each node with its feature resolved for this scale, in one struct: the loop then reads
        // one place per node besides the integral image (the separate node, offset and weight
        // tables cost a load chain each).
        let scaledNodes = model.nodes.map { node -> ScaledNode in
            let o = node.feature * 12, w = node.feature * 3
            @inline(__always) func at(_ k: Int) -> Int32 { Int32(offsets[o + k]) }
            return ScaledNode(
                a0: at(0), a1: at(1), a2: at(2), a3: at(3), b0: at(4), b1: at(5), b2: at(6), b3: at(7),
                c0: at(8), c1: at(9), c2: at(10), c3: at(11),
                wa: weights[w], wb: weights[w + 1], wc: weights[w + 2], threshold: node.threshold,
                left: Int32(node.left), right: Int32(node.right))
        }

        let step = max(1, Int((Double(winW) * scan.stepFraction).rounded()))
        // The gate looks at the middle of the window: x 20–80 %, y 25–85 %.
        let gx = Int(Double(winW) * 0.2), gy = Int(Double(winH) * 0.25)
        let gw = max(1, Int(Double(winW) * 0.6)), gh = max(1, Int(Double(winH) * 0.6))
        let g0 = gy * stride + gx, g1 = g0 + gw, g2 = g0 + gh * stride, g3 = g2 + gw
        let gateCounts = scan.skinGate?.counts ?? []
        let gateMinimum = Int32((scan.skinGate?.minShare ?? 0) * Double(gw * gh))
        let gated = scan.skinGate != nil
        let minVariance = scan.minStandardDeviation * scan.minStandardDeviation
        var hits: [Hit] = []
        model.stages.withUnsafeBufferPointer { stages in
        model.weakClassifiers.withUnsafeBufferPointer { weak in
        scaledNodes.withUnsafeBufferPointer { nodes in
        model.leaves.withUnsafeBufferPointer { leaves in
        outcomes.withUnsafeBufferPointer { outcomes in
        image.sums.withUnsafeBufferPointer { sums in
        image.squares.withUnsafeBufferPointer { squares in
        gateCounts.withUnsafeBufferPointer { gate in
            // Returns how many stages the window at `base` passed (all of them: a hit) and the
            // margin of the last stage.
            func evaluate(_ base: Int) -> (depth: Int, margin: Float) {
                if gated && gate[base + g3] - gate[base + g1] - gate[base + g2] + gate[base + g0] < gateMinimum { return (0, 0) }
                let sum = Double(sums[base + n3] - sums[base + n1] - sums[base + n2] + sums[base + n0])
                let sq = squares[base + n3] - squares[base + n1] - squares[base + n2] + squares[base + n0]
                let mean = sum / normArea
                let variance = sq / normArea - mean * mean
                if variance < minVariance { return (0, 0) }
                let deviation = Float(variance.squareRoot())
                @inline(__always) func box(_ p0: Int32, _ p1: Int32, _ p2: Int32, _ p3: Int32) -> Float {
                    Float(sums[base &+ Int(p3)] &- sums[base &+ Int(p1)] &- sums[base &+ Int(p2)] &+ sums[base &+ Int(p0)])
                }
                /// Whether the node's feature is under its threshold (the left branch).
                @inline(__always) func goesLeft(_ node: ScaledNode) -> Bool {
                    var value = node.wa * box(node.a0, node.a1, node.a2, node.a3)
                    value += node.wb * box(node.b0, node.b1, node.b2, node.b3)
                    // Two-rectangle features have a zero third weight and an empty rectangle.
                    value += node.wc * box(node.c0, node.c1, node.c2, node.c3)
                    return value < node.threshold * deviation
                }
                var margin: Float = 0
                for s in 0..<stages.count {
                    let stage = stages[s]
                    var stageSum: Float = 0
                    let end = stage.weakStart &+ stage.weakCount
                    switch shape {
                    case .stumps:
                        for wi in stage.weakStart..<end {
                            stageSum += outcomes[wi &* 4 &+ (goesLeft(nodes[wi]) ? 2 : 0)]
                        }
                    case .pairs:
                        for wi in stage.weakStart..<end {
                            let first = goesLeft(nodes[2 &* wi]), second = goesLeft(nodes[2 &* wi &+ 1])
                            stageSum += outcomes[wi &* 4 &+ (first ? 2 : 0) &+ (second ? 1 : 0)]
                        }
                    case .general:
                        for wi in stage.weakStart..<end {
                            let wc = weak[wi]
                            var idx = 0
                            repeat {
                                // Wrapping arithmetic: the indexes are in the tables by construction
                                // and rectangle sums fit Int32; overflow checks here were a large
                                // share of the detector's time.
                                let node = nodes[wc.nodeStart &+ idx]
                                idx = Int(goesLeft(node) ? node.left : node.right)
                            } while idx > 0
                            stageSum += leaves[wc.leafStart &- idx]
                        }
                    }
                    if stageSum < stage.threshold { return (s, margin) }
                    margin = stageSum - stage.threshold
                }
                return (stages.count, margin)
            }
            // Coarse to fine: every other grid position first; the positions between them only
            // next to a coarse window that got through `refineDepth` stages (faces light up a
            // neighbourhood, background rarely passes the first stages).
            let columns = (image.width - winW) / step + 1, rows = (image.height - winH) / step + 1
            guard columns > 0, rows > 0 else { return }
            let prior: [UInt8]? = scan.priorDepth.flatMap { index < $0.depths.count ? $0.depths[index] : nil }
                .flatMap { $0.count == columns * rows ? $0 : nil }
            let priorMinimum = scan.priorDepth?.minimum ?? 0
            if recorded != nil { recorded = [UInt8](repeating: 0, count: columns * rows) }
            @inline(__always) func skipped(_ i: Int, _ j: Int) -> Bool {
                guard let prior else { return false }
                return Int(prior[j * columns + i]) < priorMinimum
            }
            @inline(__always) func record(_ i: Int, _ j: Int, _ depth: Int) {
                if recorded != nil { recorded![j * columns + i] = UInt8(Swift.min(depth, 255)) }
            }
            let coarseColumns = (columns + 1) / 2, coarseRows = (rows + 1) / 2
            var depth = [Int](repeating: 0, count: coarseColumns * coarseRows)
            let all = stages.count
            for cj in 0..<coarseRows {
                for ci in 0..<coarseColumns {
                    let x = 2 * ci * step, y = 2 * cj * step
                    if skipped(2 * ci, 2 * cj) { continue }
                    let result = evaluate(y * stride + x)
                    record(2 * ci, 2 * cj, result.depth)
                    depth[cj * coarseColumns + ci] = result.depth
                    if result.depth == all { hits.append(Hit(x: x, y: y, size: winW, margin: result.margin)) }
                }
            }
            let refine = scan.refineDepth
            for j in 0..<rows {
                for i in 0..<columns where i % 2 == 1 || j % 2 == 1 {
                    var near = 0
                    for cj in Swift.max(0, (j - 1) / 2)...Swift.min(coarseRows - 1, (j + 1) / 2) {
                        for ci in Swift.max(0, (i - 1) / 2)...Swift.min(coarseColumns - 1, (i + 1) / 2) {
                            near = Swift.max(near, depth[cj * coarseColumns + ci])
                        }
                    }
                    guard near >= refine, !skipped(i, j) else { continue }
                    let x = i * step, y = j * step
                    let result = evaluate(y * stride + x)
                    record(i, j, result.depth)
                    if result.depth == all { hits.append(Hit(x: x, y: y, size: winW, margin: result.margin)) }
                }
            }
        }}}}}}}}
        return hits
    }

    // MARK: LBP

    private func detectLBP(in image: IntegralImage, scale: Double, scan: Scan) -> [Hit] {
        let stride = image.stride
        let winW = Int((Double(model.windowWidth) * scale).rounded())
        let winH = Int((Double(model.windowHeight) * scale).rounded())
        guard winW <= image.width, winH <= image.height else { return [] }
        // 16 grid corners per feature (4 × 4), row-major.
        let featureCount = model.lbpFeatures.count
        var corners = [Int](repeating: 0, count: featureCount * 16)
        for (f, r) in model.lbpFeatures.enumerated() {
            let x = Int((Double(r.x) * scale).rounded()), y = Int((Double(r.y) * scale).rounded())
            let w = max(1, min((winW - x) / 3, Int((Double(r.width) * scale).rounded())))
            let h = max(1, min((winH - y) / 3, Int((Double(r.height) * scale).rounded())))
            for gy in 0..<4 {
                for gx in 0..<4 { corners[f * 16 + gy * 4 + gx] = (y + gy * h) * stride + x + gx * w }
            }
        }
        let step = max(1, Int((Double(winW) * scan.stepFraction).rounded()))
        var hits: [Hit] = []
        model.stages.withUnsafeBufferPointer { stages in
        model.weakClassifiers.withUnsafeBufferPointer { weak in
        model.nodes.withUnsafeBufferPointer { nodes in
        model.leaves.withUnsafeBufferPointer { leaves in
        model.subsets.withUnsafeBufferPointer { subsets in
        corners.withUnsafeBufferPointer { p in
        image.sums.withUnsafeBufferPointer { s in
            var y = 0
            while y + winH <= image.height {
                var x = 0
                while x + winW <= image.width {
                    defer { x += step }
                    let base = y * stride + x
                    var passed = true
                    var margin: Float = 0
                    for st in 0..<stages.count {
                        let stage = stages[st]
                        var stageSum: Float = 0
                        for wi in stage.weakStart..<(stage.weakStart + stage.weakCount) {
                            let wc = weak[wi]
                            let node = nodes[wc.nodeStart]
                            let c = node.feature * 16 + 0
                            @inline(__always) func block(_ a: Int) -> Int32 {
                                s[base + p[c + a + 5]] - s[base + p[c + a + 1]] - s[base + p[c + a + 4]] + s[base + p[c + a]]
                            }
                            let centre = block(5)
                            var code = 0
                            if block(0) >= centre { code |= 128 }
                            if block(1) >= centre { code |= 64 }
                            if block(2) >= centre { code |= 32 }
                            if block(6) >= centre { code |= 16 }
                            if block(10) >= centre { code |= 8 }
                            if block(9) >= centre { code |= 4 }
                            if block(8) >= centre { code |= 2 }
                            if block(4) >= centre { code |= 1 }
                            let word = subsets[wc.nodeStart * 8 + (code >> 5)]
                            stageSum += leaves[wc.leafStart + ((word & (1 << Int32(code & 31))) != 0 ? 0 : 1)]
                        }
                        if stageSum < stage.threshold {
                            passed = false
                            break
                        }
                        margin = stageSum - stage.threshold
                    }
                    if passed { hits.append(Hit(x: x, y: y, size: winW, margin: margin)) }
                }
                y += step
            }
        }}}}}}}
        return hits
    }
}

/// Collects hits from concurrent scales.
private final class HitCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [CascadeDetector.Hit] = []
    private var depthStorage: [[UInt8]]

    init(scales: Int) { depthStorage = Array(repeating: [], count: scales) }

    func append(_ hits: [CascadeDetector.Hit], depths: [UInt8]?, at index: Int) {
        lock.lock()
        storage.append(contentsOf: hits)
        if let depths { depthStorage[index] = depths }
        lock.unlock()
    }

    var depths: [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return depthStorage
    }

    var hits: [CascadeDetector.Hit] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
