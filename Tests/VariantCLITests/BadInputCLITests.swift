import Foundation
import Testing
import VipsCore

/// Inputs that are wrong in ways the hostile-image table does not cover: damage a decoder only
/// warns about, images too large for the quality measure, help text as the user reads it.
@Suite("Bad input through the CLI")
struct BadInputCLITests {
    static let testImages = CLIRunner.packageRoot.appendingPathComponent("TestImages")

    /// people-couple-bar.jpg with 5000 bytes of its entropy data overwritten: it still decodes
    /// (grey where the damage is), with libjpeg's "Corrupt JPEG data" warning.
    static func damagedJPEG(in dir: URL) throws -> URL {
        var bytes = try Data(contentsOf: testImages.appendingPathComponent("people-couple-bar.jpg"))
        bytes.replaceSubrange(60_000..<65_000, with: Data(repeating: 0xAA, count: 5000))
        let url = dir.appendingPathComponent("damaged.jpg")
        try bytes.write(to: url)
        return url
    }

    @Test("variant info reports damaged data; the warning does not leak into the next file's error")
    func damagedData() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let damaged = try Self.damagedJPEG(in: dir)
        let whole = try Data(contentsOf: Self.testImages.appendingPathComponent("people-astronaut.jpg"))
        let truncated = dir.appendingPathComponent("truncated.jpg")
        try whole.prefix(whole.count / 2).write(to: truncated)

