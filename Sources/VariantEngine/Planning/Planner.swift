import CloudinaryTransform
import Foundation

/// How to run a plan.
public struct PlanOptions: Sendable {
    /// Assets planned at the same time (each holds one decoded image at a time); default one per
    /// core the process may use, fewer when its memory limit is small
    /// (``SystemResources/defaultJobs``: a container's limits, not the machine's).
    public var jobs: Int = SystemResources.defaultJobs
    /// The SQLite cache file; nil plans without one (entries sharing a source still share its
    /// work, through a temporary database that lasts the run).
    public var cachePath: String?
    /// Plan only this shard's assets.
    public var shard: PlanShard?
    /// Perceptual search (default) or the level's fixed quality.
    public var decisions: DecisionMode = .optimize
    /// The AVIF encoder effort every decision encodes and scores at, 0...9 (higher: smaller
    /// files, slower); default ``AVIFOptions/defaultEffort``.
    public var avifEffort: Int = AVIFOptions.defaultEffort
    /// Signs delivery URLs when set (the CLI reads `CLOUDINARY_API_SECRET`).
    public var apiSecret: String?
    /// The day rights expiry dates are checked against ("YYYY-MM-DD"); default the manifest's
    /// `policy.asOf`. Without either, an expiry date is reported as unchecked (a warning): a plan
    /// never depends on the clock unless asked to.
    public var asOf: String?
    /// Set from the ``Engine`` that runs the plan (its `analysisOptions`, `smartCropOptions`).
    var analysis = AnalysisOptions()
    var smartCrop = SmartCropOptions()

    public init() {}
}

/// Where a running plan is.
///
/// A plan reports three kinds of moment: once at the start (nothing done yet, the totals
/// known), after each variant's decision (computed, from the cache, or failed), and after each
/// asset. An asset that fails before its variants (a file that cannot be read) counts them as
/// done when it ends, so both counts reach their totals. Calls never overlap and the counts
/// never go down.
public struct PlanProgress: Sendable {
    /// What just happened.
    public enum Event: Sendable, Equatable {
        /// The first call, before any work.
        case started
        /// One variant of `assetID` was decided (or failed).
        case variant
        /// `assetID` was finished (planned or failed).
        case asset
    }

    /// Assets finished (planned or failed).
    public var completed: Int
    public var total: Int
    /// The asset just finished, or whose variant was just decided ("" in the first call).
    public var assetID: String
    /// Whether the finished asset failed (false for the other events).
    public var failed: Bool
    public var event: Event
    /// Variants decided so far, over every asset, and how many the plan has at most: every
    /// asset's placements times their widths.
    public var variantsDone: Int
    public var variantsTotal: Int

    public init(completed: Int, total: Int, assetID: String, failed: Bool, event: Event? = nil,
                variantsDone: Int = 0, variantsTotal: Int = 0) {
        self.completed = completed
        self.total = total
        self.assetID = assetID
        self.failed = failed
        self.event = event ?? (assetID.isEmpty ? .started : .asset)
        self.variantsDone = variantsDone
        self.variantsTotal = variantsTotal
    }
}

/// Counts a running plan's progress and passes it on, one call at a time (variants are decided
/// on several threads at once).
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private let report: (@Sendable (PlanProgress) -> Void)?
    private var state: PlanProgress
    /// Variants counted so far per asset, to top an asset up to its share when it ends.
    private var counted: [String: Int] = [:]

    init(assets: Int, variants: Int, report: (@Sendable (PlanProgress) -> Void)?) {
        self.report = report
        state = PlanProgress(completed: 0, total: assets, assetID: "", failed: false, event: .started,
                             variantsDone: 0, variantsTotal: variants)
    }

    func start() { lock.withLock { report?(state) } }

    /// One variant of `assetID` decided (computed, cached or failed).
    func variant(of assetID: String) {
        lock.withLock {
            counted[assetID, default: 0] += 1
            state.variantsDone += 1
            state.assetID = assetID
            state.failed = false
            state.event = .variant
            report?(state)
        }
    }

    /// `assetID` ended; `variants` is its share of the total, whatever became of them.
    func asset(_ assetID: String, variants: Int, failed: Bool) {
        lock.withLock {
            state.variantsDone += max(0, variants - (counted.removeValue(forKey: assetID) ?? 0))
            state.completed += 1
            state.assetID = assetID
            state.failed = failed
            state.event = .asset
            report?(state)
        }
    }
}

/// A plan and what it took to make it.
public struct PlanOutcome: Sendable {
    public var plan: Plan
    public var statistics: PlanStatistics
    /// Problems that did not stop the plan (a cache that was rebuilt ...).
    public var warnings: [String]
}

