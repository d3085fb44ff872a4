/// The grammar of a parameter's value; the validator has one checker per case.
public enum ValueGrammar: String, Sendable, Hashable, CaseIterable {
    case size, coordinate, angle, aspectRatio, opacity, quality, dpr, zoom, radius
    case cropMode, gravity, format, flags, effect, color, background, border
    case offset, duration, keyframeInterval, integer, audioFrequency, bitRate, videoSampling, fps, page
    case audioCodec, videoCodec, colorSpace, streamingProfile
    case condition, layer, publicID, namedTransformation, customFunction, name
}

/// Which resource types a parameter applies to.
public enum Applicability: String, Sendable, Hashable {
    case image, video, both

    /// Whether the parameter applies to this kind of asset.
    public func includes(_ kind: MediaKind) -> Bool {
        switch self {
        case .both: true
        case .image: kind == .image
        case .video: kind == .video
        }
    }
}

/// The declaration of one parameter: everything the parser, validator, printer and `--help` know.
public struct ParameterSpec: Sendable, Hashable {
    public let key: ParameterKey
    /// The name the docs use ("width", "crop/resize").
    public let name: String
    /// The option of the official SDKs that produces this key.
    public let sdkOption: String
    public let grammar: ValueGrammar
    /// The value grammar for people: `int px | decimal (relative) | auto[:step[:max]] | expression`.
    public let syntax: String
    /// The documented numeric range, when there is one.
    public let range: ClosedRange<Double>?
    public let appliesTo: Applicability
    /// For qualifiers: the keys at least one of which must be in the same component for this one
    /// to have an effect (empty for actions and for parameters that stand alone).
    public let qualifies: [ParameterKey]
    /// Other combination rules, in words (also enforced by the validator where it says so).
    public let combinations: String
    /// The docs page that defines it.
    public let docs: String
    public let examples: [String]
}

/// The hot fields of a ``ParameterSpec``, derived from the table.
struct FastSpec: Sendable {
    let grammar: ValueGrammar
    let appliesTo: Applicability
    let hasRange: Bool
    let low: Double
    let high: Double
}

/// The single table of parameters. The parser recognises these keys, the validator checks their
/// values and combinations, the printer orders them, and `variant validate --help` lists them.
public enum ParameterTable {
    static let reference = "Transformation URL API reference"

