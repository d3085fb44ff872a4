import ArgumentParser
import CloudinaryTransform
import Foundation

struct GeometryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geometry",
        abstract:
            "Resolve the crop/resize geometry of a transformation for a source size, without any image.",
        usage: "variant geometry --source <WxH> <transformation> [<options>]",
        discussion: """
            Computes what Cloudinary delivers: the output size, the rectangle of the
            source that stays visible (source pixels, after EXIF orientation) and the
            padding, following Cloudinary's documented geometry: rounding half up, floor
            centring, dpr as a delivery-wide multiplier, decimals relative to each
            component's input.

            Face and custom gravities use the --faces/--custom boxes (as stored on a
            Cloudinary asset); without them they take their documented fallbacks
            (face, faces: north; custom: center). g_auto windows depend on the
            image: "crop" is null for them here.

            With --json, one object on stdout:
              {"output": [w, h], "crop": [x, y, w, h] | null,
               "pad": [left, top, right, bottom] | null,
               "source", "upright", "orientation", "dpr", "resolved",
               "steps": [...], "notes": [...]}
            Each step extracts "window" from "input", resizes it to "resize",
            embeds it at "padding" on "canvas", then applies "flip" and
            "rotation", producing "output".

            Exit status: 0 resolved, 1 invalid transformation (diagnostics on
            stderr), 2 usage error.

            Examples:
              variant geometry --source 1280x853 c_fill,w_250,h_250
              variant geometry --source 1280x853 c_thumb,g_face,w_150,h_150 \\
                --faces 600,300,100,100 --json
              variant geometry --source 4000x3000 --orientation 6 \\
                c_crop,g_custom/c_scale,w_400 --custom 10,20,800,600
              variant geometry --source 1280x853 c_fill,h_100,w_100/dpr_2.0
            """.reflowed
    )

    // .unconditional: a value that starts with '-' ("-5x10") is this option's value, for the
    // size's own error, not a missing value.
    @Option(parsing: .unconditional, help: ArgumentHelp("Source size as stored, before EXIF orientation.", valueName: "WxH"))
    var source: String

    @Argument(help: "The transformation, e.g. c_fill,g_north,w_800,h_450/c_scale,w_0.5.")
    var transformation: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Known face boxes in upright source pixels.", valueName: "x,y,w,h;..."))
    var faces: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Custom coordinates in upright source pixels.", valueName: "x,y,w,h;..."))
    var custom: String?

    @Option(parsing: .unconditional, help: "EXIF orientation of the source (1-8); applied before the geometry unless a_ignore.")
    var orientation: Int = 1

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    func validate() throws {
        guard GeometryCommand.size(source) != nil else {
            throw ValidationError(
                "Expected --source WxH with positive whole numbers under 2147483648 (e.g. 1280x853) but received '\(source)'")
        }
        guard (1...8).contains(orientation) else {
            throw ValidationError("Expected --orientation between 1 and 8 but received \(orientation)")
        }
        _ = try knownRegions(faces: faces, custom: custom)
    }

    func run() throws {
        guard let size = GeometryCommand.size(source) else {
            throw CLIError.usage("invalid --source '\(source)'")
        }
        let resolver = try knownRegions(faces: faces, custom: custom)
        let parsed: Transformation
        do {
            parsed = try Transformation(parsing: transformation)
        } catch let error as TransformationError {
            if let hint = deliveryURLHint(transformation) {
                throw CLIError(message: "invalid transformation: \(hint)", status: ExitStatus.invalid)
            }
            for line in renderedDiagnostics(error.diagnostics, input: transformation) { Diagnostics.write("variant: " + line) }
            throw CLIError.invalidInput
        }
        let geometry: ResolvedGeometry
        do {
            geometry = try parsed.geometry(source: size, orientation: orientation, resolver: resolver)
        } catch let error as GeometryError {
            if let located = error.diagnostic(in: parsed, input: transformation) {
                Diagnostics.write("variant: " + located.rendered(input: transformation))
            } else {
                Diagnostics.error(error.description)
            }
            throw CLIError.invalidInput
        }
        if json {
            for note in geometry.notes where note.severity == .warning {
                Diagnostics.write("variant: \(note.description)")  // (the note names its severity)
            }
            try JSONOutput.print(GeometryJSON(geometry))
        } else {
            print(GeometryCommand.describe(geometry))
        }
    }

    /// `1280x853` (also `X` or `×`).
    static func size(_ text: String) -> Size? {
        // Empty parts kept and digits only: `10x10x` and `+10x10` were read as 10x10.
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "X" || $0 == "×" })
        // Sides past Int32 are a usage error here, not a transformation found invalid later.
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }),
              let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0,
              w <= Int(Int32.max), h <= Int(Int32.max) else { return nil }
        return Size(w, h)
    }

    static func describe(_ g: ResolvedGeometry) -> String {
        var lines: [String] = []
        let upright = g.orientation == 1 ? "" : " (upright \(g.upright), EXIF orientation \(g.orientation))"
        lines.append(
            "source \(g.source)\(upright) -> output \(g.output)" + (g.dpr == 1 ? "" : " at dpr \(g.dpr)"))
        lines.append(
            "crop:  "
                + (g.crop.map { "\($0.width)x\($0.height) at (\($0.x), \($0.y)) in source pixels" }
                    ?? "unknown (depends on image content)"))
        let padUnknown = g.steps.contains {
            !$0.windowResolved && ($0.mode == "fill_pad" || $0.mode == "auto_pad")
        }
        lines.append(
            "pad:   "
                + (g.pad.map { "left \($0.left), top \($0.top), right \($0.right), bottom \($0.bottom)" }
                    ?? (padUnknown ? "unknown (depends on image content)" : "none")))
        if !g.steps.isEmpty { lines.append("steps:") }
        for (number, step) in g.steps.enumerated() {
            var parts: [String] = []
            if step.window != Rect(size: step.input) {
                parts.append("keep \(step.window.size) at (\(step.window.x), \(step.window.y))")
            }
            if step.resize != step.window.size { parts.append("resize to \(step.resize)") }
            if !step.padding.isZero {
                parts.append(
                    "pad to \(step.canvas) at (\(step.padding.left), \(step.padding.top))"
                        + (step.background.map { " on \($0)" } ?? ""))
            }
            if let flip = step.flip { parts.append("flip \(flip.rawValue)") }
            if step.rotation != 0 { parts.append("rotate \(step.rotation.formatted())°") }
            if parts.isEmpty { parts.append("unchanged") }
            let origin: String
            switch step.kind {
            case .orientation: origin = "EXIF orientation"
            case .resize: origin = "c_\(step.mode ?? "scale")" + (step.gravity.map { ",g_\($0)" } ?? "")
            case .upscale: origin = "e_upscale"
            case .autoRotate: origin = "a_auto"
            case .rotate: origin = "a_"
            }
            let component = step.component.map { " [component \($0)]" } ?? ""
            let placeholder = step.windowResolved ? "" : " (window position unknown: centred placeholder)"
            lines.append(
                "  \(number + 1). \(origin)\(component): \(step.input) -> \(step.output): "
                    + parts.joined(separator: ", ") + placeholder)
        }
        for note in g.notes { lines.append("note: \(note.description)") }
        return lines.joined(separator: "\n")
    }
}

