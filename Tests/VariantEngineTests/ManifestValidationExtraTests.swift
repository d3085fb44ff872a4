import CloudinaryTransform
import Foundation
import Testing
@testable import VariantEngine

/// The manifest problems a QA audit found: a second, placeless line after a fraction; type
/// errors reported one at a time and hiding value errors; locales and regions that make ids like
/// `x/a@a/b`; one public id delivering two pictures; YAML and JSON reading the same text apart.
@Suite("Planning: manifest validation (QA findings)")
struct ManifestValidationExtraTests {
    /// The issues of a manifest, or none when it is accepted.
    static func issues(_ text: String, yaml: Bool = false) -> [ManifestError.Issue] {
        do {
            _ = try CampaignManifest.parse(Data(text.utf8), file: yaml ? "m.yaml" : "m.json", yaml: yaml)
            return []
        } catch let error as ManifestError {
            return error.issues
        } catch {
            return [.init(path: "", code: "other", message: "\(error)")]
        }
    }

    /// A valid JSON manifest with `placement` as its one placement and `asset` as its one asset.
    static func json(placement: String = #"{"name": "sq", "aspectRatio": "1:1", "widths": [200], "formats": ["webp"]}"#,
                     asset: String = #"{"publicId": "x/a", "path": "a.jpg", "approval": "approved"}"#,
                     more: String = "") -> String {
        #"{"campaign": "c", "cloudName": "demo"\#(more), "placements": [\#(placement)], "assets": [\#(asset)]}"#
    }

    // MARK: 1. A fraction where a whole number belongs

