/// Why a manifest was refused: every problem found, each naming the file, the path inside it and
/// what is wrong.
///
/// ```
/// campaign.yaml: placements[2].aspectRatio: expected W:H or a decimal (e.g. 16:9, 1.5) for aspectRatio but received "16-9"
/// ```
public struct ManifestError: Error, Sendable, CustomStringConvertible, Equatable {
    /// One problem in the manifest.
    public struct Issue: Sendable, Codable, Equatable, CustomStringConvertible {
        /// Path inside the manifest, e.g. `placements[2].aspectRatio` ("" for the document itself).
        public var path: String
        /// A stable, kebab-case code: `syntax`, `missing-key`, `unknown-key`, `invalid-value`, `duplicate`, `type-mismatch`.
        public var code: String
        public var message: String

        public init(path: String, code: String, message: String) {
            self.path = path
            self.code = code
            self.message = message
        }

        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// The manifest file as it was given.
    public var file: String
    public var issues: [Issue]

    public init(file: String, issues: [Issue]) {
        self.file = file
        self.issues = issues
    }

    /// One line per issue, each prefixed with the file (control characters quoted from the
    /// manifest, such as a newline inside a public id, are escaped so each stays one line).
    public var description: String {
        issues.map { issue in
            "\(file): \(issue)".unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
                .joined()
        }.joined(separator: "\n")
    }

    /// The one message shape for a bad value: `expected <what> for <name> but received <value>`.
    static func expected(_ what: String, for name: String, received value: String) -> String {
        "expected \(what) for \(name) but received \(value)"
    }
}
