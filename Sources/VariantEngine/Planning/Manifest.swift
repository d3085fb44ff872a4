import CloudinaryTransform
import Foundation

/// A campaign manifest: the assets a campaign uses, the placements it cuts them for, and the
/// policy the plan is checked against. Read from JSON or YAML with ``CampaignManifest/load(path:)``.
///
/// ```json
/// {
///   "campaign": "summer-2026",
///   "cloudName": "demo",
///   "policy": {"requireApproved": true, "neverUpscale": true},
///   "placements": [
///     {"name": "desktop", "aspectRatio": "16:9", "widths": [640, 1280, 1920],
///      "formats": ["avif", "webp", "jpeg"], "quality": "good", "byteBudget": 250000}
///   ],
///   "assets": [
///     {"publicId": "summer/hero", "path": "images/hero.jpg", "approval": "approved", "tags": ["hero"],
///      "overrides": [{"locale": "de-DE", "text": {"text": "Sommer"}}]}
///   ]
/// }
/// ```
///
/// Optional fields are optional in the model too; the `effective…` accessors apply the
/// documented defaults, so a plan states what was decided, not what was left out.
public struct CampaignManifest: Sendable, Codable, Equatable {
    /// Campaign name, copied into the plan.
    public var campaign: String
    /// The Cloudinary cloud name the delivery URLs are built for.
    public var cloudName: String
    /// Cloudinary resource type of every asset; default "image".
    public var resourceType: String?
    /// Cloudinary delivery type; default "upload".
    public var deliveryType: String?
    public var policy: CampaignPolicy?
    public var placements: [Placement]
    public var assets: [CampaignAsset]

    public init(campaign: String, cloudName: String, policy: CampaignPolicy? = nil, placements: [Placement],
                assets: [CampaignAsset]) {
        self.campaign = campaign
        self.cloudName = cloudName
        self.policy = policy
        self.placements = placements
        self.assets = assets
    }

    public var effectivePolicy: CampaignPolicy { policy ?? CampaignPolicy() }

    /// Checks a manifest built in code against the rules a loaded one meets (the placements'
    /// ratios, widths and formats, unique ids, overrides ...), every problem at once, before
    /// any planning: ``Engine/plan(_:baseDirectory:options:progress:)`` runs the same check.
    ///
    /// ```swift
    /// var manifest = CampaignManifest(campaign: "summer", cloudName: "demo", placements: placements, assets: assets)
    /// try manifest.validate(file: "summer (built by the sync tool)")
    /// ```
    /// - Parameter file: How the errors name the manifest.
    /// - Throws: ``ManifestError`` listing every problem with its path inside the manifest.
    public func validate(file: String = "manifest") throws {
        let issues = ManifestValidator.validate(self)
        if !issues.isEmpty { throw ManifestError(file: file, issues: issues) }
    }

    /// The keys a manifest may use at its top level (unknown keys are reported, with a suggestion).
    static let knownKeys = ["campaign", "cloudName", "resourceType", "deliveryType", "policy", "placements", "assets"]
    /// The delivery types of stored assets, which the plan's URLs can name.
    static let deliveryTypes = ["upload", "private", "authenticated"]
}

/// Brand and delivery policy for the whole campaign.
public struct CampaignPolicy: Sendable, Codable, Equatable {
    /// Only assets whose approval is "approved" may be planned; default true.
    public var requireApproved: Bool?
    /// Never upscale, whatever a placement says; default false (each placement's `upscale` decides).
    public var neverUpscale: Bool?
    /// Byte budget for every variant that has no `byteBudget` of its own; default none.
    public var maxBytes: Int?
    /// How a subject that cannot fit a placement's ratio is reported: "error" or "warning"; default "warning".
    public var subjectFit: ViolationSeverity?
    /// The day rights expiry is checked against, "YYYY-MM-DD" (`PlanOptions.asOf` and
    /// `variant plan --now` take precedence); without one, an expiry date is only a warning.
    public var asOf: String?
    /// The regions (markets) the campaign runs in: every base asset whose Cloudinary metadata
    /// lists licensed regions must be licensed for each of them.
    public var regions: [String]?
    /// Cloudinary tags that keep an asset out of the campaign ("do-not-use", "legal-hold").
    public var blockedTags: [String]?
    /// Which Cloudinary context and metadata keys hold approval, rights expiry and regions.
    public var cloudinaryKeys: CloudinaryPolicyKeys?

