import CloudinaryTransform
import Foundation
import VipsCore

/// Executes a transformation on a local file with libvips, the way Cloudinary would deliver it.
///
/// The geometry is resolved first (a pure computation), then executed as explicit steps:
/// extract the window, resize it to the exact size, embed it on the canvas, flip, rotate; then
/// the component's effects; at the end the delivery format and quality. When the first step
/// shrinks the source, the decoder shrinks while loading (JPEG shrink-on-load, WebP and HEIF
/// scaling), which is where most of the speed comes from.
///
/// ```swift
/// // g_auto needs a resolver: without one it falls back to the centre.
/// let analysis = try ImageAnalysis.analyze(path: "hero.jpg")
/// let request = RenderRequest(sourcePath: "hero.jpg",
///                             transformation: try Transformation(parsing: "c_fill,g_auto,w_800,h_450"),
///                             defaultFormat: .webp, resolver: AnalysisGravityResolver(analysis))
/// let result = try Renderer.render(request)
/// try AtomicFile.write(result.data, to: "hero-800.webp")
/// ```
public enum Renderer {
    /// Renders `request` to encoded bytes.
    /// Blocking: it holds its thread for the whole computation and does not take turns with the
    /// engine's other operations or stop when a task is cancelled. From async code, use ``Engine``.
    /// - Throws: `VipsError` for unreadable sources, `EngineError` for transformations whose
    ///   geometry cannot be resolved or encoded.
    public static func render(_ request: RenderRequest) throws -> RenderResult {
        let delivery = DeliverySettings(request.transformation)
        if delivery.format == .auto || delivery.quality.isAuto {
            return try renderOptimised(request, delivery)
        }
        return try encodeFixed(try renderPixels(request, materialise: false), request, delivery)
    }

    /// Encodes at the transformation's (or the default) format and quality: no search.
    static func encodeFixed(_ rendered: RenderedPixels, _ request: RenderRequest, _ delivery: DeliverySettings) throws -> RenderResult {
        let options = encodeOptions(delivery, default: request.defaultFormat, sourceFormat: rendered.sourceFormat,
                                    hasAlpha: rendered.image.hasAlpha, avifEffort: request.avifEffort)
        var output = rendered.image
        if !options.format.supportsAlpha, output.hasAlpha {
            output = try output.flattened(background: backgroundForFlatten(request.transformation))
        }
        let data = try encoded(output, as: options)
        try Image.checkDecodedCleanly(path: request.sourcePath)
        return RenderResult(
            width: output.width, height: output.height, format: options.format.rawValue, quality: options.quality,
            bytes: data.count, crop: rendered.geometry.crop?.array, shrinkOnLoad: rendered.shrinkOnLoad,
            notRendered: rendered.notRendered + delivery.notRendered,
            notes: rendered.notes, data: data)
    }

