import Foundation
import VipsCore

/// Cloudinary's `responsive_breakpoints` parameters, with its defaults.
public struct BreakpointOptions: Sendable, Codable, Equatable {
    /// Narrowest width; default 50.
    public var minWidth: Int = 50
    /// Widest width; default 1000 (never more than the source's width: no upscaling).
    public var maxWidth: Int = 1000
    /// The file must grow by at least this many bytes between two breakpoints; default 20000.
    public var bytesStep: Int = 20000
    /// At most this many breakpoints, 3 to 200 as Cloudinary accepts; default 20.
    public var maxImages: Int = 20
    public static let maxImagesRange = 3...200
    /// The format and quality the widths are measured in.
    public var format: ImageFormat = .jpeg
    public var quality: Int = 80

    public init(minWidth: Int = 50, maxWidth: Int = 1000, bytesStep: Int = 20000, maxImages: Int = 20,
                format: ImageFormat = .jpeg, quality: Int = 80) {
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.bytesStep = bytesStep
        self.maxImages = maxImages
        self.format = format
        self.quality = quality
    }
}

/// One width of a responsive set and its file size.
public struct Breakpoint: Sendable, Codable, Equatable {
    public var width: Int
    public var bytes: Int
}

/// Responsive breakpoints: the widths between `minWidth` and `maxWidth` at which the file grows by
/// at least `bytesStep` over the previous one (measured), at most `maxImages` of them, each with
/// its measured size. The narrowest and widest widths are always included; only the widest may
/// be less than a step above the narrowest (when the whole range grows by less).
///
/// File size is measured at a geometric ladder of widths, interpolated, and the breakpoints are
/// placed where the interpolated size crosses each step; every chosen width is then encoded for
/// real, so the reported bytes are measured, not predicted.
///
/// ```swift
/// let image = try Image.load(path: "hero.jpg").upright().toSRGB()
/// let points = try Breakpoints.compute(image, options: BreakpointOptions(maxWidth: 1600))
/// print(Breakpoints.srcset(points, url: { "https://cdn.example/w_\($0)/hero.jpg" }))
/// ```
public enum Breakpoints {
    public static func compute(_ image: Image, options: BreakpointOptions) throws -> [Breakpoint] {
        guard options.minWidth >= 1, options.maxWidth >= options.minWidth, options.bytesStep > 0,
              BreakpointOptions.maxImagesRange.contains(options.maxImages) else {
            throw EngineError(.invalidArgument, "Expected 1 ≤ min width ≤ max width, bytes step > 0 and max images in 3...200")
        }
        // With alpha, resized premultiplied, as render's shrink (libvips's thumbnail) does: the
        // colour hidden under transparent pixels bled into the edges, and the sizes came out
        // 18-26 % over render's (found in QA on a logo).
        let sRGB = try image.toSRGB()
        let premultiplied = sRGB.hasAlpha && sRGB.isEightBit
        let source = try (premultiplied ? sRGB.premultiplied() : sRGB).materialised()
        let maxWidth = min(options.maxWidth, source.width)
        let minWidth = min(options.minWidth, maxWidth)
        var measured: [Int: Int] = [:]
        func bytes(at width: Int) throws -> Int {
            if let known = measured[width] { return known }
            let height = max(1, Int((Double(source.height) * Double(width) / Double(source.width)).rounded()))
            var scaled = try source.resized(toWidth: width, height: height)
            // Truncated back to 8 bits, as libvips's thumbnail does in render's shrink (rounding
            // here measured 5 % fewer bytes than render writes for logo-alpha.png at 419 px).
            if premultiplied { scaled = try scaled.unpremultiplied().castToEightBit() }
            if options.format == .jpeg, scaled.hasAlpha { scaled = try scaled.flattened(background: [255, 255, 255]) }
            // Encoded as `render` encodes (PNG as a plan and render write it).
            let size = try Renderer.encoded(scaled, as: .defaults(for: options.format, quality: options.quality)).count
            measured[width] = size
            return size
        }

        // A ladder of widths, denser where files are small.
        let rungs = 10
        var ladder = Set([minWidth, maxWidth])
        if maxWidth > minWidth {
            for i in 1..<rungs {
                let w = Double(minWidth) * pow(Double(maxWidth) / Double(minWidth), Double(i) / Double(rungs))
                ladder.insert(Int(w.rounded()))
            }
        }
        let widths = ladder.sorted()
        let sizes = try widths.map { try bytes(at: $0) }

        func width(forBytes target: Double) -> Int {
            for i in 1..<widths.count where Double(sizes[i]) >= target {
                let (w0, w1) = (Double(widths[i - 1]), Double(widths[i]))
                let (b0, b1) = (Double(sizes[i - 1]), Double(sizes[i]))
                let t = b1 > b0 ? (target - b0) / (b1 - b0) : 1
                return Int((w0 + t * (w1 - w0)).rounded(.up))
            }
            return maxWidth
        }

        var step = Double(options.bytesStep)
        var chosen: [Int] = []
        while true {
            chosen = [minWidth]
            var level = Double(sizes[0]) + step
            while level < Double(sizes.last!) {
                let w = width(forBytes: level)
                if w > chosen.last!, w < maxWidth { chosen.append(w) }
                level += step
            }
            if chosen.last! != maxWidth { chosen.append(maxWidth) }
            if chosen.count <= options.maxImages { break }
            step *= Double(chosen.count) / Double(options.maxImages) * 1.01
        }
        // The widths above come from interpolated sizes; their real encodes can fall short of a
        // step or even shrink (a wider JPEG can be smaller). Keep widths that grow by a whole
        // step over the last kept one, measured; one that falls short moves up to the narrowest
        // width before the next candidate that does (found by halving, to within 2 %), rather
        // than being dropped, which left gaps of about two steps. Then the widest, dropping kept
        // widths within a step of it: the narrowest and the widest are always there.
        /// The narrowest width in (`low`, `high`] whose file reaches `needed`, found by halving
        /// until the bracket is at most `slack(low)` wide; nil when even `high` falls short.
        func narrowest(above low: Int, upTo high: Int, reaching needed: Int, slack: (Int) -> Int) throws -> Int? {
            var low = low, high = high
            guard high > low, try bytes(at: high) >= needed else { return nil }
            while high - low > slack(low) {
                let middle = (low + high) / 2
                if try bytes(at: middle) >= needed { high = middle } else { low = middle }
            }
            return high
        }

        var kept = [chosen[0]]
        for i in chosen.indices.dropFirst().dropLast() {
            let w = chosen[i]
            let needed = try bytes(at: kept.last!) + options.bytesStep
            if try bytes(at: w) >= needed {
                kept.append(w)
                continue
            }
            if let width = try narrowest(above: max(w, kept.last!), upTo: chosen[i + 1] - 1, reaching: needed,
                                         slack: { max(1, $0 / 50) }) {
                kept.append(width)
            }
        }
        if let widest = chosen.last, widest != kept.last {
            var dropped = false
            while kept.count > 1, try bytes(at: widest) < bytes(at: kept.last!) + options.bytesStep {
                kept.removeLast()
                dropped = true
            }
            // A width dropped there (found by halving to within 2 %, so a little wide) may have a
            // narrower stand-in a whole step from both its neighbours: found to the pixel (found
            // in QA: 842 then 1000 px, two steps apart, where 923 px is a step from each).
            if dropped, kept.count < options.maxImages - 1, let last = kept.last,
               let width = try narrowest(above: last, upTo: widest - 1, reaching: bytes(at: last) + options.bytesStep, slack: { _ in 1 }),
               try bytes(at: widest) >= bytes(at: width) + options.bytesStep {
                kept.append(width)
            }
            kept.append(widest)
        }
        return try kept.map { Breakpoint(width: $0, bytes: try bytes(at: $0)) }
    }

    /// A `srcset` attribute value: "URL 320w, URL 640w, …".
    public static func srcset(_ points: [Breakpoint], url: (Int) -> String) -> String {
        points.map { "\(url($0.width)) \($0.width)w" }.joined(separator: ", ")
    }
}
