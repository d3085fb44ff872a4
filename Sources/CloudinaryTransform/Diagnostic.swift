/// One finding about a transformation string: where it is, what is wrong, and what to write instead.
///
/// ```swift
/// let d = Transformation.parse("c_fil,w_300").diagnostics[0]
/// d.code          // .unknownValue
/// d.offset        // 2   (characters from the start of the input)
/// d.length        // 3
/// d.suggestion    // "c_fill"
/// print(d.rendered(input: "c_fil,w_300"))
/// // error[unknown-value]: unknown crop mode 'fil' for c (did you mean c_fill?)
/// //   c_fil,w_300
/// //     ^~~
/// ```
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Cloudinary rejects the string or the docs say it is invalid.
        case error
        /// Legal, but probably not what was meant.
        case warning
    }

    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    /// Index of the component (`/`-separated, from 0), or `nil` for the whole string.
    public var component: Int?
    /// Offset of the offending text in the input, in `Character`s (extended grapheme clusters,
    /// so the caret lines up under what a terminal shows; Python's code points or JavaScript's
    /// UTF-16 units differ only when the input has combining marks or characters beyond ASCII).
    public var offset: Int
    /// Length of the offending text, in characters.
    public var length: Int
    /// The replacement text to suggest (a whole parameter, such as `c_fill`), when one exists.
    public var suggestion: String?

    public init(
        severity: Severity, code: DiagnosticCode, message: String, component: Int?, offset: Int,
        length: Int, suggestion: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.component = component
        self.offset = offset
        self.length = length
        self.suggestion = suggestion
    }

    /// `error[code]: message (did you mean …?)`; a long suggestion (the whole input, fixed) is
    /// shown by its two ends, as values in messages are (``Diagnostic/shown(_:)``).
    public var description: String {
        var text = "\(severity.rawValue)[\(code.rawValue)]: \(message)"
        if let suggestion { text += " (did you mean \(Self.shown(suggestion))?)" }
        return text
    }

    /// `text` as messages quote it: itself up to `limit` characters (80), else its first `head`
    /// and last `tail` (30 each) with the count ("9999…9999 (100000 characters)"), so that a
    /// diagnostic about a huge value does not repeat it (the input and the caret line show where
    /// it is). The engine's errors name a long input the same way, with more of it kept.
    public static func shown(_ text: String, limit: Int = 80, head: Int = 30, tail: Int = 30) -> String {
        guard text.count > limit else { return text }
        return "\(text.prefix(head))…\(text.suffix(tail)) (\(text.count) characters)"
    }

    /// The description followed by the input and a caret line under the offending text.
    ///
    /// Inputs longer than `width` characters are shown as the `width` characters around the
    /// offending text, cut ends marked with "…", so a long string with many problems does not
    /// print itself once per problem.
    public func rendered(input: String, width: Int = 100) -> String {
        let characters = Array(input)
        var start = 0, end = characters.count
        if characters.count > width {
            let context = max(0, (width - min(length, width)) / 2)
            start = max(0, min(offset - context, characters.count - width))
            end = min(characters.count, start + width)
        }
        let head = start > 0 ? "…" : "", tail = end < characters.count ? "…" : ""
        let shown = head + String(characters[start..<end]) + tail
        let caretStart = max(0, offset - start) + head.count
        let caretLength = max(1, min(length, end - max(offset, start)))
        var caret = String(repeating: " ", count: 2 + caretStart)
        caret += "^"
        if caretLength > 1 { caret += String(repeating: "~", count: caretLength - 1) }
        return "\(description)\n  \(shown)\n\(caret)"
    }
}

