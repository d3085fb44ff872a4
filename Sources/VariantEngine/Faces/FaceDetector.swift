import Foundation

/// Options of the face detector. Defaults were measured on TestImages (see
/// scripts/evaluate-crops.py, face report).
public struct FaceDetectionOptions: Sendable, Equatable, Codable {
    /// Smallest face searched for, in source pixels; default 20. The models' 20 px window is a
    /// floor in the decoded image, so in large sources the smallest face found is larger
    /// (20 × source side / decoded side).
    public var minFaceSize: Int = 20
    /// Ratio between successive window sizes; default 1.12.
    public var scaleFactor: Double = 1.12
    /// Window step as a fraction of the window side; default 0.08.
    public var stepFraction: Double = 0.08
    /// A frontal face needs more than this many overlapping windows; default 3.
    public var frontalMinNeighbours: Int = 3
    /// A profile face needs more than this many overlapping windows; default 4.
    public var profileMinNeighbours: Int = 4
    /// Whether profile faces (both directions) are searched too; default true.
    public var profiles: Bool = true
    /// Window size ratio and step of the profile search, coarser than the frontal one because
    /// the profile model costs about three times as much per window, can be set coarser
    /// (1.25 and 0.1 halve the time and lose a face or two in groups); defaults 1.12 and 0.08.
    public var profileScaleFactor: Double = 1.12
    public var profileStepFraction: Double = 0.08
    /// The profile models run only on windows where the frontal model got through at least this
    /// many of its stages (0 runs them everywhere; it applies when the profile grid is the
    /// frontal one). Default 2: on TestImages the same faces and crops as without the gate (3
    /// too; 4 loses a face) and 0.77 times the CPU time of `variant crop` on a 12 MP photo.
    public var profileFrontalDepth: Int = 2
    /// Profile windows smaller than this share of the searched image's longer side are not
    /// evaluated (the frontal search still starts at `minFaceSize`); default 0.035, 28 px at the
    /// default 800 px search size. The smallest windows are the most numerous: skipping them for
    /// the profile models took about a quarter off the profile passes, and on TestImages every
    /// face and crop is the same for shares up to 0.039 (31 px); 0.044 (35 px) loses a face.
    public var profileMinShare: Double = 0.035
    /// Faces whose confidence ends below this are dropped; default 0.3.
    public var minConfidence: Double = 0.3
    /// Coarse to fine: positions between the coarse grid are tried only next to a window that
    /// passed this many stages (0: every position, the default: measured, skipping positions
    /// loses faces in groups; 2 halves the time).
    public var refineDepth: Int = 0
    /// In colour images, the cascades only run where at least this share of the window's middle
    /// is skin-coloured (0 turns the gate off); default 0.15. Most windows stop here.
    public var skinGate: Double = 0.15
    /// Tilted faces: the frontal model also runs on copies of the image turned by these angles
    /// (degrees), for windows of at least `tiltedMinShare` of the shorter side; empty turns it
    /// off. Default ±15: a head leaning that much defeats the upright model (the close-up and
    /// the leaning head in TestImages), and large windows are few, so the cost is small.
    public var tiltAngles: [Double] = [-15, 15]
    public var tiltedMinShare: Double = 0.25

    public init() {}
}

/// A face in the pixels of the image the detector ran on.
struct RasterFace: Sendable {
    var x: Double, y: Double, size: Double
    var confidence: Double
    var detector: String
}

/// Frontal and profile Haar cascades, grouped like OpenCV's `detectMultiScale`, merged across
/// models, then verified (skin share, contrast) to drop faces in food, fur and bark.
final class FaceDetector: Sendable {
    let frontal: CascadeDetector
    let profileLeft: CascadeDetector
    let profileRight: CascadeDetector

    init(frontal: CascadeModel, profile: CascadeModel) {
        self.frontal = CascadeDetector(model: frontal)
        self.profileLeft = CascadeDetector(model: profile)
        self.profileRight = CascadeDetector(model: profile.mirrored())
    }

    /// The detector with the bundled models, loaded once per process.
    static let bundled: Result<FaceDetector, Error> = Result {
        func model(_ name: String) throws -> CascadeModel {
            guard let url = Bundle.module.url(forResource: name, withExtension: "xml", subdirectory: "Resources") else {
                throw CascadeModelError.malformed("bundled model \(name).xml is missing")
            }
            return try CascadeModel(xml: Data(contentsOf: url))
        }
        return FaceDetector(frontal: try model("haarcascade_frontalface_alt2"), profile: try model("haarcascade_profileface"))
    }

