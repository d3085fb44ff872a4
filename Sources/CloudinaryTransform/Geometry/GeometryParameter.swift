import Foundation

/// One parameter as the geometry reads it: the key and the value text exactly as written after
/// the first `_` (`w_0.5` → key `"w"`, raw value `"0.5"`).
///
/// The geometry parses values itself, from their text, so it depends on nothing but the key
/// and the text of each parameter of each component.
public struct GeometryParameter: Hashable, Sendable {
    public var key: String
    public var rawValue: String

    public init(key: String, rawValue: String) {
        self.key = key
        self.rawValue = rawValue
    }
}

extension Geometry {
    /// Splits a transformation string into components of key/value pairs, without validating
    /// anything: `/` separates components, `,` parameters, the first `_` a key from its value.
    ///
    /// Meant for tests and for callers that hold only a string; the transformation parser
    /// (`Transformation(parsing:)`) is the validating way in.
    package static func split(_ transformation: String) -> [[GeometryParameter]] {
        transformation.split(separator: "/", omittingEmptySubsequences: true).map { component in
            component.split(separator: ",", omittingEmptySubsequences: true).map { parameter in
                if let underscore = parameter.firstIndex(of: "_") {
                    return GeometryParameter(
                        key: String(parameter[..<underscore]),
                        rawValue: String(parameter[parameter.index(after: underscore)...]))
                }
                return GeometryParameter(key: String(parameter), rawValue: "")
            }
        }
    }
}
