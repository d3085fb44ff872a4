import Foundation
import Testing

/// `variant plan --emit`: Contentstack field values from a manifest of Cloudinary resources
/// (Tests/VariantEngineTests/Fixtures/cloudinary).
@Suite("variant plan --emit")
struct PlanEmitCLITests {
    static let fixtures = CLIRunner.packageRoot.appendingPathComponent("Tests/VariantEngineTests/Fixtures/cloudinary")

    /// The fixture campaign without the lake (its 2560 px analysis is the slow part in debug builds).
    static func campaign(in dir: URL) throws -> String {
        var manifest = try #require(JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent("campaign.json"))) as? [String: Any])
        var assets = try #require(manifest["assets"] as? [[String: Any]])
        assets = assets.filter { !(($0["path"] as? String) ?? "").contains("lake") }.map { asset in
            var asset = asset
            asset["path"] = fixtures.appendingPathComponent(asset["path"] as! String).standardized.path
            return asset
        }
        manifest["assets"] = assets
        let path = dir.appendingPathComponent("campaign.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: path)
        return path.path
    }

    @Test("--emit contentstack-custom prints the field values on stdout; the plan goes to -o; policy failures exit 1")
    func emitToStdout() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = try Self.campaign(in: dir)
        let plan = dir.appendingPathComponent("plan.json")
        let result = try CLIRunner.run(["plan", manifest, "--emit", "contentstack-custom", "--now", "2026-05-01", "--no-cache",
                                        "--fixed-quality", "-o", plan.path])
        #expect(result.status == 1, "the astronaut fails policy: \(result.stderr)")
        #expect(result.stderr.contains("summer-2026/astronaut: rights-expired: the usage rights expired on 2025-12-31 (checked as of 2026-05-01)"))
        let json = try result.json()
        #expect(json["format"] as? String == "contentstack-custom")
        let fields = try #require(json["fields"] as? [String: [String: [String: Any]]])
        #expect(fields.keys.sorted() == ["summer-2026/couple-bar", "summer-2026/pool"])
        let story = try #require(fields["summer-2026/couple-bar"]?["story"])
        #expect(Set(story.keys) == ["id", "public_id", "secure_url", "derived"])
        #expect(story["secure_url"] as? String == "https://res.cloudinary.com/demo/image/upload/v1719304854/summer-2026/couple-bar.jpg")
        let derived = try #require((story["derived"] as? [[String: Any]])?.first?["secure_url"] as? String)
        #expect(derived.hasPrefix("https://res.cloudinary.com/demo/image/upload/c_crop,h_600,w_338,"))
        #expect(derived.hasSuffix("/v1719304854/summer-2026/couple-bar"))
        // The URL parses back with `variant url parse` to the asset.
        let parsed = try CLIRunner.run(["url", "parse", derived, "--json"]).json()
        #expect(parsed["publicId"] as? String == "summer-2026/couple-bar" && parsed["version"] as? String == "1719304854")
        let validated = try CLIRunner.run(["validate", try #require(parsed["transformation"] as? String)])
        #expect(validated.status == 0)
        #expect(FileManager.default.fileExists(atPath: plan.path))
    }

    @Test("--emit url --emit-output writes plain URLs to a file; bad --emit values are usage errors")
    func emitToFile() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = try Self.campaign(in: dir)
        let out = dir.appendingPathComponent("fields/url.json")
        let result = try CLIRunner.run(["plan", manifest, "--emit", "url", "--emit-output", out.path, "--now", "2025-06-01",
                                        "--no-cache", "--fixed-quality", "--json"])
        // Before the expiry the astronaut fails only its tag and region.
        #expect(result.status == 1)
        #expect(!result.stderr.contains("rights-expired"))
        let plan = try result.json()
        #expect((plan["assets"] as? [Any])?.count == 3)
        let values = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let url = try #require((values["fields"] as? [String: [String: String]])?["summer-2026/pool"]?["square"])
        #expect(url.hasPrefix("https://res.cloudinary.com/demo/image/upload/c_crop,h_600,w_600,x_0,y_0/c_scale,h_300,w_300/f_"))
        let skipped = try #require(values["skipped"] as? [[String: Any]])
        #expect(skipped.first?["reasons"] as? [String] == ["blocked-tag", "region-not-licensed"])

        for bad in [["--emit", "contentful"], ["--emit-output", out.path], ["--emit", "url", "--json"], ["--now", "tomorrow"]] {
            let usage = try CLIRunner.run(["plan", manifest, "--no-cache"] + bad)
            #expect(usage.status == 2, "\(bad): \(usage.stderr)")
            #expect(usage.stdout.isEmpty)
        }
    }
}
