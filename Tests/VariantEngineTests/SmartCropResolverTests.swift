import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine

struct SmartCropResolverTests {
    @Test("c_fill,g_auto through the resolver lands where variant crop puts the window")
    func fillAuto() throws {
        let analysis = try ImageAnalysis.analyze(path: testImage("people-couple-bar.jpg"))
        let resolver = AnalysisGravityResolver(analysis)
        let geometry = try Geometry.resolve(
            source: Size(analysis.width, analysis.height), components: Geometry.split("c_fill,g_auto,w_400,h_500"),
            resolver: resolver)
        let crop = try #require(geometry.crop)
        let plan = SmartCropper().crop(analysis, aspectRatio: AspectRatio(parsing: "4:5")!)
        #expect(abs(crop.x - plan.rect.x) <= 1 && abs(crop.width - plan.rect.width) <= 1, "\(crop) vs \(plan.rect)")
        try #require(!analysis.faces.isEmpty)
        for face in analysis.faces {
            let kept = Double(face.box.intersection(SourceRect(x: crop.x, y: crop.y, width: crop.width, height: crop.height))?.area ?? 0)
            #expect(kept == 0 || kept == Double(face.box.area))
        }
    }

    @Test("faces are handed to g_face")
    func faces() throws {
        let analysis = try ImageAnalysis.analyze(path: testImage("people-astronaut.jpg"))
        let resolver = AnalysisGravityResolver(analysis)
        #expect(resolver.faces().count == analysis.faces.count)
        #expect(resolver.customRegions().isEmpty)
    }
}
