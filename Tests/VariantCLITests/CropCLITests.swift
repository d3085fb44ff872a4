import Foundation
import Testing

struct CropCLITests {
    static let images = CLIRunner.packageRoot.appendingPathComponent("TestImages")

    @Test("crop --json: one crop per ratio, inside the image, exact ratio, matching transformation")
    func contract() throws {
        let path = Self.images.appendingPathComponent("people-couple-bar.jpg").path
        let result = try CLIRunner.run(["crop", path, "--aspect", "16:9", "--aspect", "4:5", "--aspect", "3:1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        let width = try #require(json["width"] as? Int), height = try #require(json["height"] as? Int)
        let focal = try #require(json["focalPoint"] as? [String: Any])
        #expect(focal["x"] is Int && focal["y"] is Int)
        let crops = try #require(json["crops"] as? [[String: Any]])
        #expect(crops.map { $0["aspectRatio"] as? String } == ["16:9", "4:5", "3:1"])
        for (crop, ratio) in zip(crops, [16.0 / 9, 4.0 / 5, 3.0]) {
            let x = try #require(crop["x"] as? Int), y = try #require(crop["y"] as? Int)
            let w = try #require(crop["width"] as? Int), h = try #require(crop["height"] as? Int)
            #expect(x >= 0 && y >= 0 && x + w <= width && y + h <= height)
            #expect(abs(Double(w) - Double(h) * ratio) <= 1)
            #expect(crop["transformation"] as? String == "c_crop,h_\(h),w_\(w),x_\(x),y_\(y)")
            #expect(crop["score"] is Double)
        }
    }

    @Test("--faces: known faces replace the search; crops keep them, the focal point follows them")
    func knownFaces() throws {
        let lake = Self.images.appendingPathComponent("landscape-lake-boats.jpg").path  // 2560×1600, no faces
        let plain = try CLIRunner.run(["crop", lake, "--aspect", "9:16", "--json"])
        let plainCrop = try #require((try plain.json()["crops"] as? [[String: Any]])?.first)
        #expect((plainCrop["x"] as? Int ?? 0) > 240, "the saliency alone crops elsewhere: \(plainCrop)")
        let given = try CLIRunner.run(["crop", lake, "--aspect", "9:16", "--faces", "40,500,200,200", "--json"])
        #expect(given.status == 0, "\(given.stderr)")
        let json = try given.json()
        let faces = try #require(json["faces"] as? [[String: Any]])
        #expect(faces.count == 1)
        #expect(faces.first.map { [$0["x"], $0["y"], $0["width"], $0["height"]].map { $0 as? Int } } == [40, 500, 200, 200])
        #expect(faces.first?["confidence"] as? Double == 1)
        // Told apart from detected faces, as analyze tells them (found in QA: crop had no detector).
        #expect(faces.first?["detector"] as? String == "given")
        #expect(json["notes"] as? [String] == [])
        // Warnings reach the JSON as well as stderr (found in QA: stderr only).
        let warned = try CLIRunner.run(["crop", lake, "--aspect", "1000:1", "--faces", "9000,9000,10,10", "--json"])
        let notes = try warned.json()["notes"] as? [String] ?? []
        #expect(warned.status == 0 && notes.count == 2 && notes.allSatisfy { $0.hasPrefix("warning: ") }
                && notes.contains { $0.contains("lies outside the 2560x1600 image") } && notes.contains { $0.contains("too small for the ratio") },
                "\(notes)")
        let analyzed = try CLIRunner.run(["analyze", lake, "--faces", "9000,9000,10,10", "--json"])
        #expect((try analyzed.json()["notes"] as? [String])?.first?.contains("lies outside") == true, "\(analyzed.stdout)")
        let crop = try #require((json["crops"] as? [[String: Any]])?.first)
        let x = try #require(crop["x"] as? Int), w = try #require(crop["width"] as? Int)
        #expect(x <= 40 && x + w >= 240, "\(crop)")
        #expect(crop["facesKept"] as? Int == 1)
        let focal = try #require(json["focalPoint"] as? [String: Any])
        #expect(focal["origin"] as? String == "face" && focal["x"] as? Int == 140)
        // The text summary counts it in the singular ("1 face(s)" before).
        let text = try CLIRunner.run(["crop", lake, "--aspect", "9:16", "--faces", "40,500,200,200"])
        #expect(text.stdout.contains("(face), 1 face\n"), "\(text.stdout)")
        // A box off the image is named and ignored; --faces with --no-faces is a usage error.
        let outside = try CLIRunner.run(["crop", lake, "--faces", "9000,9000,10,10", "--json"])
        #expect(outside.status == 0)
        #expect(outside.stderr.contains("lies outside the 2560x1600 image"), "\(outside.stderr)")
        #expect((try outside.json()["faces"] as? [Any])?.isEmpty == true)
        let both = try CLIRunner.run(["analyze", lake, "--faces", "40,500,200,200", "--no-faces"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--faces and --no-faces exclude each other"), "\(both.stderr)")
    }

    @Test("without --aspect: the six campaign ratios")
    func defaults() throws {
        let result = try CLIRunner.run(["crop", Self.images.appendingPathComponent("people-astronaut.jpg").path, "--json"])
        let crops = try #require(try result.json()["crops"] as? [[String: Any]])
        #expect(crops.map { $0["aspectRatio"] as? String } == ["16:9", "4:5", "1:1", "9:16", "3:1", "2:3"])
    }

    /// Found in review: both were silent.
    @Test("a ratio whole pixels cannot give, and a face box past the edge, are warnings")
    func unmetRatioAndClippedFace() throws {
        let path = Self.images.appendingPathComponent("people-couple-bar.jpg").path
        let result = try CLIRunner.run(["crop", path, "--aspect", "999999:1", "--aspect", "16:9", "--zoom", "3",
                                        "--faces", "700,500,200,200", "--json"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines == ["variant: warning: --faces: the box 700,500,200,200 reaches past the 800x600 image; it is used as 700,500,100,100",
                          "variant: warning: --aspect 999999:1: the window is 267x1, about 267:1: the image is too small for the ratio at this zoom"],
                "\(result.stderr)")
    }

    @Test("bad options are usage errors (status 2)", arguments: [["--aspect", "16"], ["--aspect", "0:1"], ["--zoom", "0.5"]])
    func badOptions(options: [String]) throws {
        let path = Self.images.appendingPathComponent("people-astronaut.jpg").path
        let result = try CLIRunner.run(["crop", path] + options)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
    }

    @Test("a missing file is one line naming it, status 2")
    func missing() throws {
        let result = try CLIRunner.run(["crop", "/nonexistent/hero.jpg", "--json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/hero.jpg"))
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stdout.isEmpty, "\(result.stderr)")
    }
}
