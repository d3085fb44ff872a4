import ArgumentParser
import Foundation
import VariantEngine
import VipsCore

struct BreakpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakpoints",
        abstract: "Responsive breakpoints: the widths where the file grows by at least --bytes-step.",
        discussion: """
            Cloudinary's responsive_breakpoints, computed locally: widths between --min-width and
            --max-width (never above the source's width) at which the file grows by at least
            --bytes-step bytes, at most --max-images of them, each with its measured size, and a
            ready srcset.

            JSON: {"breakpoints": [{"width", "bytes"}], "srcset"}

            Example:
              variant breakpoints hero.jpg --max-width 1600 --format webp --json
            """.reflowed
    )

    @Argument(help: "The source image file.")
    var image: String

    @Option(help: "The transformation applied before sizing (e.g. a crop).")
    var transformation: String?

    @Option(parsing: .unconditional, help: "Narrowest width (default 50).")
    var minWidth = 50

    @Option(parsing: .unconditional, help: "Widest width (default 1000).")
    var maxWidth = 1000

    @Option(parsing: .unconditional, help: "Minimum growth in bytes between two breakpoints (default 20000).")
    var bytesStep = 20000

    @Option(parsing: .unconditional, help: "At most this many breakpoints (default 20).")
    var maxImages = 20

    @Option(help: "Format measured: jpeg, webp, avif or png (default jpeg).")
    var format = "jpeg"

    @Option(parsing: .unconditional, help: "Encoder quality measured (default 80).")
    var quality = 80

    @Option(help: "URL template for the srcset, with {w} for the width.")
    var url = "{w}"

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    struct Output: Encodable {
        var breakpoints: [Breakpoint]
        var srcset: String
    }

    /// Each option named in its own message, before the image is decoded.
    func validate() throws {
        try requirePositive(minWidth, for: "--min-width")
        try requirePositive(maxWidth, for: "--max-width")
        try requirePositive(bytesStep, for: "--bytes-step")
        try requirePositive(maxImages, for: "--max-images")
        if minWidth > maxWidth {
            throw ValidationError("--min-width \(minWidth) is wider than --max-width \(maxWidth)")
        }
        if !(1...100).contains(quality) {
            throw ValidationError("expected a quality from 1 to 100 for --quality but received \(quality)")
        }
        if !url.contains("{w}") {
            throw ValidationError("--url needs {w} where the width goes, or every srcset entry is the same URL")
        }
    }

    func run() throws {
        guard let f = ImageFormat(name: format) else {
            throw CLIError.usage("Expected jpeg, webp, avif or png for --format but received \(format)")
        }
        let variant = try renderVariant(image: image, transformation: transformation)
        let options = BreakpointOptions(minWidth: minWidth, maxWidth: maxWidth, bytesStep: bytesStep,
                                        maxImages: maxImages, format: f, quality: quality)
        let points: [Breakpoint]
        do {
            points = try Breakpoints.compute(variant, options: options)
        } catch let error as EngineError {
            throw CLIError.usage(error.description)
        }
        let srcset = Breakpoints.srcset(points) { url.replacingOccurrences(of: "{w}", with: String($0)) }
        if json {
            try JSONOutput.print(Output(breakpoints: points, srcset: srcset))
        } else {
            for p in points { print("\(p.width)w: \(p.bytes) bytes") }
            print("srcset: \(srcset)")
        }
    }
}
