/// A parameter's value, typed according to the parameter table.
///
/// The text as written stays in ``Parameter/rawValue``; this is its interpretation. A number with
/// a decimal point is a ``decimal(_:)`` even when it is whole: for `w`, `h`, `x` and `y` that
/// means a size relative to the image (`w_1.0` is 100 %), while an ``integer(_:)`` is pixels.
///
/// ```swift
/// Parameter(key: "w", rawValue: "400").value        // .integer(400)
/// Parameter(key: "w", rawValue: "0.5").value        // .decimal(0.5)
/// Parameter(key: "ar", rawValue: "16:9").value      // .ratio(16, 9)
/// Parameter(key: "c", rawValue: "fill").value       // .keyword("fill")
/// Parameter(key: "w", rawValue: "iw_mul_0.5").value // .expression("iw_mul_0.5")
/// Parameter(key: "b", rawValue: "rgb:ff0000").value // .color("rgb:ff0000")
/// ```
public enum ParameterValue: Sendable, Hashable {
    /// A whole number written without a decimal point: `400`, `-20`.
    case integer(Int)
    /// A number written with a decimal point: `0.5`, `1.0`, `2.0`.
    case decimal(Double)
    /// An aspect ratio written `width:height`: `16:9`.
    case ratio(Double, Double)
    /// A documented keyword, possibly with `:`-separated arguments: `fill`, `auto:face`, `sepia:50`.
    case keyword(String)
    /// A colour: a name (`white`) or `rgb:` with hex digits.
    case color(String)
    /// A variable reference as the whole value: `$width`.
    case variable(String)
    /// An arithmetic expression or a condition: `iw_mul_0.5`, `w_gt_400_and_h_lt_300`.
    case expression(String)
    /// Anything else, as written: public ids, layer specifications, text, names.
    case text(String)

    /// The value as a number, when it is an integer or a decimal.
    public var number: Double? {
        switch self {
        case .integer(let n): Double(n)
        case .decimal(let d): d
        default: nil
        }
    }

    /// Interprets `rawValue` for the parameter `key`.
    public init(key: String, rawValue: String) {
        if key.hasPrefix("$") {
            self = ParameterValue.interpretVariableValue(rawValue)
            return
        }
        guard let parameterKey = ParameterKey(key) else {
            self = .text(rawValue)
            return
        }
        self = ParameterValue.interpret(rawValue, grammar: ParameterTable.spec(parameterKey).grammar)
    }

    static func interpretVariableValue(_ raw: String) -> ParameterValue {
        if let number = numeric(raw) { return number }
        if raw.hasPrefix("!") { return .text(raw) }
        if raw.hasPrefix("$"), !raw.contains("_") { return .variable(raw) }
        return .expression(raw)
    }

    static func numeric(_ raw: String) -> ParameterValue? {
        var copy = raw
        let kind = copy.withUTF8 { NumberScanner.classify(UnsafeRawBufferPointer($0)) }
        switch kind {
        case .integer: return Int(raw).map(ParameterValue.integer) ?? Double(raw).map(ParameterValue.decimal)
        case .decimal: return Double(raw).map(ParameterValue.decimal)
        case .none: return nil
        }
    }

    static func interpret(_ raw: String, grammar: ValueGrammar) -> ParameterValue {
        if raw.hasPrefix("$"), !raw.contains("_"), !raw.contains(":") { return .variable(raw) }
        switch grammar {
        case .condition:
            return .expression(raw)
        case .color:
            return .color(raw)
        case .background:
            if raw.hasPrefix("rgb:") || ColorNames.contains(raw) { return .color(raw) }
            return .keyword(raw)
        case .aspectRatio:
            let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]) { return .ratio(w, h) }
            if let number = numeric(raw) { return number }
            return raw.contains("_") ? .expression(raw) : .text(raw)
        case .size, .coordinate, .angle, .opacity, .quality, .dpr, .zoom, .offset, .duration,
            .keyframeInterval, .integer, .radius, .audioFrequency, .bitRate, .videoSampling, .fps, .page:
            if let number = numeric(raw) { return number }
            if raw.contains("_") { return .expression(raw) }
            if Keywords.predefinedVariables.contains(raw) { return .expression(raw) }
            if raw.first?.isLetter == true { return .keyword(raw) }
            return .text(raw)
        case .cropMode, .gravity, .format, .flags, .effect, .audioCodec, .videoCodec, .colorSpace,
            .streamingProfile:
            return .keyword(raw)
        case .border, .layer, .publicID, .namedTransformation, .customFunction, .name:
            return .text(raw)
        }
    }
}

/// Recognises numbers on bytes: `-?digits` (integer) and `-?digits.digits*` or `-?.digits` (decimal).
enum NumberScanner {
    enum Kind { case integer, decimal, none }

    @inline(__always)
    static func classify(_ b: UnsafeRawBufferPointer) -> Kind {
        var i = 0
        let n = b.count
        if n == 0 { return .none }
        if b[0] == UInt8(ascii: "-") { i = 1 }
        var digits = 0
        var sawDot = false
        var fractionDigits = 0
        while i < n {
            let c = b[i]
            if c &- 48 < 10 {
                if sawDot { fractionDigits += 1 } else { digits += 1 }
            } else if c == UInt8(ascii: "."), !sawDot {
                sawDot = true
            } else {
                return .none
            }
            i += 1
        }
        if !sawDot { return digits > 0 ? .integer : .none }
        return digits + fractionDigits > 0 ? .decimal : .none
    }

    /// The value of a number recognised by ``classify(_:)``, computed without Foundation.
    @inline(__always)
    static func value(_ b: UnsafeRawBufferPointer) -> Double {
        var i = 0
        var negative = false
        if b.count > 0, b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        var whole = 0.0
        var fraction = 0.0
        var scale = 1.0
        var sawDot = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                sawDot = true
            } else if sawDot {
                scale /= 10
                fraction += Double(c &- 48) * scale
            } else {
                whole = whole * 10 + Double(c &- 48)
            }
            i += 1
        }
        let v = whole + fraction
        return negative ? -v : v
    }
}
