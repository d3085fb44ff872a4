import CloudinaryTransform
import Foundation
import Testing

/// Replays the fuzzers' seed corpora and every input a fuzzer ever found (Fuzz/regressions/), with
/// the fuzzers' own invariants, so a finding that was fixed stays fixed without running libFuzzer.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every input of a fuzz target: seeds and regressions, as text (invalid UTF-8 replaced, as
    /// the fuzz targets do).
    static func inputs(_ target: String) throws -> [(String, String)] {
        var all: [(String, String)] = []
        for folder in ["Fuzz/corpus/\(target)", "Fuzz/regressions/\(target)"] {
            let url = root.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            for file in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where !file.hasPrefix(".") {
                let data = try Data(contentsOf: url.appendingPathComponent(file))
                all.append(("\(folder)/\(file)", String(decoding: data, as: UTF8.self)))
            }
        }
        return all
    }

    @Test("transformations: parse and validate agree, diagnostics point inside the input, the canonical form is a fixed point, geometry never traps")
    func transformations() throws {
        let inputs = try Self.inputs("transformation")
        #expect(inputs.count >= 50)
        for (name, text) in inputs {
            let parsed = Transformation.parse(text)
            let validated = Transformation.validate(text)
            #expect(parsed.isValid == validated.isValid, "\(name)")
            for d in parsed.diagnostics + validated.diagnostics {
                #expect(d.offset >= 0 && d.length >= 0 && d.offset + d.length <= text.count, "\(name): \(d.code) at \(d.offset)+\(d.length)")
            }
            guard parsed.isValid, let transformation = parsed.transformation else { continue }
            let canonical = transformation.canonicalDescription
            #expect(validated.canonical == nil || validated.canonical == canonical, "\(name)")
            let again = Transformation.parse(canonical)
            #expect(again.isValid, "\(name): \(canonical)")
            #expect(again.transformation?.canonicalDescription == canonical, "\(name)")
            for (source, orientation) in [(Size(1000, 750), 1), (Size(1, 1), 1), (Size(6000, 40), 6)] {
                _ = try? transformation.geometry(source: source, orientation: orientation)
            }
        }
    }

    @Test("delivery URLs: what parses prints to a URL that parses to the same string")
    func deliveryURLs() throws {
        let inputs = try Self.inputs("delivery-url")
        #expect(inputs.count >= 20)
        for (name, text) in inputs {
            guard let url = try? DeliveryURL(parsing: text) else { continue }
            let printed = url.absoluteString
            let again = try? DeliveryURL(parsing: printed)
            #expect(again?.absoluteString == printed, "\(name): \(printed)")
            if let transformation = url.transformation { _ = Transformation.parse(transformation) }
        }
    }
}