extension Double {
    fileprivate func formatted() -> String { self == rounded() ? String(Int(self)) : String(self) }
}

/// The JSON contract: `output`, `crop`, `pad` always present (null where absent).
struct GeometryJSON: Encodable {
    var geometry: ResolvedGeometry

    init(_ geometry: ResolvedGeometry) { self.geometry = geometry }

    private enum Keys: String, CodingKey {
        case output, crop, pad, source, upright, orientation, dpr, resolved, steps, notes
    }

    private struct Step: Encodable {
        var step: GeometryStep
        private enum Keys: String, CodingKey {
            case kind, component, mode, gravity, input, window, resize, padding, canvas, background, flip,
                rotation, output, windowResolved
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(step.kind.rawValue, forKey: .kind)
            try c.encode(step.component, forKey: .component)
            try c.encode(step.mode, forKey: .mode)
            try c.encode(step.gravity, forKey: .gravity)
            try c.encode([step.input.width, step.input.height], forKey: .input)
            try c.encode(step.window.array, forKey: .window)
            try c.encode([step.resize.width, step.resize.height], forKey: .resize)
            try c.encode(step.padding.array, forKey: .padding)
            try c.encode([step.canvas.width, step.canvas.height], forKey: .canvas)
            try c.encode(step.background, forKey: .background)
            try c.encode(step.flip?.rawValue, forKey: .flip)
            try c.encode(step.rotation, forKey: .rotation)
            try c.encode([step.output.width, step.output.height], forKey: .output)
            try c.encode(step.windowResolved, forKey: .windowResolved)
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode([geometry.output.width, geometry.output.height], forKey: .output)
        try c.encode(geometry.crop?.array, forKey: .crop)
        try c.encode(geometry.pad?.array, forKey: .pad)
        try c.encode([geometry.source.width, geometry.source.height], forKey: .source)
        try c.encode([geometry.upright.width, geometry.upright.height], forKey: .upright)
        try c.encode(geometry.orientation, forKey: .orientation)
        try c.encode(geometry.dpr, forKey: .dpr)
        try c.encode(geometry.isResolved, forKey: .resolved)
        try c.encode(geometry.steps.map(Step.init), forKey: .steps)
        try c.encode(geometry.notes, forKey: .notes)
    }
}
