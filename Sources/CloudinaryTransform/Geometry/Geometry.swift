import Foundation

/// Resolves Cloudinary crop/resize geometry offline: from a source size and a transformation to
/// the explicit steps a renderer executes and the rectangle of the source that stays visible.
///
/// The rules are those of `cloudinary-geometry.md` (its §7 "Canonical algorithm") with the
/// readings of `cloudinary-geometry-ambiguities.md`: rounding half up and at least 1 px (R1),
/// floor centring (R7), `dpr` as a delivery-wide multiplier of absolute `w`/`h` (R6), decimals
/// relative to the component's input, `iw`/`ih` to the original.
///
/// Readings chosen here where the reference leaves the behaviour open (each is also reported
/// as a note when it applies):
/// - `source` is the stored size and `orientation` the EXIF tag; the upright image is the
///   "original" (`iw`/`ih`, `crop`, resolver boxes). `a_ignore` anywhere turns orientation off.
/// - Within a component: `e_upscale` first, then `a_auto_right`/`a_auto_left` (a quarter turn
///   when the requested box and the image differ in orientation), then the crop/resize/pad,
///   then `a_<degrees>`/`a_hflip`/`a_vflip` in the order written. An angle that is not a
///   multiple of 90 gives the rotated bounding box, rounded with R1.
/// - `c_thumb` around a known box: the box grown to the output's aspect ratio, at least the
///   output size (no zoom-in past 1:1 at z 1), divided by `z`, at most the fill window.
///   `c_auto` around a known box: halfway between that window and the fill window.
/// - x/y never offset a crop with a special gravity (face, custom …), even on its fallback.
/// - Boxes cropped away by an earlier component count as not found (the fallback applies).
/// - `c_fill_pad`/`c_auto_pad` with a resolver window: the whole window, fitted into the box
///   and centred, the rest padded. Without one: a centred fill placeholder, `crop` null.
/// - `c_imagga_*`, `t_` named transformations, `w_auto`, `e_trim`, overlays and underlays are
///   left out of the geometry with a note. `if_` conditions are evaluated on `w`, `h`, `ar`,
///   `iw`, `ih`, `iar` and `fc` (faces known to the resolver); others count as true, with a note.
public enum Geometry {
    /// Resolves the geometry of a transformation given as components of key/value pairs.
    ///
    /// - Parameters:
    ///   - source: The image size as stored, before EXIF orientation (what a decoder's header
    ///     reports). If you only have the upright size (`variant info`'s width and height),
    ///     pass it with orientation 1.
    ///   - orientation: The EXIF orientation (1–8); applied first unless the transformation
    ///     contains `a_ignore`.
    ///   - components: The transformation's components, each a list of key/value pairs.
    ///   - resolver: Face boxes, custom coordinates and `g_auto` windows; nil means none known
    ///     (face/custom gravities then take their documented fallbacks and `g_auto` stays
    ///     unresolved).
    /// - Returns: The steps, output size, visible source rectangle, padding and notes.
    /// - Throws: `GeometryError` for values the geometry cannot use (`w_abc`, `c_bogus`,
    ///   mixed integer and decimal coordinates, a crop entirely outside the image).
    ///
    /// ```swift
    /// let g = try Geometry.resolve(source: Size(1280, 853),
    ///                              components: [[.init(key: "c", rawValue: "fill"),
    ///                                            .init(key: "w", rawValue: "250"),
    ///                                            .init(key: "h", rawValue: "250")]])
    /// // g.output == Size(250, 250), g.crop == Rect(213, 0, 853, 853)
    /// ```
    public static func resolve(
        source: Size, orientation: Int = 1, components: [[GeometryParameter]],
        resolver: (any GravityResolver)? = nil, pageCount: Int? = nil
    ) throws -> ResolvedGeometry {
        var resolution = try GeometryResolution(
            source: source, orientation: orientation, components: components,
            resolver: resolver)
        resolution.pageCount = pageCount
        try resolution.run(components)
        return resolution.result()
    }
}

/// The state carried through a chain of components.
struct GeometryChainState {
    /// Size of the current image.
    var size: Size
    /// Maps current image coordinates to upright source coordinates.
    var toSource: AffineMap = .identity
    /// The part of the current image that shows source pixels (the rest is padding).
    var content: RealRect?
    var steps: [GeometryStep] = []
    var resolved = true
    /// Components that do not apply to the base image: skipped by an `if_` condition, or part of
    /// an overlay or underlay.
    var skipped: [Int] = []

