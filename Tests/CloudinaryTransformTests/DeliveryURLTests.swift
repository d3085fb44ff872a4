@testable import CloudinaryTransform
import Testing

/// Delivery URLs printed by the official Python SDK (Fixtures/sdk-urls.jsonl and
/// sdk-signatures.jsonl): every URL splits into the expected parts, prints back to itself, and
/// building it from the same options gives the same URL, signature included.
@Suite("Delivery URLs and signatures")
struct DeliveryURLTests {
    struct Expected: Decodable, Sendable {
        var cloudName: String?
        var resourceType: String
        var type: String
        var signature: String?
        var transformation: String?
        var version: String?
        var publicId: String
        var format: String?
        var urlSuffix: String?
    }

    /// The SDK options that shape the URL (transformation options are in `expected.transformation`).
    struct SDKOptions: Decodable, Sendable {
        var cloud_name: String
        var secure: Bool?
        var private_cdn: Bool?
        var cname: String?
        var secure_distribution: String?
        var cdn_subdomain: Bool?
        var secure_cdn_subdomain: Bool?
        var resource_type: String?
        var type: String?
        var version: Int?
        var format: String?
        var url_suffix: String?
        var use_root_path: Bool?
        var shorten: Bool?
        var force_version: Bool?
        var sign_url: Bool?
        var api_secret: String?
        var long_url_signature: Bool?
        var signature_algorithm: String?
    }

    struct Record: Decodable, Sendable {
        var source: String
        var url: String
        var options: SDKOptions
        var expected: Expected
        var signature: String?
        var toSign: String?
        var apiSecret: String?
    }

    static let urls: [Record] = (try? Fixtures.decode("sdk-urls.jsonl")) ?? []
    static let signatures: [Record] = (try? Fixtures.decode("sdk-signatures.jsonl")) ?? []

    static func options(_ record: Record) -> DeliveryURL.Options {
        let o = record.options
        var options = DeliveryURL.Options(cloudName: o.cloud_name)
        options.resourceType = o.resource_type ?? "image"
        options.type = o.type ?? "upload"
        options.transformation = record.expected.transformation
        // For fetch the SDK moved the format into the transformation already.
        options.format = options.type == "fetch" ? nil : o.format
        options.version = o.version.map(String.init)
        options.urlSuffix = o.url_suffix
        options.secure = o.secure ?? false
        options.privateCDN = o.private_cdn ?? false
        options.cname = o.cname
        options.secureDistribution = o.secure_distribution
        options.cdnSubdomain = o.cdn_subdomain ?? false
        options.secureCDNSubdomain = o.secure_cdn_subdomain
        options.shorten = o.shorten ?? false
        options.useRootPath = o.use_root_path ?? false
        options.forceVersion = o.force_version ?? true
        if o.sign_url == true, let secret = o.api_secret {
            options.signing = .init(
                apiSecret: secret, algorithm: o.signature_algorithm == "sha256" ? .sha256 : .sha1,
                long: o.long_url_signature ?? false)
        }
        return options
    }

    @Test func thereAreEnough() {
        #expect(Self.urls.count >= 100)
        #expect(Self.signatures.count >= 30)
    }

