import ArgumentParser
import CloudinaryTransform
import Foundation
import VariantEngine

/// `--timeout SECONDS`, shared by every command that decodes images: the time limit of each
/// computation on an image (LoadOptions.timeout), 60 s unless given; 0 turns it off.
struct TimeoutOption: ParsableArguments {
    @Option(
        name: .customLong("timeout"), parsing: .unconditional,
        help: ArgumentHelp(
            "Stop any image computation (decode and pipeline; an encode too, except in plan) that takes longer than this, 0 to 86400 seconds; 0: no limit.",
            valueName: "SECONDS"))
    var seconds: Double = LoadOptions.standardTimeout.secondsValue

    func validate() throws {
        guard seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
            throw ValidationError("Expected a number of seconds between 0 and 86400 for --timeout but received \(seconds)")
        }
    }

    /// The limit, nil for none. In nanoseconds: in milliseconds, 0.0001 s became a limit of 0,
    /// which stopped every decode as "longer than the time limit of 0 s".
    var limit: Duration? { seconds == 0 ? nil : .nanoseconds(max(1, Int64((seconds * 1e9).rounded()))) }

    /// Makes the limit the process-wide default, so the loads the engine makes itself (analysis,
    /// planning, the optimiser's candidates) honour it as well as the ones the command makes.
    func install() {
        LoadOptions.defaultTimeout = limit
    }
}

extension Duration {
    fileprivate var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// `--max-pixels N`, shared by the commands that decode a source for analysis or rendering:
/// a source with more pixels is refused from its header, before any decode.
struct MaxPixelsOption: ParsableArguments {
    @Option(name: .customLong("max-pixels"), parsing: .unconditional,
            help: "Refuse sources with more pixels than this, before decoding.")
    var value = LoadOptions.standardMaxPixels

    func validate() throws {
        try requirePositive(value, for: "--max-pixels")
    }

    /// Makes the limit the process-wide default, for the loads the engine makes itself.
    func install() {
        LoadOptions.defaultMaxPixels = value
    }
}

/// `--faces x,y,w,h;...` for `crop` and `analyze`: faces the caller already knows (Cloudinary's
/// stored faces, say), used instead of the face search, which is then skipped.
struct KnownFacesOption: ParsableArguments {
    @Option(name: .customLong("faces"), parsing: .unconditional,
            help: ArgumentHelp("Known face boxes, \"x,y,w,h;...\" in source pixels after EXIF orientation, used instead of the face search. Cloudinary's stored faces are in the stored image's pixels: for an EXIF-rotated file, turn them first (a plan does, from the resource JSON).",
                               valueName: "x,y,w,h;..."))
    var text: String?

    func validate() throws {
        _ = try boxes()
    }

    /// The boxes, or nil when the option was not given.
    func boxes() throws -> [SourceRect]? {
        guard let text else { return nil }
        do {
            return try KnownRegions.parseBoxes(text).map(SourceRect.init)
        } catch let error as GeometryError {
            throw ValidationError("--faces: \(error.message)")
        }
    }

    /// Warns about given boxes that miss the analysed image (the analysis dropped them), and
    /// returns the warnings for the JSON's `notes`.
    func warnOutside(width: Int, height: Int) -> [String] {
        Self.warnOutside((try? boxes()) ?? [], option: "--faces", width: width, height: height)
    }

    /// The same for any option's boxes (render's --faces and --custom too).
    static func warnOutside(_ boxes: [SourceRect], option: String, width: Int, height: Int) -> [String] {
        let image = SourceRect(x: 0, y: 0, width: width, height: height)
        var notes: [String] = []
        for box in boxes {
            guard let inside = box.intersection(image) else {
                Diagnostics.warning("\(option): the box \(box.x),\(box.y),\(box.width),\(box.height) lies outside the \(width)x\(height) image; "
                                    + "it is ignored", noting: &notes)
                continue
            }
            // Clipped without a word before (found in review).
            if inside != box {
                Diagnostics.warning("\(option): the box \(box.x),\(box.y),\(box.width),\(box.height) reaches past the \(width)x\(height) image; "
                                    + "it is used as \(inside.x),\(inside.y),\(inside.width),\(inside.height)", noting: &notes)
            }
        }
        return notes
    }
}

/// `--avif-effort N`, shared by the commands that encode AVIF or decide formats (render,
/// optimize, plan): the effort every AVIF is encoded and scored at (``AVIFOptions/defaultEffort``
/// unless given), so a render reproduces the bytes a plan at the same effort predicted.
struct AVIFEffortOption: ParsableArguments {
    @Option(
        name: .customLong("avif-effort"), parsing: .unconditional,
        help: ArgumentHelp(
            "AVIF encoder effort, 0-9: higher makes smaller files, slower. Measured here, 4 (libvips's default) gave AVIF files about 5 percent smaller than 3 at the same score, for 3-4 times the encoding time.",
            valueName: "N"))
    var value: Int = AVIFOptions.defaultEffort

    func validate() throws {
        guard (0...9).contains(value) else {
            throw ValidationError("Expected an AVIF effort from 0 to 9 for --avif-effort but received \(value)")
        }
    }
}
