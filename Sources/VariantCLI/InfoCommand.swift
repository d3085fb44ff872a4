import ArgumentParser
import Foundation
import VariantEngine

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe image files: size after EXIF orientation, format, bands, alpha, ICC profile.",
        discussion: """
            Each file is decoded at reduced size to make sure it is whole: a truncated or corrupt
            file is reported as an error, not described (--header-only skips that check).

            With --json, one JSON object per file, one per line when there are several:
              {"width", "height", "format", "bands", "hasAlpha", "orientation",
               "hasIccProfile", "bytes", "pages"}

            hasAlpha: the file has an alpha band, used or not (`variant analyze` says whether
            any pixel is transparent).

            Examples:
              variant info hero.jpg
              variant info --json TestImages/*.jpg
            """.reflowed
    )

    @Argument(help: "Image files to describe.")
    var images: [String]

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Flag(help: "Read the header only; do not decode to check the file is whole.")
    var headerOnly = false

    @Option(parsing: .unconditional, help: "Refuse images with more pixels than this, before decoding.")
    var maxPixels = LoadOptions.standardMaxPixels

    @OptionGroup var timeout: TimeoutOption

    func validate() throws {
        try requirePositive(maxPixels, for: "--max-pixels")
    }

    func run() throws {
        timeout.install()
        var failures = 0
        for path in images {
            do {
                let info = try ImageInfo.read(path: path, verify: !headerOnly, limits: LoadOptions(maxPixels: maxPixels, timeout: timeout.limit))
                if json {
                    try JSONOutput.print(info, pretty: images.count == 1)
                } else {
                    let icc = info.hasIccProfile ? ", ICC profile" : ""
                    let alpha = info.hasAlpha ? ", alpha" : ""
                    let pages = info.pages > 1 ? ", \(info.pages) pages" : ""
                    print("\(path): \(info.width)×\(info.height) \(info.format), \(info.bands) band\(info.bands == 1 ? "" : "s")\(alpha)\(icc), orientation \(info.orientation)\(pages), \(info.bytes) bytes")
                }
            } catch let error as VipsError {
                Diagnostics.error(error.description)
                failures += 1
            }
        }
        if failures > 0 { throw CLIError(message: "", status: ExitStatus.ioError) }
    }
}