    /// Every parameter, in canonical (ASCII) order of the key.
    public static let all: [ParameterSpec] = [
        spec(
            .a, "angle", "angle", .angle,
            "degrees | auto_right | auto_left | ignore | vflip | hflip, `.`-separated",
            examples: ["a_90", "a_-20", "a_vflip.hflip"]),
        spec(
            .ac, "audio codec", "audio_codec", .audioCodec, "aac | mp3 | vorbis | opus | none", media: .video,
            examples: ["ac_aac"]),
        spec(
            .af, "audio frequency", "audio_frequency", .audioFrequency,
            "8000 | 11025 | 16000 | 22050 | 32000 | 37800 | 44056 | 44100 | 47250 | 48000 | 88200 | 96000 | 176400 | 192000 | iaf",
            media: .video, examples: ["af_44100"]),
        spec(
            .ar, "aspect ratio", "aspect_ratio", .aspectRatio, "<w>:<h> | decimal | expression",
            range: 0.000_001...1e9,
            qualifies: [.c, .l, .u, .w, .h], combinations: "qualifies a crop or resize",
            examples: ["ar_16:9", "ar_1.5"]),
        spec(
            .b, "background", "background", .background,
            "colour | auto[:border|predominant|border_contrast|predominant_contrast|…_gradient[:n[:dir]]] | blurred[:intensity[:brightness]] | gen_fill[:…]",
            examples: ["b_white", "b_rgb:ffcc00", "b_auto:predominant"]),
        spec(
            .bl, "baseline", "(raw only)", .name, "name of a named transformation to use as baseline",
            media: .image,
            examples: ["bl_thumbnail"]),
        spec(.bo, "border", "border", .border, "<width>px_solid_<colour>", examples: ["bo_5px_solid_black"]),
        spec(
            .br, "bit rate", "bit_rate", .bitRate, "int | <n>k | <n>m [:constant]", media: .video,
            examples: ["br_2m", "br_500k:constant"]),
        spec(
            .c, "crop/resize", "crop", .cropMode,
            "crop mode: " + Vocabulary.cropModes.joined(separator: " | "),
            combinations:
                "needs w, h or ar; g_auto only with fill, lfill, fill_pad, thumb, crop, auto; fill_pad and auto_pad need g_auto",
            docs: "Image crop modes", examples: ["c_fill", "c_pad"]),
        spec(
            .co, "colour", "color", .color, "named colour | rgb:<3|4|6|8 hex digits>",
            qualifies: [.l, .u, .e],
            combinations: "qualifies text layers and colour effects", examples: ["co_rgb:ff0000", "co_white"]),
        spec(
            .cs, "colour space", "color_space", .colorSpace,
            "srgb | tinysrgb | cmyk | no_cmyk | keep_cmyk | copy | icc:<public_id>",
            media: .image, examples: ["cs_srgb"]),
        spec(
            .d, "default image", "default_image", .publicID, "public id with extension (folders with `:`)",
            media: .image,
            examples: ["d_avatar.png"]),
        spec(
            .dl, "delay", "delay", .integer, "milliseconds between frames", range: 0...1e9, media: .image,
            examples: ["dl_100"]),
        spec(
            .dn, "density", "density", .integer, "dpi for vector and PDF sources", range: 1...1e6,
            media: .image,
            examples: ["dn_300"]),
        spec(
            .dpr, "device pixel ratio", "dpr", .dpr, "positive decimal | auto", range: 0.000_001...1e6,
            combinations:
                "needs w or h in the transformation (dpr is delivery-wide; a later dpr_ component scales earlier sizes)",
            examples: ["dpr_2.0", "dpr_auto"]),
        spec(
            .du, "duration", "duration", .duration, "seconds | <n>p (percent) | expression", range: 0...1e9,
            media: .video,
            examples: ["du_10", "du_35p"]),
        spec(
            .e, "effect", "effect", .effect, "<name>[:<value>[:<value>…]]",
            docs: "Transformation URL API reference: e (effect)",
            examples: ["e_sepia:50", "e_outline:outer:15:200"]),
        spec(
            .eo, "end offset", "end_offset", .offset, "seconds | <n>p | expression", range: 0...1e9,
            media: .video,
            examples: ["eo_90p", "eo_3.5"]),
        spec(
            .f, "format", "fetch_format", .format, "auto | a format extension",
            combinations: "deliver f_auto in its own component, apart from q_auto",
            examples: ["f_auto", "f_webp"]),
        spec(
            .fl, "flag", "flags", .flags, "flag[:argument], `.`-separated",
            examples: ["fl_progressive:semi", "fl_layer_apply.relative"]),
        spec(
            .fn, "custom function", "custom_function", .customFunction,
            "[pre:]wasm:<public_id> | [pre:]remote:<base64url>",
            media: .image, examples: ["fn_wasm:blur.wasm"]),
        spec(
            .fps, "frames per second", "fps", .fps, "n | <min>-<max> | <min>- | -<max>", range: 0...1e4,
            media: .video,
            examples: ["fps_24-30", "fps_25"]),
        spec(
            .g, "gravity", "gravity", .gravity,
            "compass | xy_center | face[s][:center] | custom[:face…] | auto[:subject|classic|<focal>[_<weight>|_avoid]…] | ocr_text …",
            qualifies: [.c, .l, .u, .x, .y, .e, .r, .fl],
            combinations: "auto only with a crop mode that accepts it; not for layer placement",
            docs: "Automatic gravity for image crops", examples: ["g_auto", "g_north_east", "g_auto:face"]),
        spec(
            .h, "height", "height", .size, "int px | decimal (relative) | oh | expression", range: 0...1e9,
            examples: ["h_300", "h_0.5"]),
        spec(
            .if, "condition", "if", .condition, "<operand>_<op>_<operand> joined by _and_/_or_ | else | end",
            combinations: "always first in its component; if_ needs if_end (or is inline with its action)",
            docs: "Transformation rules", examples: ["if_w_gt_400", "if_end"]),
        spec(
            .ki, "keyframe interval", "keyframe_interval", .keyframeInterval, "positive seconds",
            range: 0.000_001...1e6,
            media: .video, examples: ["ki_2.0"]),
        spec(
            .l, "overlay", "overlay", .layer,
            "<public_id> (folders `:`) | <resource_type>:<id> | text:<style>:<text> | subtitles:… | fetch:<base64url>",
            combinations: "closed by a component with fl_layer_apply",
            examples: ["l_logo", "l_text:Arial_40:Hi"]),
        spec(.o, "opacity", "opacity", .opacity, "0–100 | expression", range: 0...100, examples: ["o_50"]),
        spec(.p, "prefix", "prefix", .name, "CSS class prefix for sprites", examples: ["p_fancy"]),
        spec(
            .pg, "page", "page", .page, "n | a-b | a;b | n- | name:<layer> | embedded:<n>", media: .image,
            examples: ["pg_2", "pg_2-4"]),
        spec(
            .q, "quality", "quality", .quality,
            "1–100[:chroma 420|444] | auto[:best|good|eco|low] | jpegmini[:0|1|2]",
            range: 1...100, examples: ["q_auto:eco", "q_80"]),
        spec(
            .r, "radius", "radius", .radius, "px | max | 1–4 values `:`-separated", range: 0...1e6,
            examples: ["r_max", "r_10:20"]),
        spec(
            .so, "start offset", "start_offset", .offset, "seconds | <n>p | auto | expression",
            range: 0...1e9, media: .video,
            examples: ["so_2.5", "so_auto"]),
        spec(
            .sp, "streaming profile", "streaming_profile", .streamingProfile,
            "4k | full_hd | hd | sd | full_hd_wifi | full_hd_lean | hd_lean | auto | custom name",
            media: .video,
            examples: ["sp_hd"]),
        spec(
            .t, "named transformation", "transformation", .namedTransformation, "name, `.`-separated",
            examples: ["t_thumb", "t_a.b"]),
        spec(
            .u, "underlay", "underlay", .layer, "as l",
            combinations: "closed by a component with fl_layer_apply",
            examples: ["u_paper"]),
        spec(
            .vc, "video codec", "video_codec", .videoCodec,
            "auto | h264 | h265 | vp8 | vp9 | av1 | prores | theora | none [:baseline|main|high[:<level>[:bframes_no]]]",
            media: .video, examples: ["vc_h264:main:4.1"]),
        spec(
            .vs, "video sampling", "video_sampling", .videoSampling, "frame count | <seconds>s",
            media: .video,
            examples: ["vs_2.5s", "vs_10"]),
        spec(
            .w, "width", "width", .size, "int px | decimal (relative) | ow | auto[:step[:max]] | expression",
            range: 0...1e9,
            examples: ["w_400", "w_0.5"]),
        spec(
            .x, "x", "x", .coordinate, "px | decimal (relative) | expression",
            qualifies: [.c, .l, .u, .e, .g, .fl],
            examples: ["x_10", "x_-5"]),
        spec(
            .y, "y", "y", .coordinate, "px | decimal (relative) | expression",
            qualifies: [.c, .l, .u, .e, .g, .fl],
            examples: ["y_10", "y_0.2"]),
        spec(
            .z, "zoom", "zoom", .zoom, "positive decimal factor", range: 0.000_001...1e4,
            qualifies: [.c, .l, .u],
            examples: ["z_1.5"]),
    ]

