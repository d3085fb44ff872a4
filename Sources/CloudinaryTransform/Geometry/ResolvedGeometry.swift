import Foundation

/// One explicit image operation, in the coordinates of the image it receives.
///
/// A renderer executes every step the same way, in this order:
/// 1. extract `window` from the input (`input` is its size);
/// 2. resize the window to exactly `resize` (the two axes may scale differently: `c_scale`
///    with both sides distorts);
/// 3. embed it at (`padding.left`, `padding.top`) on a `canvas`, filling with `background`;
/// 4. mirror it if `flip` says so;
/// 5. rotate it `rotation` degrees clockwise (a multiple of 90 swaps the sides; any other angle
///    gives the rotated bounding box, corners filled with `background`).
/// The result has size `output`. Fields that do nothing are identities (the whole input as
/// window, `resize` equal to the window size, zero padding, no flip, rotation 0), so a step can
/// be skipped when `isIdentity` is true.
public struct GeometryStep: Hashable, Sendable, Codable {
    /// Why the step exists.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// EXIF orientation, applied before any transformation (`vips_autorot`).
        case orientation
        /// `e_upscale`: four times each side.
        case upscale
        /// `a_auto_right` / `a_auto_left`: a quarter turn before the crop, when the requested
        /// orientation differs from the image's.
        case autoRotate
        /// A crop/resize/pad mode (`c_…`, or `w`/`h` alone, which scales).
        case resize
        /// `a_<degrees>`, `a_hflip`, `a_vflip`, after the component's crop/resize.
        case rotate
    }

    /// A mirror operation.
    public enum Flip: String, Hashable, Sendable, Codable {
        case horizontal
        case vertical
    }

    public var kind: Kind
    /// Index of the transformation component this step comes from (nil for EXIF orientation).
    public var component: Int?
    /// The crop mode for `.resize` steps (`"fill"`, `"pad"` …).
    public var mode: String?
    /// The gravity text as written (`"north_east"`, `"face:center"`), if any.
    public var gravity: String?
    /// Size of the image this step receives.
    public var input: Size
    /// The part of the input that is kept, in input pixels.
    public var window: Rect
    /// The size the window is scaled to.
    public var resize: Size
    /// Where the resized window sits on the canvas: left and top offsets, and what is left
    /// over on the right and bottom.
    public var padding: Insets
    /// Size of the canvas the resized window is embedded in.
    public var canvas: Size
    /// The `b_` value of the component as written (`"white"`, `"rgb:ff0000"`, `"auto"`), when
    /// the step pads or rotates by an angle that is not a multiple of 90.
    public var background: String?
    /// Mirror after embedding.
    public var flip: Flip?
    /// Clockwise rotation in degrees, after the flip.
    public var rotation: Double
    /// Size of the image this step produces.
    public var output: Size
    /// False when the window depends on image content that no resolver supplied (`g_auto`
    /// without a window): `window` is then a centred placeholder of the right size.
    public var windowResolved: Bool

    public init(
        kind: Kind, component: Int?, mode: String? = nil, gravity: String? = nil, input: Size,
        window: Rect? = nil, resize: Size? = nil, padding: Insets = .zero, canvas: Size? = nil,
        background: String? = nil, flip: Flip? = nil, rotation: Double = 0, output: Size? = nil,
        windowResolved: Bool = true
    ) {
        let window = window ?? Rect(size: input)
        let resize = resize ?? window.size
        let canvas =
            canvas
            ?? Size(
                resize.width + padding.left + padding.right, resize.height + padding.top + padding.bottom)
        self.kind = kind
        self.component = component
        self.mode = mode
        self.gravity = gravity
        self.input = input
        self.window = window
        self.resize = resize
        self.padding = padding
        self.canvas = canvas
        self.background = background
        self.flip = flip
        self.rotation = rotation
        self.output = output ?? GeometryStep.rotatedSize(canvas, degrees: rotation)
        self.windowResolved = windowResolved
    }

    /// True when executing the step would return the input unchanged.
    public var isIdentity: Bool {
        window == Rect(size: input) && resize == input && padding.isZero && flip == nil
            && rotation == 0
    }

    /// The bounding box of `size` rotated by `degrees` (R1 rounding for arbitrary angles).
    public static func rotatedSize(_ size: Size, degrees: Double) -> Size {
        let turns = degrees.truncatingRemainder(dividingBy: 360)
        let normalised = turns < 0 ? turns + 360 : turns
        if normalised == 0 || normalised == 180 { return size }
        if normalised == 90 || normalised == 270 { return size.transposed }
        let radians = normalised * .pi / 180
        let c = abs(cos(radians))
        let s = abs(sin(radians))
        let w = Double(size.width)
        let h = Double(size.height)
        return Size(GeometryRounding.pixels(w * c + h * s), GeometryRounding.pixels(w * s + h * c))
    }
}

