import CloudinaryTransform
import Foundation

/// Checks of an asset's `cloudinary` resource JSON, each naming the path inside the manifest
/// (`assets[2].cloudinary.coordinates.faces[1]`). Only the fields the engine reads are checked;
/// every other field is carried as it is.
enum CloudinaryResourceValidator {
    static func issues(_ resource: CloudinaryResource, asset: CampaignAsset, manifest: CampaignManifest,
                       path: String) -> [ManifestError.Issue] {
        var issues: [ManifestError.Issue] = []
        func fail(_ key: String, _ code: String, _ message: String) {
            issues.append(.init(path: key.isEmpty ? path : ManifestPath.join(path, key), code: code, message: message))
        }
        func invalid(_ key: String, _ message: String) { fail(key, "invalid-value", message) }
        guard let raw = resource.raw.objectValue else {
            fail("", "type-mismatch", "expected a mapping (Cloudinary's resource JSON) but received \(resource.raw.kindDescription)")
            return issues
        }
        // A null optional key is left out, as in the rest of the manifest (found in QA:
        // "context": null was "expected a mapping"); public_id is required, so null is wrong.
        let object = raw.filter { $0.value != .null || $0.key == "public_id" }

        switch object["public_id"] {
        case nil: fail("public_id", "missing-key", "required key 'public_id' is missing")
        case .string(let id)?:
            if id != asset.publicId {
                invalid("public_id", ManifestError.expected("the asset's publicId '\(asset.publicId)'", for: "public_id",
                                                         received: "\"\(id)\""))
            }
        case let other?: fail("public_id", "type-mismatch", "expected a string but received \(other.kindDescription)")
        }
        let resourceType = manifest.resourceType ?? "image"
        if let value = object["resource_type"], value.stringValue != resourceType {
            invalid("resource_type", ManifestError.expected("\"\(resourceType)\" (the manifest's resourceType)", for: "resource_type",
                                                         received: describe(value)))
        }
        let deliveryType = manifest.deliveryType ?? "upload"
        if let value = object["type"], value.stringValue != deliveryType {
            invalid("type", ManifestError.expected("\"\(deliveryType)\" (the manifest's deliveryType)", for: "type",
                                                received: describe(value)))
        }
        if let value = object["version"], resource.version == nil {
            invalid("version", ManifestError.expected("a version number (1719304854)", for: "version", received: describe(value)))
        }
        for key in ["width", "height", "bytes"] {
            if let value = object[key], (value.intValue ?? 0) <= 0 {
                invalid(key, ManifestError.expected("a positive integer", for: key, received: describe(value)))
            }
        }
        if let value = object["format"],
           !(value.stringValue.map { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } } ?? false) {
            invalid("format", ManifestError.expected("a file extension (jpg, png ...)", for: "format", received: describe(value)))
        }
        if let value = object["tags"] {
            if let list = value.arrayValue {
                for (i, tag) in list.enumerated() where tag.stringValue == nil {
                    fail(ManifestPath.join("tags", i), "type-mismatch", "expected a string but received \(tag.kindDescription)")
                }
            } else {
                fail("tags", "type-mismatch", "expected a list of strings but received \(value.kindDescription)")
            }
        }
        if let value = object["context"], value.objectValue == nil {
            fail("context", "type-mismatch", "expected a mapping but received \(value.kindDescription)")
        } else if let custom = object["context"]?["custom"], custom.objectValue == nil {
            fail("context.custom", "type-mismatch", "expected a mapping but received \(custom.kindDescription)")
        }
        if let value = object["metadata"], value.objectValue == nil {
            fail("metadata", "type-mismatch", "expected a mapping but received \(value.kindDescription)")
        }
        if let value = object["coordinates"] {
            if value.objectValue == nil {
                fail("coordinates", "type-mismatch", "expected a mapping with 'custom' and 'faces' but received \(value.kindDescription)")
            } else {
                for key in ["custom", "faces"] {
                    if let boxes = value[key] { checkBoxes(boxes, at: "coordinates." + key, fail: fail) }
                }
                // Cloudinary's coordinates hold these two only: another key is a typo whose boxes
                // would be ignored without a word (found in QA: `coordinates.face`).
                for key in (value.objectValue ?? [:]).keys.sorted() where !["custom", "faces"].contains(key) {
                    var message = "unknown key '\(key)' (Cloudinary's coordinates are 'custom' and 'faces')"
                    if let suggestion = Suggest.closest(to: key, among: ["custom", "faces"]) { message += "; did you mean '\(suggestion)'?" }
                    fail("coordinates." + key, "unknown-key", message)
                }
            }
        }
        if let boxes = object["faces"] { checkBoxes(boxes, at: "faces", fail: fail) }

