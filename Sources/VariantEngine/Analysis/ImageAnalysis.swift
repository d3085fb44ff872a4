import Foundation

/// Everything the engine decides about one image, computed from one reduced-size decode.
///
/// Smart crops, focal points, `g_auto` and face gravities all read this value; nothing decodes
/// the source again to crop. It is `Codable` so that a planner can cache it by content hash.
///
/// ```swift
/// let analysis = try ImageAnalysis.analyze(path: "hero.jpg")
/// let crops = SmartCropper().crops(analysis, aspectRatios: AspectRatio.campaignDefaults)
/// print(analysis.focalPoint, crops.map(\.transformation))
/// ```
public struct ImageAnalysis: Sendable, Codable, Equatable {
    /// Width in source pixels, after EXIF orientation.
    public var width: Int
    /// Height in source pixels, after EXIF orientation.
    public var height: Int
    /// "jpeg", "png", "webp" ... (from the loader).
    public var format: String
    public var hasAlpha: Bool
    /// For images with alpha: the bounding box of the pixels that are not (nearly) transparent.
    public var opaqueBounds: SourceRect?
    /// Detected faces, strongest first, in source pixels.
    public var faces: [DetectedFace]
    public var focalPoint: FocalPoint
    public var contentClass: ContentClass
    /// The main colours, largest share first.
    public var dominantColors: [DominantColor]
    /// Where the interest is, at reduced size; covers the whole (oriented) source.
    public var saliency: SaliencyMap
    /// The longest side the source was decoded at (the shrink-on-load result).
    public var decodedLongestSide: Int
    /// The engine version that produced this analysis (part of cache keys).
    public var engineVersion: String
    /// Frames or pages, when the source has more than one (an animated GIF or WebP, a
    /// multi-page TIFF); nil for one. The analysis is of the first.
    public var pages: Int? = nil

    /// The whole image as a rectangle.
    public var bounds: SourceRect { SourceRect(x: 0, y: 0, width: width, height: height) }

    /// Where most of the interest is, in source pixels: along each axis, the span between the
    /// quantiles of the saliency that leave `(1 - share) / 2` of it on either side (default:
    /// the middle 80 %). The whole image when the map is empty.
    public func salientRegion(share: Double = 0.8) -> SourceRect {
        let map = saliency
        var columns = [Double](repeating: 0, count: map.width), rows = [Double](repeating: 0, count: map.height)
        for y in 0..<map.height {
            for x in 0..<map.width {
                let v = Double(map.values[y * map.width + x])
                columns[x] += v
                rows[y] += v
            }
        }
        let total = columns.reduce(0, +)
        guard total > 0 else { return bounds }
        // (A hair over, so that a tail that is exactly some cells' mass takes them: 1 - 0.8 is
        // 0.19999999999999996 in doubles.)
        let tail = total * (1 - min(max(share, 0), 1)) / 2 + total * 1e-9
        /// The cells from the first whose running sum passes `tail` to the last before the
        /// sum left beyond it falls under `tail`, as a share of the axis (0...1).
        func span(_ sums: [Double]) -> (Double, Double) {
            var low = 0, running = 0.0
            while low < sums.count - 1, running + sums[low] <= tail { running += sums[low]; low += 1 }
            var high = sums.count - 1
            running = 0
            while high > low, running + sums[high] <= tail { running += sums[high]; high -= 1 }
            return (Double(low) / Double(sums.count), Double(high + 1) / Double(sums.count))
        }
        let (x0, x1) = span(columns), (y0, y1) = span(rows)
        let left = Int((x0 * Double(width)).rounded(.down)), top = Int((y0 * Double(height)).rounded(.down))
        let right = min(width, Int((x1 * Double(width)).rounded(.up))), bottom = min(height, Int((y1 * Double(height)).rounded(.up)))
        return SourceRect(x: left, y: top, width: max(1, right - left), height: max(1, bottom - top))
    }

    /// Whether the parts agree with each other (sizes positive, the map as large as it says,
    /// boxes and the focal point inside the image): always true of an analysis this engine made,
    /// checked on one read back from a cache, and by ``check()`` on one a caller stored.
    var isConsistent: Bool { consistencyProblem == nil }

