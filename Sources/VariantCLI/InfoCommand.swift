import ArgumentParser
import Foundation
import VariantEngine

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe image files: size after EXIF orientation, format, bands, alpha, ICC profile.",
        usage: "variant info <images> ... [<options>]",
        discussion: """
            Each file is decoded at reduced size to make sure it is whole: a truncated or corrupt
            file is reported as an error, not described (--header-only skips that check).

            With --json, one JSON object per file, one per line when there are several:
              {"path", "width", "height", "format", "bands", "hasAlpha",
               "orientation", "hasIccProfile", "bytes", "pages"}
            path: the argument as given, so that each line can be paired with its file when
            another file could not be read (that one is reported on stderr, with no line).

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
                    try JSONOutput.print(InfoJSON(path: path, info: info), pretty: images.count == 1)
                } else {
                    let icc = info.hasIccProfile ? ", ICC profile" : ""
                    let alpha = info.hasAlpha ? ", alpha" : ""
                    let pages = info.pages > 1 ? ", \(info.pages) pages" : ""
                    print("\(path): \(info.width)×\(info.height) \(info.format), \(Wording.counted(info.bands, "band"))\(alpha)\(icc), orientation \(info.orientation)\(pages), \(info.bytes) bytes")
                }
            } catch let error as VipsError {
                Diagnostics.error(error.description)
                failures += 1
            }
        }
        if failures > 0 { throw CLIError(message: "", status: ExitStatus.ioError) }
    }
}

/// The JSON of `variant info` for one file: the path as given, then the image's fields.
struct InfoJSON: Encodable {
    var path: String
    var info: ImageInfo

    private enum Key: String, CodingKey { case path }

    func encode(to encoder: Encoder) throws {
        try info.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(path, forKey: .path)
    }
}
