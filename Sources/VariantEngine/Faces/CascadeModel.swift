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
    /// Parses the XML with a small scanner: the files are large (up to 1 MB) and regular, and a
    /// full XML parser costs more start-up time than the detection itself.
    init(xml data: Data) throws {
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

        var path: [String] = []
        let bytes = [UInt8](data)
        let count = bytes.count
        var index = 0
        var textStart = 0
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/")

        func content(_ from: Int, _ to: Int) -> Substring {
            Substring(String(decoding: bytes[from..<to], as: UTF8.self))
        }
        func numbers(_ s: Substring) -> [Double] {
            s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).compactMap { Double($0) }
        }
        func trimmed(_ s: Substring) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        func ends(_ suffix: [String]) -> Bool {
            guard path.count >= suffix.count else { return false }
            for (k, name) in suffix.enumerated() where path[path.count - suffix.count + k] != name { return false }
            return true
        }

        while index < count {
            guard let open = bytes[index...].firstIndex(of: lt) else { break }
            let textEnd = open
            // Comments.
            if open + 3 < count, bytes[open + 1] == UInt8(ascii: "!"), bytes[open + 2] == UInt8(ascii: "-") {
                var k = open + 4
                while k + 2 < count, !(bytes[k] == UInt8(ascii: "-") && bytes[k + 1] == UInt8(ascii: "-") && bytes[k + 2] == gt) { k += 1 }
                index = k + 3
                textStart = index
                continue
            }
            guard let close = bytes[(open + 1)...].firstIndex(of: gt) else { break }
            index = close + 1
            defer { textStart = index }
            let first = bytes[open + 1]
            if first == UInt8(ascii: "?") || first == UInt8(ascii: "!") { continue }
            if first == slash {
                let name = String(decoding: bytes[(open + 2)..<close], as: UTF8.self)
                guard path.last == name else { continue }
                if path.contains("cascade") {
                    if ends(["cascade", "featureType"]) {
                        let value = trimmed(content(textStart, textEnd))
                        guard let k = FeatureKind(rawValue: value) else {
                            throw CascadeModelError.malformed("feature type \(value)")
                        }
                        kind = k
                    } else if ends(["cascade", "width"]) {
                        windowWidth = Int(trimmed(content(textStart, textEnd))) ?? 0
                    } else if ends(["cascade", "height"]) {
                        windowHeight = Int(trimmed(content(textStart, textEnd))) ?? 0
                    } else if ends(["stages", "_", "stageThreshold"]) {
                        stages[stages.count - 1].threshold = Float(numbers(content(textStart, textEnd)).first ?? 0)
                    } else if ends(["weakClassifiers", "_", "internalNodes"]) {
                        pendingNodes = numbers(content(textStart, textEnd))
                    } else if ends(["weakClassifiers", "_", "leafValues"]) {
                        let values = numbers(content(textStart, textEnd))
                        let step = kind == .lbp ? 11 : 4
                        guard pendingNodes.count % step == 0, !pendingNodes.isEmpty else {
                            throw CascadeModelError.malformed("internal nodes of weak classifier \(weak.count)")
                        }
                        let nodeCount = pendingNodes.count / step
                        weak.append(WeakClassifier(nodeStart: nodes.count, nodeCount: nodeCount, leafStart: leaves.count))
                        for n in 0..<nodeCount {
                            let v = Array(pendingNodes[(n * step)..<(n * step + step)])
                            if kind == .lbp {
                                nodes.append(Node(left: Int(v[0]), right: Int(v[1]), feature: Int(v[2]), threshold: 0))
                                subsets.append(contentsOf: v[3..<11].map { Int32(truncatingIfNeeded: Int64($0)) })
                            } else {
                                nodes.append(Node(left: Int(v[0]), right: Int(v[1]), feature: Int(v[2]), threshold: Float(v[3])))
                            }
                        }
                        leaves.append(contentsOf: values.map { Float($0) })
                        stages[stages.count - 1].weakCount += 1
                    } else if ends(["features", "_", "rects", "_"]) {
                        let v = numbers(content(textStart, textEnd))
                        guard v.count >= 5 else { throw CascadeModelError.malformed("feature rectangle") }
                        haar[haar.count - 1].append(HaarRect(x: Int(v[0]), y: Int(v[1]), width: Int(v[2]), height: Int(v[3]), weight: Float(v[4])))
                    } else if ends(["features", "_", "rect"]) {
                        let v = numbers(content(textStart, textEnd))
                        guard v.count >= 4 else { throw CascadeModelError.malformed("LBP rectangle") }
                        lbp.append((Int(v[0]), Int(v[1]), Int(v[2]), Int(v[3])))
                    }
                }
                path.removeLast()
                continue
            }
            if bytes[close - 1] == slash { continue }
            var nameEnd = open + 1
            while nameEnd < close, bytes[nameEnd] != UInt8(ascii: " "), bytes[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
            path.append(String(decoding: bytes[(open + 1)..<nameEnd], as: UTF8.self))
            if ends(["cascade", "stages", "_"]) {
                stages.append(Stage(threshold: 0, weakStart: weak.count, weakCount: 0))
            } else if ends(["cascade", "features", "_"]) {
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
