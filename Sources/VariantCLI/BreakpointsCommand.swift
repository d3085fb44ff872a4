import ArgumentParser
import Foundation
import VariantEngine

struct BreakpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakpoints",
        abstract: "Responsive breakpoints: the widths where the file grows by at least --bytes-step.",
        usage: "variant breakpoints <image> [<options>]",
        discussion: """
            Cloudinary's responsive_breakpoints, computed locally: widths between --min-width and
            --max-width (never above the source's width) at which the file grows by at least
            --bytes-step bytes over the previous one, measured by real encodes, at most --max-images
            of them, each with its size, and a ready srcset. The narrowest and widest widths are
            always listed; when the cap leaves fewer widths, steps are larger. The source is decoded
            once and resized to each width; `render` decodes at a reduced size where it can, so a
            render at one of these widths can differ from the size listed by a few per cent
            (people-couple-bar.jpg at 586 px as JPEG q80: 55,403 bytes listed, 53,945 rendered).

            An image narrower than --min-width has one width, its own, with a warning (in "notes"
            too): breakpoints never enlarge.

            JSON: {"breakpoints": [{"width", "bytes"}], "srcset", "notes": ["warning: …"]}

            Example:
              variant breakpoints hero.jpg --max-width 1600 --format webp --json
            """.reflowed
    )

    @Argument(help: "The source image file.")
    var image: String

    @Option(help: "The transformation applied before sizing (e.g. a crop).")
    var transformation: String?

    @Option(parsing: .unconditional, help: "Narrowest width.")
    var minWidth = 50

    @Option(parsing: .unconditional, help: "Widest width (never above the source's).")
    var maxWidth = 1000

    @Option(parsing: .unconditional, help: "Minimum growth in bytes between two breakpoints.")
    var bytesStep = 20000

    @Option(parsing: .unconditional, help: "At most this many breakpoints, 3 to 200 (as Cloudinary accepts).")
    var maxImages = 20

    @Option(help: "Format measured: jpeg, webp, avif, png or gif.")
    var format = "jpeg"

    @Option(parsing: .unconditional, help: "Encoder quality measured.")
    var quality = 80

    @Option(help: "URL template for the srcset, with {w} for the width.")
    var url = "{w}"

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @OptionGroup var maxPixels: MaxPixelsOption

    @OptionGroup var timeout: TimeoutOption

    struct Output: Encodable {
        var breakpoints: [Breakpoint]
        var srcset: String
        /// Warnings, as stderr has them.
        var notes: [String]
    }

    /// Each option named in its own message, before the image is decoded.
    func validate() throws {
        try requirePositive(minWidth, for: "--min-width")
        try requirePositive(maxWidth, for: "--max-width")
        try requirePositive(bytesStep, for: "--bytes-step")
        if !BreakpointOptions.maxImagesRange.contains(maxImages) {
            throw ValidationError("Expected 3 to 200 for --max-images (Cloudinary's range) but received \(maxImages)")
        }
        if minWidth > maxWidth {
            throw ValidationError("--min-width \(minWidth) is wider than --max-width \(maxWidth)")
        }
        if !(1...100).contains(quality) {
            throw ValidationError("expected a quality from 1 to 100 for --quality but received \(quality)")
        }
        if !url.contains("{w}") {
            throw ValidationError("--url needs {w} where the width goes, or every srcset entry is the same URL")
        }
        // A srcset splits its entries at white space (found in QA: 'a {w} b' made "a 50 b 50w").
        if url.contains(where: \.isWhitespace) {
            throw ValidationError("--url may hold no spaces (a srcset splits at them): write a space as %20 but received '\(url)'")
        }
        // A usage error with the usage lines, as every other option value (it was a bare error).
        if ImageFormat(name: format) == nil {
            throw ValidationError("Expected jpeg, webp, avif, png or gif for --format but received '\(format)'")
        }
    }

    func run() throws {
        timeout.install()
        maxPixels.install()
        guard let f = ImageFormat(name: format) else {
            throw CLIError.usage("Expected jpeg, webp, avif, png or gif for --format but received '\(format)'")
        }
        let variant = try renderVariant(image: image, transformation: transformation, settings: "--format and --quality set them")
        let options = BreakpointOptions(minWidth: minWidth, maxWidth: maxWidth, bytesStep: bytesStep,
                                        maxImages: maxImages, format: f, quality: quality)
        let points: [Breakpoint]
        do {
            points = try Breakpoints.compute(variant, options: options)
        } catch let error as EngineError {
            throw CLIError.usage(error.description)
        }
        let srcset = Breakpoints.srcset(points) { url.replacingOccurrences(of: "{w}", with: String($0)) }
        // Found in QA: a width under --min-width was listed without a word.
        var notes: [String] = []
        if variant.width < minWidth {
            Diagnostics.warning("the image is \(variant.width) px wide, under --min-width \(minWidth): its own width is the one "
                                + "listed (breakpoints never enlarge)", noting: &notes)
        }
        if json {
            try JSONOutput.print(Output(breakpoints: points, srcset: srcset, notes: notes))
        } else {
            for p in points { print("\(p.width)w: \(p.bytes) bytes") }
            print("srcset: \(srcset)")
        }
    }
}
