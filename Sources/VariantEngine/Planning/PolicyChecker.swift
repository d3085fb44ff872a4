import Foundation
import CloudinaryTransform
import VipsCore

/// Checks a planned asset against the campaign's policy and its placements' rules. Each check
/// is a function of values already computed (no decoding; the text check lays its text out with
/// Pango, a millisecond or so), so a cached plan is checked anew on every run: changing the
/// policy never needs a re-analysis.
enum PolicyChecker {
    /// Approval: with `requireApproved`, anything but "approved" is an error.
    static func approval(_ approval: String, policy: CampaignPolicy) -> [Violation] {
        guard approval != "approved" else { return [] }
        guard policy.effectiveRequireApproved else {
            // Not required is not asked for: a rejected asset is still someone's explicit no, and
            // it went into the plan (and its Contentstack values) without a word.
            return approval == "rejected"
                ? [Violation(code: .notApproved, severity: .warning,
                             message: "the asset is rejected; it is planned because the policy does not require approved assets")]
                : []
        }
        return [Violation(code: .notApproved, severity: .error,
                          message: "the asset is \(approval), and the policy requires approved assets")]
    }

    /// Tags in `policy.blockedTags` (the manifest's and Cloudinary's, for every asset): an asset
    /// carrying one is an error, one violation naming them all.
    static func blockedTags(_ tags: [String], policy: CampaignPolicy) -> [Violation] {
        let hits = Array(Set(tags).intersection(policy.blockedTags ?? [])).sorted()
        guard !hits.isEmpty else { return [] }
        return [Violation(code: .blockedTag, severity: .error,
                          message: "the asset is tagged \(hits.map { "'\($0)'" }.joined(separator: ", ")), which the policy blocks")]
    }

    /// The source against the placement's minimum size.
    static func sourceSize(width: Int, height: Int, spec: PlannedPlacementSpec) -> [Violation] {
        var problems: [String] = []
        if let minimum = spec.minSourceWidth, width < minimum { problems.append("\(width) px wide (minimum \(minimum))") }
        if let minimum = spec.minSourceHeight, height < minimum { problems.append("\(height) px high (minimum \(minimum))") }
        guard !problems.isEmpty else { return [] }
        return [Violation(code: .sourceTooSmall, severity: .error,
                          message: "the source is \(problems.joined(separator: " and ")) for \(spec.name)")]
    }

    /// How much a `width` × `height` variant enlarges `crop`: the larger of the two ratios (a
    /// variant's `upscale`, and the upscaling message's factor).
    static func upscale(width: Int, height: Int?, crop: SourceRect) -> Double {
        max(Double(width) / Double(crop.width), Double(height ?? 0) / Double(crop.height))
    }

    /// Widths the crop has too few pixels for. The factor is the variant's `upscale`, to three
    /// decimals: found in QA, the message said ×6.39 where the plan and the report said 6.4.
    static func upscaling(crop: SourceRect, spec: PlannedPlacementSpec, policy: CampaignPolicy, ratio: AspectRatio? = nil) -> [Violation] {
        let rule: UpscalePolicy = policy.effectiveNeverUpscale ? .never : spec.upscale
        guard rule != .allow else { return [] }
        let largestWithout = spec.widths.filter { $0 <= crop.width }.max()
        return spec.widths.filter { $0 > crop.width }.map { width in
            let factor = upscale(width: width, height: ratio?.exactHeight(forWidth: width, window: (crop.width, crop.height)), crop: crop)
            var message = "\(width) px needs ×\(String(format: "%g", (factor * 1000).rounded() / 1000)) upscaling: the \(spec.aspectRatio) crop is "
                + "\(crop.width)×\(crop.height)"
            message += largestWithout.map { "; of this placement's widths, \($0) is the largest that needs none" }
                ?? "; every width of this placement needs upscaling"
            return Violation(code: .upscalingNeeded, severity: rule == .never ? .error : .warning, message: message,
                             width: width)
        }
    }

