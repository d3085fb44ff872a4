import VipsCore

extension SSIMULACRA2 {
    /// A reference image prepared once, for scoring many distorted versions of it.
    ///
    /// Everything the metric computes from the reference alone is kept: its XYB planes at
    /// every scale and their blurred mean and square (`mu1`, `blur(img1²)`), per background
    /// when it has alpha. Each ``score(_:)`` then does only the distorted image's half: its
    /// colour transform, three blurs instead of five, and the maps. Scores are identical to
    /// ``SSIMULACRA2/score(reference:distorted:)``, bit for bit (the same arithmetic in the
    /// same order). The quality search scores about a dozen encodes of one variant this way.
    ///
    /// Memory: about 9 floats per pixel per background (1.3 times that over all scales).
    /// Scoring does not change the object, so one reference can be used from several threads.
    ///
    /// ```swift
    /// let original = try SSIMULACRA2.Reference(variant.pixels())
    /// for q in [40, 50, 60] {
    ///     let encoded = try Image.load(data: variant.encoded(as: .avif(AVIFOptions(quality: q))))
    ///     print(q, try original.score(encoded.pixels()))
    /// }
    /// ```
    public final class Reference: @unchecked Sendable {
        // @unchecked: the planes are written in `init` only and read afterwards.

        public let width: Int
        public let height: Int
        /// The reference has an alpha channel: scores are the lower of a dark and a bright
        /// background.
        public let hasAlpha: Bool
        private let composites: [Composite]

        /// One scale of the reference over one background, each `Planes` holding X, Y, B.
        struct Scale {
            let xyb: Planes
            let mu: Planes
            let sigma: Planes
        }

        /// The reference blended over one background, at every scale.
        struct Composite {
            let background: Float
            let scales: [Scale]
        }

        /// Prepares `reference` (8-bit sRGB, 1 to 4 bands).
        /// - Throws: ``SSIMULACRA2Error`` when the buffer is malformed or smaller than 8x8.
        public convenience init(_ reference: PixelBuffer) throws {
            try SSIMULACRA2.validate(reference, name: "reference")
            guard reference.width >= minimumSize, reference.height >= minimumSize else {
                throw SSIMULACRA2Error(
                    code: .imageTooSmall,
                    message: "Expected images of at least \(minimumSize)x\(minimumSize) pixels "
                        + "but received \(reference.width)x\(reference.height)")
            }
            self.init(validated: reference)
        }

        init(validated reference: PixelBuffer) {
            width = reference.width
            height = reference.height
            hasAlpha = reference.bands == 2 || reference.bands == 4
            // With alpha, the reference tool scores over a dark and a bright background and
            // keeps the lower score; otherwise a distorted alpha is blended over mid grey.
            let backgrounds: [Float] = hasAlpha ? [0.1, 0.9] : [0.5]
            composites = backgrounds.map { Self.prepare(reference, background: $0) }
        }

        /// Score of `distorted` against this reference; 100 = identical, higher is better.
        /// - Throws: ``SSIMULACRA2Error`` when the sizes differ or the buffer is malformed.
        public func score(_ distorted: PixelBuffer) throws -> Double {
            try SSIMULACRA2.validate(distorted, name: "distorted")
            guard distorted.width == width, distorted.height == height else {
                throw SSIMULACRA2Error(
                    code: .sizeMismatch,
                    message: "expected the distorted image at \(width)×\(height) (the reference's size) "
                        + "but received \(distorted.width)×\(distorted.height)")
            }
            return score(validated: distorted)
        }

        func score(validated distorted: PixelBuffer) -> Double {
            var lowest = Double.infinity
            for composite in composites {
                lowest = min(lowest, Self.score(distorted, against: composite))
            }
            return lowest
        }

        private static func prepare(_ reference: PixelBuffer, background: Float) -> Composite {
            let linear = Planes(count: 3, width: reference.width, height: reference.height)
            linearRGB(reference, background: background, into: linear)
            let scratch = Planes(count: 2, width: reference.width, height: reference.height)
            var scales: [Scale] = []
            for scale in 0..<scaleCount {
                // The reference checks the size of the previous scale, so the last scale it
                // scores may be under 8 pixels wide or high.
                if linear.width < minimumSize || linear.height < minimumSize { break }
                if scale > 0 { downsample(linear) }
                let (width, height) = (linear.width, linear.height)
                let xyb = Planes(count: 3, width: width, height: height)
                positiveXYB(from: linear, into: xyb)
                let mu = Planes(count: 3, width: width, height: height)
                let sigma = Planes(count: 3, width: width, height: height)
                for channel in 0..<3 {
                    referenceBlurs(
                        xyb.plane(channel), width: width, height: height, blur: gaussian, scratch: scratch,
                        mu1: mu.plane(channel), sigma11: sigma.plane(channel))
                }
                scales.append(Scale(xyb: xyb, mu: mu, sigma: sigma))
            }
            return Composite(background: background, scales: scales)
        }

        private static func score(_ distorted: PixelBuffer, against composite: Composite) -> Double {
            let linear = Planes(count: 3, width: distorted.width, height: distorted.height)
            linearRGB(distorted, background: composite.background, into: linear)
            let xyb = Planes(count: 3, width: distorted.width, height: distorted.height)
            let scratch = Planes(count: 3, width: distorted.width, height: distorted.height)
            var sums: [ScaleSums] = []
            for (index, scale) in composite.scales.enumerated() {
                if index > 0 { downsample(linear) }
                positiveXYB(from: linear, into: xyb)
                let channels = (0..<3).map { channel in
                    channelSums(
                        scale.xyb.plane(channel), xyb.plane(channel), mu1: scale.mu.plane(channel),
                        sigma11: scale.sigma.plane(channel), width: xyb.width, height: xyb.height,
                        blur: gaussian, scratch: scratch)
                }
                sums.append(ScaleSums(pixels: xyb.width * xyb.height, channels: channels))
            }
            return combine(sums)
        }
    }
}
