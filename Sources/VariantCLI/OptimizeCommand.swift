import ArgumentParser
import CloudinaryTransform
import Foundation
import VariantEngine

/// `--formats avif,webp,jpeg,png`.
struct FormatList: ExpressibleByArgument {
    var formats: [ImageFormat]

    /// As it is written on the command line (the help shows the default this way).
    var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }

    init?(argument: String) {
        var result: [ImageFormat] = []
        for name in argument.split(separator: ",") {
            guard let format = ImageFormat(name: String(name)), ImageFormat.decided.contains(format) else { return nil }
            if !result.contains(format) { result.append(format) }
        }
        guard !result.isEmpty else { return nil }
        formats = result
    }
}

extension QualityLevel: ExpressibleByArgument {}

struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Choose format and quality for a variant: a local f_auto,q_auto measured with SSIMULACRA2.",
        usage: "variant optimize <image> [<options>]",
        discussion: """
            Renders the variant (the image after --transformation), then per allowed format finds the
            lowest encoder quality whose SSIMULACRA2 score meets the target, and keeps the smallest
            file. Levels and their targets: best 85, good 75 (plain q_auto), eco 65, low 55.
            Photos try AVIF, WebP and JPEG; graphics also palette PNG and lossless PNG/WebP (and
            any image PNG when it is the only allowed format, or the only one that can keep the
            image's transparency; and lossless PNG/WebP for any image when --target is 100, which
            only they reach). JPEG is never chosen for an image that needs transparency. When
            no allowed format reaches the target, the highest-scoring file is given, with a
            warning ("meetsTarget": false).

            JSON: {"format", "quality", "bytes", "ssimulacra2", "encodes", "target", "meetsTarget",
            "contentKind", "delivery", "candidates": [{"format", "quality", "bytes", "ssimulacra2",
            "encodes", "meetsTarget", "pruned"}]}; "quality" is null for a lossless file;
            "delivery" is the component that asks Cloudinary for the chosen file ("f_webp,q_62",
            "f_png,fl_png8,q_70"; null for lossless WebP, which none asks for); "pruned": the
            format's search stopped once its missing file was larger than another's passing one
            (never with --exhaustive, which gives each format's own smallest passing file).
            "format" of a candidate: avif, webp, jpeg, png (lossless), png8 (palette) or
            webp-lossless.
            "contentKind" (photo or graphic) is the optimiser's own quick estimate from the
            variant's pixels, which decides the formats tried; it is not the "contentClass" of
            analyze and the plan (photo, graphic or text, from the full analysis), and the two
            can differ for one image.

            Examples:
              variant optimize hero.jpg --transformation c_fill,g_auto,w_1200,h_675 --json
              variant optimize logo.png --level best --formats webp,png -o logo-best
            """.reflowed
    )

    @Argument(help: "The source image file.")
    var image: String

    @Option(help: "The transformation whose result is optimised (default: the image as it is).")
    var transformation: String?

    @Option(help: "Quality level (default: good, unless --target is given).")
    var level: QualityLevel?

    @Option(parsing: .unconditional, help: "An SSIMULACRA2 target from 0 to 100 instead of a level (e.g. 80; 100 only lossless files reach).")
    var target: Double?

    @Option(help: "Allowed formats, comma-separated, from avif, webp, jpeg, png.")
    var formats = FormatList(argument: "avif,webp,jpeg,png")!

    @Option(name: [.short, .customLong("output")],
            help: "Write the chosen file here; - for stdout. It is in the chosen format even when a .jpg, .webp, .avif or .png extension names another (with a warning); other extensions are refused.")
    var output: String?

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Flag(help: "Try every quality 1-100 of every format (slow): the true optimum, to check the search.")
    var exhaustive = false

    @Option(parsing: .unconditional, help: "Refuse variants with more pixels than this: the measure holds about 80 bytes a pixel.")
    var maxPixels = OptimizeOptions.defaultMaxPixels

    @OptionGroup var avifEffort: AVIFEffortOption

    @OptionGroup var timeout: TimeoutOption

    func validate() throws {
        if let level, target != nil {
            throw ValidationError("--level \(level.rawValue) and --target both set the score to reach: give one")
        }
        if let target, !(0...100).contains(target) {
            throw ValidationError("Expected a target between 0 and 100 for --target but received \(target)")
        }
        try requirePositive(maxPixels, for: "--max-pixels")
    }

    func run() throws {
        timeout.install()
        // Before the search: a bad output path found after it wasted all of it.
        if let output {
            _ = try checkImageOutput(output, source: image, formatHint: "leave the extension off (the chosen format is written either way)",
                                     json: json, formats: ImageFormat.decided)
        }
        let variant = try renderVariant(image: image, transformation: transformation)
        var options = OptimizeOptions(level: level ?? .good, formats: formats.formats)
        if let target { options.target = target }
        options.exhaustive = exhaustive
        options.maxPixels = maxPixels
        options.avifEffort = avifEffort.value
        let result: OptimizeResult
        do {
            result = try Optimizer.optimize(variant, options: options)
        } catch let error as EngineError where error.code == .tooSmallToScore {
            // The source is fine; the variant is what the metric cannot score.
            throw CLIError.usage("\(image): \(transformation == nil ? "the image" : "the variant") is "
                                 + "\(variant.width)×\(variant.height) pixels, too small to score: "
                                 + "SSIMULACRA2 needs at least \(SSIMULACRA2.minimumSize)×\(SSIMULACRA2.minimumSize) "
                                 + "(render chooses the format of so small a variant by size alone)")
        } catch let error as SSIMULACRA2Error {
            throw CLIError.usage("\(image): \(error.message)")
        }
        if let output {
            let named = ImageFormat(name: (output as NSString).pathExtension)
            if let named, named.rawValue != result.format {
                Diagnostics.warning("\(output): \(result.format) was chosen, written despite the .\((output as NSString).pathExtension) extension "
                                    + "(--formats \(named.rawValue) would allow only that format)")
            }
            try writeImageOutput(result.data, to: output)
        }
        if !result.meetsTarget {
            // Found in review: a target no allowed format reached gave the best file with exit 0
            // and nothing said.
            Diagnostics.warning("\(image): no allowed format reaches SSIMULACRA2 \(result.target); the highest-scoring file "
                                + "(\(String(format: "%.1f", result.ssimulacra2))) is given")
        }
        if json {
            try JSONOutput.print(result)
        } else {
            let q = result.quality.map { " q\($0)" } ?? " lossless"
            printSummary("\(result.format)\(q): \(result.bytes) bytes, SSIMULACRA2 \(String(format: "%.1f", result.ssimulacra2)) (target \(result.target)), \(Wording.counted(result.encodes, "encode"))",
                         output: output)
            for c in result.candidates {
                let cq = c.quality.map { "q\($0)" } ?? "lossless"
                printSummary("  \(c.format) \(cq): \(c.bytes) bytes, \(String(format: "%.1f", c.ssimulacra2))\(c.meetsTarget ? "" : " (misses the target)"), \(Wording.counted(c.encodes, "encode"))",
                             output: output)
            }
        }
    }
}