    var bounds: RealRect { RealRect(Rect(size: size)) }

    mutating func apply(_ step: GeometryStep) {
        let inverse = AffineMap.inverse(of: step)
        if let visible = content?.intersection(RealRect(step.window)) {
            content = inverse.inverse.boundingBox(visible)
        } else {
            content = nil
        }
        toSource = toSource.composed(after: inverse)
        size = step.output
        steps.append(step)
        if !step.windowResolved { resolved = false }
    }

    /// Upright source rectangles mapped into current coordinates, dropping those cropped away.
    func mapped(_ rects: [Rect]) -> [RealRect] {
        let fromSource = toSource.inverse
        return rects.compactMap { fromSource.boundingBox(RealRect($0)).intersection(bounds) }
    }
}

/// One resolution in progress.
struct GeometryResolution {
    let source: Size
    let orientation: Int
    let upright: Size
    let dpr: Double
    let resolver: (any GravityResolver)?
    /// The source's page or frame count (`pc` in conditions), when a file is known.
    var pageCount: Int?
    var state: GeometryChainState
    var notes: [GeometryNote] = []
    var reader: GeometryComponentReader

    init(source: Size, orientation: Int, components: [[GeometryParameter]], resolver: (any GravityResolver)?)
        throws
    {
        guard source.width > 0, source.height > 0 else {
            throw GeometryError(
                code: "invalid-source",
                message: "Expected a source size of at least 1x1 but received \(source)")
        }
        guard Double(max(source.width, source.height)) < GeometryRounding.magnitudeLimit else {
            throw GeometryError(
                code: "invalid-source",
                message: "Expected a source side under 2147483647 pixels but received \(source)")
        }
        guard (1...8).contains(orientation) else {
            throw GeometryError(
                code: "invalid-orientation",
                message: "Expected an EXIF orientation 1-8 but received \(orientation)")
        }
        let ignoresOrientation = components.contains { component in
            component.contains { $0.key == "a" && $0.rawValue.split(separator: ".").contains("ignore") }
        }
        self.source = source
        self.orientation = ignoresOrientation ? 1 : orientation
        self.upright = (5...8).contains(self.orientation) ? source.transposed : source
        self.resolver = resolver
        self.reader = GeometryComponentReader(original: upright)
        self.state = GeometryChainState(size: source, content: RealRect(Rect(size: upright)))
        if ignoresOrientation && orientation != 1 {
            notes.append(
                GeometryNote(
                    .info, "orientation-ignored", "a_ignore: EXIF orientation \(orientation) is not applied"))
        }
        (self.dpr, notes) = GeometryResolution.deliveryDPR(components, notes: notes)
    }

    /// R6: one dpr for the whole delivery, wherever its component sits.
    private static func deliveryDPR(_ components: [[GeometryParameter]], notes: [GeometryNote]) -> (
        Double, [GeometryNote]
    ) {
        var notes = notes
        var values: [(Int, String)] = []
        let layers = LayerNesting(components)
        for (index, component) in components.enumerated() where !layers.inLayer[index] {
            for parameter in component where parameter.key == "dpr" {
                values.append((index, parameter.rawValue))
            }
        }
        guard let (index, last) = values.last else { return (1, notes) }
        if Set(values.map(\.1)).count > 1 {
            notes.append(
                GeometryNote(
                    .warning, "several-dpr",
                    "several different dpr values; the last one (\(last)) applies to the whole delivery",
                    component: index))
        }
        if last == "auto" {
            notes.append(
                GeometryNote(
                    .warning, "dpr-auto",
                    "dpr_auto depends on the requesting device; computed for dpr 1 (plan dpr 1, 2, 3 as separate variants)",
                    component: index))
            return (1, notes)
        }
        return (Double(last).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? 1, notes)
    }

    mutating func note(
        _ severity: GeometryNote.Severity, _ code: String, _ message: String, _ component: Int?
    ) {
        notes.append(GeometryNote(severity, code, message, component: component))
    }

