import Foundation

/// Options for ``SmartCropper``; defaults measured with scripts/evaluate-crops.py.
public struct SmartCropOptions: Sendable, Equatable {
    /// > 1 keeps a tighter window around the subject (what `c_thumb`/`c_auto` zoom do); default 1.
    public var zoom: Double = 1
    /// Share of a face box's width added left and right, for the ears and the sides of the
    /// head: with ``hairRoom`` and ``chinRoom``, what a crop should keep for the face to count
    /// as whole (a softer preference than the face itself; dropped when the padded face would
    /// not fit); default 0.25.
    public var faceMargin: Double = 0.25
    /// Share of a face box's height added above it for the hair, and below it for the chin:
    /// detected boxes run from the brows to the mouth, so a head reaches further up than down;
    /// defaults 0.35 and 0.15 (the padded face is as tall as with 0.25 both ways).
    public var hairRoom: Double = 0.35
    public var chinRoom: Double = 0.15
    /// Share of a face box added on every side before the "never slice" rule applies
    /// (detected boxes are tighter than heads); default 0.12.
    public var faceCoreMargin: Double = 0.12
    /// How strongly saliency near the crop's edge counts against a position (keeps subjects off
    /// the edge); default 0.35.
    public var edgePenalty: Double = 0.35
    /// Width of that edge band as a share of the crop side; default 0.08.
    public var edgeBand: Double = 0.08
    /// What a whole face adds to a position's score, in shares of the image's saliency; default 1.
    public var faceReward: Double = 1
    /// What slicing a face costs (it should never win while another position keeps it); default 10.
    public var faceCutPenalty: Double = 10
    /// What slicing a face costs when every window that keeps some face whole slices another
    /// (faces side by side in a window too narrow for both, as tight zoomed crops are): the
    /// strongest face is kept whole and the others sliced as little as possible, rather than
    /// every face left out; default 0.5.
    public var unavoidableCutPenalty: Double = 0.5
    /// What a window costs, times the face's weight, for each face that fits it and that it
    /// slices: keeps more than 10 % and less than 90 % of the detected box, what `facesCut`
    /// counts. The same for a thin slice and a thick one, so that where a slice cannot be
    /// avoided the saliency still places the window; default 4.
    public var faceSliceCost: Double = 4
    /// The share of ``faceCutPenalty`` paid when only a face's margin is cut (its detected box
    /// is whole); default 0.3. With ``faceSliceCost``, a window that trims a margin, or leaves a
    /// face out, wins over one that slices a face (found in review: a 3:1 crop kept the margins
    /// of large faces whole and sliced a small face's chin instead, 20 % of it in the window).
    public var marginCutShare: Double = 0.3

    public init(zoom: Double = 1) {
        self.zoom = zoom
    }
}

extension SmartCropOptions {
    /// Refuses settings that have no meaning: a zoom outside 1...100 (the CLI's range), a weight
    /// or share that is not a finite number of 0 or more (NaN in one of them crashed every crop).
    /// - Throws: `EngineError(.invalidArgument)` naming the setting.
    public func check() throws {
        guard zoom.isFinite, (1...100).contains(zoom) else {
            throw EngineError.invalidArgument(expected: "a zoom from 1 to 100", for: "smartCropOptions.zoom", received: zoom)
        }
        let shares: [(String, Double)] = [
            ("faceMargin", faceMargin), ("hairRoom", hairRoom), ("chinRoom", chinRoom), ("faceCoreMargin", faceCoreMargin),
            ("edgePenalty", edgePenalty), ("edgeBand", edgeBand), ("faceReward", faceReward), ("faceCutPenalty", faceCutPenalty),
            ("unavoidableCutPenalty", unavoidableCutPenalty), ("faceSliceCost", faceSliceCost), ("marginCutShare", marginCutShare),
        ]
        for (name, value) in shares where !(value.isFinite && value >= 0 && value <= 1000) {
            throw EngineError.invalidArgument(expected: "a number from 0 to 1000", for: "smartCropOptions." + name, received: value)
        }
        guard edgeBand <= 0.5 else {
            throw EngineError.invalidArgument(expected: "at most 0.5 (half the crop)", for: "smartCropOptions.edgeBand", received: edgeBand)
        }
    }
}