    /// `f_auto` and/or `q_auto[:level]`: the optimiser decides, measured with SSIMULACRA2.
    /// `f_auto` with a fixed `q_N` keeps that quality and picks the smallest format.
    static func renderOptimised(_ request: RenderRequest, _ delivery: DeliverySettings) throws -> RenderResult {
        let rendered = try renderPixels(request, materialise: true)
        let formats: [ImageFormat]
        switch delivery.format {
        case .fixed(let f): formats = [delivery.lossyFormat(f, hasAlpha: rendered.image.hasAlpha)]
        case .auto, nil:
            formats = delivery.format == .auto
                ? OptimizeOptions.defaultFormats
                : [delivery.lossyFormat(request.defaultFormat ?? rendered.sourceFormat.flatMap { ImageFormat(name: $0) } ?? .jpeg,
                                        hasAlpha: rendered.image.hasAlpha)]
        }
        // q_auto keeps a PNG full-colour (PNG-24) unless f_auto, fl_any_format or fl_png8 lets
        // it switch to a palette (TR, fl_png8 and fl_any_format): nothing to search then.
        if formats == [.png], delivery.format != .auto, !delivery.palette, !delivery.anyFormat {
            return try encodeFixed(rendered, request, delivery)
        }
        // GIF has no quality to search (its palette is its only setting).
        if formats == [.gif] { return try encodeFixed(rendered, request, delivery) }
        var options = OptimizeOptions(formats: formats)
        options.avifEffort = request.avifEffort
        // Progressive is Cloudinary's default with q_auto, baseline with a numeric quality.
        options.progressiveJPEG = delivery.progressive ?? delivery.quality.isAuto
        options.chromaSubsampling = delivery.chroma ?? .auto
        switch delivery.quality {
        case .auto:
            options.target = delivery.autoTarget ?? QualityLevel.good.defaultTarget
        case .fixed(let q):
            options.fixedQuality = q
            options.target = -.greatestFiniteMagnitude  // any encode at that quality is acceptable
        case nil:
            options.target = QualityLevel.good.defaultTarget
        }
        var image = rendered.image
        if !formats.contains(where: \.supportsAlpha), image.hasAlpha {
            image = try image.flattened(background: backgroundForFlatten(request.transformation))
        }
        if image.width < SSIMULACRA2.minimumSize || image.height < SSIMULACRA2.minimumSize {
            return try renderUnmeasured(image, rendered: rendered, formats: formats, delivery: delivery,
                                        background: backgroundForFlatten(request.transformation), avifEffort: request.avifEffort)
        }
        let decision = try Optimizer.optimize(image, options: options)
        return RenderResult(
            width: image.width, height: image.height, format: decision.format, quality: decision.quality,
            bytes: decision.bytes, crop: rendered.geometry.crop?.array, shrinkOnLoad: rendered.shrinkOnLoad,
            notRendered: rendered.notRendered + delivery.notRendered,
            notes: rendered.notes, data: decision.data,
            ssimulacra2: decision.ssimulacra2, encodes: decision.encodes)
    }

    /// A variant under SSIMULACRA2's 8×8 cannot be measured: each allowed format at the fixed
    /// quality (`q_N`, or the `q_auto` level's), the smallest kept, and a note that says so.
    static func renderUnmeasured(_ image: Image, rendered: RenderedPixels, formats: [ImageFormat],
                                 delivery: DeliverySettings, background: [Double], avifEffort: Int) throws -> RenderResult {
        var best: (options: EncodeOptions, data: Data)?
        for format in formats {
            var fixed = delivery
            fixed.format = .fixed(format)
            let options = encodeOptions(fixed, default: nil, sourceFormat: nil, hasAlpha: image.hasAlpha, avifEffort: avifEffort)
            let flat = !format.supportsAlpha && image.hasAlpha ? try image.flattened(background: background) : image
            let data = try encoded(flat, as: options)
            if best.map({ data.count < $0.data.count }) ?? true { best = (options, data) }
        }
        guard let best else { throw EngineError(.invalidArgument, "no output format to encode the variant in") }
        let note = "note: the variant is \(image.width)x\(image.height), under the \(SSIMULACRA2.minimumSize)x\(SSIMULACRA2.minimumSize) "
            + "SSIMULACRA2 measures: quality is the fixed one for the level and the format the smallest file, unmeasured"
        return RenderResult(
            width: image.width, height: image.height, format: best.options.format.rawValue, quality: best.options.quality,
            bytes: best.data.count, crop: rendered.geometry.crop?.array, shrinkOnLoad: rendered.shrinkOnLoad,
            notRendered: rendered.notRendered + delivery.notRendered,
            notes: rendered.notes + [note], data: best.data, encodes: formats.count)
    }

    /// Renders the pixels only (no encoding): the variant as it will be delivered, in 8-bit sRGB,
    /// decoded into memory, for measuring (SSIMULACRA2) or encoding several ways.
    /// Blocking: it holds its thread for the whole computation and does not take turns with the
    /// engine's other operations or stop when a task is cancelled. From async code, use ``Engine``.
    public static func renderPixels(_ request: RenderRequest) throws -> RenderedPixels {
        try renderPixels(request, materialise: true)
    }

