import VipsCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SSIMULACRA 2.1, the perceptual metric the quality search uses, in Swift.
///
/// This follows the C++ reference (cloudinary/ssimulacra2, version 2.1) step by step and in
/// its float32 numerics, down to the rounding of the fused multiply-adds its SIMD code uses,
/// so scores agree with it to about 1e-6 (the 96 pairs in
/// `Tests/VariantEngineTests/Fixtures/ssimulacra2` pin this down). That matters above about
/// 85, where a score is dominated by float rounding noise in flat areas: plain
/// multiply-then-add arithmetic was up to 1.1 points off there.
///
/// 1. 8-bit sRGB to linear RGB (images with alpha first blended over a grey background in
///    sRGB-encoded space), then XYB rescaled to about 0...1 (X, Y, B-Y).
/// 2. Six scales, each half the previous one (2x2 box filter in linear RGB); like the
///    reference, it stops before a scale when the *previous* one was under 8 pixels wide or
///    high.
/// 3. Per scale and channel: libjxl's recursive Gaussian (sigma 1.5, zero outside the
///    image), an SSIM map without the luminance term, and edge-difference maps for ringing
///    and for blur; each map pooled as a 1-norm and a 4-norm.
/// 4. The 108 published weights and the final nonlinear mapping to the score.
///
/// Scores: 100 means identical; about 90 is visually lossless, 70 high quality, 50 medium,
/// 30 low; strong distortion goes below 0.
///
/// ```swift
/// let reference = try Image.load(path: "hero.png").pixels()
/// let candidate = try Image.load(path: "hero-q60.avif").pixels()
/// let score = try SSIMULACRA2.score(reference: reference, distorted: candidate)
/// if score >= 80 { print("very high quality: \(score)") }
/// ```
public enum SSIMULACRA2 {
    /// Score of `distorted` against `reference`; 100 = identical, higher is better.
    ///
    /// Both buffers are 8-bit sRGB with 1 to 4 bands (grey, grey + alpha, RGB, RGBA); grey is
    /// treated as R = G = B. When `reference` has alpha, both images are composited over a
    /// dark (0.1) and a bright (0.9) background and the lower of the two scores is returned;
    /// otherwise a `distorted` with alpha is composited over mid grey (0.5). This is what the
    /// reference tool does.
    ///
    /// Large images are processed on all cores.
    ///
    /// - Parameters:
    ///   - reference: The original pixels.
    ///   - distorted: The pixels to judge, of the same width and height.
    /// - Returns: The score, at most 100.
    /// - Throws: ``SSIMULACRA2Error`` when the sizes differ, an image is smaller than 8x8 or a
    ///   buffer is malformed.
    ///
    /// To score several candidates against one original, prepare it once with
    /// ``Reference`` instead: the same scores, with the reference's half of the work done once.
    ///
    /// ```swift
    /// let score = try SSIMULACRA2.score(reference: original.pixels(), distorted: encoded.pixels())
    /// ```
    public static func score(reference: PixelBuffer, distorted: PixelBuffer) throws -> Double {
        try validate(reference, name: "reference")
        try validate(distorted, name: "distorted")
        guard reference.width == distorted.width, reference.height == distorted.height else {
            throw SSIMULACRA2Error(
                code: .sizeMismatch,
                message:
                    "expected the distorted image at \(reference.width)×\(reference.height) (the reference's size) "
                    + "but received \(distorted.width)×\(distorted.height)")
        }
        guard reference.width >= minimumSize, reference.height >= minimumSize else {
            throw SSIMULACRA2Error(
                code: .imageTooSmall,
                message: "Expected images of at least \(minimumSize)x\(minimumSize) pixels "
                    + "but received \(reference.width)x\(reference.height)")
        }
        // One pair: the five blurs of each channel run in lockstep and nothing is kept, which
        // costs less memory traffic than preparing a ``Reference`` for a single use.
        if reference.bands == 2 || reference.bands == 4 {
            let dark = score(reference, distorted, background: 0.1)
            let bright = score(reference, distorted, background: 0.9)
            return min(dark, bright)
        }
        return score(reference, distorted, background: 0.5)
    }

    /// The reference refuses images under 8x8 pixels.
    public static let minimumSize = 8
    static let scaleCount = 6