    /// The declaration for `key`.
    @inline(__always)
    public static func spec(_ key: ParameterKey) -> ParameterSpec { all[Int(key.rawValue)] }

    /// The fields the validator reads for every parameter, as plain values (no reference counting).
    static let fast: [FastSpec] = all.map {
        FastSpec(
            grammar: $0.grammar, appliesTo: $0.appliesTo, hasRange: $0.range != nil,
            low: $0.range?.lowerBound ?? 0, high: $0.range?.upperBound ?? 0)
    }

    /// Bit set of the keys that are qualifiers (their `qualifies` list is not empty).
    static let qualifierKeys: UInt64 = all.reduce(0) {
        $1.qualifies.isEmpty ? $0 : $0 | (1 << UInt64($1.key.rawValue))
    }
    /// For each key, the bit set of the keys it qualifies.
    static let qualifierMasks: [UInt64] = all.map {
        $0.qualifies.reduce(0) { $0 | (1 << UInt64($1.rawValue)) }
    }

    /// Documented ranges of the first argument of effects that take a number ("Transformation URL
    /// API reference", e section).
    public static let effectRanges: [String: ClosedRange<Double>] = [
        "sepia": 1...100, "blur": 1...2000, "blur_faces": 1...2000, "blur_region": 1...2000,
        "pixelate": 1...200, "pixelate_faces": 1...200, "pixelate_region": 1...200,
        "brightness": -99...100, "contrast": -100...100, "saturation": -100...100, "vibrance": -100...100,
        "hue": -100...100, "gamma": -50...150, "sharpen": 1...2000, "unsharp_mask": 1...2000,
        "vignette": 0...100, "oil_paint": 0...100, "noise": 0...100, "auto_brightness": 0...100,
        "auto_color": 0...100, "auto_contrast": 0...100, "red": -100...100, "green": -100...100,
        "blue": -100...100, "grayscale": 0...100, "negate": 0...100, "colorize": 0...100, "tint": 0...100,
        "cartoonify": 0...100, "fill_light": -100...100, "improve": 0...100, "trim": 0...100,
        "make_transparent": 0...100, "shadow": 0...100, "redeye": 0...100, "adv_redeye": 0...100,
    ]