    /// A crop too small to have the placement's ratio: in a few pixels, rounding decides the
    /// shape (a 16:9 window of a 3 px wide source is 3×2), and every width is that shape.
    static func ratio(crop: SourceRect, spec: PlannedPlacementSpec) -> [Violation] {
        guard let ratio = AspectRatio(parsing: spec.aspectRatio), crop.width > 0, crop.height > 0 else { return [] }
        let actual = Double(crop.width) / Double(crop.height)
        let miss = ratio.miss(width: crop.width, height: crop.height)
        guard miss > AspectRatio.missTolerance else { return [] }
        return [Violation(code: .ratioInexact, severity: .warning,
                          message: "the \(spec.aspectRatio) crop of this source is \(crop.width)×\(crop.height) px, "
                            + String(format: "%.1f %% %@ than %@", miss * 100,
                                     actual < ratio.value ? "narrower" : "wider", spec.aspectRatio)
                            + ": the source is too small for the ratio")]
    }

    /// Predicted bytes against the placement's (or the policy's) budget.
    static func budget(variants: [PlannedVariant], spec: PlannedPlacementSpec) -> [Violation] {
        guard let budget = spec.byteBudget else { return [] }
        return variants.filter { $0.bytes > budget }.map { variant in
            Violation(code: .overBudget, severity: .error,
                      message: "\(variant.width) px is predicted at \(variant.bytes) bytes (\(variant.format) q\(variant.quality.map(String.init) ?? "-")), over the \(budget)-byte budget",
                      width: variant.width)
        }
    }

    /// The subject (all faces, or the opaque part of a cut-out) must lie inside the crop; when no
    /// window of the ratio can hold it, the fix is padding: crop to the subject, pad to the ratio.
    static func subjectFit(analysis: ImageAnalysis, crop: CropPlan, spec: PlannedPlacementSpec,
                           policy: CampaignPolicy) -> [Violation] {
        guard let subject = subject(of: analysis), !crop.rect.contains(subject) || crop.facesCut > 0 else { return [] }
        let what = analysis.faces.isEmpty ? "the subject" : analysis.faces.count == 1 ? "the face" : "the \(analysis.faces.count) faces"
        let window = subject.expanded(by: 0.1, within: analysis.bounds)
        let width = spec.widths.max() ?? window.width
        let suggestion = "\(window.cropComponent)/c_pad,ar_\(spec.aspectRatio),b_auto,w_\(width)"
        return [Violation(
            code: .subjectDoesNotFit, severity: policy.effectiveSubjectFit,
            message: "\(what) (\(subject.width)×\(subject.height) at \(subject.x),\(subject.y)) cannot fit a \(spec.aspectRatio) crop of this image (\(crop.facesKept) face(s) kept, \(crop.facesCut) cut); pad instead (explicit crop then c_pad, or c_fill_pad,g_auto)",
            suggestion: suggestion)]
    }

    /// An overlay's text as the fonts here draw it, against Cloudinary: a family drawn with a
    /// stand-in of other widths, or characters no font has (boxes in their place), make the
    /// overflow and face checks measure another text than the one delivered. Once per entry.
    static func overlayFonts(_ overlay: TextOverlay) throws -> [Violation] {
        let components = TextOverlayComponents.components(overlay, width: 1000)
        guard let layer = TextLayer.layers(in: try Transformation(parsing: components.joined(separator: "/"))).first,
              !layer.drawsNothing, let match = layer.fontMatch
        else { return [] }
        var violations: [Violation] = []
        if layer.fontDifference(match) == .standIn {
            violations.append(Violation(
                code: .fontSubstituted, severity: .warning,
                message: "the overlay's font \(layer.familyAsked) is not installed here: its text was measured in \(match.family), "
                    + "whose widths differ, so text-overflows and text-covers-face may be wrong; install the font to check it"))
        }
        if !match.missing.isEmpty {
            violations.append(Violation(
                code: .glyphsMissing, severity: .warning,
                message: "no font here has \(TextLayer.describe(missing: match.missing)) of the overlay: it was measured with boxes in "
                    + "their place, so text-overflows and text-covers-face may be wrong; install a font for its script to check it"))
        }
        return violations
    }

