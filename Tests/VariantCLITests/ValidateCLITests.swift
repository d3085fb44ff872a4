import Foundation
import Testing

/// End-to-end: `variant validate` as a user runs it; the JSON field names are a contract.
@Suite struct ValidateCLITests {
    @Test func jsonContractForAnInvalidString() throws {
        let result = try CLIRunner.run(["validate", "--json", "c_fil,w_300"])
        #expect(result.status == 1)
        let json = try result.json()
        #expect(json["input"] as? String == "c_fil,w_300")
        #expect(json["valid"] as? Bool == false)
        #expect(json["canonical"] is NSNull)
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        let d = diagnostics[0]
        #expect(d["severity"] as? String == "error")
        #expect(d["code"] as? String == "unknown-value")
        #expect(d["component"] as? Int == 0)
        #expect(d["offset"] as? Int == 2)
        #expect(d["length"] as? Int == 3)
        #expect(d["suggestion"] as? String == "c_fill")
        #expect((d["message"] as? String)?.isEmpty == false)
    }

    @Test func validStringsPrintTheirCanonicalForm() throws {
        let result = try CLIRunner.run(["validate", "--json", "w_800,c_fill,g_auto,h_450/q_auto"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["valid"] as? Bool == true)
        #expect(json["canonical"] as? String == "c_fill,g_auto,h_450,w_800/q_auto")
        #expect((json["diagnostics"] as? [Any])?.isEmpty == true)
    }

    @Test func stdinOneObjectPerLine() throws {
        let result = try CLIRunner.run(
            ["validate", "--json"], stdin: "w_100,c_scale\n\nq_0\nf_auto,q_auto\n")
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects[0]?["canonical"] as? String == "c_scale,w_100")
        #expect(objects[1]?["valid"] as? Bool == false)
        #expect(objects[2]?["valid"] as? Bool == true)
        let warning = (objects[2]?["diagnostics"] as? [[String: Any]])?.first
        #expect(warning?["severity"] as? String == "warning")
        #expect(warning?["suggestion"] is NSNull)
    }

    @Test("Windows line endings on stdin separate inputs; one input from stdin is still JSON Lines")
    func stdinCRLF() throws {
        let result = try CLIRunner.run(["validate", "--json"], stdin: "w_100\r\nc_fill,w_200\r\n")
        #expect(result.status == 0, "\(result.stdout)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first.map { $0.hasPrefix("{\"") && $0.hasSuffix("}") } == true)
        let single = try CLIRunner.run(["validate", "--json"], stdin: "w_100\n")
        #expect(single.stdout.split(separator: "\n").count == 1, "\(single.stdout)")
    }

    @Test("stdin that is a directory is an I/O error, not a trap")
    func stdinDirectory() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLIRunner.run(["-c", "exec \"$0\" validate < \"$1\"", CLIRunner.executable.path, dir.path],
                                       shell: true)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("stdin: cannot read: Is a directory"), "\(result.stderr)")
    }

    @Test("a long string with thousands of problems prints a bounded report (it printed 3.6 GB)")
    func longInputsPrintBoundedReports() throws {
        let long = String(repeating: "w_100,", count: 20_000) + "zz_1"
        for arguments in [["validate", long], ["geometry", "--source", "100x100", long],
                          ["render", CLIRunner.packageRoot.appendingPathComponent("TestImages/people-astronaut.jpg").path, long, "-o", "/tmp/never-written.jpg"]] {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 1, "\(arguments[0])")
            let printed = result.stdout.utf8.count + result.stderr.utf8.count
            #expect(printed < 20_000, "\(arguments[0]) printed \(printed) bytes")
            #expect((result.stdout + result.stderr).contains("more diagnostics (--json lists them)"), "\(arguments[0])")
            #expect((result.stdout + result.stderr).contains("… and 19000 more problems, not listed (the first 1000 are)"),
                    "\(arguments[0])")
        }
        // One past the printed 20: "1 more diagnostic", in the singular.
        let one = try CLIRunner.run(["validate", String(repeating: "w_100,", count: 21) + "zz_1"])
        #expect(one.stdout.contains("… and 1 more diagnostic (--json lists them)"), "\(one.stdout)")
        // --json too is bounded: 1000 diagnostics and one that counts the rest (it listed
        // 1M diagnostics, 172 MB, for a 4 MB string).
        let json = try CLIRunner.run(["validate", "--json", long])
        #expect(json.stdoutData.count < 1_000_000, "\(json.stdoutData.count) bytes")
        let object = try json.json()
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1001)
        #expect(diagnostics.last?["code"] as? String == "more-diagnostics")
        // The caret still sits under the problem in the window shown.
        let result = try CLIRunner.run(["validate", String(repeating: "c_fill,w_300/", count: 100) + "w_300,c_fil"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let shown = try #require(lines.first { $0.hasPrefix("    …") })
        let caret = try #require(lines.first { $0.contains("^") })
        let column = caret.distance(from: caret.startIndex, to: caret.firstIndex(of: "^")!)
        #expect(Array(shown)[column...].starts(with: "fil"), "\(shown)\n\(caret)")
    }

    @Test func humanOutputHasACaretUnderTheOffendingText() throws {
        let result = try CLIRunner.run(["validate", "w_300,c_fil"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("did you mean c_fill?"))
        #expect(result.stdout.contains("    w_300,c_fil\n            ^~~"))
    }

    @Test func resourceTypeChecksApplicability() throws {
        let video = try CLIRunner.run(["validate", "--resource-type", "video", "--json", "vc_h264,so_2.5"])
        #expect(video.status == 0, "\(video.stdout)")
        let image = try CLIRunner.run(["validate", "--resource-type", "image", "--json", "vc_h264"])
        #expect(image.status == 1)
        #expect(image.stdout.contains("wrong-resource-type"))
        let bad = try CLIRunner.run(["validate", "--resource-type", "audio", "w_1"])
        #expect(bad.status == 2)
    }

    @Test func helpListsTheParameterTable() throws {
        let result = try CLIRunner.run(["validate", "--help"])
        #expect(result.status == 0)
        for needle in ["dpr", "fl_progressive:semi", "q_auto:eco", "$<name>"] {
            #expect(result.stdout.contains(needle))
        }
    }
}