    @Test("a fraction where a whole number belongs is one problem with its path, not also a placeless 'not valid JSON'",
          arguments: [
              (#"{"name": "sq", "aspectRatio": "1:1", "widths": [200.5]}"#, "placements[0].widths[0]", "for widths but received 200.5"),
              (#"{"name": "sq", "aspectRatio": "1:1", "widths": [200], "byteBudget": 1.5}"#, "placements[0].byteBudget",
               "for byteBudget but received 1.5"),
              (#"{"name": "sq", "aspectRatio": "1:1", "widths": [200], "minSourceWidth": 2.5}"#, "placements[0].minSourceWidth",
               "for minSourceWidth but received 2.5"),
              (#"{"name": "sq", "aspectRatio": "1:1", "breakpoints": {"minWidth": 100, "maxWidth": 400.5, "count": 3}}"#,
               "placements[0].breakpoints.maxWidth", "for maxWidth but received 400.5"),
          ])
    func fraction(placement: String, path: String, fragment: String) {
        for yaml in [false, true] {
            // JSON is YAML: the same text read as YAML must give the same single problem.
            let issues = Self.issues(Self.json(placement: placement), yaml: yaml)
            #expect(issues.map(\.path) == [path], "\(yaml ? "YAML" : "JSON"): \(issues)")
            #expect(issues.first?.code == "type-mismatch")
            #expect(issues.first?.message == "expected a whole number \(fragment)", "\(issues)")
        }
    }

    // MARK: 2. Every type error at once, with what was received, and the value errors beside them

    @Test("every type error is reported with its path and the type received, not only the first")
    func everyTypeError() {
        // /tmp/qa/p/m/case-wrong-types.json
        let text = Self.json(placement: #"{"name": "sq", "aspectRatio": "1:1", "widths": "200", "formats": ["webp"]}"#,
                             asset: #"{"publicId": "x/a", "path": "a.jpg", "approval": "approved", "tags": "a"}"#)
            .replacingOccurrences(of: #""campaign": "c""#, with: #""campaign": 5"#)
        let issues = Self.issues(text)
        #expect(issues.map(\.path) == ["campaign", "placements[0].widths", "assets[0].tags"], "\(issues)")
        #expect(issues.allSatisfy { $0.code == "type-mismatch" })
        #expect(issues.map(\.message) == ["expected a string but received a number",
                                          "expected a list of whole numbers but received a string",
                                          "expected a list of strings but received a string"])
    }

    /// Found in QA: a width of the wrong type stands in as 0, and a real 0 after it was called a
    /// repeat of it ("width 0 is already widths[0]", where widths[0] is "800").
    @Test("a value of the wrong type or out of range is not also a duplicate")
    func noPhantomDuplicates() {
        let issues = Self.issues(Self.json(placement: #"{"name": "sq", "aspectRatio": "1:1", "widths": ["800", 0, 0], "formats": [1, 2, "webp"]}"#))
        #expect(issues.map(\.path) == ["placements[0].widths[0]", "placements[0].formats[0]", "placements[0].formats[1]",
                                       "placements[0].widths[1]", "placements[0].widths[2]"], "\(issues)")
        #expect(!issues.contains { $0.code == "duplicate" }, "\(issues)")
        // A real repeat is still one.
        let repeated = Self.issues(Self.json(placement: #"{"name": "sq", "aspectRatio": "1:1", "widths": [800, 800], "formats": ["webp", "webp"]}"#))
        #expect(repeated.map(\.code) == ["duplicate", "duplicate"], "\(repeated)")
    }

    @Test("a type error does not hide the value errors of what did decode, nor add errors about what was set aside")
    func typeAndValueErrors() {
        // /tmp/qa/p/m/case-types+badvalue.json
        let text = Self.json(placement: #"{"name": "sq", "aspectRatio": "16-9", "widths": [200], "formats": ["webp"]}"#,
                             asset: #"{"publicId": "x/a", "path": "a.jpg", "approval": "approved", "tags": "a"}"#)
        let issues = Self.issues(text)
        #expect(Set(issues.map(\.path)) == ["assets[0].tags", "placements[0].aspectRatio"], "\(issues)")
        #expect(issues.first { $0.path == "placements[0].aspectRatio" }?.message.contains(#"received "16-9""#) == true)

        // A wrong list leaves the placement without widths: no "give either 'widths' or
        // 'breakpoints'" about it; a wrong item keeps the later items at their paths.
        let widths = Self.issues(Self.json(
            placement: #"{"name": "sq", "aspectRatio": "1:1", "widths": "200", "formats": [7, "jpg"], "upscale": "nevr"}"#,
            asset: #"{"path": "a.jpg", "approval": "approved", "overrides": [{"locale": 5, "text": {"text": "hi"}}, 3]}"#))
        #expect(Set(widths.map(\.path)) == ["placements[0].widths", "placements[0].formats[0]", "placements[0].formats[1]",
                                            "placements[0].upscale", "assets[0].publicId", "assets[0].overrides[0].locale",
                                            "assets[0].overrides[1]"], "\(widths)")
        #expect(widths.first { $0.path == "placements[0].formats[1]" }?.message.contains("did you mean 'jpeg'?") == true)
        #expect(widths.first { $0.path == "placements[0].upscale" }?.message.contains("did you mean 'never'?") == true)
        #expect(widths.first { $0.path == "assets[0].publicId" }?.message == "required key 'publicId' is missing")
        #expect(widths.first { $0.path == "assets[0].overrides[1]" }?.message == "expected a mapping but received a number")

        // A wrong value inside an override's text does not hide that the override names no locale.
        let overlay = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"text": {"text": "hi", "relativeSize": "big"}}]}"#))
        #expect(overlay.map(\.description) == ["assets[0].overrides[0].text.relativeSize: expected a number but received a string",
                                                "assets[0].overrides[0]: an override needs a 'locale', a 'region' or both"], "\(overlay)")

