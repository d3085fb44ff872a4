import Foundation

extension Transformation {
    /// Resolves this transformation's crop/resize geometry for a source image.
    ///
    /// Reads only each parameter's key and value text; see `Geometry.resolve` for the rules.
    ///
    /// ```swift
    /// let t = try Transformation(parsing: "c_fill,g_north_east,w_250,ar_1.0")
    /// let g = try t.geometry(source: Size(1280, 853))
    /// // g.output == Size(250, 250), g.crop == Rect(427, 0, 853, 853)
    /// ```
    ///
    /// - Parameters:
    ///   - source: The image size as stored, before EXIF orientation.
    ///   - orientation: The EXIF orientation (1–8), applied first unless `a_ignore`.
    ///   - resolver: Face boxes, custom coordinates and `g_auto` windows, if known.
    /// - Returns: The resolved steps, output size, visible source rectangle and padding.
    /// - Throws: `GeometryError` for values the geometry cannot use.
    public func geometry(source: Size, orientation: Int = 1, resolver: (any GravityResolver)? = nil) throws
        -> ResolvedGeometry
    {
        try Geometry.resolve(
            source: source, orientation: orientation,
            components: components.map { component in
                component.parameters.map { GeometryParameter(key: $0.key, rawValue: $0.rawValue) }
            },
            resolver: resolver)
    }
}
