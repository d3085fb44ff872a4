import Foundation

/// A `w_`/`h_` value, classified by how it was written (§1.1).
enum GeometryLength: Hashable {
    /// An integer: pixels, multiplied by the delivery's dpr (R6).
    case pixels(Int)
    /// A decimal: a multiple of the component's input side (`w_0.5`, `w_1.0`).
    case relative(Double)
    /// `iw`, `ih` or an arithmetic expression: pixels, not multiplied by dpr.
    case absolute(Double)

    var isDecimal: Bool {
        if case .relative = self { return true }
        return false
    }

    /// The length in pixels for an input side of `side` (R1).
    func pixels(side: Int, dpr: Double) -> Int {
        switch self {
        case .pixels(let n): return GeometryRounding.pixels(Double(n) * dpr)
        case .relative(let f): return GeometryRounding.pixels(f * Double(side))
        case .absolute(let v): return GeometryRounding.pixels(v)
        }
    }
}

/// An `x_`/`y_` value (§1.5): whole pixels, or a fraction of the side it is measured along.
enum GeometryCoordinate: Hashable {
    case pixels(Int)
    case fraction(Double)

    var isDecimal: Bool {
        if case .fraction = self { return true }
        return false
    }

    func pixels(side: Int) -> Int {
        switch self {
        case .pixels(let n): return n
        case .fraction(let f): return GeometryRounding.offset(f * Double(side))
        }
    }
}

/// An aspect ratio kept as a fraction so `ar_16:9` divides exactly.
struct GeometryAspectRatio: Hashable {
    var numerator: Double
    var denominator: Double
    var value: Double { numerator / denominator }
}

/// The crop/resize modes (§2).
enum GeometryMode: String, CaseIterable {
    case scale, fit, limit, mfit, fill, lfill, fill_pad, crop, thumb, auto, auto_pad, pad, lpad, mpad
    case imagga_scale, imagga_crop
}

/// One `a_` item (§5).
enum GeometryAngle: Hashable {
    case degrees(Double)
    case autoRight, autoLeft, ignore, hflip, vflip
}

/// What the geometry reads from one component.
struct GeometryComponentSpec {
    var index: Int
    var mode: GeometryMode?
    var width: GeometryLength?
    var height: GeometryLength?
    var aspectRatio: GeometryAspectRatio?
    var gravity: String?
    var x: GeometryCoordinate?
    var y: GeometryCoordinate?
    var zoom: Double?
    var dpr: Double?
    var dprAuto = false
    var flags: Set<String> = []
    var angles: [GeometryAngle] = []
    var effects: [String] = []
    var background: String?
    var isLayerStart = false
    var condition: String?
    var namedTransformation: String?
    var widthAuto = false
    /// The fallback width of `w_auto:…:<fallback>`, used as the width here.
    var widthAutoFallback: Int?

    var ignoresAspectRatio: Bool { flags.contains("ignore_aspect_ratio") }
    var isLayerApply: Bool { flags.contains("layer_apply") }
    var hasSize: Bool { width != nil || height != nil }
}

/// Reads `GeometryComponentSpec`s from key/value pairs, with the `$variables` declared so far.
struct GeometryComponentReader {
    /// The original (upright) source, for `iw`/`ih`.
    var original: Size
    var variables: [String: String] = [:]

    private func error(_ index: Int, _ key: String, expected: String, _ value: String) -> GeometryError {
        GeometryError(
            code: "invalid-value", message: "Expected \(expected) for \(key) but received '\(value)'",
            component: index, key: key)
    }

