import Foundation
import CloudinaryTransform
import VipsCore

/// The HTML report of a plan: one self-contained page (no external requests), a contact sheet
/// per asset with every placement's crop, the faces and the focal point drawn over a small
/// inlined JPEG (an SVG overlay in source coordinates), the decisions table, and violations
/// highlighted (errors red, warnings amber).
///
/// Next to it, each crop as it will look (the same thumbnail, scaled and shifted with CSS).
/// A thumbnail is inlined once per distinct source, as a CSS class (`src-` and the content hash)
/// every picture of it uses: 20,000 entries of one photo had it inlined 40,000 times (578 MB).
/// Elements carry classes tests rely on: `.asset` per planned asset, `rect.crop` per
/// placement crop (`data-placement`), `div.preview` per crop preview (with `svg.text-overlay` where the
/// variant has text), `circle.focal`, `rect.face`, `tr.variant`, `.violation.error`,
/// `.violation.warning`, `.asset-failed`, `nav.index` with `li.error` and `li.warning` links to
/// the assets that need attention.
enum ContactSheet {
    /// Longest side of the inlined thumbnails.
    static let thumbnailSide = 360
    static let colours = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324"]

    /// - Parameter cancellation: Checked between assets and passed to each thumbnail's decode.
    static func html(_ plan: Plan, baseDirectory: String, cachePath: String?, cancellation: CancellationFlag? = nil) throws -> String {
        let cache = try cachePath.map { try PlanCache(path: $0) } ?? PlanCache.temporary()
        var inlined: Set<String> = []
        // One rule per thumbnail, all in the head: a <style> element in the body is not HTML.
        var thumbnails = ""
        var body = ""
        for asset in plan.assets {
            try cancellation?.check()
            body += section(asset, plan: plan, baseDirectory: baseDirectory, cache: cache, inlined: &inlined, styles: &thumbnails,
                            cancellation: cancellation)
        }
        try cancellation?.check()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(plan.campaign)): variant plan</title>
            <style>\(style)</style>\(thumbnails.isEmpty ? "" : "\n<style>\(thumbnails)</style>")</head><body>
            <header><h1>\(escape(plan.campaign))</h1>
            <p class="summary">cloud <b>\(escape(plan.cloudName))</b> · \(Wording.counted(plan.summary.assets, "asset")) · \(Wording.counted(plan.summary.variants, "variant")) ·
            predicted \(kilobytes(plan.summary.predictedBytes)) · <span class="\(plan.summary.errors > 0 ? "bad" : "good")">\(Wording.counted(plan.summary.errors, "error"))</span> ·
            \(Wording.counted(plan.summary.warnings, "warning")) · \(plan.summary.failedAssets) failed · \(escape(decisionWords(plan.settings))) · engine \(escape(plan.engineVersion))\(plan.shard.map { " · shard \($0)" } ?? "")</p>
            <p class="legend">\(plan.placements.enumerated().map { i, p in
                "<span style=\"border-color:\(colour(i))\">\(escape(p.name)) \(escape(p.aspectRatio))</span>"
            }.joined(separator: " "))</p></header>
            \(index(plan))\(body)</body></html>