    /// `materialise: false` keeps the pipeline lazy (and sequential): read it exactly once.
    static func renderPixels(_ request: RenderRequest, materialise: Bool) throws -> RenderedPixels {
        let count = request.transformation.components.count
        guard count <= maxComponents else {
            throw EngineError(.invalidTransformation,
                              "\(count) components, more than the \(maxComponents) the local renderer runs in one chain",
                              input: request.transformation.description)
        }
        let header = try request.opened ?? Image.load(path: request.sourcePath, options: request.limits)
        let geometry = try resolveGeometry(request, source: Size(header.width, header.height), orientation: header.orientation,
                                           animated: header.pageCount > 1 && ["gif", "webp"].contains(header.fileFormat ?? ""),
                                           pageCount: header.pageCount)
        try checkSizes(geometry, request)
        var steps = geometry.steps
        var image: Image
        var shrink = 1.0

        var effectsByComponent: [Int: ComponentEffects] = [:]
        var notRendered: [String] = []
        var drawingNotes: [String] = []
        // Text layers, and image layers with a local file, are drawn where they are applied;
        // what they leave out is listed once each. Conditions are evaluated on the base image's
        // geometry, not on layers: a layer inside an `if_` block (or with a condition of its
        // own) is left out, and says so.
        let spans = LayerSpan.all(in: request.transformation)
        let conditional = spans.filter(\.conditional)
        // At a dpr other than 1 the layers grow with the image (their sizes and offsets).
        var layers: [DrawnLayer] = try spans.filter { !$0.conditional }.compactMap { span in
            if let text = TextLayer(span: span) { return .text(text.atDPR(geometry.dpr)) }
            return try ImageLayer(span: span, in: request.transformation, files: request.layerFiles)
                .map { .image(try $0.atDPR(geometry.dpr)) }
        }
        // Text is refused before anything is decoded, not when the layer's turn comes.
        for case .text(let text) in layers where !text.text.allSatisfy(\.isWhitespace) {
            try text.checkedBound(maxPixels: request.limits.maxPixels, input: request.transformation.description)
        }
        let variables = request.transformation.variablesByComponent
        for (index, component) in request.transformation.components.enumerated() {
            if let layer = layers.first(where: { $0.components.contains(index) }) {
                if index == layer.components.lowerBound { notRendered += layer.notRendered }
                continue
            }
            if let span = conditional.first(where: { $0.components.contains(index) }) {
                if index == span.components.lowerBound {
                    notRendered.append("l_\(span.layerValue) (a layer inside an if_ block: conditions are evaluated on the base image only)")
                }
                continue
            }
            let effects = ComponentEffects(component, variables: variables[index])
            // A component an `if_` skipped, or one inside a layer, does nothing to this image.
            if !geometry.skippedComponents.contains(index) { effectsByComponent[index] = effects }
            // A layer not drawn is listed by its l_; its fl_layer_apply said it again each time.
            let inLayer = spans.contains { $0.components.contains(index) }
            notRendered += effects.notRendered.filter { !(inLayer && $0 == "fl_layer_apply") }
        }

        // A crop merges with the scale after it only when its component has no effects (they
        // apply between the two).
        // A layer drawn before any geometry step is drawn on the image as the chain has it there:
        // shrinking on load (or merging a crop with the scale after it) would change that image,
        // so a chain with a layer before its last geometry step loads the source as it is.
        let lastResize = steps.last { $0.component != nil }?.component ?? -1
        // Likewise effects of a component before the first geometry step (`e_blur:100/w_50`)
        // apply to the source at full size: a blur radius or border width is in its pixels.
        let firstResize = steps.first { $0.component != nil }?.component ?? .max
        let effectsFirst = effectsByComponent.contains { $0.key < firstResize && !$0.value.effects.isEmpty }
        let plan = effectsFirst || layers.contains { $0.components.upperBound < lastResize } ? nil
            : ShrinkOnLoad.plan(steps: steps, upright: geometry.upright) { index in
                index.flatMap { effectsByComponent[$0]?.effects.isEmpty } ?? false
            }
        if let plan, plan.mergedCrop, header.format == "jpeg" {
            // An explicit crop then a scale of a JPEG: decode it smaller in the DCT, then the crop
            // and one resize (a thumbnail to the load size would also resize all of the image,
            // the part outside the crop included). A reduction under 4, or an EXIF turn, decodes
            // whole. Other formats take the thumbnail below: a PNG cannot skip any of its data,
            // and cut from the whole decode it was slow (a 10240×6400 PNG to 480 px: 12.1 s,
            // against 2.6 s for libvips's thumbnail of it, found in the scale review).
            if let jpegShrink = plan.jpegShrink, header.orientation <= 1 {
                image = try Image.load(jpegPath: request.sourcePath, shrink: jpegShrink, options: request.limits)
                shrink = Double(geometry.upright.width) / Double(image.width)
                steps = plan.rescaledSteps(loaded: Size(image.width, image.height))
            } else {
                image = header
            }
        } else if let plan {
            image = try Image.thumbnail(
                path: request.sourcePath, width: plan.loadSize.width,
                // With a_ignore the geometry has no orientation step, and the thumbnail must
                // not turn the image either (it was turned, then squeezed into the stored size).
                options: ThumbnailOptions(height: plan.loadSize.height, size: .downOnly,
                                          autoRotate: steps.first?.kind == .orientation, strictness: request.limits.strictness),
                maxPixels: request.limits.maxPixels, timeout: request.limits.timeout, cancellation: request.limits.cancellation)
            shrink = Double(geometry.upright.width) / Double(image.width)
            steps = plan.rescaledSteps(loaded: Size(image.width, image.height))
        } else {
            image = header
        }
        image = try image.toSRGB()
        func drawLayers(before component: Int) throws {
            // (Every call comes after the effects of the components before `component` are
            // applied: ``applyEffects(before:more:)`` below.)
            while let layer = layers.first, layer.components.upperBound < component {
                let drawn = try layer.drawn(over: image, limits: request.limits, input: request.transformation.description)
                image = drawn.0
                notRendered += drawn.notRendered
                if case .text(let text) = layer, !text.drawsNothing { drawingNotes += text.fontNotes }
                layers.removeFirst()
            }
        }

        // Effects of the components before `component` (with or without geometry steps of their
        // own), in order, and the layers between them. Each is taken out as it is applied: a
        // layer drawn later applies what is left before it, and must not apply these again.
        func applyEffects(before component: Int, more: Bool) throws {
            for index in effectsByComponent.keys.sorted() where index < component {
                try drawLayers(before: index)
                guard let effects = effectsByComponent.removeValue(forKey: index) else { continue }
                image = try effects.apply(to: image)
                // A blur or sharpen read by a later resize is computed once, in memory: libvips
                // recomputes the filter for every small region a shrink asks for (a blur then a
                // resize of an 868 px logo took over 60 s, in memory under a second).
                if more, effects.readsNeighbours { image = try image.materialised() }
            }
        }
        for (index, step) in steps.enumerated() {
            if let component = step.component {
                try applyEffects(before: component, more: true)
                try drawLayers(before: component)
            }
            image = try execute(step, on: image, transformation: request.transformation)
            // A resize read by a later resize is computed once, in memory: lazily, every region
            // the later one asks for recomputed the overlapping rows of the first (found by a QA
            // pass: w_5120,h_3840/w_300,h_5000/w_36,h_598 of an 800×600 photo took 13.9 s).
            if Self.resizes(step), steps[(index + 1)...].contains(where: Self.resizes) { image = try image.materialised() }
        }
        try applyEffects(before: .max, more: false)
        try drawLayers(before: .max)
        if materialise {
            image = try image.materialised()
            try Image.checkDecodedCleanly(path: request.sourcePath)
        }
        return RenderedPixels(image: image, geometry: geometry, shrinkOnLoad: shrink, notRendered: notRendered, sourcePages: header.pageCount,
                              sourceFormat: header.fileFormat, drawingNotes: drawingNotes)
    }