    /// Reads one component. `input` is the size entering it (for `w`/`h` in expressions).
    mutating func read(_ parameters: [GeometryParameter], index: Int, input: Size) throws -> GeometryComponentSpec {
        var spec = GeometryComponentSpec(index: index)
        // Declarations first, so `$w_300,w_$w` works within one component as across components.
        for parameter in parameters where parameter.key.hasPrefix("$") && parameter.key.count > 1 {
            variables[String(parameter.key.dropFirst())] = substitute(parameter.rawValue)
        }
        for parameter in parameters {
            let key = parameter.key
            let value = substitute(parameter.rawValue)
            switch key {
            case "c":
                guard let mode = GeometryMode(rawValue: value) else {
                    throw error(
                        index, key,
                        expected:
                            "a crop mode (\(GeometryMode.allCases.map(\.rawValue).joined(separator: ", ")))",
                        value)
                }
                spec.mode = mode
            case "w", "h":
                if key == "w", value.hasPrefix("auto") {
                    spec.widthAuto = true
                    // Without Client Hints (a local render has none) Cloudinary uses the fallback
                    // width when one is given: w_auto:100:400, w_auto:breakpoints:400,
                    // w_auto:breakpoints_200_1920_30_15:400[:json].
                    if let fallback = Self.autoWidthFallback(value) {
                        spec.width = .pixels(fallback)
                        spec.widthAutoFallback = fallback
                    }
                    continue
                }
                let length = try readLength(value, key: key, index: index, input: input)
                if key == "w" { spec.width = length } else { spec.height = length }
            case "ar":
                spec.aspectRatio = try readAspectRatio(value, index: index, input: input)
            case "g":
                spec.gravity = value
            case "x", "y":
                let coordinate = try readCoordinate(value, key: key, index: index)
                if key == "x" { spec.x = coordinate } else { spec.y = coordinate }
            case "z":
                guard let zoom = Double(value), zoom > 0, zoom.isFinite else {
                    throw error(index, key, expected: "a positive zoom factor", value)
                }
                spec.zoom = zoom
            case "dpr":
                if value == "auto" {
                    spec.dprAuto = true
                } else {
                    guard let dpr = Double(value), dpr > 0, dpr.isFinite else {
                        throw error(index, key, expected: "a positive number or auto", value)
                    }
                    spec.dpr = dpr
                }
            case "fl":
                for flag in value.split(separator: ".") {
                    spec.flags.insert(String(flag.split(separator: ":", maxSplits: 1).first ?? flag))
                }
            case "a":
                spec.angles += try Self.angleItems(value).map { item in
                    switch item {
                    case "auto_right": return .autoRight
                    case "auto_left": return .autoLeft
                    case "ignore": return .ignore
                    case "hflip": return .hflip
                    case "vflip": return .vflip
                    default:
                        guard let degrees = Double(item), degrees.isFinite else {
                            throw error(
                                index, key,
                                expected: "degrees, auto_right, auto_left, ignore, hflip or vflip",
                                String(item))
                        }
                        return .degrees(degrees)
                    }
                }
            case "e":
                spec.effects.append(value)
            case "b":
                // A string variable's text is marked `!…!` (`$c_!red!`, then `b_$c`).
                spec.background = Transformation.unquoted(value)
            case "l", "u":
                spec.isLayerStart = true
            case "if":
                spec.condition = value
            case "t":
                spec.namedTransformation = value
            default:
                continue
            }
        }
        return spec
    }

    /// The fallback width of a `w_auto` value: the whole number after the rounding step
    /// (`auto:100:400`) or after the breakpoint settings (`auto:breakpoints_…:400`); nil when
    /// there is none (`auto`, `auto:100`, `auto:breakpoints:json`).
    static func autoWidthFallback(_ value: String) -> Int? {
        let pieces = value.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count >= 3, pieces[0] == "auto" else { return nil }
        guard let fallback = Int(pieces[2]), fallback > 0 else { return nil }
        return fallback
    }

    /// The `.`-separated items of an `a_` value, a decimal angle kept whole: `a_12.5` is one
    /// turn of 12.5°, not 12° then 5° (`a_vflip.hflip`, `a_-7.5.hflip` and `a_90.vflip` are lists).
    static func angleItems(_ value: String) -> [Substring] {
        let pieces = value.split(separator: ".", omittingEmptySubsequences: false)
        var items: [Substring] = []
        var i = 0
        while i < pieces.count {
            let piece = pieces[i]
            if i + 1 < pieces.count, Int(piece) != nil || piece == "-" || piece.isEmpty,
               !pieces[i + 1].isEmpty, pieces[i + 1].allSatisfy({ $0.isASCII && $0.isNumber }) {
                items.append(value[piece.startIndex..<pieces[i + 1].endIndex])
                i += 2
            } else {
                items.append(piece)
                i += 1
            }
        }
        // A trailing or doubled point separates nothing (a_5. is 5°, as validation reads it).
        return items.filter { !$0.isEmpty }
    }

    /// Replaces a whole-value `$name` by the variable's text.
    private func substitute(_ value: String) -> String {
        var value = value
        var depth = 0
        while value.hasPrefix("$"), let text = variables[String(value.dropFirst())], depth < 8 {
            value = text
            depth += 1
        }
        return value
    }

    private func readLength(_ value: String, key: String, index: Int, input: Size) throws -> GeometryLength {
        if let n = Int(value) {
            guard n > 0 else { throw error(index, key, expected: "a positive size", value) }
            return .pixels(n)
        }
        if value.contains("."), let f = Double(value), value.allSatisfy({ $0.isNumber || $0 == "." }) {
            guard f > 0 else { throw error(index, key, expected: "a positive size", value) }
            return .relative(f)
        }
        if let v = evaluate(value, input: input) {
            // An expression that evaluates to zero or less (iw_sub_900 of an 800 px image), or
            // divides by zero (iw_div_0), was told it is no expression.
            guard v > 0 else {
                throw error(index, key, expected: "a positive size (the expression gives \(String(format: "%g", v)) here)", value)
            }
            return .absolute(v)
        }
        if let reason = noValueReason(value, input: input) { throw error(index, key, expected: "a size, not \(reason)", value) }
        throw error(
            index, key, expected: "pixels, a decimal multiple of the input, iw, ih or an expression", value)
    }

