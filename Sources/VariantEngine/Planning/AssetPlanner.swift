import CloudinaryTransform
import Foundation
import VipsCore

/// One entry to plan: a manifest asset or one of its overrides, with its file resolved.
struct AssetJob: Sendable {
    var id: String
    var publicId: String
    /// As written in the manifest.
    var path: String
    /// Resolved against the manifest's folder.
    var resolvedPath: String
    var baseAsset: String?
    var locale: String?
    var region: String?
    var approval: String
    var tags: [String]
    var alt: String?
    var overlay: TextOverlay?
    /// The placements this asset is planned for, in manifest order.
    var placements: [PlannedPlacementSpec]
    /// Decides the shard: the base asset's public id, so overrides stay with their asset.
    var shardKey: String
    /// The asset's Cloudinary resource JSON (base assets and overrides that keep the asset).
    var cloudinary: CloudinaryResource?
    /// The approval the manifest states, if any (`approval` is the effective one).
    var manifestApproval: String?

    /// The variants it can have: a decision per placement and width.
    var variantCount: Int { placements.reduce(0) { $0 + $1.widths.count } }
}

/// Counts of what was computed, what came from the cache file (an earlier run's work) and what
/// was reused within this run (entries of one source file share their work).
public struct PlanStatistics: Sendable, Codable, Equatable {
    public var analysesComputed = 0
    public var analysesCached = 0
    public var analysesReused = 0
    public var decisionsComputed = 0
    public var decisionsCached = 0
    public var decisionsReused = 0

    public init() {}

    mutating func add(_ other: PlanStatistics) {
        analysesComputed += other.analysesComputed
        analysesCached += other.analysesCached
        analysesReused += other.analysesReused
        decisionsComputed += other.decisionsComputed
        decisionsCached += other.decisionsCached
        decisionsReused += other.decisionsReused
    }
}

/// Plans one asset: content hash, analysis (cached), a smart crop per placement, a decision per
/// width (cached), URLs and policy. Errors do not escape: an asset that cannot be planned comes
/// back with `error` set, so the other assets go on.
struct AssetPlanner: Sendable {
    var manifest: CampaignManifest
    var options: PlanOptions
    var decider: any VariantDeciding
    var cache: PlanCache?