    /// Words an effect of ``effectRanges`` takes in place of its first number
    /// (`e_improve:outdoor:50`, `e_tint:equalize:80:red`, `e_cartoonify:bw`).
    public static let effectWords: [String: [String]] = [
        "improve": ["indoor", "outdoor"], "tint": ["equalize"], "cartoonify": ["bw"],
    ]

    /// The SDK option names, for suggestions (`widht` → `w`).
    static let sdkOptions: [String] = all.map(\.sdkOption)

    /// Every documented key's text, for suggestions.
    static let keyTexts: [String] = ParameterKey.allCases.map(\.text)

    private static func spec(
        _ key: ParameterKey, _ name: String, _ sdkOption: String, _ grammar: ValueGrammar, _ syntax: String,
        range: ClosedRange<Double>? = nil, media: Applicability = .both, qualifies: [ParameterKey] = [],
        combinations: String = "", docs: String = reference, examples: [String]
    ) -> ParameterSpec {
        ParameterSpec(
            key: key, name: name, sdkOption: sdkOption, grammar: grammar, syntax: syntax, range: range,
            appliesTo: media, qualifies: qualifies, combinations: combinations, docs: docs, examples: examples
        )
    }

    /// One line per parameter, for `--help`: `  w     width (both): int px | … e.g. w_400`.
    /// Each entry is wrapped to `width` columns itself, its continuation lines indented under
    /// the description: help printers wrap long lines back to the first column, which loses the
    /// table's shape.
    public static func helpText(width: Int = 79) -> String {
        var lines: [String] = []
        for spec in all {
            let key = spec.key.text.padding(toLength: 4)
            var line = "  \(key) \(spec.name) [\(spec.appliesTo.rawValue)]: \(spec.syntax)"
            if let example = spec.examples.first { line += "  e.g. \(example)" }
            lines += line.wrapped(width: width, indent: 7)
        }
        lines.append("  $<name> variable: number | !string! | expression  e.g. $w_300")
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    /// Lines of at most `width` characters, broken at spaces (or after a `|` inside a word too
    /// long for a line); lines after the first start with `indent` spaces.
    fileprivate func wrapped(width: Int, indent: Int) -> [String] {
        // Each piece with whether a space separates it from the one before.
        var pieces: [(text: Substring, spaced: Bool)] = []
        for word in split(separator: " ", omittingEmptySubsequences: false) {
            var rest = word[...], spaced = true
            while rest.count > width - indent, let bar = rest.prefix(width - indent).lastIndex(of: "|") {
                pieces.append((rest[...bar], spaced))
                rest = rest[rest.index(after: bar)...]
                spaced = false
            }
            pieces.append((rest, spaced))
        }
        var lines: [String] = []
        var line = ""
        var broken = false  // at the start of a continuation line
        for (index, piece) in pieces.enumerated() {
            if broken && piece.text.isEmpty { continue }  // the spaces a break replaced
            let separator = index == 0 || broken || !piece.spaced ? "" : " "
            if line.count > indent, line.count + separator.count + piece.text.count > width {
                while line.hasSuffix(" ") { line.removeLast() }
                lines.append(line)
                line = String(repeating: " ", count: indent)
                broken = true
                if piece.text.isEmpty { continue }
                line += piece.text
            } else {
                line += separator + piece.text
            }
            broken = false
        }
        lines.append(line)
        return lines
    }
}