/// The image after `transformation` (or the upright source), as pixels ready to encode.
/// - Parameter settings: Where the command's own format and quality come from, for the message
///   that refuses `f_`/`q_` in the transformation.
func renderVariant(image: String, transformation: String?,
                   settings: String = "--formats and --level choose among them") throws -> Image {
    guard let text = transformation else {
        let source = try Image.load(path: image)
        // JPEG damage libvips decodes through without a word (a run of zeros in the scan data).
        try Image.checkDecodedCleanly(path: image)
        if source.pageCount > 1 {
            Diagnostics.write("variant: the source has \(source.pageCount) pages or frames: only the first is measured")
        }
        return try source.upright().toSRGB()
    }
    let t = try parseTransformationArgument(text, usage: "the image is the argument, and --transformation the geometry to apply to it")
    let delivery = ContentResolver.deliveryParameters(t)
    guard delivery.isEmpty else {
        throw CLIError.usage("--transformation: the format and quality are this command's to choose: give the geometry without "
                             + delivery.joined(separator: ", ") + " (\(settings); render keeps them)")
    }
    do {
        // g_auto and the face gravities through the engine's analysis, as render does (they
        // fell back to the centre and north here).
        let resolver = try ContentResolver.forRendering(path: image, transformation: t)
        let rendered = try Renderer.renderPixels(RenderRequest(sourcePath: image, transformation: t, resolver: resolver))
        // What the variant leaves out is said here too (it was said by render only): the file
        // measured is not the one Cloudinary would deliver.
        for parameter in rendered.notRendered { Diagnostics.warning("\(parameter) is not rendered locally") }
        for note in rendered.sourceNotes + rendered.drawingNotes { Diagnostics.write("variant: \(note)") }
        return rendered.image
    } catch let error as EngineError {
        throw CLIError(message: error.description, status: error.code == .invalidTransformation ? ExitStatus.invalid : ExitStatus.ioError)
    }
}
