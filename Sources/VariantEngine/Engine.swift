import CloudinaryTransform
import Foundation
import VipsCore

/// The engine as a library: what the sync tool imports. Every entry point is `async` and runs its
/// pixel work on a dispatch queue, off Swift's cooperative threads. Cancellation: `Task.cancel()`
/// stops libvips at its next tile in a render, an optimisation, an analysis's decode and every
/// decision of a plan, and the call throws `CancellationError` (a 2000 px blur of a 20-megapixel
/// photo that takes 25 s stopped 0.04 s after the cancel); the Swift parts between libvips calls
/// (the face search, a SSIMULACRA2 score) finish first, so an optimisation stops within about
/// one score. Nothing is written by the engine itself except the cache.
///
/// Concurrency and memory: single operations (analyse, crops, optimise, render, report, gravity
/// resolvers) do their pixel work at most ``concurrentOperations`` at a time in the process (the
/// active processor count unless changed with ``limitConcurrentOperations(to:)``); the others
/// wait their turn, so starting fifty at once is safe. The optimiser holds about 80 bytes a
/// variant pixel while it measures (a 20-megapixel variant about 2 GB): that times the limit is
/// the peak to plan for. `plan` runs `PlanOptions.jobs` assets at a time, outside this limit
/// (its `.fixedQuality` decisions encode once and measure nothing).
///
/// `Engine` is a value: copy it freely across tasks. It holds only options.
///
/// ```swift
/// import VariantEngine
///
/// let engine = Engine()
/// let analysis = try await engine.analyze("hero.jpg")
/// let crops = try await engine.crops("hero.jpg", aspectRatios: ["16:9", "1:1"])
/// let decision = try await engine.optimize("hero.jpg", transformation: crops[0].transformation + "/c_scale,w_1200")
/// let rendered = try await engine.render("hero.jpg", transformation: "c_fill,g_auto,w_800,h_450/f_webp,q_80")
///
/// let manifest = try CampaignManifest.load(path: "campaign.yaml")
/// var options = PlanOptions()
/// options.cachePath = ".variant-cache.sqlite"
/// let outcome = try await engine.plan(manifest, baseDirectory: ".", options: options) { progress in
///     if progress.event == .asset {
///         print("\(progress.completed)/\(progress.total) assets, \(progress.variantsDone)/\(progress.variantsTotal) variants: \(progress.assetID)")
///     }
/// }
/// for asset in outcome.plan.assets {
///     for placement in asset.placements { print(asset.publicId, placement.placement, placement.srcset) }
/// }
/// if !outcome.plan.passed { /* a policy failed: see each asset's and placement's violations */ }
/// ```
public struct Engine: Sendable {
    /// Analysis settings used by ``analyze(_:knownFaces:)`` and ``crops(_:aspectRatios:knownFaces:)``.
    public var analysisOptions: AnalysisOptions
    /// Smart-crop settings used by ``crops(_:aspectRatios:knownFaces:)``.
    public var smartCropOptions: SmartCropOptions

    /// How many single operations do their pixel work at once in this process (see the type's
    /// documentation); the cores the process may use unless changed (``SystemResources/usableCores``:
    /// a container's CPU limit, not the machine's core count).
    public static var concurrentOperations: Int { limiter.currentLimit }

    /// Sets ``concurrentOperations`` for the whole process: lower it to bound memory (each
    /// optimisation of a large variant holds gigabytes), raise it to overlap operations that
    /// wait on storage. Operations already waiting start as soon as the new limit allows.
    ///
    /// ```swift
    /// try Engine.limitConcurrentOperations(to: 2)   // at most two decodes and searches at a time
    /// ```
    /// - Throws: `EngineError(.invalidArgument)` for a count under 1.
    public static func limitConcurrentOperations(to count: Int) throws {
        guard count >= 1 else {
            throw EngineError(.invalidArgument, "expected 1 or more concurrent operations but received \(count)")
        }
        limiter.setLimit(count)
    }

    static let limiter = OperationLimiter(limit: SystemResources.usableCores)

