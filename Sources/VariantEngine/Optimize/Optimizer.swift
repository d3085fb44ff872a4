import Foundation
import VipsCore

/// What kind of picture a variant is, for the choice of candidate formats.
public enum ContentKind: String, Sendable, Codable, Equatable {
    /// Photographs and anything with smooth, noisy detail: lossy formats only.
    case photo
    /// Flat colours, logos, illustrations, text: palette and lossless formats are tried too.
    case graphic
}

/// How to choose format and quality for one variant.
public struct OptimizeOptions: Sendable {
    /// The SSIMULACRA2 score the result must reach.
    public var target: Double

    /// A target of 100, which only a lossless file meets: the lossless candidates are then tried
    /// for a photo too (--formats webp --target 100 gave lossy q100 at 90.6 and "no allowed
    /// format reaches SSIMULACRA2 100").
    var onlyLosslessReaches: Bool { target >= 100 }
    /// The formats the client and the placement allow. PNG means palette PNG8 and lossless PNG.
    public var formats: [ImageFormat]
    /// Photo or graphic; nil estimates it from the pixels.
    public var contentKind: ContentKind?
    /// Qualities found for another width of the same source: a better starting point.
    public var qualityHints: [ImageFormat: Int]
    /// AVIF encoder effort (probe at the effort you ship: lower efforts score lower at equal Q).
    public var avifEffort: Int
    /// WebP encoder effort.
    public var webpEffort: Int
    /// Try every quality from 1 to 100 instead of searching: slow, for measuring the search.
    public var exhaustive = false
    /// Encode every lossy format at this quality instead of searching (`f_auto` with `q_N`):
    /// only the format is chosen, by size.
    public var fixedQuality: Int?
    /// Variants with more pixels than this are refused: the search holds the reference's and
    /// each candidate's colour planes and blurs, about 80 bytes a pixel (a 12-megapixel
    /// variant peaked at 930 MB in `variant compare`). Default ``defaultMaxPixels``.
    public var maxPixels = OptimizeOptions.defaultMaxPixels
    /// Progressive JPEG files (`fl_progressive`; Cloudinary's default with `q_auto`).
    public var progressiveJPEG = false
    /// Whether lossless WebP is a candidate (for graphics); default true. A plan turns it off: no
    /// Cloudinary parameter asks for lossless WebP (`f_webp,q_100` is lossy), so the choice could
    /// not be written as the transformation that delivers it.
    public var losslessWebP = true
    /// JPEG and AVIF chroma subsampling (`q_N:420` / `q_N:444`); the encoder's choice by default.
    public var chromaSubsampling: ChromaSubsampling = .auto

    /// 25 megapixels (about 2 GB at the peak): far above any delivery variant.
    public static let defaultMaxPixels = 25_000_000

    /// Formats tried by default, most efficient first.
    public static let defaultFormats: [ImageFormat] = [.avif, .webp, .jpeg, .png]

    public init(target: Double = QualityLevel.good.defaultTarget, formats: [ImageFormat] = OptimizeOptions.defaultFormats,
                contentKind: ContentKind? = nil, qualityHints: [ImageFormat: Int] = [:], avifEffort: Int = AVIFOptions.defaultEffort,
                webpEffort: Int = 4) {
        self.target = target
        self.formats = formats
        self.contentKind = contentKind
        self.qualityHints = qualityHints
        self.avifEffort = avifEffort
        self.webpEffort = webpEffort
    }

    public init(level: QualityLevel, targets: QualityTargets = QualityTargets(), formats: [ImageFormat] = OptimizeOptions.defaultFormats) {
        self.init(target: targets.target(for: level), formats: formats)
    }
}

/// One format's best result.
public struct OptimizeCandidate: Sendable, Codable, Equatable {
    /// "avif", "webp", "jpeg", "png8" (palette), "png" (lossless), "webp-lossless".
    public var format: String
    /// Encoder quality; nil for lossless.
    public var quality: Int?
    public var bytes: Int
    public var ssimulacra2: Double
    /// Encodes this format needed.
    public var encodes: Int
    public var meetsTarget: Bool
    /// The search of this format stopped early: a file that still missed the target was already
    /// larger than another format's passing file. The quality and score are those of the last
    /// file measured. Never in the exhaustive run, which measures each format to its own
    /// smallest passing file.
    public var pruned: Bool

