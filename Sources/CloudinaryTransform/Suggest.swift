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
        let a = Array(word.utf8)
        guard !a.isEmpty else { return nil }
        let limit = a.count <= 4 ? 1 : (a.count <= 8 ? 2 : 3)
        var best: String? = nil
        var bestDistance = limit + 1
        var bestPrefix = -1
        for candidate in candidates {
            let b = Array(candidate.utf8)
            if abs(b.count - a.count) > bestDistance { continue }
            let d = distance(a, b)
            guard d > 0, d <= limit, d <= bestDistance else { continue }
            var prefix = 0
            while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
            if d < bestDistance || prefix > bestPrefix {
                best = candidate
                bestDistance = d
                bestPrefix = prefix
            }
        }
        return best
    }

    /// The optimal-string-alignment distance between two byte strings.
    public static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var previous2 = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            swap(&previous2, &previous)
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