    /// The engine's version and build ("0.1.0+" and a digest of its sources): part of every
    /// cache key and of every plan.
    public static var version: String { variantEngineBuild }

    public init(analysisOptions: AnalysisOptions = AnalysisOptions(), smartCropOptions: SmartCropOptions = SmartCropOptions()) {
        self.analysisOptions = analysisOptions
        self.smartCropOptions = smartCropOptions
    }

    /// Analyses an image: size, faces, focal point, content class, saliency.
    ///
    /// ```swift
    /// let analysis = try await Engine().analyze("hero.jpg")
    /// print(analysis.focalPoint.x, analysis.focalPoint.y, analysis.faces.count)
    /// ```
    /// - Parameters:
    ///   - path: An image file libvips can read.
    ///   - knownFaces: Faces already known (the asset's stored faces), in source pixels after EXIF
    ///     orientation: used instead of the face search, which is skipped. nil: search. A box
    ///     reaching past the image is clipped to it.
    /// - Returns: The analysis, in source pixels after EXIF orientation.
    /// - Throws: `VipsError` when the file cannot be read; `CancellationError` when cancelled;
    ///   `EngineError(.invalidArgument)` for a known face with no area, or wholly outside the
    ///   image (coordinates in another frame, before EXIF orientation say: every face would be
    ///   lost, and the crops would cut them).
    public func analyze(_ path: String, knownFaces: [SourceRect]? = nil) async throws -> ImageAnalysis {
        let options = analysisOptions
        try Self.checkKnownFaces(knownFaces, path: path)
        let analysis = try await Self.offloadInTurn { flag in
            try ImageAnalysis.analyze(path: path, options: options, knownFaces: knownFaces, cancellation: flag.vips)
        }
        try Self.checkKnownFaces(knownFaces, path: path, width: analysis.width, height: analysis.height)
        return analysis
    }

    /// Known faces with no area (and, given the image's size, wholly outside it) are refused.
    static func checkKnownFaces(_ faces: [SourceRect]?, path: String, width: Int? = nil, height: Int? = nil) throws {
        for (i, box) in (faces ?? []).enumerated() {
            let text = "knownFaces[\(i)] (x \(box.x), y \(box.y), \(box.width)×\(box.height))"
            guard box.width > 0, box.height > 0 else {
                throw EngineError(.invalidArgument, "\(text) has no area: a face box needs a width and a height over 0", input: path)
            }
            if let width, let height, box.intersection(SourceRect(x: 0, y: 0, width: width, height: height)) == nil {
                throw EngineError(.invalidArgument, "\(text) lies wholly outside the \(width)×\(height) image; known faces are in "
                                  + "source pixels after EXIF orientation", input: path)
            }
        }
    }

    /// Smart crops for aspect ratios, from one analysis.
    ///
    /// ```swift
    /// let crops = try await Engine().crops("hero.jpg", aspectRatios: ["16:9", "4:5"])
    /// crops[0].transformation   // "c_crop,h_1080,w_1920,x_0,y_240"
    /// ```
    /// - Parameters:
    ///   - path: The image.
    ///   - aspectRatios: "W:H" strings (or decimals, "1.5").
    ///   - knownFaces: Faces already known, used instead of the face search (see ``analyze(_:knownFaces:)``).
    /// - Returns: One crop per ratio, in the order given.
    /// - Throws: `EngineError(.invalidArgument)` for a ratio that does not parse, or a known face
    ///   with no area or outside the image (``analyze(_:knownFaces:)``); `VipsError` for the file.
    public func crops(_ path: String, aspectRatios: [String], knownFaces: [SourceRect]? = nil) async throws -> [CropPlan] {
        // The arguments are checked before the image is decoded.
        let (cropper, ratios) = try cropper(aspectRatios)
        return cropper.crops(try await analyze(path, knownFaces: knownFaces), aspectRatios: ratios)
    }