    init(format: String, quality: Int?, bytes: Int, ssimulacra2: Double, encodes: Int, meetsTarget: Bool,
         pruned: Bool = false) {
        self.format = format
        self.quality = quality
        self.bytes = bytes
        self.ssimulacra2 = ssimulacra2
        self.encodes = encodes
        self.meetsTarget = meetsTarget
        self.pruned = pruned
    }

    enum CodingKeys: String, CodingKey {
        case format, quality, bytes, ssimulacra2, encodes, meetsTarget, pruned
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        quality = try c.decodeIfPresent(Int.self, forKey: .quality)
        bytes = try c.decode(Int.self, forKey: .bytes)
        ssimulacra2 = try c.decode(Double.self, forKey: .ssimulacra2)
        encodes = try c.decode(Int.self, forKey: .encodes)
        meetsTarget = try c.decode(Bool.self, forKey: .meetsTarget)
        pruned = try c.decodeIfPresent(Bool.self, forKey: .pruned) ?? false
    }

    /// `quality` is written as null for a lossless file, as the result's is (it was left out).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(quality, forKey: .quality)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(ssimulacra2, forKey: .ssimulacra2)
        try c.encode(encodes, forKey: .encodes)
        try c.encode(meetsTarget, forKey: .meetsTarget)
        try c.encode(pruned, forKey: .pruned)
    }
}

/// The decision for one variant.
public struct OptimizeResult: Sendable, Codable, Equatable {
    /// The chosen candidate's format ("avif", "webp", "jpeg", "png").
    public var format: String
    public var quality: Int?
    public var bytes: Int
    public var ssimulacra2: Double
    /// Encodes over all candidates.
    public var encodes: Int
    public var target: Double
    public var meetsTarget: Bool
    public var contentKind: ContentKind
    public var candidates: [OptimizeCandidate]
    /// The chosen file (not part of the JSON).
    public var data: Data
    /// The delivery component that asks Cloudinary for this file: "f_webp,q_62", "f_jpg,q_80",
    /// "f_png,fl_png8,q_70" (a palette, its quantisation quality on q_), "f_png" (lossless).
    /// nil for a lossless WebP, which no delivery parameter asks for (allow it with
    /// ``OptimizeOptions/losslessWebP`` only when the file itself is what is delivered), and
    /// for a result decoded from JSON written before this field.
    public var delivery: String?

    enum CodingKeys: String, CodingKey {
        case format, quality, bytes, ssimulacra2, encodes, target, meetsTarget, contentKind, delivery, candidates
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        quality = try c.decodeIfPresent(Int.self, forKey: .quality)
        bytes = try c.decode(Int.self, forKey: .bytes)
        ssimulacra2 = try c.decode(Double.self, forKey: .ssimulacra2)
        encodes = try c.decode(Int.self, forKey: .encodes)
        target = try c.decode(Double.self, forKey: .target)
        meetsTarget = try c.decode(Bool.self, forKey: .meetsTarget)
        contentKind = try c.decode(ContentKind.self, forKey: .contentKind)
        candidates = try c.decode([OptimizeCandidate].self, forKey: .candidates)
        delivery = try c.decodeIfPresent(String.self, forKey: .delivery)
        data = Data()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(quality, forKey: .quality)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(ssimulacra2, forKey: .ssimulacra2)
        try c.encode(encodes, forKey: .encodes)
        try c.encode(target, forKey: .target)
        try c.encode(meetsTarget, forKey: .meetsTarget)
        try c.encode(contentKind, forKey: .contentKind)
        try c.encode(delivery, forKey: .delivery)
        try c.encode(candidates, forKey: .candidates)
    }

