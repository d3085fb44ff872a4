import Foundation

/// What Cloudinary's tags, contextual and structured metadata say about an asset, read with the
/// policy's ``CloudinaryPolicyKeys``.
struct CloudinaryPolicyFacts: Sendable, Equatable {
    var approval: String?
    var rightsExpiry: String?
    var regions: [String]?
    var tags: [String]

    init(_ resource: CloudinaryResource, keys: CloudinaryPolicyKeys) {
        tags = resource.tags
        let metadata = resource.metadata
        // Structured metadata first (a single-select holds one external id; a multi-select a list).
        let stated = metadata[keys.effectiveApproval].flatMap(Self.approvalText) ?? resource.context[keys.effectiveApprovalContext]
        approval = stated.flatMap(Self.approvalState)
        rightsExpiry = metadata[keys.effectiveRightsExpiry]?.stringValue.flatMap(PolicyDate.parse)
        if let value = metadata[keys.effectiveRegions] {
            regions = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] }
        }
    }

    /// The text of an approval value: a string, a number or true/false (a structured metadata
    /// field may be any of them: found in review, `1` and `true` were unreadable), or the first
    /// of a list (a single-select's external id).
    static func approvalText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .array(let list): list.first.flatMap(approvalText)
        default: nil
        }
    }

    /// "approved", "pending" or "rejected" from the spellings people use in context and metadata.
    static func approvalState(_ text: String) -> String? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "approved", "true", "yes", "1": return "approved"
        case "pending", "false", "no", "0", "in-review", "in_review": return "pending"
        case "rejected": return "rejected"
        default: return nil
        }
    }
}

extension PolicyChecker {
    /// The policy checks that read Cloudinary's data: rights expiry against `asOf`,
    /// licensed regions against the campaign's regions (or the override's region), and a
    /// manifest approval that contradicts Cloudinary's.
    static func cloudinary(_ facts: CloudinaryPolicyFacts, manifestApproval: String?, region: String?, isOverride: Bool,
                           asOf: String?, policy: CampaignPolicy) -> [Violation] {
        var violations: [Violation] = []
        if let stated = manifestApproval, let cloudinary = facts.approval, stated != cloudinary {
            violations.append(Violation(
                code: .approvalDisagrees, severity: .warning,
                message: "the manifest says \(stated) but Cloudinary's metadata says \(cloudinary); the manifest's approval is used"))
        }
        if let expiry = facts.rightsExpiry {
            if let asOf {
                if asOf > expiry {
                    violations.append(Violation(code: .rightsExpired, severity: .error,
                                                message: "the usage rights expired on \(expiry) (checked as of \(asOf))"))
                }
            } else {
                violations.append(Violation(code: .rightsUnchecked, severity: .warning,
                                            message: "the usage rights expire on \(expiry), and no date to check against was given (policy.asOf or --now)"))
            }
        }
        if let licensed = facts.regions {
            let needed = isOverride ? region.map { [$0] } ?? [] : (policy.regions ?? [])
            // Region codes in any case are the same region (the manifest refuses `EU` and `eu`
            // as two overrides for that reason).
            let missing = needed.filter { region in !licensed.contains { $0.caseInsensitiveCompare(region) == .orderedSame } }
            if !missing.isEmpty {
                violations.append(Violation(
                    code: .regionNotLicensed, severity: .error,
                    message: "the asset is licensed for \(licensed.isEmpty ? "no region" : licensed.joined(separator: ", ")), not for \(missing.joined(separator: ", "))"))
            }
        }
        return violations
    }
}

/// Stored faces against detected faces: which pairs are the same face, and the faces a crop
/// should respect (stored boxes win: a person placed them, or Cloudinary's detector on the
/// full-size original did; detected faces nobody stored are kept too).
enum StoredFaces {
    /// Intersection over union at or above which a stored and a detected box are one face.
    /// Boxes of different detectors around one face overlap by 0.4-0.7 (forehead-to-chin against
    /// hairline-to-chin); two different faces almost never exceed 0.2.
    static let matchIoU = 0.3

    struct Merge {
        var faces: [DetectedFace]
        var matches: [PlannedFaceMatch]
        var disagreement: String?
    }

    static func merge(detected: [DetectedFace], stored: [SourceRect]?) -> Merge {
        guard let stored else { return Merge(faces: detected, matches: [], disagreement: nil) }
        // Greedy on the best overlaps first: each face pairs at most once.
        var pairs: [(stored: Int, detected: Int, iou: Double)] = []
        for (s, box) in stored.enumerated() {
            for (d, face) in detected.enumerated() {
                let iou = box.iou(face.box)
                if iou >= matchIoU { pairs.append((s, d, iou)) }
            }
        }
        pairs.sort { $0.iou != $1.iou ? $0.iou > $1.iou : ($0.stored, $0.detected) < ($1.stored, $1.detected) }
        var usedStored = Set<Int>(), usedDetected = Set<Int>()
        var matches: [PlannedFaceMatch] = []
        for pair in pairs where !usedStored.contains(pair.stored) && !usedDetected.contains(pair.detected) {
            usedStored.insert(pair.stored)
            usedDetected.insert(pair.detected)
            matches.append(PlannedFaceMatch(stored: pair.stored, detected: pair.detected, iou: (pair.iou * 1000).rounded() / 1000))
        }
        matches.sort { $0.stored < $1.stored }
        let faces = stored.map { DetectedFace(box: $0, confidence: 1, detector: "stored") }
            + detected.enumerated().filter { !usedDetected.contains($0.offset) }.map(\.element)

        let onlyStored = stored.indices.filter { !usedStored.contains($0) }.map { stored[$0] }
        let onlyDetected = detected.indices.filter { !usedDetected.contains($0) }.map { detected[$0].box }
        var parts: [String] = []
        if !onlyStored.isEmpty {
            parts.append("Cloudinary stores \(onlyStored.count) face(s) our detector does not find (\(describe(onlyStored)))")
        }
        if !onlyDetected.isEmpty {
            parts.append("we detect \(onlyDetected.count) face(s) Cloudinary does not store (\(describe(onlyDetected)))")
        }
        let weak = matches.filter { $0.iou < 0.5 }
        if !weak.isEmpty {
            parts.append("\(weak.count) matched face(s) overlap weakly (IoU \(weak.map { String(format: "%.2f", $0.iou) }.joined(separator: ", ")))")
        }
        let disagreement = parts.isEmpty ? nil
            : parts.joined(separator: "; ") + "; the crops keep every stored face and every unmatched detected one"
        return Merge(faces: faces, matches: matches, disagreement: disagreement)
    }

    static func describe(_ boxes: [SourceRect]) -> String {
        boxes.map { "\($0.width)×\($0.height) at \($0.x),\($0.y)" }.joined(separator: "; ")
    }
}
