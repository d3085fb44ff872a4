import Foundation

/// A Cloudinary transformation: components separated by `/`, each an ordered list of
/// `key_value` parameters separated by `,`.
///
/// Each value keeps its text exactly as written: `w_1` (one pixel) and `w_1.0` (100 %) are
/// different transformations, and so are `dpr_2` and `dpr_2.0`.
///
/// ```swift
/// let t = try Transformation(parsing: "w_800,c_fill,g_auto,h_450/q_auto,f_auto")
/// t.components.count                      // 2
/// t.components[0].first("c")?.rawValue    // "fill"
/// t.canonicalDescription                  // "c_fill,g_auto,h_450,w_800/f_auto,q_auto"
/// ```
public struct Transformation: Sendable, Hashable, CustomStringConvertible {
    /// The components, in order; each acts on the result of the previous one.
    public var components: [Component]

    /// A transformation made of the given components.
    public init(components: [Component]) {
        self.components = components
    }

    /// Parses and validates a transformation string.
    ///
    /// Warnings do not make parsing fail; read them with ``parse(_:context:)``.
    ///
    /// ```swift
    /// do {
    ///     _ = try Transformation(parsing: "c_fil,w_300")
    /// } catch let error as TransformationError {
    ///     print(error.diagnostics[0].suggestion ?? "")   // "c_fill"
    /// } catch {
    ///     print(error)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - string: the transformation as it appears in a delivery URL, without slashes at either end.
    ///   - context: what the transformation will be applied to (image or video), when known.
    /// - Throws: ``TransformationError`` carrying the diagnostics (the first 1000, then one that
    ///   counts the rest), when any of them is an error.
    public init(parsing string: String, context: ValidationContext = .init()) throws {
        let result = Transformation.parse(string, context: context)
        guard let transformation = result.transformation else {
            throw TransformationError(input: string, diagnostics: result.diagnostics)
        }
        self = transformation
    }

    /// Parses and validates a transformation string; never throws.
    ///
    /// ```swift
    /// let result = Transformation.parse("c_fill,w_300,dpr_2.0")
    /// result.isValid                               // true
    /// result.transformation?.canonicalDescription  // "c_fill,dpr_2.0,w_300"
    /// ```
    ///
    /// - Parameters:
    ///   - string: the transformation text.
    ///   - context: what the transformation will be applied to, when known.
    /// - Returns: the transformation when no diagnostic is an error (else `nil`), and all diagnostics.
    public static func parse(_ string: String, context: ValidationContext = .init()) -> ParseResult {
        var copy = string
        return copy.withUTF8 { bytes in
            // Parameter spans for the canonical printer: (start, end) per parameter, (-1, -1)
            // between components; there are at most count + 1 of them.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * bytes.count + 4) { spans in
                var parser = TransformationParser(bytes: bytes, context: context, spans: spans)
                return parser.run(input: string)
            }
        }
    }

    /// Validates a transformation string and prints its canonical form, without building the
    /// model: the fastest way to check strings in bulk.
    ///
    /// ```swift
    /// let result = Transformation.validate("w_300,c_fill,dpr_2.0")
    /// result.isValid         // true
    /// result.canonical       // "c_fill,dpr_2.0,w_300"
    /// result.transformation  // nil: use parse(_:context:) for the components
    /// ```
    ///
    /// - Parameters:
    ///   - string: the transformation text.
    ///   - context: what the transformation will be applied to, when known.
    /// - Returns: validity, diagnostics and (when valid) the canonical string; `transformation` is `nil`.
    public static func validate(_ string: String, context: ValidationContext = .init()) -> ParseResult {
        var copy = string
        return copy.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * bytes.count + 4) { spans in
                var parser = TransformationParser(
                    bytes: bytes, context: context, spans: spans, buildModel: false)
                return parser.run(input: string)
            }
        }
    }

    /// The string in the official SDKs' order: within each component `if_` first, then the
    /// `$variables` sorted, then every other parameter in plain ASCII order of `key_value`;
    /// components keep their order.
    public var canonicalDescription: String { CanonicalPrinter.print(self) }

    /// The string with the parameters in the order they are held.
    public var description: String {
        var out = ""
        for (index, component) in components.enumerated() {
            if index > 0 { out.append("/") }
            out.append(component.description)
        }
        return out
    }
}

extension Transformation {
    /// A string variable's text without the `!…!` that marks it (`$c_!red!` holds "red").
    package static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("!") && text.hasSuffix("!") ? String(text.dropFirst().dropLast()) : text
    }

    /// The user variables each component sees, as written (`!…!` kept): those declared before
    /// it and in it (declarations are read first, as the geometry reads them); a value that is
    /// itself `$name` takes that variable's text.
    package var variablesByComponent: [[String: String]] {
        var variables: [String: String] = [:]
        return components.map { component in
            for parameter in component.parameters where parameter.key.hasPrefix("$") && parameter.key.count > 1 {
                let raw = parameter.rawValue
                variables[String(parameter.key.dropFirst())] = raw.hasPrefix("$") ? variables[String(raw.dropFirst())] ?? raw : raw
            }
            return variables
        }
    }
}