    /// Smart crops from an analysis already made (``analyze(_:knownFaces:)``): a sync tool that
    /// stores the faces and focal point, then the crops, analyses the image once.
    ///
    /// ```swift
    /// let engine = Engine()
    /// let analysis = try await engine.analyze("hero.jpg")
    /// let crops = try engine.crops(from: analysis, aspectRatios: ["16:9", "4:5"])
    /// ```
    /// - Throws: `EngineError(.invalidArgument)` for a ratio that does not parse, smart-crop
    ///   options that have no meaning (``SmartCropOptions/check()``), or an analysis no crop can
    ///   be placed over (``ImageAnalysis/check()``: one read back from storage damaged).
    public func crops(from analysis: ImageAnalysis, aspectRatios: [String]) throws -> [CropPlan] {
        try analysis.check()
        let (cropper, ratios) = try cropper(aspectRatios)
        return cropper.crops(analysis, aspectRatios: ratios)
    }

    /// The cropper and the parsed ratios, or the error for a ratio or zoom that has no meaning.
    private func cropper(_ aspectRatios: [String]) throws -> (SmartCropper, [AspectRatio]) {
        let ratios = try aspectRatios.map { text in
            guard let ratio = AspectRatio(parsing: text) else {
                throw EngineError(.invalidArgument, "expected W:H or a decimal (e.g. 16:9, 1.5) for aspectRatio but received \"\(text)\""
                                  + AspectRatio.wholeNumberHint(text))
            }
            return ratio
        }
        try smartCropOptions.check()
        return (SmartCropper(options: smartCropOptions), ratios)
    }

    /// Chooses format and quality for one variant the way `f_auto,q_auto:<level>` would, measured
    /// with SSIMULACRA2 on the variant's pixels.
    ///
    /// ```swift
    /// let result = try await Engine().optimize("hero.jpg", transformation: "c_fill,g_auto,w_1200,h_675", level: .good)
    /// print(result.format, result.quality ?? 0, result.bytes, result.ssimulacra2)
    /// ```
    /// - Parameters:
    ///   - path: The source image.
    ///   - transformation: The geometry of the variant (no `f_`/`q_` needed).
    ///   - level: The `q_auto` level; default good.
    ///   - formats: The formats allowed; default avif, webp, jpeg, png.
    ///   - resolver: Faces, custom coordinates and `g_auto` windows, as for
    ///     ``render(_:transformation:defaultFormat:resolver:)``; nil analyses the image when the
    ///     transformation needs it.
    ///   - explicitOnly: Only choices an explicit `f_`/`q_` component delivers, so that the
    ///     result's ``OptimizeResult/delivery`` is never nil (a lossless WebP, which `f_auto` may
    ///     give a graphic, is left out); default false. A sync tool that stores the
    ///     transformation sets it, as the planner does.
    /// - Returns: The decision, with the encoded bytes in `data`.
    /// - Throws: `TransformationError` for an invalid transformation, `EngineError(.invalidArgument)`
    ///   for one with `f_` or `q_` (the choice is optimize's), `VipsError`, `EngineError`.
    public func optimize(_ path: String, transformation: String, level: QualityLevel = .good,
                         formats: [ImageFormat] = OptimizeOptions.defaultFormats,
                         resolver: (any GravityResolver)? = nil, explicitOnly: Bool = false) async throws -> OptimizeResult {
        let parsed = try Transformation(parsing: transformation)
        let delivery = ContentResolver.deliveryParameters(parsed)
        guard delivery.isEmpty else {
            throw EngineError(.invalidArgument, "optimize decides format and quality itself: give the geometry without "
                                + delivery.joined(separator: ", ") + " (or render it as it is)")
        }
        let resolver = try await contentResolver(path, parsed, given: resolver)
        return try await Self.offloadInTurn { flag in
            let pixels = try Renderer.renderPixels(RenderRequest(sourcePath: path, transformation: parsed, resolver: resolver,
                                                                 limits: LoadOptions(cancellation: flag.vips)))
            var options = OptimizeOptions(level: level, formats: formats)
            options.losslessWebP = !explicitOnly
            return try Optimizer.optimize(pixels.image, options: options)
        }
    }