    init(chosen: OptimizeCandidate, data: Data, target: Double, kind: ContentKind, candidates: [OptimizeCandidate]) {
        format = chosen.format.hasPrefix("png") ? "png" : chosen.format.hasPrefix("webp") ? "webp" : chosen.format
        quality = chosen.quality
        bytes = chosen.bytes
        ssimulacra2 = chosen.ssimulacra2
        encodes = candidates.reduce(0) { $0 + $1.encodes }
        self.target = target
        meetsTarget = chosen.meetsTarget
        contentKind = kind
        self.candidates = candidates
        self.data = data
        let q = chosen.quality.map { ",q_\($0)" } ?? ""
        switch chosen.format {
        // The palette's quantisation quality rides on q_ (the render of `f_png,fl_png8` without
        // it quantised at 100: 2.5 times the predicted bytes).
        case "png8": delivery = "f_png,fl_png8" + q
        case "png": delivery = "f_png"
        case "webp-lossless": delivery = nil
        default: delivery = "f_\(cloudinaryFormat(chosen.format))" + q
        }
    }
}

/// The local `f_auto` / `q_auto`: per format, the lowest quality whose SSIMULACRA2 score meets
/// the target (a predicted start, then a bracketing secant search on real encodes of the variant
/// as delivered), then the smallest of the formats allowed.
///
/// ```swift
/// let variant = try Renderer.renderPixels(RenderRequest(sourcePath: "hero.jpg",
///                                                       transformation: try Transformation(parsing: "c_fill,w_1200,h_675")))
/// let decision = try Optimizer.optimize(variant.image, options: OptimizeOptions(level: .good))
/// print(decision.format, decision.quality ?? 0, decision.bytes, decision.ssimulacra2)
/// ```
public enum Optimizer {
    /// Refuses an image too large to score: SSIMULACRA2 holds about 80 bytes a pixel (the
    /// colour planes, their blurs and the maps of both images), so an 81-megapixel image from a
    /// 78 KB PNG took 6 GB. (`variant compare` gets the same bound from its load limit.)
    /// - Throws: `EngineError(.invalidArgument)` naming the input, its size and the limit.
    static func checkScorable(width: Int, height: Int, maxPixels: Int, input: String?) throws {
        let pixels = width * height
        guard pixels > maxPixels else { return }
        throw EngineError(.invalidArgument,
                          "\(width)×\(height) is \(Image.overLimit(Double(pixels), limit: maxPixels, of: "the ")) the quality "
                            + "measure works on (about 80 bytes a pixel); scale it down first or raise the limit "
                            + "(--max-pixels; OptimizeOptions.maxPixels in the library)",
                          input: input)
    }

