/// The documented keywords of each parameter (crop modes, gravities, flags, effects ...).
///
/// Sources: "Transformation URL API reference", "Image crop modes", "Automatic gravity for image
/// crops"; lists the docs leave open (object names for `g_auto:<object>`) are not closed here.
public enum Vocabulary {
    /// All 16 crop modes plus the two add-on modes.
    public static let cropModes = [
        "scale", "fit", "limit", "mfit", "pad", "lpad", "mpad", "fill", "lfill", "crop", "thumb", "auto",
        "fill_pad", "auto_pad", "imagga_crop", "imagga_scale",
    ]
    /// Crop modes that accept `g_auto` ("Automatic gravity for image crops").
    public static let autoGravityCropModes = [
        "fill", "lfill", "fill_pad", "thumb", "crop", "auto", "auto_pad",
    ]
    /// Crop modes that require `g_auto`.
    public static let autoGravityRequiredCropModes = ["fill_pad", "auto_pad"]

    public static let compassGravities = [
        "north_west", "north", "north_east", "west", "center", "east", "south_west", "south", "south_east",
        "xy_center",
    ]
    public static let specialGravities = [
        "face", "faces", "adv_face", "adv_faces", "adv_eyes", "body", "ocr_text", "custom", "liquid", "auto",
        "track_person",
    ]
    /// Focal keywords of `g_auto:<focal>` besides object names.
    public static let autoFocals = [
        "subject", "classic", "face", "faces", "body", "adv_face", "adv_faces", "adv_eyes", "ocr_text",
        "no_faces", "custom_no_override", "none",
    ]
    /// Fallbacks after `face:`, `custom:` ... (`g_face:center`, `g_custom:faces`, `g_ocr_text:adv_ocr`).
    public static let gravityFallbacks =
        [
            "center", "face", "faces", "adv_face", "adv_faces", "adv_eyes", "auto", "adv_ocr", "body",
        ] + compassGravities

    public static let angleKeywords = ["auto_right", "auto_left", "ignore", "vflip", "hflip"]

    public static let audioCodecs = ["aac", "mp3", "vorbis", "opus", "none"]
    public static let audioFrequencies = [
        "8000", "11025", "16000", "22050", "32000", "37800", "44056", "44100", "47250", "48000", "88200",
        "96000",
        "176400", "192000", "iaf",
    ]
    public static let videoCodecs = ["auto", "h264", "h265", "vp8", "vp9", "av1", "prores", "theora", "none"]
    public static let videoProfiles = ["baseline", "main", "high"]
    public static let streamingProfiles = [
        "4k", "full_hd", "hd", "sd", "full_hd_wifi", "full_hd_lean", "hd_lean", "auto",
    ]
    public static let colorSpaces = ["srgb", "tinysrgb", "cmyk", "no_cmyk", "keep_cmyk", "copy"]
    public static let qualityLevels = ["best", "good", "eco", "low"]

    public static let formats = [
        "auto", "jpg", "jpe", "jpeg", "jpc", "jp2", "j2k", "wdp", "jxr", "hdp", "png", "gif", "webp", "bmp",
        "tif",
        "tiff", "ico", "pdf", "ps", "ept", "eps", "eps3", "psd", "svg", "ai", "djvu", "flif", "heif", "heic",
        "avif", "jxl", "glb", "gltf", "usdz", "fbx", "arw", "cr2", "cr3", "dng", "bw", "raw", "mp4", "webm",
        "flv",
        "m3u8", "mpd", "mov", "mkv", "ogv", "3gp", "3g2", "wmv", "avi", "m2ts", "mts", "ts", "hls", "mp3",
        "aac",
        "ogg", "oga", "wav", "aiff", "flac", "m4a", "amr", "wma", "opus", "webvtt", "vtt", "srt", "txt",
        "tga",
        "jfif", "svgz", "apng", "animated_webp", "animated_png",
    ]