/// One `/`-separated step of a transformation: an ordered list of parameters.
public struct Component: Sendable, Hashable, CustomStringConvertible {
    /// The parameters in the order they are held (as written, for a parsed string).
    public var parameters: [Parameter]

    /// UTF-8 offset of the component in the parsed input, when it came from a parser.
    public internal(set) var sourceOffset: Int?

    /// A component made of the given parameters.
    public init(parameters: [Parameter]) {
        self.parameters = parameters
        self.sourceOffset = nil
    }

    init(parameters: [Parameter], sourceOffset: Int?) {
        self.parameters = parameters
        self.sourceOffset = sourceOffset
    }

    /// The first parameter with this key (`"w"`, `"c"`, `"$foo"`, `"if"`), if any.
    public func first(_ key: String) -> Parameter? {
        for parameter in parameters where parameter.key == key { return parameter }
        return nil
    }

    /// Whether a parameter with this key is present.
    public func contains(_ key: String) -> Bool { first(key) != nil }

    /// The component with its parameters in the order they are held, joined by `,`.
    public var description: String {
        var out = ""
        for (index, parameter) in parameters.enumerated() {
            if index > 0 { out.append(",") }
            out.append(parameter.description)
        }
        return out
    }

    public static func == (lhs: Component, rhs: Component) -> Bool { lhs.parameters == rhs.parameters }
    public func hash(into hasher: inout Hasher) { hasher.combine(parameters) }
}

/// One `key_value` parameter.
///
/// ```swift
/// let p = Parameter(key: "w", rawValue: "0.5")
/// p.value          // .decimal(0.5)
/// p.description    // "w_0.5"
/// ```
public struct Parameter: Sendable, Hashable, CustomStringConvertible {
    /// The text before the first `_`: `"w"`, `"c"`, `"$foo"`, `"if"`.
    public var key: String
    /// The text exactly as written after the first `_`.
    public var rawValue: String

    /// UTF-8 offset of the key in the parsed input, when it came from a parser.
    public internal(set) var sourceOffset: Int?

    /// A parameter from its key and its value text.
    public init(key: String, rawValue: String) {
        self.key = key
        self.rawValue = rawValue
        self.sourceOffset = nil
    }

    init(key: String, rawValue: String, sourceOffset: Int) {
        self.key = key
        self.rawValue = rawValue
        self.sourceOffset = sourceOffset
    }

    /// The value, typed according to the parameter table (``ParameterValue``).
    public var value: ParameterValue { ParameterValue(key: key, rawValue: rawValue) }

    /// The declaration of this parameter in the table, or `nil` for a variable or an unknown key.
    public var specification: ParameterSpec? { ParameterKey(key).map { ParameterTable.spec($0) } }

    /// `key_value`.
    public var description: String { key + "_" + rawValue }

    public static func == (lhs: Parameter, rhs: Parameter) -> Bool {
        lhs.key == rhs.key && lhs.rawValue == rhs.rawValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(rawValue)
    }
}

/// What a transformation will be applied to, for the checks that depend on it.
public struct ValidationContext: Sendable, Hashable {
    /// The asset's resource type when known; `nil` skips the image-only/video-only checks.
    public var resourceType: MediaKind?

    /// A context; with no resource type the image/video applicability checks are skipped.
    public init(resourceType: MediaKind? = nil) {
        self.resourceType = resourceType
    }
}

/// Image or video, as the parameter table tags each parameter.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    case image
    case video
}

/// The outcome of ``Transformation/parse(_:context:)``.
public struct ParseResult: Sendable, Hashable {
    /// The parsed transformation when no diagnostic is an error.
    public var transformation: Transformation?
    /// Errors and warnings, in input order: at most 1000, then one `more-diagnostics` that
    /// counts the rest.
    public var diagnostics: [Diagnostic]

    /// Whether no diagnostic is an error.
    public var isValid: Bool

    /// The canonical form when the input is valid (printed from the input's bytes while parsing).
    public var canonical: String?

    public init(
        transformation: Transformation?, diagnostics: [Diagnostic], canonical: String? = nil,
        isValid: Bool? = nil
    ) {
        self.transformation = transformation
        self.diagnostics = diagnostics
        self.canonical = canonical ?? transformation?.canonicalDescription
        self.isValid = isValid ?? (transformation != nil)
    }
}

/// Thrown by ``Transformation/init(parsing:context:)`` when the string has errors.
public struct TransformationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The string that was parsed.
    public var input: String
    /// All diagnostics (at least one is an error).
    public var diagnostics: [Diagnostic]

    /// The code of the first error.
    public var code: DiagnosticCode {
        diagnostics.first(where: { $0.severity == .error })?.code ?? .invalidValue
    }

    public init(input: String, diagnostics: [Diagnostic]) {
        self.input = input
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }
}

/// `localizedDescription` (what loggers print) says what happened, not "The operation could
/// not be completed".
extension TransformationError: LocalizedError {
    public var errorDescription: String? { description }
}