        let keys = manifest.effectivePolicy.effectiveCloudinaryKeys
        // An approval the policy cannot read counted as pending without a word (found in QA:
        // "maybe"); said here, with the spellings it reads.
        let approvals: [(String, JSONValue?)] = [
            ("metadata." + keys.effectiveApproval, resource.metadata[keys.effectiveApproval]),
            ((object["context"]?["custom"]?.objectValue != nil ? "context.custom." : "context.") + keys.effectiveApprovalContext,
             resource.context[keys.effectiveApprovalContext].map(JSONValue.string)),
        ]
        for (key, value) in approvals {
            // An empty list, an empty string or null says nothing (a field left empty): not an error,
            // and the policy reads it as no statement (found in QA: null and "" were errors, [] not).
            guard let value, ![.array([]), .string(""), .null].contains(value) else { continue }
            if CloudinaryPolicyFacts.approvalText(value).flatMap(CloudinaryPolicyFacts.approvalState) == nil {
                invalid(key, ManifestError.expected("an approval state (approved, true, yes or 1; pending, false, no, 0 or in-review; rejected)",
                                                    for: key.split(separator: ".").last.map(String.init) ?? key, received: describe(value)))
            }
        }
        if let expiry = resource.metadata[keys.effectiveRightsExpiry], PolicyDate.parse(expiry.stringValue ?? "") == nil {
            invalid("metadata." + keys.effectiveRightsExpiry, ManifestError.expected("a date YYYY-MM-DD", for: keys.effectiveRightsExpiry, received: describe(expiry)))
        }
        return issues
    }

    /// The largest coordinate or size a stored box may have.
    static let maxCoordinate = Int(Int32.max)

    static func checkBoxes(_ value: JSONValue, at key: String, fail: (String, String, String) -> Void) {
        guard let list = value.arrayValue else {
            fail(key, "type-mismatch", "expected a list of [x, y, w, h] lists but received \(value.kindDescription)")
            return
        }
        for (i, box) in list.enumerated() {
            let numbers = box.arrayValue?.compactMap(\.intValue) ?? []
            // Pixels of an image, so under 2^31 (a libvips image is smaller): values near 2^63
            // overflowed the rectangle arithmetic and stopped the process.
            if box.arrayValue?.count != 4 || numbers.count != 4 || numbers[0] < 0 || numbers[1] < 0 || numbers[2] <= 0
                || numbers[3] <= 0 || numbers.contains(where: { $0 > maxCoordinate }) {
                fail(ManifestPath.join(key, i), "invalid-value",
                     ManifestError.expected("[x, y, w, h] (whole pixels, x and y >= 0, w and h > 0, each under 2^31)", for: key,
                                            received: describe(box)))
            }
        }
    }

    static func describe(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? value.kindDescription
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}

/// Calendar days as policy compares them: "YYYY-MM-DD" (a timestamp's date part is accepted).
/// Strings of this form order as the days do, so no time zone or calendar is involved.
public enum PolicyDate {
    /// The day of `text`, or nil when it is not a date.
    public static func parse(_ text: String) -> String? {
        let day = text.count > 10 && (text.dropFirst(10).first == "T" || text.dropFirst(10).first == " ")
            ? String(text.prefix(10)) : text
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let date = Int(parts[2]), (1...12).contains(month),
              (1...daysIn(month: month, year: year)).contains(date)
        else { return nil }
        return day
    }

    /// Days of a month of the Gregorian calendar (February 29 in leap years).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Today in UTC, "YYYY-MM-DD".
    public static func today() -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