            """
    }

    /// What needs attention first: every asset with an error (a failed one included), then every
    /// one with only warnings, each a link to its section with its counts; a campaign of
    /// thousands of assets is otherwise a long scroll to find the three that block it.
    static func index(_ plan: Plan) -> String {
        let flagged = plan.assets.compactMap { asset -> (asset: PlannedAsset, errors: Int, warnings: Int)? in
            let all = asset.violations + asset.placements.flatMap(\.violations)
            let errors = max(all.filter { $0.severity == .error }.count, asset.error == nil ? 0 : 1)
            let warnings = all.filter { $0.severity == .warning }.count
            return errors + warnings == 0 ? nil : (asset, errors, warnings)
        }
        guard !flagged.isEmpty else {
            return "<nav class=\"index\"><p class=\"good\">Nothing needs attention: no errors, no warnings.</p></nav>\n"
        }
        let ordered = flagged.filter { $0.errors > 0 } + flagged.filter { $0.errors == 0 }
        let items = ordered.map { entry in
            let fragment = entry.asset.id.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? entry.asset.id
            let counts = [entry.errors > 0 ? Wording.counted(entry.errors, "error") : nil,
                          entry.warnings > 0 ? Wording.counted(entry.warnings, "warning") : nil].compactMap { $0 }
            return "<li class=\"\(entry.errors > 0 ? "error" : "warning")\"><a href=\"#\(escape(fragment))\"><bdi>\(escape(entry.asset.id))</bdi></a> "
                + "\(counts.joined(separator: ", "))</li>"
        }
        let errors = ordered.filter { $0.errors > 0 }.count
        return "<nav class=\"index\"><h2>Needs attention: \(Wording.counted(errors, "asset")) with errors, "
            + "\(ordered.count - errors) with warnings only</h2>\n<ul>\(items.joined(separator: "\n"))</ul></nav>\n"
    }

    /// - Parameters:
    ///   - inlined: The thumbnail classes already in the page.
    ///   - styles: The CSS rules of the page's thumbnails, for its head.
    static func section(_ asset: PlannedAsset, plan: Plan, baseDirectory: String, cache: PlanCache?,
                        inlined: inout Set<String>, styles: inout String, cancellation: CancellationFlag? = nil) -> String {
        let failed = asset.error != nil
        var out = "<section class=\"asset\(failed ? " asset-failed" : "")\" id=\"\(escape(asset.id))\">\n"
        out += "<h2><bdi>\(escape(asset.id))</bdi></h2>\n<p class=\"meta\">"
        // A swap delivers another public id than its entry's name says (found in review: it
        // showed only in the links).
        if asset.baseAsset != nil, !asset.id.hasPrefix(asset.publicId + "@") {
            out += "delivers <bdi>\(escape(asset.publicId))</bdi> · "
        }
        out += escape(asset.path)
        if let source = asset.source {
            out += " · \(source.width)×\(source.height) \(escape(source.format)) · \(escape(source.contentClass)) · \(asset.faces.count) face(s)"
            out += " · sha256 <code>\(source.contentHash.prefix(12))</code>"
        }
        if let locale = asset.locale { out += " · locale \(escape(locale))" }
        if let region = asset.region { out += " · region \(escape(region))" }
        if let text = asset.overlayText { out += " · overlay “\(escape(text))”" }
        out += " · \(escape(asset.approval))</p>\n"
        out += violations(asset.violations, context: nil)

        if let source = asset.source {
            out += "<div class=\"sheet\">\n<figure class=\"overview\">"
            // As wide as the thumbnail is (a portrait one was shown at 360 px wide, enlarged), in
            // fractions of a pixel: a 1×20000 source rounded up to 1 px wide was 20000 px tall.
            let frameWidth = source.width >= source.height ? Double(thumbnailSide)
                : Double(thumbnailSide) * Double(source.width) / Double(source.height)
            out += "<div class=\"frame\" style=\"aspect-ratio:\(source.width)/\(source.height);width:\(format(frameWidth))px\">"
            let thumbnailData = thumbnail(asset, baseDirectory: baseDirectory, cache: cache, cancellation: cancellation)
            let picture = "src-" + source.contentHash.prefix(16).filter { $0.isHexDigit }
            if let jpeg = thumbnailData {
                if inlined.insert(picture).inserted {
                    styles += ".\(picture){background-image:url(data:image/jpeg;base64,\(jpeg.base64EncodedString()))}\n"
                }
                out += "<div class=\"photo \(picture)\" role=\"img\" aria-label=\"\(XMLText.escaped(asset.alt ?? asset.id))\"></div>"
            }
            out += "<svg viewBox=\"0 0 \(source.width) \(source.height)\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">"
            // Line widths and the focal point's size in screen pixels of the drawn thumbnail (its
            // longer side is 360 px), whatever the source's size: fixed minimums in source pixels
            // covered a 24 px icon with a 150 px disc (found in QA).
            let unit = Double(max(source.width, source.height)) / Double(thumbnailSide)
            let stroke = format(2.4 * unit), dash = format(4.8 * unit)
            for face in asset.faces {
                out += "<rect class=\"face\" x=\"\(face.x)\" y=\"\(face.y)\" width=\"\(face.width)\" height=\"\(face.height)\" fill=\"none\" stroke=\"#ffffff\" stroke-dasharray=\"\(dash)\" stroke-width=\"\(stroke)\"/>"
            }
            for placement in asset.placements {
                let index = plan.placements.firstIndex { $0.name == placement.placement } ?? 0
                let c = placement.crop
                out += "<rect class=\"crop\" data-placement=\"\(escape(placement.placement))\" x=\"\(c.x)\" y=\"\(c.y)\" width=\"\(c.width)\" height=\"\(c.height)\" fill=\"none\" stroke=\"\(colour(index))\" stroke-width=\"\(stroke)\"><title>\(escape(placement.placement)) \(escape(placement.aspectRatio)): \(escape(placement.cropTransformation))</title></rect>"
            }
            if let focal = asset.focalPoint {
                out += "<circle class=\"focal\" cx=\"\(focal.x)\" cy=\"\(focal.y)\" r=\"\(format(6 * unit))\" fill=\"#ffeb3b\" stroke=\"#000\" stroke-width=\"\(format(1.5 * unit))\"><title>focal point (\(escape(focal.origin)), weight \(focal.weight))</title></circle>"
            }
            out += "</svg></div><figcaption>crops, faces (dashed) and focal point (yellow)</figcaption></figure>\n"
            if thumbnailData != nil {
                // Each crop as it will look: the one inlined thumbnail, scaled and shifted by CSS.
                for placement in asset.placements {
                    let c = placement.crop
                    let sizeX = 100 * Double(source.width) / Double(max(1, c.width))
                    let sizeY = 100 * Double(source.height) / Double(max(1, c.height))
                    let posX = source.width > c.width ? 100 * Double(c.x) / Double(source.width - c.width) : 0
                    let posY = source.height > c.height ? 100 * Double(c.y) / Double(source.height - c.height) : 0
                    out += "<figure class=\"crop-preview\"><div class=\"preview \(picture)\" data-placement=\"\(escape(placement.placement))\" style=\"aspect-ratio:\(c.width)/\(c.height);background-size:\(format(sizeX))% \(format(sizeY))%;background-position:\(format(posX))% \(format(posY))%\">"
                    out += textOverlay(placement.variants.first) + "</div>"
                    out += "<figcaption>\(escape(placement.placement)) \(escape(placement.aspectRatio))</figcaption></figure>"
                }
                out += "\n"
            }
            out += "</div>\n"
        }

        if !asset.placements.isEmpty {
            // In a box of its own that scrolls: its columns need about 760 px, more than a phone has.
            out += "<div class=\"table-scroll\"><table class=\"decisions\"><thead><tr><th>placement</th><th>crop</th><th>score</th><th>width</th><th>size</th><th>format</th><th>q</th><th>bytes</th><th>SSIMULACRA2</th><th>transformation</th></tr></thead><tbody>\n"
            for placement in asset.placements {
                let index = plan.placements.firstIndex { $0.name == placement.placement } ?? 0
                let flagged = Dictionary(grouping: placement.violations.filter { $0.width != nil }, by: { $0.width! })
                let rows = max(1, placement.variants.count)
                for (k, variant) in placement.variants.enumerated() {
                    let severity = flagged[variant.width]?.map(\.severity).min()
                    out += "<tr class=\"variant\(severity.map { " flag-\($0.rawValue)" } ?? "")\">"
                    if k == 0 {
                        let c = placement.crop
                        out += "<td rowspan=\"\(rows)\"><span class=\"swatch\" style=\"background:\(colour(index))\"></span>\(escape(placement.placement)) \(escape(placement.aspectRatio))</td>"
                        out += "<td rowspan=\"\(rows)\">\(c.width)×\(c.height)+\(c.x)+\(c.y)</td><td rowspan=\"\(rows)\">\(placement.score)</td>"
                    }
                    out += "<td>\(variant.width)</td><td>\(variant.width)×\(variant.height)\(variant.upscale.map { " <b class=\"up\">↑×\($0)</b>" } ?? "")</td>"
                    out += "<td>\(escape(variant.format))</td><td>\(variant.quality.map(String.init) ?? "–")</td><td>\(variant.bytes)</td>"
                    out += "<td>\(variant.ssimulacra2.map { String(format: "%.1f", $0) } ?? "–")</td>"
                    out += "<td><a href=\"\(escape(variant.url))\"><code>\(escape(variant.transformation))</code></a></td></tr>\n"
                }
                if placement.variants.isEmpty {
                    out += "<tr class=\"variant\"><td>\(escape(placement.placement))</td><td colspan=\"9\">no variant</td></tr>\n"
                }
                if !placement.violations.isEmpty {
                    out += "<tr class=\"violations\"><td colspan=\"10\">\(violations(placement.violations, context: placement.placement))</td></tr>\n"
                }
            }
            out += "</tbody></table></div>\n"
        }
        out += "</section>\n"
        return out
    }

    /// The variant's text overlay, where the render draws it: its box and its words over the
    /// crop preview, in the variant's pixels (the preview is the variant scaled), or nothing.
    static func textOverlay(_ variant: PlannedVariant?) -> String {
        guard let variant, let transformation = try? Transformation(parsing: variant.transformation),
              let layer = TextLayer.layers(in: transformation).first,
              !layer.text.allSatisfy(\.isWhitespace),
              let mask = try? layer.mask(maxPixels: LoadOptions.defaultMaxPixels, input: variant.transformation)
        else { return "" }
        let (x, y) = layer.position(of: (mask.width, mask.height), on: (variant.width, variant.height))
        let c = layer.colour
        let fill = String(format: "#%02x%02x%02x", c.red, c.green, c.blue)
        var out = "<svg class=\"text-overlay\" viewBox=\"0 0 \(variant.width) \(variant.height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(mask.width)\" height=\"\(mask.height)\" fill=\"none\" stroke=\"#ff00ff\" stroke-width=\"\(max(1, variant.width / 150))\"/>"
        // The words as the render draws them (a bidirectional override obeyed, not spelled out:
        // this is a picture of the variant, set apart from the page's running text).
        // One line of SVG text per line of the overlay (found in QA: SVG drew "A\nB" as one
        // squeezed line where the render draws two); a lone line fills the box's width.
        let lines = layer.text.split(separator: "\n", omittingEmptySubsequences: false)
        let attributes = "font-family=\"Arial, Liberation Sans, sans-serif\" font-size=\"\(layer.size)\" fill=\"\(fill)\" opacity=\"\(format(layer.opacity / 100))\""
        if lines.count == 1 {
            out += "<text x=\"\(x)\" y=\"\(y + mask.height)\" textLength=\"\(mask.width)\" lengthAdjust=\"spacingAndGlyphs\" \(attributes)>\(XMLText.escaped(layer.text))</text>"
        } else {
            let lineHeight = Double(mask.height) / Double(lines.count)
            out += "<text \(attributes)>" + lines.enumerated().map { i, line in
                "<tspan class=\"line\" x=\"\(x)\" y=\"\(format(Double(y) + lineHeight * Double(i + 1)))\">\(XMLText.escaped(String(line)))</tspan>"
            }.joined() + "</text>"
        }
        out += "<title>text overlay \(mask.width)×\(mask.height) at \(x),\(y) in the \(variant.width) px variant</title></svg>"
        return out
    }

    static func violations(_ list: [Violation], context: String?) -> String {
        guard !list.isEmpty else { return "" }
        var out = "<ul class=\"violations\">"
        for v in list {
            out += "<li class=\"violation \(v.severity.rawValue)\"><b>\(v.severity.rawValue)</b> <code>\(escape(v.code.rawValue))</code>"
            if let context { out += " \(escape(context))" }
            out += ": \(escape(v.message))"
            if let suggestion = v.suggestion { out += " → <code>\(escape(suggestion))</code>" }
            out += "</li>"
        }
        return out + "</ul>"
    }

    /// A small JPEG of the source (flattened on white), cached by content hash.
    static func thumbnail(_ asset: PlannedAsset, baseDirectory: String, cache: PlanCache?,
                          cancellation: CancellationFlag? = nil) -> Data? {
        guard let source = asset.source else { return nil }
        let key = PlanCache.key([source.contentHash, "thumbnail", String(thumbnailSide)])
        if let data = cache?.data(.thumbnails, key: key) { return data }
        let path = asset.path.hasPrefix("/") ? asset.path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(asset.path).path
        guard let image = try? Image.thumbnail(path: path, width: thumbnailSide,
                                               options: ThumbnailOptions(height: thumbnailSide, size: .downOnly),
                                               cancellation: cancellation?.vips) else {
            return nil
        }
        var upright = (try? image.toSRGB()) ?? image
        if upright.hasAlpha, let flat = try? upright.flattened(background: [255, 255, 255]) { upright = flat }
        guard let data = try? upright.encoded(as: .jpeg(JPEGOptions(quality: 70))) else { return nil }
        cache?.store(.thumbnails, key: key, data: data)
        return data
    }

    static func format(_ value: Double) -> String { String(format: "%.3f", value) }

    static func colour(_ index: Int) -> String { colours[index % colours.count] }

    /// How the formats and qualities were decided, for the summary line: the table's empty
    /// SSIMULACRA2 column needs the reason beside it.
    static func decisionWords(_ settings: PlanSettings?) -> String {
        guard let settings else { return "how decided not recorded" }
        let how = switch settings.decisions {
        case .optimize: "decided by SSIMULACRA2 search"
        case .fixedQuality: "fixed quality per level, unscored"
        }
        return how + (settings.avifEffort.map { ", AVIF effort \($0)" } ?? "")
    }

    /// Bytes for people: MB from a tenth of one, kB below (a small plan said "0.0 MB").
    static func kilobytes(_ bytes: Int) -> String {
        bytes >= 100_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000) : String(format: "%.1f kB", Double(bytes) / 1_000)
    }

    static func escape(_ text: String) -> String { XMLText.escapedForReading(text) }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0 24px 48px;color:#222;background:#fafafa}
        header{position:sticky;top:0;background:#fafafa;padding:8px 0;border-bottom:1px solid #ddd;z-index:2}
        h1{margin:8px 0 4px;font-size:22px} h2{font-size:17px;margin:0 0 4px}
        h1,.summary,figcaption,.decisions td:first-child{overflow-wrap:anywhere}
        .summary .bad{color:#c62828;font-weight:bold} .summary .good{color:#2e7d32}
        .legend{white-space:nowrap;overflow-x:auto;margin:4px 0}
        .legend span{display:inline-block;border-left:6px solid;padding:0 8px;margin-right:6px;background:#fff}
        .asset{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:16px 0}
        .asset-failed{border-color:#c62828;background:#fff5f5}
        .meta{color:#555;margin:0 0 8px}
        .sheet{display:flex;gap:16px;flex-wrap:wrap}
        figure{margin:0;min-width:0;max-width:100%} figcaption{color:#666;font-size:12px}
        .frame{position:relative;width:360px;max-width:100%;background:#eee}
        .frame .photo,.frame svg{position:absolute;inset:0;width:100%;height:100%;display:block}
        .photo{background-size:100% 100%;background-repeat:no-repeat}
        table{border-collapse:collapse;margin-top:10px;width:100%;font-size:12.5px}
        th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#f3f3f3} code{font-size:11.5px;word-break:break-all}
        .swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
        tr.flag-error td{background:#ffebee} tr.flag-warning td{background:#fff8e1}
        .up{color:#bf360c}
        .sheet{align-items:flex-end} .crop-preview{width:150px}
        .preview{width:150px;background-repeat:no-repeat;background-color:#eee;outline:1px solid #ccc;position:relative}
        .preview .text-overlay{position:absolute;inset:0;width:100%;height:100%;display:block}
        ul.violations{margin:4px 0;padding-left:18px}
        .violation.error{color:#b71c1c} .violation.warning{color:#8d6e00}
        .asset{scroll-margin-top:200px}
        .table-scroll{overflow-x:auto;max-width:100%}
        tr.violations ul.violations{position:sticky;left:6px;max-width:calc(100vw - 110px);box-sizing:border-box}
        h2,.meta,.index a{overflow-wrap:anywhere}
        @media (max-width:900px){header{position:static}.asset{scroll-margin-top:8px}}
        @media print{*{-webkit-print-color-adjust:exact;print-color-adjust:exact}header{position:static}}
        .index{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px;margin:16px 0}
        .index ul{columns:3 260px;margin:4px 0;padding-left:18px} .index li.error a{color:#b71c1c;font-weight:bold}
        .index li.warning a{color:#8d6e00} .index .good{color:#2e7d32;margin:0}
        """
}
