/// Typed builders: make parameters from values instead of text, with the SDKs' spelling.
///
/// ```swift
/// let t = Transformation(
///     Component(.crop(.fill), .gravity(.auto), .width(800), .height(450)),
///     Component(.format("auto")),
///     Component(.quality(.auto(.eco))))
/// t.canonicalDescription   // "c_fill,g_auto,h_450,w_800/f_auto/q_auto:eco"
/// try Transformation(parsing: t.canonicalDescription).canonicalDescription == t.canonicalDescription   // true
/// ```
extension Transformation {
    /// A transformation from components, in order.
    public init(_ components: Component...) { self.init(components: components) }
}

extension Component {
    /// A component from parameters (their order does not matter to the canonical form).
    public init(_ parameters: Parameter...) { self.init(parameters: parameters) }
}

/// A crop or resize mode (`c_`), "Image crop modes".
public enum CropMode: String, Sendable, Hashable, CaseIterable {
    case scale, fit, limit, mfit, pad, lpad, mpad, fill, lfill, crop, thumb, auto
    case fillPad = "fill_pad"
    case autoPad = "auto_pad"
    case imaggaCrop = "imagga_crop"
    case imaggaScale = "imagga_scale"

    /// Whether `g_auto` may qualify this mode.
    public var acceptsAutoGravity: Bool { Vocabulary.autoGravityCropModes.contains(rawValue) }
}

/// A gravity value (`g_`): a compass point, a special position, or `auto` with its focals.
public struct Gravity: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let northWest: Gravity = "north_west", north: Gravity = "north",
        northEast: Gravity = "north_east"
    public static let west: Gravity = "west", center: Gravity = "center", east: Gravity = "east"
    public static let southWest: Gravity = "south_west", south: Gravity = "south",
        southEast: Gravity = "south_east"
    public static let xyCenter: Gravity = "xy_center", face: Gravity = "face", faces: Gravity = "faces"
    public static let custom: Gravity = "custom", auto: Gravity = "auto"

    /// `auto:<focal>[_<weight>]…`, e.g. `.auto(focal: "face")` or `.auto(focal: "dog", weight: 30)`.
    public static func auto(focal: String, weight: Int? = nil) -> Gravity {
        Gravity(rawValue: "auto:" + focal + (weight.map { "_\($0)" } ?? ""))
    }
}

/// A quality value (`q_`).
public enum Quality: Sendable, Hashable {
    /// 1–100.
    case value(Int)
    /// `auto` or `auto:<level>`.
    case auto(QualityLevel? = nil)

    public enum QualityLevel: String, Sendable, Hashable, CaseIterable { case best, good, eco, low }

    var text: String {
        switch self {
        case .value(let q): String(q)
        case .auto(let level?): "auto:" + level.rawValue
        case .auto(nil): "auto"
        }
    }
}

