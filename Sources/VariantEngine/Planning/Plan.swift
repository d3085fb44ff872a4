import CloudinaryTransform
import Foundation
import VipsCore

/// The plan for a campaign: for every asset × placement × width, the exact crop, the explicit
/// transformation and delivery URL to store, the format, quality and predicted bytes, the
/// srcset, and what breaks policy.
///
/// The JSON schema is stable (field names are a contract: fields are added, never renamed) and
/// documented in `Sources/VariantEngine/Planning/PLAN-SCHEMA.md`. Its outline:
///
/// ```
/// {"schemaVersion": 1, "engineVersion", "campaign", "cloudName", "manifestHash", "shard": {"index", "count"} | null,
///  "placements": [{"name", "aspectRatio", "widths", "formats", "quality", "byteBudget", "upscale"}],
///  "assets": [{"id", "publicId", "path", "baseAsset", "locale", "region", "approval", "tags", "alt",
///              "source": {"contentHash", "width", "height", "format", "hasAlpha", "contentClass", "bytes"},
///              "faces": [{"x", "y", "width", "height", "confidence"}], "focalPoint": {"x", "y", "weight", "origin"},
///              "error": {"code", "message"} | null, "violations": [...],
///              "placements": [{"placement", "aspectRatio", "crop": {"x", "y", "width", "height"}, "score",
///                              "facesKept", "facesCut", "cropTransformation", "srcset", "autoSrcset",
///                              "violations": [...],
///                              "variants": [{"width", "height", "transformation", "url", "autoTransformation",
///                                            "autoUrl", "format", "quality", "bytes", "ssimulacra2",
///                                            "upscale", "decidedBy"}]}]}],
///  "summary": {"assets", "failedAssets", "variants", "errors", "warnings", "predictedBytes", "passed"}}
/// ```
///
/// A plan is deterministic: the same manifest, files and engine version give the same bytes
/// (``PlanJSON/encode(_:)``: keys sorted, assets sorted by `id`), which is what lets shard
/// plans be merged into exactly the plan of a single run.
public struct Plan: Sendable, Codable, Equatable {
    /// Bumped only when a field changes meaning or disappears (never for added fields).
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var engineVersion: String
    public var campaign: String
    public var cloudName: String
    /// SHA-256 of the manifest as decoded (canonical JSON), so shard plans of different manifests never merge.
    public var manifestHash: String
    /// Which shard this plan covers; nil for a whole plan.
    public var shard: PlanShard?
    public var placements: [PlannedPlacementSpec]
    public var assets: [PlannedAsset]
    public var summary: PlanSummary
    /// The run's options that change the answer, so shards made differently never merge.
    public var settings: PlanSettings?

    /// Whether no error-level violation and no failed asset was found: `variant plan` exits 1 otherwise.
    public var passed: Bool { summary.passed }
}

/// The options of a run that change its plan beyond the manifest: shards made with different
/// ones would join into a plan no single run gives.
public struct PlanSettings: Sendable, Codable, Equatable {
    /// How formats and qualities were decided (`fixedQuality` with `--fixed-quality`).
    public var decisions: DecisionMode
    /// Whether the delivery URLs are signed (a secret was given).
    public var signed: Bool
    /// Which secret signed them, as 12 hex digits of a salted SHA-256 of it (nothing a reader
    /// can sign with): shards signed with different secrets must not merge. nil when unsigned,
    /// and in plans written before it was recorded.
    public var secretFingerprint: String?
    /// The day rights are checked as of (`PlanOptions.asOf`: the command line's `--now`, else the
    /// manifest's `policy.asOf`, else the day of the run); nil when the library was given none,
    /// and when no entry of the manifest has a rights expiry date (then the day changes nothing,
    /// and shards planned on different days merge).
    public var asOf: String?
    /// The pixel limit sources were loaded under (``LoadOptions/defaultMaxPixels``, the CLI's
    /// `--max-pixels`) when it is not the standard 100 megapixels: a source over it fails, so
    /// shards planned under different limits must not merge. nil at the standard limit.
    public var maxPixels: Int?
    /// The AVIF encoder effort of the decisions (``PlanOptions/avifEffort``, the CLI's
    /// `--avif-effort`) when it is not ``AVIFOptions/defaultEffort``: it changes AVIF's sizes and
    /// qualities, so shards decided at different efforts must not merge. nil at the default.
    public var avifEffort: Int?

    public init(decisions: DecisionMode, signed: Bool, asOf: String?, secretFingerprint: String? = nil, maxPixels: Int? = nil,
                avifEffort: Int? = nil) {
        self.decisions = decisions
        self.signed = signed
        self.asOf = asOf
        self.secretFingerprint = secretFingerprint
        self.maxPixels = maxPixels
        self.avifEffort = avifEffort
    }

