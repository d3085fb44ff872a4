import CloudinaryTransform
import Foundation
import VipsCore
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
            throw EngineError(.io, "\(Image.unreachableReason(path)?.reason ?? "no such file") (the manifest)", input: path)
        }
        guard !isDirectory.boolValue else {
            throw EngineError(.io, "is a directory, not a manifest file", input: path)
        }
        // A FIFO or a device would block or never end; only a file is a manifest.
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFIFO: throw EngineError(.io, "is a FIFO, not a manifest file", input: path)
            case S_IFCHR, S_IFBLK: throw EngineError(.io, "is a device, not a manifest file", input: path)
            case S_IFSOCK: throw EngineError(.io, "is a socket, not a manifest file", input: path)
            default: break
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = access(path, R_OK) != 0 ? ": \(String(cString: strerror(errno)))" : ""
            throw EngineError(.io, "cannot read the manifest\(reason)", input: path)
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
        // A copy indexed from 0, as the scanner counts (a slice passed in patched the wrong
        // bytes, or trapped: found in review).
        var data = Data(data)
        var earlier: [ManifestError.Issue] = [], tooLarge: [String] = []
        if !yaml {
            // The scanner's problems, and the syntax error beside them: found in QA, a key given
            // twice hid a missing comma until the next run, which then said only "Invalid value
            // around character 74". Where the parser refuses the document, the place the scan
            // stopped says what was expected.
            let scan = JSONKeyScanner.scanning(data)
            // A number too large for any field is read as 0 and reported, and the rest is
            // checked as usual (found in QA: it hid every other problem until it was fixed).
            for huge in scan.hugeNumbers {
                data.replaceSubrange(huge.range, with: [UInt8(ascii: "0")] + [UInt8](repeating: 0x20, count: huge.range.count - 1))
                tooLarge.append(huge.path)
            }
            let textIssues = scan.issues.filter { issue in !scan.hugeNumbers.contains { $0.path == issue.path } }
            if !textIssues.isEmpty || scan.stop != nil {
                var issues = scan.issues
                do {
                    _ = try JSONSerialization.jsonObject(with: data)
                } catch {
                    let parser = Self.locatingCharacter(in: "not valid JSON: \(Self.describe(error))", of: data)
                    issues.append(scan.stop ?? .init(path: "", code: "syntax", message: parser))
                }
                if !issues.isEmpty { throw ManifestError(file: file, issues: issues) }
            }
            earlier = scan.issues
        }
        // The untyped tree first: unknown keys and enumerated values get precise messages there,
        // which the Codable pass alone cannot give.
        let tree: Any
        do {
            if yaml {
                guard let node = try Yams.compose(yaml: text) else {
                    throw ManifestError(file: file, issues: [.init(path: "", code: "syntax", message: "the document is empty")])
                }
                let converted = try YAMLTree.value(of: node, file: file, documentBytes: text.utf8.count)
                tree = converted.tree
                // Its values no manifest takes (a huge number, a leading zero, a foreign tag)
                // stand in as 0 or null, and the rest is checked as a JSON manifest's is.
                earlier = converted.issues
                tooLarge = converted.standIns
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
            var message = "not valid \(yaml ? "YAML" : "JSON"): \(Self.describe(error))"
            if !yaml { message = Self.locatingCharacter(in: message, of: data) }
            // With the numbers too large for any field (found in review: a tab inside a string,
            // which the scan lets through, left them out).
            throw ManifestError(file: file, issues: earlier + [.init(path: "", code: "syntax", message: message)])
        }
        // Every problem at once: the shape's (unknown keys), then every value of the wrong type
        // (replaced by a stand-in, so that the rest still decodes), then the validator's for what
        // did decode. A problem already named at a path is not repeated, and the validator's
        // problems at a stand-in, inside it or at what holds it are dropped: they would be about
        // the stand-in, not about the manifest.
        var issues = earlier + ManifestShapeChecker.check(tree)
        if issues.contains(where: { $0.path.isEmpty }) { throw ManifestError(file: file, issues: issues) }
        var types = ManifestTypeChecker(yaml: yaml)
        let checked = types.check(tree, as: ManifestTypeChecker.manifest, name: "manifest", path: "") ?? [String: Any]()
        issues += types.issues.filter { issue in !issues.contains { $0.path == issue.path } }
        // Both formats are decoded from the checked tree, by one decoder: a YAML manifest is read
        // by the same rules as the JSON document it stands for.
        let manifest: CampaignManifest
        do {
            manifest = try JSONDecoder().decode(CampaignManifest.self, from: JSONSerialization.data(withJSONObject: checked))
        } catch let error as DecodingError {
            // Only reached if the type table and the model disagree; a problem without a place
            // is then a consequence of one already named.
            let decoding = Self.issue(from: error, tree: tree)
            if !issues.contains(where: { $0.path == decoding.path }) && !(decoding.path.isEmpty && !issues.isEmpty) {
                issues.append(decoding)
            }
            throw ManifestError(file: file, issues: issues)
        } catch {
            throw ManifestError(file: file, issues: issues + [.init(path: "", code: "syntax", message: Self.describe(error))])
        }
        issues += ManifestValidator.validate(manifest).filter { issue in
            // A number too large stands in as 0 at its own place only: what holds it keeps its
            // problems (breakpoints with minWidth over maxWidth beside a huge count).
            !issues.contains { $0.path == issue.path } && !types.replaced.contains { ManifestPath.touches(issue.path, $0) }
                && !tooLarge.contains(issue.path)
        }
        if !issues.isEmpty { throw ManifestError(file: file, issues: issues) }
        return manifest
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

    /// Foundation's JSON errors place the problem by character ("Invalid value around character
    /// 57."); people look for lines: the line and column are added. Its other wordings are made
    /// plainer ("JSON text did not start with array or object and option to allow fragments not
    /// set." for a document that is `null` or a number).
    static func locatingCharacter(in message: String, of data: Data) -> String {
        if message.contains("did not start with array or object") {
            return "not valid JSON: a manifest is one JSON object ({\"campaign\": …}), not a bare value"
        }
        guard let range = message.range(of: #"character (\d+)"#, options: .regularExpression),
              let offset = Int(message[range].dropFirst("character ".count)), offset <= data.count else { return message }
        var line = 1, column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return message.replacingCharacters(in: range, with: "character \(offset) (line \(line), column \(column))")
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

    /// `tree` is the document the decoder read: a type mismatch names the type found there.
    static func issue(from error: DecodingError, tree: Any? = nil) -> ManifestError.Issue {
        switch error {
        case .keyNotFound(let key, let context):
            return .init(path: ManifestPath.text(context.codingPath + [key]), code: "missing-key",
                         message: "required key '\(key.stringValue)' is missing")
        case .typeMismatch(let type, let context):
            let found = tree.flatMap { ManifestPath.value(at: context.codingPath, in: $0) }
            return .init(path: ManifestPath.text(context.codingPath), code: "type-mismatch",
                         message: "expected \(ManifestPath.typeName(type)) but received \(found.map { ManifestValueKind($0).description } ?? "another type")")
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
///
/// Scalars become the JSON values they stand for (see ``scalar(_:_:)``): the manifest is then
/// decoded from this tree, so YAML and JSON manifests are read by the same rules.
enum YAMLTree {
    /// Far more values than a real manifest holds; the limit only stops alias expansion.
    static let valueLimit = 1_000_000
    /// The text of every scalar, aliases expanded, may add up to this many bytes, or to twice the
    /// document's size when that is more (without aliases it cannot exceed the document): a few
    /// aliases of one long string expand to gigabytes while staying far under `valueLimit`.
    static let textLimit = 64 << 20

    /// The tree, and the values it could not take (each an issue, its place holding a stand-in
    /// of 0 or null so that the rest is still checked: found in review, one of them hid every
    /// other problem of a YAML manifest, as a huge number had in a JSON one).
    static func value(of root: Node, file: String, documentBytes: Int = 0) throws
        -> (tree: Any, issues: [ManifestError.Issue], standIns: [String]) {
        var left = valueLimit
        let textBudget = max(textLimit, 2 * documentBytes)
        var textLeft = textBudget
        var numbers: [ManifestError.Issue] = []
        func problem(_ path: String, _ message: String) -> ManifestError {
            ManifestError(file: file, issues: [.init(path: path, code: "syntax", message: message)])
        }
        func convert(_ node: Node, _ path: String) throws -> Any {
            left -= 1
            if left < 0 {
                throw problem(path, "the document expands to more than \(valueLimit) values (aliases repeated inside aliases?)")
            }
            if let issue = Self.tagIssue(node, path) {
                numbers.append(issue)
                return NSNull()
            }
            switch node {
            case .scalar(let scalar):
                textLeft -= scalar.string.utf8.count
                if textLeft < 0 {
                    throw problem(path, "the document expands to more than \(textBudget >> 20) MB of text (aliases of long values repeated?)")
                }
                let value = Self.scalar(node, scalar)
                // What the JSON scanner refuses in a JSON manifest (JSON has no .inf or .nan).
                if let number = value as? Double, !number.isFinite || abs(number) >= 9.2e18 {
                    let token = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
                    numbers.append(.init(path: path, code: "invalid-value", message: number.isNaN
                        ? "the value \(token) is not a number any field takes" : "the number \(token) is too large for any field"))
                    return 0
                }
                return value
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
        let tree = try convert(root, "")
        return (tree, numbers, numbers.map(\.path))
    }

    /// The tags a manifest's values may carry, explicitly or as YAML resolves plain values.
    static let acceptedTags: Set<String> = [
        Tag.Name.null, .bool, .int, .float, .str, .timestamp, .merge, .seq, .map,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// Why `node` cannot stand for a manifest value: a tag YAML has no plain meaning for here
    /// (`!!binary`, `!!python/object:…`, an application's `!custom`), which was dropped and the
    /// text taken as it is; a tag that disagrees with the node (`!!map [a, b]`); or a number
    /// with a leading zero, octal in YAML 1.1 (`0200` is 128) and decimal in YAML 1.2.
    static func tagIssue(_ node: Node, _ path: String) -> ManifestError.Issue? {
        let tag = node.tag.rawValue
        func shown() -> String { tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag }
        guard acceptedTags.contains(tag) else {
            return .init(path: path, code: "invalid-value",
                         message: "the YAML tag \(shown()) is not one a manifest takes (plain values, quoted strings, lists and mappings)")
        }
        switch node {
        case .scalar(let scalar):
            if tag == Tag.Name.seq.rawValue || tag == Tag.Name.map.rawValue {
                return .init(path: path, code: "invalid-value", message: "the YAML tag \(shown()) is on a plain value")
            }
            let digits = scalar.string.drop { $0 == "-" || $0 == "+" }
            if tag == Tag.Name.int.rawValue, digits.count > 1, digits.first == "0", digits.allSatisfy(\.isNumber) {
                return .init(path: path, code: "invalid-value",
                             message: "the number \(scalar.string) has a leading zero: octal in YAML 1.1, decimal in 1.2; "
                                + "write it without the zero (or quote it for a string)")
            }
        case .sequence where tag != Tag.Name.seq.rawValue, .mapping where tag != Tag.Name.map.rawValue:
            return .init(path: path, code: "invalid-value", message: "the YAML tag \(shown()) does not fit a \(node.sequence != nil ? "list" : "mapping")")
        default:
            break
        }
        return nil
    }

    /// The JSON value a scalar stands for, by YAML's own rules: a plain `~`, `null` or nothing
    /// is null; `true`, `false`, `yes`, `no`, `on`, `off` true or false; `200`, `2e2`, `0x10`,
    /// `1.5` numbers; anything quoted (or tagged `!!str`) a string. Two YAML 1.1 forms JSON cannot
    /// write stay strings, as the manifest means them: base 60 (`16:9` is a ratio, not 969) and
    /// timestamps (`asOf: 2026-05-01`).
    static func scalar(_ node: Node, _ scalar: Node.Scalar) -> Any {
        let text = scalar.string
        // A quoted scalar is a string unless a tag says otherwise (`!!int "200"` is 200); Yams
        // constructs numbers and booleans from plain scalars only, so it is handed a plain copy.
        let scalar = Node.Scalar(text, scalar.tag, .plain)
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue:
            return NSNull()
        case Tag.Name.bool.rawValue:
            return Bool.construct(from: scalar) ?? text
        case Tag.Name.int.rawValue where !text.contains(":"):
            // Beyond Int: a Double, which the caller refuses as too large.
            if let value = Int.construct(from: scalar) { return value }
            return Double.construct(from: scalar) ?? text
        case Tag.Name.float.rawValue where !text.contains(":"):
            return Double.construct(from: scalar) ?? text
        default:
            return text
        }
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

    /// Whether a problem at `path` may be about the value at `other`: it is that value, inside it,
    /// or the mapping or list that holds it (`placements[0].breakpoints` for
    /// `placements[0].breakpoints.minWidth`, whose range check reads it).
    static func touches(_ path: String, _ other: String) -> Bool {
        let holder = other.lastIndex { $0 == "." || $0 == "[" }.map { String(other[..<$0]) }
        return path == other || path == holder
            || path.hasPrefix(other) && [".", "["].contains(path.dropFirst(other.count).first)
    }

    /// The value of an untyped document at a decoder's coding path, if there is one.
    static func value(at keys: [CodingKey], in tree: Any) -> Any? {
        var value: Any? = tree
        for key in keys {
            if let index = key.intValue, let list = value as? [Any] {
                value = list.indices.contains(index) ? list[index] : nil
            } else {
                value = (value as? [String: Any])?[key.stringValue]
            }
        }
        return value
    }
}

/// Checks the untyped document's keys: known keys at every level (with a "did you mean"),
/// before the types (``ManifestTypeChecker``) and the typed decode.
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
        }
        for (i, item) in (root["placements"] as? [Any] ?? []).enumerated() {
            guard let placement = item as? [String: Any] else { continue }
            let path = ManifestPath.join("placements", i)
            keys(placement, known: Placement.knownKeys, path: path, into: &issues)
            if let range = placement["breakpoints"] as? [String: Any] {
                keys(range, known: BreakpointRange.knownKeys, path: ManifestPath.join(path, "breakpoints"), into: &issues)
            }
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
        return issues
    }

    static func keys(_ object: [String: Any], known: [String], path: String, into issues: inout [ManifestError.Issue]) {
        for key in object.keys.sorted() where !known.contains(key) {
            var message = "unknown key '\(key)'"
            if let suggestion = Suggest.closest(to: key, among: known) { message += "; did you mean '\(suggestion)'?" }
            issues.append(.init(path: ManifestPath.join(path, key), code: "unknown-key", message: message))
        }
    }
}

/// The kind of a value of the untyped document, named as messages name it ("a number").
enum ManifestValueKind: Equatable {
    case null, bool, number, string, list, mapping

    init(_ value: Any) {
        switch value {
        case is NSNull: self = .null
        case is String: self = .string
        case is [Any]: self = .list
        case is [String: Any]: self = .mapping
        // JSONSerialization gives NSNumber for true and false as well as for numbers (and on
        // Linux `1 is Bool` holds for an NSNumber); YAMLTree gives Swift values.
        case let number as NSNumber where type(of: value) is NSNumber.Type:
            self = String(cString: number.objCType) == "c" ? .bool : .number
        default: self = type(of: value) == Bool.self ? .bool : .number
        }
    }

    /// The words of `JSONValue.kindDescription`, which the resource checks use.
    var description: String {
        switch self {
        case .null: return "null"
        case .bool: return "true or false"
        case .number: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// The type of a manifest value as the Codable model (Manifest.swift) reads it.
indirect enum ManifestType: Sendable {
    case string
    /// A string from a fixed list (the model's enums: `upscale`, `subjectFit`).
    case choice([String])
    /// An integer: a number without a fraction (`200`, `200.0` and `2e2` alike).
    case wholeNumber
    case number
    case bool
    case list(ManifestType)
    case mapping([ManifestField])
    /// Any value, kept as it is: the Cloudinary resource, which its own validator checks.
    case json

    /// What a message says is expected.
    var expected: String {
        switch self {
        case .string, .choice: return "a string"
        case .wholeNumber: return "a whole number"
        case .number: return "a number"
        case .bool: return "true or false"
        case .list(.string): return "a list of strings"
        case .list(.wholeNumber): return "a list of whole numbers"
        case .list(.mapping): return "a list of mappings"
        case .list: return "a list"
        case .mapping: return "a mapping"
        case .json: return "a value"
        }
    }
}

/// One key of a manifest mapping.
struct ManifestField: Sendable {
    enum Need: Sendable {
        case optional
        case required
        /// An asset's `publicId`: required unless its Cloudinary resource names it (`public_id`).
        case unlessResourceId
    }

    var key: String
    var type: ManifestType
    var need: Need

    init(_ key: String, _ type: ManifestType, _ need: Need = .optional) {
        self.key = key
        self.type = type
        self.need = need
    }
}

/// Checks every value of the untyped document against the model's types before the typed
/// decode, which stops at its first problem and cannot say what it found instead: every value
/// of the wrong type is reported with its path and replaced by a stand-in of the right type
/// (present where it was present, so that checks of what holds it, such as "give either
/// 'widths' or 'breakpoints'", are not misled), and the rest still decodes and gets its value
/// checks. Enumerated values (`upscale`, `subjectFit`) and fractions where a whole number belongs
/// are reported here too, with the value found.
struct ManifestTypeChecker {
    /// For the hint that quoting makes a string of what YAML reads as a number or true/false.
    let yaml: Bool
    private(set) var issues: [ManifestError.Issue] = []
    /// The paths whose values were replaced: the validator's problems there are about stand-ins.
    private(set) var replaced: [String] = []

    init(yaml: Bool) {
        self.yaml = yaml
    }

    /// `value` as the typed decode is to read it, or nil when it has the wrong type.
    mutating func check(_ value: Any, as type: ManifestType, name: String, path: String) -> Any? {
        let kind = ManifestValueKind(value)
        switch type {
        case .json:
            return value
        case .string where kind == .string, .bool where kind == .bool, .number where kind == .number:
            return value
        case .choice(let allowed) where kind == .string:
            let text = value as? String ?? ""
            if allowed.contains(text) { return value }
            var message = ManifestError.expected("one of \(allowed.joined(separator: ", "))", for: name, received: "\"\(text)\"")
            if let suggestion = Suggest.closest(to: text, among: allowed) { message += "; did you mean '\(suggestion)'?" }
            return reject(path, code: "invalid-value", message)
        case .wholeNumber where kind == .number:
            if let whole = value as? Int, Swift.type(of: value) == Int.self { return whole }
            if let number = value as? NSNumber, !["d", "f"].contains(String(cString: number.objCType)) { return number.intValue }
            let number = (value as? NSNumber)?.doubleValue ?? value as? Double ?? 0
            guard number.rounded() == number else {
                return reject(path, code: "type-mismatch", ManifestError.expected("a whole number", for: name, received: "\(number)"))
            }
            guard let whole = Int(exactly: number) else {
                return reject(path, code: "invalid-value", "the number \(value) is too large for any field")
            }
            return whole
        case .list(let element) where kind == .list:
            return (value as? [Any] ?? []).enumerated().map { index, item in
                // A stand-in keeps the later items at their indices, which the validator's paths name.
                check(item, as: element, name: name, path: ManifestPath.join(path, index)) ?? Self.standIn(for: element)
            }
        case .mapping(let fields) where kind == .mapping:
            return check(value as? [String: Any] ?? [:], fields: fields, path: path)
        default:
            break
        }
        var message = "expected \(type.expected) but received \(kind.description)"
        // A string or a choice: what YAML read as something else is a string once quoted.
        if yaml, type.expected == ManifestType.string.expected, kind == .number || kind == .bool {
            message += "; quote it: YAML reads an unquoted \(kind == .number ? "1.5 or 200 as a number" : "yes, no, on or off as true or false")"
        }
        return reject(path, code: "type-mismatch", message)
    }

    private mutating func check(_ object: [String: Any], fields: [ManifestField], path: String) -> [String: Any] {
        var checked: [String: Any] = [:]
        for field in fields {
            let fieldPath = ManifestPath.join(path, field.key)
            let required = switch field.need {
            case .optional: false
            case .required: true
            case .unlessResourceId: !((object["cloudinary"] as? [String: Any])?["public_id"] is String)
            }
            // Null is an optional key left out, as the decoder reads it; a required key's null
            // is a type mismatch.
            guard let value = object[field.key], !(value is NSNull && !required) else {
                if required {
                    issues.append(.init(path: fieldPath, code: "missing-key", message: "required key '\(field.key)' is missing"))
                    replaced.append(fieldPath)
                    checked[field.key] = Self.standIn(for: field.type)
                }
                continue
            }
            // A publicId the resource can stand in for is left out instead: a stand-in would
            // differ from the resource's public_id.
            checked[field.key] = check(value, as: field.type, name: field.key, path: fieldPath)
                ?? (field.need == .unlessResourceId && !required ? nil : Self.standIn(for: field.type))
        }
        return checked
    }

    private mutating func reject(_ path: String, code: String, _ message: String) -> Any? {
        issues.append(.init(path: path, code: code, message: message))
        replaced.append(path)
        return nil
    }

    /// A value of the type, in place of one of the wrong type.
    static func standIn(for type: ManifestType) -> Any {
        switch type {
        case .string: return ""
        case .choice(let allowed): return allowed.first ?? ""
        case .wholeNumber: return 0
        case .number: return 0.0
        case .bool: return false
        case .list: return [Any]()
        case .mapping(let fields):
            var object: [String: Any] = [:]
            for field in fields where field.need != .optional { object[field.key] = standIn(for: field.type) }
            return object
        case .json: return NSNull()
        }
    }

    // The model's keys and their types; the keys are each type's `knownKeys` (a test holds them equal).

    static let text = ManifestType.mapping([
        .init("text", .string, .required), .init("font", .string), .init("relativeSize", .number), .init("color", .string),
        .init("gravity", .string),
    ])
    static let override = ManifestType.mapping([
        .init("locale", .string), .init("region", .string), .init("publicId", .string), .init("path", .string),
        .init("approval", .string), .init("text", text), .init("alt", .string),
    ])
    static let asset = ManifestType.mapping([
        .init("publicId", .string, .unlessResourceId), .init("path", .string, .required), .init("approval", .string),
        .init("tags", .list(.string)), .init("alt", .string), .init("placements", .list(.string)),
        .init("overrides", .list(override)), .init("cloudinary", .json),
    ])
    static let breakpoints = ManifestType.mapping(BreakpointRange.knownKeys.map { .init($0, .wholeNumber, .required) })
    static let placement = ManifestType.mapping([
        .init("name", .string, .required), .init("aspectRatio", .string, .required), .init("widths", .list(.wholeNumber)),
        .init("breakpoints", breakpoints), .init("formats", .list(.string)), .init("quality", .string),
        .init("byteBudget", .wholeNumber), .init("minSourceWidth", .wholeNumber), .init("minSourceHeight", .wholeNumber),
        .init("upscale", .choice(UpscalePolicy.allCases.map(\.rawValue))),
    ])
    static let cloudinaryKeys = ManifestType.mapping(CloudinaryPolicyKeys.knownKeys.map { .init($0, .string) })
    static let policy = ManifestType.mapping([
        .init("requireApproved", .bool), .init("neverUpscale", .bool), .init("maxBytes", .wholeNumber),
        .init("subjectFit", .choice(ViolationSeverity.allCases.map(\.rawValue))), .init("asOf", .string),
        .init("regions", .list(.string)), .init("blockedTags", .list(.string)), .init("cloudinaryKeys", cloudinaryKeys),
    ])
    static let manifest = ManifestType.mapping([
        .init("campaign", .string, .required), .init("cloudName", .string, .required), .init("resourceType", .string),
        .init("deliveryType", .string), .init("policy", policy), .init("placements", .list(placement), .required),
        .init("assets", .list(asset), .required),
    ])
}
