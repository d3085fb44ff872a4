import CloudinaryTransform
import VipsCore

/// The delivery-wide choices a transformation makes: format, quality and encoder flags.
/// The last `f_` / `q_` in the chain wins, as on Cloudinary.
struct DeliverySettings: Sendable, Equatable {
    enum FormatChoice: Equatable, Sendable {
        case fixed(ImageFormat)
        case auto
    }

    enum QualityChoice: Equatable, Sendable {
        case fixed(Int)
        case auto(level: String)
    }


    var format: FormatChoice?
    var quality: QualityChoice?
    /// `q_auto:…:sensitive`: a little above the level (TR: `q_auto:good:sensitive` lies between
    /// `good` and `best`).
    var sensitive = false
    /// `fl_progressive[:semi|:steep]` true, `fl_progressive:none` false; nil: the default, which
    /// TR gives as progressive with q_auto and baseline with a numeric quality.
    var progressive: Bool?
    /// `fl_png8`: palette PNG.
    var palette = false
    /// `fl_any_format`: q_auto may switch a PNG to palette PNG.
    var anyFormat = false
    /// `fl_lossy`: a PNG without an alpha channel is delivered as JPEG.
    var lossy = false
    /// `q_N:420` forces 4:2:0, `q_N:444` prevents it.
    var chroma: ChromaSubsampling?
    var notRendered: [String] = []

    init(_ transformation: Transformation) {
        for component in transformation.components {
            for parameter in component.parameters {
                switch parameter.key {
                case "f":
                    if parameter.rawValue == "auto" || parameter.rawValue.hasPrefix("auto:") {
                        format = .auto
                    } else if let f = ImageFormat(name: parameter.rawValue) {
                        format = .fixed(f)
                    } else {
                        notRendered.append("f_\(parameter.rawValue)")
                    }
                case "q":
                    let parts = parameter.rawValue.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    if parts.first == "auto" {
                        sensitive = parts.last == "sensitive" && parts.count > 1
                        let level = parts.count > 1 && parts[1] != "sensitive" ? parts[1] : "good"
                        quality = .auto(level: level)
                    } else if let q = Int(parts.first ?? "") {
                        quality = .fixed(q)
                        chroma = parts.count > 1 ? (parts[1] == "444" ? .off : parts[1] == "420" ? .on : nil) : nil
                        // libvips writes 4:2:0 or 4:4:4, not 4:2:2 (found in review: q_80:422 was
                        // written 4:2:0 without a word).
                        if parts.count > 1, chroma == nil { notRendered.append("the :\(parts[1]) chroma of q_\(parameter.rawValue)") }
                    } else {
                        notRendered.append("q_\(parameter.rawValue)")
                    }
                case "fl":
                    for flag in parameter.rawValue.split(separator: ".") {
                        switch flag {
                        case "progressive": progressive = true
                        case "progressive:semi", "progressive:steep":
                            // Cloudinary's own scan scripts; libjpeg writes its standard one (found
                            // in review: the same 10 scans as plain fl_progressive, without a word).
                            progressive = true
                            notRendered.append("the scan script of fl_\(flag) (written with libjpeg's standard progression)")
                        case "progressive:none": progressive = false
                        case "png8": palette = true
                        case "any_format": anyFormat = true
                        case "lossy": lossy = true
                        default: break
                        }
                    }
                default:
                    break
                }
            }
        }
    }

    /// The score target for `q_auto`'s level: the level's, raised by 4 with `:sensitive` (the
    /// documented sizes put `low:sensitive` about two fifths of the way from `low` to `eco`,
    /// whose targets are 10 apart).
    var autoTarget: Double? {
        guard case .auto(let level) = quality else { return nil }
        return (QualityLevel(cloudinary: level) ?? .good).defaultTarget + (sensitive ? 4 : 0)
    }

    /// `fl_lossy`'s switch: PNG to JPEG for an image without an alpha channel.
    func lossyFormat(_ format: ImageFormat, hasAlpha: Bool) -> ImageFormat {
        lossy && format == .png && !hasAlpha ? .jpeg : format
    }
}

extension Optional where Wrapped == DeliverySettings.QualityChoice {
    /// True for `q_auto` and its levels.
    var isAuto: Bool {
        if case .auto? = self { return true }
        return false
    }
}