/// Places crop windows over an analysis: the saliency kept (through a summed-area table, so
/// each candidate is O(1)), faces kept whole whenever they fit, subjects kept off the edges.
///
/// ```swift
/// let analysis = try ImageAnalysis.analyze(path: "hero.jpg")
/// let plan = SmartCropper().crop(analysis, aspectRatio: AspectRatio(parsing: "16:9")!)
/// print(plan.transformation)   // c_crop,h_1080,w_1920,x_0,y_240
/// ```
public struct SmartCropper: Sendable {
    public var options: SmartCropOptions

    public init(options: SmartCropOptions = SmartCropOptions()) {
        self.options = options
    }

    /// The best window of `aspectRatio` (largest at zoom 1, smaller by `options.zoom`).
    public func crop(_ analysis: ImageAnalysis, aspectRatio: AspectRatio) -> CropPlan {
        let size = aspectRatio.largestWindow(inWidth: analysis.width, height: analysis.height, zoom: options.zoom)
        var plan = crop(analysis, windowWidth: size.width, windowHeight: size.height, table: SummedAreaTable(analysis.saliency))
        plan.aspectRatio = aspectRatio.description
        return plan
    }

    /// One plan per ratio, in the order given (the summed-area table is built once).
    public func crops(_ analysis: ImageAnalysis, aspectRatios: [AspectRatio]) -> [CropPlan] {
        let table = SummedAreaTable(analysis.saliency)
        return aspectRatios.map { ratio in
            let size = ratio.largestWindow(inWidth: analysis.width, height: analysis.height, zoom: options.zoom)
            var plan = crop(analysis, windowWidth: size.width, windowHeight: size.height, table: table)
            plan.aspectRatio = ratio.description
            return plan
        }
    }

    /// The best position for a window of exactly `windowWidth` × `windowHeight` source pixels
    /// (clamped to the image), searched inside `region` (default: the whole image).
    public func crop(_ analysis: ImageAnalysis, windowWidth: Int, windowHeight: Int, within region: SourceRect? = nil) -> CropPlan {
        crop(analysis, windowWidth: windowWidth, windowHeight: windowHeight, table: SummedAreaTable(analysis.saliency),
             within: region)
    }

    struct FaceConstraint {
        /// The detected face: slicing it is what the crop must avoid.
        var face: SourceRect
        /// The face with room for hair and chin, when that fits the window.
        var box: SourceRect
        var weight: Double
        /// Whether the face fits the window at all (else only its overlap counts).
        var fits: Bool
        /// The detected box, when it fits the window: slicing it is what `facesCut` counts.
        var detected: SourceRect?
    }