/// Something the geometry wants the caller to know: a parameter it cannot compute locally, a
/// reading it had to choose, a fallback it took.
public struct GeometryNote: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Codable {
        case info
        case warning
    }

    public var severity: Severity
    /// A stable identifier (`"not-supported-locally"`, `"gravity-fallback"` …).
    public var code: String
    public var message: String
    /// Index of the component concerned, if any.
    public var component: Int?

    public init(_ severity: Severity, _ code: String, _ message: String, component: Int? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.component = component
    }

    public var description: String {
        let location = component.map { "component \($0): " } ?? ""
        return "\(severity.rawValue): \(location)\(message) [\(code)]"
    }
}

/// A transformation resolved against a source size: what a renderer executes and what a
/// planner reports.
public struct ResolvedGeometry: Hashable, Sendable, Codable {
    /// The source size as stored (before EXIF orientation).
    public var source: Size
    /// The EXIF orientation applied (1 when none, or when `a_ignore` turned it off).
    public var orientation: Int
    /// The source after EXIF orientation: the "original" of `iw`/`ih` and of `crop`.
    public var upright: Size
    /// The delivery-wide device pixel ratio (1 when none).
    public var dpr: Double
    /// The operations, in order; the first receives the stored source.
    public var steps: [GeometryStep]
    /// The delivered size.
    public var output: Size
    /// The part of the upright source that is visible in the output, in upright source pixels.
    /// Nil only when a content-aware gravity (`g_auto` and its variants) had no resolver window.
    public var crop: Rect?
    /// Padding in the output around the visible source (left, top, right, bottom), nil if none.
    public var pad: Insets?
    /// Fallbacks taken, readings chosen and parameters not computed locally.
    public var notes: [GeometryNote]
    /// Indices of the components that do not act on the base image: skipped by an `if_`
    /// condition (or the condition components themselves), or inside an overlay or underlay. A
    /// renderer applies none of their effects.
    public var skippedComponents: [Int] = []

    /// True when every window is known (`crop` is then non-nil).
    public var isResolved: Bool { crop != nil }
}

/// A transformation whose geometry cannot be computed.
public struct GeometryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable identifier (`"invalid-value"`, `"mixed-coordinate-types"` …).
    public var code: String
    public var message: String
    /// Index of the component concerned.
    public var component: Int?
    /// The parameter key concerned (`"w"`, `"c"` …).
    public var key: String?

    public init(code: String, message: String, component: Int? = nil, key: String? = nil) {
        self.code = code
        self.message = message
        self.component = component
        self.key = key
    }

    public var description: String {
        let location = component.map { "component \($0): " } ?? ""
        return "\(location)\(message)"
    }
}

extension GeometryError {
    /// The error as a diagnostic pointing at its parameter in `input` (what `transformation` was
    /// parsed from), for the caret line validation errors have; nil when the error names no
    /// parameter or the parameter is not found there.
    ///
    /// ```swift
    /// // c_scale,w_0 → error[invalid-value]: component 0: Expected a positive size for w but received '0'
    /// //   c_scale,w_0
    /// //           ^~~
    /// ```
    public func diagnostic(in transformation: Transformation, input: String) -> Diagnostic? {
        guard let component, let key, component < transformation.components.count,
              let parameter = transformation.components[component].first(key), let utf8Offset = parameter.sourceOffset,
              utf8Offset <= input.utf8.count
        else { return nil }
        let start = input.utf8.index(input.utf8.startIndex, offsetBy: utf8Offset)
        let offset = input.distance(from: input.startIndex, to: start)
        return Diagnostic(severity: .error, code: DiagnosticCode(rawValue: code), message: description,
                          component: component, offset: offset, length: parameter.description.count)
    }
}

/// `localizedDescription` (what loggers print) says what happened.
extension GeometryError: LocalizedError {
    public var errorDescription: String? { description }
}
