import CloudinaryTransform

/// Resolves content-aware gravities from an ``ImageAnalysis``: `g_face`/`g_faces` read the
/// detected faces, `g_auto` windows come from ``SmartCropper`` (faces kept whole, saliency
/// kept), so the geometry and the renderer place `c_fill,g_auto` the way `variant crop` does.
///
/// ```swift
/// let analysis = try ImageAnalysis.analyze(path: "hero.jpg")
/// let geometry = try Geometry.resolve(source: Size(analysis.width, analysis.height),
///                                     components: components, resolver: AnalysisGravityResolver(analysis))
/// ```
public struct AnalysisGravityResolver: GravityResolver {
    public let analysis: ImageAnalysis
    public var options: SmartCropOptions
    /// Custom focus areas for `g_custom`, in source pixels (after EXIF orientation): the
    /// analysis cannot know them; they come with the asset (Cloudinary's `coordinates.custom`).
    public var custom: [SourceRect]

    /// Whether a crop can be placed over the analysis (``ImageAnalysis/check()``), found once.
    private let placesWindows: Bool

    public init(_ analysis: ImageAnalysis, options: SmartCropOptions = SmartCropOptions(), custom: [SourceRect] = []) {
        self.analysis = analysis
        self.options = options
        self.custom = custom
        placesWindows = analysis.isConsistent
    }

    public func faces() -> [Rect] {
        analysis.faces.map { Rect(x: $0.box.x, y: $0.box.y, width: $0.box.width, height: $0.box.height) }
    }

    public func customRegions() -> [Rect] {
        custom.map { Rect(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
    }

    public func autoWindow(_ request: AutoWindowRequest) -> Rect? {
        let within = SourceRect(x: request.within.x, y: request.within.y, width: request.within.width,
                                height: request.within.height)
        // A damaged analysis (built or decoded by the caller) or options without meaning place
        // no window, rather than trap in the search.
        guard within.width > 0, within.height > 0, placesWindows, (try? options.check()) != nil else { return nil }
        var width = request.window.width, height = request.window.height
        var cropOptions = options
        // thumb and auto may zoom in: a window `zoom` times smaller, same aspect ratio.
        if ["thumb", "auto"].contains(request.mode), request.zoom > 1 {
            width = max(1, Int((Double(width) / request.zoom).rounded()))
            height = max(1, Int((Double(height) / request.zoom).rounded()))
        }
        // g_auto:faces puts faces first; g_auto:subject (and plain g_auto) balances both.
        if request.gravity.hasPrefix("auto:faces") { cropOptions.faceReward *= 3 }
        cropOptions.zoom = 1
        let plan = SmartCropper(options: cropOptions).crop(analysis, windowWidth: width, windowHeight: height, within: within)
        var window = plan.rect
        if ["fill_pad", "auto_pad"].contains(request.mode), request.output.width > 0, request.output.height > 0 {
            window = Self.padWindow(fill: window, faces: analysis.faces.map(\.box), within: within,
                                    ratio: Double(request.output.width) / Double(request.output.height))
        }
        return Rect(x: window.x, y: window.y, width: window.width, height: window.height)
    }

    /// `c_fill_pad` / `c_auto_pad`: the fill window when it keeps every face whole; otherwise
    /// the faces with a tenth of their extent around them, widened to the output's ratio as far
    /// as `within` allows. What that window leaves of the output is padded (Cloudinary pads
    /// "if more of the original image needs to be included"; this rendered a plain fill that
    /// sliced a face, without a word).
    static func padWindow(fill: SourceRect, faces: [SourceRect], within: SourceRect, ratio: Double) -> SourceRect {
        let inside = faces.compactMap { $0.intersection(within) }
        guard let first = inside.first, !inside.allSatisfy({ fill.contains($0) }), ratio.isFinite, ratio > 0 else { return fill }
        let subject = inside.dropFirst().reduce(first) { $0.union($1) }.expanded(by: 0.1, within: within)
        var w = Double(subject.width), h = Double(subject.height)
        if w / h > ratio { h = w / ratio } else { w = h * ratio }
        let width = min(within.width, max(subject.width, Int(w.rounded())))
        let height = min(within.height, max(subject.height, Int(h.rounded())))
        let x = min(max(within.x, Int(subject.centerX - Double(width) / 2)), within.maxX - width)
        let y = min(max(within.y, Int(subject.centerY - Double(height) / 2)), within.maxY - height)
        return SourceRect(x: x, y: y, width: width, height: height)
    }
}
