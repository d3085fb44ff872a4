import ArgumentParser
import CloudinaryTransform
import Foundation

struct URLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url",
        abstract: "Split, build and sign Cloudinary delivery URLs.",
        subcommands: [URLParseCommand.self, URLBuildCommand.self]
    )
}

/// The API secret from the environment, so it need not appear in shell history.
enum SecretEnvironment {
    static let secretVariable = "CLOUDINARY_API_SECRET"

    /// `CLOUDINARY_API_SECRET`, else the secret in `CLOUDINARY_URL` (`cloudinary://key:secret@cloud`).
    /// Spaces and line breaks around `CLOUDINARY_API_SECRET` are removed with a warning: a file
    /// or a Kubernetes Secret made with `echo` ends with a line break, which no secret has, and
    /// every signature made with it would be wrong. A blank one is none.
    static func apiSecret() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let raw = environment[secretVariable], !raw.isEmpty {
            let secret = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if secret.isEmpty {
                Diagnostics.warning("\(secretVariable) is blank: it is not used")
            } else {
                if secret != raw {
                    Diagnostics.warning("\(secretVariable) has spaces or a line break around it (as `echo` leaves in a file or a Kubernetes Secret): they are not part of the secret")
                }
                return secret
            }
        }
        return cloudinaryURL()?.secret.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The cloud whose secret ``apiSecret()`` gives, when it comes from `CLOUDINARY_URL`: a
    /// secret signs the URLs of its own cloud only.
    static func secretCloud() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let raw = environment[secretVariable], !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
        guard let url = cloudinaryURL(), url.secret?.isEmpty == false else { return nil }
        return url.cloud
    }

    /// Refuses a secret from `CLOUDINARY_URL` for another cloud than the URLs': it signs only its
    /// own cloud's (cloud names compared in any case). `whose` says where the URLs' cloud comes
    /// from ("the manifest's cloudName is 'demo'").
    static func checkSecretCloud(_ cloud: String, whose: String) throws {
        guard let secretCloud = secretCloud(), secretCloud.caseInsensitiveCompare(cloud) != .orderedSame else { return }
        throw CLIError.usage("CLOUDINARY_URL holds the secret of the cloud '\(secretCloud)', but \(whose): URLs signed with it "
                             + "would be refused. Set CLOUDINARY_API_SECRET to \(cloud)'s secret, or CLOUDINARY_URL to its cloudinary:// URL")
    }

    /// `CLOUDINARY_CLOUD_NAME`, else the cloud in `CLOUDINARY_URL`.
    static func cloudName() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let cloud = environment["CLOUDINARY_CLOUD_NAME"], !cloud.isEmpty { return cloud }
        return cloudinaryURL()?.cloud
    }

    /// Why `CLOUDINARY_URL` gave nothing, when it is set but not `cloudinary://key:secret@cloud`
    /// (the value itself is not repeated: it holds the secret).
    static func malformedURL() -> String? {
        guard let text = ProcessInfo.processInfo.environment["CLOUDINARY_URL"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { return nil }
        guard let url = cloudinaryURL(), url.cloud?.isEmpty == false else {
            return "CLOUDINARY_URL is set but is not of the form cloudinary://<key>:<secret>@<cloud>"
        }
        if url.secret?.isEmpty ?? true { return "CLOUDINARY_URL is set but has no secret: it needs cloudinary://<key>:<secret>@<cloud>" }
        return nil
    }

    static func cloudinaryURL() -> (secret: String?, cloud: String?)? {
        // Spaces or a line break around it (a value read from a file) are not part of a URL.
        guard let text = ProcessInfo.processInfo.environment["CLOUDINARY_URL"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            let url = URLComponents(string: text), url.scheme == "cloudinary"
        else { return nil }
        // The secret as written, not percent-decoded: the SDKs sign with it so (Python's
        // urlparse keeps `%2F` as it is), and a signature must match theirs.
        return (url.percentEncodedPassword, url.host)
    }
}

struct URLParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract:
            "Split a delivery URL into cloud name, resource type, type, signature, transformation, version, public id and format.",
        usage: "variant url parse <url> [<options>]",
        discussion: """
            With --json, one object on stdout (null where a part is absent):
              {"cloudName", "resourceType", "type", "signature", "transformation",
               "version", "publicId", "format", "urlSuffix", "form", "scheme", "host",
               "query", "signedPayload"}
            "form" is standard, seo (/images/, /files/), shortened (/iu/) or root; "publicId" is as
            written in the URL (percent-encoded). The signature is checked only when asked: with
            --api-secret SECRET, or with --verify and the secret of \(SecretEnvironment.secretVariable)
            (else CLOUDINARY_URL); then "signatureValid" says whether it matches. A secret in the
            environment without --verify checks nothing, and "signatureValid" is left out.
            With --validate, "transformationValid" and "diagnostics" check the transformation.

            Exit status: 0 parsed (and the checks asked for passed), 1 not a delivery URL, a signature
            that does not match or an invalid transformation, 2 usage error.

            Examples:
              variant url parse --json \\
                https://res.cloudinary.com/demo/image/upload/c_fill,w_300/v1/folder/dog.jpg
              CLOUDINARY_API_SECRET=… variant url parse "$SIGNED_URL" --verify
            """.reflowed
    )

    @Argument(help: "The delivery URL.")
    var url: String

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Option(
        help:
            "Check the signature with this API secret (or set \(SecretEnvironment.secretVariable) and pass --verify)."
    )
    var apiSecret: String?

    @Flag(
        help:
            "Check the signature with the secret from \(SecretEnvironment.secretVariable) or CLOUDINARY_URL.")
    var verify = false

    @Flag(name: .customLong("validate"), help: "Also validate the transformation.")
    var validateTransformation = false

    func run() throws {
        let parsed: DeliveryURL
        do {
            parsed = try DeliveryURL(parsing: url)
        } catch let error as DeliveryURLError {
            Diagnostics.error(error.message)
            throw CLIError.invalidInput
        }
        var secret = apiSecret
        if secret == nil, verify {
            secret = SecretEnvironment.apiSecret()
            if secret == nil {
                throw CLIError.usage("--verify needs \(SecretEnvironment.secretVariable) or CLOUDINARY_URL"
                                     + (SecretEnvironment.malformedURL().map { " (\($0))" } ?? ""))
            }
            if let cloud = parsed.cloudName { try SecretEnvironment.checkSecretCloud(cloud, whose: "the URL is for '\(cloud)'") }
        }
        let signatureValid = secret.map { parsed.verifySignature(apiSecret: $0) }
        // The URL says whether the asset is an image or a video, so applicability is checked too.
        let context = ValidationContext(resourceType: MediaKind(rawValue: parsed.resourceType))
        let check =
            validateTransformation
            ? parsed.transformation.map { Transformation.validate($0, context: context) } : nil
        if json {
            try JSONOutput.print(URLParseJSON(url: parsed, signatureValid: signatureValid, check: check))
        } else {
            let rows: [(String, String?)] = [
                ("cloud name", parsed.cloudName), ("resource type", parsed.resourceType),
                ("type", parsed.type),
                ("form", parsed.form.rawValue), ("signature", parsed.signature),
                ("transformation", parsed.transformation), ("version", parsed.version),
                ("public id", parsed.publicId), ("format", parsed.format), ("URL suffix", parsed.urlSuffix),
            ]
            for (name, value) in rows { print("\(name): \(value ?? "-")") }
            if let signatureValid { print("signature valid: \(signatureValid ? "yes" : "no")") }
            if let check, let transformation = parsed.transformation {
                print(ValidateCommand.describe(input: transformation, result: check))
            }
        }
        if signatureValid == false {
            Diagnostics.error(
                "the signature \(parsed.signature ?? "(none)") does not match this URL and secret")
            throw CLIError.invalidInput
        }
        if let check, !check.isValid { throw CLIError.invalidInput }
    }
}