    /// Where a variant's text overlay lands, laid out as the render draws it: past the variant's
    /// edge (`text-overflows`, an error: Cloudinary widens the delivered image to hold a layer
    /// unless `fl_no_overflow` clips it, so the planned size and srcset would be wrong), or over
    /// a face kept in the crop (`text-covers-face`, a warning: the text's box and the face box's
    /// middle, a tenth in from each side, share at least a tenth of the smaller).
    /// - Parameter measuredOtherwise: The text was measured in a stand-in font or with boxes
    ///   (``overlayFonts(_:)``): an overflow is then a warning, not an error that blocks the
    ///   entry on a measurement known to be of another text.
    static func textOverlay(_ overlay: TextOverlay, variants: [PlannedVariant], crop: SourceRect,
                            faces: [DetectedFace], measuredOtherwise: Bool = false) throws -> [Violation] {
        var violations: [Violation] = []
        for variant in variants {
            let components = TextOverlayComponents.components(overlay, width: variant.width)
            guard let layer = TextLayer.layers(in: try Transformation(parsing: components.joined(separator: "/"))).first,
                  !layer.text.allSatisfy(\.isWhitespace)
            else { continue }
            let mask = try layer.mask(maxPixels: LoadOptions.defaultMaxPixels, input: components.joined(separator: "/"))
            let (left, top) = layer.position(of: (mask.width, mask.height), on: (variant.width, variant.height))
            let box = SourceRect(x: left, y: top, width: mask.width, height: mask.height)
            let quoted = "the text '\(overlay.text)' (\(layer.size) px)"
            if left < 0 || top < 0 || box.maxX > variant.width || box.maxY > variant.height {
                violations.append(Violation(
                    code: .textOverflows, severity: measuredOtherwise ? .warning : .error,
                    message: "\(quoted) is \(box.width)×\(box.height) px at \(left),\(top) and runs past the \(variant.width)×\(variant.height) variant: "
                        + "Cloudinary would widen the image to hold it (fl_no_overflow clips it instead); shorten it or lower its relativeSize"
                        + (measuredOtherwise ? " (measured in another font or with boxes here, see font-substituted or glyphs-missing: a warning, not an error)" : ""),
                    width: variant.width))
            }
            let scale = Double(variant.width) / Double(crop.width)
            for face in faces {
                // The box's middle: boxes run ear to ear and forehead to chin, so their edges
                // are hair, hat and background as often as face.
                let f = face.box, insetX = f.width / 10, insetY = f.height / 10
                let middle = SourceRect(x: f.x + insetX, y: f.y + insetY, width: f.width - 2 * insetX, height: f.height - 2 * insetY)
                guard let inside = middle.intersection(crop) else { continue }
                let scaled = SourceRect(x: Int((Double(inside.x - crop.x) * scale).rounded()),
                                        y: Int((Double(inside.y - crop.y) * scale).rounded()),
                                        width: max(1, Int((Double(inside.width) * scale).rounded())),
                                        height: max(1, Int((Double(inside.height) * scale).rounded())))
                // A tenth of the smaller box: small text across a large face counts, and so does
                // a large text over a small face; a box's loose edge grazing the other does not.
                guard let covered = scaled.intersection(box), covered.area * 10 >= min(scaled.area, box.area) else { continue }
                violations.append(Violation(
                    code: .textCoversFace, severity: .warning,
                    message: "\(quoted) lies over a face (its middle: \(scaled.width)×\(scaled.height) at \(scaled.x),\(scaled.y) in the variant, \(covered.area * 100 / scaled.area) % of it covered); "
                        + "place it with another gravity",
                    width: variant.width))
                break
            }
        }
        return violations
    }

    /// What must stay whole: the union of the faces; else the opaque content of a cut-out; else nothing.
    static func subject(of analysis: ImageAnalysis) -> SourceRect? {
        if let first = analysis.faces.first {
            return analysis.faces.dropFirst().reduce(first.box) { $0.union($1.box) }
        }
        if analysis.hasAlpha, let opaque = analysis.opaqueBounds, opaque != analysis.bounds {
            return opaque
        }
        return nil
    }
}