    /// What disagrees, in words, or nil.
    var consistencyProblem: String? {
        // Beyond any side the loader takes (10,000,000), below any product that overflows.
        guard width >= 1, height >= 1, width <= 1 << 24, height <= 1 << 24 else {
            return "expected an image of 1 to \(1 << 24) pixels a side but received \(width)×\(height)"
        }
        guard saliency.width >= 1, saliency.height >= 1, saliency.width <= 1 << 16, saliency.height <= 1 << 16,
              saliency.values.count == saliency.width * saliency.height else {
            return "a saliency map of \(saliency.width)×\(saliency.height) holds \(saliency.values.count) values"
        }
        func inside(_ r: SourceRect) -> Bool {
            r.width >= 1 && r.height >= 1 && r.x >= 0 && r.y >= 0 && r.width <= width - r.x && r.height <= height - r.y
        }
        if let (index, face) = faces.enumerated().first(where: { !inside($0.element.box) || !(0...1).contains($0.element.confidence) }) {
            return "face \(index) (\(face.box), confidence \(face.confidence)) is not a box inside the \(width)×\(height) image"
        }
        if let bounds = opaqueBounds, !inside(bounds) {
            return "the opaque bounds \(bounds) are not inside the \(width)×\(height) image"
        }
        guard (0..<width).contains(focalPoint.x), (0..<height).contains(focalPoint.y), focalPoint.weight.isFinite else {
            return "the focal point (\(focalPoint.x), \(focalPoint.y), weight \(focalPoint.weight)) is not inside the \(width)×\(height) image"
        }
        return nil
    }
}

/// A face found by the detector.
public struct DetectedFace: Sendable, Codable, Equatable {
    /// The face box in source pixels (roughly forehead to chin, ear to ear).
    public var box: SourceRect
    /// 0...1: how sure the detector is (agreement of detectors, neighbours, skin share).
    public var confidence: Double
    /// Which model found it: "frontal" or "profile"; "given" for faces the caller supplied.
    public var detector: String

    public init(box: SourceRect, confidence: Double, detector: String) {
        self.box = box
        self.confidence = confidence
        self.detector = detector
    }
}

/// A focal point with a weight and where it came from, as thumbor keeps them.
public struct FocalPoint: Sendable, Codable, Equatable {
    public enum Origin: String, Sendable, Codable {
        /// Centre of the detected faces.
        case face
        /// Centre of the most salient region.
        case feature
        /// Nothing stood out: the centre of the image (or of its opaque content).
        case center
    }

    public var x: Int
    public var y: Int
    /// 0...1: how strongly the image points here: for faces, the surest face's confidence; for
    /// a feature, how far the strongest tenth of the saliency map stands above its mean, as a
    /// share of its peak (since 9d1af02; twice the 90th percentile's distance before); 0 at
    /// the centre.
    public var weight: Double
    public var origin: Origin

    public init(x: Int, y: Int, weight: Double, origin: Origin) {
        self.x = x
        self.y = y
        self.weight = weight
        self.origin = origin
    }
}

/// What kind of picture this is, from the lightness histogram and the text cue (28 of the 30
/// annotated TestImages agree; BENCHMARKS.md). Reported by `analyze` and in the plan's
/// `source`; crops and format decisions do not read it.
public enum ContentClass: String, Sendable, Codable, CaseIterable {
    /// Continuous-tone photograph, colour or grey. Illustrations shaded with smooth gradients
    /// and no flat colour read as photos too.
    case photo
    /// Flat colours and sharp edges: logos, illustrations, icons, charts.
    case graphic
    /// Mostly text: screenshots of documents, quotes, slides.
    case text
}

/// One of the main colours of an image.
public struct DominantColor: Sendable, Codable, Equatable {
    /// "#rrggbb", sRGB.
    public var hex: String
    /// Share of the (opaque) pixels closest to this colour, 0...1.
    public var share: Double

    public init(hex: String, share: Double) {
        self.hex = hex
        self.share = share
    }
}