/// A stable, machine-readable diagnostic code such as `unknown-parameter`.
///
/// Codes are strings so that new ones can be added without breaking callers.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    // Structure
    /// An empty component (`//`, or a `/` at either end).
    public static let emptyComponent: DiagnosticCode = "empty-component"
    /// An empty parameter (`,,`, or a `,` at either end of a component).
    public static let emptyParameter: DiagnosticCode = "empty-parameter"
    /// A `!` that opens a text value (after `_` or `:`) with no closing `!` after it.
    public static let unterminatedText: DiagnosticCode = "unterminated-text"
    /// A parameter with no `_value`, or an empty value.
    public static let missingValue: DiagnosticCode = "missing-value"
    /// A key that is not in the parameter table.
    public static let unknownParameter: DiagnosticCode = "unknown-parameter"
    /// The same key twice in one component.
    public static let duplicateParameter: DiagnosticCode = "duplicate-parameter"

    // Values
    /// A value the parameter's grammar does not accept.
    public static let invalidValue: DiagnosticCode = "invalid-value"
    /// A keyword that is not one of the parameter's documented keywords (crop mode, gravity, flag ...).
    public static let unknownValue: DiagnosticCode = "unknown-value"
    /// A number outside the documented range.
    public static let outOfRange: DiagnosticCode = "out-of-range"
    /// A size (w, h) that is not a number, an expression or a documented keyword, or is negative.
    public static let invalidSize: DiagnosticCode = "invalid-size"
    /// A malformed colour (`rgb:` needs 3, 4, 6 or 8 hex digits; or an unknown colour name).
    public static let invalidColor: DiagnosticCode = "invalid-color"
    /// A malformed aspect ratio such as `16:0`.
    public static let invalidAspectRatio: DiagnosticCode = "invalid-aspect-ratio"
    /// A malformed expression or condition.
    public static let invalidExpression: DiagnosticCode = "invalid-expression"
    /// A malformed variable name or use.
    public static let invalidVariable: DiagnosticCode = "invalid-variable"

    // Combinations
    /// `g_auto` with a crop mode that does not accept automatic gravity.
    public static let gravityNotSupported: DiagnosticCode = "gravity-not-supported"
    /// `c_fill_pad` or `c_auto_pad` without `g_auto`.
    public static let autoGravityRequired: DiagnosticCode = "auto-gravity-required"
    /// `dpr` in a transformation with no width or height anywhere.
    public static let dprWithoutSize: DiagnosticCode = "dpr-without-size"
    /// Pixel and relative values mixed among x, y, w and h of one component.
    public static let mixedUnits: DiagnosticCode = "mixed-units"
    /// An `if_` with no `if_end`, an `if_end` or `if_else` with no `if_`.
    public static let unbalancedConditional: DiagnosticCode = "unbalanced-conditional"
    /// An image-only parameter on a video, or a video-only parameter on an image.
    public static let wrongResourceType: DiagnosticCode = "wrong-resource-type"

    // Warnings
    /// A qualifier (such as `g`, `x`, `ar`) with nothing in its component for it to qualify.
    public static let qualifierWithoutAction: DiagnosticCode = "qualifier-without-action"
    /// `f_auto` and `q_auto` chained in one component (the docs advise separate components).
    public static let formatQualityTogether: DiagnosticCode = "format-quality-together"
    /// A value that is legal but has no effect or is probably a mistake.
    public static let suspiciousValue: DiagnosticCode = "suspicious-value"
    /// `c_thumb` with no gravity: the docs say it "must always be accompanied by the gravity
    /// parameter"; without one it crops the centre, like `c_fill`.
    public static let gravityMissing: DiagnosticCode = "gravity-missing"
    /// A `$name` used where no component up to its own declares it (and no named
    /// transformation, which could, comes before it).
    public static let undefinedVariable: DiagnosticCode = "undefined-variable"
    /// `fl_layer_apply` with no layer (`l_`/`u_`) opened before it.
    public static let layerApplyWithoutLayer: DiagnosticCode = "layer-apply-without-layer"
    /// The last diagnostic of a string with more problems than are listed: how many more there
    /// are (a hostile string of a million problems made a million diagnostics, gigabytes of them).
    public static let moreDiagnostics: DiagnosticCode = "more-diagnostics"
}