    /// The fingerprint recorded for `secret`.
    public static func fingerprint(ofSecret secret: String) -> String {
        String(SHA256.hash("variant plan secret fingerprint v1\u{0}" + secret).hex.prefix(12))
    }
}

/// `--shard I/N`: this plan holds the assets whose public id hashes to shard I of N (1-based).
public struct PlanShard: Sendable, Codable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses "I/N" with 1 <= I <= N.
    public init?(parsing text: String) {
        // Empty parts kept: `1//3` was read as 1/3.
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            return nil
        }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }
}

/// A placement as planned: the manifest's entry with every default applied.
public struct PlannedPlacementSpec: Sendable, Codable, Equatable {
    public var name: String
    public var aspectRatio: String
    public var widths: [Int]
    public var formats: [String]
    public var quality: String
    /// Bytes per variant, from the placement or the policy; nil when unbounded.
    public var byteBudget: Int?
    public var upscale: UpscalePolicy
    public var minSourceWidth: Int?
    public var minSourceHeight: Int?
}

/// One planned asset: a manifest asset, or one of its locale/region overrides.
public struct PlannedAsset: Sendable, Codable, Equatable {
    /// `publicId` of the base asset, plus `@locale/region` for an override: unique in the plan.
    public var id: String
    /// The public id delivered (the swapped one for an override that swaps the asset).
    public var publicId: String
    /// The local file as the manifest gives it.
    public var path: String
    /// For an override: the base asset's public id.
    public var baseAsset: String?
    public var locale: String?
    public var region: String?
    public var approval: String
    public var tags: [String]
    public var alt: String?
    /// The overlay text, when the override adds one.
    public var overlayText: String?
    public var source: PlannedSource?
    public var faces: [PlannedFace]
    public var focalPoint: PlannedFocalPoint?
    /// Set when the asset could not be planned (unreadable file ...); the other assets are planned.
    public var error: PlanFailure?
    /// Violations of the asset as a whole (not approved, unreadable).
    public var violations: [Violation]
    public var placements: [PlannedPlacement]
    /// The delivery URL of the original (`…/v<version>/<public_id>.<format>` when Cloudinary's
    /// resource JSON gives them).
    public var originalUrl: String?
    /// What the asset's Cloudinary resource JSON contributed; absent without one.
    public var cloudinary: PlannedCloudinary?
}

/// An asset's Cloudinary data as the plan used it.
public struct PlannedCloudinary: Sendable, Codable, Equatable {
    /// The resource JSON as the manifest gave it (carried into the Contentstack "all fields" value).
    public var resource: CloudinaryResource
    /// EXIF orientation of the local copy.
    public var orientation: Int
    /// "stored": coordinates were in the stored image's pixels and were mapped through the
    /// orientation; "upright": the resource already described the oriented image.
    public var coordinateFrame: String
    /// Stored faces in source pixels (after orientation); absent when the resource has none.
    public var storedFaces: [PlannedRect]?
    /// Stored custom focus areas in source pixels (after orientation).
    public var storedCustom: [PlannedRect]
    /// Each stored face and the detected face it matched, with their intersection over union.
    public var faceMatches: [PlannedFaceMatch]
    /// Approval as Cloudinary's metadata or context states it, when it does.
    public var approval: String?
    /// The rights expiry date from structured metadata, when given.
    public var rightsExpiry: String?
    /// Regions the asset is licensed for, from structured metadata, when given.
    public var regions: [String]?
}

/// A stored face paired with a detected one.
public struct PlannedFaceMatch: Sendable, Codable, Equatable {
    /// Index into `cloudinary.storedFaces`.
    public var stored: Int
    /// Index into the asset's `faces`.
    public var detected: Int
    public var iou: Double
}

/// What was read from the source file.
public struct PlannedSource: Sendable, Codable, Equatable {
    /// SHA-256 of the file's bytes, lowercase hex.
    public var contentHash: String
    /// After EXIF orientation.
    public var width: Int
    public var height: Int
    public var format: String
    public var hasAlpha: Bool
    public var contentClass: String
    public var bytes: Int
}

public struct PlannedFace: Sendable, Codable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public var confidence: Double
}

public struct PlannedFocalPoint: Sendable, Codable, Equatable {
    public var x: Int
    public var y: Int
    public var weight: Double
    /// "face", "feature" or "center"; "custom" for a Cloudinary custom focus area.
    public var origin: String
}

