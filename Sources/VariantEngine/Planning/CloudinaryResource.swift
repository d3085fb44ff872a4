import CloudinaryTransform
import Foundation

/// What Cloudinary knows about an asset: the resource JSON its Admin API returns for
/// `GET resources/image/upload/:public_id` (with `faces`, `coordinates`, `context`, `metadata`
/// requested), which is also the shape the Media Library widget hands its `insertHandler`.
///
/// The JSON is kept whole (``raw``), so that the Contentstack "all fields" value can carry every
/// field Cloudinary gave; the accessors read the fields the engine uses:
///
/// | field | used for |
/// |---|---|
/// | `public_id`, `resource_type`, `type`, `version`, `format` | delivery URLs (`v<version>`, the original's `.<format>`) |
/// | `width`, `height` | checked against the local copy: another size means another image |
/// | `coordinates.faces`, `faces` | stored faces: weigh in smart crops, feed `g_face`, compared with our detection |
/// | `coordinates.custom` | stored custom focus areas: weigh in smart crops, feed `g_custom` |
/// | `tags`, `context.custom`, `metadata` | policy: approval, rights expiry, licensed regions, blocked tags |
/// | `asset_id`, `access_control`, `secure_url` | the Contentstack field values |
///
/// Coordinates are `[x, y, w, h]` lists in the pixels of the image as stored in Cloudinary
/// (before any EXIF orientation); ``regions(uprightWidth:uprightHeight:orientation:)`` maps them
/// into the engine's source pixels (after orientation).
///
/// The field names follow Cloudinary's documentation:
/// - Admin API reference, "Get details of a single resource":
///   https://cloudinary.com/documentation/admin_api#get_details_of_a_single_resource_by_public_id
/// - Custom focus areas (custom coordinates, `g_custom`):
///   https://cloudinary.com/documentation/custom_focus_areas
/// - Semantic data extraction (faces and coordinates in the response):
///   https://cloudinary.com/documentation/semantic_data_extraction
/// - Contextual and structured metadata: https://cloudinary.com/documentation/contextual_metadata
///   and https://cloudinary.com/documentation/structured_metadata
/// - Media Library widget (the asset objects `insertHandler` receives):
///   https://cloudinary.com/documentation/media_library_widget
///
/// ```swift
/// let resource = try CloudinaryResource(json: Data(contentsOf: URL(fileURLWithPath: "hero.resource.json")))
/// resource.publicId            // "summer-2026/hero"
/// resource.customCoordinates   // [[120, 80, 300, 200]] as rectangles
/// ```
public struct CloudinaryResource: Sendable, Codable, Equatable {
    /// The resource JSON as given.
    public var raw: JSONValue

    public init(raw: JSONValue) {
        self.raw = raw
    }