    static func resolveGeometry(_ request: RenderRequest, source: Size, orientation: Int, animated: Bool = false,
                                pageCount: Int? = nil) throws -> ResolvedGeometry {
        do {
            var components = request.transformation.components.map { component in
                component.parameters.map { GeometryParameter(key: $0.key, rawValue: $0.rawValue) }
            }
            let centred = animated ? try animatedGravity(&components, input: request.transformation.description) : []
            var geometry = try Geometry.resolve(source: source, orientation: orientation, components: components,
                                                resolver: request.resolver, pageCount: pageCount)
            for (index, gravity) in centred {
                geometry.notes.append(GeometryNote(
                    .warning, "animated-gravity",
                    "the source is animated: Cloudinary applies g_center in place of g_\(gravity) (every special gravity "
                        + "but custom) on an animated image, and so does this render", component: index))
            }
            return geometry
        } catch let error as GeometryError {
            var failure = EngineError(.invalidTransformation, error.description, input: request.transformation.description)
            failure.geometryError = error
            throw failure
        }
    }

    /// Cloudinary's rule for an animated source (GIF or WebP) delivered animated, that is with no
    /// `pg_` and no still format asked for: "the only special position that is supported for
    /// animated images is custom"; every other special gravity (auto, faces, objects …) becomes
    /// center, and `c_fill_pad` or `c_auto_pad` with `g_auto` is an error. (The render was
    /// cropped by content where Cloudinary centres.) Returns the components changed, with the
    /// gravity each had.
    static func animatedGravity(_ components: inout [[GeometryParameter]], input: String) throws -> [(Int, String)] {
        let all = components.flatMap { $0 }
        let still = all.contains { $0.key == "pg" }
            || all.contains { $0.key == "f" && ["jpg", "jpeg", "png", "bmp", "tiff", "jp2", "jxr", "heic"].contains($0.rawValue) }
        guard !still else { return [] }
        let compass: Set<String> = ["center", "north", "south", "east", "west", "north_east", "north_west", "south_east", "south_west"]
        var changed: [(Int, String)] = []
        for index in components.indices {
            guard let g = components[index].firstIndex(where: { $0.key == "g" }) else { continue }
            let gravity = components[index][g].rawValue
            if compass.contains(gravity) || gravity.hasPrefix("custom") { continue }
            let mode = components[index].first { $0.key == "c" }?.rawValue
            if gravity.hasPrefix("auto"), mode == "fill_pad" || mode == "auto_pad" {
                throw EngineError(.invalidTransformation,
                                  "component \(index): c_\(mode!) with g_\(gravity) on an animated source: Cloudinary returns an "
                                    + "error for it (ask for one frame with pg_1, or use another crop mode)", input: input)
            }
            components[index][g] = GeometryParameter(key: "g", rawValue: "center")
            changed.append((index, gravity))
        }
        return changed
    }