    mutating func run(_ components: [[GeometryParameter]]) throws {
        // Boxes the caller gave (not detected ones: asking a detector would run it) that miss the
        // upright image entirely are a mistake in the input, not a face a crop removed later.
        if let known = resolver as? KnownRegions {
            let bounds = Rect(x: 0, y: 0, width: upright.width, height: upright.height)
            for (kind, boxes) in [("face", known.knownFaces), ("custom", known.knownCustom)] {
                for box in boxes where box.intersection(bounds) == nil {
                    note(.warning, "region-outside",
                         "the \(kind) box \(box.x),\(box.y),\(box.width),\(box.height) lies outside the \(upright.width)x\(upright.height) image (upright source pixels); it is ignored",
                         nil)
                }
            }
        }
        if orientation != 1 {
            let (flip, rotation) = GeometryResolution.orientationOperations(orientation)
            let step = GeometryStep(
                kind: .orientation, component: nil, input: source, flip: flip, rotation: rotation)
            // The orientation step defines the upright frame; source coordinates start after it.
            state.steps.append(step)
            state.size = step.output
        }
        // Layers, nested ones included, are skipped whole: a component inside a layer sizes the
        // layer, not the base.
        let layers = LayerNesting(components)
        var conditions = GeometryConditionBlocks()
        var usesAbsoluteSize = false
        for (index, parameters) in components.enumerated() {
            let spec = try reader.read(parameters, index: index, input: state.size)
            if layers.inLayer[index] {
                if spec.isLayerStart && layers.level[index] == 0 {
                    note(
                        .info, "layer-ignored",
                        "overlays and underlays do not change the base geometry here (assumes the layer fits, as with fl_no_overflow)",
                        index)
                }
                state.skipped.append(index)
                continue
            }
            guard
                conditions.admits(
                    spec, parameters: parameters, evaluate: { evaluateCondition($0, index: index) })
            else {
                state.skipped.append(index)
                continue
            }
            if let name = spec.namedTransformation {
                note(
                    .warning, "named-transformation",
                    "t_\(name) is a named transformation defined on the account; its geometry is not known locally",
                    index)
            }
            if let fallback = spec.widthAutoFallback {
                note(
                    .warning, "width-auto",
                    "w_auto depends on the requesting device (Client Hints); without them Cloudinary uses the "
                        + "fallback width, \(fallback), as this render does", index
                )
            } else if spec.widthAuto {
                note(
                    .warning, "width-auto",
                    "w_auto depends on the requesting device (Client Hints); the width is ignored here", index
                )
            }
            if case .pixels = spec.width { usesAbsoluteSize = true }
            if case .pixels = spec.height { usesAbsoluteSize = true }
            try applyComponent(spec)
            // Sizes are held under 2³¹ so the arithmetic cannot trap; one that reached the limit
            // was cut short, and the true size is no image anyone can deliver.
            if Double(max(state.size.width, state.size.height)) >= GeometryRounding.magnitudeLimit {
                throw GeometryError(
                    code: "size-overflow",
                    message: "it makes the image larger than 2147483647 pixels on a side", component: index)
            }
        }
        if dpr != 1 && !usesAbsoluteSize {
            note(.info, "dpr-no-size", "dpr multiplies only absolute w/h, and no component has one", nil)
        }
    }

    /// flip-then-rotate that brings a stored image upright, per EXIF orientation.
    static func orientationOperations(_ orientation: Int) -> (GeometryStep.Flip?, Double) {
        switch orientation {
        case 2: return (.horizontal, 0)
        case 3: return (nil, 180)
        case 4: return (.vertical, 0)
        case 5: return (.horizontal, 270)
        case 6: return (nil, 90)
        case 7: return (.horizontal, 90)
        case 8: return (nil, 270)
        default: return (nil, 0)
        }
    }

    mutating func applyComponent(_ spec: GeometryComponentSpec) throws {
        for effect in spec.effects {
            let name = effect.split(separator: ":").first.map(String.init) ?? effect
            switch name {
            case "upscale":
                let input = state.size
                if input.width * input.height >= 4_200_000 {
                    note(
                        .warning, "upscale-too-large",
                        "e_upscale needs an input under 4.2 megapixels; Cloudinary refuses \(input)",
                        spec.index)
                }
                state.apply(
                    GeometryStep(
                        kind: .upscale, component: spec.index, input: input,
                        resize: Size(input.width * 4, input.height * 4)))
            case "trim":
                note(
                    .warning, "not-supported-locally",
                    "e_trim removes borders by content; its size change is not computed", spec.index)
            default:
                continue
            }
        }
        try checkCoordinateTypes(spec)
        if spec.angles.contains(.autoRight) || spec.angles.contains(.autoLeft) {
            autoRotate(spec)
        }
        if let step = try resizeStep(spec) {
            state.apply(step)
        }
        for item in spec.angles {
            let input = state.size
            switch item {
            case .degrees(let degrees):
                var normalised = degrees.truncatingRemainder(dividingBy: 360)
                if normalised < 0 { normalised += 360 }
                guard normalised != 0 else { continue }
                let quarter = normalised.truncatingRemainder(dividingBy: 90) == 0
                if !quarter {
                    if max(input.width, input.height) > 3000 {
                        note(
                            .warning, "rotate-downscale",
                            "Cloudinary downscales images over 3000 px before an arbitrary rotation (by an undocumented amount); computed without it",
                            spec.index)
                    }
                    note(
                        .info, "rotated-bounding-box",
                        "a_\(numberText(degrees)) gives the rotated bounding box; crop and pad are bounding boxes of the rotated content",
                        spec.index)
                }
                state.apply(
                    GeometryStep(
                        kind: .rotate, component: spec.index, input: input,
                        background: quarter ? nil : spec.background, rotation: normalised))
            case .hflip:
                state.apply(
                    GeometryStep(kind: .rotate, component: spec.index, input: input, flip: .horizontal))
            case .vflip:
                state.apply(GeometryStep(kind: .rotate, component: spec.index, input: input, flip: .vertical))
            case .autoRight, .autoLeft, .ignore:
                continue
            }
        }
    }