/// Runs a manifest into a plan: assets in parallel, at most `jobs` at a time.
enum Planner {
    static func plan(_ manifest: CampaignManifest, baseDirectory: String, options: PlanOptions,
                     progress: (@Sendable (PlanProgress) -> Void)?) async throws -> PlanOutcome {
        try Task.checkCancellation()
        // Read once: the limit every load of this plan uses, recorded in its settings.
        let maxPixels = LoadOptions.defaultMaxPixels
        var warnings: [String] = []
        let cache = try options.cachePath.map { try PlanCache(path: $0) } ?? PlanCache.temporary()
        warnings += cache.warnings
        let decider: any VariantDeciding = switch options.decisions {
        case .optimize: OptimizingDecider(avifEffort: options.avifEffort)
        case .fixedQuality: FixedQualityDecider(avifEffort: options.avifEffort)
        }
        let planner = AssetPlanner(manifest: manifest, options: options, decider: decider, cache: cache)
        let specs = placementSpecs(manifest)
        var jobs = assetJobs(manifest, specs: specs, baseDirectory: baseDirectory)
        // The day only matters to a plan when some entry has a rights expiry date; it is
        // decided over the whole manifest, so every shard records the same settings.
        let keys = manifest.effectivePolicy.effectiveCloudinaryKeys
        let datesMatter = jobs.contains { job in job.cloudinary.map { CloudinaryPolicyFacts($0, keys: keys).rightsExpiry != nil } ?? false }
        if let shard = options.shard { jobs = jobs.filter { Sharding.shard(of: $0.shardKey, count: shard.count) == shard.index } }
        jobs = largestFirst(jobs)

        // The first call says how many are coming, before an asset's seconds of work.
        let counter = ProgressCounter(assets: jobs.count, variants: jobs.reduce(0) { $0 + $1.variantCount },
                                      report: progress)
        counter.start()
        var planned: [PlannedAsset] = []
        var statistics = PlanStatistics()
        try await withThrowingTaskGroup(of: (PlannedAsset, PlanStatistics, AssetJob).self) { group in
            // Jobs stay where they are and are marked when started (taking one out of the array
            // would move every job after it: quadratic in a manifest of many thousand assets).
            var started = [Bool](repeating: false, count: jobs.count)
            var firstWaiting = 0
            // Sources being planned, by path. An override usually reads its base asset's file,
            // and largest-first puts the two side by side: started together, both computed the
            // same analysis and decisions. A job whose file is being read for the first time waits
            // for that job, then finds its work in the cache, and the counts are the same every
            // run. Once one job of a file has finished, the others run side by side again (many
            // entries may share one file). Without a cache file the run's temporary one serves.
            var startedFiles: Set<String> = [], finishedFiles: Set<String> = []
            var running = 0
            func startWhatCan() {
                while running < max(1, options.jobs),
                      let i = jobs.indices[firstWaiting...].first(where: {
                          let path = jobs[$0].resolvedPath
                          return !started[$0] && (!startedFiles.contains(path) || finishedFiles.contains(path))
                      }) {
                    let job = jobs[i]
                    started[i] = true
                    while firstWaiting < jobs.count && started[firstWaiting] { firstWaiting += 1 }
                    startedFiles.insert(job.resolvedPath)
                    running += 1
                    // Off the cooperative pool: an asset's decodes and encodes take seconds, and
                    // holding its threads that long starved the caller's other async work.
                    group.addTask {
                        let (asset, counts) = try await Engine.offload { flag in
                            try planner.plan(job, cancellation: flag) { counter.variant(of: job.id) }
                        }
                        return (asset, counts, job)
                    }
                }
            }
            startWhatCan()
            while let (asset, counts, job) = try await group.next() {
                running -= 1
                finishedFiles.insert(job.resolvedPath)
                planned.append(asset)
                statistics.add(counts)
                counter.asset(asset.id, variants: job.variantCount, failed: asset.error != nil)
                try Task.checkCancellation()
                startWhatCan()
            }
        }
        planned.sort { $0.id < $1.id }
        // An empty secret signs nothing (the URLs skip it), so the settings must not say signed.
        let secret = options.apiSecret.flatMap { $0.isEmpty ? nil : $0 }
        let plan = Plan(schemaVersion: Plan.currentSchemaVersion, engineVersion: variantEngineBuild,
                        campaign: manifest.campaign, cloudName: manifest.cloudName, manifestHash: try manifestHash(manifest),
                        shard: options.shard, placements: specs, assets: planned, summary: PlanSummary(assets: planned),
                        settings: PlanSettings(decisions: options.decisions, signed: secret != nil,
                                               asOf: datesMatter ? options.asOf ?? manifest.policy?.asOf : nil,
                                               secretFingerprint: secret.map(PlanSettings.fingerprint(ofSecret:)),
                                               maxPixels: maxPixels == LoadOptions.standardMaxPixels ? nil : maxPixels,
                                               avifEffort: options.avifEffort == AVIFOptions.defaultEffort ? nil : options.avifEffort))
        let refused = cache.refusedStores
        if refused.count > 0, !cache.path.isEmpty {
            let one = refused.count == 1
            warnings.append("the cache \(cache.path) could not store \(refused.count) entr\(one ? "y" : "ies") (\(refused.reason)): "
                            + "the plan is complete, but a re-run computes \(one ? "it" : "them") again")
        }
        if cache.damagedEntries > 0 {
            warnings.append("the cache \(cache.path) held \(cache.damagedEntries) damaged entr\(cache.damagedEntries == 1 ? "y" : "ies"): "
                            + "recomputed and replaced, not trusted")
        }
        return PlanOutcome(plan: plan, statistics: statistics, warnings: warnings)
    }