    /// Refuses a transformation whose result, or any image on the way to it, would be larger than
    /// the source limit (`w_99999999` failed deep in libvips with "affine: output coordinates
    /// out of range"): the same bound as a decoded source, so a small file cannot ask for a
    /// huge output either.
    static func checkSizes(_ geometry: ResolvedGeometry, _ request: RenderRequest) throws {
        let limit = request.limits.maxPixels
        for step in geometry.steps {
            for size in [step.resize, step.canvas, step.output] where size.width * size.height > limit {
                throw EngineError(.invalidTransformation,
                                  "makes a \(size.width)×\(size.height) image, "
                                    + Image.overLimit(Double(size.width) * Double(size.height), limit: limit, of: "the limit of "),
                                  input: request.transformation.description)
            }
        }
    }

    /// The most components one chain may have. Each adds operations to one lazy libvips
    /// pipeline, and freeing a pipeline some 650 operations deep overflowed a worker thread's
    /// stack (a chain of 1000 `e_grayscale` crashed); real chains have a few dozen at most.
    static let maxComponents = 200

    /// A layer the renderer draws.
    enum DrawnLayer {
        case text(TextLayer)
        case image(ImageLayer)

        var components: ClosedRange<Int> {
            switch self {
            case .text(let layer): layer.components
            case .image(let layer): layer.components
            }
        }

        var notRendered: [String] {
            switch self {
            case .text(let layer): layer.notRendered
            case .image(let layer): layer.notRendered
            }
        }

        /// The base with the layer drawn, and what the layer's own transformation left out.
        func drawn(over base: Image, limits: LoadOptions, input: String) throws -> (Image, notRendered: [String]) {
            switch self {
            case .text(let layer): try layer.drawn(over: base, maxPixels: limits.maxPixels, input: input)
            case .image(let layer): try layer.drawn(over: base, limits: limits)
            }
        }
    }

