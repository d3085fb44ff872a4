import Foundation

/// A Cloudinary delivery URL split into its parts:
/// `<scheme>://<host>/[<cloud>/]<resource_type>/<type>/[s--SIG--/][<transformation>/][v<N>/]<public_id>[.<ext>]`.
///
/// Parse a URL:
/// ```swift
/// let url = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/image/upload/s--Ai4Znfl3--/c_fill,w_300/v1/folder/dog.jpg")
/// url.cloudName       // "demo"
/// url.signature       // "s--Ai4Znfl3--"
/// url.transformation  // "c_fill,w_300"
/// url.version         // "1"
/// url.publicId        // "folder/dog"
/// url.format          // "jpg"
/// ```
///
/// Build one (as the official SDKs' `cloudinary_url` does):
/// ```swift
/// var options = DeliveryURL.Options(cloudName: "demo")
/// options.transformation = "c_fill,h_200,w_300"
/// options.format = "jpg"
/// options.signing = .init(apiSecret: secret)
/// let url = try DeliveryURL.build(publicId: "folder/dog", options: options)
/// url.absoluteString  // "https://res.cloudinary.com/demo/image/upload/s--…--/c_fill,h_200,w_300/v1/folder/dog.jpg"
/// ```
public struct DeliveryURL: Sendable, Hashable, CustomStringConvertible {
    /// How the resource type and type appear in the path.
    public enum Form: String, Sendable, Hashable, Codable {
        /// `/<resource_type>/<type>/…`
        case standard
        /// SEO suffix: `/images/…/<suffix>.<ext>` (image/upload) or `/files/…/<suffix>` (raw/upload).
        case seo
        /// `/iu/…` for image/upload.
        case shortened
        /// No resource type or type at all (image/upload).
        case root
    }

    public var scheme: String
    public var host: String
    /// The cloud name, from the path (shared domain, CNAME) or the host (private CDN); `nil` when
    /// a custom distribution hides it.
    public var cloudName: String?
    /// `image`, `video` or `raw` (also for the SEO, shortened and root forms).
    public var resourceType: String
    /// `upload`, `private`, `authenticated`, `fetch` …
    public var type: String
    public var form: Form
    /// The whole signature segment, `s--…--`, when the URL is signed.
    public var signature: String?
    /// The transformation components, joined by `/`, as they appear in the URL.
    public var transformation: String?
    /// The version digits (without `v`).
    public var version: String?
    /// The public id as it appears in the URL (percent-encoded), without the delivery format
    /// extension and without the SEO suffix. For `fetch`, the remote URL.
    public var publicId: String
    /// The delivery format (extension), for image and video.
    public var format: String?
    /// The SEO suffix (without its extension).
    public var urlSuffix: String?
    /// Anything after `?` (for example an authentication token).
    public var query: String?

    public init(
        scheme: String = "https", host: String = "res.cloudinary.com", cloudName: String?,
        resourceType: String = "image", type: String = "upload", form: Form = .standard,
        signature: String? = nil,
        transformation: String? = nil, version: String? = nil, publicId: String, format: String? = nil,
        urlSuffix: String? = nil, query: String? = nil
    ) {
        self.scheme = scheme
        self.host = host
        self.cloudName = cloudName
        self.resourceType = resourceType
        self.type = type
        self.form = form
        self.signature = signature
        self.transformation = transformation
        self.version = version
        self.publicId = publicId
        self.format = format
        self.urlSuffix = urlSuffix
        self.query = query
    }

    /// The URL text. For a parsed URL this is the input (the parts print back to it).
    public var absoluteString: String {
        var segments: [String] = []
        let sharedPath = cloudName != nil && !DeliveryURL.isPrivateCDNHost(host, cloud: cloudName!)
        if sharedPath, let cloudName { segments.append(cloudName) }
        switch form {
        case .standard:
            segments.append(resourceType)
            segments.append(type)
        case .seo: segments.append(resourceType == "raw" ? "files" : "images")
        case .shortened: segments.append("iu")
        case .root: break
        }
        if let signature { segments.append(signature) }
        if let transformation, !transformation.isEmpty { segments.append(transformation) }
        if let version { segments.append("v" + version) }
        var last = publicId
        if let urlSuffix { last += "/" + urlSuffix }
        if let format { last += "." + format }
        segments.append(last)
        var text = scheme + "://" + host + "/" + segments.joined(separator: "/")
        if let query { text += "?" + query }
        return text
    }

    public var description: String { absoluteString }

    /// What the signature covers: `<transformation>/<public_id>[.<ext>]` as in the URL, without the
    /// version and the SEO suffix (what the SDKs sign).
    public var signedPayload: String {
        var source = publicId
        if let format { source += "." + format }
        if let transformation, !transformation.isEmpty { return transformation + "/" + source }
        return source
    }

    /// Whether the signature matches this URL for `apiSecret` (any of the three signature kinds).
    ///
    /// ```swift
    /// try DeliveryURL(parsing: signedURL).verifySignature(apiSecret: secret)   // true
    /// ```
    public func verifySignature(apiSecret: String) -> Bool {
        guard let signature else { return false }
        // `…/v123/dog` is version 123 of `dog` or the public id `v123/dog` (an SDK signs the
        // latter with the `v123/` in the payload): either reading may be the signed one.
        var payloads = [signedPayload]
        if let version {
            var unversioned = self
            unversioned.version = nil
            unversioned.publicId = "v\(version)/\(publicId)"
            payloads.append(unversioned.signedPayload)
        }
        for payload in payloads {
            for kind in URLSignature.Kind.allCases
            where URLSignature.sign(payload, apiSecret: apiSecret, kind: kind).segment == signature {
                return true
            }
        }
        return false
    }

    /// Whether `host` is `cloud`'s private CDN host, by the parser's own rule (a prefix test
    /// took `demo-resres.cloudinary.com` for one, and printed URLs that did not parse back).
    static func isPrivateCDNHost(_ host: String, cloud: String) -> Bool {
        privateCDNCloud(host) == cloud
    }
}

/// Why a URL could not be parsed or built.
public struct DeliveryURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Code
    public var message: String

    /// Stable codes for the failures.
    public struct Code: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        public static let notAURL: Code = "not-a-url"
        /// A scheme other than https or http (`ftp://`, `file://`).
        public static let unsupportedScheme: Code = "unsupported-scheme"
        public static let missingPath: Code = "missing-path"
        /// An empty segment (`//`, or a trailing `/`) in the path.
        public static let emptySegment: Code = "empty-segment"
        public static let missingPublicId: Code = "missing-public-id"
        public static let invalidSuffix: Code = "invalid-url-suffix"
        public static let unsupportedForm: Code = "unsupported-form"
        public static let missingSecret: Code = "missing-api-secret"
        public static let missingCloudName: Code = "missing-cloud-name"
        public static let invalidCloudName: Code = "invalid-cloud-name"
        /// A resource type, delivery type or format that is not one path segment of letters,
        /// digits, '-' and '_' (a '/' in it would make another URL than the one meant).
        public static let invalidSegment: Code = "invalid-segment"
        /// An http(s) URL as the public id of an `upload` URL: the SDKs hand it back unchanged
        /// (nothing of Cloudinary in it); `fetch` is what delivers a remote image.
        public static let remoteUpload: Code = "remote-upload"
        /// A fetch URL's format given twice, differently: by the format and by an `f_` of the
        /// transformation.
        public static let conflictingFormat: Code = "conflicting-format"
    }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// `localizedDescription` (what loggers print) says what happened.
extension DeliveryURLError: LocalizedError {
    public var errorDescription: String? { description }
}
