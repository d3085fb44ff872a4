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

    @Test("the salient region is in the JSON, and --saliency-map writes the map as a PNG of its size")
    func saliency() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = dir.appendingPathComponent("map.png").path
        let photo = Self.images.appendingPathComponent("people-couple-bar.jpg").path
        let result = try CLIRunner.run(["analyze", photo, "--json", "--saliency-map", map])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        let region = try #require(json["salientRegion"] as? [String: Int])
        let size = try #require(json["saliencyMap"] as? [String: Int])
        // The two faces (centres 324,195 and 432,173) are the most salient: the region holds their
        // middles, and is not the whole 800×600 photo.
        let x = try #require(region["x"]), y = try #require(region["y"]), w = try #require(region["width"]), h = try #require(region["height"])
        #expect(x <= 324 && y <= 173 && x + w >= 432 && y + h >= 195 && w < 800 && h < 600, "\(region)")
        let info = try CLIRunner.run(["info", map, "--json"])
        let written = try info.json()
        #expect(written["width"] as? Int == size["width"] && written["height"] as? Int == size["height"] && written["bands"] as? Int == 1)
        let jpeg = try CLIRunner.run(["analyze", photo, "--saliency-map", dir.appendingPathComponent("map.jpg").path])
        #expect(jpeg.status == 2 && jpeg.stderr.contains("name the file .png, or leave the extension off (the map is a PNG)"), "\(jpeg.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("map.jpg").path))
        // An unknown extension is told the same: it was offered .jpg, which was then refused.
        let text = try CLIRunner.run(["analyze", photo, "--saliency-map", dir.appendingPathComponent("map.txt").path])
        #expect(text.status == 2 && text.stderr.contains("name the file .png, or") && !text.stderr.contains(".jpg"), "\(text.stderr)")
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