extension Parameter {
    /// `w_<pixels>`.
    public static func width(_ pixels: Int) -> Parameter { Parameter(key: "w", rawValue: String(pixels)) }
    /// `w_<decimal>`: relative to the input (1.0 is 100 %).
    public static func width(relative: Double) -> Parameter {
        Parameter(key: "w", rawValue: decimal(relative))
    }
    /// `h_<pixels>`.
    public static func height(_ pixels: Int) -> Parameter { Parameter(key: "h", rawValue: String(pixels)) }
    /// `h_<decimal>`: relative to the input.
    public static func height(relative: Double) -> Parameter {
        Parameter(key: "h", rawValue: decimal(relative))
    }
    /// `x_<pixels>`.
    public static func x(_ pixels: Int) -> Parameter { Parameter(key: "x", rawValue: String(pixels)) }
    /// `y_<pixels>`.
    public static func y(_ pixels: Int) -> Parameter { Parameter(key: "y", rawValue: String(pixels)) }
    /// `c_<mode>`.
    public static func crop(_ mode: CropMode) -> Parameter { Parameter(key: "c", rawValue: mode.rawValue) }
    /// `g_<gravity>`.
    public static func gravity(_ gravity: Gravity) -> Parameter {
        Parameter(key: "g", rawValue: gravity.rawValue)
    }
    /// `ar_<w>:<h>`.
    public static func aspectRatio(_ width: Int, _ height: Int) -> Parameter {
        Parameter(key: "ar", rawValue: "\(width):\(height)")
    }
    /// `ar_<decimal>`.
    public static func aspectRatio(_ ratio: Double) -> Parameter {
        Parameter(key: "ar", rawValue: decimal(ratio))
    }
    /// `dpr_<decimal>` (`dpr(2)` prints `dpr_2.0`, as the SDKs do for floats).
    public static func dpr(_ ratio: Double) -> Parameter { Parameter(key: "dpr", rawValue: decimal(ratio)) }
    /// `dpr_auto`.
    public static let dprAuto = Parameter(key: "dpr", rawValue: "auto")
    /// `z_<decimal>`.
    public static func zoom(_ factor: Double) -> Parameter { Parameter(key: "z", rawValue: decimal(factor)) }
    /// `q_<quality>`.
    public static func quality(_ quality: Quality) -> Parameter {
        Parameter(key: "q", rawValue: quality.text)
    }
    /// `f_<format>`.
    public static func format(_ format: String) -> Parameter { Parameter(key: "f", rawValue: format) }
    /// `o_<0–100>`.
    public static func opacity(_ percent: Int) -> Parameter { Parameter(key: "o", rawValue: String(percent)) }
    /// `a_<degrees>`.
    public static func angle(_ degrees: Int) -> Parameter { Parameter(key: "a", rawValue: String(degrees)) }
    /// `r_<pixels>[:…]` (1 to 4 values) or `r_max` with `.radius()`.
    public static func radius(_ pixels: Int...) -> Parameter {
        Parameter(key: "r", rawValue: pixels.isEmpty ? "max" : pixels.map(String.init).joined(separator: ":"))
    }
    /// `e_<name>[:<argument>…]`.
    public static func effect(_ name: String, _ arguments: String...) -> Parameter {
        Parameter(key: "e", rawValue: ([name] + arguments).joined(separator: ":"))
    }
    /// `fl_<flag>[.<flag>…]`.
    public static func flags(_ flags: String...) -> Parameter {
        Parameter(key: "fl", rawValue: flags.joined(separator: "."))
    }
    /// `b_<colour>`; a leading `#` becomes `rgb:` as in the SDKs.
    public static func background(_ color: String) -> Parameter {
        Parameter(key: "b", rawValue: colorText(color))
    }
    /// `co_<colour>`; a leading `#` becomes `rgb:`.
    public static func color(_ color: String) -> Parameter {
        Parameter(key: "co", rawValue: colorText(color))
    }
    /// `bo_<width>px_solid_<colour>`.
    public static func border(width: Int, color: String) -> Parameter {
        Parameter(key: "bo", rawValue: "\(width)px_solid_" + colorText(color))
    }
    /// `t_<name>[.<name>…]`.
    public static func named(_ names: String...) -> Parameter {
        Parameter(key: "t", rawValue: names.joined(separator: "."))
    }
    /// `if_<condition>`, written in URL syntax or with operators (`"width > 400"` → `if_w_gt_400`).
    public static func condition(_ condition: String) -> Parameter {
        Parameter(key: "if", rawValue: ExpressionSyntax.normalize(condition))
    }
    /// `$<name>_<value>`; the value is normalised as an expression.
    public static func variable(_ name: String, _ value: String) -> Parameter {
        Parameter(key: "$" + name, rawValue: ExpressionSyntax.normalize(value))
    }
    /// `<key>_<expression>`, e.g. `.expression("w", "initial_width * 0.5")` → `w_iw_mul_0.5`.
    public static func expression(_ key: String, _ expression: String) -> Parameter {
        Parameter(key: key, rawValue: ExpressionSyntax.normalize(expression))
    }
    /// `l_<public_id>` with folders written `:`.
    public static func overlay(publicId: String) -> Parameter {
        Parameter(
            key: "l",
            rawValue: publicId.split(separator: "/", omittingEmptySubsequences: false).joined(separator: ":"))
    }
    /// `l_text:<font>_<size>[_<style>…]:<text>`, with the text escaped as the SDKs do (`,` and `/`
    /// twice, everything else outside `A-Za-z0-9_.-/:` once; `$(variable)` kept).
    public static func textOverlay(_ text: String, font: String, size: Int, style: [String] = []) -> Parameter
    {
        let styleText = ([font, String(size)] + style).joined(separator: "_")
        return Parameter(key: "l", rawValue: "text:" + styleText + ":" + escapeLayerText(text))
    }
    /// `fl_layer_apply`, which closes a layer's own components.
    public static let layerApply = Parameter(key: "fl", rawValue: "layer_apply")

    /// Python's `str(float)` for ordinary values: always a decimal point (`2.0`, `0.5`).
    static func decimal(_ value: Double) -> String {
        let text = String(value)
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    static func colorText(_ color: String) -> String {
        color.hasPrefix("#") ? "rgb:" + color.dropFirst() : color
    }

    /// The SDK's text-layer escaping: `smart_escape(smart_escape(part, "[,/]"))`, with `$(name)`
    /// variable references kept verbatim.
    public static func escapeLayerText(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("$("), let close = rest.firstIndex(of: ")"),
                rest.index(rest.startIndex, offsetBy: 2) < close,
                rest[rest.index(rest.startIndex, offsetBy: 2)..<close].allSatisfy({
                    $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")
                }),
                rest[rest.index(rest.startIndex, offsetBy: 2)].isLetter,
                rest.distance(from: rest.startIndex, to: close) >= 4
            {
                out += rest[...close]
                rest = rest[rest.index(after: close)...]
                continue
            }
            var end = rest.startIndex
            while end < rest.endIndex, !rest[end...].hasPrefix("$(") { end = rest.index(after: end) }
            if end == rest.startIndex { end = rest.index(after: end) }
            var part = ""
            for c in rest[..<end] {
                switch c {
                case ",": part += "%2C"
                case "/": part += "%2F"
                default: part.append(c)
                }
            }
            out += DeliveryURL.smartEscape(part)
            rest = rest[end...]
        }
        return out
    }
}
