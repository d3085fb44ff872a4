import Foundation
import Testing
import VipsCore

/// `variant render` output naming: the extension or, without one, `f_` chooses the format; an
/// extension it does not know is refused before any work, and the message says both ways out.
@Suite("Render output names (CLI)")
struct RenderCLITests {
    static let photo = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path

    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Found in review: `-o /dev/null` was refused to anyone but root ("the folder /dev is not
    /// writable"): a device is written as it is, with no temporary file beside it.
    @Test("a user who cannot write /dev still writes to /dev/null; a pipe they cannot open is refused")
    func deviceOutputs() throws {
        // As root, the commands run as nobody.
        let user = getuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : ""
        let null = try CLIRunner.run(["-c", user + "\"$0\" render \"$1\" w_100 -o /dev/null && " + user
                                        + "\"$0\" optimize \"$1\" --transformation w_100 --formats jpeg -o /dev/null",
                                      CLIRunner.executable.path, Self.photo], shell: true)
        #expect(null.status == 0, "\(null.stderr)")
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipe = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(pipe, 0o444) == 0 && chmod(pipe, 0o444) == 0 && chmod(dir.path, 0o755) == 0)
        let denied = try CLIRunner.run(["-c", user + "\"$0\" render \"$1\" w_100 -o \"$2\"", CLIRunner.executable.path, Self.photo, pipe],
                                       shell: true)
        #expect(denied.status == 2 && denied.stderr.contains("pipe: cannot be written"), "\(denied.stderr)")
    }

