import Foundation

/// What `JSONSerialization` does not say about a JSON manifest: a key given twice in one object
/// (the parser keeps one of them silently, so `"approval": "approved", "approval": "rejected"`
/// read as approved), numbers too large for any field (the parser refuses the whole document
/// without saying where) and trailing commas (which it accepts). Each problem comes with its
/// path inside the document.
///
/// On anything it cannot follow it stops and says what it expected there (``Stop``): the
/// loader uses that, with its line and column, when the parser then refuses the document too,
/// in place of the parser's "Invalid value around character 74" for a missing comma.
struct JSONKeyScanner {
    private let bytes: [UInt8]
    private var index = 0
    private(set) var issues: [ManifestError.Issue] = []
    /// Where the numbers too large for any field are (byte ranges), and their paths.
    private(set) var hugeNumbers: [(range: Range<Int>, path: String)] = []
    /// Objects and arrays deeper than this are not followed (the parser refuses them anyway).
    private static let depthLimit = 512

    private init(_ data: Data) { bytes = [UInt8](data) }

    /// Duplicate keys, out-of-range numbers and trailing commas, in document order.
    static func scan(_ data: Data) -> [ManifestError.Issue] {
        scanning(data).issues
    }

    /// The issues, and where the scan stopped on something it could not follow, as a syntax
    /// issue ("expected ',' or '}' at line 1, column 75"), or nil when it read the whole document.
    static func scanning(_ data: Data) -> (issues: [ManifestError.Issue], stop: ManifestError.Issue?,
                                           hugeNumbers: [(range: Range<Int>, path: String)]) {
        var scanner = JSONKeyScanner(data)
        if scanner.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.index = 3 }
        do {
            try scanner.parseValue(path: "", depth: 0)
            scanner.skipSpace()
            if scanner.index < scanner.bytes.count { throw Stop(expected: "the end of the document after its one value", path: "") }
            return (scanner.issues, nil, scanner.hugeNumbers)
        } catch let stop as Stop {
            return (scanner.issues, .init(path: stop.path, code: "syntax",
                                          message: "not valid JSON: expected \(stop.expected) at \(scanner.place(scanner.index))"),
                    scanner.hugeNumbers)
        } catch {
            return (scanner.issues, nil, scanner.hugeNumbers)
        }
    }

    /// What the scan expected where it stopped, and the path of the value it was reading.
    private struct Stop: Error {
        var expected: String
        var path: String
    }

    /// "line L, column C" of a byte offset (columns count characters).
    private func place(_ offset: Int) -> String {
        var line = 1, column = 1
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // a byte-order mark is no column
        for byte in bytes[min(start, offset)..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return offset >= bytes.count ? "the end of the document (line \(line), column \(column))" : "line \(line), column \(column)"
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ expected: String, path: String) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { throw Stop(expected: expected, path: path) }
        index += 1
    }

    /// The elements of an object or an array, from its opening bracket (at `index`) through
    /// `closing`: `element` reads the i-th, then a comma or the end follows.
    private mutating func elements(closing: UInt8, path: String, _ element: (inout JSONKeyScanner, Int) throws -> Void) throws {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == closing { index += 1; return }
        let close = "'\(Character(UnicodeScalar(closing)))'"
        for i in 0... {
            try element(&self, i)
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else {
                return try expect(closing, "',' or \(close) after \(closing == UInt8(ascii: "]") ? "a list item" : "a value")", path: path)
            }
            index += 1
            if trailingComma(before: closing, path: path) { return }
        }
    }

    private mutating func parseValue(path: String, depth: Int) throws {
        skipSpace()
        guard index < bytes.count else { throw Stop(expected: "a value", path: path) }
        guard depth < Self.depthLimit else { throw Stop(expected: "at most \(Self.depthLimit) levels of nesting", path: path) }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            var seen = Set<String>()
            try elements(closing: UInt8(ascii: "}"), path: path) { scanner, _ in
                scanner.skipSpace()
                let key = try scanner.string(expected: "a key in double quotes", path: path)
                let keyPath = ManifestPath.join(path, key)
                if !seen.insert(key).inserted {
                    scanner.issues.append(.init(path: keyPath, code: "duplicate",
                                                message: "the key '\(key)' is given more than once in the same object; give it once"))
                }
                try scanner.expect(UInt8(ascii: ":"), "':' after the key '\(key)'", path: keyPath)
                try scanner.parseValue(path: keyPath, depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try elements(closing: UInt8(ascii: "]"), path: path) { scanner, i in
                try scanner.parseValue(path: ManifestPath.join(path, i), depth: depth + 1)
            }
        case UInt8(ascii: "\""):
            _ = try string(expected: "a string", path: path)
        default:
            let start = index
            while index < bytes.count, !",]} \t\r\n".utf8.contains(bytes[index]) { index += 1 }
            let token = String(decoding: bytes[start..<index], as: UTF8.self)
            guard let first = token.utf8.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            else {
                if ["true", "false", "null"].contains(token) { return }
                index = start
                throw Stop(expected: "a value (a string in double quotes, a number, true, false, null, {…} or […])", path: path)
            }
            // Every number in a manifest is a size, a count or a byte budget: anything beyond
            // Int64 is a mistake, and the parser would refuse the file without a place.
            // JSON's number grammar only: Swift's Double also reads -nan, -inf and 0x1p9999,
            // which are syntax errors here, not numbers (found in review).
            if token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.eE".utf8.contains($0) }),
               let number = Double(token), !number.isFinite || abs(number) >= 9.2e18 {
                hugeNumbers.append((start..<index, path))
                issues.append(.init(path: path, code: "invalid-value",
                                    message: "the number \(token.count > 40 ? token.prefix(40) + "…" : token) is too large for any field"))
            }
        }
    }

    /// A comma right before the closing bracket: JSON has none, though the parser lets it pass
    /// (the file would then fail in every stricter tool that reads it). Reported, and the
    /// bracket read, so that the scan goes on to the next one: every such comma is listed.
    private mutating func trailingComma(before closing: UInt8, path: String) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == closing else { return false }
        issues.append(.init(path: path, code: "syntax",
                            message: "a comma before '\(Character(UnicodeScalar(closing)))': JSON allows none there"))
        index += 1
        return true
    }

    /// A string literal's text (escapes decoded).
    private mutating func string(expected: String, path: String) throws -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Stop(expected: expected, path: path) }
        let start = index
        index += 1
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if escaped { escaped = false; continue }
            if byte == UInt8(ascii: "\\") { escaped = true; continue }
            if byte == UInt8(ascii: "\"") {
                let literal = bytes[start..<index]
                if !literal.contains(UInt8(ascii: "\\")) { return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self) }
                guard let text = try? JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed) as? String
                else { index = start; throw Stop(expected: "a string with valid escapes", path: path) }
                return text
            }
        }
        index = start
        throw Stop(expected: "a string closed by '\"' before the end of the document", path: path)
    }
}