    /// TR: "use either integers or floats for all values" of x, y, w, h. Only checked when x or
    /// y is present (A9); `0` fits either kind.
    func checkCoordinateTypes(_ spec: GeometryComponentSpec) throws {
        guard spec.x != nil || spec.y != nil else { return }
        var kinds: Set<Bool> = []
        for coordinate in [spec.x, spec.y].compactMap({ $0 }) where coordinate != .pixels(0) {
            kinds.insert(coordinate.isDecimal)
        }
        for length in [spec.width, spec.height].compactMap({ $0 }) {
            switch length {
            case .pixels: kinds.insert(false)
            case .relative: kinds.insert(true)
            case .absolute: continue
            }
        }
        if kinds.count > 1 {
            throw GeometryError(
                code: "mixed-coordinate-types",
                message:
                    "Expected x, y, w and h all in pixels or all as decimals but received a mix (Cloudinary: \"Do not mix types\")",
                component: spec.index, key: "x")
        }
    }

    /// `a_auto_right` / `a_auto_left`: a quarter turn when the requested box and the image
    /// differ in orientation (landscape vs portrait).
    mutating func autoRotate(_ spec: GeometryComponentSpec) {
        let input = state.size
        guard let box = requestedBox(spec, input: input), !box.single else { return }
        let wantsLandscape = box.width > box.height
        let wantsPortrait = box.width < box.height
        let isLandscape = input.width > input.height
        let isPortrait = input.width < input.height
        guard (wantsLandscape && isPortrait) || (wantsPortrait && isLandscape) else { return }
        let degrees: Double = spec.angles.contains(.autoRight) ? 90 : 270
        state.apply(GeometryStep(kind: .autoRotate, component: spec.index, input: input, rotation: degrees))
    }

    mutating func evaluateCondition(_ text: String, index: Int) -> Bool {
        let faceCount = resolver?.faces().count ?? 0
        if let value = GeometryConditions.evaluate(
            text, size: state.size, original: upright, faceCount: faceCount, pageCount: pageCount,
            reader: reader)
        {
            return value
        }
        note(
            .warning, "condition-not-evaluated", "if_\(text) cannot be evaluated locally; taken as true",
            index)
        return true
    }

    func result() -> ResolvedGeometry {
        var notes = self.notes
        var crop: Rect?
        var pad: Insets?
        if let content = state.content {
            if state.resolved,
                let visible = state.toSource.boundingBox(content).intersection(RealRect(Rect(size: upright)))
            {
                crop = visible.rounded
            }
            let inOutput = content.rounded
            let padding = Insets(
                left: inOutput.x, top: inOutput.y,
                right: max(0, state.size.width - inOutput.maxX),
                bottom: max(0, state.size.height - inOutput.maxY))
            pad = padding.isZero ? nil : padding
        } else {
            notes.append(
                GeometryNote(
                    .warning, "no-source-visible",
                    "no source pixels are visible in the output (the crop kept only padding)"))
        }
        if !state.resolved {
            notes.append(
                GeometryNote(
                    .info, "crop-unresolved",
                    "the window of an automatic gravity depends on image content; crop is null without a resolver window"
                ))
        }
        return ResolvedGeometry(
            source: source, orientation: orientation, upright: upright, dpr: dpr, steps: state.steps,
            output: state.size, crop: crop, pad: pad, notes: notes, skippedComponents: state.skipped)
    }
}
