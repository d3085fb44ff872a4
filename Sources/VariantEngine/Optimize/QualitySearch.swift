import Foundation

/// Finds the lowest encoder quality whose result meets a score target, in few encodes.
///
/// Scores saturate towards 100 as quality rises, roughly as `100 − a·e^(−q/k)`, so the search
/// works on `log(100.5 − score)`, which is close to linear in quality: from a predicted start,
/// secant steps in that space usually land next to the crossing within two or three probes.
/// It keeps a bracket [highest failing, lowest passing] and stops when the bracket is one
/// quality step wide, or when the passing file is within `byteTolerance` of the failing one
/// (file size grows with quality, so nothing inside the bracket can be meaningfully smaller).
/// Where the curve bends away from a line (AVIF near the top), secant steps can land just past
/// the same end again and again; after two probes in a row on one side of the target, the
/// last of which took less than half off the bracket, the next one halves it instead.
struct QualitySearch {
    /// What one probe measured.
    struct Probe: Sendable, Equatable {
        var quality: Int
        var score: Double
        var bytes: Int
    }

    /// The result: the lowest passing probe (nil if even the top quality fails) and every probe.
    struct Outcome: Sendable {
        var best: Probe?
        var probes: [Probe]
        /// The search stopped early because `prune` said no quality could pay off.
        var pruned = false
    }

    /// The score target.
    var target: Double
    /// Lowest and highest quality the encoder accepts.
    var range: ClosedRange<Int> = 1...100
    /// Score points gained per quality step, used while a single probe gives no measured slope.
    var slopeGuess: Double = 0.6
    /// Stop when the passing probe's file is within this factor of the failing probe's.
    var byteTolerance: Double = 1.02
    /// Never more probes than this, but for one that closes a bracket of two qualities.
    var maxProbes: Int = 8

    private static func linearised(_ score: Double) -> Double { log(max(100.5 - score, 0.05)) }

    /// Searches from `start`.
    ///
    /// `byteBound` is the size of the best file found so far (by another format): this
    /// search only matters below it. A probe that misses the target with a file at least that
    /// large ends the search, marked pruned: files grow with quality, so every passing
    /// quality of this format is larger still. And while the lowest passing file is over the
    /// bound, the next probe goes no higher than the quality whose file is predicted to reach
    /// the bound, where a miss prunes.
    func run(start: Int, byteBound: Int? = nil, probe: (Int) throws -> Probe) rethrows -> Outcome {
        var probes: [Int: Probe] = [:]
        var order: [Probe] = []
        var failing: Probe? = nil  // the highest failing quality
        var passing: Probe? = nil  // the lowest passing quality

        var next = min(max(start, range.lowerBound), range.upperBound)
        // Probes in a row on the same side of the target (passing, or failing), and whether the
        // last one took less than half off the bracket.
        var streak = 0
        var slow = false
        while order.count < maxProbes {
            let width = failing.flatMap { lo in passing.map { $0.quality - lo.quality } }
            let p = try probe(next)
            probes[next] = p
            streak = order.last.map { ($0.score >= target) == (p.score >= target) } == true ? streak + 1 : 1
            order.append(p)
            if p.score >= target {
                if passing.map({ next < $0.quality }) ?? true { passing = p }
            } else {
                if failing.map({ next > $0.quality }) ?? true { failing = p }
                if let bound = byteBound, p.bytes >= bound {
                    return Outcome(best: passing, probes: order, pruned: true)
                }
            }

            if let width, let lo = failing, let hi = passing { slow = (hi.quality - lo.quality) * 2 > width } else { slow = false }
            // The two probes to interpolate between: the bracket once there is one.
            let pair: (Probe, Probe)?
            if let lo = failing, let hi = passing {
                if hi.quality - lo.quality <= 1 || Double(hi.bytes) <= Double(lo.bytes) * byteTolerance { break }
                pair = (lo, hi)
            } else if order.count >= 2 {
                pair = (order[order.count - 2], order[order.count - 1])
            } else {
                pair = nil
            }
            if passing?.quality == range.lowerBound || (passing == nil && failing?.quality == range.upperBound) { break }

            var estimate: Double
            if let (a, b) = pair, a.quality != b.quality,
                Self.linearised(a.score) != Self.linearised(b.score)
            {
                let (ya, yb, yt) = (Self.linearised(a.score), Self.linearised(b.score), Self.linearised(target))
                estimate = Double(a.quality) + (yt - ya) * Double(b.quality - a.quality) / (yb - ya)
            } else {
                estimate = Double(p.quality) + (target - p.score) / slopeGuess
            }
            if !estimate.isFinite { estimate = Double(p.quality) }
            var q = Int(estimate.rounded(.up))
            if let lo = failing { q = max(q, lo.quality + 1) }
            if let hi = passing { q = min(q, hi.quality - 1) }
            // Found in review: AVIF probes 77, 80, 83, 85, 87 all failed below a pass at 100,
            // and the search ran out at q98 where q90 passed (a file 1.94 times the size).
            if streak >= 3, slow, let lo = failing, let hi = passing { q = (lo.quality + hi.quality) / 2 }
            if let bound = byteBound, let hi = passing, hi.bytes > bound,
                let reaching = Self.quality(reaching: bound, from: hi, order), reaching < q
            {
                q = max(reaching, (failing?.quality ?? range.lowerBound - 1) + 1)
            }
            q = min(max(q, range.lowerBound), range.upperBound)
            if probes[q] != nil {
                // Already measured: move into the unexplored part of the bracket.
                switch (failing, passing) {
                case let (lo?, hi?): q = (lo.quality + hi.quality) / 2
                case let (nil, hi?): q = hi.quality - 1
                case let (lo?, nil): q = lo.quality + 1
                default: break
                }
                if probes[q] != nil || !range.contains(q) { break }
            }
            next = q
        }
        // Out of probes one step short of the crossing (a bracket of two): the quality between
        // settles it, one encode more (found in QA: JPEG q89 failed at 4:2:0, q91 passed, and
        // q90, 4:4:4 and 5 % smaller, passed unmeasured).
        if order.count >= maxProbes, let lo = failing, let hi = passing, hi.quality - lo.quality == 2,
           probes[lo.quality + 1] == nil {
            let p = try probe(lo.quality + 1)
            order.append(p)
            if p.score >= target { passing = p }
        }
        return Outcome(best: passing, probes: order)
    }

    /// File size per quality step when a single probe gives no measured growth.
    static let byteGrowthGuess = 1.03

    /// The lowest quality whose file is predicted to reach `bytes`: log(bytes) interpolated
    /// linearly in quality between `from` and the nearest other probe of another size.
    private static func quality(reaching bytes: Int, from hi: Probe, _ probes: [Probe]) -> Int? {
        let others = probes.filter { $0.quality != hi.quality && $0.bytes != hi.bytes && $0.bytes > 0 }
        let growth: Double
        if let other = others.min(by: { abs($0.quality - hi.quality) < abs($1.quality - hi.quality) }) {
            growth = (log(Double(hi.bytes)) - log(Double(other.bytes))) / Double(hi.quality - other.quality)
        } else {
            growth = log(byteGrowthGuess)
        }
        guard growth > 0, hi.bytes > 0, bytes > 0 else { return nil }
        let estimate = Double(hi.quality) - (log(Double(hi.bytes)) - log(Double(bytes))) / growth
        return estimate.isFinite ? Int(estimate.rounded(.up)) : nil
    }
}
