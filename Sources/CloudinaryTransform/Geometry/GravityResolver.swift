import Foundation

/// Supplies what content-aware gravities need: face boxes, custom coordinates and automatic
/// (`g_auto`) windows. Every rectangle is in upright source pixels (after EXIF orientation);
/// the geometry maps them through the chain itself.
///
/// All methods have defaults (nothing found), so a resolver implements only what it knows.
///
/// ```swift
/// let known = KnownRegions(faces: [Rect(600, 300, 100, 100)])
/// let t = try Transformation(parsing: "c_thumb,g_face,w_150,h_150")
/// let g = try t.geometry(source: Size(1280, 853), resolver: known)
/// // g.crop == Rect(560, 260, 180, 180): the face and its margin, a square scaled to 150
/// //           (GeometryWorkedExamplesTests checks this face's window)
/// ```
public protocol GravityResolver: Sendable {
    /// Face boxes, as detected or stored on the asset (`coordinates.faces`).
    func faces() -> [Rect]
    /// Custom coordinates stored on the asset (`coordinates.custom`).
    func customRegions() -> [Rect]
    /// The window `g_auto` would keep, or nil when unknown. See `AutoWindowRequest`.
    func autoWindow(_ request: AutoWindowRequest) -> Rect?
}

extension GravityResolver {
    public func faces() -> [Rect] { [] }
    public func customRegions() -> [Rect] { [] }
    public func autoWindow(_ request: AutoWindowRequest) -> Rect? { nil }
}

/// What a `g_auto` window is asked for, in upright source pixels.
///
/// The answer is a rectangle inside `within`. For `fill`, `lfill`, `crop` it should have the
/// size of `window` (only its position is used; the geometry re-centres a window of the right
/// size on the answer). For `thumb` and `auto` it may be smaller (zoomed in), with the aspect
/// ratio of `output`. For `fill_pad` and `auto_pad` it may have any aspect ratio: what does not
/// fill the output is padded.
public struct AutoWindowRequest: Hashable, Sendable {
    /// The gravity as written, e.g. `"auto"`, `"auto:subject"`, `"auto:faces"`, `"auto:0"`.
    public var gravity: String
    /// The crop mode (`"fill"`, `"thumb"`, `"crop"`, `"auto"`, `"fill_pad"`, `"auto_pad"`, `"lfill"`).
    public var mode: String
    /// The part of the source this component sees (earlier components may have cropped it).
    public var within: Rect
    /// The window wanted at zoom 1: the largest window with the output's aspect ratio that the
    /// mode would keep (for `crop`, the crop size), in source pixels.
    public var window: Size
    /// The size the window will be scaled to (the component's output, before padding).
    public var output: Size
    /// `z_` (1 when absent).
    public var zoom: Double
    /// The numeric thumb aggressiveness of `g_auto:<0-100>`, if given.
    public var aggressiveness: Int?

    public init(
        gravity: String, mode: String, within: Rect, window: Size, output: Size,
        zoom: Double = 1, aggressiveness: Int? = nil
    ) {
        self.gravity = gravity
        self.mode = mode
        self.within = within
        self.window = window
        self.output = output
        self.zoom = zoom
        self.aggressiveness = aggressiveness
    }
}

/// A resolver from boxes known in advance (the CLI's `--faces` and `--custom`, or the
/// coordinates stored on a Cloudinary asset), optionally with a fixed automatic window finder.
public struct KnownRegions: GravityResolver {
    public var knownFaces: [Rect]
    public var knownCustom: [Rect]
    public var auto: (@Sendable (AutoWindowRequest) -> Rect?)?

    public init(
        faces: [Rect] = [], custom: [Rect] = [],
        auto: (@Sendable (AutoWindowRequest) -> Rect?)? = nil
    ) {
        self.knownFaces = faces
        self.knownCustom = custom
        self.auto = auto
    }

    public func faces() -> [Rect] { knownFaces }
    public func customRegions() -> [Rect] { knownCustom }
    public func autoWindow(_ request: AutoWindowRequest) -> Rect? { auto?(request) }

    /// Parses `"x,y,w,h;x,y,w,h"` (the CLI's and the Admin API's coordinates format).
    /// - Throws: `GeometryError` with code `invalid-box` for anything else.
    public static func parseBoxes(_ text: String) throws -> [Rect] {
        try text.split(separator: ";", omittingEmptySubsequences: true).map { box in
            let numbers = box.split(separator: ",").map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            guard numbers.count == 4, let x = numbers[0], let y = numbers[1], let w = numbers[2],
                let h = numbers[3], x >= 0, y >= 0, w > 0, h > 0
            else {
                throw GeometryError(
                    code: "invalid-box",
                    message:
                        "Expected x,y,width,height (whole pixels, width and height > 0) but received '\(box)'"
                )
            }
            return Rect(x, y, w, h)
        }
    }
}
