import Foundation
import Testing

/// `variant plan` never destroys what it reads and never leaves part of its output: links to an
/// input are the input, all outputs are written or none, a shared read-only cache is used and
/// left alone; and `plan merge` says what failed and notices a shard cut short.
@Suite("variant plan: inputs and outputs kept safe")
struct PlanOutputSafetyCLITests {
    static let testImages = CLIRunner.packageRoot.appendingPathComponent("TestImages")

    /// A folder with two small images (copies) and a manifest naming them relatively.
    static func campaign() throws -> URL {
        let dir = try CLIRunner.temporaryDirectory()
        for (image, name) in [("people-astronaut.jpg", "a.jpg"), ("animal-cat-closeup.jpg", "b.jpg")] {
            try FileManager.default.copyItem(at: testImages.appendingPathComponent(image), to: dir.appendingPathComponent(name))
        }
        let manifest = """
            {"campaign": "safety", "cloudName": "demo",
             "placements": [{"name": "square", "aspectRatio": "1:1", "widths": [120], "formats": ["webp"]}],
             "assets": [{"publicId": "s/a", "path": "a.jpg", "approval": "approved"},
                        {"publicId": "s/b", "path": "b.jpg", "approval": "approved"}]}
            """
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("m.json"))
        return dir
    }

    static func digest(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    @Test("an output that is a link to the manifest, an image or another output is refused, and nothing changes")
    func linkedOutputs() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("alias.jpg").path, withDestinationPath: "a.jpg")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("mlink.json").path, withDestinationPath: "m.json")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("plink.html").path, withDestinationPath: "p.json")
        // A link in a folder reached through `..`: lexically another file, physically the image.
        try fm.createDirectory(at: dir.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("sub/b-link.jpg").path, withDestinationPath: "../b.jpg")
        let image = try Self.digest(dir.appendingPathComponent("a.jpg"))
        let other = try Self.digest(dir.appendingPathComponent("b.jpg"))
        let manifest = try Self.digest(dir.appendingPathComponent("m.json"))
        let cases: [([String], String)] = [
            (["-o", "p.json", "--report", "alias.jpg"], "--report alias.jpg: the same file as an image of the manifest"),
            (["-o", "mlink.json"], "-o mlink.json: the same file as the manifest"),
            (["-o", "p.json", "--report", "plink.html"], "--report plink.html: the same file as -o"),
            (["-o", "sub/deeper/../b-link.jpg"], "the same file as an image of the manifest"),
        ]
        for (arguments, message) in cases {
            let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache"] + arguments, currentDirectory: dir)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try Self.digest(dir.appendingPathComponent("a.jpg")) == image)
        #expect(try Self.digest(dir.appendingPathComponent("b.jpg")) == other)
        #expect(try Self.digest(dir.appendingPathComponent("m.json")) == manifest)
        #expect(!fm.fileExists(atPath: dir.appendingPathComponent("p.json").path))
    }

    /// `proj/link -> ../other`: `link/../m.json` is the folder above `other`'s m.json, not
    /// proj's manifest; read as written, it was refused as "the same file as the manifest".
    @Test("an output through a link to a folder and then .. lands where the file system says, not where the text says")
    func linkThenParent() throws {
        let root = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let project = root.appendingPathComponent("proj"), away = root.appendingPathComponent("elsewhere/other")
        try fm.createDirectory(at: away, withIntermediateDirectories: true)
        try fm.copyItem(at: dir, to: project)
        try fm.createSymbolicLink(atPath: project.appendingPathComponent("link").path, withDestinationPath: away.path)
        let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "-o", "link/../m.json"], currentDirectory: project)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(fm.fileExists(atPath: root.appendingPathComponent("elsewhere/m.json").path))
        #expect(try Self.digest(project.appendingPathComponent("m.json")) == Self.digest(dir.appendingPathComponent("m.json")))
        // A dangling link reached through that folder link: its "../" is taken from where the
        // link really is (elsewhere/other), as the shell's `>` would (it landed in proj/made).
        try fm.createSymbolicLink(atPath: away.appendingPathComponent("out.json").path, withDestinationPath: "../made/out.json")
        let dangling = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "-o", "link/out.json"], currentDirectory: project)
        #expect(dangling.status == 0, "\(dangling.stderr)")
        #expect(fm.fileExists(atPath: root.appendingPathComponent("elsewhere/made/out.json").path))
        #expect(!fm.fileExists(atPath: project.appendingPathComponent("made").path))
        // A last component of . or .. names a folder: refused at once ("missing/.." walked up
        // forever in the folder check).
        for output in ["missing/..", "a.jpg/..", "sub/."] {
            let folder = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "-o", output], currentDirectory: project)
            #expect(folder.status == 2 && folder.stderr.contains("-o \(output): names a folder"), "\(output): \(folder.stderr)")
        }
    }

    /// A 0444 file was replaced (keeping its mode); it is refused before any work now.
    @Test("an output onto a file no one may write is refused before the work, and the file is kept")
    func readOnlyOutput() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let locked = dir.appendingPathComponent("locked.json")
        try Data("kept".utf8).write(to: locked)
        #expect(chmod(locked.path, 0o444) == 0)
        for arguments in [["plan", "m.json", "--fixed-quality", "--no-cache", "-o", "locked.json"],
                          ["plan", "m.json", "--fixed-quality", "--no-cache", "-o", "p.json", "--report", "locked.json"],
                          ["render", "a.jpg", "c_scale,w_50", "-o", "locked.json"]] {
            let result = try CLIRunner.run(arguments, currentDirectory: dir)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("locked.json: is read-only: it is not replaced"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("planned"), "refused before planning: \(result.stderr)")
        }
        #expect(try Data(contentsOf: locked) == Data("kept".utf8))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p.json").path))
    }

    @Test("an output that fails after the plan is made leaves none of the others behind")
    func allOrNothing() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "-o", "p.json", "--report", "/dev/full"],
                                       currentDirectory: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("/dev/full: cannot write"), "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["a.jpg", "b.jpg", "m.json"], "no plan and no partial file: \(left)")
        // Nor the folders made for the outputs (new/sub/ stayed, empty).
        let nested = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "-o", "new/sub/p.json", "--report", "/dev/full"],
                                       currentDirectory: dir)
        #expect(nested.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.jpg", "b.jpg", "m.json"])
    }

    @Test("an image named through a link reports the image's size, not the link's")
    func linkedImageBytes() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("alias.jpg").path, withDestinationPath: "a.jpg")
        let manifest = try String(contentsOf: dir.appendingPathComponent("m.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"a.jpg\"", with: "\"alias.jpg\"")
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("m.json"))
        let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "--json"], currentDirectory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let assets = try #require(try result.json()["assets"] as? [[String: Any]])
        let source = try #require(assets.first { $0["publicId"] as? String == "s/a" }?["source"] as? [String: Any])
        let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("a.jpg").path)[.size] as? Int
        #expect(source["bytes"] as? Int == size)
        let info = try CLIRunner.run(["info", dir.appendingPathComponent("alias.jpg").path, "--json"])
        #expect(try info.json()["bytes"] as? Int == size)
    }

    /// Found in QA: an authenticated campaign planned without a secret wrote unsigned URLs,
    /// which Cloudinary refuses, and passed; `url build --type authenticated` said nothing either.
    @Test("an authenticated campaign needs the secret; an unsigned authenticated URL is warned about")
    func authenticatedNeedsASecret() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = try String(contentsOf: dir.appendingPathComponent("m.json"), encoding: .utf8)
            .replacingOccurrences(of: #""cloudName": "demo","#, with: #""cloudName": "demo", "deliveryType": "authenticated","#)
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("auth.json"))
        let output = dir.appendingPathComponent("auth.plan.json")
        let unsigned = try CLIRunner.run(["plan", "auth.json", "--fixed-quality", "--no-cache", "-o", output.path],
                                         environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": ""], currentDirectory: dir)
        #expect(unsigned.status == 2 && unsigned.stderr.contains("deliveryType is authenticated, whose URLs Cloudinary serves only signed"),
                "\(unsigned.status) \(unsigned.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let signed = try CLIRunner.run(["plan", "auth.json", "--fixed-quality", "--no-cache", "-o", output.path],
                                       environment: ["CLOUDINARY_API_SECRET": "secret", "CLOUDINARY_URL": ""], currentDirectory: dir)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8).contains("/image/authenticated/s--"))
        // Signed with that secret: the URL verifies with it and not with another.
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
        let placements = (plan?["assets"] as? [[String: Any]])?.first?["placements"] as? [[String: Any]]
        let planned = try #require((placements?.first?["variants"] as? [[String: Any]])?.first?["url"] as? String)
        let good = try CLIRunner.run(["url", "parse", planned, "--json", "--api-secret", "secret"])
        #expect(try good.json()["signatureValid"] as? Bool == true, "\(planned) \(good.stdout)")
        let bad = try CLIRunner.run(["url", "parse", planned, "--json", "--api-secret", "secre"])
        #expect(bad.status == 1, "\(bad.stdout)")
        let url = try CLIRunner.run(["url", "build", "a/one", "--cloud-name", "demo", "--type", "authenticated"])
        #expect(url.status == 0 && url.stderr.contains("an authenticated URL is served only when signed"), "\(url.stderr)")
    }

    @Test("an empty CLOUDINARY_API_SECRET signs nothing and the plan says so; CLOUDINARY_URL's secret signs")
    func secrets() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        func settings(_ environment: [String: String]) throws -> (signed: Bool?, fingerprint: Any?, url: String) {
            let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "--json"], environment: environment,
                                           currentDirectory: dir)
            let json = try result.json()
            let settings = json["settings"] as? [String: Any]
            let assets = json["assets"] as? [[String: Any]]
            let placements = assets?.first?["placements"] as? [[String: Any]]
            let variant = (placements?.first?["variants"] as? [[String: Any]])?.first
            return (settings?["signed"] as? Bool, settings?["secretFingerprint"], variant?["url"] as? String ?? "")
        }
        let empty = try settings(["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": ""])
        #expect(empty.signed == false)
        #expect(empty.fingerprint == nil)
        #expect(!empty.url.contains("/s--"), "\(empty.url)")
        let fromURL = try settings(["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://key:secret@demo"])
        #expect(fromURL.signed == true)
        #expect(fromURL.url.contains("/s--"), "\(fromURL.url)")

        // Found in review: a secret read from a file or a Kubernetes Secret made with `echo`
        // ends with a line break, and every URL was signed with it; a CLOUDINARY_URL of another
        // cloud signed this cloud's URLs with its secret; one without a secret signed nothing
        // without a word.
        func run(_ environment: [String: String]) throws -> CLIRunner.Result {
            try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "--json"], environment: environment,
                              currentDirectory: dir)
        }
        let newline = try run(["CLOUDINARY_API_SECRET": "secret\n", "CLOUDINARY_URL": ""])
        #expect(newline.status == 0, "\(newline.stderr)")
        #expect(newline.stderr.contains("CLOUDINARY_API_SECRET has spaces or a line break around it"), "\(newline.stderr)")
        let clean = try run(["CLOUDINARY_API_SECRET": "secret", "CLOUDINARY_URL": ""])
        #expect(newline.stdout == clean.stdout)
        // CLOUDINARY_URL's secret, not its key, signs: the same plan as the secret given alone.
        #expect(try run(["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://key:secret@demo"]).stdout == clean.stdout)
        #expect(clean.stdout.contains("/s--"))
        let blank = try run(["CLOUDINARY_API_SECRET": " \n", "CLOUDINARY_URL": ""])
        #expect(blank.stderr.contains("CLOUDINARY_API_SECRET is blank: it is not used"), "\(blank.stderr)")
        #expect(!blank.stdout.contains("/s--"))
        let otherCloud = try run(["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://key:other@staging"])
        #expect(otherCloud.status == 2)
        #expect(otherCloud.stderr.contains("CLOUDINARY_URL holds the secret of the cloud 'staging', but the manifest's cloudName is 'demo'"),
                "\(otherCloud.stderr)")
        #expect(!otherCloud.stderr.contains("other"))
        let noSecret = try run(["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://key@demo"])
        #expect(noSecret.status == 0)
        #expect(noSecret.stderr.contains("CLOUDINARY_URL is set but has no secret"), "\(noSecret.stderr)")
        // CLOUDINARY_API_SECRET wins, so CLOUDINARY_URL's cloud does not matter.
        let both = try run(["CLOUDINARY_API_SECRET": "secret", "CLOUDINARY_URL": "cloudinary://key:other@staging"])
        #expect(both.status == 0 && both.stdout == clean.stdout, "\(both.stderr)")
    }

    @Test("merge names the errors and the totals, refuses a shard cut short and an output over a shard")
    func merge() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        // b.jpg made unreadable: the merged plan fails policy.
        try Data().write(to: dir.appendingPathComponent("b.jpg"))
        for shard in 1...2 {
            let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "--shard", "\(shard)/2",
                                            "-o", "shard-\(shard).json"], currentDirectory: dir)
            #expect(result.status <= 1, "\(result.stderr)")
        }
        let merged = try CLIRunner.run(["plan", "merge", "shard-1.json", "shard-2.json", "-o", "plan.json"], currentDirectory: dir)
        #expect(merged.status == 1)
        #expect(merged.stderr.contains("s/b: asset-unreadable"), "\(merged.stderr)")
        #expect(merged.stderr.contains("merged 2 shards, 2 assets"), "\(merged.stderr)")

        let over = try CLIRunner.run(["plan", "merge", "shard-1.json", "shard-2.json", "-o", "shard-1.json"], currentDirectory: dir)
        #expect(over.status == 2)
        #expect(over.stderr.contains("the same file as a shard plan"), "\(over.stderr)")

        // Whichever shard holds assets loses one: its summary no longer adds up.
        for shard in 1...2 {
            let url = dir.appendingPathComponent("shard-\(shard).json")
            var plan = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            guard var assets = plan["assets"] as? [Any], !assets.isEmpty else { continue }
            assets.removeFirst()
            plan["assets"] = assets
            try JSONSerialization.data(withJSONObject: plan).write(to: url)
            break
        }
        let cut = try CLIRunner.run(["plan", "merge", "shard-1.json", "shard-2.json", "-o", "cut.json"], currentDirectory: dir)
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("the file is incomplete or was edited"), "\(cut.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("cut.json").path))
    }

    @Test("--cache in a folder that does not exist yet: the folder is made, as for the other outputs")
    func cacheFolderMade() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--cache", "caches/new/plan.sqlite", "-o", "p.json"],
                                       currentDirectory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("caches/new/plan.sqlite").path))
    }

    /// Found in review: on a full disk the cache could not be made, and its 0- or 4096-byte
    /// start stayed; the next run set it aside as damaged (one more `.bad` each time), and the
    /// message blamed the file ("is not a readable cache (database or disk is full)").
    @Test("a cache that cannot be written for want of disk leaves nothing behind and says so")
    func cacheOnAFullDisk() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Files of this process may not grow past 8 KB (ulimit -f, SIGXFSZ ignored): the disk
        // refuses the cache's pages as a full one would.
        let command = "trap '' XFSZ; ulimit -f 8; exec \"$0\" plan m.json --fixed-quality --cache c.sqlite -o p.json"
        for _ in 0..<2 {
            let result = try CLIRunner.run(["-c", command, CLIRunner.executable.path], currentDirectory: dir, shell: true, bash: true)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("variant: error: c.sqlite: cannot create the cache: the disk ")
                    && result.stderr.hasSuffix("; free some space, or plan with --no-cache\n"), "\(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.jpg", "b.jpg", "m.json"])
        }
    }

    /// Found in QA: a cache whose disk filled up during a run stopped storing without a word,
    /// and every later run recomputed most of its work.
    @Test("a cache the disk stops taking mid-run: the plan is written, with one warning")
    func cacheFillsUpMidRun() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = try String(contentsOf: dir.appendingPathComponent("m.json"), encoding: .utf8)
        try Data(manifest.replacingOccurrences(of: #",\s*\{"publicId": "s/b"[^}]*\}"#, with: "", options: .regularExpression).utf8)
            .write(to: dir.appendingPathComponent("one.json"))
        let first = try CLIRunner.run(["plan", "one.json", "--fixed-quality", "--cache", "c.sqlite", "-o", "p1.json"], currentDirectory: dir)
        #expect(first.status == 0 && first.stderr.contains("planned 1 asset"), "\(first.stderr)")
        // Files may not grow past the cache's size now: the second asset's analysis does not fit.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("c.sqlite").path)[.size] as? Int)
        let command = "trap '' XFSZ; ulimit -f \((size + 1023) / 1024); exec \"$0\" plan m.json --fixed-quality --cache c.sqlite -o p2.json"
        let full = try CLIRunner.run(["-c", command, CLIRunner.executable.path], currentDirectory: dir, shell: true, bash: true)
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stderr.contains("variant: warning: the cache c.sqlite could not store ")
                && full.stderr.contains("the plan is complete, but a re-run computes"), "\(full.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p2.json").path))
    }

    @Test("a missing image named relatively says where such paths are read from")
    func missingImageSaysWhere() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("b.jpg"))
        let result = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "--no-cache", "--json"], currentDirectory: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("b.jpg: no such file (a relative path is read from the manifest's folder, the plan's base directory)"), "\(result.stderr)")
        #expect(!result.stdout.contains(dir.path), "no absolute paths in the plan")
    }

    static let canRunAsNobody: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")

    /// As another user, since root may write any file: a cache shared read-only is used, not
    /// moved aside as corrupt (it was), and nothing is stored in it.
    @Test("a read-only cache is read and left as it is", .enabled(if: canRunAsNobody, "needs root and runuser to act as another user"))
    func readOnlyCache() throws {
        let dir = try Self.campaign()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let first = try CLIRunner.run(["plan", "m.json", "--fixed-quality", "-o", "out/a.json"], currentDirectory: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let cache = dir.appendingPathComponent(".variant-cache.sqlite")
        let before = try Data(contentsOf: cache)
        for path in [dir.path, out.path] { chmod(path, 0o777) }
        chmod(cache.path, 0o444)
        let result = try CLIRunner.run(["-c", "/usr/sbin/runuser -u nobody -- '\(CLIRunner.executable.path)' plan m.json --fixed-quality -o out/b.json"],
                                       currentDirectory: dir, shell: true)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("is read-only: its entries are used"), "\(result.stderr)")
        #expect(result.stderr.contains("analyses 0 computed / 2 cached"), "\(result.stderr)")
        #expect(try Data(contentsOf: cache) == before)
        #expect(!FileManager.default.fileExists(atPath: cache.path + ".bad"))
    }
}
