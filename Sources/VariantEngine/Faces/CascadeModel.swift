import Foundation

/// A boosted cascade in OpenCV's XML format (`opencv_storage/cascade`, as written by
/// `opencv_traincascade`): HAAR features with stump or tree weak classifiers, or LBP features
/// with categorical stumps.
struct CascadeModel: Sendable {
    enum FeatureKind: String, Sendable { case haar = "HAAR", lbp = "LBP" }

    struct Stage: Sendable {
        var threshold: Float
        var weakStart: Int
        var weakCount: Int
    }

    struct WeakClassifier: Sendable {
        var nodeStart: Int
        var nodeCount: Int
        var leafStart: Int
    }

    /// `left`/`right` > 0 point at another node of the same tree; <= 0 are leaf -index.
    struct Node: Sendable {
        var left: Int
        var right: Int
        var feature: Int
        var threshold: Float
    }

    struct HaarRect: Sendable {
        var x: Int, y: Int, width: Int, height: Int
        var weight: Float
    }

    var kind: FeatureKind
    var windowWidth: Int
    var windowHeight: Int
    var stages: [Stage] = []
    var weakClassifiers: [WeakClassifier] = []
    var nodes: [Node] = []
    var leaves: [Float] = []
    /// LBP only: eight 32-bit words per node, bit `code` set means "go left".
    var subsets: [Int32] = []
    var haarFeatures: [[HaarRect]] = []
    /// LBP only: the top-left block of each 3×3 grid.
    var lbpFeatures: [(x: Int, y: Int, width: Int, height: Int)] = []

    /// The same cascade looking the other way (Haar only): profile models are trained on one side.
    func mirrored() -> CascadeModel {
        var copy = self
        copy.haarFeatures = haarFeatures.map { rects in
            rects.map { HaarRect(x: windowWidth - $0.x - $0.width, y: $0.y, width: $0.width, height: $0.height, weight: $0.weight) }
        }
        return copy
    }
}

enum CascadeModelError: Error, CustomStringConvertible {
    case malformed(String)
    var description: String {
        switch self {
        case .malformed(let why): "malformed cascade: \(why)"
        }
    }
}

extension CascadeModel {
    /// The elements the parser looks at; every other name is `.other`.
    private enum Tag: UInt8 {
        case other, cascade, featureType, width, height, stages, item, stageThreshold, weakClassifiers
        case internalNodes, leafValues, features, rects, rect

        static let names: [(name: [UInt8], tag: Tag)] = ([
            ("cascade", .cascade), ("featureType", .featureType), ("width", .width), ("height", .height),
            ("stages", .stages), ("_", .item), ("stageThreshold", .stageThreshold), ("weakClassifiers", .weakClassifiers),
            ("internalNodes", .internalNodes), ("leafValues", .leafValues), ("features", .features), ("rects", .rects),
            ("rect", .rect),
        ] as [(String, Tag)]).map { (Array($0.0.utf8), $0.1) }

