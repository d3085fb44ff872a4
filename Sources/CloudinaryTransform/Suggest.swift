/// "Did you mean" suggestions by edit distance (optimal string alignment: insertions, deletions,
/// substitutions and transpositions of neighbours each cost 1).
public enum Suggest {
    /// The candidate closest to `word`, when it is close enough to be a likely typo: at most one
    /// edit for words of up to 4 characters, two up to 8, three beyond. Among equally close
    /// candidates the one sharing the longest prefix with `word` wins (typos are rarely in the
    /// first letters), then the earlier one.
    ///
    /// ```swift
    /// Suggest.closest(to: "fil", among: ["fit", "fill", "pad"])   // "fill"
    /// Suggest.closest(to: "wd", among: ["d", "w"])                 // "w"
    /// ```
    public static func closest(to word: String, among candidates: [String]) -> String? {
        // Names are case-sensitive and lower case: `W` is `w`, not the nearest one-letter name.
        let lower = word.lowercased()
        if lower != word, candidates.contains(lower) { return lower }
        // Blanks and punctuation resemble nothing (' ' was "did you mean a_?").
        guard word.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
        var word = word
        return word.withUTF8 { a -> String? in
            guard !a.isEmpty, a.count < 64 else { return nil }
            let limit = a.count <= 4 ? 1 : (a.count <= 8 ? 2 : 3)
            var best: String? = nil
            var bestDistance = limit + 1
            var bestPrefix = -1
            // Three rows of the distance table, reused for every candidate.
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * 65) { rows in
                for candidate in candidates {
                    var candidate = candidate
                    let found: (Int, Int)? = candidate.withUTF8 { b in
                        guard b.count < 64, abs(b.count - a.count) <= min(bestDistance, limit) else {
                            return nil
                        }
                        let d = distance(a, b, rows: rows, limit: min(bestDistance, limit))
                        guard d > 0, d <= limit, d <= bestDistance else { return nil }
                        var prefix = 0
                        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
                        return (d, prefix)
                    }
                    if let (d, prefix) = found, d < bestDistance || prefix > bestPrefix {
                        best = candidate
                        bestDistance = d
                        bestPrefix = prefix
                    }
                }
                return best
            }
        }
    }

    /// The optimal-string-alignment distance between two byte strings.
    public static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (b.count + 1)) {
                    distance(a, b, rows: $0)
                }
            }
        }
    }

    /// The distance with caller-provided scratch space for three rows of `b.count + 1` entries.
    ///
    /// With a `limit`, any distance above it may be reported as `limit + 1`: the table stops at
    /// the first row whose every entry exceeds the limit (a row's minimum never decreases from
    /// one row to the next, transpositions included), so a word that is nothing like a candidate
    /// costs a few rows, not the whole table. Unknown keys and colours from untrusted content are
    /// compared against every known name, so this is most of what a bad transformation costs.
    static func distance(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>,
        rows: UnsafeMutableBufferPointer<Int>, limit: Int = .max
    ) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var previous2 = 0
        var previous = width
        var current = 2 * width
        for j in 0...b.count { rows[previous + j] = j }
        for i in 1...a.count {
            rows[current] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(
                    rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, rows[previous2 + j - 2] + 1)
                }
                rows[current + j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return rows[previous + b.count]
    }
}