    /// Executes one geometry step on `image` (whose size is `step.input`).
    static func execute(_ step: GeometryStep, on input: Image, transformation: Transformation) throws -> Image {
        guard !step.isIdentity else { return input }
        var image = input
        if step.kind == .orientation {
            return try image.upright()
        }
        if step.window != Rect(size: step.input) {
            let w = step.window
            image = try image.extractArea(left: w.x, top: w.y, width: w.width, height: w.height)
        }
        if Self.resizes(step) {
            image = try image.resizedPremultiplied(toWidth: step.resize.width, height: step.resize.height)
        }
        if !step.padding.isZero || step.canvas != step.resize {
            let colour = groundColour(step, image)
            if colour.alpha < 255 { image = try ComponentEffects.withAlpha(image) }
            image = try image.embed(
                x: step.padding.left, y: step.padding.top, width: step.canvas.width, height: step.canvas.height,
                extend: .background, background: colour.bands(withAlpha: image.hasAlpha))
        }
        // A turn or an upside-down flip reads the image's last rows first, which a source decoded
        // sequentially (libvips's thumbnail) refuses once they have left its line cache: a 3391
        // px tall JPEG failed `w_500/a_180` with "out of order read". Computed once, in memory.
        if step.rotation != 0 || step.flip == .vertical {
            image = try image.materialised()
        }
        if let flip = step.flip {
            image = try image.flipped(horizontal: flip == .horizontal)
        }
        if step.rotation != 0 {
            let colour = groundColour(step, image)
            // The corners a turn uncovers are transparent when the colour is (b_transparent
            // gave black corners on an opaque source).
            if colour.alpha < 255 { image = try ComponentEffects.withAlpha(image) }
            image = try image.rotated(degrees: step.rotation, background: colour.bands(withAlpha: image.hasAlpha))
            if image.width != step.output.width || image.height != step.output.height {
                image = try image.resizedPremultiplied(toWidth: step.output.width, height: step.output.height)
            }
        }
        return image
    }

    /// Whether the step scales its window (not only crops, pads, flips or turns it).
    static func resizes(_ step: GeometryStep) -> Bool { step.resize != step.window.size }

    /// Cloudinary pads with white unless `b_` says otherwise; images with alpha pad transparent.
    static func defaultPadColour(for image: Image) -> RGBAColour {
        image.hasAlpha ? .transparent : .white
    }

    /// What a pad or a turn fills the new area with. A translucent `b_` leaves it transparent:
    /// the component's own background (``ComponentEffects/filled(_:with:)``) then lays the colour
    /// under the pad and the image's transparent parts alike. Painted here too, the pad got the
    /// colour twice over (`c_pad,b_rgb:ff000080` as a JPEG: the pad red, the logo's clear parts pink).
    static func groundColour(_ step: GeometryStep, _ image: Image) -> RGBAColour {
        guard let colour = step.background.flatMap({ RGBAColour(cloudinary: $0) }) else { return defaultPadColour(for: image) }
        return colour.alpha == 255 ? colour : .transparent
    }

    /// What a format without alpha flattens onto: the base image's last opaque `b_` colour (a
    /// layer's `b_` is the layer's); white without one. A translucent `b_` has already been laid
    /// under its component's transparent parts (``ComponentEffects/filled(_:with:)``), so what
    /// shows through is white: `b_rgb:ff000080` gives pink, `b_transparent` white.
    static func backgroundForFlatten(_ transformation: Transformation) -> [Double] {
        let nesting = LayerNesting(transformation)
        for (index, component) in transformation.components.enumerated().reversed() where !nesting.inLayer[index] {
            if let b = component.first("b"), let colour = RGBAColour(cloudinary: b.rawValue) {
                return (colour.alpha == 255 ? colour : .white).bands(withAlpha: false)
            }
        }
        return RGBAColour.white.bands(withAlpha: false)
    }

    /// A variant's file: lossless PNG as the optimiser writes it (zlib 9, one grey band when
    /// every pixel is grey), an alpha band that is opaque everywhere left out as the optimiser
    /// leaves it out, anything else as `options` say. A plan's decisions and `render` encode
    /// through it, so rendering a plan's transformation gives the bytes it predicted (found in
    /// review: an opaque RGBA graphic's `f_avif,q_57` rendered 5,938 bytes, planned 5,714).
    static func encoded(_ image: Image, as options: EncodeOptions) throws -> Data {
        var losslessPNG: PNGOptions?
        if case .png(let png) = options, !png.palette { losslessPNG = png }
        // libwebp leaves out an opaque alpha band itself: WebP needs no copy for it.
        var dropsOpaqueAlpha = false
        if case .webp = options { dropsOpaqueAlpha = true }
        guard losslessPNG != nil || (image.hasAlpha && !dropsOpaqueAlpha) else { return try image.encoded(as: options) }
        // Read once into memory, where the tests read it in place and the encode after it: one
        // copy of the image (a sequential decode cannot be read twice), not the three that
        // copying it out for the grey test took (370 MB against 164 for a 6000 px render).
        var memory = try image.materialised()
        if memory.hasAlpha, memory.isEightBit, try memory.minimumAlpha() >= 255 {
            memory = try memory.flattened(background: [255, 255, 255]).materialised()
        }
        if let png = losslessPNG { return try Optimizer.losslessPNG(memory, progressive: png.progressive) }
        return try memory.encoded(as: options)
    }