        init(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
            let length = to - from
            for entry in Self.names where entry.name.count == length {
                if entry.name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress! + from, length) == 0 }) {
                    self = entry.tag
                    return
                }
            }
            self = .other
        }
    }

    /// Parses the XML with a small scanner over its bytes: the files are large (up to 1 MB) and
    /// regular, and every process that looks for faces loads two of them, so names are matched
    /// as bytes and numbers read in place (no string per element; this made loading both models
    /// several times cheaper than the string-based scanner before it).
    init(xml data: Data) throws {
        let bytes = [UInt8](data) + [0]  // a terminator, so a number at the very end still stops
        self = try bytes.withUnsafeBufferPointer { try CascadeModel(bytes: UnsafeBufferPointer(rebasing: $0.dropLast())) }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) throws {
        var kind = FeatureKind.haar
        var windowWidth = 0, windowHeight = 0
        var stages: [Stage] = []
        var weak: [WeakClassifier] = []
        var nodes: [Node] = []
        var leaves: [Float] = []
        var subsets: [Int32] = []
        var haar: [[HaarRect]] = []
        var lbp: [(x: Int, y: Int, width: Int, height: Int)] = []
        var pendingNodes: [Double] = []
        var values: [Double] = []

        // The open elements: their tag and where their name is (to match the closing tag).
        var path: [(tag: Tag, start: Int, end: Int)] = []
        var insideCascade = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { throw CascadeModelError.malformed("empty file") }
        var index = 0
        var textStart = 0
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/")

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        /// The numbers between two offsets (whitespace separated), into `out`.
        func numbers(_ from: Int, _ to: Int, into out: inout [Double]) throws {
            out.removeAll(keepingCapacity: true)
            var p = from
            while true {
                while p < to, isSpace(bytes[p]) { p += 1 }
                if p >= to { return }
                var end: UnsafeMutablePointer<CChar>?
                let start = UnsafeMutableRawPointer(mutating: base + p).assumingMemoryBound(to: CChar.self)
                let value = strtod(start, &end)
                let consumed = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? 0
                guard consumed > 0, p + consumed <= to else { throw CascadeModelError.malformed("a number near byte \(p)") }
                out.append(value)
                p += consumed
            }
        }
        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func ends(_ suffix: Tag...) -> Bool {
            guard path.count >= suffix.count else { return false }
            let offset = path.count - suffix.count
            for k in 0..<suffix.count where path[offset + k].tag != suffix[k] { return false }
            return true
        }
        func find(_ byte: UInt8, from: Int) -> Int? {
            guard from < count else { return nil }
            guard let found = memchr(base + from, Int32(byte), count - from) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }

        while index < count {
            guard let open = find(lt, from: index) else { break }
            let textEnd = open
            // Comments.
            if open + 3 < count, bytes[open + 1] == UInt8(ascii: "!"), bytes[open + 2] == UInt8(ascii: "-") {
                var k = open + 4
                while k + 2 < count, !(bytes[k] == UInt8(ascii: "-") && bytes[k + 1] == UInt8(ascii: "-") && bytes[k + 2] == gt) { k += 1 }
                index = k + 3
                textStart = index
                continue
            }
            guard let close = find(gt, from: open + 1) else { break }
            index = close + 1
            defer { textStart = index }
            let first = bytes[open + 1]
            if first == UInt8(ascii: "?") || first == UInt8(ascii: "!") { continue }
            if first == slash {
                guard let last = path.last, last.end - last.start == close - open - 2,
                      memcmp(base + last.start, base + open + 2, close - open - 2) == 0 else { continue }
                if insideCascade > 0 {
                    if ends(.cascade, .featureType) {
                        let value = text(textStart, textEnd)
                        guard let k = FeatureKind(rawValue: value) else {
                            throw CascadeModelError.malformed("feature type \(value)")
                        }
                        kind = k
                    } else if ends(.cascade, .width) {
                        windowWidth = Int(text(textStart, textEnd)) ?? 0
                    } else if ends(.cascade, .height) {
                        windowHeight = Int(text(textStart, textEnd)) ?? 0
                    } else if ends(.stages, .item, .stageThreshold) {
                        try numbers(textStart, textEnd, into: &values)
                        stages[stages.count - 1].threshold = Float(values.first ?? 0)
                    } else if ends(.weakClassifiers, .item, .internalNodes) {
                        try numbers(textStart, textEnd, into: &pendingNodes)
                    } else if ends(.weakClassifiers, .item, .leafValues) {
                        try numbers(textStart, textEnd, into: &values)
                        let step = kind == .lbp ? 11 : 4
                        guard pendingNodes.count % step == 0, !pendingNodes.isEmpty, !stages.isEmpty else {
                            throw CascadeModelError.malformed("internal nodes of weak classifier \(weak.count)")
                        }
                        let nodeCount = pendingNodes.count / step
                        weak.append(WeakClassifier(nodeStart: nodes.count, nodeCount: nodeCount, leafStart: leaves.count))
                        for n in 0..<nodeCount {
                            let v = pendingNodes[(n * step)..<(n * step + step)]
                            let at = v.startIndex
                            guard let left = Int(exactly: v[at]), let right = Int(exactly: v[at + 1]),
                                  let feature = Int(exactly: v[at + 2]) else {
                                throw CascadeModelError.malformed("node \(nodes.count)")
                            }
                            if kind == .lbp {
                                nodes.append(Node(left: left, right: right, feature: feature, threshold: 0))
                                subsets.append(contentsOf: v[(at + 3)...].map { Int32(truncatingIfNeeded: Int64($0)) })
                            } else {
                                nodes.append(Node(left: left, right: right, feature: feature, threshold: Float(v[at + 3])))
                            }
                        }
                        leaves.append(contentsOf: values.map { Float($0) })
                        stages[stages.count - 1].weakCount += 1
                    } else if ends(.features, .item, .rects, .item) {
                        try numbers(textStart, textEnd, into: &values)
                        guard values.count >= 5, !haar.isEmpty else { throw CascadeModelError.malformed("feature rectangle") }
                        haar[haar.count - 1].append(HaarRect(x: Int(values[0]), y: Int(values[1]), width: Int(values[2]),
                                                             height: Int(values[3]), weight: Float(values[4])))
                    } else if ends(.features, .item, .rect) {
                        try numbers(textStart, textEnd, into: &values)
                        guard values.count >= 4 else { throw CascadeModelError.malformed("LBP rectangle") }
                        lbp.append((Int(values[0]), Int(values[1]), Int(values[2]), Int(values[3])))
                    }
                }
                if last.tag == .cascade { insideCascade -= 1 }
                path.removeLast()
                continue
            }
            if bytes[close - 1] == slash { continue }
            var nameEnd = open + 1
            while nameEnd < close, !isSpace(bytes[nameEnd]) { nameEnd += 1 }
            let tag = Tag(bytes, open + 1, nameEnd)
            path.append((tag, open + 1, nameEnd))
            if tag == .cascade { insideCascade += 1 }
            if ends(.cascade, .stages, .item) {
                stages.append(Stage(threshold: 0, weakStart: weak.count, weakCount: 0))
            } else if ends(.cascade, .features, .item) {
                haar.append([])
            }
        }
        guard windowWidth > 0, windowHeight > 0, !stages.isEmpty else {
            throw CascadeModelError.malformed("no window size or stages")
        }
        let featureCount = kind == .haar ? haar.count : lbp.count
        guard nodes.allSatisfy({ $0.feature >= 0 && $0.feature < featureCount }) else {
            throw CascadeModelError.malformed("a node refers to a missing feature")
        }
        self.kind = kind
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight
        self.stages = stages
        self.weakClassifiers = weak
        self.nodes = nodes
        self.leaves = leaves
        self.subsets = subsets
        self.haarFeatures = kind == .haar ? haar : []
        self.lbpFeatures = lbp
    }
}
