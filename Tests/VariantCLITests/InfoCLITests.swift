import Foundation
import Testing
import VipsCore

@Suite("variant info")
struct InfoCLITests {
    static func makeJPEG(width: Int, height: Int) throws -> Data {
        var data = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<data.count { data[i] = UInt8(truncatingIfNeeded: i * 31 / 7) }
        return try Image(pixels: PixelBuffer(width: width, height: height, bands: 3, data: data))
            .encoded(as: .jpeg(JPEGOptions(quality: 90)))
    }

    @Test("JSON contract on a good file")
    func json() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("photo.jpg")
        let data = try Self.makeJPEG(width: 120, height: 80)
        try data.write(to: path)
        let result = try CLIRunner.run(["info", path.path, "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let object = try result.json()
        #expect(object["width"] as? Int == 120)
        #expect(object["height"] as? Int == 80)
        #expect(object["format"] as? String == "jpeg")
        #expect(object["bands"] as? Int == 3)
        #expect(object["hasAlpha"] as? Bool == false)
        #expect(object["orientation"] as? Int == 1)
        #expect(object["hasIccProfile"] as? Bool == false)
        #expect(object["bytes"] as? Int == data.count)
        #expect(object["path"] as? String == path.path)
    }

    @Test("with several files, each JSON line names its file as given, so a file that fails leaves the others paired")
    func jsonPaths() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.makeJPEG(width: 120, height: 80).write(to: dir.appendingPathComponent("a.jpg"))
        try Self.makeJPEG(width: 64, height: 48).write(to: dir.appendingPathComponent("b.jpg"))
        // Relative paths, given as the user typed them (not resolved against the folder).
        let result = try CLIRunner.run(["info", "a.jpg", "missing.jpg", "./b.jpg", "--json"], currentDirectory: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.jpg"), "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(objects.map { $0["path"] as? String } == ["a.jpg", "./b.jpg"])
        #expect(objects.map { $0["width"] as? Int } == [120, 64])
    }

    @Test("bad inputs: one line naming the file and the reason, exit 2, nothing on stdout")
    func badInputs() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let jpeg = try Self.makeJPEG(width: 300, height: 200)
        let png = try Image(pixels: PixelBuffer(width: 64, height: 64, bands: 3, data: [UInt8](repeating: 90, count: 64 * 64 * 3)))
            .encoded(as: .png(PNGOptions()))
        var bomb = Data("P5\n70000 70000\n255\n".utf8)
        bomb.append(Data(repeating: 0, count: 64))
        let files: [(String, Data?, String)] = [
            ("missing.jpg", nil, "no such file"),
            ("empty.jpg", Data(), "empty"),
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2), "cannot decode"),
            ("truncated.png", png.prefix(png.count / 2), "cannot decode"),
            ("random.jpg", Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }), "not an image format"),
            ("notes.png", Data("these are not pixels\n".utf8), "not an image format"),
            ("bomb.pgm", bomb, "over the limit"),
        ]
        for (name, data, reason) in files {
            let path = dir.appendingPathComponent(name)
            if let data { try data.write(to: path) }
            let result = try CLIRunner.run(["info", path.path, "--json"])
            #expect(result.status == 2, "\(name)")
            #expect(result.stdout.isEmpty, "\(name)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(result.stderr)")
            #expect(result.stderr.contains(path.path), "\(name)")
            #expect(result.stderr.contains(reason), "\(name): \(result.stderr)")
        }
        let directory = try CLIRunner.run(["info", dir.path])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("is a directory"))
        // Found in review: a link loop, a name too long and a path through a file all read
        // "no such file".
        let a = dir.appendingPathComponent("a.jpg").path, b = dir.appendingPathComponent("b.jpg").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        try jpeg.write(to: dir.appendingPathComponent("photo.jpg"))
        for (path, reason) in [(a, "too many levels of symbolic links (a link loop?)"),
                               (dir.appendingPathComponent(String(repeating: "b", count: 300) + ".jpg").path,
                                "the name is too long for the file system"),
                               (dir.appendingPathComponent("photo.jpg/x.jpg").path, "a part of the path is not a folder")] {
            let result = try CLIRunner.run(["info", path])
            #expect(result.status == 2 && result.stderr == "variant: error: \(path): \(reason)\n", "\(result.stderr)")
        }
        // The manifest and a layer's file say so too.
        let plan = try CLIRunner.run(["plan", a])
        #expect(plan.status == 2 && plan.stderr.contains("\(a): too many levels of symbolic links (a link loop?) (the manifest)"), "\(plan.stderr)")
        let layer = try CLIRunner.run(["render", dir.appendingPathComponent("photo.jpg").path, "l_logo/fl_layer_apply", "--layer", "logo=\(a)",
                                       "-o", dir.appendingPathComponent("o.jpg").path])
        #expect(layer.status == 2 && layer.stderr.contains("--layer logo=\(a): too many levels of symbolic links"), "\(layer.stderr)")
    }

    @Test("usage errors exit 2 and --help exits 0")
    func usage() throws {
        let none = try CLIRunner.run(["info"])
        #expect(none.status == 2)
        let unknown = try CLIRunner.run(["info", "--no-such-flag", "x.jpg"])
        #expect(unknown.status == 2)
        let help = try CLIRunner.run(["info", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--json"))
        // A group without its command is a usage error, its help on stderr; asked for, a success.
        for group in [[], ["url"]] {
            let bare = try CLIRunner.run(group)
            #expect(bare.status == 2, "\(group)")
            #expect(bare.stdout.isEmpty)
            #expect(bare.stderr.contains("USAGE: variant"), "\(group): \(bare.stderr)")
            let asked = try CLIRunner.run(group + ["--help"])
            #expect(asked.status == 0)
            #expect(asked.stdout.contains("SUBCOMMANDS"))
        }
    }

    @Test("every file in TestImages is described")
    func testImages() throws {
        let dir = CLIRunner.packageRoot.appendingPathComponent("TestImages")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { ["jpg", "jpeg", "png", "webp", "avif", "gif", "tif", "tiff"].contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
        #expect(files.count >= 20)
        let result = try CLIRunner.run(["info", "--json"] + files.map { dir.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == files.count)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect((object?["width"] as? Int ?? 0) > 0)
        }
    }
}