    func crop(_ analysis: ImageAnalysis, windowWidth: Int, windowHeight: Int, table: SummedAreaTable,
              within region: SourceRect? = nil) -> CropPlan {
        let area = (region ?? analysis.bounds).intersection(analysis.bounds) ?? analysis.bounds
        let w = min(max(1, windowWidth), area.width), h = min(max(1, windowHeight), area.height)
        let fx = Double(table.width) / Double(analysis.width), fy = Double(table.height) / Double(analysis.height)
        let total = max(table.total, 1e-9)

        /// The best window with the faces as ``faceConstraints(_:windowWidth:windowHeight:bare:)`` gives them.
        func place(bare: Bool) -> SourceRect {
            let faces = faceConstraints(analysis, windowWidth: w, windowHeight: h, bare: bare)
            // Candidate positions: about one per map pixel, plus the positions that put a window
            // edge exactly on a face edge (the tightest fits, and the windows that just leave a
            // detected box out).
            func positions(from low: Int, span: Int, step: Double, faceEdges: [Int]) -> [Int] {
                guard span > 0 else { return [low] }
                var result = Set<Int>()
                let count = Int((Double(span) / step).rounded(.up))
                for k in 0...count { result.insert(low + min(span, Int((Double(k) * step).rounded()))) }
                for e in faceEdges where e >= low && e <= low + span { result.insert(e) }
                return result.sorted()
            }
            let stepX = max(1, 1 / fx), stepY = max(1, 1 / fy)
            // The windows that just keep or just leave out a detected box, for a few faces: in a
            // crowd they would multiply the positions (150 faces took 4 times as long).
            let extraEdges = faces.count <= 16 ? faces.compactMap(\.detected) : []
            let xs = positions(from: area.x, span: area.width - w, step: stepX,
                               faceEdges: faces.flatMap { [$0.box.x, $0.box.maxX - w, $0.face.x, $0.face.maxX - w] }
                                   + extraEdges.flatMap { [$0.x, $0.maxX - w, $0.maxX, $0.x - w] })
            let ys = positions(from: area.y, span: area.height - h, step: stepY,
                               faceEdges: faces.flatMap { [$0.box.y, $0.box.maxY - h, $0.face.y, $0.face.maxY - h] }
                                   + extraEdges.flatMap { [$0.y, $0.maxY - h, $0.maxY, $0.y - h] })

            // The saliency part of each position's score, then the faces' part for a cut penalty.
            var saliency = [Double](repeating: 0, count: xs.count * ys.count)
            let bandX = Double(w) * options.edgeBand, bandY = Double(h) * options.edgeBand
            for (j, y) in ys.enumerated() {
                for (i, x) in xs.enumerated() {
                    let x0 = Double(x) * fx, x1 = Double(x + w) * fx, y0 = Double(y) * fy, y1 = Double(y + h) * fy
                    let kept = table.sum(x0: x0, y0: y0, x1: x1, y1: y1)
                    // Saliency in the band along the edges the window can move across.
                    let inner = table.sum(x0: x0 + (xs.count > 1 ? bandX * fx : 0), y0: y0 + (ys.count > 1 ? bandY * fy : 0),
                                          x1: x1 - (xs.count > 1 ? bandX * fx : 0), y1: y1 - (ys.count > 1 ? bandY * fy : 0))
                    saliency[j * xs.count + i] = (kept - options.edgePenalty * (kept - inner)) / total
                }
            }
            /// The best window, and whether some window keeps a face whole without slicing another.
            /// - Parameter keepingOne: Only windows that keep some face (whole, or all of its
            ///   detected box but a margin) count.
            func best(cutPenalty: Double, keepingOne: Bool = false) -> (rect: SourceRect, wholeWithoutCuts: Bool) {
                var scores = [Double](repeating: 0, count: saliency.count)
                var keepsAFace = [Bool](repeating: false, count: saliency.count)
                var wholeWithoutCuts = false
                for (j, y) in ys.enumerated() {
                    for (i, x) in xs.enumerated() {
                        let window = SourceRect(x: x, y: y, width: w, height: h)
                        var score = saliency[j * xs.count + i]
                        var whole = false, cut = false, keptOne = false
                        for face in faces {
                            let fraction = Self.keptFraction(face.face, in: window)
                            var detectedWhole = false
                            if let detected = face.detected {
                                // The detected box lies inside `face.face`: measured only when
                                // that is cut (crowds of faces cost twice as much otherwise).
                                let kept = fraction >= 0.999 ? 1 : fraction <= 0.001 ? 0 : Self.keptFraction(detected, in: window)
                                if kept > 0.1 && kept < 0.9 { score -= options.faceSliceCost * face.weight }
                                if kept >= 0.9 { keptOne = true }
                                detectedWhole = kept >= 0.999
                            }
                            if !face.fits {
                                score += options.faceReward * face.weight * fraction
                            } else if fraction >= 0.999 {
                                // Whole; hair and chin room (the padded box) is a softer preference.
                                score += options.faceReward * face.weight * (0.7 + 0.3 * Self.keptFraction(face.box, in: window))
                                whole = true
                            } else if fraction > 0.001 {
                                score -= cutPenalty * face.weight * (0.5 + min(fraction, 1 - fraction)) * (detectedWhole ? options.marginCutShare : 1)
                                cut = true
                            }
                        }
                        if whole && !cut { wholeWithoutCuts = true }
                        scores[j * xs.count + i] = score
                        keepsAFace[j * xs.count + i] = keptOne || whole
                    }
                }
                // Only the windows that keep a face, unless none searched does (a region that
                // leaves them out): then all count.
                if keepingOne, keepsAFace.contains(true) {
                    for k in scores.indices where !keepsAFace[k] { scores[k] = -.infinity }
                }
                // On a plateau (a subject larger than the window, or nothing salient) take the middle
                // of the near-best positions rather than the first one found.
                let top = scores.max() ?? 0
                var plateau: [(i: Int, j: Int)] = []
                for j in ys.indices {
                    for i in xs.indices where scores[j * xs.count + i] >= top - 0.002 { plateau.append((i, j)) }
                }
                let midX = Double(plateau.map { xs[$0.i] }.reduce(0, +)) / Double(plateau.count)
                let midY = Double(plateau.map { ys[$0.j] }.reduce(0, +)) / Double(plateau.count)
                let pick = plateau.min { a, b in
                    let da = abs(Double(xs[a.i]) - midX) + abs(Double(ys[a.j]) - midY)
                    let db = abs(Double(xs[b.i]) - midX) + abs(Double(ys[b.j]) - midY)
                    return da != db ? da < db : scores[a.j * xs.count + a.i] > scores[b.j * xs.count + b.i]
                }!
                return (SourceRect(x: xs[pick.i], y: ys[pick.j], width: w, height: h), wholeWithoutCuts)
            }
            var (rect, wholeWithoutCuts) = best(cutPenalty: options.faceCutPenalty)
            // The best window leaves every face out although some fit, because every window that
            // keeps one whole trims or slices another: no face at all is the worse crop. Among the
            // windows that keep a face (a face whose margin alone is trimmed is kept), the fewest
            // slices still come first.
            func kept(_ face: FaceConstraint) -> Bool {
                Self.keptFraction(face.face, in: rect) >= 0.999 || face.detected.map { Self.keptFraction($0, in: rect) >= 0.9 } == true
            }
            if !wholeWithoutCuts, faces.contains(where: \.fits), !faces.contains(where: { $0.fits && kept($0) }) {
                rect = best(cutPenalty: min(options.faceCutPenalty, options.unavoidableCutPenalty), keepingOne: true).rect
            }
            return rect
        }
        var rect = place(bare: false)
        // The core margins are for one face alone. When the window leaves a face out but every
        // detected box fits in it together, the margins are what kept them apart (two faces side
        // by side in a window just wide enough: found in review, a 1:1.91 crop of a couple kept
        // one): a window placed for the bare boxes is taken when it keeps them all whole.
        func allWhole(_ window: SourceRect) -> Bool { analysis.faces.allSatisfy { Self.keptFraction($0.box, in: window) >= 0.999 } }
        // Only for a face left out or cut (under the 0.9 that facesKept counts), not to nudge a
        // window that keeps every face but a margin.
        if analysis.faces.count > 1, analysis.faces.contains(where: { Self.keptFraction($0.box, in: rect) < 0.9 }),
           let x0 = analysis.faces.map(\.box.x).min(), let x1 = analysis.faces.map(\.box.maxX).max(),
           let y0 = analysis.faces.map(\.box.y).min(), let y1 = analysis.faces.map(\.box.maxY).max(),
           x1 - x0 <= w, y1 - y0 <= h {
            let bare = place(bare: true)
            if allWhole(bare) { rect = bare }
        }
        let kept = table.sum(x0: Double(rect.x) * fx, y0: Double(rect.y) * fy,
                             x1: Double(rect.maxX) * fx, y1: Double(rect.maxY) * fy) / total
        var keptFaces = 0, cutFaces = 0
        for face in analysis.faces {
            let fraction = Self.keptFraction(face.box, in: rect)
            if fraction >= 0.9 { keptFaces += 1 } else if fraction > 0.1 { cutFaces += 1 }
        }
        return CropPlan(aspectRatio: "\(w)x\(h)", rect: rect, score: (min(1, kept) * 1000).rounded() / 1000,
                        facesKept: keptFaces, facesCut: cutFaces)
    }