    /// The encoder settings: `f_`/`q_` from the transformation, else the defaults.
    static func encodeOptions(_ delivery: DeliverySettings, default defaultFormat: ImageFormat?, sourceFormat: String?,
                              hasAlpha: Bool, avifEffort: Int) -> EncodeOptions {
        let format: ImageFormat
        switch delivery.format {
        case .fixed(let f): format = delivery.lossyFormat(f, hasAlpha: hasAlpha)
        case .auto: format = .webp
        case nil: format = delivery.lossyFormat(defaultFormat ?? sourceFormat.flatMap { ImageFormat(name: $0) } ?? .jpeg,
                                                hasAlpha: hasAlpha)
        }
        let quality: Int?
        switch delivery.quality {
        case .fixed(let q): quality = max(1, min(100, q))
        case .auto(let level): quality = QualityDefaults.fixedQuality(for: format, level: level)
        case nil: quality = nil
        }
        var options = EncodeOptions.defaults(for: format, quality: quality)
        switch options {
        case .jpeg(var o):
            o.progressive = delivery.progressive ?? false
            o.chromaSubsampling = delivery.chroma ?? o.chromaSubsampling
            options = .jpeg(o)
        case .png(var o):
            // As the optimiser encodes PNG (zlib 9; a palette at q_N's quantisation quality), so
            // that `f_png,fl_png8,q_32` renders the file a plan predicted (q_ was dropped).
            o.progressive = delivery.progressive ?? false
            o.palette = delivery.palette
            o.compression = 9
            o.quality = delivery.palette ? (quality ?? 100) : 100
            options = .png(o)
        case .avif(var o):
            o.chromaSubsampling = delivery.chroma ?? o.chromaSubsampling
            o.effort = avifEffort
            options = .avif(o)
        case .webp, .gif:
            break
        }
        return options
    }
}

/// A variant's pixels before encoding, and what was decided to make them.
public struct RenderedPixels: Sendable {
    /// 8-bit sRGB (with alpha when the variant has any).
    public var image: Image
    public var geometry: ResolvedGeometry
    /// How much the decoder shrank the source while loading it (1 = full size).
    public var shrinkOnLoad: Double
    /// Parameters parsed but not rendered locally.
    public var notRendered: [String]
    /// How many pages or frames the source has; only the first is rendered.
    public var sourcePages: Int = 1
    /// The source's format ("jpeg", "png", "avif", "heic" ...: a HEIF file is named by its codec).
    public var sourceFormat: String?
    /// What drawing the layers changed that no parameter asked for: a font drawn with another
    /// one, characters no font here has (``TextLayer/fontNotes``).
    public var drawingNotes: [String] = []

    /// What the variant leaves out of the source without any parameter asking: an animation
    /// becomes a still, which nobody should learn only by looking.
    public var sourceNotes: [String] {
        sourcePages > 1 ? ["the source has \(sourcePages) pages or frames: only the first is rendered"] : []
    }

    /// Every note of the render: the geometry's, ``sourceNotes`` and ``drawingNotes``.
    public var notes: [String] { geometry.notes.map(\.description) + sourceNotes + drawingNotes }
}

/// Fixed qualities per level, used when no perceptual search runs (`q_auto` without the optimiser).
enum QualityDefaults {
    static func fixedQuality(for format: ImageFormat, level: String) -> Int {
        let table: [String: [ImageFormat: Int]] = [
            "best": [.jpeg: 90, .webp: 90, .avif: 70, .png: 100],
            "good": [.jpeg: 80, .webp: 80, .avif: 55, .png: 100],
            "eco": [.jpeg: 70, .webp: 70, .avif: 45, .png: 100],
            "low": [.jpeg: 60, .webp: 60, .avif: 35, .png: 100],
        ]
        // GIF has no quality setting.
        return table[level]?[format] ?? table["good"]![format] ?? 100
    }
}