    /// Synchronous pixel work: the planner runs it on a dispatch queue (``Engine/offload(_:)``),
    /// not on Swift's cooperative threads, and `cancellation` says when the task was cancelled.
    /// `decided` is called after each width's decision, computed, cached or failed.
    func plan(_ job: AssetJob, cancellation: CancellationFlag = CancellationFlag(),
              decided: () -> Void = {}) throws -> (PlannedAsset, PlanStatistics) {
        var statistics = PlanStatistics()
        let policy = manifest.effectivePolicy
        var asset = PlannedAsset(
            id: job.id, publicId: job.publicId, path: job.path, baseAsset: job.baseAsset, locale: job.locale,
            region: job.region, approval: job.approval, tags: job.tags, alt: job.alt, overlayText: job.overlay?.text,
            source: nil, faces: [], focalPoint: nil, error: nil,
            violations: PolicyChecker.approval(job.approval, policy: policy)
                + PolicyChecker.blockedTags(job.tags + (job.cloudinary?.tags ?? []), policy: policy),
            placements: [])

        let analysis: ImageAnalysis
        let contentHash: String
        // The file as it is before anything reads it. Found in QA: a file replaced while it was
        // planned gave a plan with the old file's hash and size and the new file's bytes, and
        // stored decisions of the new one under the old hash, for every later run to reuse.
        // What is stored must come from a file that has not changed since (a change moves its
        // change time, or makes it another inode): checked before each store, and at the end.
        // A file whose identity moved with its bytes the same (a chmod, a new link, a touch) is
        // unchanged: its bytes are hashed again to tell (found in review: a chmod failed it).
        let initial = asset
        var identity = FileIdentity(path: job.resolvedPath)
        var hashed: String? = nil
        func unchanged() -> Bool {
            guard let before = identity, let now = FileIdentity(path: job.resolvedPath) else { return false }
            if now == before { return true }
            guard let hashed, (try? ContentHash.bytes(job.resolvedPath)) == hashed else { return false }
            identity = now
            return true
        }
        /// The asset as it was before anything was read, failed as changed: nothing derived from
        /// the file is kept in the plan.
        func changed() -> (PlannedAsset, PlanStatistics) {
            let message = "\(job.path): the file changed while it was planned (written or replaced): plan again"
            var failed = initial
            failed.error = PlanFailure(code: .assetChanged, message: message)
            failed.violations.append(Violation(code: .assetChanged, severity: .error, message: message))
            return (failed, statistics)
        }
        do {
            contentHash = try ContentHash.file(job.resolvedPath, memo: cache)
            hashed = contentHash
            let key = PlanCache.key([contentHash, "analysis", String(describing: options.analysis)])
            if let cached = cache?.value(ImageAnalysis.self, .analyses, key: key, usable: { cached in
                // The header says what the file is: an entry that disagrees is not this image's.
                guard cached.isConsistent, let header = try? ImageInfo.read(path: job.resolvedPath, verify: false) else { return false }
                return header.width == cached.width && header.height == cached.height
            }) {
                analysis = cached
                if cache?.storedInThisRun(.analyses, key: key) == true {
                    statistics.analysesReused += 1
                } else {
                    statistics.analysesCached += 1
                }
            } else {
                analysis = try ImageAnalysis.analyze(path: job.resolvedPath, options: options.analysis,
                                                     cancellation: cancellation.vips)
                if unchanged() { cache?.store(analysis, .analyses, key: key) }
                statistics.analysesComputed += 1
            }
        } catch {
            // Stopped by the plan's cancellation: not this asset's failure.
            try cancellation.check()
            // A file cut short while it was read is a changed file, not a damaged one.
            if identity != nil, hashed != nil, !unchanged() { return changed() }
            let message = Self.describe(error, job: job)
            // A file that took too long is not a bad file: a larger --timeout may plan it.
            let code: Violation.Code = (error as? VipsError)?.code == .timeout ? .assetTimedOut : .assetUnreadable
            asset.error = PlanFailure(code: code, message: message)
            asset.violations.append(Violation(code: code, severity: .error, message: message))
            return (asset, statistics)
        }

        let bytes = fileSize(job.resolvedPath)
        asset.source = PlannedSource(contentHash: contentHash, width: analysis.width, height: analysis.height,
                                     format: analysis.format, hasAlpha: analysis.hasAlpha,
                                     contentClass: analysis.contentClass.rawValue, bytes: bytes)
        asset.faces = analysis.faces.map {
            PlannedFace(x: $0.box.x, y: $0.box.y, width: $0.box.width, height: $0.box.height, confidence: $0.confidence)
        }
        asset.focalPoint = PlannedFocalPoint(analysis.focalPoint)

        asset.originalUrl = try originalURL(job)
        let overlayFonts = try job.overlay.map(PolicyChecker.overlayFonts) ?? []
        asset.violations += overlayFonts
        if let pages = analysis.pages, pages > 1, ["gif", "webp"].contains(analysis.format) {
            // Every decision is of the first frame, and Cloudinary delivers f_webp, f_avif or
            // f_gif of an animation animated: the bytes would be several frames'. (A document's
            // pages, a TIFF's or a PDF's, are delivered one at a time, the first by default.)
            asset.violations.append(Violation(
                code: .animatedSource, severity: .warning,
                message: "the source is an animation of \(pages) frames: the plan decides the first; Cloudinary delivers it "
                    + "as an animation in WebP, AVIF or GIF (larger than predicted) unless the transformation asks for one frame (pg_1)"))
        }
        // What the crops respect: detected faces, merged with Cloudinary's stored ones, and its
        // custom focus areas (kept whole like faces, but not counted or reported as faces).
        var faceAnalysis = analysis
        var focusAreas: [SourceRect] = []
        if let resource = job.cloudinary {
            let orientation = (try? ImageInfo.read(path: job.resolvedPath, verify: false).orientation) ?? 1
            let regions = resource.regions(uprightWidth: analysis.width, uprightHeight: analysis.height, orientation: orientation)
            let facts = CloudinaryPolicyFacts(resource, keys: policy.effectiveCloudinaryKeys)
            var planned = PlannedCloudinary(
                resource: resource, orientation: orientation, coordinateFrame: regions.frame,
                storedFaces: regions.faces.map { $0.map(PlannedRect.init) }, storedCustom: regions.custom.map(PlannedRect.init),
                faceMatches: [], approval: facts.approval, rightsExpiry: facts.rightsExpiry, regions: facts.regions)
            if let mismatch = regions.mismatch {
                asset.violations.append(Violation(code: .cloudinarySizeMismatch, severity: .error, message: mismatch))
            } else {
                let merge = StoredFaces.merge(detected: analysis.faces, stored: regions.faces)
                faceAnalysis.faces = merge.faces
                focusAreas = regions.custom
                planned.faceMatches = merge.matches
                if let disagreement = merge.disagreement {
                    asset.violations.append(Violation(code: .facesDisagree, severity: .warning, message: disagreement))
                }
                if let note = regions.outsideNote {
                    asset.violations.append(Violation(code: .cloudinaryRegionOutside, severity: .warning, message: note))
                }
            }
            asset.violations += PolicyChecker.cloudinary(
                facts, manifestApproval: job.manifestApproval, region: job.region, isOverride: job.baseAsset != nil,
                asOf: (options.asOf ?? policy.asOf).flatMap(PolicyDate.parse), policy: policy)
            asset.cloudinary = planned
        }
        var cropAnalysis = faceAnalysis
        cropAnalysis.faces += focusAreas.map { DetectedFace(box: $0, confidence: 1, detector: "custom") }
        // The focal point a CMS stores follows what Cloudinary's own gravity follows (it ignored
        // the stored regions): custom coordinates override g_auto, the largest of them when there
        // are several (reference: cloudinary-geometry.md, "custom"), else the stored faces merged
        // with the detected ones.
        if let largest = focusAreas.max(by: { $0.area < $1.area }) {
            asset.focalPoint = PlannedFocalPoint(x: min(analysis.width - 1, Int(largest.centerX.rounded())),
                                                 y: min(analysis.height - 1, Int(largest.centerY.rounded())), weight: 1, origin: "custom")
        } else if faceAnalysis.faces != analysis.faces, !faceAnalysis.faces.isEmpty {
            asset.focalPoint = PlannedFocalPoint(FocalPointEstimator.estimate(
                faces: faceAnalysis.faces, saliency: analysis.saliency, sourceWidth: analysis.width,
                sourceHeight: analysis.height, opaqueBounds: analysis.opaqueBounds))
        }

        let cropper = SmartCropper(options: options.smartCrop)
        // Opened when the first decision is computed and shared by the asset's others: a source
        // decoded whole is decoded once, not once a variant (libvips's operation cache did this
        // before it was turned off; see Vips.initialise).
        var opened: Image? = nil
        for spec in job.placements {
            try cancellation.check()
            let ratio = AspectRatio(parsing: spec.aspectRatio)!  // validated with the manifest
            var crop = cropper.crop(cropAnalysis, aspectRatio: ratio)
            if !focusAreas.isEmpty { crop = Self.countFaces(crop, faces: faceAnalysis.faces) }
            var placement = PlannedPlacement(
                placement: spec.name, aspectRatio: spec.aspectRatio,
                crop: PlannedRect(x: crop.rect.x, y: crop.rect.y, width: crop.rect.width, height: crop.rect.height),
                score: crop.score, facesKept: crop.facesKept, facesCut: crop.facesCut,
                cropTransformation: crop.transformation, variants: [], srcset: "", autoSrcset: "", violations: [])
            placement.violations += PolicyChecker.sourceSize(width: analysis.width, height: analysis.height, spec: spec)
            placement.violations += PolicyChecker.subjectFit(analysis: faceAnalysis, crop: crop, spec: spec, policy: policy)
            placement.violations += PolicyChecker.upscaling(crop: crop.rect, spec: spec, policy: policy, ratio: ratio)
            placement.violations += PolicyChecker.ratio(crop: crop.rect, spec: spec)

            let formats = spec.formats.compactMap { ImageFormat(name: $0) }
            let level = QualityLevel(rawValue: spec.quality) ?? .good
            // Each width's search starts from the quality the previous width of this placement
            // got (the same crop and level: it moves by a step or two between widths). Other
            // placements give none, so adding one changes no decision of the others.
            var hints: [ImageFormat: Int] = [:]
            var flattened = false
            for width in spec.widths {
                try cancellation.check()
                defer { decided() }
                var request = VariantDecisionRequest(sourcePath: job.resolvedPath, crop: crop.rect, width: width,
                                                     formats: formats, level: level, cancellation: cancellation.vips)
                request.qualityHints = decider.takesQualityHints ? hints : [:]
                if let overlay = job.overlay { request.overlay = TextOverlayComponents.components(overlay, width: width) }
                request.height = ratio.exactHeight(forWidth: width, window: (crop.rect.width, crop.rect.height))
                let key = PlanCache.key([contentHash, "decision", decider.identity(formats: formats), request.geometry,
                                         formats.map(\.rawValue).joined(separator: ","), level.rawValue]
                                        + Self.hintKey(request.qualityHints))
                let decision: VariantDecision
                if let cached = cache?.value(VariantDecision.self, .decisions, key: key, usable: \.isConsistent) {
                    decision = cached
                    if cache?.storedInThisRun(.decisions, key: key) == true {
                        statistics.decisionsReused += 1
                    } else {
                        statistics.decisionsCached += 1
                    }
                } else {
                    do {
                        if opened == nil {
                            // A file that cannot be opened fails in the decision, with its error.
                            opened = try? Image.load(path: job.resolvedPath, options: LoadOptions(cancellation: cancellation.vips))
                        }
                        request.opened = opened
                        decision = try decider.decide(request)
                    } catch {
                        try cancellation.check()
                        placement.violations.append(Violation(code: .variantFailed, severity: .error,
                                                              message: "cannot render \(width) px: \(Self.describe(error, job: job))",
                                                              width: width))
                        continue
                    }
                    if unchanged() { cache?.store(decision, .decisions, key: key) }
                    statistics.decisionsComputed += 1
                }
                if let format = ImageFormat(name: decision.format), format != .png, let quality = decision.quality {
                    hints[format] = quality
                }
                if decision.flattened == true { flattened = true }
                placement.variants.append(try variant(decision, request: request, level: level, job: job))
            }
            if flattened {
                placement.violations.append(Violation(
                    code: .transparencyFlattened, severity: .warning,
                    message: "none of the formats (\(spec.formats.joined(separator: ", "))) keeps transparency: the variants are "
                        + "flattened onto white, as Cloudinary delivers them; allow png, webp or avif to keep it"))
            }
            placement.violations += PolicyChecker.budget(variants: placement.variants, spec: spec)
            if let overlay = job.overlay {
                placement.violations += try PolicyChecker.textOverlay(overlay, variants: placement.variants, crop: crop.rect,
                                                                      faces: faceAnalysis.faces, measuredOtherwise: !overlayFonts.isEmpty)
            }
            placement.srcset = placement.variants.map { "\($0.url) \($0.width)w" }.joined(separator: ", ")
            placement.autoSrcset = placement.variants.map { "\($0.autoUrl) \($0.width)w" }.joined(separator: ", ")
            asset.placements.append(placement)
        }
        guard unchanged() else { return changed() }
        return (asset, statistics)
    }