    public init(requireApproved: Bool? = nil, neverUpscale: Bool? = nil, maxBytes: Int? = nil,
                subjectFit: ViolationSeverity? = nil, asOf: String? = nil, regions: [String]? = nil,
                blockedTags: [String]? = nil, cloudinaryKeys: CloudinaryPolicyKeys? = nil) {
        self.requireApproved = requireApproved
        self.neverUpscale = neverUpscale
        self.maxBytes = maxBytes
        self.subjectFit = subjectFit
        self.asOf = asOf
        self.regions = regions
        self.blockedTags = blockedTags
        self.cloudinaryKeys = cloudinaryKeys
    }

    public var effectiveRequireApproved: Bool { requireApproved ?? true }
    public var effectiveNeverUpscale: Bool { neverUpscale ?? false }
    public var effectiveSubjectFit: ViolationSeverity { subjectFit ?? .warning }
    public var effectiveCloudinaryKeys: CloudinaryPolicyKeys { cloudinaryKeys ?? CloudinaryPolicyKeys() }

    static let knownKeys = ["requireApproved", "neverUpscale", "maxBytes", "subjectFit", "asOf", "regions", "blockedTags",
                            "cloudinaryKeys"]
}

/// Where the policy reads an asset's Cloudinary data. Structured metadata fields are named by
/// their external id, which each Cloudinary account chooses; these are the defaults.
public struct CloudinaryPolicyKeys: Sendable, Codable, Equatable {
    /// Approval in structured metadata: a single-select whose external id is "approved",
    /// "pending" or "rejected"; default "approval".
    public var approval: String?
    /// Approval in contextual metadata (`context.custom`), read when structured metadata has
    /// none: "true"/"yes"/"approved" is approved, "false"/"no"/"pending" pending, "rejected"
    /// rejected; default "approved".
    public var approvalContext: String?
    /// Structured metadata date ("YYYY-MM-DD") after which the asset may not be used; default "rights_expiry".
    public var rightsExpiry: String?
    /// Structured metadata list (or one string) of the regions the asset is licensed for; default "regions".
    public var regions: String?

    public init(approval: String? = nil, approvalContext: String? = nil, rightsExpiry: String? = nil, regions: String? = nil) {
        self.approval = approval
        self.approvalContext = approvalContext
        self.rightsExpiry = rightsExpiry
        self.regions = regions
    }

    public var effectiveApproval: String { approval ?? "approval" }
    public var effectiveApprovalContext: String { approvalContext ?? "approved" }
    public var effectiveRightsExpiry: String { rightsExpiry ?? "rights_expiry" }
    public var effectiveRegions: String { regions ?? "regions" }

    static let knownKeys = ["approval", "approvalContext", "rightsExpiry", "regions"]
}

/// Where an image appears: one aspect ratio, delivered at several widths.
public struct Placement: Sendable, Codable, Equatable {
    /// Unique within the manifest ("desktop-hero").
    public var name: String
    /// "W:H", e.g. "16:9".
    public var aspectRatio: String
    /// Output widths in pixels; give these or `breakpoints`.
    public var widths: [Int]?
    /// Evenly spread widths (geometric steps), when `widths` is not given.
    public var breakpoints: BreakpointRange?
    /// Formats the delivery may use, most preferred first; default avif, webp, jpeg.
    public var formats: [String]?
    /// `q_auto` level: best, good, eco or low; default good.
    public var quality: String?
    /// Largest predicted size of one variant, in bytes; default the policy's `maxBytes`.
    public var byteBudget: Int?
    /// Smallest source (after EXIF orientation) this placement accepts.
    public var minSourceWidth: Int?
    public var minSourceHeight: Int?
    /// What to do when a width is larger than the crop: never (an error), warn, allow; default warn.
    public var upscale: UpscalePolicy?

    public init(name: String, aspectRatio: String, widths: [Int]? = nil, breakpoints: BreakpointRange? = nil,
                formats: [String]? = nil, quality: String? = nil, byteBudget: Int? = nil, minSourceWidth: Int? = nil,
                minSourceHeight: Int? = nil, upscale: UpscalePolicy? = nil) {
        self.name = name
        self.aspectRatio = aspectRatio
        self.widths = widths
        self.breakpoints = breakpoints
        self.formats = formats
        self.quality = quality
        self.byteBudget = byteBudget
        self.minSourceWidth = minSourceWidth
        self.minSourceHeight = minSourceHeight
        self.upscale = upscale
    }

    /// Formats used when a placement lists none.
    public static let defaultFormats = ["avif", "webp", "jpeg"]
    /// Quality level used when a placement names none.
    public static let defaultQuality = "good"

    /// The widths to plan, ascending, without duplicates.
    public var effectiveWidths: [Int] {
        if let widths { return Array(Set(widths)).sorted() }
        return breakpoints?.widths ?? []
    }