    /// Text layer styles after `<family>_<size>` (`l_text:Arial_40_bold_italic:…`), from the
    /// Transformation Reference's styling parameters; `letter_spacing`, `line_spacing`,
    /// `antialias` and `hinting` take a value after them (`…_antialias_best_hinting_full`, as
    /// the SDKs write the `font_antialiasing` and `font_hinting` options).
    public static let textStyles = [
        "normal", "bold", "thin", "light", "italic", "underline", "strikethrough", "left", "center", "right",
        "end", "start", "justify", "stroke", "none",
    ]
    public static let textStylesWithValue = ["letter_spacing", "line_spacing", "antialias", "hinting"]
    public static let fontAntialiasing = ["none", "gray", "subpixel", "fast", "good", "best"]
    public static let fontHinting = ["none", "slight", "medium", "full"]

    public static let flags = [
        "animated", "any_format", "apng", "attachment", "awebp", "c2pa", "clip", "clip_evenodd", "cutter",
        "draco", "force_icc", "force_strip", "getinfo", "group4", "hlsv3", "ignore_aspect_ratio",
        "ignore_mask_channels", "immutable_cache", "keep_attribution", "keep_dar", "keep_iptc", "keep_pixels",
        "layer_apply", "lossy", "mono", "no_overflow", "no_stream", "png8", "png24", "png32",
        "preserve_transparency", "progressive", "rasterize", "region_relative", "relative", "replace_image",
        "sanitize", "splice", "streaming_attachment", "strip_profile", "text_disallow_overflow",
        "text_no_trim",
        "tiff8_lzw", "tiled", "truncate_ts", "waveform", "alternate", "animated_png", "animated_webp",
        "custom_text", "no_cache",
    ]

    public static let effects = [
        // Images
        "accelerate", "adv_redeye", "anti_removal", "art", "assist_colorblind", "auto_brightness",
        "auto_color",
        "auto_contrast", "auto_enhance", "background_removal", "bgremoval", "blackwhite", "blue", "blur",
        "blur_faces", "blur_region", "brightness", "brightness_hsb", "cartoonify", "colorize", "contrast",
        "cut_out", "displace", "distort", "dropshadow", "enhance", "extract", "fill_light", "gamma",
        "gen_background_replace", "gen_recolor", "gen_remove", "gen_replace", "gen_restore", "gradient_fade",
        "grayscale", "green", "hue", "improve", "light", "make_transparent", "mask", "multiply", "negate",
        "oil_paint", "opacity_threshold", "ordered_dither", "outline", "overlay", "pixelate",
        "pixelate_faces",
        "pixelate_region", "recolor", "red", "redeye", "replace_color", "saturation", "screen", "sepia",
        "shadow",
        "sharpen", "shear", "simulate_colorblind", "style_transfer", "swap_image", "theme", "tint", "trim",
        "unsharp_mask", "upscale", "vectorize", "vibrance", "viesus_correct", "vignette", "zoompan",
        "generative_fill", "lightroom", "morphology", "dehaze", "auto_saturation", "no_cmyk",
        // Video and audio
        "boomerang", "camera", "deshake", "fade", "loop", "noise", "preview", "progressbar", "reverse",
        "transition", "volume",
    ]

    /// CSS/SVG colour names, which Cloudinary accepts as named colours.
    public static let colorNames = [
        "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black",
        "blanchedalmond",
        "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse", "chocolate", "coral",
        "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan", "darkgoldenrod", "darkgray",
        "darkgreen", "darkgrey", "darkkhaki", "darkmagenta", "darkolivegreen", "darkorange", "darkorchid",
        "darkred", "darksalmon", "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey",
        "darkturquoise", "darkviolet", "deeppink", "deepskyblue", "dimgray", "dimgrey", "dodgerblue",
        "firebrick", "floralwhite", "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod",
        "gray", "green", "greenyellow", "grey", "honeydew", "hotpink", "indianred", "indigo", "ivory",
        "khaki",
        "lavender", "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan",
        "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey", "lightpink", "lightsalmon",
        "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue", "lightyellow",
        "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine", "mediumblue", "mediumorchid",
        "mediumpurple", "mediumseagreen", "mediumslateblue", "mediumspringgreen", "mediumturquoise",
        "mediumvioletred", "midnightblue", "mintcream", "mistyrose", "moccasin", "navajowhite", "navy",
        "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod", "palegreen",
        "paleturquoise", "palevioletred", "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue",
        "purple", "rebeccapurple", "red", "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown",
        "seagreen", "seashell", "sienna", "silver", "skyblue", "slateblue", "slategray", "slategrey", "snow",
        "springgreen", "steelblue", "tan", "teal", "thistle", "tomato", "turquoise", "violet", "wheat",
        "white",
        "whitesmoke", "yellow", "yellowgreen", "transparent",
    ]