    /// The hints' part of a decision's key: nothing without hints, so the keys of decisions
    /// searched from the default start are those of before hints existed.
    static func hintKey(_ hints: [ImageFormat: Int]) -> [String] {
        hints.isEmpty ? [] : ["hints " + hints.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")]
    }

    /// The explicit and the automatic transformation of one variant, with their URLs.
    func variant(_ decision: VariantDecision, request: VariantDecisionRequest, level: QualityLevel,
                 job: AssetJob) throws -> PlannedVariant {
        let components = request.components
        let width = request.width
        let explicit = try Transformation(parsing: (components + [decision.delivery]).joined(separator: "/")).canonicalDescription
        // f_auto and q_auto in components of their own, as Cloudinary's transformation rules ask
        // (and our validator warns otherwise): the one-component form warned on every variant.
        let automatic = try Transformation(parsing: (components + ["f_auto", "q_auto:\(level.rawValue)"]).joined(separator: "/"))
            .canonicalDescription
        let upscale = PolicyChecker.upscale(width: width, height: request.height, crop: request.crop)
        return PlannedVariant(
            width: decision.width, height: decision.height, transformation: explicit,
            url: try url(explicit, job: job), autoTransformation: automatic,
            autoUrl: try url(automatic, job: job), format: decision.format, quality: decision.quality,
            bytes: decision.bytes, ssimulacra2: decision.ssimulacra2,
            upscale: upscale > 1.0005 ? (upscale * 1000).rounded() / 1000 : nil, decidedBy: decision.decidedBy)
    }

    /// A variant's delivery URL: the resource's version pins the URL to the asset as it is now
    /// (`v<version>`); the transformation's `f_` decides the format, so no extension is added.
    func url(_ transformation: String, job: AssetJob) throws -> String {
        var urlOptions = baseURLOptions(job)
        urlOptions.transformation = transformation
        return try DeliveryURL.build(publicId: job.publicId, options: urlOptions).absoluteString
    }

    /// The original's URL: with Cloudinary's version and format when the resource gives them.
    func originalURL(_ job: AssetJob) throws -> String {
        var urlOptions = baseURLOptions(job)
        urlOptions.format = job.cloudinary?.format
        return try DeliveryURL.build(publicId: job.publicId, options: urlOptions).absoluteString
    }

    /// What every URL of `job` shares: cloud, resource type, delivery type, version, signing.
    private func baseURLOptions(_ job: AssetJob) -> DeliveryURL.Options {
        var urlOptions = DeliveryURL.Options(cloudName: manifest.cloudName)
        urlOptions.resourceType = manifest.resourceType ?? "image"
        urlOptions.type = manifest.deliveryType ?? "upload"
        urlOptions.version = job.cloudinary?.version ?? Self.versionForFolderLikeAVersion(job.publicId)
        if let secret = options.apiSecret, !secret.isEmpty { urlOptions.signing = .init(apiSecret: secret) }
        return urlOptions
    }

    /// "1" for a public id in a folder whose name starts like a version (`v2/hero`, `v2024x/a`),
    /// nil otherwise. The SDKs add their `v1` to ids in folders but not to these, and Cloudinary
    /// reads a first folder `v2` as the version and delivers `hero`; a plan knows the id is a
    /// public id, so it pins the version, as for every other id in a folder.
    static func versionForFolderLikeAVersion(_ publicId: String) -> String? {
        publicId.contains("/") && DeliveryURL.startsWithVersion(publicId) ? "1" : nil
    }

    /// Faces kept and cut, counted over the faces only (the crop also weighed custom focus areas).
    static func countFaces(_ crop: CropPlan, faces: [DetectedFace]) -> CropPlan {
        var counted = crop
        counted.facesKept = 0
        counted.facesCut = 0
        for face in faces {
            let fraction = SmartCropper.keptFraction(face.box, in: crop.rect)
            if fraction >= 0.9 { counted.facesKept += 1 } else if fraction > 0.1 { counted.facesCut += 1 }
        }
        return counted
    }

    /// The error's text with the file named as the manifest names it: a relative path stays
    /// relative in the plan, so plans made on different machines (shards) are equal.
    static func describe(_ error: Error, job: AssetJob) -> String {
        let text = (error as? EngineError).map { "\(job.path): \($0.message)" } ?? String(describing: error)
        let named = text.replacingOccurrences(of: job.resolvedPath, with: job.path)
        // A relative path missing: say where it was looked for (without the folder itself:
        // shards planned on different machines must merge into the same bytes).
        if job.path != job.resolvedPath, !FileManager.default.fileExists(atPath: job.resolvedPath) {
            return named + " (a relative path is read from the manifest's folder, the plan's base directory)"
        }
        return named
    }
}

/// A text overlay as Cloudinary components: the layer, then where it is applied.
enum TextOverlayComponents {
    static func components(_ overlay: TextOverlay, width: Int) -> [String] {
        let size = max(10, Int((Double(width) * (overlay.relativeSize ?? 0.05)).rounded()))
        let margin = max(4, Int((Double(width) * 0.03).rounded()))
        let gravity = overlay.gravity ?? "south"
        var apply = "fl_layer_apply,g_\(gravity)"
        if gravity.contains("north") || gravity.contains("south") { apply += ",y_\(margin)" }
        if gravity.contains("east") || gravity.contains("west") { apply += ",x_\(margin)" }
        let color = overlay.color.flatMap(TextOverlay.colorValue) ?? "white"
        let font = TextOverlay.fontParameter(overlay.font ?? "Arial")
        return ["co_\(color),l_text:\(font)_\(size):\(escape(overlay.text))", apply]
    }

