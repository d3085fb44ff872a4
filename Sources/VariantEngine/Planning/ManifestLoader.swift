import CloudinaryTransform
import Foundation
import Yams

extension CampaignManifest {
    /// Reads and validates a manifest: `.yaml`/`.yml` as YAML, anything else as JSON.
    ///
    /// ```swift
    /// let manifest = try CampaignManifest.load(path: "TestImages/campaign/campaign.json")
    /// print(manifest.placements.map(\.name))
    /// ```
    /// - Throws: ``ManifestError`` listing every problem (file, path inside it, message);
    ///   `EngineError(.io)` when the file cannot be read.
    public static func load(path: String) throws -> CampaignManifest {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError(.io, "no such file (the manifest)", input: path)
        }
        guard !isDirectory.boolValue else {
            throw EngineError(.io, "is a directory, not a manifest file", input: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.io, "cannot read the manifest", input: path)
        }
        let lower = path.lowercased()
        return try parse(data, file: path, yaml: lower.hasSuffix(".yaml") || lower.hasSuffix(".yml"))
    }

    /// Parses and validates manifest bytes; `file` only names the source in errors.
    /// - Throws: ``ManifestError``.
    public static func parse(_ data: Data, file: String, yaml: Bool) throws -> CampaignManifest {
        // Both formats are UTF-8 text; a Latin-1 byte would otherwise become U+FFFD inside a
        // public id and a URL.
        if let offset = firstInvalidUTF8(data) {
            throw ManifestError(file: file, issues: [.init(path: "", code: "syntax",
                                                           message: "not UTF-8 text (byte \(offset) is not valid UTF-8)")])
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // a byte-order mark, which YAML refuses
        if !yaml {
            let ambiguous = JSONKeyScanner.scan(data)
            if !ambiguous.isEmpty { throw ManifestError(file: file, issues: ambiguous) }
        }
        // The untyped tree first: unknown keys and enumerated values get precise messages there,
        // which the Codable pass alone cannot give.
        let tree: Any
        do {
            if yaml {
                guard let node = try Yams.compose(yaml: text) else {
                    throw ManifestError(file: file, issues: [.init(path: "", code: "syntax", message: "the document is empty")])
                }
                tree = try YAMLTree.value(of: node, file: file)
            } else {
                tree = try JSONSerialization.jsonObject(with: data)
            }
        } catch let error as ManifestError {
            throw error
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
            // The parser's own message quotes the whole mapping, flattened onto one line.
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw ManifestError(file: file, issues: [.init(
                path: "", code: "duplicate",
                message: "\(keys) given more than once in the mapping at line \(context.mark.line), column \(context.mark.column); give each key once")])
        } catch {
            throw ManifestError(file: file, issues: [.init(path: "", code: "syntax",
                                                           message: "not valid \(yaml ? "YAML" : "JSON"): \(Self.describe(error))")])
        }
        // Every problem at once: the shape's, then the typed decode's or the validator's (a
        // problem the shape check already named at a path is not repeated).
        var issues = ManifestShapeChecker.check(tree)
        if issues.contains(where: { $0.path.isEmpty }) { throw ManifestError(file: file, issues: issues) }
        do {
            let manifest = yaml ? try YAMLDecoder().decode(CampaignManifest.self, from: text)
                : try JSONDecoder().decode(CampaignManifest.self, from: data)
            issues += ManifestValidator.validate(manifest).filter { issue in !issues.contains { $0.path == issue.path } }
            if !issues.isEmpty { throw ManifestError(file: file, issues: issues) }
            return manifest
        } catch let error as DecodingError {
            let decoding = Self.issue(from: error)
            if !issues.contains(where: { $0.path == decoding.path }) { issues.append(decoding) }
            throw ManifestError(file: file, issues: issues)
        }
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        var decoder = UTF8()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    static func describe(_ error: Error) -> String {
        if let yaml = error as? YamlError {
            // The parser quotes the offending line, which can be the whole document (200 KB of
            // nested brackets): keep the start, which says where and what.
            let text = String(describing: yaml).replacingOccurrences(of: "\n", with: " ")
            return text.count > 300 ? text.prefix(300) + " …" : text
        }
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }

    static func issue(from error: DecodingError) -> ManifestError.Issue {
        switch error {
        case .keyNotFound(let key, let context):
            return .init(path: ManifestPath.text(context.codingPath + [key]), code: "missing-key",
                         message: "required key '\(key.stringValue)' is missing")
        case .typeMismatch(let type, let context):
            return .init(path: ManifestPath.text(context.codingPath), code: "type-mismatch",
                         message: "expected \(ManifestPath.typeName(type)) but received another type")
        case .valueNotFound(let type, let context):
            return .init(path: ManifestPath.text(context.codingPath), code: "type-mismatch",
                         message: "expected \(ManifestPath.typeName(type)) but received null")
        case .dataCorrupted(let context):
            return .init(path: ManifestPath.text(context.codingPath), code: "invalid-value", message: context.debugDescription)
        @unknown default:
            return .init(path: "", code: "invalid-value", message: String(describing: error))
        }
    }
}

/// A YAML document as the same untyped tree `JSONSerialization` gives (string-keyed mappings,
/// arrays, scalars), built from Yams's node tree instead of `Yams.load`, which traps on a
/// mapping key that is not a scalar (`? [a, b]: c`, found by the manifest fuzzer) and expands
/// aliases without limit (a "billion laughs" document is a few hundred bytes).
enum YAMLTree {
    /// Far more values than a real manifest holds; the limit only stops alias expansion.
    static let valueLimit = 1_000_000

    static func value(of root: Node, file: String) throws -> Any {
        var left = valueLimit
        func problem(_ path: String, _ message: String) -> ManifestError {
            ManifestError(file: file, issues: [.init(path: path, code: "syntax", message: message)])
        }
        func convert(_ node: Node, _ path: String) throws -> Any {
            left -= 1
            if left < 0 {
                throw problem(path, "the document expands to more than \(valueLimit) values (aliases repeated inside aliases?)")
            }
            switch node {
            case .scalar:
                return node.any
            case .sequence(let sequence):
                return try sequence.enumerated().map { try convert($1, ManifestPath.join(path, $0)) }
            case .mapping(let mapping):
                var out: [String: Any] = [:]
                var merged: [String: Any] = [:]
                for (key, value) in mapping {
                    guard case .scalar(let scalar) = key else {
                        throw problem(path, "a mapping key must be a plain value, not a list or a mapping")
                    }
                    // A merge key (`<<: *defaults`, or a list of them): the aliased mappings'
                    // entries, under the ones written here (YAML 1.1, which manifests use to
                    // share placement settings).
                    if key.tag.rawValue == Tag.Name.merge.rawValue {
                        let sources = value.sequence.map(Array.init) ?? [value]
                        for source in sources.reversed() {
                            guard let entries = try convert(source, path) as? [String: Any] else {
                                throw problem(path, "a merge key (<<) takes a mapping or a list of mappings")
                            }
                            merged.merge(entries) { _, later in later }
                        }
                        continue
                    }
                    out[scalar.string] = try convert(value, ManifestPath.join(path, scalar.string))
                }
                return out.merging(merged) { own, _ in own }
            case .alias:
                throw problem(path, "an alias that was not resolved")
            }
        }
        return try convert(root, "")
    }
}

/// Paths inside a manifest, as users read them: `placements[2].aspectRatio`.
enum ManifestPath {
    static func text(_ keys: [CodingKey]) -> String {
        var result = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    static func typeName(_ type: Any.Type) -> String {
        if type is String.Type { return "a string" }
        if type is Int.Type { return "an integer" }
        if type is Double.Type { return "a number" }
        if type is Bool.Type { return "true or false" }
        let name = String(describing: type)
        return name.hasPrefix("Array") ? "a list" : name.hasPrefix("Dictionary") ? "a mapping" : "an object (\(name))"
    }

    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }
    static func join(_ base: String, _ index: Int) -> String { base + "[\(index)]" }
}

/// Checks the untyped document: known keys at every level (with a "did you mean") and the
/// enumerated values, before the typed decode.
enum ManifestShapeChecker {
    static func check(_ tree: Any) -> [ManifestError.Issue] {
        var issues: [ManifestError.Issue] = []
        guard let root = tree as? [String: Any] else {
            return [.init(path: "", code: "type-mismatch", message: "expected a mapping at the top of the manifest")]
        }
        keys(root, known: CampaignManifest.knownKeys, path: "", into: &issues)
        if let policy = root["policy"] as? [String: Any] {
            keys(policy, known: CampaignPolicy.knownKeys, path: "policy", into: &issues)
            if let cloudinaryKeys = policy["cloudinaryKeys"] as? [String: Any] {
                keys(cloudinaryKeys, known: CloudinaryPolicyKeys.knownKeys, path: "policy.cloudinaryKeys", into: &issues)
            }
            enumerated(policy["subjectFit"], allowed: ViolationSeverity.allCases.map(\.rawValue), name: "subjectFit",
                       path: "policy.subjectFit", into: &issues)
        }
        for (i, item) in (root["placements"] as? [Any] ?? []).enumerated() {
            guard let placement = item as? [String: Any] else { continue }
            let path = ManifestPath.join("placements", i)
            keys(placement, known: Placement.knownKeys, path: path, into: &issues)
            if let range = placement["breakpoints"] as? [String: Any] {
                keys(range, known: BreakpointRange.knownKeys, path: ManifestPath.join(path, "breakpoints"), into: &issues)
            }
            enumerated(placement["upscale"], allowed: UpscalePolicy.allCases.map(\.rawValue), name: "upscale",
                       path: ManifestPath.join(path, "upscale"), into: &issues)
        }
        for (i, item) in (root["assets"] as? [Any] ?? []).enumerated() {
            guard let asset = item as? [String: Any] else { continue }
            let path = ManifestPath.join("assets", i)
            keys(asset, known: CampaignAsset.knownKeys, path: path, into: &issues)
            for (j, entry) in (asset["overrides"] as? [Any] ?? []).enumerated() {
                guard let override = entry as? [String: Any] else { continue }
                let overridePath = ManifestPath.join(ManifestPath.join(path, "overrides"), j)
                keys(override, known: AssetOverride.knownKeys, path: overridePath, into: &issues)
                if let text = override["text"] as? [String: Any] {
                    keys(text, known: TextOverlay.knownKeys, path: ManifestPath.join(overridePath, "text"), into: &issues)
                }
            }
        }
        wholeNumbers(root, key: nil, path: "", into: &issues)
        return issues
    }

    /// The keys whose values are whole numbers (pixels, bytes, counts; `widths` is a list of them).
    static let wholeNumberKeys: Set<String> = [
        "maxBytes", "widths", "byteBudget", "minSourceWidth", "minSourceHeight", "minWidth", "maxWidth", "count",
    ]

    /// A fraction where a whole number belongs (`"widths": [200.5]`): the typed pass would only
    /// say the data is not valid, without the place.
    static func wholeNumbers(_ value: Any, key: String?, path: String, into issues: inout [ManifestError.Issue]) {
        switch value {
        case let object as [String: Any]:
            for name in object.keys.sorted() {
                wholeNumbers(object[name]!, key: name, path: ManifestPath.join(path, name), into: &issues)
            }
        case let list as [Any]:
            for (i, item) in list.enumerated() { wholeNumbers(item, key: key, path: ManifestPath.join(path, i), into: &issues) }
        default:
            guard let key, wholeNumberKeys.contains(key), !(value is Bool), !(value is String),
                  let number = (value as? NSNumber)?.doubleValue ?? (value as? Double),
                  number.rounded() != number || !number.isFinite else { return }
            issues.append(.init(path: path, code: "type-mismatch",
                                message: ManifestError.expected("a whole number", for: key, received: "\(number)")))
        }
    }

    static func keys(_ object: [String: Any], known: [String], path: String, into issues: inout [ManifestError.Issue]) {
        for key in object.keys.sorted() where !known.contains(key) {
            var message = "unknown key '\(key)'"
            if let suggestion = Suggest.closest(to: key, among: known) { message += "; did you mean '\(suggestion)'?" }
            issues.append(.init(path: ManifestPath.join(path, key), code: "unknown-key", message: message))
        }
    }

    static func enumerated(_ value: Any?, allowed: [String], name: String, path: String,
                           into issues: inout [ManifestError.Issue]) {
        guard let value, !(value is NSNull) else { return }
        if let text = value as? String, allowed.contains(text) { return }
        var message = ManifestError.expected("one of \(allowed.joined(separator: ", "))", for: name,
                                             received: "\"\(value)\"")
        if let text = value as? String, let suggestion = Suggest.closest(to: text, among: allowed) {
            message += "; did you mean '\(suggestion)'?"
        }
        issues.append(.init(path: path, code: "invalid-value", message: message))
    }
}
