import Foundation
import VipsCore

/// Options for ``ImageAnalysis/analyze(path:options:knownFaces:)``; defaults measured on TestImages.
public struct AnalysisOptions: Sendable, Equatable {
    /// Longest side of the one decode (shrink-on-load). Faces are searched at this size or at
    /// `faceSearchLongestSide`, whichever is smaller; the saliency map is made from it. Default
    /// 800, the face search's size: a larger decode was only scaled down again (1024 gave the
    /// same crops and faces on TestImages and cost 0.07 s more CPU on a 12 MP JPEG, BENCHMARKS.md).
    public var decodeLongestSide: Int = 800
    /// Longest side of the image the face search runs on (a reduced copy of the decode); the
    /// smallest face found is 20 px there, so 20 px in sources up to 800 px and 2.5 % of the
    /// longest side above (100 px in a 4000 px photo). Default 800: the search costs grow with
    /// the square of this side.
    public var faceSearchLongestSide: Int = 800
    /// Longest side of the saliency map; default 384.
    public var saliencyLongestSide: Int = 384
    /// Whether faces are searched; default true.
    public var detectFaces: Bool = true
    public var faces = FaceDetectionOptions()
    public var saliency = SaliencyWeights()
    /// How many dominant colours are reported; default 5.
    public var dominantColorCount: Int = 5
    /// Images with more pixels are refused before decoding.
    public var maxPixels: Int = LoadOptions.defaultMaxPixels

    public init() {}
}

extension AnalysisOptions {
    /// Refuses settings that have no meaning: a face search whose window sizes never grow (a
    /// scale factor of 1 or less ran until memory ran out), a step of nothing, sizes under a pixel.
    /// - Throws: `EngineError(.invalidArgument)` naming the setting.
    public func check() throws {
        func refuse(_ name: String, _ expected: String, _ value: Any) throws -> Never {
            throw EngineError.invalidArgument(expected: expected, for: "analysisOptions." + name, received: value)
        }
        for (name, side) in [("decodeLongestSide", decodeLongestSide), ("faceSearchLongestSide", faceSearchLongestSide),
                             ("saliencyLongestSide", saliencyLongestSide), ("faces.minFaceSize", faces.minFaceSize)] where side < 1 {
            try refuse(name, "a positive number of pixels", side)
        }
        for (name, factor) in [("faces.scaleFactor", faces.scaleFactor), ("faces.profileScaleFactor", faces.profileScaleFactor)]
        where !(factor.isFinite && factor > 1 && factor <= 4) {
            try refuse(name, "a factor over 1 and at most 4", factor)
        }
        for (name, step) in [("faces.stepFraction", faces.stepFraction), ("faces.profileStepFraction", faces.profileStepFraction)]
        where !(step.isFinite && step > 0 && step <= 1) {
            try refuse(name, "a fraction of the window over 0 and at most 1", step)
        }
        if !(0...256).contains(dominantColorCount) { try refuse("dominantColorCount", "0 to 256", dominantColorCount) }
        // Found by a QA pass through the library: NaN or a huge value in these crashed analyze.
        for (name, side) in [("decodeLongestSide", decodeLongestSide), ("faceSearchLongestSide", faceSearchLongestSide),
                             ("saliencyLongestSide", saliencyLongestSide), ("faces.minFaceSize", faces.minFaceSize)] where side > 100_000 {
            try refuse(name, "at most 100000 pixels", side)
        }
        for (name, share) in [("faces.profileMinShare", faces.profileMinShare), ("faces.tiltedMinShare", faces.tiltedMinShare),
                              ("faces.minConfidence", faces.minConfidence), ("faces.skinGate", faces.skinGate)]
        where !(share.isFinite && share >= 0 && share <= 1) {
            try refuse(name, "a share from 0 to 1", share)
        }
        for (name, count) in [("faces.frontalMinNeighbours", faces.frontalMinNeighbours), ("faces.profileMinNeighbours", faces.profileMinNeighbours),
                              ("faces.profileFrontalDepth", faces.profileFrontalDepth), ("faces.refineDepth", faces.refineDepth)]
        where !(0...1000).contains(count) {
            try refuse(name, "0 to 1000", count)
        }
        if faces.tiltAngles.count > 8 || faces.tiltAngles.contains(where: { !($0.isFinite && abs($0) <= 90) }) {
            try refuse("faces.tiltAngles", "at most 8 angles from -90 to 90 degrees", faces.tiltAngles)
        }
        let weights: [(String, Float)] = [("saliency.backgroundContrast", saliency.backgroundContrast), ("saliency.edges", saliency.edges),
                                          ("saliency.skin", saliency.skin), ("saliency.text", saliency.text),
                                          ("saliency.centerPrior", saliency.centerPrior), ("saliency.faceLevel", saliency.faceLevel),
                                          ("saliency.cueCeiling", saliency.cueCeiling)]
        for (name, weight) in weights where !(weight.isFinite && weight >= 0 && weight <= 255) {
            try refuse(name, "a number from 0 to 255", weight)
        }
        if maxPixels < 1 { try refuse("maxPixels", "1 or more", maxPixels) }
    }
}