    /// Faces as the crop must treat them: padded by `faceMargin` when the padded box fits the
    /// window; weighted by confidence and size relative to the largest face.
    /// - Parameter bare: The detected boxes alone must stay whole, without `faceCoreMargin`.
    func faceConstraints(_ analysis: ImageAnalysis, windowWidth w: Int, windowHeight h: Int, bare: Bool = false) -> [FaceConstraint] {
        let largest = Double(analysis.faces.map(\.box.area).max() ?? 1)
        return analysis.faces.map { face in
            let box = roomyBox(face.box, windowWidth: w, windowHeight: h, within: analysis.bounds)
            // Detected boxes are tighter than a face (ears, hair): a little margin is part of
            // what must not be sliced, when it fits.
            let core = face.box.expanded(by: options.faceCoreMargin, within: analysis.bounds)
            let hard = !bare && core.width <= w && core.height <= h ? core : face.box
            let weight = face.confidence * (Double(face.box.area) / largest).squareRoot() / Double(max(1, analysis.faces.count))
            if hard.width > w || hard.height > h, analysis.faces.count > 1 {
                // A face larger than the window, beside others: as much of its middle as the
                // window holds must not be sliced either, or a small face that fits wins over
                // it (found in review: a 3:1 crop kept a face on a poster whole and cut the
                // main face through the mouth). The middle is centred a little above the box's
                // centre, nearer the eyes. Alone, a face is only kept as much as can be.
                let cw = min(face.box.width, w), ch = min(face.box.height, h)
                let top = face.box.y + Int(Double(face.box.height) * 0.45) - ch / 2
                let middle = SourceRect(x: face.box.x + (face.box.width - cw) / 2,
                                        y: min(max(face.box.y, top), face.box.maxY - ch), width: cw, height: ch)
                return FaceConstraint(face: middle, box: middle, weight: weight, fits: true, detected: nil)
            }
            let fits = hard.width <= w && hard.height <= h
            return FaceConstraint(face: hard, box: box, weight: weight, fits: fits, detected: fits ? face.box : nil)
        }
    }