    /// Chooses format and quality for `image` (8-bit sRGB, as delivered).
    /// Blocking: it holds its thread for the whole computation and does not take turns with the
    /// engine's other operations or stop when a task is cancelled. From async code, use ``Engine``.
    /// - Throws: `VipsError` when encoding fails, `EngineError` when no format is allowed or the
    ///   image is too large to score (``OptimizeOptions/maxPixels``) (`.invalidArgument`), and
    ///   when no allowed format can carry the image (`.unsupported`: too large for each, or
    ///   transparent where none keeps alpha).
    public static func optimize(_ image: Image, options: OptimizeOptions) throws -> OptimizeResult {
        guard !options.formats.isEmpty else {
            throw EngineError(.invalidArgument, "no output format is allowed", input: image.source)
        }
        if let other = options.formats.first(where: { !ImageFormat.decided.contains($0) }) {
            throw EngineError(.invalidArgument, "the optimiser chooses among "
                                + ImageFormat.decided.map(\.rawValue).joined(separator: ", ") + ", not \(other.rawValue)",
                              input: image.source)
        }
        try checkScorable(width: image.width, height: image.height, maxPixels: options.maxPixels, input: image.source)
        guard image.width >= SSIMULACRA2.minimumSize, image.height >= SSIMULACRA2.minimumSize else {
            throw EngineError(.tooSmallToScore,
                              "\(image.width)×\(image.height) pixels is too small to score: SSIMULACRA2 needs at least "
                                + "\(SSIMULACRA2.minimumSize)×\(SSIMULACRA2.minimumSize) (rendering chooses the format of so "
                                + "small an image by size alone)", input: image.source)
        }
        // Formats that cannot hold a variant this large are left out, like JPEG for transparency.
        var options = options
        let fitting = options.formats.filter { $0.canHold(width: image.width, height: image.height) }
        guard !fitting.isEmpty else {
            let limits = options.formats.compactMap { f in f.maxSide.map { "\(f.displayName) \($0)" } }.joined(separator: ", ")
            throw EngineError(.unsupported, "\(image.width)×\(image.height) is too large for every allowed format "
                                + "(longest side at most: \(limits))", input: image.source)
        }
        options.formats = fitting
        var working = try image.toSRGB().materialised()
        let pixels = try working.pixels()
        let needsAlpha = working.hasAlpha && Self.hasTransparency(pixels)
        var reference = pixels
        if working.hasAlpha && !needsAlpha {
            // An alpha channel that is opaque everywhere only costs bytes.
            working = try working.flattened(background: [255, 255, 255]).materialised()
            reference = try working.pixels()
        }
        let kind = options.contentKind ?? ContentEstimate.kind(of: reference)
        try working.checkCancellation()
        // The reference's colour planes and blurs are computed once for all the encodes scored.
        let scorer = try SSIMULACRA2.Reference(reference)
        if options.exhaustive && options.fixedQuality == nil {
            return try exhaustive(working, scorer, kind: kind, needsAlpha: needsAlpha, pixels: reference, options, source: image.source)
        }

        var candidates: [OptimizeCandidate] = []
        var files: [Int: Data] = [:]
        func keep(_ candidate: OptimizeCandidate, _ data: Data) {
            files[candidates.count] = data
            candidates.append(candidate)
        }
        /// The smallest passing file so far: a format whose failing file is already larger stops.
        func bound() -> Int? { candidates.filter(\.meetsTarget).map(\.bytes).min() }

        // PNG is searched for graphics, when it is the only format, and when it is the only one
        // that can carry this image's transparency (a cut-out photo with JPEG and PNG allowed
        // was refused as if no format could).
        let searchesPNG = kind == .graphic || Self.pngIsNeeded(options.formats, needsAlpha: needsAlpha)
        let onlyLossless = options.onlyLosslessReaches
        // Lossless candidates first for graphics: one encode each, and they pass, so they bound
        // the lossy searches from the start.
        if searchesPNG || onlyLossless {
            if options.formats.contains(.png) {
                let data = try losslessPNG(working)
                keep(OptimizeCandidate(format: "png", quality: nil, bytes: data.count, ssimulacra2: 100, encodes: 1,
                                       meetsTarget: true), data)
            }
            if kind == .graphic || onlyLossless, options.formats.contains(.webp), options.losslessWebP {
                let data = try working.encoded(as: .webp(WebPOptions(lossless: true, effort: options.webpEffort)))
                keep(OptimizeCandidate(format: "webp-lossless", quality: nil, bytes: data.count, ssimulacra2: 100,
                                       encodes: 1, meetsTarget: true), data)
            }
        }
        // The likely winner first (AVIF, then WebP, then JPEG, then palette PNG), so that its
        // size prunes the others early; the order changes no decision, only the work.
        for format in Self.searchOrder(options.formats) {
            let limit = options.fixedQuality == nil ? bound() : nil
            switch format {
            case .jpeg where needsAlpha:
                continue  // JPEG cannot carry the transparency this image needs.
            case .jpeg, .webp, .avif:
                let (candidate, data) = try searchLossy(format, working, scorer, options, bound: limit)
                keep(candidate, data)
            case .png:
                if searchesPNG {
                    let (candidate, data) = try searchPalette(working, scorer, options, bound: limit)
                    keep(candidate, data)
                }
            case .gif:
                continue  // Refused above: never a candidate.
            }
        }
        guard !candidates.isEmpty else {
            throw EngineError(.unsupported, "none of the allowed formats (\(options.formats.map(\.rawValue).joined(separator: ", "))) can carry this image's transparency", input: image.source)
        }
        let passing = candidates.indices.filter { candidates[$0].meetsTarget }
        let chosen = passing.min { candidates[$0].bytes < candidates[$1].bytes }
            ?? candidates.indices.max { candidates[$0].ssimulacra2 < candidates[$1].ssimulacra2 }!
        return OptimizeResult(chosen: candidates[chosen], data: files[chosen]!, target: options.target, kind: kind,
                              candidates: candidates)
    }