    /// Faces in `raster`, strongest first.
    /// - Parameter sourceScale: Source pixels per raster pixel (for `minFaceSize`).
    func detect(in raster: Raster, gray: [UInt8], sourceScale: Double, options: FaceDetectionOptions) -> [RasterFace] {
        var scan = CascadeDetector.Scan()
        scan.scaleFactor = options.scaleFactor
        scan.stepFraction = options.stepFraction
        scan.refineDepth = options.refineDepth
        scan.minSize = max(20, Int((Double(options.minFaceSize) / sourceScale).rounded()))
        let colourful = Self.isColourful(raster)
        // The tilted search needs only the grey image: it runs beside the upright one, whose
        // set-up (the tables below) keeps one core busy.
        let (upright, tilted) = Parallel.both({
            uprightFaces(in: raster, gray: gray, colourful: colourful, scan: scan, options: options)
        }, { [self, scan] in
            var canvas = TurnedCanvas()
            return options.tiltAngles.filter { $0 != 0 }.flatMap { angle in
                tiltedFaces(angle: angle, gray: gray, width: raster.width, height: raster.height, scan: scan,
                            options: options, canvas: &canvas)
            }
        })
        let merged = Self.merge(upright + tilted)
        return merged.compactMap { face -> RasterFace? in
            var face = face
            face.confidence *= Self.verification(face, raster: raster, gray: gray, colourful: colourful)
            return face.confidence >= options.minConfidence ? face : nil
        }.sorted(by: Self.strongerFirst)
    }

    /// The frontal and profile faces of the upright image, before merging.
    private func uprightFaces(in raster: Raster, gray: [UInt8], colourful: Bool, scan base: CascadeDetector.Scan,
                              options: FaceDetectionOptions) -> [RasterFace] {
        var scan = base
        let gated = colourful && options.skinGate > 0
        let (integral, skinGate) = Parallel.both({
            IntegralImage(gray: gray, width: raster.width, height: raster.height)
        }, {
            gated ? Self.skinGate(raster, stride: raster.width + 1, minShare: options.skinGate) : nil
        })
        scan.skinGate = skinGate
        // Steps 2 to 5 are the windows from 20 to about 70 px at the default step fraction:
        // most of the windows searched. Larger windows are few; they run one at a time.
        scan.lanes = CascadeDetector.LaneTables(integral, gate: scan.skinGate, steps: 2...5)

        var candidates: [RasterFace] = []
        let sameGrid = options.profileScaleFactor == options.scaleFactor && options.profileStepFraction == options.stepFraction
        let gateProfiles = options.profiles && sameGrid && options.profileFrontalDepth > 0
        let frontalScan = frontal.detect(in: integral, scan: scan, recordingDepths: gateProfiles)
        let frontalGroups = RectangleGrouping.group(frontalScan.hits, minNeighbours: options.frontalMinNeighbours)
        for g in frontalGroups {
            candidates.append(RasterFace(x: g.x, y: g.y, size: g.size,
                                         confidence: Self.support(g.neighbours, over: options.frontalMinNeighbours, margin: g.margin),
                                         detector: "frontal"))
        }
        if options.profiles {
            var profileScan = scan
            profileScan.scaleFactor = options.profileScaleFactor
            profileScan.stepFraction = options.profileStepFraction
            profileScan.minEvaluatedSize = Int((options.profileMinShare * Double(max(raster.width, raster.height))).rounded())
            if gateProfiles {
                profileScan.priorDepth = CascadeDetector.PriorDepth(depths: frontalScan.depths, minimum: options.profileFrontalDepth)
            }
            for detector in [profileLeft, profileRight] {
                let groups = RectangleGrouping.group(detector.detect(in: integral, scan: profileScan), minNeighbours: options.profileMinNeighbours)
                for g in groups {
                    candidates.append(RasterFace(x: g.x, y: g.y, size: g.size,
                                                 confidence: 0.85 * Self.support(g.neighbours, over: options.profileMinNeighbours, margin: g.margin),
                                                 detector: "profile"))
                }
            }
        }
        return candidates
    }

    /// The turned grey image and its tables, kept from one angle to the next: ±15° turn onto
    /// canvases of one size, so the second turn writes into the first one's memory.
    struct TurnedCanvas {
        var gray: [UInt8] = []
        var integral: IntegralImage?
    }