    /// `face` with the room for its head (``SmartCropOptions/faceMargin``, ``SmartCropOptions/hairRoom``,
    /// ``SmartCropOptions/chinRoom``), or with as much of it as a `w` × `h` window holds: when the
    /// window is too short for all of it, the room above and below shrinks in proportion, so a
    /// tight crop still keeps more hair than chin (a window that only just held the bare box used to
    /// centre it, and cut the top of the head as readily as the chin); likewise the sides.
    func roomyBox(_ face: SourceRect, windowWidth w: Int, windowHeight h: Int, within bounds: SourceRect) -> SourceRect {
        /// The two margins wanted on one axis, scaled down together to fit `spare` pixels.
        func margins(_ side: Int, _ first: Double, _ second: Double, spare: Int) -> (Int, Int) {
            let wantFirst = max(0, Double(side) * first), wantSecond = max(0, Double(side) * second)
            guard wantFirst.isFinite, wantSecond.isFinite, wantFirst + wantSecond > 0 else { return (0, 0) }
            let scale = min(1, Double(max(0, spare)) / (wantFirst + wantSecond))
            let a = Int((wantFirst * scale).rounded(.down)), b = Int((wantSecond * scale).rounded(.down))
            return (a, b)
        }
        let padded = face.expanded(sides: options.faceMargin, above: options.hairRoom, below: options.chinRoom, within: bounds)
        if padded.width <= w && padded.height <= h { return padded }
        guard face.width <= w, face.height <= h else { return face }
        let (left, right) = margins(face.width, options.faceMargin, options.faceMargin, spare: w - face.width)
        let (top, bottom) = margins(face.height, options.hairRoom, options.chinRoom, spare: h - face.height)
        let grown = SourceRect(x: SourceRect.difference(face.x, left), y: SourceRect.difference(face.y, top),
                               width: face.width + left + right, height: face.height + top + bottom)
        return grown.intersection(bounds) ?? face
    }

    static func keptFraction(_ box: SourceRect, in window: SourceRect) -> Double {
        guard box.area > 0 else { return 0 }
        return Double(box.intersection(window)?.area ?? 0) / Double(box.area)
    }
}
