import Foundation
import Testing

struct AnalyzeCLITests {
    static let images = CLIRunner.packageRoot.appendingPathComponent("TestImages")

    @Test("analyze --json follows the contract")
    func contract() throws {
        let result = try CLIRunner.run(["analyze", Self.images.appendingPathComponent("people-astronaut.jpg").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        for key in ["width", "height", "format", "hasAlpha", "focalPoint", "faces", "contentClass", "dominantColors"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["width"] as? Int == 512)
        #expect(json["contentClass"] as? String == "photo")
        let focal = try #require(json["focalPoint"] as? [String: Any])
        #expect(focal["x"] is Int && focal["y"] is Int)
        let faces = try #require(json["faces"] as? [[String: Any]])
        #expect(faces.count == 1)
        for key in ["x", "y", "width", "height", "confidence"] { #expect(faces.first?[key] != nil) }
    }

    @Test("a transparent logo is graphic with alpha")
    func logo() throws {
        let result = try CLIRunner.run(["analyze", Self.images.appendingPathComponent("logo-alpha.png").path, "--json"])
        let json = try result.json()
        #expect(json["hasAlpha"] as? Bool == true)
        #expect(json["contentClass"] as? String == "graphic")
    }

    @Test("bad input is one line naming the file, status 2", arguments: ["/nonexistent/a.jpg", "Package.swift"])
    func badInput(path: String) throws {
        let full = path.hasPrefix("/") ? path : CLIRunner.packageRoot.appendingPathComponent(path).path
        let result = try CLIRunner.run(["analyze", full, "--json"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(full))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
