import ArgumentParser
import Foundation
import VariantEngine

/// The JSON of `variant analyze`; field names are part of the CLI contract.
struct AnalyzeOutput: Encodable {
    struct Point: Encodable { var x: Int, y: Int, weight: Double, origin: String }
    struct Face: Encodable { var x: Int, y: Int, width: Int, height: Int, confidence: Double, detector: String }
    struct Box: Encodable { var x: Int, y: Int, width: Int, height: Int }

    var width: Int
    var height: Int
    var format: String
    var hasAlpha: Bool
    var focalPoint: Point
    var faces: [Face]
    var contentClass: String
    var dominantColors: [DominantColor]
    var opaqueBounds: Box?
    var decodedLongestSide: Int
    /// The middle 80 % of the saliency along each axis, in source pixels.
    var salientRegion: Box
    /// The saliency map's own size (written as an image by --saliency-map).
    var saliencyMap: MapSize
    struct MapSize: Encodable { var width: Int, height: Int }
    /// Warnings, as stderr has them (a --faces box outside the image), as render's `notes`.
    var notes: [String] = []

    init(_ a: ImageAnalysis) {
        width = a.width
        height = a.height
        format = a.format
        hasAlpha = a.hasAlpha
        focalPoint = Point(x: a.focalPoint.x, y: a.focalPoint.y, weight: a.focalPoint.weight, origin: a.focalPoint.origin.rawValue)
        faces = a.faces.map {
            Face(x: $0.box.x, y: $0.box.y, width: $0.box.width, height: $0.box.height, confidence: $0.confidence, detector: $0.detector)
        }
        contentClass = a.contentClass.rawValue
        dominantColors = a.dominantColors
        opaqueBounds = a.opaqueBounds.map { Box(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
        decodedLongestSide = a.decodedLongestSide
        let region = a.salientRegion()
        salientRegion = Box(x: region.x, y: region.y, width: region.width, height: region.height)
        saliencyMap = MapSize(width: a.saliency.width, height: a.saliency.height)
    }
}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find faces, the focal point, content class and dominant colours of an image.",
        usage: "variant analyze <image> [<options>]",
        discussion: """
            The image is decoded once at reduced size (shrink-on-load), upright
            and in sRGB; coordinates are source pixels after EXIF orientation.

            With --json:
              {"width", "height", "format", "hasAlpha",
               "focalPoint": {"x", "y", "weight", "origin"},
               "faces": [{"x", "y", "width", "height", "confidence", "detector"}],
               "contentClass", "dominantColors": [{"hex", "share"}],
               "opaqueBounds" (with alpha, when a pixel is over 16), "decodedLongestSide",
               "salientRegion": {"x", "y", "width", "height"},
               "saliencyMap": {"width", "height"}, "notes": ["warning: …"]}
            origin: face, feature or center. detector: frontal or profile, or given for the
            boxes of --faces (known faces, used instead of the search). contentClass: photo,
            graphic or text, from the lightness histogram (flat colours beside the
            background make a graphic) and text-like edges; illustrations shaded with
            smooth gradients read as photos. hasAlpha: whether some pixel is transparent
            (an alpha band opaque everywhere counts as none; `variant info` says whether
            there is a band). salientRegion: where the middle 80 % of the saliency lies
            along each axis, in source pixels. --saliency-map writes the map itself as a grey PNG
            (white = most salient), at its own reduced size.

            Examples:
              variant analyze hero.jpg
              variant analyze --json TestImages/people-couple-bar.jpg
              variant analyze --json --no-faces logo.png
              variant analyze --json hero.jpg --faces 410,120,160,170
            """.reflowed
    )

    @Argument(help: "The image file.")
    var image: String

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Flag(name: .customLong("no-faces"), help: "Skip face detection.")
    var noFaces = false

    @Option(parsing: .unconditional, help: "Longest side of the analysis decode, at least 32; faces are searched at this size or 800, whichever is smaller.")
    var decodeSize = AnalysisOptions().decodeLongestSide

    @Option(name: .customLong("saliency-map"), help: ArgumentHelp("Also write the saliency map as a grey PNG here.", valueName: "png"))
    var saliencyMapPath: String?

    @OptionGroup var knownFaces: KnownFacesOption

    @OptionGroup var maxPixels: MaxPixelsOption

    @OptionGroup var timeout: TimeoutOption

    func validate() throws {
        if noFaces, knownFaces.text != nil { throw ValidationError("--faces and --no-faces exclude each other") }
        guard decodeSize >= 32 else {
            throw ValidationError("Expected an integer of at least 32 for --decode-size but received \(decodeSize)")
        }
    }

    func run() throws {
        timeout.install()
        maxPixels.install()
        var options = AnalysisOptions()
        options.detectFaces = !noFaces
        options.maxPixels = maxPixels.value
        options.decodeLongestSide = decodeSize
        if let saliencyMapPath {
            // The description goes to stdout: the map cannot.
            if isStandardOutput(saliencyMapPath) {
                throw CLIError.usage("--saliency-map \(saliencyMapPath): stdout carries the analysis; give the map a file path")
            }
            // PNG only: the extension message lists just that (it offered .jpg, then refused it).
            _ = try checkImageOutput(saliencyMapPath, option: "--saliency-map", source: image,
                                     formatHint: "leave the extension off (the map is a PNG)", json: json, formats: [.png])
        }
        let analysis = try AnalysisRunner.analyze(image, options: options, knownFaces: try knownFaces.boxes())
        let notes = knownFaces.warnOutside(width: analysis.width, height: analysis.height)
        if let saliencyMapPath {
            let map = analysis.saliency
            let png = try Image(pixels: PixelBuffer(width: map.width, height: map.height, bands: 1, data: map.values))
                .encoded(as: .png(PNGOptions()))
            try writeImageOutput(png, to: saliencyMapPath)
        }
        if json {
            var output = AnalyzeOutput(analysis)
            output.notes = notes
            try JSONOutput.print(output)
            return
        }
        print("\(image): \(analysis.width)×\(analysis.height) \(analysis.format)\(analysis.hasAlpha ? ", alpha" : ""), \(analysis.contentClass.rawValue)")
        let f = analysis.focalPoint
        print("focal point: \(f.x),\(f.y) (\(f.origin.rawValue), weight \(f.weight))")
        if analysis.faces.isEmpty { print("faces: none") }
        for face in analysis.faces {
            print("face: \(face.box) confidence \(face.confidence) (\(face.detector))")
        }
        let r = analysis.salientRegion()
        print("salient region: \(r.width)×\(r.height) at (\(r.x), \(r.y))")
        // A fully transparent image has no colour to speak of.
        if !analysis.dominantColors.isEmpty {
            print("colours: " + analysis.dominantColors.map { "\($0.hex) \(Int(($0.share * 100).rounded()))%" }.joined(separator: ", "))
        }
    }
}

/// Runs the analysis and turns every failure into a one-line error that names the file.
enum AnalysisRunner {
    static func analyze(_ path: String, options: AnalysisOptions, knownFaces: [SourceRect]? = nil) throws -> ImageAnalysis {
        do {
            return try ImageAnalysis.analyze(path: path, options: options, knownFaces: knownFaces)
        } catch let error as VipsError {
            throw error
        } catch {
            throw CLIError.io("\(path): \(error)")
        }
    }
}