extension ImageAnalysis {
    /// Refuses an analysis no crop can be placed over. One read back from storage (the type is
    /// `Codable` so that a sync tool keeps it) or edited could have sides of 0, a saliency map
    /// whose values do not fill it, or face boxes outside the image, and crashed the crop.
    /// - Throws: `EngineError(.invalidArgument)` saying what is wrong.
    public func check() throws {
        if let problem = consistencyProblem {
            throw EngineError(.invalidArgument, "the analysis cannot be cropped: \(problem)")
        }
    }

    /// Decodes `path` once at reduced size (upright, sRGB) and analyses it.
    ///
    /// ```swift
    /// let analysis = try ImageAnalysis.analyze(path: "hero.jpg")
    /// print(analysis.faces.count, analysis.focalPoint)
    /// ```
    /// - Parameters:
    ///   - path: An image file libvips can read.
    ///   - options: Decode size, face detection and saliency settings.
    ///   - knownFaces: Faces already known, in source pixels after EXIF orientation (Cloudinary's
    ///     stored faces are in the stored image's pixels: ``CloudinaryResource/regions(uprightWidth:uprightHeight:orientation:)``
    ///     turns them): used instead of the face search, which is then skipped
    ///     (boxes are clipped to the image; one outside it is dropped). nil: search.
    /// - Returns: The analysis, in source pixels after EXIF orientation.
    /// Blocking: it holds its thread for the whole computation and does not take turns with the
    /// engine's other operations or stop when a task is cancelled. From async code, use ``Engine``.
    /// - Throws: `VipsError` naming the file when it cannot be read or decoded;
    ///   `EngineError(.invalidArgument)` for options that have no meaning (``AnalysisOptions/check()``);
    ///   an error naming the model if the bundled face models are missing (a broken install).
    public static func analyze(path: String, options: AnalysisOptions = AnalysisOptions(),
                               knownFaces: [SourceRect]? = nil) throws -> ImageAnalysis {
        try analyze(path: path, options: options, knownFaces: knownFaces, cancellation: nil)
    }

    /// The same, with the decode stopped when `cancellation` is cancelled (``VipsError/Code/cancelled``).
    static func analyze(path: String, options: AnalysisOptions, knownFaces: [SourceRect]? = nil,
                        cancellation: VipsCancellation?) throws -> ImageAnalysis {
        try options.check()
        let header = try Image.load(path: path, options: LoadOptions(maxPixels: options.maxPixels))
        let pageHeight = header.pageCount > 1 ? header.pageHeight : header.height
        let swapsSides = header.orientation >= 5
        let width = swapsSides ? pageHeight : header.width
        let height = swapsSides ? header.width : pageHeight
        let side = max(1, min(options.decodeLongestSide, max(width, height)))
        if options.detectFaces && knownFaces == nil {
            // The models (1.4 MB of XML) are read while the image decodes.
            DispatchQueue.global().async { _ = FaceDetector.bundled }
        }
        // A progressive JPEG is scanned before it is decoded: thousands of repeated scans in a
        // 600 KB file held libvips's decode for 70 s past any --timeout (libjpeg reads every scan
        // before the first row), where the scan stops at the first inconsistent one.
        if header.isInterlaced { try Image.checkDecodedCleanly(path: path) }
        // The damage scan reads the whole entropy stream at 1/8: on the other core, beside the decode.
        let (pixels, _) = try Parallel.both(throwing: {
            let decoded = try Image.thumbnail(
                path: path, width: side, options: ThumbnailOptions(height: side, size: .downOnly), maxPixels: options.maxPixels,
                cancellation: cancellation)
            return try decoded.toSRGB(keepingSRGBProfiles: true).pixels()
        }, { Image.scanForDamage(path: path) })
        try Image.checkDecodedCleanly(path: path)
        var analysis = try analyze(pixels: pixels, sourceWidth: width, sourceHeight: height, format: header.fileFormat ?? "unknown",
                                   options: options, knownFaces: knownFaces)
        if header.pageCount > 1 { analysis.pages = header.pageCount }
        return analysis
    }