    /// The SDKs' text escaping: percent-encode outside `A-Za-z0-9_.-:`, and encode `,` and `/`
    /// twice so they are not read as separators. (`:` was encoded and `~` kept, so a layer's URL
    /// differed from the SDK's for the same text: another derived image to Cloudinary.)
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: ":"):
                result.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: ","): result += "%252C"
            case UInt8(ascii: "/"): result += "%252F"
            default: result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}

/// SHA-256 of a file's bytes, streamed; with a cache, remembered under the file's identity so
/// that a re-run reads an unchanged file's hash instead of every byte of it again (hashing was
/// most of an unchanged re-run of large photos).
enum ContentHash {
    /// How long a file must have been left alone before its hash is remembered. Timestamps move
    /// in ticks, so a file written again within one tick of our reading it could keep them; a
    /// file changed this recently is hashed again next time (git's index does the same).
    static let settledAfter: TimeInterval = 2

    /// - Parameters:
    ///   - memo: The cache to remember the hash in and read it from; nil hashes the bytes.
    ///   - now: The time the settling is measured against (tests move it).
    static func file(_ path: String, memo: PlanCache? = nil, now: Date = Date()) throws -> String {
        do {
            try Image.checkReadableFile(path)
        } catch let error as VipsError {
            throw EngineError(.io, error.message, input: path)
        }
        guard let memo, let before = FileIdentity(path: path) else { return try bytesHash(path) }
        if let known = memo.value(FileHash.self, .fileHashes, key: before.key, usable: \.isWellFormed) {
            return known.sha256
        }
        let hash = try bytesHash(path)
        // Remembered only when the file did not change while it was read, and not lately.
        if FileIdentity(path: path) == before, before.isSettled(at: now, after: settledAfter) {
            memo.store(FileHash(sha256: hash), .fileHashes, key: before.key)
        }
        return hash
    }