    /// Whether PNG must be tried whatever the content: it is the only format allowed, or the
    /// only allowed one that can carry the transparency the image needs.
    static func pngIsNeeded(_ formats: [ImageFormat], needsAlpha: Bool) -> Bool {
        guard formats.contains(.png) else { return false }
        return formats.allSatisfy { $0 == .png } || (needsAlpha && !formats.contains { $0 == .webp || $0 == .avif })
    }

    /// The allowed formats, most likely to give the smallest file first.
    static func searchOrder(_ formats: [ImageFormat]) -> [ImageFormat] {
        let rank: [ImageFormat: Int] = [.avif: 0, .webp: 1, .jpeg: 2, .png: 3]
        var seen = Set<ImageFormat>()
        return formats.filter { seen.insert($0).inserted }.sorted { rank[$0, default: 4] < rank[$1, default: 4] }
    }

    /// Every quality 1–100 of every allowed format (and the lossless files), then scored in
    /// increasing byte order until the first that meets the target: that file is the smallest
    /// passing one, exactly as scoring all of them would find (ties go to the earlier format,
    /// then the lower quality), at a fraction of the scores. Slow; for measuring the search.
    static func exhaustive(_ image: Image, _ scorer: SSIMULACRA2.Reference, kind: ContentKind, needsAlpha: Bool, pixels: PixelBuffer,
                           _ options: OptimizeOptions, source: String?) throws -> OptimizeResult
    {
        struct File {
            var format: String
            var rank: Int
            var quality: Int?
            var data: Data
            var score: Double?
        }
        var files: [File] = []
        var formatNames: [String] = []
        func add(_ name: String, _ quality: Int?, _ data: Data, score: Double? = nil) {
            if !formatNames.contains(name) { formatNames.append(name) }
            files.append(File(format: name, rank: formatNames.firstIndex(of: name)!, quality: quality, data: data,
                              score: score))
        }
        for format in options.formats {
            switch format {
            case .jpeg where needsAlpha:
                continue
            case .jpeg, .webp, .avif:
                var levels: [Int: Data] = [:]
                let sharesLevels = format == .avif && AVIFQualityLevels.confirmed
                for q in 1...100 {
                    let level = AVIFQualityLevels.level(q)
                    let data = try (sharesLevels ? levels[level] : nil) ?? image.encoded(as: encodeOptions(format, quality: q, options))
                    if sharesLevels { levels[level] = data }
                    add(format.rawValue, q, data)
                }
            case .png:
                if kind == .graphic || Self.pngIsNeeded(options.formats, needsAlpha: needsAlpha) {
                    for q in 1...100 { add("png8", q, try image.encoded(as: encodeOptions(.png, quality: q, options))) }
                    add("png", nil, try losslessPNG(image), score: 100)
                } else if options.onlyLosslessReaches {
                    add("png", nil, try losslessPNG(image), score: 100)
                }
            case .gif:
                continue
            }
        }
        if kind == .graphic || options.onlyLosslessReaches, options.formats.contains(.webp), options.losslessWebP {
            add("webp-lossless", nil, try image.encoded(as: .webp(WebPOptions(lossless: true, effort: options.webpEffort))),
                score: 100)
        }
        guard !files.isEmpty else {
            throw EngineError(.unsupported, "none of the allowed formats (\(options.formats.map(\.rawValue).joined(separator: ", "))) can carry this image's transparency", input: source)
        }
        let order = files.indices.sorted {
            (files[$0].data.count, files[$0].rank, files[$0].quality ?? 0)
                < (files[$1].data.count, files[$1].rank, files[$1].quality ?? 0)
        }
        var scoreByFile: [Data: Double] = [:]
        func score(_ index: Int) throws -> Double {
            if let known = files[index].score { return known }
            let value = try scoreByFile[files[index].data] ?? Self.score(scorer, files[index].data)
            scoreByFile[files[index].data] = value
            files[index].score = value
            return value
        }
        var winner: Int? = nil
        for index in order {
            if try score(index) >= options.target {
                winner = index
                break
            }
        }
        // Per format: the winner, else the format's own smallest file that meets the target
        // (measured on past the winner: the true optimum of each format, which is what this mode
        // is for; it gave the largest file measured before the winner, "q89, misses the target,
        // pruned", where q90 met it), else, when none does, its best-scoring file.
        var candidates: [OptimizeCandidate] = []
        var chosen = 0
        for name in formatNames {
            let own = order.filter { files[$0].format == name }
            let pick: Int
            if let winner, files[winner].format == name {
                pick = winner
                chosen = candidates.count
            } else if let passing = try own.first(where: { try score($0) >= options.target }) {
                pick = passing
            } else {
                pick = try own.max { try score($0) < score($1) }!
            }
            let file = files[pick]
            let meets = file.score! >= options.target
            if winner == nil, meets { chosen = candidates.count }
            candidates.append(OptimizeCandidate(format: name, quality: file.quality, bytes: file.data.count,
                                                ssimulacra2: file.score!, encodes: own.count, meetsTarget: meets,
                                                pruned: false))
        }
        if winner == nil {
            chosen = candidates.indices.max { candidates[$0].ssimulacra2 < candidates[$1].ssimulacra2 }!
        }
        let data = files.first { $0.format == candidates[chosen].format && $0.quality == candidates[chosen].quality }!.data
        return OptimizeResult(chosen: candidates[chosen], data: data, target: options.target, kind: kind,
                              candidates: candidates)
    }

