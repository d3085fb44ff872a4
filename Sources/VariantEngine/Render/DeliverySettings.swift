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
    var progressive = false
    /// `fl_png8`: palette PNG.
    var palette = false
    /// `q_N:444`: full-resolution chroma.
    var fullChroma = false
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
                    let parts = parameter.rawValue.split(separator: ":", omittingEmptySubsequences: false)
                    if parts.first == "auto" {
                        quality = .auto(level: parts.count > 1 ? String(parts[1]) : "good")
                    } else if let q = Int(parts.first ?? "") {
                        quality = .fixed(q)
                        fullChroma = parts.count > 1 && parts[1] == "444"
                    } else {
                        notRendered.append("q_\(parameter.rawValue)")
                    }
                case "fl":
                    for flag in parameter.rawValue.split(separator: ".") {
                        switch flag {
                        case "progressive", "progressive:semi", "progressive:steep": progressive = true
                        case "png8": palette = true
                        default: break
                        }
                    }
                default:
                    break
                }
            }
        }
    }
}

extension Optional where Wrapped == DeliverySettings.QualityChoice {
    /// True for `q_auto` and its levels.
    var isAuto: Bool {
        if case .auto? = self { return true }
        return false
    }
}
