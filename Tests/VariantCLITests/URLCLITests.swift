import Foundation
import Testing

/// End-to-end: `variant url parse|build` as a user runs them; the JSON field names are a contract.
@Suite struct URLCLITests {
    @Test("build refuses a type, resource type or format that is not one path segment, and a long sha1 signature")
    func buildRefusesOtherURLs() throws {
        for (arguments, message) in [
            (["--type", "weird/type"], #"the type "weird/type" may hold only letters, digits, '-' and '_'"#),
            (["--format", "jp/g"], #"the format "jp/g" may hold only letters, digits, '-' and '_'"#),
            (["--type", "../upload"], #"the type "../upload""#),
            (["--api-secret", "s", "--sign", "--long-signature", "--signature-algorithm", "sha1"], "--long-signature is a SHA-256 signature"),
        ] {
            let result = try CLIRunner.run(["url", "build", "a", "--cloud-name", "demo"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let fine = try CLIRunner.run(["url", "build", "a", "--cloud-name", "demo", "--type", "private", "--format", "webp"])
        #expect(fine.stdout == "https://res.cloudinary.com/demo/image/private/a.webp\n", "\(fine.stdout) \(fine.stderr)")
    }

    @Test func parseJSONContract() throws {
        let url = "https://res.cloudinary.com/demo/image/upload/s----SjmNDA--/c_fill,w_300/v1/folder/dog.jpg"
        let result = try CLIRunner.run(["url", "parse", url, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["cloudName"] as? String == "demo")
        #expect(json["resourceType"] as? String == "image")
        #expect(json["type"] as? String == "upload")
        #expect(json["signature"] as? String == "s----SjmNDA--")
        #expect(json["transformation"] as? String == "c_fill,w_300")
        #expect(json["version"] as? String == "1")
        #expect(json["publicId"] as? String == "folder/dog")
        #expect(json["format"] as? String == "jpg")
        #expect(json["urlSuffix"] is NSNull)
    }

    @Test func parseNullWhereAbsent() throws {
        let result = try CLIRunner.run([
            "url", "parse", "https://demo-res.cloudinary.com/raw/upload/docs/a.pdf", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["cloudName"] as? String == "demo")
        #expect(json["format"] is NSNull)
        #expect(json["publicId"] as? String == "docs/a.pdf")
        for key in ["signature", "transformation", "version", "urlSuffix"] {
            #expect(json[key] is NSNull, "\(key)")
        }
    }

    @Test func parseRejectsWhatIsNotAURL() throws {
        let result = try CLIRunner.run(["url", "parse", "sample.jpg", "--json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test func buildSignsWithTheSecretFromTheEnvironment() throws {
        // As the Python SDK prints it: "image" + secret "b", with or without version, signs as s----SjmNDA--.
        let arguments = [
            "url", "build", "image", "--cloud-name", "test123", "--format", "jpg", "--insecure", "--sign",
        ]
        let plain = try CLIRunner.run(arguments, environment: ["CLOUDINARY_API_SECRET": "b"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == "http://res.cloudinary.com/test123/image/upload/s----SjmNDA--/image.jpg\n")
        let versioned = try CLIRunner.run(
            arguments + ["--version", "1234", "--api-secret", "b"], environment: ["CLOUDINARY_API_SECRET": ""]
        )
        #expect(
            versioned.stdout
                == "http://res.cloudinary.com/test123/image/upload/s----SjmNDA--/v1234/image.jpg\n")
    }

    @Test func buildLongAndSHA256Signatures() throws {
        let base = [
            "url", "build", "sample", "--cloud-name", "demo", "--transformation", "c_scale,w_100",
            "--api-secret", "secret", "--sign", "--json",
        ]
        let long = try CLIRunner.run(base + ["--long-signature"])
        #expect(long.status == 0, "\(long.stderr)")
        let signature = try #require(long.json()["signature"] as? String)
        #expect(signature.count == 37)
        let short = try CLIRunner.run(base + ["--signature-algorithm", "sha256"])
        #expect((try short.json()["signature"] as? String)?.count == 13)
        #expect(try short.json()["url"] as? String != nil)
        // The exact signatures the Cloudinary Python SDK gives (sdk-signatures.jsonl, lines 2 and 3):
        // a length alone would not tell SHA-256 from SHA-1.
        let sdk = ["url", "build", "sample", "--cloud-name", "demo", "--transformation", "c_fill,w_300", "--sign", "--insecure"]
        let sha256 = try CLIRunner.run(sdk + ["--api-secret", "a1b2c3d4e5", "--signature-algorithm", "sha256"])
        #expect(sha256.stdout == "http://res.cloudinary.com/demo/image/upload/s--39NwT6d7--/c_fill,w_300/sample\n", "\(sha256.stderr)")
        let longSDK = try CLIRunner.run(sdk + ["--api-secret", "abcd", "--long-signature"])
        #expect(longSDK.stdout == "http://res.cloudinary.com/demo/image/upload/s--XcyGl5-iaNycpwymAXm9U8umVrj9pXdb--/c_fill,w_300/sample\n",
                "\(longSDK.stderr)")
        // Round trip: the built URL parses and verifies with the same secret.
        let url = try #require(long.json()["url"] as? String)
        let verified = try CLIRunner.run(["url", "parse", url, "--json", "--api-secret", "secret"])
        #expect(try verified.json()["signatureValid"] as? Bool == true)
        let wrong = try CLIRunner.run(["url", "parse", url, "--json", "--api-secret", "nope"])
        #expect(wrong.status == 1)
    }

    @Test func buildRejectsAnInvalidTransformation() throws {
        let result = try CLIRunner.run([
            "url", "build", "sample", "--cloud-name", "demo", "--transformation", "c_fil,w_1",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("c_fill"))
        let usage = try CLIRunner.run(["url", "build", "sample", "--cloud-name", "demo", "--long-signature"])
        #expect(usage.status == 2)
        let noSecret = try CLIRunner.run(
            ["url", "build", "sample", "--cloud-name", "demo", "--sign"],
            environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": ""])
        #expect(noSecret.status == 2)
        // A malformed CLOUDINARY_URL is named (without echoing it: it would hold the secret).
        let garbage = try CLIRunner.run(
            ["url", "build", "sample", "--sign"],
            environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_CLOUD_NAME": "", "CLOUDINARY_URL": "garbage-s3cret"])
        #expect(garbage.status == 2)
        #expect(garbage.stderr.contains("CLOUDINARY_URL is set but is not of the form"), "\(garbage.stderr)")
        #expect(!garbage.stderr.contains("s3cret"))
        // The secret of CLOUDINARY_URL as written, as the Python SDK signs with it:
        // cloudinary_url('sample', cloud_name='demo', sign_url=True, api_secret='ab%2Fcd', secure=True).
        let encoded = try CLIRunner.run(
            ["url", "build", "sample", "--sign"],
            environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_CLOUD_NAME": "", "CLOUDINARY_URL": "cloudinary://123:ab%2Fcd@demo"])
        #expect(encoded.stdout == "https://res.cloudinary.com/demo/image/upload/s--YHlazo7f--/sample\n", "\(encoded.stderr)")
    }

    /// The help said an API secret in the environment made "signatureValid" appear; it takes
    /// --verify (or --api-secret), and the help says so now.
    @Test func parseChecksTheSignatureOnlyWhenAsked() throws {
        // Signed with the secret "b" (see buildSignsWithTheSecretFromTheEnvironment).
        let url = "http://res.cloudinary.com/test123/image/upload/s----SjmNDA--/image.jpg"
        let quiet = try CLIRunner.run(["url", "parse", url, "--json"], environment: ["CLOUDINARY_API_SECRET": "b"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(try quiet.json()["signatureValid"] == nil)
        let verified = try CLIRunner.run(["url", "parse", url, "--json", "--verify"], environment: ["CLOUDINARY_API_SECRET": "b"])
        #expect(try verified.json()["signatureValid"] as? Bool == true)
        let wrong = try CLIRunner.run(["url", "parse", url, "--json", "--verify"], environment: ["CLOUDINARY_API_SECRET": "c"])
        #expect(wrong.status == 1)
        #expect(try wrong.json()["signatureValid"] as? Bool == false)
        let help = try CLIRunner.run(["url", "parse", "--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("with --api-secret SECRET, or with --verify and the secret of CLOUDINARY_API_SECRET (else CLOUDINARY_URL)"),
                "\(help.stdout)")
        #expect(words.contains("A secret in the environment without --verify checks nothing"), "\(help.stdout)")
    }

    @Test func parseValidatesTheTransformationForItsResourceType() throws {
        let video = "https://res.cloudinary.com/demo/video/upload/vc_h264,w_640,c_scale/clip.mp4"
        let ok = try CLIRunner.run(["url", "parse", video, "--validate", "--json"])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(try ok.json()["transformationValid"] as? Bool == true)
        let image = "https://res.cloudinary.com/demo/image/upload/vc_h264,w_640,c_scale/dog.jpg"
        let bad = try CLIRunner.run(["url", "parse", image, "--validate", "--json"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("wrong-resource-type"))
    }

    /// Found in review: `--version v` and `--version ''` were ignored (a folder id then got v1),
    /// and an argument that is not UTF-8 was signed as the text with U+FFFD in its place.
    @Test func aVersionWithoutDigitsAndAnArgumentNotUTF8AreRefused() throws {
        for version in ["v", ""] {
            let result = try CLIRunner.run(["url", "build", "f/sample", "--cloud-name", "demo", "--version", version])
            #expect(result.status == 2 && result.stdout.isEmpty, "\(version): \(result.stderr)")
            #expect(result.stderr.contains("Expected digits for --version but received '\(version)'"), "\(result.stderr)")
        }
        let line = "'\(CLIRunner.executable.path)' url build \"$(printf 'a\\377b')\" --cloud-name demo"
        let result = try CLIRunner.run(["-c", line], shell: true, bash: true)
        #expect(result.status == 2 && result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr == "variant: error: argument 3 is not UTF-8 text (a file name or a value in another encoding?)\n",
                "\(result.stderr)")
    }

    /// Found in the diff review: `url build` signed with the secret of another cloud's
    /// CLOUDINARY_URL (plan refused it), a CLOUDINARY_URL read from a file with its line break was
    /// "not of the form", and `v2/hero` was built without a word about how it reads.
    @Test func secretsOfAnotherCloudAndIdsThatReadAsAVersion() throws {
        let other = try CLIRunner.run(["url", "build", "f/x", "--cloud-name", "demo", "--sign"],
                                      environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://k:other@staging"])
        #expect(other.status == 2 && other.stdout.isEmpty)
        #expect(other.stderr.contains("CLOUDINARY_URL holds the secret of the cloud 'staging', but the URL is for 'demo'"), "\(other.stderr)")
        #expect(!other.stderr.contains("other"))
        let sameInOtherCase = try CLIRunner.run(["url", "build", "f/x", "--cloud-name", "demo", "--sign"],
                                                environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://k:s@Demo"])
        #expect(sameInOtherCase.status == 0, "\(sameInOtherCase.stderr)")
        let newline = try CLIRunner.run(["url", "build", "f/x", "--sign"],
                                        environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_CLOUD_NAME": "", "CLOUDINARY_URL": "cloudinary://k:s@demo\n"])
        #expect(newline.status == 0 && newline.stderr.isEmpty, "\(newline.stderr)")
        #expect(newline.stdout == "https://res.cloudinary.com/demo/image/upload/s--NwZf1OVp--/v1/f/x\n")
        let noSecret = try CLIRunner.run(["url", "parse", "https://res.cloudinary.com/demo/image/upload/s--abcdefgh--/f/x", "--verify"],
                                         environment: ["CLOUDINARY_API_SECRET": "", "CLOUDINARY_URL": "cloudinary://k@demo"])
        #expect(noSecret.status == 2)
        #expect(noSecret.stderr.contains("(CLOUDINARY_URL is set but has no secret: it needs cloudinary://<key>:<secret>@<cloud>)"),
                "\(noSecret.stderr)")
        let versionLike = try CLIRunner.run(["url", "build", "v2/hero", "--cloud-name", "demo"])
        #expect(versionLike.stdout == "https://res.cloudinary.com/demo/image/upload/v2/hero\n")
        #expect(versionLike.stderr.contains("the URL reads as version 2 of 'hero'; pass --version 1 to deliver 'v2/hero'"),
                "\(versionLike.stderr)")
        // Only a first segment of v and digits reads as a version; an escaped slash is a slash.
        let folder = try CLIRunner.run(["url", "build", "v2-launch/hero", "--cloud-name", "demo"])
        #expect(folder.stderr.isEmpty && folder.stdout == "https://res.cloudinary.com/demo/image/upload/v2-launch/hero\n", "\(folder.stderr)")
        let escaped = try CLIRunner.run(["url", "build", "v2%2Fhero", "--cloud-name", "demo"])
        #expect(escaped.stderr.contains("the URL reads as version 2 of 'hero'"), "\(escaped.stderr)")
        let pinned = try CLIRunner.run(["url", "build", "v2/hero", "--cloud-name", "demo", "--version", "1"])
        #expect(pinned.stderr.isEmpty && pinned.stdout == "https://res.cloudinary.com/demo/image/upload/v1/v2/hero\n")
    }
}
