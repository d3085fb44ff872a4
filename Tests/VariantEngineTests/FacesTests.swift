import Foundation
import Testing
import VipsCore
@testable import VariantEngine

struct FacesTests {
    /// The counts are the files' own (stages, `<_>` under weakClassifiers, internal nodes,
    /// leaf values, features, rectangles), as the string-based parser before the byte scanner read them.
    @Test("the bundled cascades parse, every element of them", arguments: [
        ("haarcascade_frontalface_alt2", [20, 1047, 2094, 3141, 2094, 4535]),
        ("haarcascade_profileface", [26, 2609, 2609, 5218, 2609, 5633]),
    ])
    func models(name: String, counts: [Int]) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "xml", subdirectory: "Resources"))
        let model = try CascadeModel(xml: Data(contentsOf: url))
        #expect(model.kind == .haar)
        #expect(model.windowWidth == 20)
        #expect(model.stages.allSatisfy { $0.weakCount > 0 })
        let rectangles: Int = model.haarFeatures.map(\.count).reduce(0, +)
        let found: [Int] = [model.stages.count, model.weakClassifiers.count, model.nodes.count, model.leaves.count,
                            model.haarFeatures.count, rectangles]
        #expect(found == counts)
        // The first stage of the frontal model, as written in the file.
        if name == "haarcascade_frontalface_alt2" {
            #expect(model.stages[0].threshold == Float(3.5069230198860168e-01))
            #expect(model.nodes[0].threshold == Float(4.3272329494357109e-03))
            #expect(model.leaves[0] == Float(3.8381900638341904e-02))
            let weights: [Float] = model.haarFeatures[0].map(\.weight)
            #expect(weights == [-1, 2])
        }
    }

    /// Stumps (profile) and two-node trees (frontal) are evaluated without branching on the
    /// nodes; the general walk down each tree must find exactly the same windows.
    @Test("the flat tree evaluation finds the windows the general walk finds", arguments: [
        ("haarcascade_frontalface_alt2", CascadeDetector.TreeShape.pairs),
        ("haarcascade_profileface", CascadeDetector.TreeShape.stumps),
    ])
    func flatTrees(name: String, shape: CascadeDetector.TreeShape) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "xml", subdirectory: "Resources"))
        let model = try CascadeModel(xml: Data(contentsOf: url))
        let flat = CascadeDetector(model: model), general = CascadeDetector(model: model, flat: false)
        #expect(flat.shape == shape)
        #expect(general.shape == .general)
        let image = try Image.load(path: testImage("people-group-bar-crowd.jpg"))
        let pixels = try image.toSRGB().pixels()
        let raster = Raster(pixels)
        let integral = IntegralImage(gray: raster.gray(), width: raster.width, height: raster.height)
        var scan = CascadeDetector.Scan()
        scan.refineDepth = 0
        let a = flat.detect(in: integral, scan: scan, recordingDepths: true)
        let b = general.detect(in: integral, scan: scan, recordingDepths: true)
        func key(_ h: CascadeDetector.Hit) -> [Int] { [h.size, h.y, h.x, Int(h.margin.bitPattern)] }
        #expect(a.hits.count >= 10)
        // Compared outside #expect: its message would print every window.
        let sameHits = a.hits.map(key).sorted { $0.lexicographicallyPrecedes($1) } == b.hits.map(key).sorted { $0.lexicographicallyPrecedes($1) }
        let sameDepths = a.depths == b.depths
        #expect(sameHits, "hits: \(a.hits.count) flat, \(b.hits.count) general")
        #expect(sameDepths, "how far the windows got differs")
    }

    /// Eight windows at a time over the dealt tables must give what one at a time gives, to
    /// the bit: every hit and its margin, every window's depth, with and without the skin gate,
    /// and for a scan gated by an earlier scan's depths (as the profile models are).
    @Test("the eight-lane evaluation finds the windows the one-window evaluation finds", arguments: [
        ("haarcascade_frontalface_alt2", false), ("haarcascade_frontalface_alt2", true), ("haarcascade_profileface", true),
    ])
    func lanes(name: String, gated: Bool) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "xml", subdirectory: "Resources"))
        let detector = CascadeDetector(model: try CascadeModel(xml: Data(contentsOf: url)))
        let frontalURL = try #require(Bundle.module.url(forResource: "haarcascade_frontalface_alt2", withExtension: "xml", subdirectory: "Resources"))
        let frontal = CascadeDetector(model: try CascadeModel(xml: Data(contentsOf: frontalURL)))
        let raster = Raster(try Image.load(path: testImage("people-group-bar-crowd.jpg")).toSRGB().pixels())
        let integral = IntegralImage(gray: raster.gray(), width: raster.width, height: raster.height)
        var scan = CascadeDetector.Scan()
        scan.refineDepth = 0
        if gated { scan.skinGate = FaceDetector.skinGate(raster, stride: integral.stride, minShare: 0.15) }
        if name == "haarcascade_profileface" {
            scan.priorDepth = CascadeDetector.PriorDepth(depths: frontal.detect(in: integral, scan: scan, recordingDepths: true).depths,
                                                         minimum: 2)
        }
        var laneScan = scan
        laneScan.lanes = CascadeDetector.LaneTables(integral, gate: scan.skinGate, steps: 2...5)
        let one = detector.detect(in: integral, scan: scan, recordingDepths: true)
        let eight = detector.detect(in: integral, scan: laneScan, recordingDepths: true)
        func key(_ h: CascadeDetector.Hit) -> [Int] { [h.size, h.y, h.x, Int(h.margin.bitPattern)] }
        #expect(one.hits.count >= 10)
        let sameHits = one.hits.map(key).sorted { $0.lexicographicallyPrecedes($1) } == eight.hits.map(key).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(sameHits, "hits: \(one.hits.count) one at a time, \(eight.hits.count) eight at a time")
        // Compared outside #expect: its message would print every window.
        let sameDepths = one.depths == eight.depths
        #expect(sameDepths, "how far the windows got differs")
        // The lanes did run: some scales have windows that got past the first stages.
        #expect(one.depths.prefix(4).allSatisfy { $0.contains { $0 > 2 } })
        // Tables dealt for another image are not used.
        var foreign = scan
        foreign.lanes = CascadeDetector.LaneTables(IntegralImage(gray: [UInt8](repeating: 7, count: 40 * 30), width: 40, height: 30),
                                                   gate: scan.skinGate, steps: 2...5)
        let foreignDepths = detector.detect(in: integral, scan: foreign, recordingDepths: true).depths
        let sameForeign = foreignDepths == one.depths
        #expect(sameForeign, "tables of another image changed the result")
    }

    /// The dealt tables keep squares modulo 2^32, exact for windows up to 256 px. With a fine
    /// step (0.01 of the window), steps 2–5 are windows of 150–549 px; on a bright, busy image
    /// the larger ones' sums of squares pass 2^32 and must run one at a time.
    @Test("windows too large for the narrow tables run one at a time")
    func lanesTooLarge() throws {
        let url = try #require(Bundle.module.url(forResource: "haarcascade_frontalface_alt2", withExtension: "xml", subdirectory: "Resources"))
        let detector = CascadeDetector(model: try CascadeModel(xml: Data(contentsOf: url)))
        #expect(CascadeDetector.LaneTables.holds(varianceArea: 256 * 256, gateArea: 150 * 150))
        #expect(!CascadeDetector.LaneTables.holds(varianceArea: 258 * 258, gateArea: 150 * 150))
        #expect(!CascadeDetector.LaneTables.holds(varianceArea: 100 * 100, gateArea: 256 * 256))
        // Grey levels 190–255 in blocks of 8 px (contrast at every scale), the same every run.
        let side = 640
        var state: UInt32 = 12345
        var blocks = [UInt8](repeating: 0, count: (side / 8) * (side / 8))
        for i in blocks.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            blocks[i] = 190 + UInt8(truncatingIfNeeded: state >> 24) % 66
        }
        let gray = (0..<side * side).map { blocks[($0 / side / 8) * (side / 8) + ($0 % side) / 8] }
        let integral = IntegralImage(gray: gray, width: side, height: side)
        var scan = CascadeDetector.Scan()
        scan.refineDepth = 0
        scan.stepFraction = 0.01
        scan.minSize = 150
        var laneScan = scan
        laneScan.lanes = CascadeDetector.LaneTables(integral, gate: nil, steps: 2...5)
        let one = detector.detect(in: integral, scan: scan, recordingDepths: true)
        let eight = detector.detect(in: integral, scan: laneScan, recordingDepths: true)
        // Some large windows get past the flatness check and the first stage.
        #expect(one.depths.suffix(6).contains { $0.contains { $0 > 0 } })
        let sameDepths = one.depths == eight.depths
        #expect(sameDepths, "how far the windows got differs")
    }


    /// The turned passes rebuild one pair of tables for each angle: what a rebuild leaves must
    /// be what a fresh build of the same image gives, whatever the tables held before.
    @Test("tables rebuilt in place equal freshly built ones")
    func integralRebuild() {
        func gray(_ width: Int, _ height: Int, seed: UInt32) -> [UInt8] {
            var state = seed
            return (0..<width * height).map { _ in
                state = state &* 1_664_525 &+ 1_013_904_223
                return UInt8(truncatingIfNeeded: state >> 24)
            }
        }
        var tables = IntegralImage(gray: gray(37, 23, seed: 1), width: 37, height: 23)
        for (width, height, seed) in [(37, 23, 2), (37, 23, 3), (51, 12, 4), (5, 60, 5)] {
            let image = gray(width, height, seed: UInt32(seed))
            tables.rebuild(gray: image, width: width, height: height)
            let fresh = IntegralImage(gray: image, width: width, height: height)
            let sameSize = [tables.width, tables.height, tables.stride] == [fresh.width, fresh.height, fresh.stride]
            #expect(sameSize)
            let same = tables.sums == fresh.sums && tables.squares == fresh.squares
            #expect(same, "\(width)×\(height) after a rebuild differs from a fresh build")
            // Sums read from the tables are the pixels' own: the whole image, and its bottom-right corner.
            let s = tables.stride
            for (x, y) in [(0, 0), (width - 2, height - 2)] {
                let (w, h) = (width - x, height - y)
                var direct = 0, directSquares = 0.0
                for row in y..<height {
                    for column in x..<width {
                        let v = Int(image[row * width + column])
                        direct += v
                        directSquares += Double(v * v)
                    }
                }
                let viaTables = Int(tables.sums[(y + h) * s + x + w]) - Int(tables.sums[y * s + x + w])
                    - Int(tables.sums[(y + h) * s + x]) + Int(tables.sums[y * s + x])
                let squaresViaTables = tables.squares[(y + h) * s + x + w] - tables.squares[y * s + x + w]
                    - tables.squares[(y + h) * s + x] + tables.squares[y * s + x]
                #expect(viaTables == direct)
                #expect(squaresViaTables == directSquares)
            }
        }
    }
    @Test("a damaged cascade file is an error, not a crash", arguments: [
        "",
        "<opencv_storage><cascade><featureType>HAAR</featureType></cascade></opencv_storage>",
        "<opencv_storage><cascade><featureType>SURF</featureType><width>20</width></cascade></opencv_storage>",
        """
        <opencv_storage><cascade><featureType>HAAR</featureType><height>20</height><width>20</width>
        <stages><_><stageThreshold>0.5</stageThreshold><weakClassifiers><_>
        <internalNodes>0 -1 7 x</internalNodes><leafValues>1 2</leafValues></_></weakClassifiers></_></stages>
        </cascade></opencv_storage>
        """,
        """
        <opencv_storage><cascade><featureType>HAAR</featureType><height>20</height><width>20</width>
        <stages><_><stageThreshold>0.5</stageThreshold><weakClassifiers><_>
        <internalNodes>0 -1 7 0.25</internalNodes><leafValues>1 2</leafValues></_></weakClassifiers></_></stages>
        <features><_><rects><_>0 0 4 4 -1.</_><_>0 0 2 4 2.</_></rects></_></features></cascade></opencv_storage>
        """,
        """
        <opencv_storage><cascade><featureType>HAAR</featureType><height>20</height><width>20</width>
        <stages><_><stageThreshold>0.5</stageThreshold><weakClassifiers><_>
        <internalNodes>0 -1 nan 0.25</internalNodes><leafValues>1 2</leafValues></_></weakClassifiers></_></stages>
        """,
    ])
    func damagedModel(text: String) {
        #expect(throws: CascadeModelError.self) { try CascadeModel(xml: Data(text.utf8)) }
    }

    @Test("a minimal cascade parses to what it says")
    func minimalModel() throws {
        let model = try CascadeModel(xml: Data("""
            <?xml version="1.0"?>
            <!-- a comment with <tags> in it -->
            <opencv_storage><cascade type_id="opencv-cascade-classifier"><featureType>HAAR</featureType>
            <height>24</height><width>20</width>
            <stages><_><stageThreshold>-1.5e-01</stageThreshold><weakClassifiers><_>
            <internalNodes>0 -1 0 2.5e-1</internalNodes><leafValues>-0.75 1.</leafValues></_></weakClassifiers></_></stages>
            <features><_><rects><_>0 0 4 4 -1.</_><_>0 0 2 4 2.</_></rects></_></features></cascade></opencv_storage>
            """.utf8))
        #expect(model.windowWidth == 20)
        #expect(model.windowHeight == 24)
        #expect(model.stages.count == 1)
        #expect(model.stages.first?.threshold == Float(-0.15))
        #expect(model.nodes.count == 1)
        #expect(model.nodes.first?.threshold == Float(0.25))
        #expect(model.nodes.first?.right == -1)
        #expect(model.leaves == [Float(-0.75), Float(1)])
        let widths: [Int] = model.haarFeatures.first?.map(\.width) ?? []
        #expect(widths == [4, 2])
    }

    @Test("the detector finds the face in known portraits", arguments: [
        ("people-portrait-grace-hopper.jpg", SourceRect(x: 160, y: 100, width: 212, height: 240)),
        ("people-astronaut.jpg", SourceRect(x: 178, y: 66, width: 95, height: 108)),
    ])
    func knownFace(name: String, expected: SourceRect) throws {
        let analysis = try ImageAnalysis.analyze(path: testImage(name))
        let best = analysis.faces.map { $0.box.iou(expected) }.max() ?? 0
        #expect(best >= 0.4, "faces \(analysis.faces.map(\.box)) vs \(expected)")
        #expect(analysis.faces.count == 1)
    }

    /// The faces of a group (29 of them, several with equal confidence) come out of concurrent
    /// scales and a dictionary of clusters; the plan stores them in order, so the order must not
    /// depend on either.
    @Test("the same image gives the same faces in the same order, every time")
    func deterministicOrder() throws {
        let first = try ImageAnalysis.analyze(path: testImage("people-group-solvay-1927.jpg")).faces
        #expect(first.count > 10)
        for _ in 0..<3 {
            let again = try ImageAnalysis.analyze(path: testImage("people-group-solvay-1927.jpg")).faces
            #expect(again == first)
        }
    }

    /// Two faces in the bar crowd are found only by the profile models (the man in profile top
    /// right, the woman half in shadow); the profile passes now run only where the frontal model
    /// got through two stages, and must still find them, and the same faces as without the gate.
    @Test("profile faces survive the frontal-depth gate on the profile passes")
    func profileGate() throws {
        let path = testImage("people-group-bar-crowd.jpg")
        let gated = try ImageAnalysis.analyze(path: path)
        #expect(AnalysisOptions().faces.profileFrontalDepth == 2)
        for annotated in [SourceRect(x: 120, y: 243, width: 42, height: 57), SourceRect(x: 703, y: 180, width: 42, height: 50)] {
            #expect((gated.faces.map { $0.box.iou(annotated) }.max() ?? 0) >= 0.4, "\(gated.faces.map(\.box))")
        }
        var options = AnalysisOptions()
        options.faces.profileFrontalDepth = 0
        let everywhere = try ImageAnalysis.analyze(path: path, options: options)
        // The same faces; a merged box may move by a pixel (the confidences that order the merge
        // differ slightly when fewer profile windows agree).
        #expect(gated.faces.count == everywhere.faces.count)
        for face in gated.faces {
            #expect((everywhere.faces.map { $0.box.iou(face.box) }.max() ?? 0) >= 0.9, "\(face.box)")
        }
        var frontalOnly = AnalysisOptions()
        frontalOnly.faces.profiles = false
        #expect(try ImageAnalysis.analyze(path: path, options: frontalOnly).faces.count < gated.faces.count)
    }

    @Test("a leaning head is found by the turned passes, and only by them",
          arguments: [("people-face-closeup.jpg", SourceRect(x: 145, y: 0, width: 605, height: 517)),
                      ("people-group-three-tattoos.jpg", SourceRect(x: 327, y: 63, width: 170, height: 184))])
    func tiltedFace(name: String, annotated: SourceRect) throws {
        let analysis = try ImageAnalysis.analyze(path: testImage(name))
        let best = analysis.faces.map { $0.box.iou(annotated) }.max() ?? 0
        #expect(best >= 0.4, "faces \(analysis.faces.map(\.box)) vs \(annotated)")

        var upright = AnalysisOptions()
        upright.faces.tiltAngles = []
        let without = try ImageAnalysis.analyze(path: testImage(name), options: upright)
        #expect((without.faces.map { $0.box.iou(annotated) }.max() ?? 0) < 0.4)
    }

    @Test("no face in face-less textures", arguments: [1, 2, 3])
    func texture(seed: UInt64) throws {
        // Bark-like: brown, noisy, with vertical streaks.
        var generator = SplitMix(seed: seed)
        let width = 480, height = 360
        var data = [UInt8](repeating: 0, count: width * height * 3)
        var streak = [Double](repeating: 0, count: width)
        for x in 0..<width { streak[x] = Double(generator.next() % 60) }
        for y in 0..<height {
            for x in 0..<width {
                let noise = Double(generator.next() % 50)
                let v = 70 + streak[x] * 0.8 + noise + 20 * sin(Double(y) / 9 + Double(x) / 31)
                let i = (y * width + x) * 3
                data[i] = UInt8(min(255, v * 1.3))
                data[i + 1] = UInt8(min(255, v * 0.95))
                data[i + 2] = UInt8(min(255, v * 0.6))
            }
        }
        let pixels = PixelBuffer(width: width, height: height, bands: 3, data: data)
        let analysis = try ImageAnalysis.analyze(pixels: pixels, sourceWidth: width, sourceHeight: height, format: "raw")
        #expect(analysis.faces.isEmpty, "\(analysis.faces)")
    }

    @Test("grouping merges neighbours and drops lone windows")
    func grouping() {
        var hits = (0..<6).map { CascadeDetector.Hit(x: 100 + $0, y: 50 + $0 % 2, size: 40 + $0 % 3, margin: 0.5) }
        hits.append(CascadeDetector.Hit(x: 400, y: 300, size: 30, margin: 0.1))
        let groups = RectangleGrouping.group(hits, minNeighbours: 3)
        #expect(groups.count == 1)
        #expect(groups.first?.neighbours == 6)
        #expect(abs((groups.first?.x ?? 0) - 102.5) < 0.01)
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