    /// The resolver a render of `transformation` needs: `given`, else for `g_auto` and the face
    /// gravities this engine's analysis (as `variant render` does; without one they fell back to
    /// the centre and north), else none.
    func contentResolver(_ path: String, _ transformation: Transformation,
                         given: (any GravityResolver)?) async throws -> (any GravityResolver)? {
        if let given { return given }
        guard ContentResolver.needsAnalysis(transformation) else { return nil }
        try smartCropOptions.check()
        return AnalysisGravityResolver(try await analyze(path), options: smartCropOptions)
    }

    /// Renders a variant locally.
    ///
    /// ```swift
    /// let result = try await Engine().render("hero.jpg", transformation: "c_fill,g_auto,w_800,h_450/f_webp,q_80")
    /// try AtomicFile.write(result.data, to: "hero-800.webp")
    /// ```
    /// - Parameters:
    ///   - path: The source image.
    ///   - transformation: Any transformation the renderer executes (`f_`/`q_` decide the encoding).
    ///   - defaultFormat: The format when the transformation has no `f_`; nil keeps the source's.
    ///   - resolver: Faces, custom coordinates and `g_auto` windows (``gravityResolver(_:cloudinary:)``
    ///     with an asset's stored faces, say); nil analyses the image when the transformation has
    ///     `g_auto` or a face gravity.
    ///   - layerFiles: Local files for image layers by public id (`["brand/logo": "logo.png"]`
    ///     draws `l_brand:logo` … `fl_layer_apply`); a layer with none is listed in `notRendered`.
    /// - Returns: The encoded variant and what was decided to make it.
    /// - Throws: `TransformationError`, `VipsError`, `EngineError`.
    public func render(_ path: String, transformation: String, defaultFormat: ImageFormat? = nil,
                       resolver: (any GravityResolver)? = nil, layerFiles: [String: String] = [:]) async throws -> RenderResult {
        let parsed = try Transformation(parsing: transformation)
        let resolver = try await contentResolver(path, parsed, given: resolver)
        return try await Self.offloadInTurn { flag in
            var request = RenderRequest(sourcePath: path, transformation: parsed, defaultFormat: defaultFormat, resolver: resolver,
                                        limits: LoadOptions(cancellation: flag.vips))
            request.layerFiles = layerFiles
            return try Renderer.render(request)
        }
    }