    static func encodeOptions(_ format: ImageFormat, quality: Int, _ options: OptimizeOptions) -> EncodeOptions {
        switch format {
        case .jpeg: .jpeg(JPEGOptions(quality: quality, progressive: options.progressiveJPEG,
                                      chromaSubsampling: options.chromaSubsampling))
        case .webp: .webp(WebPOptions(quality: quality, effort: options.webpEffort))
        case .avif: .avif(AVIFOptions(quality: quality, effort: options.avifEffort, chromaSubsampling: options.chromaSubsampling))
        case .png: .png(PNGOptions(compression: 9, palette: true, quality: quality))
        case .gif: .gif(GIFOptions())
        }
    }

    static func searchLossy(_ format: ImageFormat, _ image: Image, _ scorer: SSIMULACRA2.Reference,
                            _ options: OptimizeOptions, bound: Int?) throws -> (OptimizeCandidate, Data)
    {
        var files: [Int: Data] = [:]
        var scoreByFile: [Data: Double] = [:]
        var encodes = 0
        let search = QualitySearch(target: options.target, slopeGuess: QualityPrior.slope(format))
        let start = options.qualityHints[format] ?? QualityPrior.start(format, target: options.target)
        // AVIF qualities of one quantiser level make one file: the first probe of a level
        // answers for the others.
        let sharesLevels = format == .avif && AVIFQualityLevels.confirmed
        var probedLevels: [Int: Data] = [:]
        let measure = { (q: Int) throws -> QualitySearch.Probe in
            if sharesLevels, let data = probedLevels[AVIFQualityLevels.level(q)], let known = scoreByFile[data] {
                files[q] = data
                return .init(quality: q, score: known, bytes: data.count)
            }
            let data = try image.encoded(as: encodeOptions(format, quality: q, options))
            encodes += 1
            files[q] = data
            if sharesLevels { probedLevels[AVIFQualityLevels.level(q)] = data }
            // A file already scored (two qualities that made the same bytes) is not scored again.
            if let known = scoreByFile[data] { return .init(quality: q, score: known, bytes: data.count) }
            // Scoring is Swift, between libvips calls: a cancelled search stops here, not a score later.
            try image.checkCancellation()
            let score = try Self.score(scorer, data)
            scoreByFile[data] = score
            return .init(quality: q, score: score, bytes: data.count)
        }
        let outcome: QualitySearch.Outcome
        if let fixed = options.fixedQuality {
            let probe = try measure(min(max(fixed, 1), 100))
            outcome = QualitySearch.Outcome(best: probe, probes: [probe])
        } else {
            outcome = try search.run(start: start, byteBound: bound, probe: measure)
        }
        let best = outcome.best ?? outcome.probes.max { $0.score < $1.score }!
        let candidate = OptimizeCandidate(format: format.rawValue, quality: best.quality, bytes: best.bytes,
                                          ssimulacra2: best.score, encodes: encodes, meetsTarget: outcome.best != nil,
                                          pruned: outcome.pruned)
        return (candidate, files[best.quality]!)
    }

