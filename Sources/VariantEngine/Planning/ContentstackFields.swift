import CloudinaryTransform
import Foundation

/// The shape of the entry field values ``ContentstackFields`` writes.
public enum FieldValueFormat: String, Sendable, Codable, CaseIterable {
    /// What the Contentstack Cloudinary app stores with its "All Fields" setting: the whole asset
    /// object (Cloudinary's resource JSON as the manifest gave it), with `secure_url`/`url` of the
    /// original and one `derived` entry: our explicit `raw_transformation` and its URLs.
    case contentstackAll = "contentstack-all"
    /// What it stores with "Custom Fields" and the default key selection: `id`, `public_id`,
    /// `access_control`, `secure_url` and `derived[0].secure_url`.
    case contentstackCustom = "contentstack-custom"
    /// The explicit delivery URL, for a plain text or URL field.
    case url
}

/// Entry field values for every planned asset × placement, in one of Contentstack's shapes.
///
/// The Contentstack Cloudinary app stores, in an entry's custom field, the asset the editor
/// picked in Cloudinary's Media Library widget. With its "All Fields" setting that is the whole
/// asset object; with "Custom Fields" only the chosen keys, of which `id`, `public_id`,
/// `access_control`, `secure_url` and `derived[0].secure_url` are selected by default. A picked
/// asset with a transformation applied carries it as a `derived` entry (`raw_transformation`,
/// `url`, `secure_url`). The values here are those shapes with our planned transformation in
/// place of a hand-picked one, so the sync tool writes them as they are.
///
/// Sources:
/// - Contentstack, "Cloudinary App Installation Guide" (All Fields / Custom Fields, default keys):
///   https://www.contentstack.com/docs/developers/marketplace-apps/cloudinary
/// - Cloudinary, "Media Library widget" (the asset objects handed to `insertHandler`, `derived`):
///   https://cloudinary.com/documentation/media_library_widget
/// - Cloudinary, "Admin API reference" (the resource fields):
///   https://cloudinary.com/documentation/admin_api#get_details_of_a_single_resource_by_public_id
///
/// Only placements that pass policy get a value: an asset or placement with an error-level
/// violation is listed in ``skipped`` with the codes, so a value is never written for an asset
/// the policy refused. Each placement's value uses its widest variant (derived[0]); the other
/// widths stay in the plan's `srcset`.
///
/// ```swift
/// let values = ContentstackFields.values(outcome.plan, format: .contentstackCustom)
/// let field = values.fields["summer-2026/hero-lake"]?["desktop"]   // {"public_id": ..., "derived": [{"secure_url": ...}], ...}
/// try AtomicFile.write(ContentstackFields.encode(values), to: "fields.json")
/// ```
public struct ContentstackFields: Sendable, Codable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// `contentstack-all`, `contentstack-custom` or `url`.
    public var format: String
    public var campaign: String
    public var cloudName: String
    /// Plan asset id → placement name → the field value.
    public var fields: [String: [String: JSONValue]]
    /// Asset × placement pairs without a value, and why.
    public var skipped: [SkippedField]

    /// A placement (or a whole asset, `placement` absent) that got no value.
    public struct SkippedField: Sendable, Codable, Equatable {
        public var asset: String
        public var placement: String?
        /// The codes of the error-level violations, or the asset's error code (`asset-unreadable`,
        /// `asset-timed-out`) / `no-variants`.
        public var reasons: [String]
    }

    /// The field values of a plan.
    public static func values(_ plan: Plan, format: FieldValueFormat) -> ContentstackFields {
        var fields: [String: [String: JSONValue]] = [:]
        var skipped: [SkippedField] = []
        for asset in plan.assets {
            if let error = asset.error {
                skipped.append(SkippedField(asset: asset.id, placement: nil, reasons: [error.code.rawValue]))
                continue
            }
            let assetErrors = codes(asset.violations)
            if !assetErrors.isEmpty {
                skipped.append(SkippedField(asset: asset.id, placement: nil, reasons: assetErrors))
                continue
            }
            for placement in asset.placements {
                let errors = codes(placement.violations)
                guard errors.isEmpty, let variant = placement.variants.max(by: { $0.width < $1.width }) else {
                    skipped.append(SkippedField(asset: asset.id, placement: placement.placement,
                                                reasons: errors.isEmpty ? ["no-variants"] : errors))
                    continue
                }
                fields[asset.id, default: [:]][placement.placement] = value(asset, variant: variant, format: format)
            }
        }
        return ContentstackFields(schemaVersion: currentSchemaVersion, format: format.rawValue, campaign: plan.campaign,
                                  cloudName: plan.cloudName, fields: fields, skipped: skipped)
    }

    /// Pretty JSON with sorted keys and unescaped slashes, ending in a newline: equal values, equal bytes.
    public static func encode(_ values: ContentstackFields) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(values)
        data.append(0x0A)
        return data
    }

    static func codes(_ violations: [Violation]) -> [String] {
        var seen: [String] = []
        for violation in violations where violation.severity == .error && !seen.contains(violation.code.rawValue) {
            seen.append(violation.code.rawValue)
        }
        return seen
    }

    static func value(_ asset: PlannedAsset, variant: PlannedVariant, format: FieldValueFormat) -> JSONValue {
        let original = asset.originalUrl ?? ""
        switch format {
        case .url:
            return .string(variant.url)
        case .contentstackAll:
            var object = asset.cloudinary?.resource.raw.objectValue ?? minimalAsset(asset)
            // Our URLs, built from public_id, version and format, replace whatever the resource
            // carried (a CNAME or an older version would not match the plan).
            object["secure_url"] = .string(original)
            object["url"] = .string(insecure(original))
            object["derived"] = .array([.object([
                "raw_transformation": .string(variant.transformation),
                "secure_url": .string(variant.url),
                "url": .string(insecure(variant.url)),
            ])])
            // The entry's alt, as the plan has it: a locale's override carried the base asset's
            // alt from the resource (found in QA: English alt text in the French entry).
            if let alt = asset.alt {
                var context = object["context"]?.objectValue ?? [:]
                var custom = context["custom"]?.objectValue ?? [:]
                custom["alt"] = .string(alt)
                context["custom"] = .object(custom)
                object["context"] = .object(context)
            }
            return .object(object)
        case .contentstackCustom:
            let resource = asset.cloudinary?.resource
            var object: [String: JSONValue] = [
                "public_id": .string(asset.publicId),
                "secure_url": .string(original),
                "derived": .array([.object(["secure_url": .string(variant.url)])]),
            ]
            if let id = resource?.assetId { object["id"] = .string(id) }
            if let access = resource?.raw["access_control"] { object["access_control"] = access }
            return .object(object)
        }
    }

    /// The asset object of an asset planned without Cloudinary's resource JSON: what the plan knows.
    static func minimalAsset(_ asset: PlannedAsset) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["public_id": .string(asset.publicId)]
        if let url = asset.originalUrl.flatMap({ try? DeliveryURL(parsing: $0) }) {
            object["resource_type"] = .string(url.resourceType)
            object["type"] = .string(url.type)
        }
        if let source = asset.source {
            object["width"] = .int(source.width)
            object["height"] = .int(source.height)
        }
        if !asset.tags.isEmpty { object["tags"] = .array(asset.tags.map(JSONValue.string)) }
        if let alt = asset.alt { object["context"] = .object(["custom": .object(["alt": .string(alt)])]) }
        return object
    }

    /// The `http://` form Cloudinary gives next to `secure_url` as `url`.
    static func insecure(_ url: String) -> String {
        url.hasPrefix("https://") ? "http://" + url.dropFirst("https://".count) : url
    }
}
