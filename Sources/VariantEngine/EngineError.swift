import CloudinaryTransform
import Foundation

/// An error from the engine: a code, a one-line message and the input it concerns.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Extensible error codes.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A file could not be read or written.
        public static let io = Code(rawValue: "io")
        /// The transformation cannot be executed (invalid, or its geometry cannot be resolved).
        public static let invalidTransformation = Code(rawValue: "invalid-transformation")
        /// An option or argument is out of range.
        public static let invalidArgument = Code(rawValue: "invalid-argument")
        /// The requested output cannot be produced from this input: no allowed format can
        /// carry it (too large for every one, or transparent where none keeps alpha). The CLI
        /// exits 1, as for any input checked and found invalid for the request.
        public static let unsupported = Code(rawValue: "unsupported")
        /// The image is smaller than SSIMULACRA2 can score (8×8): its quality cannot be measured.
        public static let tooSmallToScore = Code(rawValue: "too-small-to-score")
    }

    public let code: Code
    public let message: String
    /// The file or value concerned.
    public let input: String?
    /// For a transformation whose geometry cannot be resolved: the geometry's own error (its
    /// component and parameter, for a caret under it).
    public var geometryError: GeometryError?

    /// An option that has no meaning, in the house wording: "expected … for … but received …".
    static func invalidArgument(expected: String, for name: String, received: Any) -> EngineError {
        EngineError(.invalidArgument, "expected \(expected) for \(name) but received \(received)")
    }

    public init(_ code: Code, _ message: String, input: String? = nil) {
        self.code = code
        self.message = message
        self.input = input
    }

    /// `input: message`; an input over 200 characters (a long transformation) is shown as its
    /// first 100 and last 40, so the reason is not lost at the end of a screenful.
    public var description: String {
        guard let input else { return message }
        return "\(Diagnostic.shown(input, limit: 200, head: 100, tail: 40)): \(message)"
    }
}

/// `localizedDescription` (what loggers print) says what happened, not "The operation could
/// not be completed".
extension EngineError: LocalizedError {
    public var errorDescription: String? { description }
}

extension ManifestError: LocalizedError {
    public var errorDescription: String? { description }
}

extension SSIMULACRA2Error: LocalizedError {
    public var errorDescription: String? { description }
}