extension PlannedFocalPoint {
    init(_ focal: FocalPoint) {
        self.init(x: focal.x, y: focal.y, weight: focal.weight, origin: focal.origin.rawValue)
    }
}

public struct PlannedRect: Sendable, Codable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

extension PlannedRect {
    init(_ rect: SourceRect) {
        self.init(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
    }
}

/// An asset in one placement: the crop and one variant per width.
public struct PlannedPlacement: Sendable, Codable, Equatable {
    public var placement: String
    public var aspectRatio: String
    /// The crop in source pixels (after EXIF orientation).
    public var crop: PlannedRect
    /// Share of the image's saliency the crop keeps, 0...1.
    public var score: Double
    public var facesKept: Int
    public var facesCut: Int
    /// `c_crop,h_,w_,x_,y_`: the first component of every variant's transformation.
    public var cropTransformation: String
    public var variants: [PlannedVariant]
    /// `<url> <width>w, ...` over the explicit URLs.
    public var srcset: String
    /// The same over the `f_auto/q_auto` URLs.
    public var autoSrcset: String
    public var violations: [Violation]
}

/// One delivered image.
public struct PlannedVariant: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    /// Canonical and explicit: `c_crop,...` then `c_scale,h_,w_` (`w_` alone for a crop that misses
    /// the placement's ratio), overlays, then `f_<format>,q_<quality>`.
    public var transformation: String
    public var url: String
    /// The same crop and scale with `/f_auto/q_auto:<level>` (a component each, as Cloudinary's
    /// transformation rules ask): what to store when Cloudinary should decide.
    public var autoTransformation: String
    public var autoUrl: String
    public var format: String
    /// Encoder quality; nil for lossless output.
    public var quality: Int?
    /// Predicted size of the delivered file.
    public var bytes: Int
    /// Predicted SSIMULACRA2 score; nil when no perceptual search ran.
    public var ssimulacra2: Double?
    /// Output width / crop width, when above 1 (the variant is upscaled).
    public var upscale: Double?
    /// "optimizer" (perceptual search) or "fixed" (the level's fixed quality).
    public var decidedBy: String
}

/// A policy violation: what, how serious, and what to do instead.
public struct Violation: Sendable, Codable, Equatable {
    /// A stable code (``Code``), a string in the plan's JSON.
    public var code: Code
    public var severity: ViolationSeverity
    public var message: String
    /// The width concerned, for per-variant violations.
    public var width: Int?
    /// A transformation to use instead (e.g. `c_pad` when the subject cannot fit the ratio).
    public var suggestion: String?

    public init(code: Code, severity: ViolationSeverity, message: String, width: Int? = nil, suggestion: String? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.width = width
        self.suggestion = suggestion
    }
}

extension Violation {
    /// A violation's code: what a sync tool matches on (`violation.code == .overBudget`). The
    /// plan's JSON holds its raw value; codes this build does not know decode as they are.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        /// The manifest's policy requires approved assets and this one is not.
        public static let notApproved: Code = "not-approved"
        /// The source could not be read or decoded (also a ``PlanFailure``).
        public static let assetUnreadable: Code = "asset-unreadable"
        /// The source took longer than the time allowed (also a ``PlanFailure``).
        public static let assetTimedOut: Code = "asset-timed-out"
        /// The source file's bytes changed (it was written or replaced) while it was planned (also
        /// a ``PlanFailure``): nothing derived from it is in the plan, and nothing computed after
        /// the change is cached.
        public static let assetChanged: Code = "asset-changed"
        /// The source is smaller than the placement's minimum.
        public static let sourceTooSmall: Code = "source-too-small"
        /// A width needs more pixels than the crop has.
        public static let upscalingNeeded: Code = "upscaling-needed"
        /// A variant's predicted bytes are over the placement's budget.
        public static let overBudget: Code = "over-budget"
        /// The subject cannot fit the ratio; the suggestion pads instead.
        public static let subjectDoesNotFit: Code = "subject-does-not-fit"
        /// The crop's whole pixels give the ratio only approximately.
        public static let ratioInexact: Code = "ratio-inexact"
        /// A text overlay is wider than the variant.
        public static let textOverflows: Code = "text-overflows"
        /// A text overlay covers a face.
        public static let textCoversFace: Code = "text-covers-face"
        /// A variant could not be decided or rendered.
        public static let variantFailed: Code = "variant-failed"
        /// None of the placement's formats keeps transparency: the cut-out is flattened onto white.
        public static let transparencyFlattened: Code = "transparency-flattened"
        /// Cloudinary's stored size differs from the local file's.
        public static let cloudinarySizeMismatch: Code = "cloudinary-size-mismatch"
        /// Cloudinary's stored faces differ from the ones found here.
        public static let facesDisagree: Code = "faces-disagree"
        /// A stored face or custom area wholly outside the image (warning; it is ignored).
        public static let cloudinaryRegionOutside: Code = "cloudinary-region-outside"
        /// The manifest's approval and Cloudinary's moderation differ.
        public static let approvalDisagrees: Code = "approval-disagrees"
        /// The asset carries a tag the policy blocks.
        public static let blockedTag: Code = "blocked-tag"
        /// The asset's usage rights have expired.
        public static let rightsExpired: Code = "rights-expired"
        /// The policy asks for rights and the asset has no expiry on record.
        public static let rightsUnchecked: Code = "rights-unchecked"
        /// The asset is not licensed for the entry's region.
        public static let regionNotLicensed: Code = "region-not-licensed"
        /// An overlay's font is not installed here: its checks measured a stand-in (warning).
        public static let fontSubstituted: Code = "font-substituted"
        /// No font here has some of an overlay's characters: its checks measured boxes (warning).
        public static let glyphsMissing: Code = "glyphs-missing"
        /// The source has several frames or pages: the plan decides the first (warning).
        public static let animatedSource: Code = "animated-source"
    }
}