    /// Placements with every default applied.
    static func placementSpecs(_ manifest: CampaignManifest) -> [PlannedPlacementSpec] {
        let policy = manifest.effectivePolicy
        return manifest.placements.map { p in
            PlannedPlacementSpec(
                name: p.name, aspectRatio: AspectRatio(parsing: p.aspectRatio)?.description ?? p.aspectRatio,
                widths: p.effectiveWidths, formats: p.effectiveFormats, quality: p.effectiveQuality,
                byteBudget: p.byteBudget ?? policy.maxBytes,
                upscale: policy.effectiveNeverUpscale ? .never : (p.upscale ?? .warn),
                minSourceWidth: p.minSourceWidth, minSourceHeight: p.minSourceHeight)
        }
    }

    /// Every asset, then each of its overrides, as entries to plan.
    static func assetJobs(_ manifest: CampaignManifest, specs: [PlannedPlacementSpec], baseDirectory: String) -> [AssetJob] {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardized.path
        }
        var jobs: [AssetJob] = []
        for asset in manifest.assets {
            let placements = asset.placements.map { names in specs.filter { names.contains($0.name) } } ?? specs
            // Cloudinary's data fills what the manifest leaves out: approval, tags, alt text.
            let facts = asset.cloudinary.map { CloudinaryPolicyFacts($0, keys: manifest.effectivePolicy.effectiveCloudinaryKeys) }
            let base = AssetJob(
                id: asset.publicId, publicId: asset.publicId, path: asset.path, resolvedPath: resolve(asset.path),
                baseAsset: nil, locale: nil, region: nil, approval: asset.approval ?? facts?.approval ?? "pending",
                tags: asset.tags ?? facts?.tags ?? [], alt: asset.alt ?? asset.cloudinary?.context["alt"], overlay: nil,
                placements: placements, shardKey: asset.publicId, cloudinary: asset.cloudinary,
                manifestApproval: asset.approval)
            jobs.append(base)
            for override in asset.overrides ?? [] {
                var job = base
                job.id = asset.publicId + "@" + override.key
                job.baseAsset = asset.publicId
                job.locale = override.locale
                job.region = override.region
                if let publicId = override.publicId, let path = override.path {
                    job.publicId = publicId
                    job.path = path
                    job.resolvedPath = resolve(path)
                    // Another asset: the base asset's Cloudinary data does not describe it, nor do
                    // the approval, tags and alt text taken from it.
                    job.cloudinary = nil
                    job.tags = asset.tags ?? []
                    job.alt = override.alt
                    job.manifestApproval = override.approval ?? asset.approval
                    job.approval = override.approval ?? asset.approval ?? "pending"
                } else {
                    job.approval = override.approval ?? base.approval
                    job.alt = override.alt ?? base.alt
                }
                job.overlay = override.text
                jobs.append(job)
            }
        }
        return jobs
    }

    /// The jobs with the largest source files first (manifest order among equals): the longest
    /// asset then starts first instead of running alone at the end while the other workers
    /// idle. The plan lists assets by id whatever order they finish in.
    static func largestFirst(_ jobs: [AssetJob]) -> [AssetJob] {
        let sizes = jobs.map { job -> Int in
            var info = stat()
            return stat(job.resolvedPath, &info) == 0 ? Int(info.st_size) : 0
        }
        return jobs.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }.map { jobs[$0] }
    }

    /// SHA-256 of the manifest's canonical JSON (sorted keys): equal manifests, equal hashes,
    /// whichever file format they came from.
    static func manifestHash(_ manifest: CampaignManifest) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        return data.withUnsafeBytes { SHA256.hash(bytes: $0).hex }
    }
}