    /// Parses resource JSON (one object).
    /// - Throws: `EngineError(.invalidArgument)` when the bytes are not a JSON object.
    public init(json data: Data) throws {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw EngineError(.invalidArgument, "not JSON: \(error)")
        }
        guard case .object = value else {
            throw EngineError(.invalidArgument, "expected a JSON object for a Cloudinary resource")
        }
        self.raw = value
    }

    public init(from decoder: Decoder) throws {
        raw = try JSONValue(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try raw.encode(to: encoder)
    }

    public var publicId: String? { raw["public_id"]?.stringValue }
    public var assetId: String? { raw["asset_id"]?.stringValue }
    public var resourceType: String? { raw["resource_type"]?.stringValue }
    public var type: String? { raw["type"]?.stringValue }
    public var format: String? { raw["format"]?.stringValue }
    /// The version digits (`1719304854`); a string form ("v1719304854") is accepted too. Digits
    /// only, as `url build --version` takes them: a negative number made URLs with `/v-3/`,
    /// which read back as part of the public id.
    public var version: String? {
        if let number = raw["version"]?.intValue { return number >= 0 ? String(number) : nil }
        if let text = raw["version"]?.stringValue {
            let digits = text.hasPrefix("v") ? String(text.dropFirst()) : text
            return !digits.isEmpty && digits.allSatisfy(\.isNumber) ? digits : nil
        }
        return nil
    }
    public var width: Int? { raw["width"]?.intValue }
    public var height: Int? { raw["height"]?.intValue }
    public var bytes: Int? { raw["bytes"]?.intValue }
    public var tags: [String] { raw["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Contextual metadata: `context.custom` as the Admin API returns it, or a flat `context`
    /// mapping (the shape upload parameters use).
    public var context: [String: String] {
        guard let object = raw["context"]?.objectValue else { return [:] }
        let fields = object["custom"]?.objectValue ?? object
        return fields.compactMapValues { value in
            value.stringValue ?? value.intValue.map(String.init) ?? (value == .bool(true) ? "true" : value == .bool(false) ? "false" : nil)
        }
    }

    /// Structured metadata: external id to value (a string, a number, a date "YYYY-MM-DD", or a
    /// list of external ids for multi-selects).
    public var metadata: [String: JSONValue] { raw["metadata"]?.objectValue ?? [:] }

    /// `coordinates.faces`, else the top-level `faces` (the Admin API's `faces=true` list);
    /// nil when the resource says nothing about faces (an empty list is a statement: no faces).
    public var faceCoordinates: [SourceRect]? {
        if let list = raw["coordinates"]?["faces"] { return Self.boxes(list) }
        if let list = raw["faces"] { return Self.boxes(list) }
        return nil
    }

    /// `coordinates.custom`: the custom focus areas (normally one).
    public var customCoordinates: [SourceRect] {
        raw["coordinates"]?["custom"].map(Self.boxes) ?? []
    }

    static func boxes(_ value: JSONValue) -> [SourceRect] {
        (value.arrayValue ?? []).compactMap { box in
            guard let numbers = box.arrayValue?.compactMap(\.intValue), numbers.count == 4 else { return nil }
            return SourceRect(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
        }
    }

    /// The delivery URL of the original as Cloudinary stores it: `…/<type>/v<version>/<public_id>.<format>`.
    func originalURL(cloudName: String, resourceType: String, type: String, apiSecret: String?) throws -> String {
        var options = DeliveryURL.Options(cloudName: cloudName)
        options.resourceType = self.resourceType ?? resourceType
        options.type = self.type ?? type
        options.version = version
        options.format = format
        if let apiSecret, !apiSecret.isEmpty { options.signing = .init(apiSecret: apiSecret) }
        return try DeliveryURL.build(publicId: publicId ?? "", options: options).absoluteString
    }
}

/// The stored coordinates of a resource in the engine's pixels (after EXIF orientation), or why
/// they cannot be used.
public struct CloudinaryRegions: Sendable, Equatable {
    /// Stored faces; nil when the resource carries no face coordinates.
    public var faces: [SourceRect]?
    /// Stored custom focus areas.
    public var custom: [SourceRect]
    /// "stored" (mapped from the stored image through EXIF orientation N, identity for 1) or
    /// "upright" (the resource's size is the oriented size: used as they are).
    public var frame: String
    /// Set when the resource's width and height match neither the local file's stored nor its
    /// oriented size: the local copy is another image, and its coordinates are not used.
    public var mismatch: String?
    /// Stored boxes (faces and custom areas) that lie wholly outside the image, dropped.
    public var outside: [SourceRect] = []
    /// What ``outside`` means, for a warning: "[x, y, w, h] … lie outside the W×H image".
    public var outsideNote: String? {
        guard !outside.isEmpty else { return nil }
        let boxes = Wording.listed(outside.map { "[\($0.x), \($0.y), \($0.width), \($0.height)]" }, limit: 5)
        return "stored coordinates \(boxes) lie outside the \(frameSize) image (\(frame) pixels): ignored"
    }
    /// The size the coordinates are in, "W×H".
    public var frameSize = ""
}

extension CloudinaryResource {
    /// Maps the stored coordinates into source pixels after EXIF orientation.
    ///
    /// Cloudinary gives coordinates in the pixels of the image it stores, and its `width` and
    /// `height` describe that image. The local copy's header gives its stored size and its EXIF
    /// orientation:
    /// - `width`×`height` equal to the local stored size: the coordinates are in stored pixels and
    ///   are mapped through the orientation (nothing changes for orientation 1);
    /// - else equal to the oriented size (only possible when the orientation swaps the sides):
    ///   the resource already describes the upright image; coordinates are used as they are;
    /// - else the local copy is not this asset: ``CloudinaryRegions/mismatch`` says so and no
    ///   coordinate is used (a crop placed with another image's faces is worse than none).
    ///
    /// Boxes are clipped to the image; boxes outside it are dropped.
    public func regions(uprightWidth: Int, uprightHeight: Int, orientation: Int) -> CloudinaryRegions {
        let swaps = orientation >= 5 && orientation <= 8
        let storedWidth = swaps ? uprightHeight : uprightWidth
        let storedHeight = swaps ? uprightWidth : uprightHeight
        let bounds = SourceRect(x: 0, y: 0, width: uprightWidth, height: uprightHeight)
        let storedBounds = SourceRect(x: 0, y: 0, width: storedWidth, height: storedHeight)
        // Boxes wholly outside are dropped, and reported (a stored face at 10000,10000 on a
        // 512 px image vanished without a word).
        let all = (faceCoordinates ?? []) + customCoordinates
        func clip(_ boxes: [SourceRect]) -> [SourceRect] { boxes.compactMap { $0.intersection(bounds) } }
        // Clipped to the stored image before the turn: the turn's arithmetic then stays in range
        // (a stored box near 2^62 overflowed it).
        func turned(_ boxes: [SourceRect]) -> [SourceRect] {
            boxes.compactMap { $0.intersection(storedBounds) }
                .map { Self.upright($0, storedWidth: storedWidth, storedHeight: storedHeight, orientation: orientation) }
        }
        func regions(_ faces: [SourceRect]?, _ custom: [SourceRect], frame: String, within: SourceRect) -> CloudinaryRegions {
            CloudinaryRegions(faces: faces, custom: custom, frame: frame, mismatch: nil,
                              outside: all.filter { $0.intersection(within) == nil }, frameSize: "\(within.width)×\(within.height)")
        }

        // No size to check against: the coordinates are trusted as stored pixels. One side alone
        // is checked as far as it goes (found in QA: a width that fitted neither frame passed
        // when the height was missing).
        if (width ?? storedWidth) == storedWidth && (height ?? storedHeight) == storedHeight {
            return regions(faceCoordinates.map { clip(turned($0)) }, clip(turned(customCoordinates)), frame: "stored", within: storedBounds)
        }
        if (width ?? uprightWidth) == uprightWidth && (height ?? uprightHeight) == uprightHeight {
            return regions(faceCoordinates.map(clip), clip(customCoordinates), frame: "upright", within: bounds)
        }
        let width = width.map(String.init) ?? "?", height = height.map(String.init) ?? "?"
        let local = swaps ? "\(storedWidth)×\(storedHeight) stored, \(uprightWidth)×\(uprightHeight) after EXIF orientation \(orientation)"
            : "\(uprightWidth)×\(uprightHeight)"
        return CloudinaryRegions(
            faces: nil, custom: [], frame: "stored",
            mismatch: "Cloudinary's \(publicId ?? "asset") is \(width)×\(height) but the local file is \(local): the local copy is not this asset (its stored coordinates are ignored)")
    }

    /// A box in stored pixels (image `storedWidth`×`storedHeight`) mapped to the upright image
    /// that EXIF `orientation` describes (1...8; anything else is treated as 1).
    static func upright(_ box: SourceRect, storedWidth w: Int, storedHeight h: Int, orientation: Int) -> SourceRect {
        let (x, y, bw, bh) = (box.x, box.y, box.width, box.height)
        switch orientation {
        case 2: return SourceRect(x: w - x - bw, y: y, width: bw, height: bh)           // mirrored
        case 3: return SourceRect(x: w - x - bw, y: h - y - bh, width: bw, height: bh)  // 180°
        case 4: return SourceRect(x: x, y: h - y - bh, width: bw, height: bh)           // flipped
        case 5: return SourceRect(x: y, y: x, width: bh, height: bw)                    // transposed
        case 6: return SourceRect(x: h - y - bh, y: x, width: bh, height: bw)           // 90° clockwise
        case 7: return SourceRect(x: h - y - bh, y: w - x - bw, width: bh, height: bw)  // transversed
        case 8: return SourceRect(x: y, y: w - x - bw, width: bh, height: bw)           // 90° anticlockwise
        default: return box
        }
    }
}
