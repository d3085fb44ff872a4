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
    /// Haar only: the features' first three rectangles, three places per feature in one array
    /// (with how many of them are real), so that scaling them reads no nested arrays.
    let flatRects: [CascadeModel.HaarRect]
    let rectCounts: [UInt8]
    /// How many nodes, from the first, the stages up to each one use (a running maximum): a
    /// scale's node table is resolved that far when a window reaches that stage.
    let stageNodeEnds: [Int]

    /// - Parameter flat: Whether the flat shapes may be used (false forces the general walk;
    ///   the tests compare the two).
    init(model: CascadeModel, flat: Bool = true) {
        self.model = model
        (shape, outcomes) = flat ? Self.flatten(model) : (.general, [])
        let none = CascadeModel.HaarRect(x: 0, y: 0, width: 0, height: 0, weight: 0)
        flatRects = model.haarFeatures.flatMap { rects in (0..<3).map { $0 < rects.count ? rects[$0] : none } }
        rectCounts = model.haarFeatures.map { UInt8(min(3, $0.count)) }
        var end = 0
        stageNodeEnds = model.stages.map { stage in
            for wc in model.weakClassifiers[stage.weakStart..<(stage.weakStart + stage.weakCount)] {
                end = max(end, wc.nodeStart + wc.nodeCount)
            }
            return end
        }
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
        var a0: Int32 = 0, a1: Int32 = 0, a2: Int32 = 0, a3: Int32 = 0
        var b0: Int32 = 0, b1: Int32 = 0, b2: Int32 = 0, b3: Int32 = 0
        var c0: Int32 = 0, c1: Int32 = 0, c2: Int32 = 0, c3: Int32 = 0
        var wa: Float = 0, wb: Float = 0, wc: Float = 0
        var threshold: Float = 0
        var left: Int32 = 0, right: Int32 = 0
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
        /// Optional: the image's tables dealt for eight windows at a time, built from the same
        /// integral image and skin gate (ignored otherwise, and with coarse-to-fine).
        var lanes: LaneTables? = nil
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

    /// Where the integral tables keep the entry of pixel corner (x, y): row by row (`step` 1),
    /// or with the columns dealt into `step` planes (``LaneTables``), column x in plane x % step
    /// at x / step, so that windows `step` pixels apart are neighbours in memory.
    struct TableLayout: Sendable {
        /// Entries per row of one plane.
        var rowStride: Int
        var step: Int = 1
        /// Entries per plane.
        var planeSize: Int = 0

        @inline(__always) func offset(_ x: Int, _ y: Int) -> Int {
            (x % step) &* planeSize &+ y &* rowStride &+ x / step
        }
    }

    /// The node table of one scale, resolved stage by stage as windows get that far: every
    /// feature rectangle of a node rounded to the scale and turned into offsets of the layout.
    /// Most windows leave in the first few stages, so the later stages' nodes are seldom needed
    /// at every scale (resolving all of them up front was a few per cent of a face search). A
    /// node and its feature are one struct: the loop reads one place per node besides the
    /// integral image (separate node, offset and weight tables cost a load chain each).
    private struct NodeTable {
        let rects: UnsafePointer<CascadeModel.HaarRect>
        let rectCounts: UnsafePointer<UInt8>
        let modelNodes: UnsafePointer<CascadeModel.Node>
        let stageNodeEnds: UnsafePointer<Int>
        /// Where each column of the window starts in the layout (a division per corner otherwise).
        let columns: UnsafePointer<Int>
        let rowStride: Int
        let scale: Double, winW: Int, winH: Int, normArea: Double
        let nodes: UnsafeMutablePointer<ScaledNode>
        /// How many nodes, from the first, are resolved.
        let resolved: UnsafeMutablePointer<Int>

        /// Resolves the nodes stage `stage` uses, if a window has not needed them before.
        @inline(__always) func prepare(stage: Int) {
            let end = stageNodeEnds[stage]
            if end > resolved.pointee { resolve(upTo: end) }
        }

        @inline(__always) subscript(_ n: Int) -> ScaledNode { nodes[n] }

        @inline(never) func resolve(upTo end: Int) {
            for n in resolved.pointee..<end {
                let node = modelNodes[n]
                var scaled = feature(node.feature)
                scaled.threshold = node.threshold
                scaled.left = Int32(node.left)
                scaled.right = Int32(node.right)
                nodes[n] = scaled
            }
            resolved.pointee = end
        }

        private func feature(_ f: Int) -> ScaledNode {
            var weights: (Float, Float, Float) = (0, 0, 0)
            var area0 = 1.0, weightedRest = 0.0
            var feature = ScaledNode()
            for k in 0..<Int(rectCounts[f]) {
                let r = rects[f &* 3 &+ k]
                // Rounded, then kept inside the window (rounding can push an edge one pixel out).
                let x = min(winW - 1, Int((Double(r.x) * scale).rounded())), y = min(winH - 1, Int((Double(r.y) * scale).rounded()))
                let w = max(1, min(winW - x, Int((Double(r.width) * scale).rounded())))
                let h = max(1, min(winH - y, Int((Double(r.height) * scale).rounded())))
                let top = y * rowStride, bottom = (y + h) * rowStride
                let offsets = (Int32(columns[x] + top), Int32(columns[x + w] + top), Int32(columns[x] + bottom), Int32(columns[x + w] + bottom))
                let weight = Double(r.weight) / normArea
                switch k {
                case 0: (feature.a0, feature.a1, feature.a2, feature.a3) = offsets; weights.0 = Float(weight)
                case 1: (feature.b0, feature.b1, feature.b2, feature.b3) = offsets; weights.1 = Float(weight)
                default: (feature.c0, feature.c1, feature.c2, feature.c3) = offsets; weights.2 = Float(weight)
                }
                if k == 0 { area0 = Double(w * h) } else { weightedRest += weight * Double(w * h) }
            }
            // Rounding the scaled rectangles breaks the zero sum of the weights: correct the
            // first (largest) rectangle so that flat windows still give zero (as OpenCV 1 did).
            weights.0 = Float(-weightedRest / area0)
            (feature.wa, feature.wb, feature.wc) = weights
            return feature
        }
    }

    private func detectHaar(in image: IntegralImage, scale: Double, index: Int, scan: Scan, depths recorded: inout [UInt8]?) -> [Hit] {
        let winW = Int((Double(model.windowWidth) * scale).rounded())
        let winH = Int((Double(model.windowHeight) * scale).rounded())
        guard winW <= image.width, winH <= image.height, winW >= scan.minEvaluatedSize else { return [] }
        let step = max(1, Int((Double(winW) * scan.stepFraction).rounded()))
        let columns = (image.width - winW) / step + 1, rows = (image.height - winH) / step + 1
        guard columns > 0, rows > 0 else { return [] }
        // The variance window, as OpenCV: the window less one pixel on every side.
        let nx = Int(scale.rounded()), ny = nx
        let nw = min(winW - nx, Int((Double(model.windowWidth - 2) * scale).rounded()))
        let nh = min(winH - ny, Int((Double(model.windowHeight - 2) * scale).rounded()))
        let normArea = Double(nw * nh)
        // The gate looks at the middle of the window: x 20–80 %, y 25–85 %.
        let gx = Int(Double(winW) * 0.2), gy = Int(Double(winH) * 0.25)
        let gw = max(1, Int(Double(winW) * 0.6)), gh = max(1, Int(Double(winH) * 0.6))
        // Eight windows at a time when the tables are dealt for this step and their narrow sums
        // hold this window's (every position is evaluated then, so not with coarse-to-fine);
        // one at a time otherwise.
        let lanes = scan.refineDepth == 0 && shape != .general && LaneTables.holds(varianceArea: nw * nh, gateArea: gw * gh)
            ? scan.lanes?.tables(step: step, image: image, gated: scan.skinGate != nil) : nil
        let layout = lanes?.layout ?? TableLayout(rowStride: image.stride)
        let columnOffsets = (0...winW).map { layout.offset($0, 0) }
        let nodeStorage = UnsafeMutablePointer<ScaledNode>.allocate(capacity: max(1, model.nodes.count))
        defer { nodeStorage.deallocate() }
        var resolvedNodes = 0
        let sumTable = lanes?.sums ?? image.sums
        let narrowSquares = lanes?.squares ?? [], narrowGate = lanes?.gate ?? []
        let prior: [UInt8]? = scan.priorDepth.flatMap { index < $0.depths.count ? $0.depths[index] : nil }
            .flatMap { $0.count == columns * rows ? $0 : nil }
        let priorMinimum = scan.priorDepth?.minimum ?? 0
        var hits: [Hit] = []
        model.stages.withUnsafeBufferPointer { stages in
        model.weakClassifiers.withUnsafeBufferPointer { weak in
        model.nodes.withUnsafeBufferPointer { modelNodes in
        flatRects.withUnsafeBufferPointer { rects in
        rectCounts.withUnsafeBufferPointer { rectCounts in
        stageNodeEnds.withUnsafeBufferPointer { stageNodeEnds in
        columnOffsets.withUnsafeBufferPointer { columnStarts in
        withUnsafeMutablePointer(to: &resolvedNodes) { resolved in
        model.leaves.withUnsafeBufferPointer { leaves in
        outcomes.withUnsafeBufferPointer { outcomes in
        sumTable.withUnsafeBufferPointer { sums in
        image.squares.withUnsafeBufferPointer { squares in
        (scan.skinGate?.counts ?? []).withUnsafeBufferPointer { gate in
        narrowSquares.withUnsafeBufferPointer { narrowSquares in
        narrowGate.withUnsafeBufferPointer { narrowGate in
            let gated = scan.skinGate != nil
            let nodes = NodeTable(
                rects: rects.baseAddress!, rectCounts: rectCounts.baseAddress!, modelNodes: modelNodes.baseAddress!,
                stageNodeEnds: stageNodeEnds.baseAddress!, columns: columnStarts.baseAddress!, rowStride: layout.rowStride,
                scale: scale, winW: winW, winH: winH, normArea: normArea, nodes: nodeStorage, resolved: resolved)
            let kernel = HaarKernel(
                sums: sums.baseAddress!, squares: squares.baseAddress!, gate: gated ? gate.baseAddress : nil,
                narrowSquares: narrowSquares.baseAddress, narrowGate: gated ? narrowGate.baseAddress : nil,
                stages: stages, weak: weak, nodes: nodes, leaves: leaves, outcomes: outcomes, shape: shape,
                variance: Corners(layout, x: nx, y: ny, width: nw, height: nh), normArea: normArea,
                minVariance: scan.minStandardDeviation * scan.minStandardDeviation,
                skin: Corners(layout, x: gx, y: gy, width: gw, height: gh),
                gateMinimum: Int32((scan.skinGate?.minShare ?? 0) * Double(gw * gh)))
            if lanes != nil {
                hits = scanLanes(kernel, layout: layout, step: step, columns: columns, rows: rows, size: winW,
                                 prior: prior, priorMinimum: priorMinimum, depths: &recorded)
            } else {
                hits = scanWindows(kernel, layout: layout, step: step, columns: columns, rows: rows, size: winW,
                                   refine: scan.refineDepth, prior: prior, priorMinimum: priorMinimum, depths: &recorded)
            }
        }}}}}}}}}}}}}}}
        return hits
    }

    /// One window at a time. Coarse to fine: every other grid position first; the positions
    /// between them only next to a coarse window that got through `refine` stages (faces light
    /// up a neighbourhood, background rarely passes the first stages).
    private func scanWindows(_ kernel: HaarKernel, layout: TableLayout, step: Int, columns: Int, rows: Int, size: Int,
                             refine: Int, prior: [UInt8]?, priorMinimum: Int, depths recorded: inout [UInt8]?) -> [Hit] {
        var hits: [Hit] = []
        @inline(__always) func skipped(_ i: Int, _ j: Int) -> Bool {
            guard let prior else { return false }
            return Int(prior[j * columns + i]) < priorMinimum
        }
        @inline(__always) func record(_ i: Int, _ j: Int, _ depth: Int) {
            if recorded != nil { recorded![j * columns + i] = UInt8(Swift.min(depth, 255)) }
        }
        if recorded != nil { recorded = [UInt8](repeating: 0, count: columns * rows) }
        let coarseColumns = (columns + 1) / 2, coarseRows = (rows + 1) / 2
        var depth = [Int](repeating: 0, count: coarseColumns * coarseRows)
        let all = kernel.stages.count
        for cj in 0..<coarseRows {
            for ci in 0..<coarseColumns {
                let x = 2 * ci * step, y = 2 * cj * step
                if skipped(2 * ci, 2 * cj) { continue }
                let result = kernel.evaluate(layout.offset(x, y))
                record(2 * ci, 2 * cj, result.depth)
                depth[cj * coarseColumns + ci] = result.depth
                if result.depth == all { hits.append(Hit(x: x, y: y, size: size, margin: result.margin)) }
            }
        }
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
                let result = kernel.evaluate(layout.offset(x, y))
                record(i, j, result.depth)
                if result.depth == all { hits.append(Hit(x: x, y: y, size: size, margin: result.margin)) }
            }
        }
        return hits
    }

    /// Eight neighbouring windows at a time (the tables dealt for `step`), every position; the
    /// hits come out in the order of ``scanWindows`` (coarse grid first), the depths alike. Hits
    /// are collected as the rows are scanned (a table of every window's margin, and of its depth
    /// when nobody records them, was memory touched for the first time: page faults).
    @inline(never) private func scanLanes(_ kernel: HaarKernel, layout: TableLayout, step: Int, columns: Int, rows: Int, size: Int,
                           prior: [UInt8]?, priorMinimum: Int, depths recorded: inout [UInt8]?) -> [Hit] {
        if recorded != nil { recorded = [UInt8](repeating: 0, count: columns * rows) }
        var coarseHits: [Hit] = [], fineHits: [Hit] = []
        let all = Int32(kernel.stages.count)
        let lane = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        for j in 0..<rows {
            var i0 = 0
            while i0 < columns {
                let count = Swift.min(8, columns - i0)
                var active = lane .< Int32(count)
                if let prior {
                    for k in 0..<count where Int(prior[j * columns + i0 + k]) < priorMinimum { active[k] = false }
                }
                if any(active) {
                    let result = kernel.evaluate8(layout.offset(i0 * step, j * step), active: active)
                    if recorded != nil {
                        for k in 0..<count {
                            recorded![j * columns + i0 + k] = UInt8(truncatingIfNeeded: Swift.min(result.depth[k], 255))
                        }
                    }
                    if any(result.depth .== all) {
                        for k in 0..<count where result.depth[k] == all {
                            let i = i0 + k
                            let hit = Hit(x: i * step, y: j * step, size: size, margin: result.margin[k])
                            if i % 2 == 0 && j % 2 == 0 { coarseHits.append(hit) } else { fineHits.append(hit) }
                        }
                    }
                }
                i0 += 8
            }
        }
        return coarseHits + fineHits
    }

    /// The four corners of a rectangle of the window, as offsets in a table layout.
    struct Corners {
        var p0: Int, p1: Int, p2: Int, p3: Int
        init(_ layout: TableLayout, x: Int, y: Int, width: Int, height: Int) {
            p0 = layout.offset(x, y)
            p1 = layout.offset(x + width, y)
            p2 = layout.offset(x, y + height)
            p3 = layout.offset(x + width, y + height)
        }
    }

    /// Everything the evaluation of a window reads, for one scale and one table layout; a window
    /// is named by the offset of its top-left corner.
    private struct HaarKernel {
        let sums: UnsafePointer<Int32>
        /// The image's own squares and skin counts (the latter when the scan is gated), for
        /// ``evaluate(_:)``.
        let squares: UnsafePointer<Double>
        let gate: UnsafePointer<Int32>?
        /// The dealt tables' squares and skin counts, for ``evaluate8(_:active:)``.
        let narrowSquares: UnsafePointer<UInt32>?
        let narrowGate: UnsafePointer<UInt16>?
        let stages: UnsafeBufferPointer<CascadeModel.Stage>
        let weak: UnsafeBufferPointer<CascadeModel.WeakClassifier>
        let nodes: NodeTable
        let leaves: UnsafeBufferPointer<Float>
        let outcomes: UnsafeBufferPointer<Float>
        let shape: TreeShape
        let variance: Corners
        let normArea: Double
        let minVariance: Double
        let skin: Corners
        let gateMinimum: Int32

        /// How many stages the window at `base` passed (all of them: a hit) and the margin of
        /// the last stage passed.
        @inline(__always) func evaluate(_ base: Int) -> (depth: Int, margin: Float) {
            if let gate,
               gate[base &+ skin.p3] &- gate[base &+ skin.p1] &- gate[base &+ skin.p2] &+ gate[base &+ skin.p0] < gateMinimum {
                return (0, 0)
            }
            let sum = Double(sums[base &+ variance.p3] &- sums[base &+ variance.p1] &- sums[base &+ variance.p2] &+ sums[base &+ variance.p0])
            let sq = squares[base &+ variance.p3] - squares[base &+ variance.p1] - squares[base &+ variance.p2] + squares[base &+ variance.p0]
            let mean = sum / normArea
            let variance = sq / normArea - mean * mean
            if variance < minVariance { return (0, 0) }
            return continueStages(from: 0, base, deviation: Float(variance.squareRoot()), margin: 0)
        }

        /// The stages from `first` on, for one window.
        @inline(__always) func continueStages(from first: Int, _ base: Int, deviation: Float, margin: Float) -> (depth: Int, margin: Float) {
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
            var margin = margin
            for s in first..<stages.count {
                nodes.prepare(stage: s)
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

        /// The eight windows at `base`, `base + 1` ... (one step apart in a dealt layout), those
        /// in `active`; the others get depth 0. The same arithmetic in the same order as
        /// ``evaluate(_:)``, so the same depths and margins to the bit. Stumps and pairs only.
        @inline(__always) func evaluate8(_ base: Int, active: SIMDMask<SIMD8<Int32>>) -> (depth: SIMD8<Int32>, margin: SIMD8<Float>) {
            @inline(__always) func load(_ table: UnsafePointer<Int32>, _ offset: Int) -> SIMD8<Int32> {
                UnsafeRawPointer(table + (base &+ offset)).loadUnaligned(as: SIMD8<Int32>.self)
            }
            @inline(__always) func load(_ table: UnsafePointer<UInt32>, _ offset: Int) -> SIMD8<UInt32> {
                UnsafeRawPointer(table + (base &+ offset)).loadUnaligned(as: SIMD8<UInt32>.self)
            }
            @inline(__always) func load(_ table: UnsafePointer<UInt16>, _ offset: Int) -> SIMD8<UInt16> {
                UnsafeRawPointer(table + (base &+ offset)).loadUnaligned(as: SIMD8<UInt16>.self)
            }
            var alive = active
            // Wrapping differences of the narrow tables are exact: the true counts and sums of
            // squares fit (LaneTables.holds).
            if let gate = narrowGate {
                let count = SIMD8<Int32>(truncatingIfNeeded: load(gate, skin.p3) &- load(gate, skin.p1) &- load(gate, skin.p2) &+ load(gate, skin.p0))
                alive = alive .& (count .>= gateMinimum)
                if !any(alive) { return (.zero, .zero) }
            }
            let squares = narrowSquares.unsafelyUnwrapped
            let sum = SIMD8<Double>(load(sums, variance.p3) &- load(sums, variance.p1) &- load(sums, variance.p2) &+ load(sums, variance.p0))
            let sq = SIMD8<Double>(load(squares, variance.p3) &- load(squares, variance.p1) &- load(squares, variance.p2) &+ load(squares, variance.p0))
            let mean = sum / normArea
            let variances = sq / normArea - mean * mean
            let flat = SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int64>.zero.replacing(with: 1, where: variances .< minVariance))
            alive = alive .& (flat .== 0)
            if !any(alive) { return (.zero, .zero) }
            let deviation = SIMD8<Float>(variances.squareRoot())

            @inline(__always) func box(_ p0: Int32, _ p1: Int32, _ p2: Int32, _ p3: Int32) -> SIMD8<Float> {
                SIMD8<Float>(load(sums, Int(p3)) &- load(sums, Int(p1)) &- load(sums, Int(p2)) &+ load(sums, Int(p0)))
            }
            @inline(__always) func goesLeft(_ node: ScaledNode) -> SIMDMask<SIMD8<Int32>> {
                var value = node.wa * box(node.a0, node.a1, node.a2, node.a3)
                value += node.wb * box(node.b0, node.b1, node.b2, node.b3)
                value += node.wc * box(node.c0, node.c1, node.c2, node.c3)
                return value .< node.threshold * deviation
            }
            var depth = SIMD8<Int32>.zero
            var margin = SIMD8<Float>.zero
            for s in 0..<stages.count {
                nodes.prepare(stage: s)
                let stage = stages[s]
                var stageSum = SIMD8<Float>.zero
                let end = stage.weakStart &+ stage.weakCount
                if shape == .stumps {
                    for wi in stage.weakStart..<end {
                        let o = wi &* 4
                        stageSum += SIMD8(repeating: outcomes[o]).replacing(with: outcomes[o &+ 2], where: goesLeft(nodes[wi]))
                    }
                } else {
                    for wi in stage.weakStart..<end {
                        let first = goesLeft(nodes[2 &* wi]), second = goesLeft(nodes[2 &* wi &+ 1])
                        let o = wi &* 4
                        let right = SIMD8(repeating: outcomes[o]).replacing(with: outcomes[o &+ 1], where: second)
                        let left = SIMD8(repeating: outcomes[o &+ 2]).replacing(with: outcomes[o &+ 3], where: second)
                        stageSum += right.replacing(with: left, where: first)
                    }
                }
                let failed = stageSum .< stage.threshold
                depth.replace(with: Int32(s), where: alive .& failed)
                alive = alive .& .!failed
                margin.replace(with: stageSum - stage.threshold, where: alive)
                let survivors = SIMD8<Int32>.zero.replacing(with: 1, where: alive).wrappedSum()
                if survivors == 0 { return (depth, margin) }
                // Few windows left: the vector would mostly compute dead lanes; finish them one
                // at a time.
                if survivors <= 1 {
                    for k in 0..<8 where alive[k] {
                        let rest = continueStages(from: s &+ 1, base &+ k, deviation: deviation[k], margin: margin[k])
                        depth[k] = Int32(rest.depth)
                        margin[k] = rest.margin
                    }
                    return (depth, margin)
                }
            }
            depth.replace(with: Int32(stages.count), where: alive)
            return (depth, margin)
        }
    }

    /// The search tables of one image (sums, squares, skin counts) dealt into planes for the
    /// window steps of the small scales, where most windows are: built once per image and
    /// shared by every cascade run over it (``Scan/lanes``).
    struct LaneTables: Sendable {
        /// Sums as they are; squares and skin counts kept modulo 2^32 and 2^16, which is exact
        /// for the rectangles of windows up to about 258 px (``holds(varianceArea:gateArea:)``) and
        /// saves 6 of 16 bytes per entry.
        struct Dealt: Sendable {
            var layout: TableLayout
            var sums: [Int32]
            var squares: [UInt32]
            var gate: [UInt16]
        }

        /// Whether the narrow tables hold a window's sums: 255² per pixel of the variance
        /// rectangle under 2^32, one per pixel of the gate's under 2^16.
        static func holds(varianceArea: Int, gateArea: Int) -> Bool {
            varianceArea <= Int(UInt32.max) / (255 * 255) && gateArea <= Int(UInt16.max)
        }
        let width: Int, height: Int
        let gated: Bool
        private let dealt: [Int: Dealt]

        /// - Parameters:
        ///   - gate: The skin gate the scans will use (its counts are dealt too), or nil.
        ///   - steps: The window steps to deal the tables for.
        init(_ image: IntegralImage, gate: SkinGate?, steps: some Sequence<Int>) {
            width = image.width
            height = image.height
            gated = gate != nil
            let rows = image.height + 1, stride = image.stride
            func deal<T: Numeric, U: Numeric>(_ table: [T], _ layout: TableLayout, _ narrow: (T) -> U) -> [U] {
                // Eight entries of slack: the lanes past the last window read beyond a row's end.
                var out = [U](repeating: 0, count: layout.step * layout.planeSize + 8)
                table.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBufferPointer { dst in
                        for plane in 0..<layout.step {
                            for y in 0..<rows {
                                var to = layout.offset(plane, y)
                                for x in Swift.stride(from: y * stride + plane, to: (y + 1) * stride, by: layout.step) {
                                    dst[to] = narrow(src[x])
                                    to += 1
                                }
                            }
                        }
                    }
                }
                return out
            }
            // One step per task: dealing is memory-bound, and the search waits for it.
            let wanted = Set(steps).filter { $0 > 1 }.sorted()
            var tables = [Dealt?](repeating: nil, count: wanted.count)
            tables.withUnsafeMutableBufferPointer { tables in
                Parallel.forEach(wanted.count) { k in
                    let step = wanted[k]
                    let planeStride = (stride + step - 1) / step
                    let layout = TableLayout(rowStride: planeStride, step: step, planeSize: planeStride * rows)
                    // The squares are whole numbers under 2^53 in the Double table.
                    tables[k] = Dealt(layout: layout, sums: deal(image.sums, layout) { $0 },
                                      squares: deal(image.squares, layout) { UInt32(truncatingIfNeeded: Int64($0)) },
                                      gate: gate.map { deal($0.counts, layout) { UInt16(truncatingIfNeeded: $0) } } ?? [])
                }
            }
            dealt = Dictionary(uniqueKeysWithValues: zip(wanted, tables.map { $0! }))
        }

        /// The tables for `step`, when they were dealt for it from `image` with the same gating.
        func tables(step: Int, image: IntegralImage, gated: Bool) -> Dealt? {
            guard image.width == width, image.height == height, gated == self.gated else { return nil }
            return dealt[step]
        }
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