    @Test("-o /dev/stdout with stdout redirected to a file writes at its place in the stream")
    func devStdoutInAStream() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("f.out").path
        let result = try CLIRunner.run(["-c", "{ echo header; \"$0\" render \"$1\" w_50,f_png -o /dev/stdout; echo trailer; } > \"$2\"",
                                        CLIRunner.executable.path, Self.photo, file], shell: true)
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(data.starts(with: Data("header\n\u{89}PNG".utf8.prefix(7)) + Data([0x89, 0x50, 0x4E, 0x47])), "\(data.prefix(12) as NSData)")
        #expect(data.suffix(8) == Data("trailer\n".utf8))
    }

    /// Found by a QA pass: a CIELAB TIFF that carries its source's sRGB profile (libvips keeps
    /// the profile through a colour conversion) had the profile applied to its Lab values at
    /// its own size, where nothing else converts it: dark red, SSIMULACRA2 −171 against the source.
    @Test("a Lab TIFF carrying an sRGB profile renders in its colours at any size")
    func labWithProfile() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-couple-bar.jpg").path
        let lab = dir.appendingPathComponent("lab.tif").path
        let made = try CLIRunner.run(["-c", "vips colourspace \"$0\" \"$1\" lab && vipsheader -a \"$1\" | grep icc-profile-data",
                                      source, lab], shell: true)
        #expect(made.status == 0 && made.stdout.contains("bytes of binary data"), "the fixture keeps its profile: \(made.stdout) \(made.stderr)")
        for width in [800, 300] {
            let (expected, actual) = (dir.appendingPathComponent("ref\(width).png").path, dir.appendingPathComponent("lab\(width).png").path)
            for (input, output) in [(source, expected), (lab, actual)] {
                let rendered = try CLIRunner.run(["render", input, "w_\(width)", "-o", output])
                #expect(rendered.status == 0, "\(rendered.stderr)")
            }
            let score = try CLIRunner.run(["compare", expected, actual, "--json"])
            let value = try #require(score.json()["ssimulacra2"] as? Double, "\(score.stderr)")
            #expect(value > 90, "w_\(width): SSIMULACRA2 \(value)")
        }
    }

    /// Found by a QA pass: chained resizes were one lazy pipeline, and each later resize
    /// recomputed the rows it overlapped of the earlier ones: this chain of an 800×600 photo took
    /// 27.8 s of wall time (55 s of CPU), and under load ran past 60 s; computed once per step it
    /// takes under a second. The per-computation time limit makes the difference a failure, not
    /// a figure: 20 s is far above what one step needs on any build.
    @Test("chained resizes are computed once each: a five-resize chain stays inside a 20 s limit per computation")
    func chainedResizes() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("chain.png").path
        let photo = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-couple-bar.jpg").path
        let result = try CLIRunner.run(["render", photo, "w_5120,h_3840/w_300,h_5000/w_36,h_598/w_1000,h_1000/w_500,h_500",
                                        "-o", out, "--json", "--timeout", "20"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["width"] as? Int == 500 && json["height"] as? Int == 500, "\(json)")
    }

    @Test("an unknown extension is a usage error naming it, and nothing is written")
    func unknownExtension() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("variant.out").path
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", out])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown output extension '.out'"), "\(result.stderr)")
        #expect(result.stderr.contains("leave the extension off"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Exit 1: the request was checked and found invalid for the format (it was 2, an I/O error).
    @Test("an output larger than its format takes is refused with the format's limit, naming the source, exit 1; nothing is written",
          arguments: [("avif", 16_385, "AVIF, which takes at most 16384"), ("webp", 16_384, "WebP, which takes at most 16383"),
                      ("jpg", 65_501, "JPEG, which takes at most 65500")])
    func outputTooLarge(ext: String, width: Int, words: String) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("wide.\(ext)").path
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_\(width),h_8", "-o", out])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("people-astronaut.jpg: \(width)×8 is too large for \(words) pixels a side"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("-o that names no file (empty, a folder, a path through a file) is refused and nothing is made")
    func outputNamesNoFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notes = dir.appendingPathComponent("notes.txt")
        try Data("keep me".utf8).write(to: notes)
        let cases: [(String, String)] = [
            ("", "-o: expected a path to an image file but received an empty one"),
            (dir.appendingPathComponent("newdir").path + "/", "names a folder; give the path of an image file"),
            (notes.appendingPathComponent("x.jpg").path, "\(notes.path) is not a directory"),
        ]
        for (out, message) in cases {
            let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_10", "-o", out])
            #expect(result.status == 2, "\(out): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["notes.txt"])
        // An existing folder, without the slash: named as the output (it read as the input's error).
        let existing = dir.appendingPathComponent("adir")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: false)
        let folder = try CLIRunner.run(["render", Self.photo, "c_scale,w_10", "-o", existing.path])
        #expect(folder.status == 2 && folder.stderr.contains("-o \(existing.path): names a folder; give the path of an image file"),
                "\(folder.stderr)")
        try FileManager.default.removeItem(at: existing)
        // The source itself, by another spelling of its path: refused, the source kept.
        let source = dir.appendingPathComponent("photo.jpg")
        try FileManager.default.copyItem(atPath: Self.photo, toPath: source.path)
        let before = try Data(contentsOf: source)
        for command in [["render", source.path, "c_scale,w_10"], ["optimize", source.path]] {
            let result = try CLIRunner.run(command + ["-o", dir.appendingPathComponent("./x/../photo.jpg").path])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("the same file as the source image"), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: source) == before)
    }

    @Test("optimize leaves out the formats a variant is too large for")
    func optimizeSkipsSmallFormats() throws {
        let result = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_16500,h_8", "--formats", "avif,webp,jpeg",
                                        "--target", "30", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["format"] as? String == "jpeg")
        let none = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_16500,h_8", "--formats", "avif,webp"])
        // Exit 1, as render's "too large for AVIF": the request was checked and is invalid for the
        // formats (it was 2, an I/O or usage error).
        #expect(none.status == 1)
        #expect(none.stderr.contains("16500×8 is too large for every allowed format (longest side at most: AVIF 16384, WebP 16383)"),
                "\(none.stderr)")
        let logo = CLIRunner.packageRoot.appendingPathComponent("TestImages/logo-alpha.png").path
        let opaqueOnly = try CLIRunner.run(["optimize", logo, "--formats", "jpeg"])
        #expect(opaqueOnly.status == 1 && opaqueOnly.stderr.contains("none of the allowed formats (jpeg) can carry this image's transparency"),
                "\(opaqueOnly.status) \(opaqueOnly.stderr)")
    }

    /// Found in QA: JPEG q89 fails at 4:2:0 and q90 (4:4:4) passes with a jump; the search ran
    /// out of probes with q89 and q91 measured and gave q91, 5 % larger than q90.
    @Test("optimize gives the lowest passing quality across JPEG's chroma switch")
    func optimizeChromaSwitch() throws {
        let image = CLIRunner.packageRoot.appendingPathComponent("TestImages/graphic-illustration.png").path
        let result = try CLIRunner.run(["optimize", image, "--transformation", "c_scale,w_640", "--formats", "jpeg", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["quality"] as? Int == 90 && (json["ssimulacra2"] as? Double ?? 0) >= 75, "\(json)")
    }

    @Test("optimize's summary counts encodes in the singular for one")
    func optimizeCountsEncodes() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A flat grey PNG: its lossless PNG candidate is one encode ("1 encodes" before).
        let flat = dir.appendingPathComponent("flat.png")
        let pixels = PixelBuffer(width: 64, height: 64, bands: 3, data: [UInt8](repeating: 90, count: 64 * 64 * 3))
        try Image(pixels: pixels).encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: flat)
        let result = try CLIRunner.run(["optimize", flat.path, "--formats", "png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  png lossless: ") && result.stdout.contains(", 1 encode\n"), "\(result.stdout)")
        #expect(!result.stdout.contains(" 1 encodes"), "\(result.stdout)")
    }

    @Test("without an extension, f_ in the transformation chooses the format")
    func noExtension() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("variant").path
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try Image.load(path: out)
        #expect(written.format == "webp")
        #expect(written.width == 100)
    }

    @Test("f_auto,q_auto on a variant under 8x8 px: the smallest format at the level's quality, with a note")
    func tinyAutoVariant() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("tiny").path
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_5/f_auto,q_auto", "-o", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["width"] as? Int == 5)
        let notes = json["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("under the 8x8") }, "\(notes)")
        #expect(result.stderr.contains("under the 8x8"), "\(result.stderr)")
        let written = try Image.load(path: out)
        #expect(written.width == 5 && written.format == json["format"] as? String)
        // optimize cannot score it: the message is about the variant, not the (fine) source.
        let optimize = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_5"])
        #expect(optimize.status == 2)
        #expect(optimize.stderr.contains("the variant is 5×5 pixels, too small to score: SSIMULACRA2 needs at least 8×8"),
                "\(optimize.stderr)")
    }

    /// Found in review: `if_fc_gt_0` took the no-face branch of a face close-up, while
    /// `g_face` on the same file found the face: only faces given with --faces were counted.
    @Test("if_fc counts the faces render finds")
    func faceCountCondition() throws {
        let closeup = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-face-closeup.jpg").path
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.png").path
        let faces = try CLIRunner.run(["render", closeup, "if_fc_gt_0/c_scale,w_100/if_else/c_scale,w_50/if_end", "-o", out, "--json"])
        #expect(faces.status == 0, "\(faces.stderr)")
        #expect(try faces.json()["width"] as? Int == 100, "\(faces.stdout) \(faces.stderr)")
        let none = try CLIRunner.run(["render", closeup, "if_fc_eq_0/c_scale,w_100/if_else/c_scale,w_50/if_end", "-o", out, "--json"])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(try none.json()["width"] as? Int == 50, "\(none.stdout) \(none.stderr)")
    }

    /// Found in review: c_fill_pad,g_auto rendered the plain fill window, a 90 px sliver through
    /// a face, with nothing said; Cloudinary pads when more of the image must be kept.
    @Test("c_fill_pad pads to keep the faces a fill would slice, and is a fill when it slices none")
    func fillPad() throws {
        let group = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-group-three-tattoos.jpg").path
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.png").path
        func crop(_ transformation: String) throws -> [Int] {
            let result = try CLIRunner.run(["render", group, transformation, "-o", out, "--json"])
            #expect(result.status == 0, "\(transformation): \(result.stderr)")
            return try #require(try result.json()["crop"] as? [Int])
        }
        // The three faces, as annotated in TestImages/annotations.json (x, y, width, height).
        let faces = [[123, 75, 167, 165], [327, 63, 170, 184], [563, 27, 174, 173]]
        let padded = try crop("c_fill_pad,g_auto,w_100,h_600")
        for face in faces {
            #expect(face[0] >= padded[0] && face[0] + face[2] <= padded[0] + padded[2]
                    && face[1] >= padded[1] && face[1] + face[3] <= padded[1] + padded[3], "\(face) outside \(padded)")
        }
        #expect(try crop("c_fill,g_auto,w_100,h_600")[2] < 100)
        #expect(try crop("c_fill_pad,g_auto,w_600,h_400") == (try crop("c_fill,g_auto,w_600,h_400")))
    }

    /// Found in a docs QA pass: `--min-width 900` on an 800 px image listed 800 without a word.
    @Test("breakpoints of an image narrower than --min-width list its own width, with a warning in notes and on stderr")
    func breakpointsUnderMinWidth() throws {
        let couple = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-couple-bar.jpg").path
        let narrow = try CLIRunner.run(["breakpoints", couple, "--min-width", "900", "--json"])
        #expect(narrow.status == 0, "\(narrow.stderr)")
        let json = try narrow.json()
        #expect((json["breakpoints"] as? [[String: Any]])?.compactMap { $0["width"] as? Int } == [800])
        let warning = "the image is 800 px wide, under --min-width 900: its own width is the one listed (breakpoints never enlarge)"
        #expect(json["notes"] as? [String] == ["warning: " + warning], "\(json)")
        #expect(narrow.stderr == "variant: warning: \(warning)\n", "\(narrow.stderr)")
        let wide = try CLIRunner.run(["breakpoints", couple, "--min-width", "300", "--json"])
        let wideNotes = try wide.json()["notes"] as? [String]
        #expect(wide.status == 0 && wide.stderr.isEmpty && wideNotes == [], "\(wide.stderr)")
    }

    /// Found in a docs QA pass: `render --faces` fed g_face but not g_auto, whose window followed
    /// the detected faces, while `crop --faces` uses the given boxes in place of the search.
    @Test("render's --faces are g_auto's faces as they are crop's: the same window")
    func givenFacesForAuto() throws {
        let couple = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-couple-bar.jpg").path
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.jpg").path
        let cropped = try CLIRunner.run(["crop", couple, "--aspect", "1:3", "--faces", "700,500,90,90", "--json"])
        #expect(cropped.status == 0, "\(cropped.stderr)")
        let crops = try #require(try cropped.json()["crops"] as? [[String: Any]])
        let first = try #require(crops.first)
        let planned = ["x", "y", "width", "height"].reduce(into: [String: Int]()) { $0[$1] = first[$1] as? Int }
        let rendered = try CLIRunner.run(["render", couple, "c_fill,g_auto,w_100,h_300", "--faces", "700,500,90,90", "-o", out, "--json"])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let window = try #require(try rendered.json()["crop"] as? [Int])
        #expect(window == [planned["x"] ?? -1, planned["y"] ?? -1, planned["width"] ?? -1, planned["height"] ?? -1],
                "render \(window), crop \(planned)")
        // The given face is in it (the detected ones are elsewhere).
        #expect(window[0] <= 700 && window[0] + window[2] >= 790, "\(window)")
        // A box past the image is said, as crop says it.
        let past = try CLIRunner.run(["render", couple, "c_fill,g_auto,w_100,h_300", "--faces", "790,590,100,100", "-o", out, "--json"])
        let warning = "--faces: the box 790,590,100,100 reaches past the 800x600 image; it is used as 790,590,10,10"
        #expect(past.status == 0 && past.stderr.contains("variant: warning: " + warning), "\(past.stderr)")
        #expect((try past.json()["notes"] as? [String])?.contains("warning: " + warning) == true)
        // Not when no gravity reads the boxes.
        let unused = try CLIRunner.run(["render", couple, "c_scale,w_100", "--faces", "790,590,100,100", "-o", out])
        #expect(unused.status == 0 && !unused.stderr.contains("reaches past"), "\(unused.stderr)")
    }

    /// Found in review: an animated GIF was cropped by content under g_auto and g_face, where
    /// Cloudinary centres every special gravity but custom on animated images, and refuses
    /// c_fill_pad with g_auto there.
    @Test("an animated source takes the centre for g_auto and g_face, refuses c_fill_pad,g_auto, and pg_1 is a still")
    func animatedGravity() throws {
        let gif = try HostileImageTests.folder.get().appendingPathComponent("animated-500-frames.gif").path
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.gif").path
        for gravity in ["auto", "face"] {
            let result = try CLIRunner.run(["render", gif, "c_fill,g_\(gravity),w_100,h_50", "-o", out, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("the source is animated: Cloudinary applies g_center in place of g_\(gravity)"), "\(result.stderr)")
            #expect(try result.json()["crop"] as? [Int] == [0, 12, 48, 24])
        }
        try FileManager.default.removeItem(atPath: out)
        let pad = try CLIRunner.run(["render", gif, "c_fill_pad,g_auto,w_100,h_50", "-o", out])
        #expect(pad.status == 1 && pad.stderr.contains("c_fill_pad with g_auto on an animated source: Cloudinary returns an error"),
                "\(pad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let still = try CLIRunner.run(["render", gif, "pg_1/c_fill,g_auto,w_100,h_50", "-o", out, "--json"])
        #expect(still.status == 0 && !still.stderr.contains("animated-gravity"), "\(still.stderr)")
    }

    /// `if_pc` was taken as true with a warning, though a local file knows its page count.
    @Test("if_pc is evaluated on the file's pages: true for an animated GIF, false for a photo")
    func pageCountCondition() throws {
        let gif = try HostileImageTests.folder.get().appendingPathComponent("animated-500-frames.gif").path
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (source, name, width) in [(gif, "o.gif", 10), (Self.photo, "o.jpg", nil)] {
            let result = try CLIRunner.run(["render", source, "if_pc_gt_1,c_scale,w_10", "-o", dir.appendingPathComponent(name).path, "--json"])
            #expect(result.status == 0 && !result.stderr.contains("cannot be evaluated"), "\(result.stderr)")
            let rendered = try result.json()["width"] as? Int
            if let width { #expect(rendered == width) } else { #expect(rendered.map { $0 > 10 } == true, "\(String(describing: rendered))") }
        }
    }

    @Test("the geometry's warnings reach stderr in a plain run, not only the JSON")
    func warningsOnStderr() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("v.jpg").path
        let result = try CLIRunner.run(["render", Self.photo, "c_fill,w_100,h_100,g_ocr_text", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("variant: warning:"), "\(result.stderr)")
    }

    @Test("f_gif renders a GIF (with q_auto too: nothing to search), and so does -o x.gif without f_")
    func gif() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (transformation, name) in [("c_fill,w_120,h_90/f_gif", "a"), ("c_fill,w_120,h_90/f_gif,q_auto", "b"),
                                       ("c_fill,w_120,h_90", "c.gif")] {
            let out = dir.appendingPathComponent(name).path
            let result = try CLIRunner.run(["render", Self.photo, transformation, "-o", out, "--json"])
            #expect(result.status == 0, "\(transformation): \(result.stderr)")
            #expect(!result.stderr.contains("not rendered"), "\(transformation): \(result.stderr)")
            let json = try result.json()
            #expect(json["format"] as? String == "gif" && json["width"] as? Int == 120 && json["height"] as? Int == 90,
                    "\(transformation): \(json)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(bytes.starts(with: Array("GIF89a".utf8)), "\(transformation)")
            #expect(json["bytes"] as? Int == bytes.count)
        }
        // The optimiser does not choose GIF.
        let optimize = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_100", "--formats", "webp,gif"])
        #expect(optimize.status == 2, "\(optimize.stderr)")
    }

    @Test("render and optimize check -o before any work: empty, unknown extension, missing folder")
    func outputCheckedFirst() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gif = dir.appendingPathComponent("x.gif").path
        let optimizeGif = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_100", "-o", gif])
        #expect(optimizeGif.status == 2)
        #expect(optimizeGif.stderr.contains("x.gif: this command does not write GIF: name the file .jpg, .webp, .avif or .png"),
                "\(optimizeGif.stderr)")
        let tiff = dir.appendingPathComponent("x.tif").path
        let renderTiff = try CLIRunner.run(["render", Self.photo, "c_scale,w_100", "-o", tiff])
        #expect(renderTiff.status == 2)
        #expect(renderTiff.stderr.contains("unknown output extension '.tif': name the file .jpg, .webp, .avif, .png or .gif"),
                "\(renderTiff.stderr)")
        #expect(!FileManager.default.fileExists(atPath: gif))
        let missing = dir.appendingPathComponent("nodir/x.avif").path
        let optimizeMissing = try CLIRunner.run(["optimize", Self.photo, "-o", missing, "--json"])
        #expect(optimizeMissing.status == 2)
        #expect(optimizeMissing.stderr.contains("nodir does not exist"), "\(optimizeMissing.stderr)")
        #expect(optimizeMissing.stdout.isEmpty)
        let empty = try CLIRunner.run(["render", Self.photo, "c_scale,w_100", "-o", ""])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("expected a path to an image file"), "\(empty.stderr)")
    }

    @Test("-o - writes the image to stdout for a pipe, the summary to stderr; not with --json, and no file named '-'")
    func standardOutput() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", "-"], currentDirectory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let piped = try Image.load(data: result.stdoutData)
        #expect(piped.format == "webp")
        #expect(piped.width == 100)
        #expect(result.stderr.contains("stdout: 100×"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))

        let optimized = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_80", "--formats", "jpeg", "-o", "-"],
                                          currentDirectory: dir)
        #expect(optimized.status == 0, "\(optimized.stderr)")
        #expect(try Image.load(data: optimized.stdoutData).format == "jpeg")
        #expect(optimized.stderr.contains("jpeg q"), "\(optimized.stderr)")

        let json = try CLIRunner.run(["render", Self.photo, "c_scale,w_100", "-o", "-", "--json"], currentDirectory: dir)
        #expect(json.status == 2)
        #expect(json.stdoutData.isEmpty)
        #expect(json.stderr.contains("where --json prints"), "\(json.stderr)")
    }

    @Test("-o /dev/stdout is stdout too: the image alone there, the summary on stderr, and not with --json")
    func devStdout() throws {
        let result = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", "/dev/stdout"])
        #expect(result.status == 0, "\(result.stderr)")
        // The summary line used to follow the image on stdout: 43 bytes more than the file.
        let piped = try Image.load(data: result.stdoutData)
        #expect(piped.width == 100 && piped.format == "webp")
        let alone = try CLIRunner.run(["render", Self.photo, "c_scale,w_100/f_webp", "-o", "-"])
        #expect(result.stdoutData == alone.stdoutData)
        #expect(result.stderr.contains("/dev/stdout: 100×"), "\(result.stderr)")

        let optimized = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_80", "--formats", "jpeg",
                                           "-o", "/dev/stdout"])
        #expect(optimized.status == 0, "\(optimized.stderr)")
        #expect(try Image.load(data: optimized.stdoutData).format == "jpeg")
        #expect(!optimized.stdout.contains("bytes, SSIMULACRA2"))

        let json = try CLIRunner.run(["render", Self.photo, "c_scale,w_100", "-o", "/dev/stdout", "--json"])
        #expect(json.status == 2)
        #expect(json.stdoutData.isEmpty)
        #expect(json.stderr.contains("where --json prints"), "\(json.stderr)")
    }

    @Test("optimize --transformation takes the geometry: f_ and q_ are refused, g_auto is resolved as render does")
    func optimizeTransformation() throws {
        let carried = try CLIRunner.run(["optimize", Self.photo, "--transformation", "c_scale,w_200/f_png,q_10", "--formats", "webp"])
        #expect(carried.status == 2)
        #expect(carried.stderr.contains("give the geometry without f_png, q_10"), "\(carried.stderr)")
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The chosen file is the g_auto window render cuts, not the centre.
        let auto = dir.appendingPathComponent("auto.webp").path, centre = dir.appendingPathComponent("centre.webp").path
        let couple = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-couple-bar.jpg").path
        for (gravity, out) in [("auto", auto), ("center", centre)] {
            let result = try CLIRunner.run(["optimize", couple, "--transformation", "c_fill,g_\(gravity),w_300,h_300",
                                            "--formats", "webp", "-o", out])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: auto)) != Data(contentsOf: URL(fileURLWithPath: centre)))
    }
    @Test("--layer draws an image layer from a file; a malformed one is a usage error; without it the warning says how")
    func imageLayers() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let logo = CLIRunner.packageRoot.appendingPathComponent("TestImages/logo-alpha.png").path
        let transformation = "c_scale,w_300/l_brand:logo,w_60/fl_layer_apply,g_south_east,x_10,y_10"
        let plain = dir.appendingPathComponent("plain.png").path, branded = dir.appendingPathComponent("branded.png").path
        let without = try CLIRunner.run(["render", Self.photo, transformation, "-o", plain])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(without.stderr.contains("warning: l_brand:logo is not rendered locally (give --layer brand:logo=FILE to draw it from a file)"),
                "\(without.stderr)")
        // The layer is named once, not again by its fl_layer_apply (found in review).
        #expect(!without.stderr.contains("fl_layer_apply"), "\(without.stderr)")
        // A file for a layer the transformation does not name is said.
        let unused = try CLIRunner.run(["render", Self.photo, transformation, "-o", plain, "--layer", "brand:other=\(logo)"])
        #expect(unused.stderr.contains("warning: --layer brand:other: the transformation has no l_ or u_ of that id; the file is not used"),
                "\(unused.stderr)")
        let with = try CLIRunner.run(["render", Self.photo, transformation, "-o", branded, "--layer", "brand:logo=\(logo)"])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(!with.stderr.contains("not rendered"), "\(with.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: plain)) != Data(contentsOf: URL(fileURLWithPath: branded)))
        for bad in ["brand:logo", "=logo.png", "brand:logo="] {
            let result = try CLIRunner.run(["render", Self.photo, transformation, "-o", branded + ".2.png", "--layer", bad])
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("Error: --layer: expected ID=FILE (brand:logo=logo.png) but received '\(bad)'")
                    && result.stderr.contains("Usage: variant render"), "\(result.stderr)")
        }
        // -o may not replace a layer's file (a copy here, so the test cannot hurt TestImages).
        let logoCopy = dir.appendingPathComponent("logo.png").path
        try FileManager.default.copyItem(atPath: logo, toPath: logoCopy)
        let before = try Data(contentsOf: URL(fileURLWithPath: logoCopy))
        let clash = try CLIRunner.run(["render", Self.photo, transformation, "-o", logoCopy, "--layer", "brand:logo=\(logoCopy)"])
        #expect(clash.status == 2)
        #expect(clash.stderr.contains("the same file as the layer's file (--layer brand:logo="), "\(clash.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: logoCopy)) == before)
        let missing = try CLIRunner.run(["render", Self.photo, transformation, "-o", branded + ".3.png", "--layer", "brand:logo=nope.png"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--layer brand:logo=nope.png: no such file"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: branded + ".3.png"))
    }
}