    static func searchPalette(_ image: Image, _ scorer: SSIMULACRA2.Reference, _ options: OptimizeOptions,
                              bound: Int?) throws -> (OptimizeCandidate, Data)
    {
        var files: [Int: Data] = [:]
        var encodes = 0
        let search = QualitySearch(target: options.target, slopeGuess: 0.5, maxProbes: 5)
        let measure = { (q: Int) throws -> QualitySearch.Probe in
            let data = try image.encoded(as: encodeOptions(.png, quality: q, options))
            encodes += 1
            files[q] = data
            try image.checkCancellation()
            return .init(quality: q, score: try Self.score(scorer, data), bytes: data.count)
        }
        let outcome: QualitySearch.Outcome
        if let fixed = options.fixedQuality {
            let probe = try measure(min(max(fixed, 1), 100))
            outcome = QualitySearch.Outcome(best: probe, probes: [probe])
        } else {
            outcome = try search.run(start: 80, byteBound: bound, probe: measure)
        }
        let best = outcome.best ?? outcome.probes.max { $0.score < $1.score }!
        return (OptimizeCandidate(format: "png8", quality: best.quality, bytes: best.bytes, ssimulacra2: best.score,
                                  encodes: encodes, meetsTarget: outcome.best != nil, pruned: outcome.pruned),
                files[best.quality]!)
    }

    /// SSIMULACRA2 of an encoded file against the reference pixels.
    static func score(_ scorer: SSIMULACRA2.Reference, _ data: Data) throws -> Double {
        var decoded = try Image.load(data: data).toSRGB()
        if decoded.hasAlpha != scorer.hasAlpha, decoded.hasAlpha {
            decoded = try decoded.flattened(background: [255, 255, 255])
        }
        return try scorer.score(decoded.pixels())
    }

    /// Lossless PNG of `image` (8-bit sRGB, with or without alpha, in memory: it is read twice),
    /// written with one grey band (and its alpha) when every pixel is grey: the same pixels
    /// decoded, about a quarter fewer bytes than three equal bands (a text scan: 54,034 against
    /// 72,040).
    static func losslessPNG(_ image: Image, progressive: Bool = false) throws -> Data {
        var source = image
        if image.bands >= 3, try image.isGrey() {
            source = try image.bands(0, count: 1)
            if image.hasAlpha { source = try source.joined(with: image.bands(image.bands - 1, count: 1)) }
        }
        return try source.encoded(as: .png(PNGOptions(compression: 9, progressive: progressive)))
    }

    static func hasTransparency(_ pixels: PixelBuffer) -> Bool {
        guard pixels.bands == 2 || pixels.bands == 4 else { return false }
        let stride = pixels.bands
        return pixels.data.withUnsafeBufferPointer { buffer in
            var i = stride - 1
            while i < buffer.count {
                if buffer[i] != 255 { return true }
                i += stride
            }
            return false
        }
    }
}

/// libheif's AV1 encoder turns a quality into one of 64 quantiser levels,
/// `((100 − Q) × 63 + 50) / 100` (libheif 1.15): about a third of neighbouring qualities make
/// byte-identical files (Q 49 and 50, but not 48 and 49), and each AVIF encode is the
/// search's dearest step. Another libheif may map otherwise, so the mapping is checked once
/// per process, on a small image, before a search relies on it.
enum AVIFQualityLevels {
    static func level(_ quality: Int) -> Int { ((100 - quality) * 63 + 50) / 100 }

    /// Whether this process's encoder makes one file per level (and different files across levels).
    static let confirmed: Bool = (try? check()) ?? false