    public var effectiveFormats: [String] { formats ?? Self.defaultFormats }
    public var effectiveQuality: String { quality ?? Self.defaultQuality }

    static let knownKeys = ["name", "aspectRatio", "widths", "breakpoints", "formats", "quality", "byteBudget",
                            "minSourceWidth", "minSourceHeight", "upscale"]
}

/// `count` widths from `minWidth` to `maxWidth` in equal ratios, rounded to whole tens.
public struct BreakpointRange: Sendable, Codable, Equatable {
    public var minWidth: Int
    public var maxWidth: Int
    public var count: Int

    public init(minWidth: Int, maxWidth: Int, count: Int) {
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.count = count
    }

    public var widths: [Int] {
        guard count > 1, maxWidth > minWidth else { return [max(1, maxWidth)] }
        let ratio = pow(Double(maxWidth) / Double(minWidth), 1 / Double(count - 1))
        var result: [Int] = []
        for k in 0..<count {
            let raw = Double(minWidth) * pow(ratio, Double(k))
            let width = k == 0 ? minWidth : k == count - 1 ? maxWidth : Int((raw / 10).rounded()) * 10
            // A middle width rounded up to maxWidth or past it is none (301...309 gave 310).
            if result.last.map({ width > $0 }) ?? true, k == count - 1 || width < maxWidth { result.append(width) }
        }
        return result
    }

    /// The largest count below this one whose steps stay apart after rounding, for advice when
    /// these fall together; nil when there is none but 1.
    var largestDistinctCount: Int? {
        stride(from: count - 1, through: 2, by: -1).first { BreakpointRange(minWidth: minWidth, maxWidth: maxWidth, count: $0).widths.count == $0 }
    }

    static let knownKeys = ["minWidth", "maxWidth", "count"]
}

/// What happens when a width needs more pixels than the crop has.
public enum UpscalePolicy: String, Sendable, Codable, CaseIterable {
    /// Upscaling is a policy error.
    case never
    /// Upscaling is reported as a warning.
    case warn
    /// Upscaling is fine (icons, graphics).
    case allow
}

/// One asset of the campaign and its local copy.
///
/// An asset may carry its Cloudinary resource JSON (`cloudinary`, as the Admin API or the Media
/// Library widget gives it): then `publicId` may be left out (it is the resource's `public_id`),
/// stored faces and custom coordinates weigh in the crops, the version goes into the URLs, and
/// tags, context and metadata feed the policy. The pixels still come from `path`.
public struct CampaignAsset: Sendable, Codable, Equatable {
    /// The Cloudinary public id ("summer/hero"); default the `cloudinary` resource's `public_id`.
    public var publicId: String
    /// The local file, relative to the manifest's folder (or absolute).
    public var path: String
    /// "approved", "pending" or "rejected"; default "pending".
    public var approval: String?
    public var tags: [String]?
    /// Alt text, carried into the plan for the content team.
    public var alt: String?
    /// Placement names this asset is planned for; default all.
    public var placements: [String]?
    /// Per-locale or per-region variants of this asset.
    public var overrides: [AssetOverride]?
    /// The asset's Cloudinary resource JSON (Admin API or Media Library widget shape).
    public var cloudinary: CloudinaryResource?

    public init(publicId: String, path: String, approval: String? = nil, tags: [String]? = nil, alt: String? = nil,
                placements: [String]? = nil, overrides: [AssetOverride]? = nil, cloudinary: CloudinaryResource? = nil) {
        self.publicId = publicId
        self.path = path
        self.approval = approval
        self.tags = tags
        self.alt = alt
        self.placements = placements
        self.overrides = overrides
        self.cloudinary = cloudinary
    }

    /// An asset given by its Cloudinary resource JSON and the local copy of its pixels.
    public init(cloudinary: CloudinaryResource, path: String, placements: [String]? = nil) {
        self.init(publicId: cloudinary.publicId ?? "", path: path, placements: placements, cloudinary: cloudinary)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cloudinary = try container.decodeIfPresent(CloudinaryResource.self, forKey: .cloudinary)
        if let publicId = try container.decodeIfPresent(String.self, forKey: .publicId) {
            self.publicId = publicId
        } else if let publicId = cloudinary?.publicId {
            self.publicId = publicId
        } else {
            throw DecodingError.keyNotFound(CodingKeys.publicId, .init(codingPath: container.codingPath,
                                                                       debugDescription: "publicId"))
        }
        path = try container.decode(String.self, forKey: .path)
        approval = try container.decodeIfPresent(String.self, forKey: .approval)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        alt = try container.decodeIfPresent(String.self, forKey: .alt)
        placements = try container.decodeIfPresent([String].self, forKey: .placements)
        overrides = try container.decodeIfPresent([AssetOverride].self, forKey: .overrides)
    }

