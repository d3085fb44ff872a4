import ArgumentParser
import CloudinaryTransform
import Foundation
import VariantEngine

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a Cloudinary transformation of a local image with libvips.",
        usage: "variant render <image> <transformation> -o <output> [<options>]",
        discussion: """
            Executes the transformation the way Cloudinary delivers it: every crop mode
            and gravity (g_auto and g_face through the engine's smart crop and face
            detection), ar, dpr (layers too), relative sizes, chains, a_ rotation, b_
            (the padding's colour; an opaque one also fills what is transparent),
            e_grayscale, e_blur[:n], e_sharpen[:n], o_, r_ (radius, max), bo_ (border;
            it follows r_), f_, q_ (q_N:420 and :444; q_auto[:level][:sensitive], with
            Cloudinary's default of progressive JPEG), and the flags progressive[:none],
            lossy, png8 and any_format.

            Layers: text layers (l_text:<font>_<size>[_bold|_italic|...]:<text> with co_, o_ and
            the fl_layer_apply component's g_, x_, y_; fonts are the nearest local match:
            Liberation for Arial, Times New Roman and Courier New), and image layers
            (l_brand:logo ... fl_layer_apply) drawn from the file --layer names for them, with
            their own transformation. Parameters that are valid but not rendered locally (an
            image layer without a file, most effects, text stroke) are listed on stderr and in
            the JSON's "notRendered"; they are never silently dropped.

            Output format: f_ in the transformation, else the extension of OUT, else the source's
            when it is JPEG, WebP, AVIF, PNG or GIF (JPEG for any other: TIFF, HEIC ...).
            An animation or a multi-page file renders its first page, with a note saying so.
            The file is written atomically: on any error nothing is left at OUT. -o - writes the
            image to stdout for a pipe (the summary line then goes to stderr; not with --json).

            JSON: {"width", "height", "format", "quality", "bytes", "crop", "shrinkOnLoad",
            "notRendered", "notes"}, and with f_auto or q_auto the optimiser's "ssimulacra2"
            (its measured score) and "encodes" (how many encodes it took).

            Examples:
              variant render hero.jpg c_fill,g_auto,w_800,h_450 -o hero-800.jpg
              variant render logo.png c_pad,b_white,w_400,h_400/f_webp,q_80 -o logo.webp \\
                --json
              variant render team.jpg c_thumb,g_face,w_200,h_200/r_max -o avatar.png \\
                --faces "410,120,160,170"
              variant render hero.jpg w_800/l_logo,w_120/fl_layer_apply,g_south_east \\
                --layer logo=logo.png -o branded.jpg
            """.reflowed
    )

    @Argument(help: "The source image file.")
    var image: String

    @Argument(help: "The transformation, e.g. c_fill,g_auto,w_800,h_450/f_auto,q_auto.")
    var transformation: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the variant; - for stdout.")
    var output: String

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Option(help: ArgumentHelp("Known face boxes, \"x,y,w,h;...\" in source pixels after EXIF orientation, used instead of the face search by g_face, g_faces and g_auto.",
                               valueName: "x,y,w,h;..."))
    var faces: String?

    @Option(help: ArgumentHelp("Custom coordinates for g_custom, \"x,y,w,h;...\" in source pixels after EXIF orientation; as at Cloudinary, they override g_auto too.",
                               valueName: "x,y,w,h;..."))
    var custom: String?

    @Option(name: .customLong("layer"),
            help: ArgumentHelp("A local file for an image layer, ID=FILE: l_ID's public id (brand:logo or brand/logo); repeat for several.",
                               valueName: "ID=FILE"))
    var layers: [String] = []

    @OptionGroup var maxPixels: MaxPixelsOption

    @OptionGroup var avifEffort: AVIFEffortOption

    @OptionGroup var timeout: TimeoutOption

    func validate() throws {
        _ = try knownRegions(faces: faces, custom: custom)
        // A usage error with the usage lines, as other bad values get (found in a regression pass).
        for layer in layers where !layer.dropFirst().dropLast().contains("=") {
            throw ValidationError("--layer: expected ID=FILE (brand:logo=logo.png) but received '\(layer)'")
        }
    }

    func run() throws {
        timeout.install()
        maxPixels.install()
        let parsedTransformation = try parseTransformationArgument(
            transformation, usage: "the image comes first, variant render IMAGE TRANSFORMATION -o OUT")
        let extensionFormat = try checkImageOutput(output, source: image, formatHint: "leave the extension off and let f_ in the transformation choose",
                                                   json: json)
        let known = try knownRegions(faces: faces, custom: custom)
        // g_auto and the face gravities read the engine's analysis (one reduced decode).
        let resolver = try ContentResolver.forRendering(path: image, transformation: parsedTransformation, known: known,
                                                                maxPixels: maxPixels.value)
        var request = RenderRequest(
            sourcePath: image, transformation: parsedTransformation, defaultFormat: extensionFormat,
            resolver: resolver, limits: LoadOptions(maxPixels: maxPixels.value, timeout: timeout.limit))
        request.avifEffort = avifEffort.value
        for layer in layers {
            // An id may hold "=" itself (a fetch layer's base64): the first "=" after which a file
            // exists splits it, else the first one.
            let splits = layer.indices.filter { layer[$0] == "=" }
            let split = splits.first { FileManager.default.fileExists(atPath: String(layer[layer.index(after: $0)...])) } ?? splits.first
            guard let equals = split, equals != layer.startIndex, layer.index(after: equals) != layer.endIndex else {
                throw CLIError.usage("--layer: expected ID=FILE (brand:logo=logo.png) but received '\(layer)'")
            }
            let file = String(layer[layer.index(after: equals)...])
            guard FileManager.default.fileExists(atPath: file) else {
                throw CLIError.io("--layer \(layer): \(Image.unreachableReason(file)?.reason ?? "no such file")")
            }
            // The output would replace a layer's file, as it may not replace the source.
            if output != standardOutputPath, AtomicFile.destination(of: output) == AtomicFile.destination(of: file) {
                throw CLIError.io("-o \(output): the same file as the layer's file (--layer \(layer)); give another path")
            }
            let id = String(layer[..<equals]).replacingOccurrences(of: ":", with: "/")
            // Two files for one layer: which one was meant is not ours to guess.
            if let earlier = request.layerFiles[id], earlier != file {
                throw CLIError.usage("--layer \(layer): the layer \(id) already has the file \(earlier)")
            }
            request.layerFiles[id] = file
        }
        // A file for a layer the transformation does not name is said, not silently unused.
        let named = Set(parsedTransformation.components.flatMap { component in
            component.parameters.filter { $0.key == "l" || $0.key == "u" }.map { $0.rawValue.replacingOccurrences(of: ":", with: "/") }
        })
        for id in request.layerFiles.keys.sorted() where !named.contains(id) {
            Diagnostics.warning("--layer \(id.replacingOccurrences(of: "/", with: ":")): the transformation has no l_ or u_ of that id; the file is not used")
        }
        var result: RenderResult
        do {
            result = try Renderer.render(request)
        } catch let error as EngineError {
            // A geometry that cannot be resolved is shown as validation shows a problem: the
            // string and a caret under the parameter.
            if let located = error.geometryError?.diagnostic(in: parsedTransformation, input: transformation) {
                Diagnostics.write("variant: " + located.rendered(input: transformation))
                throw CLIError(message: "\(image): invalid transformation", status: ExitStatus.invalid)
            }
            throw CLIError(message: error.description,
                           status: error.code == .invalidTransformation ? ExitStatus.invalid : ExitStatus.ioError)
        }
        if let extensionFormat, extensionFormat.rawValue != result.format {
            Diagnostics.warning("\(output): the transformation asks for \(result.format), written despite the .\((output as NSString).pathExtension) extension")
        }
        for parameter in result.notRendered {
            var hint = ""
            let value = String(parameter.dropFirst(2))
            if parameter.hasPrefix("l_"), !parameter.contains(" "), request.layerFiles[value.replacingOccurrences(of: ":", with: "/")] == nil,
               !["text:", "subtitles:", "fetch:", "video:", "audio:", "raw:"].contains(where: value.hasPrefix) {
                hint = " (give --layer \(value)=FILE to draw it from a file)"
            }
            Diagnostics.warning("\(parameter) is not rendered locally" + hint)
        }
        // The geometry's warnings ("t_hero is a named transformation …") and notes: on stderr too, not
        // only in the JSON, so a plain run does not hide them.
        for note in result.notes { Diagnostics.write("variant: \(note)") }
        // Boxes past the image are said, as crop says them (found in review: render clipped them
        // without a word once its --faces fed g_auto as crop's do).
        // Only when a gravity reads them: c_scale uses none, and "it is used as" would be untrue.
        let readsBoxes = ContentResolver.needsAnalysis(parsedTransformation) || parsedTransformation.components.contains { component in
            component.parameters.contains { $0.key == "g" && $0.rawValue.hasPrefix("custom") }
        }
        if readsBoxes, !known.knownFaces.isEmpty || !known.knownCustom.isEmpty, let info = try? ImageInfo.read(path: image, verify: false) {
            result.notes += KnownFacesOption.warnOutside(known.knownFaces.map(SourceRect.init), option: "--faces", width: info.width, height: info.height)
                + KnownFacesOption.warnOutside(known.knownCustom.map(SourceRect.init), option: "--custom", width: info.width, height: info.height)
        }
        try writeImageOutput(result.data, to: output)
        if json {
            try JSONOutput.print(result)
        } else {
            let quality = result.quality.map { " q\($0)" } ?? ""
            let name = output == standardOutputPath ? "stdout" : output
            printSummary("\(name): \(result.width)×\(result.height) \(result.format)\(quality), \(result.bytes) bytes", output: output)
        }
    }
}