    /// Predefined variables usable as operands in expressions and conditions ("Transformation rules").
    public static let predefinedVariables = [
        "w", "h", "ar", "iw", "ih", "iar", "tar", "fc", "pc", "cp", "px", "py", "du", "idu", "ils", "tags",
        "ctx",
        "md", "ow", "oh", "oar", "dpr", "iaf", "fn", "crw", "crh", "pgw", "pgh",
    ]
    /// Operators of expressions and conditions.
    public static let operators = [
        "eq", "ne", "lt", "gt", "lte", "gte", "in", "nin", "and", "or", "mul", "div", "add", "sub", "mod",
        "pow",
        "to",
    ]
}

/// A set of ASCII words looked up from bytes without building a `String`.
struct KeywordSet: Sendable {
    private var buckets: [[[UInt8]]]
    let words: [String]

    init(_ words: [String]) {
        self.words = words
        buckets = Array(repeating: [], count: 32 * 128)
        for word in words {
            let bytes = Array(word.utf8)
            buckets[KeywordSet.bucket(count: bytes.count, first: bytes.first ?? 0)].append(bytes)
        }
    }

    @inline(__always)
    private static func bucket(count: Int, first: UInt8) -> Int { (min(count, 31) << 7) | Int(first & 0x7F) }

    @inline(__always)
    func contains(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count > 0 else { return false }
        for candidate in buckets[KeywordSet.bucket(count: b.count, first: b[0])]
        where candidate.count == b.count {
            var equal = true
            for i in 0..<b.count where candidate[i] != b[i] {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }

    func contains(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { contains(UnsafeRawBufferPointer($0)) }
    }
}

/// The keyword sets the validator reads, built once.
enum Keywords {
    static let cropModes = KeywordSet(Vocabulary.cropModes)
    static let autoGravityCropModes = KeywordSet(Vocabulary.autoGravityCropModes)
    static let compassGravities = KeywordSet(Vocabulary.compassGravities)
    static let specialGravities = KeywordSet(Vocabulary.specialGravities)
    static let autoFocals = KeywordSet(Vocabulary.autoFocals)
    static let gravityFallbacks = KeywordSet(Vocabulary.gravityFallbacks)
    static let angleKeywords = KeywordSet(Vocabulary.angleKeywords)
    static let audioCodecs = KeywordSet(Vocabulary.audioCodecs)
    static let audioFrequencies = KeywordSet(Vocabulary.audioFrequencies)
    static let videoCodecs = KeywordSet(Vocabulary.videoCodecs)
    static let videoProfiles = KeywordSet(Vocabulary.videoProfiles)
    static let streamingProfiles = KeywordSet(Vocabulary.streamingProfiles)
    static let colorSpaces = KeywordSet(Vocabulary.colorSpaces)
    static let qualityLevels = KeywordSet(Vocabulary.qualityLevels)
    static let formats = KeywordSet(Vocabulary.formats)
    static let flags = KeywordSet(Vocabulary.flags)
    static let textStyles = KeywordSet(Vocabulary.textStyles + Vocabulary.textStylesWithValue)
    static let effects = KeywordSet(Vocabulary.effects)
    static let colorNames = KeywordSet(Vocabulary.colorNames)
    static let predefinedVariables = KeywordSet(Vocabulary.predefinedVariables)
    static let operators = KeywordSet(Vocabulary.operators)
}

enum ColorNames {
    static func contains(_ name: String) -> Bool { Keywords.colorNames.contains(name) }
}