    /// Frontal faces leaning by `angle` degrees: the grey image is turned by `-angle` onto a
    /// canvas that holds all of it (edge pixels repeated beyond it), searched with large windows
    /// only, and each face's centre turned back. The box keeps its size, upright.
    func tiltedFaces(angle: Double, gray: [UInt8], width: Int, height: Int, scan: CascadeDetector.Scan,
                     options: FaceDetectionOptions, canvas: inout TurnedCanvas) -> [RasterFace] {
        let shorter = min(width, height)
        guard shorter >= 40 else { return [] }
        let theta = -angle * .pi / 180
        let c = cos(theta), s = sin(theta)
        let turnedWidth = Int((Double(width) * abs(c) + Double(height) * abs(s)).rounded(.up))
        let turnedHeight = Int((Double(width) * abs(s) + Double(height) * abs(c)).rounded(.up))
        guard turnedWidth * turnedHeight <= 8_000_000 else { return [] }
        let cx = Double(width) / 2, cy = Double(height) / 2
        let tcx = Double(turnedWidth) / 2, tcy = Double(turnedHeight) / 2
        if canvas.gray.count != turnedWidth * turnedHeight {
            canvas.gray = [UInt8](repeating: 0, count: turnedWidth * turnedHeight)
        }
        // The column's share of each source coordinate, once per column rather than per pixel
        // (the same products, added in the same order).
        let columnX = (0..<turnedWidth).map { c * (Double($0) + 0.5 - tcx) }
        let columnY = (0..<turnedWidth).map { -s * (Double($0) + 0.5 - tcx) }
        gray.withUnsafeBufferPointer { src in
        canvas.gray.withUnsafeMutableBufferPointer { dst in
        columnX.withUnsafeBufferPointer { columnX in
        columnY.withUnsafeBufferPointer { columnY in
            for y in 0..<turnedHeight {
                let dy = Double(y) + 0.5 - tcy
                let rowX = s * dy, rowY = c * dy
                let row = y * turnedWidth
                for x in 0..<turnedWidth {
                    // Inverse turn: where this output pixel comes from (nearest, clamped).
                    let sx = min(max(Int(columnX[x] + rowX + cx), 0), width - 1)
                    let sy = min(max(Int(columnY[x] + rowY + cy), 0), height - 1)
                    dst[row + x] = src[sy * width + sx]
                }
            }
        }}}}
        var integral = canvas.integral.take() ?? IntegralImage(gray: [], width: 0, height: 0)
        integral.rebuild(gray: canvas.gray, width: turnedWidth, height: turnedHeight)
        defer { canvas.integral = integral }
        var tiltedScan = scan
        tiltedScan.skinGate = nil
        tiltedScan.lanes = nil
        tiltedScan.minSize = max(scan.minSize, Int(Double(shorter) * options.tiltedMinShare))
        let groups = RectangleGrouping.group(frontal.detect(in: integral, scan: tiltedScan),
                                             minNeighbours: options.frontalMinNeighbours)
        return groups.compactMap { g -> RasterFace? in
            let dx = g.x + g.size / 2 - tcx, dy = g.y + g.size / 2 - tcy
            let x = c * dx + s * dy + cx, y = -s * dx + c * dy + cy
            // The face's centre must be in the picture (not in the repeated edge).
            guard x >= 0, y >= 0, x < Double(width), y < Double(height) else { return nil }
            return RasterFace(x: x - g.size / 2, y: y - g.size / 2, size: g.size,
                              confidence: Self.support(g.neighbours, over: options.frontalMinNeighbours, margin: g.margin),
                              detector: "frontal")
        }
    }

    /// Confidence from the number of agreeing windows beyond the minimum and the last stage margin.
    static func support(_ neighbours: Int, over minimum: Int, margin: Float) -> Double {
        let extra = Double(neighbours - minimum)
        return min(1, 0.45 + 0.55 * (1 - exp(-extra / 6)) + 0.05 * Double(max(0, min(margin, 1))))
    }

    /// Higher confidence first; equal ones by position, so the order never depends on scheduling.
    static func strongerFirst(_ a: RasterFace, _ b: RasterFace) -> Bool {
        a.confidence != b.confidence ? a.confidence > b.confidence : (a.y, a.x, a.size) < (b.y, b.x, b.size)
    }