    /// SHA-256 of the file's bytes as they are now, remembered nowhere.
    static func bytes(_ path: String) throws -> String { try bytesHash(path) }

    private static func bytesHash(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineError(.io, "cannot read the file", input: path)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update(bytes: $0) }
        }
        return hasher.finalize().hex
    }
}

/// A remembered content hash.
struct FileHash: Codable, Equatable {
    var sha256: String

    var isWellFormed: Bool { sha256.utf8.count == 64 && sha256.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } }
}

/// What says a file is the one hashed before: its path, device and inode, size, and modification
/// and change times to the nanosecond. Any write moves the change time, which no program can set
/// back (restoring the modification time moves it too); a file replaced by another is another inode.
struct FileIdentity: Equatable {
    var path: String
    var device: UInt64, inode: UInt64, size: Int64
    var modified: Int64, modifiedNanoseconds: Int64
    var changed: Int64, changedNanoseconds: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec)
        changedNanoseconds = Int64(info.st_ctim.tv_nsec)
    }

    var key: String {
        PlanCache.key(["file", path, "\(device)", "\(inode)", "\(size)", "\(modified).\(modifiedNanoseconds)",
                       "\(changed).\(changedNanoseconds)"])
    }

    /// Whether both times are at least `interval` before `now` (a time in the future never is).
    func isSettled(at now: Date, after interval: TimeInterval) -> Bool {
        let latest = max(Double(modified) + Double(modifiedNanoseconds) / 1e9, Double(changed) + Double(changedNanoseconds) / 1e9)
        return now.timeIntervalSince1970 - latest >= interval
    }
}