        // A font that would be read as syntax in l_text:<font>_<size>:…, or that ends or splits
        // the URL (`#` made the rest a fragment), is refused where it is written.
        for font in ["!Foo", "Foo$bar", "50%25", "A#b", "A?b", "A&b", "Ünï", "A<b", " Arial"] {
            let issues = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "hi", "font": "\#(font)"}}]}"#))
            #expect(issues.map(\.description) == ["assets[0].overrides[0].text.font: expected a font family of ASCII letters, digits, spaces, - and . (Arial, Times New Roman) for font but received \"\(font)\""],
                    "\(issues)")
        }
    }

    /// Hex colours were offered by the error message and then failed every variant at render
    /// time (`co_ff0000` is no colour Cloudinary knows); unknown names failed there too.
    @Test("overlay colours: names and hex forms accepted and written as Cloudinary reads them, others refused with their path")
    func overlayColours() {
        for (color, written) in [("white", "white"), ("ff0000", "rgb:ff0000"), ("#ff0000", "rgb:ff0000"), ("rgb:FF0000", "rgb:FF0000"),
                                 ("fff", "rgb:fff"), ("ff000080", "rgb:ff000080")] {
            let asset = #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "hi", "color": "\#(color)"}}]}"#
            #expect(Self.issues(Self.json(asset: asset)).isEmpty, "\(color)")
            let parts = TextOverlayComponents.components(TextOverlay(text: "hi", color: color), width: 400)
            #expect(parts[0].hasPrefix("co_\(written),l_text:"), "\(parts)")
            #expect(Transformation.parse(parts.joined(separator: "/")).isValid, "\(parts)")
        }
        for color in ["Red", "notacolor", "0", "ff00f", "#gg0000", "rgb:12345"] {
            let issues = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "hi", "color": "\#(color)"}}]}"#))
            #expect(issues.map(\.path) == ["assets[0].overrides[0].text.color"], "\(color): \(issues)")
            #expect(issues.first?.message.contains("a colour name (white, black, …) or 3, 4, 6 or 8 hex digits") == true, "\(issues)")
        }
        let red = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "hi", "color": "Red"}}]}"#))
        #expect(red.first?.message.hasSuffix("(colour names are lower case: red)") == true, "\(red)")
    }

    /// Found in QA: `:` was encoded and `~` kept, where the SDK does the opposite, so a planned
    /// layer's URL was not the SDK's for the same text. The fixtures are the SDK's own output
    /// (scripts/cloudinary-fixtures.py, the records noted "overlay-text").
    @Test("overlay text is escaped as the SDK escapes it")
    func overlayTextEscapedAsTheSDK() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CloudinaryTransformTests/Fixtures/sdk-transformations.jsonl")
        var compared = 0
        for line in try String(contentsOf: fixtures, encoding: .utf8).split(separator: "\n") where line.contains(#""note": "overlay-text""#) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let overlay = try #require((record["options"] as? [String: Any])?["overlay"] as? [String: Any])
            let text = try #require(overlay["text"] as? String)
            #expect("l_text:Arial_60:" + TextOverlayComponents.escape(text) == record["transformation"] as? String, "\(text)")
            compared += 1
        }
        #expect(compared >= 7)
    }

    /// A font with spaces went into the URL as it was: the srcset split at each space.
    @Test("a font family with spaces is written %20 in the layer, and the layer still reads back")
    func fontWithSpaces() throws {
        let parts = TextOverlayComponents.components(TextOverlay(text: "Hi", font: "Times New Roman"), width: 400)
        #expect(parts[0] == "co_white,l_text:Times%20New%20Roman_20:Hi", "\(parts)")
        #expect(!parts.joined().contains(" "))
        #expect(Transformation.parse(parts.joined(separator: "/")).isValid)
    }

    /// A NUL or an escape in overlay text went into every URL as %00 / %1B.
    @Test("control characters in overlay text are refused with their path; a line break is kept")
    func overlayControlCharacters() {
        let nul = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "a\u0000b"}}]}"#))
        #expect(nul.map(\.description) == ["assets[0].overrides[0].text.text: the overlay text holds the control character U+0000; only a line break (\\n) may be in it"],
                "\(nul)")
        let escape = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "a\u001bb"}}]}"#))
        #expect(escape.first?.message.contains("U+001B") == true, "\(escape)")
        #expect(Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "text": {"text": "two\nlines"}}]}"#)).isEmpty)
    }

    /// Found in QA: "2" was refused as not "W:H or a decimal", though `ar_2` is valid; a whole
    /// number stays refused (it may be a cut-off 16:9), and the message now says why and what to write.
    @Test("a whole-number aspect ratio is refused with the reason and the two ways to write it")
    func wholeNumberAspectRatio() {
        let issues = Self.issues(Self.json(placement: #"{"name": "sq", "aspectRatio": "2", "widths": [200], "formats": ["webp"]}"#))
        #expect(issues.first?.message.hasSuffix("(a whole number alone may be a cut-off W:H: write 2:1 or 2.0 for 2 to 1)") == true, "\(issues)")
        #expect(AspectRatio.wholeNumberHint("16:9").isEmpty && AspectRatio.wholeNumberHint("wide").isEmpty)
    }

    /// Found in QA: a NUL in an asset's path passed the manifest check; the asset was then
    /// "unreadable" and the NUL went raw into the report.
    @Test("a control character in an asset's or an override's path is refused with its path")
    func pathControlCharacters() {
        let nul = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a\u0000b.jpg"}"#))
        #expect(nul.map(\.description) == [#"assets[0].path: expected a file path without control or bidirectional characters for path but received "a\u{0}b.jpg""#],
                "\(nul)")
        // Found in a report QA pass: a right-to-left override disguises a name (`fig\u{202E}gpj.jpg`
        // shows as "figgpj.jpg" reversed), in a path and in a public id alike.
        let bidi = Self.issues(Self.json(asset: #"{"publicId": "x/\u202egnp.exe", "path": "fig\u202egpj.jpg"}"#))
        #expect(bidi.map(\.description) == [
            #"assets[0].publicId: expected a public id without control or bidirectional characters for publicId but received "x/\u{202e}gnp.exe""#,
            #"assets[0].path: expected a file path without control or bidirectional characters for path but received "fig\u{202e}gpj.jpg""#,
        ], "\(bidi)")
        let swapped = Self.issues(Self.json(asset: #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "de", "publicId": "x/b", "path": "b\u001b.jpg"}]}"#))
        #expect(swapped.map(\.path) == ["assets[0].overrides[0].path"], "\(swapped)")
    }

    @Test("the type received is named: a number, a string, a list, a mapping, true or false, null")
    func receivedTypes() {
        let cases: [(String, String)] = [
            ("5", "a number"), (#""x""#, "a string"), (#"["x"]"#, "a list"), (#"{"a": 1}"#, "a mapping"), ("true", "true or false"),
            ("null", "null"),
        ]
        for (value, kind) in cases where kind != "a string" {
            let issues = Self.issues(Self.json().replacingOccurrences(of: #""cloudName": "demo""#, with: #""cloudName": \#(value)"#))
            #expect(issues.map(\.description) == ["cloudName: expected a string but received \(kind)"], "\(issues)")
        }
        for (value, kind) in cases where kind != "true or false" {
            let issues = Self.issues(Self.json(more: #", "policy": {"requireApproved": \#(value)}"#))
            #expect(issues.map(\.description) == ["policy.requireApproved: expected true or false but received \(kind)"]
                        || kind == "null" && issues.isEmpty, "\(issues)")
        }
    }

    // MARK: 3. Locales and regions

    @Test("an override's locale and region are 1 to 35 letters, digits, - and _",
          arguments: ["a/b", "german!!", "<b>", "", "de DE", "de@DE", "é", String(repeating: "a", count: 36)])
    func badLocaleOrRegion(value: String) {
        for key in ["locale", "region"] {
            let asset = #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"KEY": "VALUE", "text": {"text": "hi"}}]}"#
                .replacingOccurrences(of: "KEY", with: key).replacingOccurrences(of: "VALUE", with: value)
            let issues = Self.issues(Self.json(asset: asset))
            #expect(issues.map(\.path) == ["assets[0].overrides[0].\(key)"], "\(issues)")
            #expect(issues.first?.message == ManifestError.expected("1 to 35 letters, digits, - and _ (e.g. de-DE, en_GB, EU)",
                                                                    for: key, received: "\"\(value)\""))
        }
    }

    @Test("de-DE, en_GB, EU, APAC and a 35-character tag are accepted")
    func goodLocaleOrRegion() {
        for (locale, region) in [("de-DE", "EU"), ("en_GB", "APAC"), ("zh-Hant-TW", "DE1"), (String(repeating: "a", count: 35), "x")] {
            let asset = #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"locale": "\#(locale)", "region": "\#(region)", "text": {"text": "hi"}}]}"#
            #expect(Self.issues(Self.json(asset: asset)).isEmpty, "\(locale) \(region)")
        }
    }

    // MARK: 4. One public id, one picture

    @Test("an override may not swap in a public id that another asset delivers from another file")
    func overridePublicIdOfAnotherAsset() {
        // /tmp/qa/p/m/case-ov-pid-conflict.json
        let assets = #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"region": "EU", "publicId": "x/b", "path": "a.jpg"}]}, "#
            + #"{"publicId": "x/b", "path": "logo.png"}"#
        let issues = Self.issues(Self.json(asset: assets))
        #expect(issues.map(\.path) == ["assets[0].overrides[0].publicId"] && issues.first?.code == "duplicate", "\(issues)")
        #expect(issues.first?.message.contains("'x/b' is already used by assets[1] with the file 'logo.png', not 'a.jpg'") == true,
                "\(issues)")
        // The same id and the same file are the same picture (written alike or not).
        let same = assets.replacingOccurrences(of: #""path": "a.jpg"}]"#, with: #""path": "./logo.png"}]"#)
        #expect(Self.issues(Self.json(asset: same)).isEmpty)
    }

    @Test("an override may not swap in its own asset's public id with another file")
    func overridePublicIdOfItsAsset() {
        // /tmp/qa/p/m/case-ov-pid-self.json
        let asset = #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"region": "EU", "publicId": "x/a", "path": "logo.png"}]}"#
        let issues = Self.issues(Self.json(asset: asset))
        #expect(issues.map(\.path) == ["assets[0].overrides[0].publicId"], "\(issues)")
        #expect(issues.first?.message.contains("'x/a' is already used by assets[0] with the file 'a.jpg', not 'logo.png'") == true)
        // With its own file: the base image under a region's approval, as the planner allows.
        let same = asset.replacingOccurrences(of: "logo.png", with: "a.jpg")
        #expect(Self.issues(Self.json(asset: same)).isEmpty)
    }

    @Test("two overrides may not swap in one public id from two files")
    func twoOverridesOnePublicId() {
        let assets = #"{"publicId": "x/a", "path": "a.jpg", "overrides": [{"region": "EU", "publicId": "x/eu", "path": "eu.jpg"}]}, "#
            + #"{"publicId": "x/b", "path": "b.jpg", "overrides": [{"region": "EU", "publicId": "x/eu", "path": "other.jpg"}]}"#
        let issues = Self.issues(Self.json(asset: assets))
        #expect(issues.map(\.path) == ["assets[1].overrides[0].publicId"], "\(issues)")
        #expect(issues.first?.message.contains("already used by assets[0].overrides[0] with the file 'eu.jpg'") == true)
        #expect(Self.issues(Self.json(asset: assets.replacingOccurrences(of: "other.jpg", with: "eu.jpg"))).isEmpty)
    }

    // MARK: 5. YAML and JSON agree

    static let yamlBase = """
        campaign: c
        cloudName: demo
        placements:
        - name: sq
          aspectRatio: '1:1'
          widths: [200]
          formats: [webp]
        assets:
        - publicId: x/a
          path: a.jpg
          approval: approved
        """

    @Test("a null campaign is refused in both formats", arguments: ["~", "null", ""])
    func nullCampaign(value: String) {
        let yaml = Self.issues(Self.yamlBase.replacingOccurrences(of: "campaign: c", with: "campaign: \(value)"), yaml: true)
        let json = Self.issues(Self.json().replacingOccurrences(of: #""campaign": "c""#, with: #""campaign": null"#))
        #expect(yaml.map(\.description) == ["campaign: expected a string but received null"], "\(yaml)")
        #expect(json.map(\.description) == yaml.map(\.description))
    }

    @Test("an aspect ratio written as a number is refused in both formats; quoted, or as W:H, it is read in both")
    func numericAspectRatio() throws {
        let yaml = Self.issues(Self.yamlBase.replacingOccurrences(of: "aspectRatio: '1:1'", with: "aspectRatio: 1.5"), yaml: true)
        let json = Self.issues(Self.json(placement: #"{"name": "sq", "aspectRatio": 1.5, "widths": [200]}"#))
        #expect(json.map(\.path) == ["placements[0].aspectRatio"] && json.first?.code == "type-mismatch", "\(json)")
        #expect(yaml.map(\.path) == json.map(\.path) && yaml.first?.code == "type-mismatch", "\(yaml)")
        #expect(yaml.first?.message.hasPrefix("expected a string but received a number; quote it") == true, "\(yaml)")
        // YAML 1.1 reads an unquoted 16:9 as the base-60 number 969; the manifest means the ratio.
        for written in ["'1.5'", "16:9", "\"4:5\""] {
            let text = Self.yamlBase.replacingOccurrences(of: "aspectRatio: '1:1'", with: "aspectRatio: \(written)")
            let manifest = try CampaignManifest.parse(Data(text.utf8), file: "m.yaml", yaml: true)
            #expect(manifest.placements[0].aspectRatio == written.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")))
        }
    }

    /// Chosen: accepted in both. JSON has one kind of number, and 2e2 and 200.0 already read as
    /// 200 in a JSON manifest; a fraction is refused in both.
    @Test("a whole number written with an exponent or a .0 is accepted in both formats", arguments: ["2e2", "200.0", "2.0e2"])
    func wholeNumberWithExponent(written: String) throws {
        let yaml = try CampaignManifest.parse(Data(Self.yamlBase.replacingOccurrences(of: "widths: [200]", with: "widths: [\(written)]").utf8),
                                              file: "m.yaml", yaml: true)
        let json = try CampaignManifest.parse(Data(Self.json(placement: #"{"name": "sq", "aspectRatio": "1:1", "widths": [\#(written)], "formats": ["webp"]}"#).utf8),
                                              file: "m.json", yaml: false)
        #expect(yaml.placements[0].widths == [200] && json.placements[0].widths == [200])
        #expect(yaml == json)
    }

    @Test("YAML values are typed as YAML types them, as JSON's are: an unquoted yes or 0x1F is not a string")
    func yamlScalarTypes() throws {
        let bool = Self.issues(Self.yamlBase.replacingOccurrences(of: "campaign: c", with: "campaign: yes"), yaml: true)
        #expect(bool.map(\.path) == ["campaign"] && bool.first?.message.hasPrefix("expected a string but received true or false") == true,
                "\(bool)")
        let number = Self.issues(Self.yamlBase.replacingOccurrences(of: "publicId: x/a", with: "publicId: 0x1F"), yaml: true)
        #expect(number.map(\.path) == ["assets[0].publicId"], "\(number)")
        let string = Self.issues(Self.yamlBase.replacingOccurrences(of: "widths: [200]", with: "widths: [!!str 200]"), yaml: true)
        #expect(string.map(\.description) == ["placements[0].widths[0]: expected a whole number but received a string"], "\(string)")
        // Quoted, or forms JSON has no number for, they are strings; an unquoted date stays the date.
        let quoted = Self.yamlBase.replacingOccurrences(of: "campaign: c", with: "campaign: 'yes'\npolicy: {asOf: 2026-05-01}")
        let manifest = try CampaignManifest.parse(Data(quoted.utf8), file: "m.yaml", yaml: true)
        #expect(manifest.campaign == "yes" && manifest.policy?.asOf == "2026-05-01")
        let huge = Self.issues(Self.yamlBase.replacingOccurrences(of: "widths: [200]", with: "widths: [99999999999999999999, .inf]"),
                               yaml: true)
        #expect(huge.map(\.path) == ["placements[0].widths[0]", "placements[0].widths[1]"]
                    && huge.allSatisfy { $0.message.hasSuffix("is too large for any field") }, "\(huge)")
    }

    // MARK: The type table

    @Test("the type table names exactly each mapping's known keys")
    func typeTableMatchesKnownKeys() {
        func keys(_ type: ManifestType) -> [String] {
            if case .mapping(let fields) = type { return fields.map(\.key) }
            return []
        }
        #expect(keys(ManifestTypeChecker.manifest) == CampaignManifest.knownKeys)
        #expect(keys(ManifestTypeChecker.policy) == CampaignPolicy.knownKeys)
        #expect(keys(ManifestTypeChecker.cloudinaryKeys) == CloudinaryPolicyKeys.knownKeys)
        #expect(keys(ManifestTypeChecker.placement) == Placement.knownKeys)
        #expect(keys(ManifestTypeChecker.breakpoints) == BreakpointRange.knownKeys)
        #expect(keys(ManifestTypeChecker.asset) == CampaignAsset.knownKeys)
        #expect(keys(ManifestTypeChecker.override) == AssetOverride.knownKeys)
        #expect(keys(ManifestTypeChecker.text) == TextOverlay.knownKeys)
    }

    @Test("a JSON syntax error says the line and column; a bare value says a manifest is an object")
    func syntaxPlace() {
        let broken = "{\"campaign\": \"c\",\n \"cloudName\": \"demo\",\n \"placements\": [ x ]\n}\n"
        let message = Self.issues(broken).first?.message ?? ""
        #expect(message == "not valid JSON: expected a value (a string in double quotes, a number, true, false, null, {…} or […]) "
                + "at line 3, column 18", "\(message)")
        #expect(Self.issues(broken).first?.path == "placements[0]")
        let bare = Self.issues("null").first?.message ?? ""
        #expect(bare.contains("a manifest is one JSON object"), "\(bare)")
    }

    @Test("stored face boxes beyond 2^31 are refused (near 2^62 they stopped the planner with an overflow)")
    func hugeStoredFaces() {
        let text = #"{"campaign": "c", "cloudName": "demo", "placements": [{"name": "sq", "aspectRatio": "1:1", "widths": [200], "formats": ["webp"]}], "assets": [{"publicId": "x/a", "path": "a.jpg", "cloudinary": {"public_id": "x/a", "coordinates": {"faces": [[4611686018427387904, 0, 4611686018427387904, 10]]}}}]}"#
        let issues = Self.issues(text)
        #expect(issues.contains { $0.path == "assets[0].cloudinary.coordinates.faces[0]" && $0.message.contains("under 2^31") }, "\(issues)")
    }
}