    private func readCoordinate(_ value: String, key: String, index: Int) throws -> GeometryCoordinate {
        if let n = Int(value) { return .pixels(n) }
        if value.contains("."), let f = Double(value), f.isFinite { return .fraction(f) }
        if let v = evaluate(value, input: original) { return .pixels(GeometryRounding.offset(v)) }
        throw error(index, key, expected: "pixels or a decimal fraction", value)
    }

    private func readAspectRatio(_ value: String, index: Int, input: Size) throws -> GeometryAspectRatio {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]), n > 0, d > 0 {
            return GeometryAspectRatio(numerator: n, denominator: d)
        }
        if parts.count == 1, let r = Double(value), r > 0, r.isFinite {
            return GeometryAspectRatio(numerator: r, denominator: 1)
        }
        // `ar_iar`, `ar_ih_div_iw`: an expression, as validate accepts (they were refused here).
        if parts.count == 1, let r = evaluate(value, input: input) {
            guard r > 0 else {
                throw error(index, "ar", expected: "a positive aspect ratio (the expression gives \(String(format: "%g", r)) here)", value)
            }
            return GeometryAspectRatio(numerator: r, denominator: 1)
        }
        if parts.count == 1, let reason = noValueReason(value, input: input) {
            throw error(index, "ar", expected: "an aspect ratio, not \(reason)", value)
        }
        throw error(index, "ar", expected: "an aspect ratio such as 16:9 or 1.5", value)
    }

    /// Why `value`, an expression, gives no number: it divides by zero (`iw_div_0`), or its value
    /// is infinite (`0_pow_-1`) or not a number (`-1_pow_0.5`). Nil for one that gives a number,
    /// or is no expression. (Each was told it is no expression, which it is.)
    private func noValueReason(_ value: String, input: Size) -> String? {
        if let v = evaluateUnchecked(value, input: input), !v.isFinite {
            return "an expression whose value is \(v.isNaN ? "not a number" : "infinite")"
        }
        let tokens = value.split(separator: "_")
        if tokens.indices.contains(where: { ["div", "mod"].contains(tokens[$0]) && $0 + 1 < tokens.count && Double(tokens[$0 + 1]) == 0 }) {
            return "an expression that divides by zero"
        }
        return nil
    }

    /// Evaluates `iw`, `ih`, `iar`, `w`, `h`, `ar`, numbers and `$variables` joined by
    /// `add sub mul div mod pow` (`iw_mul_0.5`), with the usual precedence. Nil if not that.
    func evaluate(_ text: String, input: Size) -> Double? {
        evaluateUnchecked(text, input: input).flatMap { $0.isFinite ? $0 : nil }
    }

    /// The expression's value, which may be infinite or not a number (`0_pow_-1`).
    private func evaluateUnchecked(_ text: String, input: Size) -> Double? {
        let tokens = text.split(separator: "_").map(String.init)
        guard tokens.count % 2 == 1 else { return nil }
        func operand(_ token: String) -> Double? {
            switch token {
            case "iw": return Double(original.width)
            case "ih": return Double(original.height)
            case "iar": return Double(original.width) / Double(original.height)
            case "w": return Double(input.width)
            case "h": return Double(input.height)
            case "ar": return Double(input.width) / Double(input.height)
            default:
                if token.hasPrefix("$"), let text = variables[String(token.dropFirst())] {
                    return text.contains("_") ? nil : Double(text)
                }
                return Double(token)
            }
        }
        // Two passes: mul/div/mod/pow, then add/sub.
        var values: [Double] = []
        var pending: [String] = []
        guard let first = operand(tokens[0]) else { return nil }
        values.append(first)
        var i = 1
        while i < tokens.count {
            guard let rhs = operand(tokens[i + 1]) else { return nil }
            switch tokens[i] {
            case "mul": values[values.count - 1] *= rhs
            case "div":
                guard rhs != 0 else { return nil }
                values[values.count - 1] /= rhs
            case "mod":
                guard rhs != 0 else { return nil }
                values[values.count - 1] = values[values.count - 1].truncatingRemainder(dividingBy: rhs)
            case "pow": values[values.count - 1] = pow(values[values.count - 1], rhs)
            case "add", "sub":
                pending.append(tokens[i])
                values.append(rhs)
            default: return nil
            }
            i += 2
        }
        var result = values[0]
        for (op, value) in zip(pending, values.dropFirst()) {
            result = op == "add" ? result + value : result - value
        }
        return result
    }
}