/// Why an asset could not be planned.
public struct PlanFailure: Sendable, Codable, Equatable {
    /// ``Violation/Code/assetUnreadable`` or ``Violation/Code/assetTimedOut``.
    public var code: Violation.Code
    public var message: String
}

/// Totals over the plan.
public struct PlanSummary: Sendable, Codable, Equatable {
    public var assets: Int
    public var failedAssets: Int
    public var variants: Int
    public var errors: Int
    public var warnings: Int
    public var predictedBytes: Int
    /// No errors and no failed assets.
    public var passed: Bool

    /// Recomputes the totals from `assets`.
    public init(assets: [PlannedAsset]) {
        self.assets = assets.count
        failedAssets = assets.filter { $0.error != nil }.count
        let placements = assets.flatMap(\.placements)
        variants = placements.reduce(0) { $0 + $1.variants.count }
        let violations = assets.flatMap(\.violations) + placements.flatMap(\.violations)
        errors = violations.filter { $0.severity == .error }.count
        warnings = violations.filter { $0.severity == .warning }.count
        predictedBytes = placements.reduce(0) { $0 + $1.variants.reduce(0) { $0 + $1.bytes } }
        passed = errors == 0 && failedAssets == 0
    }
}

/// The one way plans are written and read, so that equal plans are equal bytes.
public enum PlanJSON {
    /// Pretty-printed JSON with sorted keys and unescaped slashes, ending in a newline.
    public static func encode(_ plan: Plan) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(plan)
        data.append(0x0A)
        return data
    }

    /// A decoding error as one line: where in the document, and what.
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            let text = ManifestPath.text(path)
            return text.isEmpty ? "the top" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(place(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(place(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            let reason = (context.underlyingError as NSError?).flatMap { $0.userInfo[NSDebugDescriptionErrorKey] as? String }
            let what = reason ?? context.debugDescription
            return context.codingPath.isEmpty ? what : "\(place(context.codingPath)): \(what)"
        @unknown default: return "\(error)"
        }
    }

    /// Reads a plan written by ``encode(_:)``.
    /// - Throws: `EngineError(.io)` for a missing, directory or unreadable file,
    ///   `EngineError(.invalidArgument)` for other JSON.
    public static func read(path: String) throws -> Plan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError(.io, "\(Image.unreachableReason(path)?.reason ?? "no such file") (a plan)", input: path)
        }
        guard !isDirectory.boolValue else { throw EngineError(.io, "is a directory, not a plan", input: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.io, "cannot read the plan", input: path)
        }
        do {
            let plan = try JSONDecoder().decode(Plan.self, from: data)
            guard plan.schemaVersion == Plan.currentSchemaVersion else {
                throw EngineError(.invalidArgument, "plan schema \(plan.schemaVersion) is not \(Plan.currentSchemaVersion)",
                                  input: path)
            }
            return plan
        } catch let error as EngineError {
            throw error
        } catch let error as DecodingError {
            // The decoder says only "The given data was not valid JSON"; the parser says where.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                do {
                    _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
                } catch {
                    let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
                    throw EngineError(.invalidArgument, "not a plan: not valid JSON: \(reason)", input: path)
                }
            }
            throw EngineError(.invalidArgument, "not a plan: \(Self.describe(error))", input: path)
        } catch {
            throw EngineError(.invalidArgument, "not a plan: \(error.localizedDescription)", input: path)
        }
    }
}