    /// Analyses pixels already decoded (upright, 8-bit sRGB, any size up to the source's), for
    /// a source of `sourceWidth` × `sourceHeight`.
    public static func analyze(pixels: PixelBuffer, sourceWidth: Int, sourceHeight: Int, format: String,
                               options: AnalysisOptions = AnalysisOptions(), knownFaces: [SourceRect]? = nil) throws -> ImageAnalysis {
        try options.check()
        let raster = Raster(pixels)
        let toSourceX = Double(sourceWidth) / Double(raster.width)
        let toSourceY = Double(sourceHeight) / Double(raster.height)
        let bounds = SourceRect(x: 0, y: 0, width: sourceWidth, height: sourceHeight)

        // The faces and the image-wide cues need nothing of each other: one core each (the
        // face search spreads over both once its tables are built).
        let ((rasterFaces, faces), (small, cues)) = try Parallel.both(throwing: { () throws -> ([RasterFace], [DetectedFace]) in
            if let knownFaces {
                let faces = knownFaces.compactMap { $0.intersection(bounds) }.map { DetectedFace(box: $0, confidence: 1, detector: "given") }
                // In the raster, as a square on the box's centre: the saliency weighs faces as squares.
                let rasterFaces = faces.map { f in
                    let side = max(Double(f.box.width) / toSourceX, Double(f.box.height) / toSourceY)
                    return RasterFace(x: f.box.centerX / toSourceX - side / 2, y: f.box.centerY / toSourceY - side / 2, size: side,
                                      confidence: 1, detector: "given")
                }
                return (rasterFaces, faces)
            }
            guard options.detectFaces else { return ([], []) }
            let detector = try FaceDetector.bundled.get()
            // Search a smaller copy of large decodes: the cost grows with the number of windows.
            let search = raster.downsampled(toLongestSide: options.faceSearchLongestSide)
            let toRaster = Double(raster.width) / Double(search.width)
            let rasterFaces = detector.detect(in: search, gray: search.gray(), sourceScale: max(toSourceX, toSourceY) * toRaster,
                                              options: options.faces)
                .map { RasterFace(x: $0.x * toRaster, y: $0.y * toRaster, size: $0.size * toRaster, confidence: $0.confidence, detector: $0.detector) }
            let faces = rasterFaces.map { f in
                DetectedFace(
                    box: SourceRect(x: Int((f.x * toSourceX).rounded()), y: Int((f.y * toSourceY).rounded()),
                                    width: Int((f.size * toSourceX).rounded()), height: Int((f.size * toSourceY).rounded()))
                        .intersection(bounds) ?? bounds,
                    confidence: (f.confidence * 1000).rounded() / 1000, detector: f.detector)
            }
            return (rasterFaces, faces)
        }, {
            let small = raster.downsampled(toLongestSide: options.saliencyLongestSide)
            return (small, SaliencyCues(raster: small))
        })

        let mapScaleX = Double(small.width) / Double(raster.width), mapScaleY = Double(small.height) / Double(raster.height)
        let saliency = SaliencyBuilder.map(
            cues: cues, alpha: small.cutOutAlpha,
            faces: rasterFaces.map { f in
                (box: (f.x * mapScaleX, f.y * mapScaleY, f.size * mapScaleX, f.size * mapScaleY), confidence: f.confidence)
            },
            weights: options.saliency)

        var opaqueBounds: SourceRect? = nil
        if let b = raster.opaqueBounds() {
            let x0 = Int((Double(b.x) * toSourceX).rounded(.down)), y0 = Int((Double(b.y) * toSourceY).rounded(.down))
            let x1 = min(sourceWidth, Int((Double(b.x + b.width) * toSourceX).rounded(.up)))
            let y1 = min(sourceHeight, Int((Double(b.y + b.height) * toSourceY).rounded(.up)))
            opaqueBounds = SourceRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        }
        let evidence = ContentClassifier.evidence(raster: small, cues: cues)
        let focal = FocalPointEstimator.estimate(faces: faces, saliency: saliency, sourceWidth: sourceWidth,
                                                 sourceHeight: sourceHeight, opaqueBounds: opaqueBounds)
        return ImageAnalysis(
            width: sourceWidth, height: sourceHeight, format: format, hasAlpha: raster.alpha != nil,
            opaqueBounds: opaqueBounds, faces: faces, focalPoint: focal,
            contentClass: ContentClassifier.classify(evidence),
            dominantColors: DominantColorExtractor.colors(raster: small, count: options.dominantColorCount),
            saliency: saliency, decodedLongestSide: max(raster.width, raster.height), engineVersion: variantEngineBuild)
    }
}

