import CloudinaryTransform
import VipsCore

/// Builds the gravity resolver a render needs: faces and `g_auto` windows come from the
/// engine's own analysis (one reduced decode), unless the caller already knows the faces
/// (stored on the Cloudinary asset); custom coordinates can only come from the caller.
public enum ContentResolver {
    /// Whether the transformation has a gravity that depends on image content
    /// (`g_auto…`, `g_face…`, `g_faces…`, `g_custom:face…`).
    public static func needsAnalysis(_ transformation: Transformation) -> Bool {
        transformation.components.contains { component in
            component.parameters.contains { p in
                (p.key == "g"
                    && (p.rawValue.hasPrefix("auto") || p.rawValue.hasPrefix("face") || p.rawValue.hasPrefix("custom:face")))
                    || (p.key == "if" && countsFaces(p.rawValue))
            }
        }
    }

    /// Whether a condition reads the face count (`if_fc_gt_0`): the count is then of the faces
    /// the analysis finds, not of none (the condition took the no-face branch of a face
    /// close-up). (A variable holding it, `$n_fc`, is not evaluated locally, and says so.)
    static func countsFaces(_ value: String) -> Bool {
        value.contains("face_count") || value.contains("faceCount") || value.split(separator: "_").contains("fc")
    }

    /// The `f_` and `q_` parameters of `transformation` as written: what the optimiser decides
    /// itself, so a transformation given to it must not carry them (they were silently replaced).
    public static func deliveryParameters(_ transformation: Transformation) -> [String] {
        transformation.components.flatMap { component in
            component.parameters.filter { $0.key == "f" || $0.key == "q" }.map { "\($0.key)_\($0.rawValue)" }
        }
    }

    /// The resolver for rendering `path` with `transformation`.
    ///
    /// - Parameters:
    ///   - known: Faces and custom coordinates the caller knows: known faces replace the face
    ///     search (for `g_face` and `g_auto` alike), and `g_auto` keeps the custom areas too.
    ///   - maxPixels: The analysis refuses sources with more pixels (the render's own limit).
    /// - Returns: `known` alone when no content-aware gravity is used, else known boxes plus the
    ///   analysis's faces and smart-crop windows.
    public static func forRendering(path: String, transformation: Transformation, known: KnownRegions = KnownRegions(),
                                    maxPixels: Int = LoadOptions.defaultMaxPixels)
        throws -> any GravityResolver
    {
        guard needsAnalysis(transformation) else { return known }
        var options = AnalysisOptions()
        options.maxPixels = maxPixels
        // Known faces and custom areas are the analysis's too, as `crop --faces` takes them: found
        // in QA, `g_auto` placed its window by the detected faces while g_face used the given ones.
        let analysis = try ImageAnalysis.analyze(path: path, options: options,
                                                 knownFaces: known.knownFaces.isEmpty ? nil : known.knownFaces.map(SourceRect.init))
        let analysed = AnalysisGravityResolver(analysis, custom: known.knownCustom.map(SourceRect.init))
        return KnownRegions(
            faces: known.knownFaces.isEmpty ? analysed.faces() : known.knownFaces,
            custom: known.knownCustom,
            auto: known.auto ?? { analysed.autoWindow($0) })
    }
}