    @Test(arguments: [false, true]) func parseSplitsExactly(signed: Bool) throws {
        var failures: [String] = []
        for record in signed ? Self.signatures : Self.urls {
            let url: DeliveryURL
            do { url = try DeliveryURL(parsing: record.url) } catch {
                failures.append("\(record.url): \(error)")
                continue
            }
            let e = record.expected
            let got = [
                url.cloudName, url.resourceType, url.type, url.signature, url.transformation, url.version,
                url.publicId, url.format, url.urlSuffix,
            ]
            let want = [
                e.cloudName, e.resourceType, e.type, e.signature, e.transformation, e.version, e.publicId,
                e.format, e.urlSuffix,
            ]
            if got != want { failures.append("\(record.url)\n  got  \(got)\n  want \(want)") }
            if url.absoluteString != record.url {
                failures.append("\(record.url) prints as \(url.absoluteString)")
            }
        }
        #expect(
            failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test(arguments: [false, true]) func buildMatchesTheSDK(signed: Bool) throws {
        var failures: [String] = []
        for record in signed ? Self.signatures : Self.urls {
            do {
                let built = try DeliveryURL.build(publicId: record.source, options: Self.options(record))
                if built.absoluteString != record.url {
                    failures.append("\(built.absoluteString)\n  != \(record.url)")
                }
            } catch {
                failures.append("\(record.url): \(error)")
            }
        }
        #expect(
            failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func signaturesMatch() throws {
        for record in Self.signatures {
            let secret = try #require(record.apiSecret)
            let kind = URLSignature.Kind(
                algorithm: record.options.signature_algorithm == "sha256" ? .sha256 : .sha1,
                long: record.options.long_url_signature ?? false)
            #expect(
                URLSignature.sign(try #require(record.toSign), apiSecret: secret, kind: kind).segment
                    == record.signature)
            let parsed = try DeliveryURL(parsing: record.url)
            #expect(parsed.signedPayload == record.toSign)
            #expect(parsed.verifySignature(apiSecret: secret))
            #expect(!parsed.verifySignature(apiSecret: secret + "x"))
        }
    }

    /// The SDK signs public id `v123/dog` as `v123/dog` (s--k9QAFtTB-- for secret "abc", printed by
    /// cloudinary 1.46.3); the URL reads as version 123 of `dog` too: both readings verify.
    @Test func publicIdThatLooksLikeAVersionVerifies() throws {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.signing = .init(apiSecret: "abc")
        let built = try DeliveryURL.build(publicId: "v123/dog", options: options)
        #expect(built.absoluteString == "https://res.cloudinary.com/demo/image/upload/s--k9QAFtTB--/v123/dog")
        let parsed = try DeliveryURL(parsing: built.absoluteString)
        #expect(parsed.verifySignature(apiSecret: "abc"))
        #expect(!parsed.verifySignature(apiSecret: "abd"))
        // Version 123 of `dog`, signed as such, still verifies.
        options.version = "123"
        let versioned = try DeliveryURL(parsing: try DeliveryURL.build(publicId: "dog", options: options).absoluteString)
        #expect(versioned.verifySignature(apiSecret: "abc"))
    }

    /// Found in review: the SDKs build `…/upload/a.jpg%3Fx%3D1` from the id `a.jpg?x=1` with no
    /// format; parsing it gave the format `jpg%3Fx%3D1`, which no build takes back.
    @Test func anEscapedTailIsNotAFormat() throws {
        let url = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/upload/a.jpg%3Fx%3D1")
        #expect(url.publicId == "a.jpg%3Fx%3D1" && url.format == nil)
        let plain = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/upload/w_10/f/a.web-p_2")
        #expect(plain.publicId == "f/a" && plain.format == "web-p_2")
    }

    @Test func signatureWithDashesParses() throws {
        let url = try DeliveryURL(
            parsing: "https://res.cloudinary.com/demo/image/upload/s----SjmNDA--/w_100/sample.jpg")
        #expect(url.signature == "s----SjmNDA--")
        #expect(url.transformation == "w_100")
        #expect(url.publicId == "sample")
    }

    @Test func versionIsNotSigned() throws {
        // The SDK signs without the version: both URLs share one signature.
        var options = DeliveryURL.Options(cloudName: "demo")
        options.signing = .init(apiSecret: "b")
        options.format = "jpg"
        let plain = try DeliveryURL.build(publicId: "image", options: options)
        options.version = "1234"
        let versioned = try DeliveryURL.build(publicId: "image", options: options)
        #expect(plain.signature == versioned.signature)
        #expect(versioned.absoluteString.contains("/v1234/image.jpg"))
    }

    @Test func fetchFormatBecomesAParameter() throws {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.type = "fetch"
        options.format = "webp"
        options.transformation = "c_fill,w_300"
        let url = try DeliveryURL.build(publicId: "https://example.com/a.jpg", options: options)
        #expect(
            url.absoluteString
                == "https://res.cloudinary.com/demo/image/fetch/c_fill,f_webp,w_300/https://example.com/a.jpg"
        )
    }

    /// Found against the Python SDK (cloudinary 1.46.3), each expected string as it prints it.
    @Test func slashRunsRemoteSourcesAndDotsAsTheSDKBuildsThem() throws {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.signing = .init(apiSecret: "abcd")
        // cloudinary_url('x:///y', cloud_name='demo', secure=True, sign_url=True, api_secret='abcd')
        #expect(try DeliveryURL.build(publicId: "x:///y", options: options).absoluteString
                == "https://res.cloudinary.com/demo/image/upload/s--KcbrFRV_--/v1/x://y")
        #expect(try DeliveryURL.build(publicId: "///triple", options: options).absoluteString
                == "https://res.cloudinary.com/demo/image/upload/s--kLo5m2Dv--/v1///triple")
        #expect(DeliveryURL.collapseSlashes("a//b///c") == "a/b/c")
        // A remote source takes no format: type='private', format='png'.
        options.type = "private"
        options.format = "png"
        #expect(try DeliveryURL.build(publicId: "https://ex.com/a.jpg", options: options).absoluteString
                == "https://res.cloudinary.com/demo/image/private/s--kh_-QfCD--/https://ex.com/a.jpg")
        // With the upload type the SDK hands the URL back unchanged: refused here, with the reason.
        options.type = "upload"
        #expect(throws: DeliveryURLError.self) { try DeliveryURL.build(publicId: "https://ex.com/a.jpg", options: options) }
        // A fragment is not part of the public id.
        #expect(try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/upload/x.jpg#frag").publicId == "x")
        // A public id starting with a dot parses back to itself.
        let dotted = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/upload/w_100/.hidden")
        #expect(dotted.publicId == ".hidden" && dotted.format == nil)
        #expect(try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/upload/a/.b.jpg").publicId == "a/.b")
        // raw/upload with a suffix: resource_type='raw', url_suffix='annual', format='pdf'.
        let raw = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/files/s--vI0CbtnN--/v1/docs/report/annual.pdf")
        #expect(raw.urlSuffix == "annual" && raw.format == "pdf" && raw.publicId == "docs/report")
        #expect(raw.verifySignature(apiSecret: "abcd"))
    }

    /// A transformation that sets f_ already made `f_auto,f_webp` with a fetch format, which
    /// the validator refuses as a duplicate; the SDKs leave an explicit fetch_format alone.
    @Test func fetchFormatGivenByTheTransformationIsNotAddedAgain() throws {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.type = "fetch"
        options.format = "webp"
        options.transformation = "c_fill,f_webp,w_100"
        let same = try DeliveryURL.build(publicId: "https://example.com/a.jpg", options: options)
        #expect(same.absoluteString == "https://res.cloudinary.com/demo/image/fetch/c_fill,f_webp,w_100/https://example.com/a.jpg")
        options.transformation = "f_auto"
        #expect {
            try DeliveryURL.build(publicId: "https://example.com/a.jpg", options: options)
        } throws: { error in
            let error = error as? DeliveryURLError
            return error?.code == .conflictingFormat && error?.message.contains("sets f_auto and the format asks for webp") == true
        }
        // A transformation that does not parse (url build --no-validate) is read as written: it
        // got a second f_ (`c_fit,f_gif,f_webp,g_auto,w_100`, found in QA).
        options.transformation = "c_fit,f_gif,g_auto,w_100"
        #expect(throws: DeliveryURLError.self) { try DeliveryURL.build(publicId: "https://example.com/a.jpg", options: options) }
        options.transformation = "c_fit,f_webp,g_auto,w_100"
        #expect(try DeliveryURL.build(publicId: "https://example.com/a.jpg", options: options).transformation == "c_fit,f_webp,g_auto,w_100")
        options.transformation = "f_webp"
        // Only the base image's unconditional f_ counts: not one in quoted text, in a layer or
        // in an if_ branch (the text was split at every ',' and '/').
        for (given, built) in [
            ("$t_!a,f_webp,b!/c_scale,w_500", "$t_!a,f_webp,b!/c_scale,f_webp,w_500"),
            ("if_w_gt_1000/f_avif/if_end/c_scale,w_500", "if_w_gt_1000/f_avif/if_end/c_scale,f_webp,w_500"),
            ("l_logo/f_png/fl_layer_apply,g_north/c_scale,w_500", "l_logo/f_png/fl_layer_apply,g_north/c_scale,f_webp,w_500"),
            ("if_w_gt_100,f_jpg,w_100/c_scale,w_50", "if_w_gt_100,f_jpg,w_100/c_scale,f_webp,w_50"),
        ] {
            options.transformation = given
            #expect(try DeliveryURL.build(publicId: "https://example.com/a.jpg", options: options).transformation == built, "\(given)")
        }
    }

    /// Root-path URLs on a private CDN's own host carry no cloud name: the first segment is the
    /// signature, a transformation, a version or the public id (the SDK builds them with
    /// private_cdn, secure_distribution and use_root_path).
    @Test func rootPathOnACustomHostHasNoCloudName() throws {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.privateCDN = true
        options.secureDistribution = "cdn.example.com"
        options.useRootPath = true
        options.format = "jpg"
        options.signing = .init(apiSecret: "abcd")
        let built = try DeliveryURL.build(publicId: "sample", options: options)
        // cloudinary_url('sample', cloud_name='demo', private_cdn=True, secure_distribution='cdn.example.com',
        //                use_root_path=True, format='jpg', sign_url=True, api_secret='abcd', secure=True)
        #expect(built.absoluteString == "https://cdn.example.com/s--lGdq5NKO--/sample.jpg")
        let parsed = try DeliveryURL(parsing: built.absoluteString)
        #expect(parsed.cloudName == nil && parsed.signature == "s--lGdq5NKO--" && parsed.publicId == "sample", "\(parsed)")
        #expect(parsed.verifySignature(apiSecret: "abcd"))
        let transformed = try DeliveryURL(parsing: "https://cdn.example.com/c_fill,w_100/sample.jpg")
        #expect(transformed.cloudName == nil && transformed.transformation == "c_fill,w_100" && transformed.publicId == "sample")
        let bare = try DeliveryURL(parsing: "https://cdn.example.com/sample.jpg")
        #expect(bare.cloudName == nil && bare.publicId == "sample" && bare.format == "jpg")
        // A CNAME of the shared domain still names the cloud first, whatever the cloud's name
        // looks like (v2024 read as a version made the public id "image/upload/sample").
        let cname = try DeliveryURL(parsing: "http://images.example.com/demo/image/upload/sample.jpg")
        #expect(cname.cloudName == "demo" && cname.publicId == "sample")
        let versionLike = try DeliveryURL(parsing: "http://images.example.com/v2024/image/upload/sample.jpg")
        #expect(versionLike.cloudName == "v2024" && versionLike.publicId == "sample" && versionLike.version == nil, "\(versionLike)")
    }

    /// Spaces around a pasted URL ended up in the scheme, the format and the signed text.
    @Test func spacesAroundAURLAreNoPartOfIt() throws {
        let url = try DeliveryURL(parsing: " https://res.cloudinary.com/demo/image/upload/sample.jpg \n")
        #expect(url.scheme == "https" && url.format == "jpg" && url.publicId == "sample", "\(url)")
    }

    /// `ftp://` and `file://` URLs parsed as delivery URLs, though Cloudinary serves none.
    @Test func onlyHTTPSchemesAreDeliveryURLs() throws {
        for text in ["ftp://res.cloudinary.com/demo/image/upload/sample.jpg", "file://res.cloudinary.com/demo/image/upload/sample.jpg"] {
            let error = #expect(throws: DeliveryURLError.self) { try DeliveryURL(parsing: text) }
            #expect(error?.code == .unsupportedScheme && error?.message.hasPrefix("expected an https or http URL") == true, "\(String(describing: error))")
        }
        let upper = try DeliveryURL(parsing: "HTTPS://res.cloudinary.com/demo/image/upload/sample.jpg")
        #expect(upper.publicId == "sample" && upper.cloudName == "demo")
    }

    /// Found in QA: built with a format, a raw file was described as `doc` + `pdf`, and the same
    /// URL parsed back as `doc.pdf` with no format.
    @Test func aRawFileIsDescribedAsItParses() throws {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.resourceType = "raw"
        options.format = "pdf"
        let built = try DeliveryURL.build(publicId: "docs/doc", options: options)
        let parsed = try DeliveryURL(parsing: built.description)
        #expect(built.description.hasSuffix("/raw/upload/v1/docs/doc.pdf"), "\(built)")
        #expect(built.publicId == "docs/doc.pdf" && built.format == nil && parsed.publicId == built.publicId && parsed.format == nil)
    }

    /// Found in QA: `c_fill//w_100/sample.jpg` parsed as the transformation c_fill and the
    /// public id "/w_100/sample", and `--validate` called it valid.
    @Test func anEmptySegmentIsRefused() throws {
        for text in ["https://res.cloudinary.com/demo/image/upload/c_fill//w_100/sample.jpg",
                     "https://res.cloudinary.com/demo/image/upload/c_fill,w_100//v1/sample.jpg",
                     "https://res.cloudinary.com/demo/image/upload//sample.jpg",
                     "https://res.cloudinary.com/demo/image/upload/sample.jpg/",
                     // Found in review: a segment ending in ':' that is no scheme.
                     "https://res.cloudinary.com/demo/image/upload/l_text:Arial_20://w_100/sample.jpg"] {
            let error = #expect(throws: DeliveryURLError.self) { try DeliveryURL(parsing: text) }
            #expect(error?.code == .emptySegment, "\(text): \(String(describing: error))")
        }
        let fetch = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/fetch/w_100/https://example.com/a.jpg")
        #expect(fetch.publicId == "https://example.com/a.jpg" && fetch.transformation == "w_100", "\(fetch)")
        // Found in review: other remote types have a URL for a public id too, as the SDK builds them.
        var options = DeliveryURL.Options(cloudName: "demo")
        options.type = "youtube"
        options.transformation = "c_scale,w_100"
        let built = try DeliveryURL.build(publicId: "https://www.youtube.com/watch?v=abc", options: options)
        let youtube = try DeliveryURL(parsing: built.description)
        #expect(youtube.type == "youtube" && youtube.transformation == "c_scale,w_100" && youtube.publicId.hasPrefix("https://www.youtube.com/"),
                "\(built) \(youtube)")
    }

    /// A fetch format does not join a component that ends a condition or applies a layer.
    @Test func fetchFormatStaysOutOfConditionAndLayerComponents() {
        #expect(DeliveryURL.appendingFormat("png", to: "if_w_gt_400/c_fill,w_400/if_end") == "if_w_gt_400/c_fill,w_400/if_end/f_png")
        #expect(DeliveryURL.appendingFormat("png", to: "l_logo/fl_layer_apply,g_north") == "l_logo/fl_layer_apply,g_north/f_png")
        #expect(DeliveryURL.appendingFormat("png", to: "w_100/c_fill,h_50") == "w_100/c_fill,f_png,h_50")
    }

    @Test func buildErrors() {
        var options = DeliveryURL.Options(cloudName: "demo")
        options.urlSuffix = "a.b"
        #expect(throws: DeliveryURLError.self) { try DeliveryURL.build(publicId: "x", options: options) }
        options.urlSuffix = "ok"
        options.resourceType = "video"
        #expect(throws: DeliveryURLError.self) { try DeliveryURL.build(publicId: "x", options: options) }
        options = DeliveryURL.Options(cloudName: "demo")
        options.signing = .init(apiSecret: "")
        #expect(throws: DeliveryURLError.self) { try DeliveryURL.build(publicId: "x", options: options) }
        for cloud in ["de mo", "demo/..", "../x", "d%20emo", "démo"] {
            let error = #expect(throws: DeliveryURLError.self) {
                try DeliveryURL.build(publicId: "x", options: DeliveryURL.Options(cloudName: cloud))
            }
            #expect(error?.code == .invalidCloudName, "\(cloud)")
        }
        #expect(throws: Never.self) { try DeliveryURL.build(publicId: "x", options: DeliveryURL.Options(cloudName: "my-cloud_2")) }
        #expect(throws: DeliveryURLError.self) { try DeliveryURL(parsing: "not a url") }
        #expect(throws: DeliveryURLError.self) { try DeliveryURL(parsing: "https://res.cloudinary.com/") }
    }
}
