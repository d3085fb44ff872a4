import CloudinaryTransform
import Foundation
import VipsCore

/// An image overlay (`l_<public id>` … `fl_layer_apply`) drawn from a local file the caller
/// names for its public id (``RenderRequest/layerFiles``): a brand logo or a badge. The layer's
/// own transformation (the `l_` component's other parameters and the components up to the
/// apply component: `w_120`, `c_scale`, `o_60`, `e_grayscale` …) is rendered on that file by
/// the same renderer, then placed by ``LayerPlacement``.
///
/// Sizes relative to the base (`fl_relative`) are taken from the layer's own file instead, and
/// listed; layers of other resource types (`l_video:`, `l_fetch:`, subtitles) are not drawn,
/// nor is a layer whose file was not given.
struct ImageLayer: Sendable {
    var components: ClosedRange<Int>
    /// The public id, folders with `/` (the URL writes them with `:`).
    var publicId: String
    var file: String
    /// The layer's own components, as a transformation of its file.
    var transformation: Transformation
    var placement: LayerPlacement
    var notRendered: [String] = []
    /// Every layer file of the request: a layer nested in this one's own transformation is
    /// drawn on this one's file from them.
    var files: [String: String]

    /// The image layer `span` of `transformation` opens, when `files` has a file for it; nil for
    /// another kind of layer, a layer without a file, or one whose own transformation does not
    /// parse (all of them then listed as not rendered, as any layer is).
    init?(span: LayerSpan, in transformation: Transformation, files: [String: String]) {
        let value = span.layerValue
        guard !["text:", "subtitles:", "fetch:", "video:", "audio:", "raw:"].contains(where: value.hasPrefix) else { return nil }
        let publicId = value.replacingOccurrences(of: ":", with: "/")
        guard let file = files[publicId] ?? files[value] else { return nil }
        var notRendered: [String] = []
        let first = span.parts[0]
        let crops = first.first("c") != nil
        let placement = LayerPlacement(span.parts, cropsInLayerComponent: crops)
        // The layer's own transformation: the `l_` component without `l_` (and without its
        // placement, unless it crops), then the components between, not the apply component.
        var own: [String] = []
        // The chain's variables declared before the layer, so that `w_$lw` in it resolves.
        let variables = transformation.components[..<span.components.lowerBound]
            .flatMap { $0.parameters.filter { $0.key.hasPrefix("$") } }
        if !variables.isEmpty { own.append(variables.map { "\($0.key)_\($0.rawValue)" }.joined(separator: ",")) }
        let firstParameters = first.parameters.filter {
            $0.key != "l" && (crops || !["g", "x", "y"].contains($0.key)) && !($0.key == "fl" && $0.rawValue.contains("layer_apply"))
        }
        if !firstParameters.isEmpty { own.append(firstParameters.map { "\($0.key)_\($0.rawValue)" }.joined(separator: ",")) }
        for part in span.parts.dropFirst().dropLast() { own.append(part.description) }
        // (A layer applied in its own component has no apply component apart from it.)
        for parameter in span.parts.count > 1 ? span.parts.last!.parameters : [] where !["g", "x", "y"].contains(parameter.key) {
            let flags = parameter.key == "fl" ? parameter.rawValue.split(separator: ".").filter { $0 != "layer_apply" && $0 != "no_overflow" } : []
            if parameter.key != "fl" { notRendered.append("\(parameter.key)_\(parameter.rawValue) (applying a layer)") }
            notRendered += flags.map { "fl_\($0)" }
        }
        if own.contains(where: { $0.contains("fl_relative") }) { notRendered.append("fl_relative (sizes taken from the layer's file)") }
        let steps = own.count - (variables.isEmpty ? 0 : 1)
        guard let parsed = try? Transformation(parsing: steps == 0 ? "c_scale,w_1.0" : own.joined(separator: "/")) else { return nil }
        components = span.components
        self.publicId = publicId
        self.file = file
        self.transformation = parsed
        self.placement = placement
        self.files = files
        self.notRendered = notRendered + placement.notRendered
    }

    /// The layer at the delivery's `dpr`: its own absolute sizes and its offsets multiplied, as
    /// the base image's are.
    func atDPR(_ dpr: Double) throws -> ImageLayer {
        guard dpr != 1 else { return self }
        var layer = self
        layer.transformation = try Transformation(parsing: transformation.description + "/dpr_\(dpr)")
        layer.placement = placement.atDPR(dpr)
        return layer
    }

    /// Renders the layer's file and draws it over `base`; the result has the base's size and
    /// bands. Also returns what the layer's own transformation left out, each named as the
    /// layer's.
    func drawn(over base: Image, limits: LoadOptions) throws -> (Image, notRendered: [String]) {
        var request = RenderRequest(sourcePath: file, transformation: transformation, limits: limits)
        request.layerFiles = files
        // Decoded here, not when the whole image is written: a damaged layer file is then named
        // as such, not taken for damage in the source.
        let name = "l_" + publicId.replacingOccurrences(of: "/", with: ":")
        let rendered: RenderedPixels
        do {
            rendered = try Renderer.renderPixels(request, materialise: true)
        } catch let error as VipsError {
            throw VipsError(error.code, "\(error.message) (the file of layer \(name))", context: file)
        } catch let error as EngineError where error.geometryError == nil {
            // The layer's own transformation, too large for its file (w_100 of a 1×20000 logo
            // makes 100×2000000): it was said of "w_100" alone, naming no layer.
            throw EngineError(error.code, "\(error.message) (the layer \(name), of \(file))", input: error.input)
        }
        let (left, top) = placement.position(of: (rendered.image.width, rendered.image.height), on: (base.width, base.height))
        let image = try LayerPlacement.composite(rendered.image, over: base, x: left, y: top)
        // fl_relative is reported once, as the layer's (``init?``), not again from inside it.
        var notes = rendered.notRendered.filter { !$0.hasPrefix("fl_relative") }.map { "\($0) (in layer \(name))" }
        if let overflow = placement.overflow(of: name, size: (rendered.image.width, rendered.image.height), at: (left, top),
                                             on: (base.width, base.height)) {
            notes.append(overflow)
        }
        return (image, notes)
    }
}
