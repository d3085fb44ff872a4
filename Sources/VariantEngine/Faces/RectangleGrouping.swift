/// OpenCV's `groupRectangles`: clusters of similar windows become one averaged box, clusters
/// with too few members are dropped, and boxes inside a stronger box are dropped.
enum RectangleGrouping {
    struct Group: Sendable {
        var x: Double, y: Double, size: Double
        /// Windows in the cluster.
        var neighbours: Int
        /// Best last-stage margin in the cluster.
        var margin: Float
    }

    static func group(_ hits: [CascadeDetector.Hit], minNeighbours: Int, eps: Double = 0.2) -> [Group] {
        guard !hits.isEmpty else { return [] }
        // Union-find over the similarity relation.
        var parent = Array(hits.indices)
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        // Sorting by size lets each hit compare only with hits of similar size.
        let order = hits.indices.sorted { hits[$0].size < hits[$1].size }
        for a in 0..<order.count {
            let i = order[a]
            let r1 = hits[i]
            var b = a + 1
            while b < order.count {
                let r2 = hits[order[b]]
                if Double(r2.size) > Double(r1.size) * (1 + 2 * eps) + 2 { break }
                let delta = eps * Double(min(r1.size, r2.size))
                if abs(Double(r1.x - r2.x)) <= delta, abs(Double(r1.y - r2.y)) <= delta,
                    abs(Double(r1.x + r1.size - r2.x - r2.size)) <= delta,
                    abs(Double(r1.y + r1.size - r2.y - r2.size)) <= delta {
                    let ri = find(i), rj = find(order[b])
                    if ri != rj { parent[ri] = rj }
                }
                b += 1
            }
        }
        var clusters: [Int: Group] = [:]
        for (i, hit) in hits.enumerated() {
            let root = find(i)
            var g = clusters[root] ?? Group(x: 0, y: 0, size: 0, neighbours: 0, margin: -.infinity)
            g.x += Double(hit.x)
            g.y += Double(hit.y)
            g.size += Double(hit.size)
            g.neighbours += 1
            g.margin = max(g.margin, hit.margin)
            clusters[root] = g
        }
        let groups = clusters.values.compactMap { g -> Group? in
            guard g.neighbours > minNeighbours else { return nil }
            let n = Double(g.neighbours)
            return Group(x: g.x / n, y: g.y / n, size: g.size / n, neighbours: g.neighbours, margin: g.margin)
        }
        // Drop a box lying inside a box with more support.
        return groups.filter { inner in
            !groups.contains { outer in
                let d = outer.size * eps
                return outer.size > inner.size && inner.x >= outer.x - d && inner.y >= outer.y - d
                    && inner.x + inner.size <= outer.x + outer.size + d && inner.y + inner.size <= outer.y + outer.size + d
                    && (outer.neighbours > max(3, inner.neighbours) || inner.neighbours < 3)
            }
        }.sorted { a, b in
            // The clusters come out of a dictionary, whose order changes from run to run: ties
            // are broken by position so that the same image gives the same faces in the same order.
            a.neighbours != b.neighbours ? a.neighbours > b.neighbours : (a.y, a.x, a.size) < (b.y, b.x, b.size)
        }
    }
}