struct URLParseJSON: Encodable {
    var url: DeliveryURL
    var signatureValid: Bool?
    var check: ParseResult?

    enum Keys: String, CodingKey {
        case cloudName, resourceType, type, signature, transformation, version, publicId, format, urlSuffix
        case form, scheme, host, query, signedPayload, signatureValid, transformationValid, diagnostics
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(url.cloudName, forKey: .cloudName)
        try c.encode(url.resourceType, forKey: .resourceType)
        try c.encode(url.type, forKey: .type)
        try c.encode(url.signature, forKey: .signature)
        try c.encode(url.transformation, forKey: .transformation)
        try c.encode(url.version, forKey: .version)
        try c.encode(url.publicId, forKey: .publicId)
        try c.encode(url.format, forKey: .format)
        try c.encode(url.urlSuffix, forKey: .urlSuffix)
        try c.encode(url.form.rawValue, forKey: .form)
        try c.encode(url.scheme, forKey: .scheme)
        try c.encode(url.host, forKey: .host)
        try c.encode(url.query, forKey: .query)
        try c.encode(url.signedPayload, forKey: .signedPayload)
        try c.encodeIfPresent(signatureValid, forKey: .signatureValid)
        if let check {
            try c.encode(check.isValid, forKey: .transformationValid)
            try c.encode(check.diagnostics.map(DiagnosticJSON.init), forKey: .diagnostics)
        }
    }
}