        let alone = try CLIRunner.run(["info", damaged.path])
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("damaged.jpg: the image data is damaged: VipsJpeg: Corrupt JPEG data"), "\(alone.stderr)")
        #expect(alone.stdout.isEmpty)
        // --header-only does not decode, so it describes the file.
        #expect(try CLIRunner.run(["info", "--header-only", damaged.path]).status == 0)

        let both = try CLIRunner.run(["info", damaged.path, truncated.path])
        #expect(both.status == 2)
        let lines = both.stderr.split(separator: "\n").map(String.init)
        let truncatedLine = try #require(lines.first { $0.contains("truncated.jpg") }, "\(both.stderr)")
        #expect(truncatedLine.hasSuffix("truncated.jpg: cannot decode the image: VipsJpeg: Premature end of input file"), "\(truncatedLine)")
        #expect(!truncatedLine.contains("Corrupt JPEG data"), "\(truncatedLine)")
    }

    /// Found by a QA pass: 5000 zero bytes in the middle of a baseline JPEG's scan data decode as
    /// valid codes (a grey band), so the image is used up before its data is, and libjpeg's only
    /// word is "extraneous bytes before marker 0xd9", at the end, which libvips never asks for.
    /// Every command took the file; bytes there that are padding (zeros, 0xFF) are not damage.
    @Test("a run of zeros in the scan data fails every command that reads pixels; padding before the end marker does not")
    func zerosInScanData() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let baseline = dir.appendingPathComponent("baseline.jpg")
        let made = try CLIRunner.run(["render", Self.testImages.appendingPathComponent("people-couple-bar.jpg").path,
                                      "c_scale,w_400/q_90", "-o", baseline.path])
        #expect(made.status == 0, "\(made.stderr)")
        let clean = try Data(contentsOf: baseline)
        let scan = try #require(clean.firstRange(of: Data([0xFF, 0xDA]))).lowerBound
        var zeroed = clean
        let middle = scan + (clean.count - scan) / 2
        zeroed.replaceSubrange(middle..<middle + 5000, with: Data(count: 5000))
        let zeros = dir.appendingPathComponent("zeros.jpg")
        try zeroed.write(to: zeros)
        var padded = clean
        padded.insert(contentsOf: Data(count: 64) + Data([0xFF, 0xFF]), at: clean.count - 2)
        let padding = dir.appendingPathComponent("padding.jpg")
        try padded.write(to: padding)
        let out = dir.appendingPathComponent("out.jpg").path
        let commands: [[String]] = [["info", "F"], ["analyze", "F"], ["crop", "F"], ["render", "F", "w_100", "-o", out],
                                    ["optimize", "F", "--formats", "jpeg"], ["compare", baseline.path, "F"]]
        for command in commands {
            let damaged = try CLIRunner.run(command.map { $0 == "F" ? zeros.path : $0 })
            #expect(damaged.status == 2, "\(command[0]): \(damaged.stderr)")
            #expect(damaged.stderr.contains("zeros.jpg: ") && damaged.stderr.contains("extraneous bytes before marker 0xd9"),
                    "\(command[0]): \(damaged.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(command[0]) wrote its output")
            let fine = try CLIRunner.run(command.map { $0 == "F" ? padding.path : $0 })
            #expect(fine.status == 0, "\(command[0]): \(fine.stderr)")
            try? FileManager.default.removeItem(atPath: out)
        }
    }

    @Test("a JPEG or PNG cut inside its headers says the header could not be read, in every command",
          arguments: [["info"], ["render", "-", "w_100", "-o", "/dev/null"], ["analyze"], ["crop"]])
    func cutInsideHeaders(command: [String]) throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 20,000 of people-couple-bar.jpg's 125,560 bytes end inside its EXIF and header segments.
        let whole = try Data(contentsOf: Self.testImages.appendingPathComponent("people-couple-bar.jpg"))
        let cut = dir.appendingPathComponent("cut.jpg")
        try whole.prefix(20_000).write(to: cut)
        let arguments = command.count > 1 ? [command[0], cut.path] + command.dropFirst(2) : command + [cut.path]
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("cut.jpg: cannot read the image header: VipsJpeg: Premature end of input file"), "\(result.stderr)")
        // PNG's decoder gives no words for it (found in review: the error ended at "header").
        let png = dir.appendingPathComponent("cut.png")
        try Data(contentsOf: Self.testImages.appendingPathComponent("logo-alpha.png")).prefix(33).write(to: png)
        let pngArguments = command.count > 1 ? [command[0], png.path] + command.dropFirst(2) : command + [png.path]
        let cutPNG = try CLIRunner.run(pngArguments)
        #expect(cutPNG.status == 2)
        #expect(cutPNG.stderr.contains("cut.png: cannot decode the image: cannot read the image header (the file is cut short or damaged)"),
                "\(cutPNG.stderr)")
    }

    @Test("a stdout that cannot be written (a full device, a closed descriptor) is an I/O error, not a trap or a success",
          arguments: [("info IMAGE --json", ">/dev/full"), ("info IMAGE", ">/dev/full"), ("validate w_100 --json", ">/dev/full"),
                      ("url build a --cloud-name demo", ">/dev/full"), ("crop IMAGE --json", ">&-")])
    func unwritableStdout(command: String, redirection: String) throws {
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path
        let line = "'\(CLIRunner.executable.path)' \(command.replacingOccurrences(of: "IMAGE", with: "'\(image)'")) \(redirection)"
        let result = try CLIRunner.run(["-c", line], shell: true)
        #expect(result.status == 2, "\(command) \(redirection): \(result.stderr)")
        #expect(result.stderr.contains("variant: error: stdout: cannot write: "), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"), "\(result.stderr)")
    }

    /// Found in review: `-o -` wrote through Foundation, whose words were "The operation could
    /// not be completed", and a reader that left early killed the process with SIGPIPE (141).
    @Test("an image on stdout: a closed descriptor, a full device and a reader gone early are I/O errors with the OS's words",
          arguments: [(">&-", "Bad file descriptor"), (">/dev/full", "No space left on device"), ("| head -c 1 >/dev/null", "Broken pipe")])
    func unwritableImageOnStdout(redirection: String, reason: String) throws {
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path
        let line = "'\(CLIRunner.executable.path)' render '\(image)' c_scale,w_1200/f_png -o - \(redirection); echo \"status $?\" >&2"
        // bash for PIPESTATUS: the status of variant, not of head.
        let result = try CLIRunner.run(["-c", line.replacingOccurrences(of: "echo \"status $?\"", with: "echo \"status ${PIPESTATUS[0]}\"")],
                                       shell: true, bash: true)
        #expect(result.stderr.contains("status 2"), "\(redirection): \(result.stderr)")
        #expect(result.stderr.contains("variant: error: stdout: cannot write: \(reason)"), "\(result.stderr)")
    }

    /// Found in review: a chain of 1000 `e_grayscale` crashed (a stack overflow freeing a libvips
    /// pipeline that deep), though `validate` calls it valid; such a chain is refused up front.
    @Test("a chain too long to run is refused before any work, naming the count")
    func tooManyComponents() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("x.jpg").path
        let chain = Array(repeating: "e_grayscale", count: 1000).joined(separator: "/")
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path
        let result = try CLIRunner.run(["render", image, chain, "-o", output])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("1000 components, more than the 200 the local renderer runs in one chain"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        let fine = try CLIRunner.run(["render", image, Array(repeating: "e_grayscale", count: 200).joined(separator: "/"), "-o", output])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    /// Found in review: a layer file that fails while decoding was reported as damage in the
    /// source; and a text wider than Cairo draws gave Cairo's words, naming nothing.
    @Test("a damaged layer file is named as the layer's; a text too wide for the renderer says so")
    func layerFailuresNameTheirCause() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path
        let whole = try Data(contentsOf: Self.testImages.appendingPathComponent("people-face-closeup.jpg"))
        let truncated = dir.appendingPathComponent("logo-cut.jpg")
        try whole.prefix(20_000).write(to: truncated)
        let output = dir.appendingPathComponent("out.jpg").path
        let layer = try CLIRunner.run(["render", image, "w_400/l_logo,w_100/fl_layer_apply", "--layer", "logo=\(truncated.path)", "-o", output])
        #expect(layer.status == 2, "\(layer.stderr)")
        #expect(layer.stderr.contains("logo-cut.jpg: cannot decode the image: ") && layer.stderr.contains("(the file of layer l_logo)"), "\(layer.stderr)")
        #expect(!layer.stderr.contains("people-astronaut.jpg"), "\(layer.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))

        let wide = try CLIRunner.run(["render", image, "l_text:Arial_200:\(String(repeating: "W", count: 200))/fl_layer_apply", "-o", output])
        #expect(wide.status == 1, "\(wide.stderr)")
        #expect(wide.stderr.contains("its text layer (200 characters at 200 px) is probably wider or taller than 32767 pixels"), "\(wide.stderr)")

        // A layer's own transformation too large for its file is said to be the layer's (it
        // named "w_100" alone).
        let tall = dir.appendingPathComponent("tall.png")
        try Image(pixels: PixelBuffer(width: 1, height: 20_000, bands: 1, data: [UInt8](repeating: 0, count: 20_000)))
            .encoded(as: .png(PNGOptions())).write(to: tall)
        let big = try CLIRunner.run(["render", image, "w_400/l_logo,w_100/fl_layer_apply", "--layer", "logo=\(tall.path)", "-o", output])
        #expect(big.status == 1 && big.stderr.hasSuffix("over the limit of 100 megapixels (the layer l_logo, of \(tall.path))\n"),
                "\(big.stderr)")
    }

    /// Found in review: options that take a number read `-1` as an unknown option ("Missing
    /// value"), and `url build` listed `--version` twice (the asset's and the program's).
    /// Found in review: `variant render -hero.jpg w_100 -o out.jpg` printed render's help and
    /// exited 0 without writing anything (`-hero.jpg` parsed as -h -e -r -o …).
    @Test("a file name starting with a dash is a usage error that says how to write it; ./-name and -- work")
    func dashedFileName() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("-hero.jpg")
        try FileManager.default.copyItem(at: Self.testImages.appendingPathComponent("people-astronaut.jpg"), to: source)
        for arguments in [["render", "-hero.jpg", "w_100", "-o", "out.jpg"], ["info", "-hero.jpg"], ["analyze", "-hero.jpg", "--json"]] {
            let result = try CLIRunner.run(arguments, currentDirectory: dir)
            #expect(result.status == 2 && result.stdout.isEmpty, "\(arguments): \(result.stdout)")
            #expect(result.stderr == "variant: error: -hero.jpg: a name that starts with '-' is read as options (its h as "
                    + "--help); write a file as ./-hero.jpg, or put the name after -- at the end of the options\n", "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.jpg").path))
        #expect(try CLIRunner.run(["render", "./-hero.jpg", "w_100", "-o", "out.jpg"], currentDirectory: dir).status == 0)
        #expect(try CLIRunner.run(["info", "--", "-hero.jpg"], currentDirectory: dir).status == 0)
        #expect(try CLIRunner.run(["render", "-o", "out2.jpg", "--", "-hero.jpg", "w_100"], currentDirectory: dir).status == 0)
        // Negative decimals are numbers, not names; -o=out.jpg is an option with its value.
        let zoom = try CLIRunner.run(["crop", "./-hero.jpg", "--zoom", "-1.5"], currentDirectory: dir)
        #expect(zoom.status == 2 && zoom.stderr.contains("zoom"), "\(zoom.stderr)")
        #expect(try CLIRunner.run(["render", "./-hero.jpg", "w_100", "-o=out3.jpg"], currentDirectory: dir).status == 0)
    }

    @Test("negative numbers reach the range check; --version is listed once per command")
    func numericOptionsAndVersion() throws {
        let orientation = try CLIRunner.run(["geometry", "--source", "800x533", "w_5", "--orientation", "-1"])
        #expect(orientation.status == 2)
        #expect(orientation.stderr.contains("Expected --orientation between 1 and 8 but received -1"), "\(orientation.stderr)")
        let help = try CLIRunner.run(["url", "build", "--help"])
        #expect(help.stdout.components(separatedBy: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--version") }.count == 1,
                "\(help.stdout)")
        let version = try CLIRunner.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("variant "), "\(version.stdout)")
        // Digits are ASCII digits: an Arabic-Indic three made a URL no parser reads as versioned.
        let arabic = try CLIRunner.run(["url", "build", "x", "--cloud-name", "d", "--version", "٣"])
        #expect(arabic.status == 2 && arabic.stderr.contains("Expected digits for --version"), "\(arabic.stderr)")
        // Two files for one layer id: refused, not the last one silently.
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path
        let logo = Self.testImages.appendingPathComponent("logo-alpha.png").path
        let twice = try CLIRunner.run(["render", image, "w_100", "--layer", "a=\(logo)", "--layer", "a=\(image)", "-o", "/tmp/never-written.jpg"])
        #expect(twice.status == 2 && twice.stderr.contains("the layer a already has the file \(logo)"), "\(twice.stderr)")
    }

    /// Found in review: optimize measured a variant without the parameters it could not render,
    /// and said nothing (render lists them).
    @Test("optimize says what its variant leaves out")
    func optimizeSaysWhatIsLeftOut() throws {
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path
        let result = try CLIRunner.run(["optimize", image, "--transformation", "c_scale,w_64,e_oil_paint", "--formats", "jpeg"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("variant: warning: e_oil_paint is not rendered locally"), "\(result.stderr)")
        // A target no format reaches is said, not only flagged in the JSON; lossless candidates
        // carry "quality": null like the result (the key was missing).
        let unreachable = try CLIRunner.run(["optimize", image, "--transformation", "c_scale,w_64", "--target", "99.5",
                                             "--formats", "jpeg"])
        #expect(unreachable.status == 0, "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("no allowed format reaches SSIMULACRA2 99.5"), "\(unreachable.stderr)")
        let logo = Self.testImages.appendingPathComponent("logo-alpha.png").path
        let graphic = try CLIRunner.run(["optimize", logo, "--transformation", "c_scale,w_64", "--formats", "webp,png", "--json"])
        let candidates = try #require(try graphic.json()["candidates"] as? [[String: Any]])
        #expect(candidates.contains { $0["quality"] is NSNull }, "\(candidates)")
        #expect(candidates.allSatisfy { $0.keys.contains("quality") && $0.keys.contains("pruned") }, "\(candidates)")
    }

    @Test("control characters in what stderr repeats are spelled out, not sent to the terminal")
    func controlCharactersOnStderr() throws {
        let name = "a\u{1B}[2J\u{7}b.jpg"
        let result = try CLIRunner.run(["info", name])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(#"variant: error: a\u{1B}[2J\u{7}b.jpg: "#), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0 != "\n" && $0.properties.generalCategory == .control })

        // A line break in a file name split the one-line error in two.
        let broken = try CLIRunner.run(["info", "no\npe.jpg"])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix(#"variant: error: no\u{A}pe.jpg: "#), "\(broken.stderr)")
        #expect(broken.stderr.filter { $0 == "\n" }.count == 1, "\(broken.stderr)")

        // A right-to-left override reversed the rest of the terminal's line (found in QA).
        let bidi = try CLIRunner.run(["info", "fig\u{202E}gpj.jpg"])
        #expect(bidi.stderr.hasPrefix(#"variant: error: fig\u{202E}gpj.jpg: "#) && !bidi.stderr.unicodeScalars.contains { $0.value == 0x202E },
                "\(bidi.stderr)")
    }

    @Test("variant help NAME: a name that is no command is a usage error naming the commands there are")
    func helpOfNoCommand() throws {
        let bogus = try CLIRunner.run(["help", "bogus"])
        #expect(bogus.status == 2 && bogus.stdout.isEmpty)
        #expect(bogus.stderr.contains("help: variant has no command 'bogus' (it has info, render, geometry, compare, optimize,"),
                "\(bogus.stderr)")
        let nested = try CLIRunner.run(["help", "plan", "bogus"])
        #expect(nested.status == 2 && nested.stderr.contains("help: variant plan has no command 'bogus' (it has run, merge)"))
        for good in [["help"], ["help", "info"], ["help", "plan", "merge"], ["help", "url", "build"]] {
            let result = try CLIRunner.run(good)
            #expect(result.status == 0 && result.stdout.hasPrefix("OVERVIEW: "), "\(good): \(result.stderr)")
        }
    }

    /// Found in a user-journey QA pass: a plan's delivery URL pasted where the transformation
    /// goes gave nine parameter errors ('https:', 'res.cloudinary.com', 'v1 (did you mean vc_?)' …).
    @Test("a delivery URL, or the end of its path, where the transformation goes is named as such, with its transformation")
    func deliveryURLForTransformation() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = Self.testImages.appendingPathComponent("logo-alpha.png").path
        let out = dir.appendingPathComponent("out.webp").path
        let url = "https://res.cloudinary.com/acme/image/upload/c_crop,h_100,w_200,x_0,y_4/c_scale,w_80/f_webp,q_80/v1/autumn/lake"
        let render = try CLIRunner.run(["render", image, url, "-o", out])
        #expect(render.status == 1 && render.stdout.isEmpty)
        #expect(render.stderr == "variant: error: invalid transformation: \(url) is a delivery URL, not a transformation: its "
                + "transformation is c_crop,h_100,w_200,x_0,y_4/c_scale,w_80/f_webp,q_80 (variant url parse shows every part)\n",
                "\(render.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let tail = try CLIRunner.run(["render", image, "c_scale,w_80/f_webp,q_80/v1/autumn/lake", "-o", out])
        #expect(tail.status == 1 && tail.stderr.contains("the transformation is c_scale,w_80/f_webp,q_80, and /v1/autumn/lake its version "
                                                         + "and public id") && !tail.stderr.contains("did you mean"), "\(tail.stderr)")
        let geometry = try CLIRunner.run(["geometry", "--source", "800x600", url])
        #expect(geometry.status == 1 && geometry.stderr.contains("is a delivery URL, not a transformation"), "\(geometry.stderr)")
        let validate = try CLIRunner.run(["validate", url])
        #expect(validate.status == 1 && validate.stderr.contains("variant: note: \(url) is a delivery URL"), "\(validate.stderr)")
        let validateJSON = try CLIRunner.run(["validate", "--json", url])
        #expect((try validateJSON.json()["note"] as? String)?.hasPrefix("\(url) is a delivery URL") == true, "\(validateJSON.stdout)")
        #expect(try CLIRunner.run(["validate", "--json", "c_fil"]).json()["note"] == nil)
        let build = try CLIRunner.run(["url", "build", "a/b", "--cloud-name", "demo", "--transformation", url])
        #expect(build.status == 1 && build.stderr.contains("invalid --transformation: \(url) is a delivery URL"), "\(build.stderr)")
        // Any other URL is a URL, not a delivery URL without a transformation.
        let other = try CLIRunner.run(["render", image, "https://x.example/path", "-o", out])
        #expect(other.stderr == "variant: error: invalid transformation: https://x.example/path is a URL, not a transformation "
                + "(one looks like c_fill,w_800,h_450)\n", "\(other.stderr)")
        // A transformation that is merely wrong keeps the parser's diagnostics.
        let typo = try CLIRunner.run(["render", image, "c_fil,w_100/v2", "-o", out])
        #expect(typo.status == 1 && typo.stderr.contains("did you mean") && !typo.stderr.contains("delivery URL"), "\(typo.stderr)")
    }

    @Test("an image where the transformation goes is named as a file, with the right order, not parsed as parameters")
    func imageForTransformation() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = Self.testImages.appendingPathComponent("logo-alpha.png").path
        let out = dir.appendingPathComponent("out.png").path
        let swapped = try CLIRunner.run(["render", "c_fill,w_100,h_100", image, "-o", out])
        #expect(swapped.status == 1 && swapped.stdout.isEmpty)
        #expect(swapped.stderr == "variant: error: invalid transformation: \(image) is a file, not a transformation (one looks like "
                + "c_fill,w_800,h_450): the image comes first, variant render IMAGE TRANSFORMATION -o OUT\n", "\(swapped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let optimize = try CLIRunner.run(["optimize", image, "--transformation", image])
        #expect(optimize.status == 1 && optimize.stderr.contains("is a file, not a transformation")
                && optimize.stderr.contains("--transformation the geometry to apply to it"), "\(optimize.stderr)")
        // What is not a file keeps the parser's diagnostics.
        let typo = try CLIRunner.run(["render", image, "c_fil,w_100", "-o", out])
        #expect(typo.status == 1 && typo.stderr.contains("did you mean") && !typo.stderr.contains("is a file"), "\(typo.stderr)")
        // Found by a QA pass: "///" names the root folder, and was called "a file" too.
        let slashes = try CLIRunner.run(["render", image, "///", "-o", out])
        #expect(slashes.status == 1 && slashes.stderr.contains("error[empty-component]") && !slashes.stderr.contains("is a file"),
                "\(slashes.stderr)")
    }

    /// Two readable images of different sizes are input checked and found invalid: exit 1 (it was
    /// 2, the status of a usage or I/O error). Images too small to score keep exit 2.
    @Test("compare of images of different sizes exits 1, naming the judged file and both sizes")
    func compareSizeMismatch() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func png(_ name: String, _ width: Int, _ height: Int) throws -> String {
            let path = dir.appendingPathComponent(name)
            let pixels = PixelBuffer(width: width, height: height, bands: 3, data: [UInt8](repeating: 90, count: width * height * 3))
            try Image(pixels: pixels).encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: path)
            return path.path
        }
        let reference = try png("ref.png", 64, 48), other = try png("other.png", 48, 64)
        let result = try CLIRunner.run(["compare", reference, other])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("other.png: expected the distorted image at 64×48 (the reference's size) but received 48×64"),
                "\(result.stderr)")
        let tiny = try png("tiny.png", 4, 4)
        #expect(try CLIRunner.run(["compare", tiny, tiny]).status == 2)
        #expect(try CLIRunner.run(["compare", reference, reference]).status == 0)
    }

    @Test("compare and optimize refuse images too large to measure, naming the file; a tiny one is named too")
    func metricLimits() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = Self.testImages.appendingPathComponent("people-astronaut.jpg").path  // 512×512
        let compare = try CLIRunner.run(["compare", image, image, "--max-pixels", "200000"])
        #expect(compare.status == 2)
        #expect(compare.stderr.contains("people-astronaut.jpg"), "\(compare.stderr)")
        #expect(compare.stderr.contains("over the limit of 0.2 megapixels"), "\(compare.stderr)")
        #expect(try CLIRunner.run(["compare", image, image, "--max-pixels", "300000"]).status == 0)

        // analyze, crop and breakpoints take the same limit (they had none to set).
        for command in ["analyze", "crop", "breakpoints"] {
            let limited = try CLIRunner.run([command, image, "--max-pixels", "200000", "--json"])
            #expect(limited.status == 2)
            #expect(limited.stderr.contains("people-astronaut.jpg: 512×512 is"), "\(limited.stderr)")
            #expect(limited.stdout.isEmpty)
        }

        let optimize = try CLIRunner.run(["optimize", image, "--max-pixels", "200000", "--formats", "jpeg"])
        #expect(optimize.status == 2)
        #expect(optimize.stderr.contains("people-astronaut.jpg: 512×512 is 0.3 megapixels, over the 0.2"), "\(optimize.stderr)")
        #expect(optimize.stderr.contains("--max-pixels"), "\(optimize.stderr)")

        let tiny = dir.appendingPathComponent("tiny.png")
        let pixels = PixelBuffer(width: 4, height: 4, bands: 3, data: [UInt8](repeating: 90, count: 48))
        try Image(pixels: pixels).encoded(as: EncodeOptions.defaults(for: .png, quality: nil)).write(to: tiny)
        let small = try CLIRunner.run(["optimize", tiny.path, "--formats", "jpeg"])
        #expect(small.status == 2)
        #expect(small.stderr.contains("tiny.png: the image is 4×4 pixels, too small to score: SSIMULACRA2 needs at least 8×8"),
                "\(small.stderr)")
        #expect(!small.stderr.contains("imageTooSmall"), "\(small.stderr)")
    }

    @Test("--version with anything after it says so, rather than calling --version unknown")
    func versionWithMore() throws {
        let more = try CLIRunner.run(["--version", "--json"])
        #expect(more.status == 2 && more.stdout.isEmpty)
        #expect(more.stderr.hasPrefix("variant: error: --version takes nothing else") && !more.stderr.contains("Unknown option '--version'"),
                "\(more.stderr)")
        // url build's own --version (an asset's version) is untouched.
        let url = try CLIRunner.run(["url", "build", "a/b", "--cloud-name", "demo", "--version", "3"])
        #expect(url.status == 0 && url.stdout == "https://res.cloudinary.com/demo/image/upload/v3/a/b\n", "\(url.stdout) \(url.stderr)")
    }

    @Test("options out of range are usage errors that name the option, found before any decode", arguments: [
        (["breakpoints", "IMAGE", "--min-width", "0"], "for --min-width but received 0"),
        (["breakpoints", "IMAGE", "--bytes-step", "0"], "for --bytes-step but received 0"),
        (["breakpoints", "IMAGE", "--max-images", "1"], "Expected 3 to 200 for --max-images (Cloudinary's range) but received 1"),
        (["breakpoints", "IMAGE", "--min-width", "900", "--max-width", "100"], "--min-width 900 is wider than --max-width 100"),
        (["breakpoints", "IMAGE", "--url", "https://x/a.jpg"], "--url needs {w}"),
        (["info", "IMAGE", "--max-pixels=-5"], "for --max-pixels but received -5"),
        (["render", "IMAGE", "c_scale,w_10", "-o", "/tmp/never-written.jpg", "--max-pixels=0"], "for --max-pixels but received 0"),
        // A negative value as its own word is the option's value, not taken for another option.
        (["plan", "IMAGE", "--jobs", "-1"], "for --jobs but received -1"),
        (["crop", "IMAGE", "--aspect", "1:1", "--timeout", "-1"], "for --timeout but received -1.0"),
        (["info", "IMAGE", "--max-pixels", "-5"], "for --max-pixels but received -5"),
        (["optimize", "IMAGE", "--level", "best", "--target", "80"], "--level best and --target both set the score to reach"),
        (["crop", "IMAGE", "--aspect", "-1:2"], "for --aspect but received '-1:2'"),
        (["crop", "IMAGE", "--aspect", "1000000:1"], "(positive numbers of at most 6 digits, 12 after the point; a long decimal near a ratio of numbers up to 10000) for --aspect but received '1000000:1'"),
        (["optimize", "IMAGE", "--avif-effort", "10"], "Expected an AVIF effort from 0 to 9 for --avif-effort but received 10"),
        (["plan", "IMAGE", "--avif-effort", "-1"], "Expected an AVIF effort from 0 to 9 for --avif-effort but received -1"),
        (["render", "IMAGE", "f_avif", "-o", "/tmp/never-written.jpg", "--avif-effort", "x"], "--avif-effort"),
    ])
    func optionRanges(_ arguments: [String], _ message: String) throws {
        // A file that is not an image: a decode would fail with another message.
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("not-an-image.jpg")
        try Data("text".utf8).write(to: image)
        let result = try CLIRunner.run(arguments.map { $0 == "IMAGE" ? image.path : $0 })
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.jpg"))
    }

    /// Every command and subcommand with its own help.
    static let commands = [
        "info", "render", "geometry", "compare", "optimize", "breakpoints", "validate", "url", "url build",
        "url parse", "plan", "plan run", "plan merge", "analyze", "crop",
    ]

    /// Every line of every help fits 80 columns, the USAGE line included (the parser does not
    /// wrap it: optimize's ran to 221 columns), and the USAGE line still shows each argument
    /// the ARGUMENTS section lists.
    @Test("every help line, USAGE included, fits 80 columns and the usage names the arguments", arguments: [""] + commands)
    func helpFitsEightyColumns(_ command: String) throws {
        let result = try CLIRunner.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in lines { #expect(line.count <= 80, "\(command): \(line.count) columns: \(line)") }
        let usage = try #require(lines.first { $0.hasPrefix("USAGE: ") }, "\(command): no USAGE line")
        #expect(usage.hasPrefix("USAGE: variant \(command)".trimmingCharacters(in: .whitespaces)), "\(usage)")
        var inArguments = false
        for line in lines {
            if line == "ARGUMENTS:" { inArguments = true; continue }
            if line.isEmpty || !line.hasPrefix(" ") { inArguments = false }
            guard inArguments, line.hasPrefix("  <") else { continue }
            let argument = String(line.dropFirst(2).prefix { $0 != " " })
            #expect(usage.contains(argument), "\(command): \(argument) is not in \(usage)")
        }
    }

    /// The argument parser wraps help at 80 columns; a paragraph broken by hand at another width
    /// leaves a short line in the middle of it (a long line, a short one, then more of the same
    /// paragraph).
    @Test("every command's help flows its paragraphs", arguments: commands)
    func helpFlows(_ command: String) throws {
        let result = try CLIRunner.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count > 5)
        for i in 0..<max(0, lines.count - 2) {
            let ragged = lines[i].count >= 70 && !lines[i + 1].isEmpty && lines[i + 1].count < 40
                && !lines[i + 2].isEmpty && !lines[i + 2].hasPrefix(" ") && !lines[i + 1].hasPrefix(" ")
            #expect(!ragged, "\(command): \(lines[i + 1]) | \(lines[i + 2])")
        }
    }

    /// An option's help says each thing once (optimize --level listed its values twice), with
    /// "an" before SSIMULACRA2, and crop's options name the forms and range they take.
    @Test("option help: values once, an SSIMULACRA2, crop's 4x5 form and zoom range")
    func optionHelpWording() throws {
        func words(_ arguments: [String]) throws -> String {
            try CLIRunner.run(arguments + ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let optimize = try words(["optimize"])
        let start = try #require(optimize.range(of: "--level <level> ")), end = try #require(optimize.range(of: " --target <target> "))
        let level = optimize[start.upperBound..<end.lowerBound]
        #expect(level.components(separatedBy: "eco").count == 2, "--level: \(level)")
        #expect(level.contains("(values: best, good, eco, low)") && level.contains("default: good"), "--level: \(level)")
        #expect(optimize.contains("--target <target> An SSIMULACRA2 target"), "\(optimize)")
        for command in ["optimize", "breakpoints", "compare", "render", "plan run", "analyze", "crop"] {
            let help = try words(command.split(separator: " ").map(String.init))
            #expect(!help.contains("A SSIMULACRA2") && !help.contains("a SSIMULACRA2"), "\(command)")
        }
        let crop = try words(["crop"])
        #expect(crop.contains("--aspect <W:H> Aspect ratio W:H, WxH or W/H (16:9, 4x5)"), "\(crop)")
        #expect(crop.contains("--zoom <zoom> Zoom in, from 1 to 100:"), "\(crop)")
        let zoom = try CLIRunner.run(["crop", "x.jpg", "--zoom", "101"])
        #expect(zoom.status == 2 && zoom.stderr.contains("between 1 and 100 for --zoom"), "\(zoom.stderr)")
    }

    /// Indented lines (examples, JSON shapes, the parameter table) must fit as written: the parser
    /// wraps a longer one back to the first column, which breaks a command someone copies. A line
    /// was wrapped when the next line's first word would not have fitted after it.
    @Test("no example or table line in any help is wrapped", arguments: commands)
    func helpKeepsIndentedLines(_ command: String) throws {
        let result = try CLIRunner.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (line, next) in zip(lines, lines.dropFirst()) where line.hasPrefix("  ") && !next.isEmpty && !next.hasPrefix(" ") {
            let firstWord = next.prefix { $0 != " " }
            #expect(line.count + 1 + firstWord.count <= 80, "\(command): \(line) | \(next)")
        }
    }
}