    static func validate(_ pixels: PixelBuffer, name: String) throws {
        guard (1...4).contains(pixels.bands) else {
            throw SSIMULACRA2Error(
                code: .invalidPixels,
                message: "Expected 1 to 4 bands for \(name) but received \(pixels.bands)")
        }
        guard pixels.width > 0, pixels.height > 0,
            pixels.data.count == pixels.width * pixels.height * pixels.bands
        else {
            throw SSIMULACRA2Error(
                code: .invalidPixels,
                message: "Expected \(pixels.width)x\(pixels.height)x\(pixels.bands) bytes for \(name) "
                    + "but received \(pixels.data.count)")
        }
    }

    /// One score with alpha (where present) blended over `background`.
    private static func score(_ reference: PixelBuffer, _ distorted: PixelBuffer, background: Float)
        -> Double
    {
        let width = reference.width
        let height = reference.height
        let linear1 = Planes(count: 3, width: width, height: height)
        let linear2 = Planes(count: 3, width: width, height: height)
        let xyb1 = Planes(count: 3, width: width, height: height)
        let xyb2 = Planes(count: 3, width: width, height: height)
        let scratch = Planes(count: 5, width: width, height: height)
        let parallel = width * height >= parallelThreshold
        Parallel.forEach(2, parallel: parallel) { index in
            if index == 0 {
                linearRGB(reference, background: background, into: linear1)
            } else {
                linearRGB(distorted, background: background, into: linear2)
            }
        }

        var scales: [ScaleSums] = []
        for scale in 0..<scaleCount {
            // The reference checks the size of the previous scale, so the last scale it
            // scores may be under 8 pixels wide or high.
            if linear1.width < minimumSize || linear1.height < minimumSize { break }
            if scale > 0 {
                Parallel.forEach(2, parallel: parallel) { downsample($0 == 0 ? linear1 : linear2) }
            }
            Parallel.forEach(2, parallel: parallel) { index in
                if index == 0 {
                    positiveXYB(from: linear1, into: xyb1)
                } else {
                    positiveXYB(from: linear2, into: xyb2)
                }
            }
            let channels = (0..<3).map { channel in
                pairChannelSums(
                    xyb1.plane(channel), xyb2.plane(channel), width: xyb1.width, height: xyb1.height,
                    blur: gaussian, scratch: scratch)
            }
            scales.append(ScaleSums(pixels: xyb1.width * xyb1.height, channels: channels))
        }
        return combine(scales)
    }

    /// The blur of every scale: sigma 1.5.
    static let gaussian = RecursiveGaussian(sigma: 1.5)

    /// The map sums of the three channels at one scale.
    struct ScaleSums {
        let pixels: Int
        let channels: [ChannelSums]
    }

    /// `Msssim::Score`: norms, weights and the final mapping. The weight index runs on over
    /// scales that were not computed, exactly as in the reference.
    static func combine(_ scales: [ScaleSums]) -> Double {
        var ssim = 0.0
        var i = 0
        for channel in 0..<3 {
            for scale in 0..<scales.count {
                let sums = scales[scale].channels[channel]
                let onePerPixels = 1.0 / Double(scales[scale].pixels)
                let ssimNorms = [onePerPixels * sums.ssim, sqrt(sqrt(onePerPixels * sums.ssim4))]
                let artifactNorms = [
                    onePerPixels * sums.artifact, sqrt(sqrt(onePerPixels * sums.artifact4)),
                ]
                let lostNorms = [
                    onePerPixels * sums.detailLost, sqrt(sqrt(onePerPixels * sums.detailLost4)),
                ]
                for norm in 0..<2 {
                    ssim += weights[i] * abs(ssimNorms[norm])
                    i += 1
                    ssim += weights[i] * abs(artifactNorms[norm])
                    i += 1
                    ssim += weights[i] * abs(lostNorms[norm])
                    i += 1
                }
            }
        }
        ssim *= 0.9562382616834844
        ssim =
            2.326765642916932 * ssim - 0.020884521182843837 * ssim * ssim
            + 6.248496625763138e-05 * ssim * ssim * ssim
        if ssim > 0 {
            return 100.0 - 10.0 * pow(ssim, 0.6276336467831387)
        }
        return 100.0
    }
}

/// Why ``SSIMULACRA2/score(reference:distorted:)`` could not score a pair.
public struct SSIMULACRA2Error: Error, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The two images differ in width or height.
        public static let sizeMismatch = Code(rawValue: "sizeMismatch")
        /// An image is smaller than 8x8 pixels.
        public static let imageTooSmall = Code(rawValue: "imageTooSmall")
        /// A buffer's band count or byte count is not what its size says.
        public static let invalidPixels = Code(rawValue: "invalidPixels")
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
