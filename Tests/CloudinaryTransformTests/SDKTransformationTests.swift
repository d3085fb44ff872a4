import CloudinaryTransform
import Foundation
import Testing

/// Every string the official Python SDK printed (scripts/cloudinary-fixtures.py) parses without
/// errors and canonicalises to itself byte for byte, also after its parameters are shuffled.
@Suite("SDK transformation fixtures")
struct SDKTransformationTests {
    struct Record: Decodable, Sendable {
        var transformation: String
        var resourceType: String?
    }

    static let records: [Record] = (try? Fixtures.decode("sdk-transformations.jsonl")) ?? []

    @Test func thereAreEnough() {
        #expect(Self.records.count >= 500)
    }

    @Test func roundTripExactly() {
        var failures: [String] = []
        for record in Self.records {
            let s = record.transformation
            let context = ValidationContext(resourceType: record.resourceType.flatMap(MediaKind.init))
            let result = Transformation.parse(s, context: context)
            guard let t = result.transformation else {
                failures.append(
                    "\(s): \(result.diagnostics.filter { $0.severity == .error }.map(\.description))")
                continue
            }
            if t.canonicalDescription != s { failures.append("\(s) -> \(t.canonicalDescription)") }
        }
        #expect(
            failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(40).joined(separator: "\n"))")
    }

    @Test func shuffledParametersCanonicaliseBack() {
        var generator = SplitMix64(state: 42)
        var failures: [String] = []
        for record in Self.records {
            let s = record.transformation
            guard let t = try? Transformation(parsing: s) else { continue }
            for _ in 0..<3 {
                var shuffled = t
                for i in shuffled.components.indices {
                    shuffled.components[i].parameters.shuffle(using: &generator)
                }
                let text = shuffled.description
                guard let again = try? Transformation(parsing: text) else {
                    failures.append("shuffled \(text) does not parse")
                    continue
                }
                if again.canonicalDescription != s {
                    failures.append("\(text) -> \(again.canonicalDescription) != \(s)")
                }
            }
        }
        #expect(
            failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func everyParameterIsCovered() {
        var seen = Set<String>()
        for record in Self.records {
            guard let t = try? Transformation(parsing: record.transformation) else { continue }
            for c in t.components {
                for p in c.parameters { seen.insert(p.key.hasPrefix("$") ? "$" : p.key) }
            }
        }
        // bl (baseline) is in the docs index but the Python SDK cannot print it.
        let expected = Set(ParameterKey.allCases.map(\.text)).subtracting(["bl"]).union(["$"])
        #expect(expected.subtracting(seen).isEmpty, "not covered: \(expected.subtracting(seen).sorted())")
    }
}