    public var isApproved: Bool { approval == "approved" }

    static let approvalStates = ["approved", "pending", "rejected"]
    static let knownKeys = ["publicId", "path", "approval", "tags", "alt", "placements", "overrides", "cloudinary"]
}

/// A locale's or region's version of an asset: another image, a text overlay, or both.
public struct AssetOverride: Sendable, Codable, Equatable {
    /// BCP 47 locale ("de-DE"); give a locale, a region, or both. Locale and region are part of
    /// the plan entry's id, so both are 1 to 35 letters, digits, '-' and '_'.
    public var locale: String?
    /// Market or region ("EU", "APAC").
    public var region: String?
    /// Swap the asset: another public id (one already used by an asset or another override only
    /// with the same file: one public id is one picture) ...
    public var publicId: String?
    /// ... and its local file (relative to the manifest).
    public var path: String?
    /// Approval of the swapped asset; default the base asset's.
    public var approval: String?
    /// A text overlay added to every variant.
    public var text: TextOverlay?
    /// Alt text in the locale, or of the swapped picture. Default: the base asset's, except for
    /// a swap (another picture: the base asset's words do not describe it), which has none.
    public var alt: String?

    public init(locale: String? = nil, region: String? = nil, publicId: String? = nil, path: String? = nil,
                approval: String? = nil, text: TextOverlay? = nil, alt: String? = nil) {
        self.locale = locale
        self.region = region
        self.publicId = publicId
        self.path = path
        self.approval = approval
        self.text = text
        self.alt = alt
    }

    /// "de-DE", "EU" or "de-DE/EU": the suffix of the planned asset's id.
    public var key: String { [locale, region].compactMap { $0 }.joined(separator: "/") }

    static let knownKeys = ["locale", "region", "publicId", "path", "approval", "text", "alt"]
}

/// A Cloudinary text overlay (`l_text:<font>_<size>:<text>`), sized relative to each variant.
public struct TextOverlay: Sendable, Codable, Equatable {
    public var text: String
    /// Font family; default "Arial".
    public var font: String?
    /// Font size as a share of the variant's width; default 0.05.
    public var relativeSize: Double?
    /// A colour name, or 3, 4, 6 or 8 hex digits (bare, after `#` or after `rgb:`); default "white".
    public var color: String?
    /// Cloudinary gravity: north, south, center ...; default "south".
    public var gravity: String?

    public init(text: String, font: String? = nil, relativeSize: Double? = nil, color: String? = nil,
                gravity: String? = nil) {
        self.text = text
        self.font = font
        self.relativeSize = relativeSize
        self.color = color
        self.gravity = gravity
    }

    static let gravities = ["north", "south", "east", "west", "center", "north_east", "north_west", "south_east",
                            "south_west"]
    static let knownKeys = ["text", "font", "relativeSize", "color", "gravity"]

    /// Whether a font family cannot go into `l_text:<font>_<size>:…`: `_ : , / ! $ %` are that
    /// syntax's own, and `# ? &`, control characters and anything past ASCII ended or split the
    /// delivery URL (a font "A#b" made everything after it a fragment). Spaces are written `%20`.
    static func fontProblem(_ font: String) -> Bool {
        font.isEmpty || font.first == " " || font.last == " "
            || !font.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || " -.".unicodeScalars.contains($0)) }
    }

    /// The font family as the layer parameter writes it.
    static func fontParameter(_ font: String) -> String { font.replacingOccurrences(of: " ", with: "%20") }

    /// The `co_` value of a colour: a Cloudinary colour name as it is, hex digits (bare, after
    /// `#` or after `rgb:`) as `rgb:<digits>`; nil for anything else (`co_ff0000` is not a colour
    /// Cloudinary knows, and failed every variant at render time).
    static func colorValue(_ color: String) -> String? {
        if Vocabulary.colorNames.contains(color) { return color }
        var digits = Substring(color)
        if digits.hasPrefix("#") { digits = digits.dropFirst() } else if digits.hasPrefix("rgb:") { digits = digits.dropFirst(4) }
        guard [3, 4, 6, 8].contains(digits.count), digits.allSatisfy(\.isHexDigit), digits.allSatisfy(\.isASCII) else { return nil }
        return "rgb:" + digits
    }
}

/// How serious a violation is: errors fail the plan (exit status 1), warnings are reported.
public enum ViolationSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case error
    case warning

    public static func < (lhs: ViolationSeverity, rhs: ViolationSeverity) -> Bool {
        lhs == .error && rhs == .warning
    }
}