    /// Plans a campaign: every asset × placement × width, with violations.
    ///
    /// Assets are planned `options.jobs` at a time; one that cannot be read is reported in the
    /// plan (its `error`) and the others go on. With `options.cachePath`, analyses and decisions
    /// are reused across runs (keyed by content hash, engine version and options).
    ///
    /// ```swift
    /// let manifest = try CampaignManifest.load(path: "campaign.json")
    /// let outcome = try await Engine().plan(manifest, baseDirectory: "campaign")
    /// try AtomicFile.write(PlanJSON.encode(outcome.plan), to: "plan.json")
    /// ```
    /// - Parameters:
    ///   - manifest: A validated manifest (``CampaignManifest/load(path:)``).
    ///   - baseDirectory: What the manifest's relative paths are relative to (its folder).
    ///   - options: Jobs, cache, shard, decision mode, URL signing.
    ///   - progress: Called once before the first asset (the totals), after each variant's
    ///     decision and after each asset (``PlanProgress/event``); from any thread, one call at a
    ///     time, with counts that never go down.
    /// - Returns: The plan, the counts of computed and cached results, and warnings.
    /// - Throws: ``ManifestError`` for a manifest that breaks the rules a loaded one is checked
    ///   against (one built in code, say); `EngineError(.invalidArgument)` for an `asOf` that is
    ///   not YYYY-MM-DD, `jobs` under 1, a shard outside 1...N or ``analysisOptions`` out of range;
    ///   `CancellationError` when cancelled; `EngineError(.io)` when the cache
    ///   cannot be opened.
    public func plan(_ manifest: CampaignManifest, baseDirectory: String, options: PlanOptions = PlanOptions(),
                     progress: (@Sendable (PlanProgress) -> Void)? = nil) async throws -> PlanOutcome {
        // A manifest built in code has not been through the loader: a ratio that does not parse
        // stopped the process.
        try manifest.validate()
        if options.jobs < 1 {
            throw EngineError(.invalidArgument, "expected 1 or more for jobs but received \(options.jobs)")
        }
        if let asOf = options.asOf, PolicyDate.parse(asOf) == nil {
            throw EngineError(.invalidArgument, "expected a date YYYY-MM-DD for asOf but received \"\(asOf)\"")
        }
        // Found in review: a shard past its count planned nothing and passed; analysis options
        // out of range failed every asset one by one (and none whose analysis was cached).
        if let shard = options.shard, shard.count < 1 || !(1...shard.count).contains(shard.index) {
            throw EngineError(.invalidArgument, "expected a shard I/N with 1 <= I <= N but received \(shard.index)/\(shard.count)")
        }
        try analysisOptions.check()
        try smartCropOptions.check()
        // Cloudinary serves an authenticated asset only through a signed URL: without a secret
        // every URL of the plan was unsigned, refused by Cloudinary, and the plan passed.
        if manifest.deliveryType == "authenticated", (options.apiSecret ?? "").isEmpty {
            throw EngineError(.invalidArgument, "the manifest's deliveryType is authenticated, whose URLs Cloudinary serves only "
                                + "signed: give the API secret (apiSecret; CLOUDINARY_API_SECRET or CLOUDINARY_URL for the CLI)")
        }
        guard (0...9).contains(options.avifEffort) else {
            throw EngineError.invalidArgument(expected: "an AVIF effort from 0 to 9", for: "avifEffort", received: options.avifEffort)
        }
        var options = options
        options.analysis = analysisOptions
        options.smartCrop = smartCropOptions
        return try await Planner.plan(manifest, baseDirectory: baseDirectory, options: options, progress: progress)
    }