/// Found in review: SIGTERM or SIGINT while `render` or `optimize` wrote its file killed the
/// process and left the hidden temporary file (`.v.jpg.….partial`, up to 54 MB) in the folder.
@Suite("A stopped command leaves no temporary file (CLI)")
struct StoppedWriteCLITests {
    @Test("SIGTERM while render writes its file: status 143, the old file as it was, nothing else")
    func signalDuringWrite() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // The signal is sent as soon as the temporary file appears (the write of a 8000 px JPEG
        // takes milliseconds). An attempt where the render ends first, or where the signal lands
        // after the file is in place (then complete, and rightly kept), is tried again.
        let script = """
            for attempt in $(seq 20); do
              echo -n old > "$2/v.jpg"
              seen=0
              env --default-signal=TERM "$0" render "$1" c_scale,w_8000/q_95 -o "$2/v.jpg" > /dev/null 2> "$3" & pid=$!
              while kill -0 $pid 2> /dev/null; do
                if compgen -G "$2/.*.partial" > /dev/null; then seen=1; break; fi
              done
              kill -TERM $pid 2> /dev/null; wait $pid; status=$?
              if [ $seen = 1 ] && grep -q "the file being written was removed" "$3"; then echo "status $status"; break; fi
            done
            ls -A "$2"
            """
        let log = dir.appendingPathComponent("log")
        let result = try CLIRunner.run(["-c", script, CLIRunner.executable.path,
                                        CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path,
                                        out.path, log.path], shell: true, bash: true)
        #expect(result.stdout == "status 143\nv.jpg\n", "\(result.stdout) \(result.stderr)")
        #expect(try Data(contentsOf: out.appendingPathComponent("v.jpg")) == Data("old".utf8))
        let stderr = try String(contentsOf: log, encoding: .utf8)
        #expect(stderr == "variant: error: stopped by SIGTERM: the file being written was removed\n", "\(stderr)")
    }

    /// Found in review: exiting 130 after the clean-up let a shell loop of commands run on after
    /// Ctrl-C (a shell stops a loop only for a command that died by SIGINT).
    @Test("Ctrl-C during a render's work: a message, no file, and death by SIGINT", arguments: [["render"], ["breakpoints"]])
    func interruptBeforeWrite(command: [String]) throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let photo = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = command == ["render"] ? ["render", photo, "c_scale,w_8000/e_blur:300", "-o", dir.appendingPathComponent("v.png").path]
            : ["breakpoints", CLIRunner.packageRoot.appendingPathComponent("TestImages/animal-bird-trunk-large.jpg").path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        usleep(1_000_000)  // past start-up and parsing, even on a loaded machine; both run for seconds
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT,
                "\(process.terminationReason) \(process.terminationStatus): \(stderr)")
        #expect(stderr.hasSuffix("variant: error: interrupted\n"), "\(stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