struct URLBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build (and sign) a delivery URL as the official SDKs do.",
        discussion: """
            The public id is percent-decoded then encoded as the SDKs do; v1 is added when it has a
            folder and no --version (unless --no-force-version), except, as in the SDKs, when its
            first folder starts like a version (v2/hero: a warning says the URL reads as version 2
            of hero). The transformation is validated first
            (exit 1 with diagnostics on stderr when invalid; --no-validate skips that) and printed as
            given; pass its canonical form if you want canonical URLs. With --type fetch, --format
            becomes f_<format>, merged into the last component in canonical order (in a component of
            its own after a layer or a condition); a transformation with an f_ of its own keeps it,
            and a different --format is refused.

            Signing (--sign): s--<8 characters of SHA-1>-- by default, --signature-algorithm sha256 for
            8 characters of SHA-256, --long-signature for 32 characters of SHA-256. The secret comes
            from --api-secret, else from the environment variable \(SecretEnvironment.secretVariable),
            else from CLOUDINARY_URL (cloudinary://<key>:<secret>@<cloud>), so it need not appear in
            shell history. The cloud name likewise falls back to CLOUDINARY_CLOUD_NAME or CLOUDINARY_URL.

            With --json: {"url", "cloudName", "resourceType", "type", "signature", "transformation",
            "version", "publicId", "format", "urlSuffix", …} (the parts of the built URL).

            Examples:
              variant url build sample --cloud-name demo \\
                --transformation c_fill,w_300,h_200 --format jpg
              CLOUDINARY_API_SECRET=… variant url build folder/dog --cloud-name demo \\
                --sign --long-signature
              variant url build https://example.com/a.jpg --cloud-name demo --type fetch \\
                --format webp
            """.reflowed
    )

    @Argument(help: "The public id (or a remote URL with --type fetch).")
    var publicId: String

    @Option(help: "Cloud name (default: CLOUDINARY_CLOUD_NAME or CLOUDINARY_URL).")
    var cloudName: String?

    @Option(help: "image, video or raw.")
    var resourceType = "image"

    @Option(help: "upload, private, authenticated, fetch …")
    var type = "upload"

    @Option(help: "Transformation components joined by '/'.")
    var transformation: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Version number (digits, with or without 'v').", valueName: "N"))
    var version: String?

    @Option(help: "Delivery format (extension).")
    var format: String?

    @Option(help: "SEO suffix (image/upload and raw/upload).")
    var urlSuffix: String?

    @Option(
        help:
            "API secret for --sign (prefer \(SecretEnvironment.secretVariable) to keep it out of shell history)."
    )
    var apiSecret: String?

    @Flag(help: "Sign the URL.")
    var sign = false

    @Flag(help: "32-character SHA-256 signature (implies SHA-256).")
    var longSignature = false

    @Option(help: ArgumentHelp("Hash of a short signature (default sha1).", valueName: "sha1|sha256"))
    var signatureAlgorithm: String?

    @Flag(help: "http instead of https.")
    var insecure = false

    @Flag(help: "Private CDN host (<cloud>-res.cloudinary.com).")
    var privateCdn = false

    @Option(help: "Custom HTTPS distribution host.")
    var secureDistribution: String?

    @Option(help: "CNAME host (http only, as in the SDKs).")
    var cname: String?

    @Flag(help: "Shard across res-1 … res-5 by CRC32 of the source.")
    var cdnSubdomain = false

    @Flag(help: "Use /iu/ for image/upload.")
    var shorten = false

    @Flag(help: "Leave out resource type and type (image/upload only).")
    var rootPath = false

    @Flag(help: "Do not add v1 for public ids with folders.")
    var noForceVersion = false

    @Flag(help: "Do not validate the transformation.")
    var noValidate = false

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    func validate() throws {
        if !["image", "video", "raw"].contains(resourceType) {
            throw ValidationError("expected image, video or raw for --resource-type but received \"\(resourceType)\"")
        }
        if let signatureAlgorithm, URLSignature.Algorithm(rawValue: signatureAlgorithm) == nil {
            throw ValidationError(
                "Expected sha1 or sha256 for --signature-algorithm but received '\(signatureAlgorithm)'")
        }
        if !sign, longSignature || signatureAlgorithm != nil {
            throw ValidationError("--long-signature and --signature-algorithm need --sign")
        }
        if longSignature, signatureAlgorithm == "sha1" {
            throw ValidationError("--long-signature is a SHA-256 signature: drop --signature-algorithm sha1")
        }
        if let version, case let digits = version.hasPrefix("v") ? version.dropFirst() : Substring(version),
            // ASCII digits, at least one (`v` and '' were ignored): `٣` is a number to Unicode,
            // but no version a URL parser reads.
            digits.isEmpty || !digits.allSatisfy({ ("0"..."9").contains($0) })
        {
            throw ValidationError("Expected digits for --version but received '\(version)'")
        }
    }

    func run() throws {
        guard let cloud = cloudName ?? SecretEnvironment.cloudName() else {
            if let problem = SecretEnvironment.malformedURL() {
                throw CLIError.usage("--cloud-name is required: \(problem)")
            }
            throw CLIError.usage("--cloud-name is required (or set CLOUDINARY_CLOUD_NAME or CLOUDINARY_URL)")
        }
        var options = DeliveryURL.Options(cloudName: cloud)
        options.resourceType = resourceType
        options.type = type
        options.transformation = transformation
        options.version = version
        options.format = format
        options.urlSuffix = urlSuffix
        options.secure = !insecure
        options.privateCDN = privateCdn
        options.secureDistribution = secureDistribution
        options.cname = cname
        options.cdnSubdomain = cdnSubdomain
        options.shorten = shorten
        options.useRootPath = rootPath
        options.forceVersion = !noForceVersion
        if sign {
            guard let secret = apiSecret ?? SecretEnvironment.apiSecret() else {
                throw CLIError.usage(
                    "--sign needs --api-secret, \(SecretEnvironment.secretVariable) or CLOUDINARY_URL"
                        + (SecretEnvironment.malformedURL().map { " (\($0))" } ?? ""))
            }
            if apiSecret == nil { try SecretEnvironment.checkSecretCloud(cloud, whose: "the URL is for '\(cloud)'") }
            options.signing = .init(
                apiSecret: secret, algorithm: signatureAlgorithm.flatMap(URLSignature.Algorithm.init(rawValue:)) ?? .sha1,
                long: longSignature)
        }
        if !sign, type == "authenticated" {
            Diagnostics.warning("an authenticated URL is served only when signed, and this one is not: pass --sign")
        }
        if let transformation, !noValidate {
            let media: MediaKind? = resourceType == "image" ? .image : resourceType == "video" ? .video : nil
            let result = Transformation.validate(
                transformation, context: ValidationContext(resourceType: media))
            // A URL given as --transformation is named as one, as render names it (found in review).
            if !result.isValid, let hint = deliveryURLHint(transformation) {
                throw CLIError(message: "invalid --transformation: \(hint)", status: ExitStatus.invalid)
            }
            for line in renderedDiagnostics(result.diagnostics, input: transformation) { Diagnostics.write("variant: " + line) }
            if !result.isValid { throw CLIError.invalidInput }
        }
        // As the SDKs build it, a public id whose first folder starts like a version gets no v1:
        // the URL then reads as that version of the rest (the plan pins v1 instead).
        // (Cloudinary reads a first segment of v and digits only as the version: `v2-launch/` is a
        // folder. The id as it will be in the URL: `v2%2Fhero` is `v2/hero` there.)
        let decoded = DeliveryURL.percentDecode(publicId)
        let folder = decoded.prefix { $0 != "/" }
        if options.forceVersion, (version ?? "").isEmpty, decoded.contains("/"), folder.count > 1, folder.first == "v",
           folder.dropFirst().allSatisfy({ ("0"..."9").contains($0) }) {
            Diagnostics.warning("\(publicId) starts like a version: built as the SDKs build it, with no v1, the URL reads as "
                                + "version \(folder.dropFirst()) of '\(decoded.dropFirst(folder.count + 1))'; pass --version 1 to deliver '\(decoded)'")
        }
        let url: DeliveryURL
        do {
            url = try DeliveryURL.build(publicId: publicId, options: options)
        } catch let error as DeliveryURLError {
            throw CLIError.usage(error.message)
        }
        if json {
            try JSONOutput.print(URLBuildJSON(url: url))
        } else {
            print(url.absoluteString)
        }
    }
}

struct URLBuildJSON: Encodable {
    var url: DeliveryURL

    enum Keys: String, CodingKey { case url }

    func encode(to encoder: Encoder) throws {
        try URLParseJSON(url: url, signatureValid: nil, check: nil).encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(url.absoluteString, forKey: .url)
    }
}