    /// Reads a manifest file and plans it, relative to the manifest's folder.
    ///
    /// ```swift
    /// let outcome = try await Engine().plan(manifestAt: "TestImages/campaign/campaign.yaml")
    /// ```
    /// - Throws: ``ManifestError`` for an invalid manifest, and what ``plan(_:baseDirectory:options:progress:)`` throws.
    public func plan(manifestAt path: String, options: PlanOptions = PlanOptions(),
                     progress: (@Sendable (PlanProgress) -> Void)? = nil) async throws -> PlanOutcome {
        let manifest = try CampaignManifest.load(path: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try await plan(manifest, baseDirectory: directory, options: options, progress: progress)
    }

    /// The values to store in Contentstack entry fields for every planned asset × placement:
    /// the Cloudinary app's "All Fields" or "Custom Fields" asset object, or a plain URL.
    ///
    /// Each placement's value carries its widest explicit variant as `derived[0]`
    /// (`raw_transformation` and `secure_url`); assets and placements with an error-level
    /// violation get no value and are listed in `skipped`. The shapes are described in
    /// ``ContentstackFields`` with the documentation pages they follow.
    ///
    /// ```swift
    /// let outcome = try await engine.plan(manifestAt: "campaign.json")
    /// let values = engine.fieldValues(outcome.plan, format: .contentstackAll)
    /// let hero = values.fields["summer-2026/hero-lake"]?["desktop"]
    /// try AtomicFile.write(ContentstackFields.encode(values), to: "contentstack.json")
    /// ```
    /// - Parameters:
    ///   - plan: A plan from ``plan(_:baseDirectory:options:progress:)`` (or read with `PlanJSON.read`).
    ///   - format: `.contentstackAll`, `.contentstackCustom` or `.url`.
    /// - Returns: Plan asset id → placement → value, and what was skipped.
    public func fieldValues(_ plan: Plan, format: FieldValueFormat) -> ContentstackFields {
        ContentstackFields.values(plan, format: format)
    }

    /// A gravity resolver for an asset Cloudinary already knows: `g_face`/`g_faces` see its
    /// stored faces (merged with the detected ones), `g_custom` its stored custom coordinates,
    /// `g_auto` keeps both whole. Cloudinary's coordinates are mapped from the stored image's
    /// pixels into source pixels after EXIF orientation (``CloudinaryResource/regions(uprightWidth:uprightHeight:orientation:)``).
    ///
    /// ```swift
    /// let resource = try CloudinaryResource(json: resourceJSON)      // Admin API or Media Library widget
    /// let resolver = try await Engine().gravityResolver("hero.jpg", cloudinary: resource)
    /// let geometry = try Transformation(parsing: "c_crop,g_custom,w_800,h_800")
    ///     .geometry(source: Size(4000, 3000), resolver: resolver)
    /// geometry.crop   // the 800×800 window around the stored custom area
    /// ```
    /// - Parameters:
    ///   - path: The local copy of the asset.
    ///   - cloudinary: The asset's resource JSON.
    /// - Returns: The resolver over the analysis, with the stored faces and custom areas.
    /// - Throws: `EngineError(.invalidArgument)` when the resource's width and height do not match
    ///   the local file (it is another image); `VipsError` for the file.
    public func gravityResolver(_ path: String, cloudinary: CloudinaryResource) async throws -> AnalysisGravityResolver {
        try smartCropOptions.check()
        var analysis = try await analyze(path)
        let orientation = try await Self.offloadInTurn { try ImageInfo.read(path: path, verify: false).orientation }
        let regions = cloudinary.regions(uprightWidth: analysis.width, uprightHeight: analysis.height, orientation: orientation)
        if let mismatch = regions.mismatch { throw EngineError(.invalidArgument, mismatch, input: path) }
        analysis.faces = StoredFaces.merge(detected: analysis.faces, stored: regions.faces).faces
        return AnalysisGravityResolver(analysis, options: smartCropOptions, custom: regions.custom)
    }

    /// The self-contained HTML contact sheet of a plan (thumbnails inlined).
    ///
    /// ```swift
    /// let html = try await Engine().report(outcome.plan, baseDirectory: "campaign")
    /// try AtomicFile.write(Data(html.utf8), to: "report.html")
    /// ```
    /// - Throws: `CancellationError` when cancelled (checked between assets, and each thumbnail's
    ///   decode stops at its next tile); `EngineError(.io)` when the cache cannot be opened.
    public func report(_ plan: Plan, baseDirectory: String, cachePath: String? = nil) async throws -> String {
        try await Self.offloadInTurn { flag in
            try ContactSheet.html(plan, baseDirectory: baseDirectory, cachePath: cachePath, cancellation: flag)
        }
    }

    /// ``offload(_:)`` in one of the ``limiter``'s turns: what every single operation runs in.
    static func offloadInTurn<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await offloadInTurn { _ in try work() }
    }

    /// The same, for work that passes `flag.vips` to its loads so that cancelling stops libvips
    /// at its next tile.
    static func offloadInTurn<T: Sendable>(_ work: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        try await limiter.run { try await offload(work) }
    }

    /// Runs blocking pixel work on a global queue, so the caller's executor is not held, and
    /// checks cancellation before it starts.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await offload { _ in try work() }
    }

    /// The same, for work that checks `flag` between its steps: the task's cancellation sets it
    /// (work on a dispatch queue cannot ask the task itself).
    static func offload<T: Sendable>(_ work: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        try Task.checkCancellation()
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result {
                        do {
                            return try work(flag)
                        } catch let error as VipsError where error.code == .cancelled {
                            // libvips stopped because the task was cancelled: say it the Swift way.
                            try flag.check()
                            throw error
                        }
                    })
                }
            }
        } onCancel: {
            flag.cancel()
        }
    }
}

/// Set when a task is cancelled, read by work running outside it; `vips` stops the libvips
/// computations of the images loaded with it at their next tile, and its flag is the one state.
final class CancellationFlag: Sendable {
    let vips = VipsCancellation()

    func cancel() { vips.cancel() }

    /// Throws `CancellationError` once cancelled.
    func check() throws {
        if vips.isCancelled { throw CancellationError() }
    }
}
