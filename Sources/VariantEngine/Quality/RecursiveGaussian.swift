#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SSIMULACRA2 {
    /// libjxl's recursive (IIR) Gaussian, "Recursive Implementation of the Gaussian Filter
    /// Using Truncated Cosine Functions" (Charalampidis 2016): three second-order filters
    /// whose outputs are summed, run forward only, with zeros outside the image (so the
    /// borders darken, as in the reference; this is not a mirrored-border blur).
    ///
    /// The coefficients are derived in double exactly as `CreateRecursiveGaussian` does and
    /// stored as float; the horizontal pass evaluates four outputs at a time with the
    /// reference's expanded coefficients, the vertical pass uses the plain recurrence, so both
    /// round like the reference (less its fused multiply-adds).
    struct RecursiveGaussian {
        /// Filter support `N`: the input at `n` enters as `in[n - N - 1] + in[n + N - 1]`.
        let radius: Int
        /// Per filter k = 1, 3, 5: the input weight and the feedback weight of the recurrence
        /// `y[n] = n2 * sum - d1 * y[n-1] - y[n-2]`.
        let n2: SIMD3<Float>
        let d1: SIMD3<Float>
        /// Four-output expansion of the recurrence (lanes are consecutive outputs).
        let mulIn: [SIMD4<Float>]
        let mulPrev: [SIMD4<Float>]
        let mulPrev2: [SIMD4<Float>]
        #if VARIANT_HARDWARE_FMA
        /// The same in float lanes, per filter, for the four-output steps.
        let fusedLanes: [FusedFourOutputs]

        /// ``FourOutputs`` with the hardware fused multiply-add: every lane in float, each
        /// `MulAdd` one instruction (a zero coefficient leaves its lane unchanged).
        struct FusedFourOutputs {
            let input0: SIMD4<Float>
            let input1: SIMD4<Float>
            let input2: SIMD4<Float>
            let input3: SIMD4<Float>
            let previous2: SIMD4<Float>
            let previous: SIMD4<Float>

            init(mulIn m: SIMD4<Float>, mulPrev: SIMD4<Float>, mulPrev2: SIMD4<Float>) {
                input0 = m
                input1 = SIMD4(0, m[0], m[1], m[2])
                input2 = SIMD4(0, 0, m[0], m[1])
                input3 = SIMD4(0, 0, 0, m[0])
                previous2 = mulPrev2
                previous = mulPrev
            }

            @inline(__always)
            func step(
                _ s0: SIMD4<Float>, _ s1: SIMD4<Float>, _ s2: SIMD4<Float>, _ s3: SIMD4<Float>,
                _ older: inout SIMD4<Float>, _ prev: inout SIMD4<Float>
            ) -> SIMD4<Float> {
                var o = s0 * input0
                o = o.addingProduct(input1, s1)
                o = o.addingProduct(input2, s2)
                o = o.addingProduct(input3, s3)
                o = o.addingProduct(previous2, older)
                o = o.addingProduct(previous, prev)
                older = SIMD4(repeating: o[2])
                prev = SIMD4(repeating: o[3])
                return o
            }
        }
        #else
        /// The same, widened, per filter, for the four-output steps.
        let lanes: [FourOutputs]

        /// One filter's four-output step (lanes are outputs n ... n+3): input terms, then the
        /// two previous outputs, each multiply-add rounded to float once. Input lanes whose
        /// coefficient is zero are skipped (adding 0 * x changes nothing).
        struct FourOutputs {
            let input0: SIMD4<Float>
            let input1: SIMD4<Double>
            let input2High: SIMD2<Double>
            let input3High: SIMD2<Double>
            let previous2: SIMD4<Double>
            let previous: SIMD4<Double>

            init(mulIn m: SIMD4<Float>, mulPrev: SIMD4<Float>, mulPrev2: SIMD4<Float>) {
                input0 = m
                input1 = SIMD4(0, Double(m[0]), Double(m[1]), Double(m[2]))
                input2High = SIMD2(Double(m[0]), Double(m[1]))
                input3High = SIMD2(0, Double(m[0]))
                previous2 = SSIMULACRA2.widen(mulPrev2)
                previous = SSIMULACRA2.widen(mulPrev)
            }

            @inline(__always)
            func step(
                _ s0: SIMD4<Float>, _ s1: SIMD4<Double>, _ s2: SIMD2<Double>, _ s3: SIMD2<Double>,
                _ older: inout SIMD4<Double>, _ prev: inout SIMD4<Double>
            ) -> SIMD4<Double> {
                var o = SSIMULACRA2.widen(s0 * input0)  // a plain float multiply
                o = SSIMULACRA2.rounded(input1 * s1 + o)
                var high = o.highHalf
                high = SSIMULACRA2.rounded(input2High * s2 + high)
                high = SSIMULACRA2.rounded(input3High * s3 + high)
                o.highHalf = high
                o = SSIMULACRA2.rounded(previous2 * older + o)
                o = SSIMULACRA2.rounded(previous * prev + o)
                older = SIMD4(repeating: o[2])
                prev = SIMD4(repeating: o[3])
                return o
            }
        }
        #endif

        init(sigma: Double) {
            let radius = Double(roundf(Float(3.2795 * sigma + 0.2546)))
            let piOver2r = Double.pi / (2.0 * radius)
            let omega = [piOver2r, 3.0 * piOver2r, 5.0 * piOver2r]
            let p1 = +1.0 / tan(0.5 * omega[0])
            let p3 = -1.0 / tan(0.5 * omega[1])
            let p5 = +1.0 / tan(0.5 * omega[2])
            let r1 = +p1 * p1 / sin(omega[0])
            let r3 = -p3 * p3 / sin(omega[1])
            let r5 = +p5 * p5 / sin(omega[2])
            let negHalfSigma2 = -0.5 * sigma * sigma
            let recipRadius = 1.0 / radius
            let rho = omega.map { exp(negHalfSigma2 * $0 * $0) * recipRadius }
            let d13 = p1 * r3 - r1 * p3
            let d35 = p3 * r5 - r3 * p5
            let d51 = p5 * r1 - r5 * p1
            let recipD13 = 1.0 / d13
            let zeta15 = d35 * recipD13
            let zeta35 = d51 * recipD13
            let a = Self.inverse3x3([p1, p3, p5, r1, r3, r5, zeta15, zeta35, 1])
            let gamma = [1, radius * radius - sigma * sigma, zeta15 * rho[0] + zeta35 * rho[1] + rho[2]]
            var beta = [0.0, 0.0, 0.0]
            for row in 0..<3 {
                var sum = 0.0
                for column in 0..<3 { sum += a[row * 3 + column] * gamma[column] }
                beta[row] = sum
            }

            self.radius = Int(radius)
            var n2 = SIMD3<Float>()
            var d1 = SIMD3<Float>()
            var mulIn: [SIMD4<Float>] = []
            var mulPrev: [SIMD4<Float>] = []
            var mulPrev2: [SIMD4<Float>] = []
            for i in 0..<3 {
                let n = -beta[i] * cos(omega[i] * (radius + 1.0))
                let d = -2.0 * cos(omega[i])
                n2[i] = Float(n)
                d1[i] = Float(d)
                let d2 = d * d
                mulPrev.append(
                    SIMD4(
                        Float(-d), Float(d2 - 1.0), Float(-d2 * d + 2.0 * d), Float(d2 * d2 - 3.0 * d2 + 1.0))
                )
                mulPrev2.append(SIMD4(-1, Float(d), Float(-d2 + 1.0), Float(d2 * d - 2.0 * d)))
                mulIn.append(
                    SIMD4(Float(n), Float(-d * n), Float(d2 * n - n), Float(-d2 * d * n + 2.0 * d * n)))
            }
            self.n2 = n2
            self.d1 = d1
            self.mulIn = mulIn
            self.mulPrev = mulPrev
            self.mulPrev2 = mulPrev2
            #if VARIANT_HARDWARE_FMA
            fusedLanes = (0..<3).map {
                FusedFourOutputs(mulIn: mulIn[$0], mulPrev: mulPrev[$0], mulPrev2: mulPrev2[$0])
            }
            #else
            lanes = (0..<3).map {
                FourOutputs(mulIn: mulIn[$0], mulPrev: mulPrev[$0], mulPrev2: mulPrev2[$0])
            }
            #endif
        }

        /// libjxl `Inv3x3Matrix` (row-major, through the adjugate, in double).
        private static func inverse3x3(_ m: [Double]) -> [Double] {
            var t = [Double](repeating: 0, count: 9)
            t[0] = m[4] * m[8] - m[5] * m[7]
            t[1] = m[2] * m[7] - m[1] * m[8]
            t[2] = m[1] * m[5] - m[2] * m[4]
            t[3] = m[5] * m[6] - m[3] * m[8]
            t[4] = m[0] * m[8] - m[2] * m[6]
            t[5] = m[2] * m[3] - m[0] * m[5]
            t[6] = m[3] * m[7] - m[4] * m[6]
            t[7] = m[1] * m[6] - m[0] * m[7]
            t[8] = m[0] * m[4] - m[1] * m[3]
            let det = m[0] * t[0] + m[1] * t[3] + m[2] * t[6]
            let inverseDet = 1.0 / det
            return t.map { $0 * inverseDet }
        }

        /// Blurs one row (`FastGaussian1D`): scalar up to the first aligned output, four
        /// outputs per step in the middle, scalar for the tail.
        func horizontal(
            _ input: UnsafePointer<Float>, width: Int, into output: UnsafeMutablePointer<Float>
        ) {
            let big = radius
            // Lane 0 coefficients for the scalar parts.
            let in1 = mulIn[0][0]
            let in3 = mulIn[1][0]
            let in5 = mulIn[2][0]
            let p1c = mulPrev[0][0]
            let p3c = mulPrev[1][0]
            let p5c = mulPrev[2][0]
            let q1c = mulPrev2[0][0]
            let q3c = mulPrev2[1][0]
            let q5c = mulPrev2[2][0]
            var prev1: Float = 0
            var prev3: Float = 0
            var prev5: Float = 0
            var prev21: Float = 0
            var prev23: Float = 0
            var prev25: Float = 0

            @inline(__always) func scalarStep(_ n: Int) {
                let left = n - big - 1
                let right = n + big - 1
                let leftValue: Float = left >= 0 ? input[left] : 0
                let rightValue: Float = right < width ? input[right] : 0
                let sum = leftValue + rightValue
                var out1 = sum * in1
                var out3 = sum * in3
                var out5 = sum * in5
                out1 = fused(q1c, prev21, out1)
                out3 = fused(q3c, prev23, out3)
                out5 = fused(q5c, prev25, out5)
                prev21 = prev1
                prev23 = prev3
                prev25 = prev5
                out1 = fused(p1c, prev1, out1)
                out3 = fused(p3c, prev3, out3)
                out5 = fused(p5c, prev5, out5)
                prev1 = out1
                prev3 = out3
                prev5 = out5
                if n >= 0 { output[n] = out1 + (out3 + out5) }
            }

            var n = -big + 1
            let firstAligned = (big + 1 + 3) / 4 * 4
            while n < min(firstAligned, width) {
                scalarStep(n)
                n += 1
            }

            let unrolledEnd = width - big + 1 - 3
            #if VARIANT_HARDWARE_FMA
            if n < unrolledEnd {
                var w1 = SIMD4(repeating: prev21)
                var w3 = SIMD4(repeating: prev23)
                var w5 = SIMD4(repeating: prev25)
                var v1 = SIMD4(repeating: prev1)
                var v3 = SIMD4(repeating: prev3)
                var v5 = SIMD4(repeating: prev5)
                let f1 = fusedLanes[0]
                let f3 = fusedLanes[1]
                let f5 = fusedLanes[2]
                let raw = UnsafeRawPointer(input)
                let rawOut = UnsafeMutableRawPointer(output)
                let stride = MemoryLayout<Float>.stride
                while n < unrolledEnd {
                    let a = raw.loadUnaligned(
                        fromByteOffset: (n &- big &- 1) &* stride, as: SIMD4<Float>.self)
                    let b = raw.loadUnaligned(
                        fromByteOffset: (n &+ big &- 1) &* stride, as: SIMD4<Float>.self)
                    let sum = a + b
                    let s0 = SIMD4(repeating: sum[0])
                    let s1 = SIMD4(repeating: sum[1])
                    let s2 = SIMD4(repeating: sum[2])
                    let s3 = SIMD4(repeating: sum[3])
                    let o1 = f1.step(s0, s1, s2, s3, &w1, &v1)
                    let o3 = f3.step(s0, s1, s2, s3, &w3, &v3)
                    let o5 = f5.step(s0, s1, s2, s3, &w5, &v5)
                    rawOut.storeBytes(of: o1 + (o3 + o5), toByteOffset: n &* stride, as: SIMD4<Float>.self)
                    n &+= 4
                }
                prev1 = v1[0]
                prev3 = v3[0]
                prev5 = v5[0]
                prev21 = w1[0]
                prev23 = w3[0]
                prev25 = w5[0]
            }
            #else
            if n < unrolledEnd {
                // Values stay in double registers but are rounded to float after every
                // operation, so each `MulAdd` rounds once, as in the reference.
                var w1 = SIMD4(repeating: Double(prev21))
                var w3 = SIMD4(repeating: Double(prev23))
                var w5 = SIMD4(repeating: Double(prev25))
                var v1 = SIMD4(repeating: Double(prev1))
                var v3 = SIMD4(repeating: Double(prev3))
                var v5 = SIMD4(repeating: Double(prev5))
                let f1 = lanes[0]
                let f3 = lanes[1]
                let f5 = lanes[2]
                let raw = UnsafeRawPointer(input)
                let rawOut = UnsafeMutableRawPointer(output)
                let stride = MemoryLayout<Float>.stride
                while n < unrolledEnd {
                    let a = raw.loadUnaligned(
                        fromByteOffset: (n &- big &- 1) &* stride, as: SIMD4<Float>.self)
                    let b = raw.loadUnaligned(
                        fromByteOffset: (n &+ big &- 1) &* stride, as: SIMD4<Float>.self)
                    let sumFloat = a + b
                    let sum = SSIMULACRA2.widen(sumFloat)
                    let s0 = SIMD4(repeating: sumFloat[0])
                    let s1 = SIMD4(repeating: sum[1])
                    let s2 = SIMD2(repeating: sum[2])
                    let s3 = SIMD2(repeating: sum[3])
                    let o1 = f1.step(s0, s1, s2, s3, &w1, &v1)
                    let o3 = f3.step(s0, s1, s2, s3, &w3, &v3)
                    let o5 = f5.step(s0, s1, s2, s3, &w5, &v5)
                    let result = SSIMULACRA2.narrow(o1 + SSIMULACRA2.rounded(o3 + o5))
                    rawOut.storeBytes(of: result, toByteOffset: n &* stride, as: SIMD4<Float>.self)
                    n &+= 4
                }
                prev1 = Float(v1[0])
                prev3 = Float(v3[0])
                prev5 = Float(v5[0])
                prev21 = Float(w1[0])
                prev23 = Float(w3[0])
                prev25 = Float(w5[0])
            }
            #endif

            while n < width {
                scalarStep(n)
                n += 1
            }
        }
    }
}
