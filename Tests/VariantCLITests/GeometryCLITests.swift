import Foundation
import Testing

/// End-to-end: `variant geometry` as a user runs it; the JSON field names are a contract.
@Suite struct GeometryCLITests {
    @Test func jsonContract() throws {
        let result = try CLIRunner.run(["geometry", "--source", "1280x853", "c_fill,w_250,h_250", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["output"] as? [Int] == [250, 250])
        #expect(json["crop"] as? [Int] == [213, 0, 853, 853])
        #expect(json["pad"] is NSNull)
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count == 1)
        #expect(steps[0]["window"] as? [Int] == [213, 0, 853, 853])
        #expect(steps[0]["resize"] as? [Int] == [250, 250])
        #expect(steps[0]["canvas"] as? [Int] == [250, 250])
        #expect(steps[0]["padding"] as? [Int] == [0, 0, 0, 0])
    }

    /// A size the geometry cannot use was one line naming a component; it now shows the string
    /// with a caret under the parameter, as validation problems are shown, in geometry and
    /// render alike (after a multi-byte character too: the caret counts characters).
    @Test func geometryErrorsPointAtTheParameter() throws {
        // (w_0, which validation now refuses itself, was the example; an expression that gives
        // a negative width here passes validation and fails in the geometry.)
        let geometry = try CLIRunner.run(["geometry", "--source", "800x600", "c_scale,w_iw_sub_900"])
        #expect(geometry.status == 1)
        #expect(geometry.stderr == """
            variant: error[invalid-value]: component 0: Expected a positive size (the expression gives -100 here) for w but received 'iw_sub_900'
              c_scale,w_iw_sub_900
                      ^~~~~~~~~~~~

            """, "\(geometry.stderr)")
        // An invalid string is told as render tells it, after "variant: " (found in QA: geometry
        // and url build wrote "error[…]" bare, the other commands "variant: error[…]").
        for command in [["geometry", "--source", "800x600", "c_fil"], ["url", "build", "x", "--cloud-name", "demo", "--transformation", "c_fil"]] {
            let invalid = try CLIRunner.run(command)
            #expect(invalid.status == 1 && invalid.stderr.hasPrefix("variant: error[unknown-value]: unknown crop mode 'fil'"), "\(invalid.stderr)")
        }
        let image = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("caret-\(UUID().uuidString).jpg").path
        let render = try CLIRunner.run(["render", image, "l_text:Arial_20:Grüße/fl_layer_apply/c_crop,w_ow", "-o", out])
        #expect(render.status == 1)
        let lines = render.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("variant: error[invalid-value]: component 2: Expected pixels") == true, "\(render.stderr)")
        #expect(lines.dropFirst().first == "  l_text:Arial_20:Grüße/fl_layer_apply/c_crop,w_ow", "\(render.stderr)")
        #expect(lines.dropFirst(2).first == String(repeating: " ", count: 2 + 44) + "^~~~", "\(render.stderr)")
        #expect(lines.last == "variant: error: \(image): invalid transformation", "\(render.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A value starting with '-' is the option's value, refused by its own rule (the parser
    /// took it for an option and said the value was missing).
    @Test func negativeSizesAreTheOptionsValues() throws {
        let source = try CLIRunner.run(["geometry", "--source", "-5x10", "w_100"])
        #expect(source.status == 2)
        #expect(source.stderr.contains("Expected --source WxH with positive whole numbers under 2147483648 (e.g. 1280x853) but received '-5x10'"),
                "\(source.stderr)")
        // Found in review: a side past Int32 was exit 1, as if the transformation were invalid.
        let huge = try CLIRunner.run(["geometry", "--source", "3000000000x10", "w_10"])
        #expect(huge.status == 2 && huge.stderr.contains("received '3000000000x10'"), "\(huge.stderr)")
        // Found in QA: a trailing separator or a plus sign passed as 10x10.
        for junk in ["10x10x", "+10x10", "10xx10", "x10x10"] {
            let refused = try CLIRunner.run(["geometry", "--source", junk, "w_5"])
            #expect(refused.status == 2 && refused.stderr.contains("received '\(junk)'"), "\(junk): \(refused.stderr)")
        }
        let faces = try CLIRunner.run(["geometry", "--source", "800x600", "--faces", "-1,-2,300,400", "w_100"])
        #expect(faces.status == 2)
        #expect(faces.stderr.contains("received '-1,-2,300,400'"), "\(faces.stderr)")
        // Found in QA: "variant: error: --faces/--custom: …" named both options, without the
        // usage lines the other bad values get (crop and analyze said "Error: --faces: …").
        let image = CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path
        for command in [["geometry", "--source", "800x600", "w_100"], ["render", image, "w_10", "-o", "/tmp/never-written.jpg"]] {
            for option in ["--faces", "--custom"] {
                let bad = try CLIRunner.run(command + [option, "1,2,3"])
                #expect(bad.status == 2 && bad.stderr.hasPrefix("Error: \(option): ") && bad.stderr.contains("Usage: variant"), "\(bad.stderr)")
            }
        }
        let spaced = try CLIRunner.run(["breakpoints", image, "--url", "a {w} b"])
        #expect(spaced.status == 2 && spaced.stderr.contains("--url may hold no spaces"), "\(spaced.stderr)")
        let format = try CLIRunner.run(["breakpoints", image, "--format", "tiff"])
        #expect(format.status == 2 && format.stderr.hasPrefix("Error: Expected jpeg, webp, avif, png or gif for --format but received 'tiff'")
                && format.stderr.contains("Usage: variant"), "\(format.stderr)")
    }

    @Test func padIsLeftTopRightBottom() throws {
        let result = try CLIRunner.run([
            "geometry", "--source", "1280x853", "b_brown,c_pad,h_250,w_250", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["output"] as? [Int] == [250, 250])
        #expect(json["crop"] as? [Int] == [0, 0, 1280, 853])
        #expect(json["pad"] as? [Int] == [0, 41, 0, 42])
    }

    @Test func autoGravityHasNullCrop() throws {
        let result = try CLIRunner.run([
            "geometry", "--source", "1280x853", "c_fill,g_auto,w_800,h_450", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["output"] as? [Int] == [800, 450])
        #expect(json["crop"] is NSNull)
        #expect(json["resolved"] as? Bool == false)
    }

    @Test func facesAndCustomFeedTheirGravities() throws {
        let faces = try CLIRunner.run([
            "geometry", "--source", "1280x853", "c_thumb,g_face,w_150,h_150",
            "--faces", "600,300,100,100", "--json",
        ])
        // The face and 40 px of headroom all round.
        #expect(try faces.json()["crop"] as? [Int] == [560, 260, 180, 180])
        let custom = try CLIRunner.run([
            "geometry", "--source", "640x427", "c_crop,g_custom",
            "--custom", "50,60,200,100;0,0,10,10", "--json",
        ])
        #expect(try custom.json()["output"] as? [Int] == [200, 100])
        #expect(try custom.json()["crop"] as? [Int] == [50, 60, 200, 100])
        // Without boxes, g_face falls back to north.
        let fallback = try CLIRunner.run([
            "geometry", "--source", "1280x853", "c_thumb,g_face,w_150,h_150", "--json",
        ])
        #expect(try fallback.json()["crop"] as? [Int] == [213, 0, 853, 853])
    }

    @Test func orientationSwapsTheSourceSides() throws {
        let result = try CLIRunner.run([
            "geometry", "--source", "4000x3000", "--orientation", "6", "c_scale,w_300", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["output"] as? [Int] == [300, 400])
        #expect(json["crop"] as? [Int] == [0, 0, 3000, 4000])
    }

    @Test func invalidTransformationExitsOneWithDiagnostics() throws {
        let result = try CLIRunner.run(["geometry", "--source", "1280x853", "c_fil,w_250", "--json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("c_fill"))
    }

    @Test(arguments: [
        ["geometry", "--source", "1280", "c_fill,w_250"],
        ["geometry", "--source", "0x10", "c_fill,w_250"],
        ["geometry", "c_fill,w_250"],
        ["geometry", "--source", "1280x853", "c_fill,w_250", "--faces", "1,2,3"],
        ["geometry", "--source", "1280x853", "c_fill,w_250", "--orientation", "9"],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
    }

    @Test func humanOutputAndHelp() throws {
        let result = try CLIRunner.run(["geometry", "--source", "1280x853", "c_fill,w_250,h_250"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("250x250"))
        #expect(result.stdout.contains("853x853 at (213, 0)"))
        let help = try CLIRunner.run(["geometry", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--faces"))
        #expect(help.stdout.contains("Examples"))
    }
}