/// Where to centre when there is one point to choose: faces first, then the salient mass, then
/// the centre (of the opaque content, for cut-outs).
enum FocalPointEstimator {
    static func estimate(faces: [DetectedFace], saliency: SaliencyMap, sourceWidth: Int, sourceHeight: Int,
                         opaqueBounds: SourceRect?) -> FocalPoint {
        if !faces.isEmpty {
            // Larger, surer faces pull harder; faces much smaller than the largest barely count.
            var sx = 0.0, sy = 0.0, sw = 0.0
            for f in faces {
                let w = Double(f.box.area) * f.confidence
                sx += f.box.centerX * w
                sy += f.box.centerY * w
                sw += w
            }
            let confidence = faces.map(\.confidence).max() ?? 0
            // Inside the image, as the other branches are: a known face clipped at the right edge
            // put it one pixel past it (found in review).
            return FocalPoint(x: min(sourceWidth - 1, Int((sx / sw).rounded())), y: min(sourceHeight - 1, Int((sy / sw).rounded())),
                              weight: (confidence * 1000).rounded() / 1000, origin: .face)
        }
        // Centroid of the strongest part of the map (values above the 90th percentile), the
        // percentile read from a histogram of the 8-bit map rather than a sorted copy of it.
        var histogram = [Int](repeating: 0, count: 256)
        for v in saliency.values { histogram[Int(v)] += 1 }
        let rank = min(saliency.values.count - 1, Int(Double(saliency.values.count) * 0.9))
        var threshold: UInt8 = 0, below = 0
        for (value, count) in histogram.enumerated() {
            below += count
            if below > rank { threshold = UInt8(value); break }
        }
        let peak = UInt8(histogram.lastIndex { $0 > 0 } ?? 0)
        var sx = 0.0, sy = 0.0, sw = 0.0
        for y in 0..<saliency.height {
            for x in 0..<saliency.width {
                let v = saliency.values[y * saliency.width + x]
                guard v >= threshold, v > 0 else { continue }
                let w = Double(v) * Double(v)
                sx += (Double(x) + 0.5) * w
                sy += (Double(y) + 0.5) * w
                sw += w
            }
        }
        let mean = Double(saliency.values.reduce(0) { $0 + Int($1) }) / Double(max(1, saliency.values.count))
        // A map without a clear peak (texture, sky) says nothing about where to look: how far the
        // strongest tenth stands above the whole. Its mean, not its lowest value: a subject on
        // less than a tenth of a flat ground (a dragon on white) puts the 90th percentile in the
        // ground, and its focal point fell back to the centre, outside every crop.
        let tenth = max(1, saliency.values.count / 10)
        var top = 0, topCount = 0
        for value in stride(from: 255, through: 0, by: -1) where topCount < tenth {
            let taken = min(histogram[value], tenth - topCount)
            top += value * taken
            topCount += taken
        }
        let topMean = topCount > 0 ? Double(top) / Double(topCount) : 0
        let contrast = peak > 0 ? (topMean - mean) / Double(peak) : 0
        if sw > 0, contrast > 0.05 {
            let x = sx / sw * Double(sourceWidth) / Double(saliency.width)
            let y = sy / sw * Double(sourceHeight) / Double(saliency.height)
            return FocalPoint(x: min(sourceWidth - 1, Int(x.rounded())), y: min(sourceHeight - 1, Int(y.rounded())),
                              weight: (min(1, contrast) * 1000).rounded() / 1000, origin: .feature)
        }
        let box = opaqueBounds ?? SourceRect(x: 0, y: 0, width: sourceWidth, height: sourceHeight)
        // A pixel of the box: the middle of a 1-pixel side rounds to 1, one past it.
        return FocalPoint(x: min(box.maxX - 1, Int(box.centerX.rounded())), y: min(box.maxY - 1, Int(box.centerY.rounded())),
                          weight: 0, origin: .center)
    }
}
