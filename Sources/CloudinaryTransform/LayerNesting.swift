/// How the layers of a chain nest. A component with `l_` or `u_` opens a layer; a component
/// with `fl_layer_apply` and no layer of its own closes the innermost layer still open. A layer
/// no apply component closes is all in its own component (`l_badge,w_50,g_south_east`, the
/// short form), as is one whose component also applies it. So in
/// `w_800/l_badge/l_text:Arial_20:New/fl_layer_apply/c_scale,w_120/fl_layer_apply,g_north_east`
/// the text is drawn on the badge, the badge (text included) is scaled to 120 px, and then it
/// is placed on the base image: the scale belongs to the badge, not to the base.
public struct LayerNesting: Sendable, Equatable {
    /// One layer: the component that opens it through the one that applies it.
    public struct Span: Sendable, Equatable {
        public var components: ClosedRange<Int>
        /// 0 for a layer drawn on the base image, 1 for a layer inside one of those, and so on.
        public var depth: Int
    }

    /// Every layer, in the order of the components that open them.
    public private(set) var spans: [Span] = []
    /// Per component: whether it belongs to a layer (opens, applies or lies inside one).
    public private(set) var inLayer: [Bool]
    /// Per component: how many layers enclose it, not counting the one it opens or applies (0
    /// for the base's own components and for the components that open and apply a layer drawn
    /// on the base).
    public private(set) var level: [Int]
    /// Components with `fl_layer_apply` and no layer open to apply.
    public private(set) var strayApplies: [Int] = []

    /// `opens(i)`: component `i` has `l_` or `u_`; `applies(i)`: it has `fl_layer_apply`.
    public init(count: Int, opens: (Int) -> Bool, applies: (Int) -> Bool) {
        var ranges: [ClosedRange<Int>] = []
        var open: [Int] = []
        for index in 0..<count {
            let opening = opens(index), applying = applies(index)
            if opening && applying {
                ranges.append(index...index)
            } else if opening {
                open.append(index)
            } else if applying {
                if let start = open.popLast() { ranges.append(start...index) } else { strayApplies.append(index) }
            }
        }
        // Layers nothing closed: each in its own component.
        ranges += open.map { $0...$0 }
        // Enclosing layers per component, by a running sum: +1 after a layer opens, −1 at its apply.
        var change = Array(repeating: 0, count: count + 1)
        for range in ranges where range.count > 2 {
            change[range.lowerBound + 1] += 1
            change[range.upperBound] -= 1
        }
        level = Array(repeating: 0, count: count)
        var running = 0
        for index in 0..<count {
            running += change[index]
            level[index] = running
        }
        inLayer = Array(repeating: false, count: count)
        for range in ranges {
            inLayer[range.lowerBound] = true
            inLayer[range.upperBound] = true
        }
        for index in 0..<count where level[index] > 0 { inLayer[index] = true }
        spans = ranges.map { Span(components: $0, depth: level[$0.lowerBound]) }
            .sorted { $0.components.lowerBound < $1.components.lowerBound }
    }

    /// The nesting of `transformation`'s components.
    public init(_ transformation: Transformation) {
        let components = transformation.components
        self.init(
            count: components.count,
            opens: { index in components[index].parameters.contains { $0.key == "l" || $0.key == "u" } },
            applies: { index in components[index].parameters.contains(where: Self.isLayerApply) })
    }

    init(_ components: [[GeometryParameter]]) {
        self.init(
            count: components.count,
            opens: { index in components[index].contains { $0.key == "l" || $0.key == "u" } },
            applies: { index in components[index].contains { Self.isLayerApply(key: $0.key, rawValue: $0.rawValue) } })
    }

    /// `fl_layer_apply`, alone or among other flags (`fl_layer_apply.no_overflow`).
    public static func isLayerApply(_ parameter: Parameter) -> Bool {
        isLayerApply(key: parameter.key, rawValue: parameter.rawValue)
    }

    static func isLayerApply(key: String, rawValue: String) -> Bool {
        key == "fl" && rawValue.split(separator: ".").contains("layer_apply")
    }
}