    static func check() throws -> Bool {
        // Noise, so that neighbouring levels cannot quantise to the same file.
        var state: UInt32 = 0x9E37_79B9
        let pixels = (0..<(32 * 32 * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let image = try Image(pixels: PixelBuffer(width: 32, height: 32, bands: 3, data: pixels))
        func file(_ quality: Int) throws -> Data { try image.encoded(as: .avif(AVIFOptions(quality: quality))) }
        // Two neighbours of one level and two of different levels, in the middle of the range
        // and near its low end.
        for range in [40...60, 2...20] {
            guard let same = range.first(where: { level($0) == level($0 + 1) }),
                let apart = range.first(where: { level($0) != level($0 + 1) }) else { return false }
            guard try file(same) == file(same + 1), try file(apart) != file(apart + 1) else { return false }
        }
        return true
    }
}

/// Where the quality search starts, per format and target: measured on these machines (for
/// SSIMULACRA2 ≥ 70, AVIF needed Q 39–62 and JPEG Q 38–85 across photos).
enum QualityPrior {
    /// (target, quality) anchors, interpolated linearly.
    static let anchors: [ImageFormat: [(Double, Int)]] = [
        .jpeg: [(50, 35), (55, 42), (65, 58), (75, 74), (85, 88), (92, 96)],
        .webp: [(50, 40), (55, 48), (65, 64), (75, 78), (85, 90), (92, 98)],
        .avif: [(50, 28), (55, 33), (65, 42), (75, 53), (85, 68), (92, 82)],
        .png: [(50, 40), (75, 75), (92, 95)],
    ]

    static func start(_ format: ImageFormat, target: Double) -> Int {
        let points = anchors[format]!
        if target <= points.first!.0 { return points.first!.1 }
        for (a, b) in zip(points, points.dropFirst()) where target <= b.0 {
            let t = (target - a.0) / (b.0 - a.0)
            return Int((Double(a.1) + t * Double(b.1 - a.1)).rounded())
        }
        return points.last!.1
    }

    /// Score points per quality step near the middle of the range.
    static func slope(_ format: ImageFormat) -> Double {
        switch format {
        case .jpeg: 0.7
        case .webp: 0.6
        case .avif: 0.8
        case .png, .gif: 0.5
        }
    }
}

/// A cheap photo-or-graphic estimate from the pixels, when no analysis is at hand.
///
/// A graphic has few distinct colours *and* large flat areas: most samples fall on a handful
/// of colours, or equal their right-hand neighbour exactly. Counting colours alone is not
/// enough: a greyscale photograph has at most 256 of them (the Solvay 1927 group photo and
/// the facade shot in TestImages were taken for graphics that way, and tried lossless WebP),
/// but its grey levels are spread out and neighbours differ. On the TestImages at 600 px the
/// photos reach at most 0.19 for the top-16 share and 0.43 for the neighbour share, the
/// graphics at least 0.60 and 0.68.
enum ContentEstimate {
    /// Share of samples on the 16 most common colours, or equal to their neighbour, from
    /// which flat areas are taken to dominate.
    static let flatShare = 0.5

    static func kind(of pixels: PixelBuffer) -> ContentKind {
        let width = pixels.width
        let total = width * pixels.height
        let step = max(1, Int((Double(total) / 20_000).squareRoot()))
        let bands = pixels.bands
        let colourBands = min(3, bands)
        var colours: [UInt32: Int] = [:]
        var samples = 0
        var equalNeighbours = 0
        pixels.data.withUnsafeBufferPointer { data in
            @inline(__always) func key(_ i: Int) -> UInt32 {
                var key: UInt32 = 0
                for c in 0..<colourBands { key = key << 8 | UInt32(data[i + c]) }
                return key
            }
            var y = 0
            while y < pixels.height {
                var x = 0
                while x < width {
                    let i = (y * width + x) * bands
                    let colour = key(i)
                    colours[colour, default: 0] += 1
                    if x + 1 < width, key(i + bands) == colour { equalNeighbours += 1 }
                    samples += 1
                    x += step
                }
                y += step
            }
        }
        let fewColours = Double(colours.count) < Double(samples) * 0.1 || colours.count < 256
        guard fewColours else { return .photo }
        let top16 = colours.values.sorted(by: >).prefix(16).reduce(0, +)
        let flat = Double(top16) >= Double(samples) * flatShare
            || Double(equalNeighbours) >= Double(samples) * flatShare
        return flat ? .graphic : .photo
    }
}