    /// Overlapping faces from different models become one, the stronger box kept and the
    /// confidence raised by the agreement.
    static func merge(_ faces: [RasterFace]) -> [RasterFace] {
        var kept: [RasterFace] = []
        for face in faces.sorted(by: strongerFirst) {
            if let i = kept.firstIndex(where: { overlap($0, face) > 0.3 || contains($0, face) || contains(face, $0) }) {
                kept[i].confidence = min(1, kept[i].confidence + 0.25 * face.confidence)
            } else {
                kept.append(face)
            }
        }
        return kept
    }

    static func overlap(_ a: RasterFace, _ b: RasterFace) -> Double {
        let w = min(a.x + a.size, b.x + b.size) - max(a.x, b.x)
        let h = min(a.y + a.size, b.y + b.size) - max(a.y, b.y)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        return inter / (a.size * a.size + b.size * b.size - inter)
    }

    static func contains(_ outer: RasterFace, _ inner: RasterFace) -> Bool {
        let m = outer.size * 0.1
        return inner.x >= outer.x - m && inner.y >= outer.y - m && inner.x + inner.size <= outer.x + outer.size + m
            && inner.y + inner.size <= outer.y + outer.size + m
    }

    static func skinGate(_ raster: Raster, stride: Int, minShare: Double) -> CascadeDetector.SkinGate {
        var counts = [Int32](repeating: 0, count: stride * (raster.height + 1))
        raster.rgb.withUnsafeBufferPointer { rgb in
            for y in 0..<raster.height {
                var row: Int32 = 0
                let above = y * stride, here = (y + 1) * stride
                for x in 0..<raster.width {
                    let i = (y * raster.width + x) * 3
                    if isSkin(Int(rgb[i]), Int(rgb[i + 1]), Int(rgb[i + 2])) { row += 1 }
                    counts[here + x + 1] = counts[above + x + 1] + row
                }
            }
        }
        return CascadeDetector.SkinGate(counts: counts, stride: stride, minShare: minShare)
    }

    static func isColourful(_ raster: Raster) -> Bool {
        var chroma = 0, n = 0
        var i = 0
        let count = raster.width * raster.height
        while i < count {
            let r = Int(raster.rgb[i * 3]), g = Int(raster.rgb[i * 3 + 1]), b = Int(raster.rgb[i * 3 + 2])
            chroma += max(r, g, b) - min(r, g, b)
            n += 1
            i += 7
        }
        return n > 0 && Double(chroma) / Double(n) > 8
    }

    /// 0...1 multiplier: faces have skin in their middle (in colour images) and some contrast;
    /// textures that fool the cascade (fur, bark, food) usually fail one of the two.
    static func verification(_ face: RasterFace, raster: Raster, gray: [UInt8], colourful: Bool) -> Double {
        let x0 = max(0, Int(face.x + face.size * 0.2)), x1 = min(raster.width, Int(face.x + face.size * 0.8))
        let y0 = max(0, Int(face.y + face.size * 0.2)), y1 = min(raster.height, Int(face.y + face.size * 0.9))
        guard x1 > x0, y1 > y0 else { return 0 }
        var skin = 0, n = 0
        var sum = 0.0, squares = 0.0
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = y * raster.width + x
                let r = Int(raster.rgb[i * 3]), g = Int(raster.rgb[i * 3 + 1]), b = Int(raster.rgb[i * 3 + 2])
                if isSkin(r, g, b) { skin += 1 }
                let v = Double(gray[i])
                sum += v
                squares += v * v
                n += 1
            }
        }
        let mean = sum / Double(n)
        let deviation = max(0, squares / Double(n) - mean * mean).squareRoot()
        var factor = deviation < 10 ? 0.3 : 1.0
        if colourful {
            let share = Double(skin) / Double(n)
            factor *= share >= 0.3 ? 1 : max(0.2, share / 0.3)
        }
        return factor
    }

    /// A broad skin rule in YCbCr (Chai & Ngan) that keeps dark and light skin alike.
    @inline(__always) static func isSkin(_ r: Int, _ g: Int, _ b: Int) -> Bool {
        let cb = 128 + (-43 * r - 85 * g + 128 * b) / 256
        let cr = 128 + (128 * r - 107 * g - 21 * b) / 256
        return cr >= 133 && cr <= 180 && cb >= 72 && cb <= 130 && r > 30 && r >= b
    }
}
