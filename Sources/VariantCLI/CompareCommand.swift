import ArgumentParser
import Foundation
import VariantEngine

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a distorted image against its reference with SSIMULACRA2.",
        usage: "variant compare <reference> <distorted> [<options>]",
        discussion: """
            100 means identical; about 90 is visually lossless, 70 high quality, 50 medium, 30 low.
            Both images must have the same size (after EXIF orientation): images of different
            sizes exit with status 1. Images with alpha are judged over a dark and a bright
            background, and the lower score is reported.

            JSON: {"ssimulacra2": score}

            Example:
              variant compare original.png encoded.avif --json
            """.reflowed
    )

    @Argument(help: "The reference image.")
    var reference: String

    @Argument(help: "The image to judge.")
    var distorted: String

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Option(parsing: .unconditional, help: "Refuse images with more pixels than this: the measure holds about 80 bytes a pixel.")
    var maxPixels = OptimizeOptions.defaultMaxPixels

    @OptionGroup var timeout: TimeoutOption

    struct Output: Encodable { var ssimulacra2: Double }

    func validate() throws {
        try requirePositive(maxPixels, for: "--max-pixels")
    }

    func run() throws {
        timeout.install()
        // The load refuses an image over the limit from its header, before any decode.
        let limits = LoadOptions(maxPixels: maxPixels)
        let a = try Image.load(path: reference, options: limits).upright().toSRGB().pixels()
        let b = try Image.load(path: distorted, options: limits).upright().toSRGB().pixels()
        // JPEG damage libvips decodes through without a word (a run of zeros in the scan data).
        try Image.checkDecodedCleanly(path: reference)
        try Image.checkDecodedCleanly(path: distorted)
        let score: Double
        do {
            score = try SSIMULACRA2.score(reference: a, distorted: b)
        } catch let error as SSIMULACRA2Error {
            // Two images of different sizes were read and found unfit to compare: invalid input,
            // not a usage or I/O error.
            throw CLIError(message: "\(distorted): \(error.message)",
                           status: error.code == .sizeMismatch ? ExitStatus.invalid : ExitStatus.ioError)
        }
        if json {
            try JSONOutput.print(Output(ssimulacra2: score))
        } else {
            print(String(format: "%.3f", score))
        }
    }
}
