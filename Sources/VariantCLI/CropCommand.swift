import ArgumentParser
import Foundation
import VariantEngine

/// The JSON of `variant crop`; field names are part of the CLI contract.
struct CropOutput: Encodable {
    struct Point: Encodable { var x: Int, y: Int, weight: Double, origin: String }
    struct Crop: Encodable {
        var aspectRatio: String
        var x: Int, y: Int, width: Int, height: Int
        var transformation: String
        var score: Double
        var facesKept: Int
        var facesCut: Int
    }
    /// As `analyze` gives them, with the detector (`given` for a --faces box).
    struct Face: Encodable { var x: Int, y: Int, width: Int, height: Int, confidence: Double, detector: String }

    var width: Int
    var height: Int
    var zoom: Double
    var focalPoint: Point
    var faces: [Face]
    var crops: [Crop]
    /// Warnings, as stderr has them (a ratio the image is too small for, a --faces box outside
    /// it), as render's `notes` (found in QA: they reached stderr only).
    var notes: [String]
}

struct CropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crop",
        abstract: "Plan smart crops for aspect ratios: subject kept, faces never sliced.",
        usage: "variant crop <image> [<options>]",
        discussion: """
            Each crop is the largest window of its ratio (what c_fill keeps at
            zoom 1), or a window --zoom times smaller, placed where it keeps the
            most of the subject, with every face that fits kept whole. The image
            is decoded once, at reduced size. Coordinates are source pixels after
            EXIF orientation; each crop comes with the c_crop transformation that
            makes Cloudinary deliver exactly that rectangle.

            Without --aspect: 16:9, 4:5, 1:1, 9:16, 3:1, 2:3.

            With --json:
              {"width", "height", "zoom",
               "focalPoint": {"x", "y", "weight", "origin"},
               "faces": [{"x", "y", "width", "height", "confidence", "detector"}],
               "crops": [{"aspectRatio", "x", "y", "width", "height",
                          "transformation", "score", "facesKept", "facesCut"}],
               "notes": ["warning: …"]}
            score: the share of the image's saliency the crop keeps (0...1).
            facesKept / facesCut: faces with at least 90 % of their box in the crop, and
            faces with 10 to 90 % of it (a slice); the search keeps boxes whole when they fit,
            so a kept face short of 100 % lost only the loose edge of its box.

            Examples:
              variant crop hero.jpg
              variant crop hero.jpg --aspect 16:9 --aspect 4:5 --json
              variant crop hero.jpg --aspect 1:1 --zoom 1.5
              variant crop hero.jpg --faces 410,120,160,170    # known faces: no face search
            """.reflowed
    )

    @Argument(help: "The image file.")
    var image: String

    @Option(name: .customLong("aspect"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Aspect ratio W:H, WxH or W/H (16:9, 4x5) or a decimal (1.5 is 3:2; 1.7777778 is 16:9); repeat for several.",
                               valueName: "W:H"))
    var aspects: [String] = []

    @Option(parsing: .unconditional, help: "Zoom in, from 1 to 100: 1 keeps the largest window, 2 a window half as wide and high.")
    var zoom: Double = 1

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Flag(name: .customLong("no-faces"), help: "Skip face detection.")
    var noFaces = false

    @OptionGroup var knownFaces: KnownFacesOption

    @OptionGroup var maxPixels: MaxPixelsOption

    @OptionGroup var timeout: TimeoutOption

    // Tuning knobs for scripts/evaluate-crops.py; not part of the contract.
    @Option(help: .hidden) var faceScaleFactor: Double?
    @Option(help: .hidden) var faceStep: Double?
    @Option(help: .hidden) var faceMinNeighbours: Int?
    @Option(help: .hidden) var faceProfileMinNeighbours: Int?
    @Option(help: .hidden) var faceSkinGate: Double?
    @Option(help: .hidden) var faceMinConfidence: Double?
    @Option(help: .hidden) var faceMinSize: Int?
    @Option(help: .hidden) var faceProfiles: Bool?
    @Option(help: .hidden) var decodeSize: Int?
    @Option(help: .hidden) var faceRefineDepth: Int?
    @Option(help: .hidden) var faceSearchSize: Int?
    @Option(help: .hidden) var faceProfileScaleFactor: Double?
    @Option(help: .hidden) var faceProfileStep: Double?
    @Option(help: .hidden) var faceProfileFrontalDepth: Int?
    @Option(help: .hidden) var faceProfileMinShare: Double?

    func validate() throws {
        if noFaces, knownFaces.text != nil { throw ValidationError("--faces and --no-faces exclude each other") }
        for text in aspects where AspectRatio(parsing: text) == nil {
            throw ValidationError("Expected a ratio like 16:9, 4x5 or 1.5 (positive numbers of at most 6 digits, "
                                  + "12 after the point; a long decimal near a ratio of numbers up to 10000) for --aspect but received '\(text)'"
                                  + AspectRatio.wholeNumberHint(text))
        }
        guard zoom.isFinite, zoom >= 1, zoom <= 100 else {
            throw ValidationError("Expected a number between 1 and 100 for --zoom but received \(zoom)")
        }
    }

    func run() throws {
        timeout.install()
        maxPixels.install()
        let ratios = aspects.isEmpty ? AspectRatio.campaignDefaults : aspects.compactMap { AspectRatio(parsing: $0) }
        var options = AnalysisOptions()
        options.detectFaces = !noFaces
        options.maxPixels = maxPixels.value
        if let faceScaleFactor { options.faces.scaleFactor = faceScaleFactor }
        if let faceStep { options.faces.stepFraction = faceStep }
        if let faceMinNeighbours { options.faces.frontalMinNeighbours = faceMinNeighbours }
        if let faceProfileMinNeighbours { options.faces.profileMinNeighbours = faceProfileMinNeighbours }
        if let faceSkinGate { options.faces.skinGate = faceSkinGate }
        if let faceMinConfidence { options.faces.minConfidence = faceMinConfidence }
        if let faceMinSize { options.faces.minFaceSize = faceMinSize }
        if let faceProfiles { options.faces.profiles = faceProfiles }
        if let decodeSize { options.decodeLongestSide = decodeSize }
        if let faceRefineDepth { options.faces.refineDepth = faceRefineDepth }
        if let faceSearchSize { options.faceSearchLongestSide = faceSearchSize }
        if let faceProfileScaleFactor { options.faces.profileScaleFactor = faceProfileScaleFactor }
        if let faceProfileStep { options.faces.profileStepFraction = faceProfileStep }
        if let faceProfileFrontalDepth { options.faces.profileFrontalDepth = faceProfileFrontalDepth }
        if let faceProfileMinShare { options.faces.profileMinShare = faceProfileMinShare }
        let analysis = try AnalysisRunner.analyze(image, options: options, knownFaces: try knownFaces.boxes())
        var notes = knownFaces.warnOutside(width: analysis.width, height: analysis.height)
        let plans = SmartCropper(options: SmartCropOptions(zoom: zoom)).crops(analysis, aspectRatios: ratios)
        // A window whole pixels cannot give the ratio (999999:1 is 800×1 in an 800 px image):
        // said, as the plan's ratio-inexact warning says it (found in review: silent).
        for (ratio, plan) in zip(ratios, plans)
        where ratio.miss(width: plan.rect.width, height: plan.rect.height) > AspectRatio.missTolerance {
            let actual = Double(plan.rect.width) / Double(plan.rect.height)
            let named = aspects.isEmpty ? "the \(ratio) crop" : "--aspect \(ratio)"
            Diagnostics.warning("\(named): the window is \(plan.rect.width)x\(plan.rect.height), "
                                + (actual >= 1 ? String(format: "about %.3g:1", actual) : String(format: "about 1:%.3g", 1 / actual))
                                + ": the image is too small for the ratio" + (zoom > 1 ? " at this zoom" : ""), noting: &notes)
        }
        let f = analysis.focalPoint
        if json {
            try JSONOutput.print(CropOutput(
                width: analysis.width, height: analysis.height, zoom: zoom,
                focalPoint: .init(x: f.x, y: f.y, weight: f.weight, origin: f.origin.rawValue),
                faces: analysis.faces.map { .init(x: $0.box.x, y: $0.box.y, width: $0.box.width, height: $0.box.height,
                                                  confidence: $0.confidence, detector: $0.detector) },
                crops: plans.map {
                    .init(aspectRatio: $0.aspectRatio, x: $0.rect.x, y: $0.rect.y, width: $0.rect.width, height: $0.rect.height,
                          transformation: $0.transformation, score: $0.score, facesKept: $0.facesKept, facesCut: $0.facesCut)
                }, notes: notes))
            return
        }
        print("\(image): \(analysis.width)×\(analysis.height), focal point \(f.x),\(f.y) (\(f.origin.rawValue)), \(Wording.counted(analysis.faces.count, "face"))")
        for plan in plans {
            let pad = String(repeating: " ", count: max(0, 6 - plan.aspectRatio.count))
            print("\(plan.aspectRatio)\(pad) \(plan.transformation)  score \(plan.score)")
        }
    }
}
