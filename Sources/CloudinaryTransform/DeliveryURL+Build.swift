extension DeliveryURL {
    /// What to build a delivery URL from; the defaults are the SDKs' (except `secure`, which is on).
    public struct Options: Sendable, Hashable {
        public var cloudName: String
        public var resourceType = "image"
        public var type = "upload"
        /// The transformation text (components joined by `/`), printed as given.
        public var transformation: String?
        /// Version digits, with or without a leading `v`.
        public var version: String?
        /// Delivery format; with `type` fetch it becomes an `f_` parameter, as the SDKs do.
        public var format: String?
        /// SEO suffix (image/upload and raw/upload only; no `.` or `/`).
        public var urlSuffix: String?
        public var secure = true
        public var privateCDN = false
        public var cdnSubdomain = false
        public var secureCDNSubdomain: Bool? = nil
        /// A CNAME host (used for http only, as in the SDKs).
        public var cname: String?
        public var secureDistribution: String?
        /// `/iu/` for image/upload.
        public var shorten = false
        /// No resource type or type in the path (image/upload only).
        public var useRootPath = false
        /// Add `v1` when the public id has a folder and no version (the SDKs' default).
        public var forceVersion = true
        /// Sign the URL.
        public var signing: Signing?

        public init(cloudName: String) { self.cloudName = cloudName }
    }

    /// How to sign a URL.
    public struct Signing: Sendable, Hashable {
        public var apiSecret: String
        public var kind: URLSignature.Kind

        /// - Parameters:
        ///   - apiSecret: the account's API secret.
        ///   - algorithm: the hash of a short signature (`signature_algorithm`).
        ///   - long: a 32-character SHA-256 signature (`long_url_signature`); forces SHA-256.
        public init(apiSecret: String, algorithm: URLSignature.Algorithm = .sha1, long: Bool = false) {
            self.apiSecret = apiSecret
            self.kind = URLSignature.Kind(algorithm: algorithm, long: long)
        }
    }

    /// Builds a delivery URL exactly as the official Python SDK's `cloudinary_url` does.
    ///
    /// The public id is percent-decoded, then everything outside `A-Z a-z 0-9 _ . - / :` is
    /// percent-encoded (a remote `http(s):` id for fetch is only encoded).
    ///
    /// ```swift
    /// var options = DeliveryURL.Options(cloudName: "demo")
    /// options.transformation = "c_scale,w_100"
    /// options.signing = .init(apiSecret: "secret", long: true)
    /// try DeliveryURL.build(publicId: "folder/sample", options: options).absoluteString
    /// // https://res.cloudinary.com/demo/image/upload/s--<32 characters>--/c_scale,w_100/v1/folder/sample
    /// ```
    ///
    /// - Throws: ``DeliveryURLError`` for an SEO suffix with `.` or `/`, a suffix or root path on a
    ///   form that has none, an empty or malformed cloud name, an empty public id, or signing with
    ///   an empty secret.
    public static func build(publicId source: String, options: Options) throws -> DeliveryURL {
        guard !options.cloudName.isEmpty else { throw DeliveryURLError(.missingCloudName, "no cloud name") }
        // A cloud name is one path segment of letters, digits, '-' and '_': anything else (a
        // space, '/', '..') would make another URL than the one meant. So are the resource
        // type, the delivery type and the format.
        func isSegment(_ text: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        }
        guard isSegment(options.cloudName) else {
            throw DeliveryURLError(.invalidCloudName, "the cloud name \"\(options.cloudName)\" may hold only letters, digits, '-' and '_'")
        }
        for (what, value) in [("resource type", options.resourceType), ("type", options.type), ("format", options.format.flatMap { $0.isEmpty ? nil : $0 } ?? "jpg")]
            where !isSegment(value) {
            throw DeliveryURLError(.invalidSegment, "the \(what) \"\(value)\" may hold only letters, digits, '-' and '_'")
        }
        guard !source.isEmpty else { throw DeliveryURLError(.missingPublicId, "no public id") }
        // The SDKs return such a source as it is, transformation and signature dropped; a URL
        // stored in a CMS as if Cloudinary delivered it would be wrong without a word.
        if options.type == "upload", source.hasPrefix("http:") || source.hasPrefix("https:") {
            throw DeliveryURLError(
                .remoteUpload,
                "\(source) is already a URL: an upload URL cannot deliver it (the SDKs return it unchanged); use the fetch type to deliver a remote image through Cloudinary")
        }
        var transformation = options.transformation.flatMap { $0.isEmpty ? nil : $0 }
        var format = options.format.flatMap { $0.isEmpty ? nil : $0 }
        if options.type == "fetch", let fetchFormat = format {
            // A transformation that sets the format already keeps it, as the SDKs leave an
            // explicit fetch_format alone (adding f_ again made `f_auto,f_webp`, which the
            // validator refuses as a duplicate).
            let given = formatsSet(in: transformation)
            if given.isEmpty {
                transformation = appendingFormat(fetchFormat, to: transformation)
            } else if !given.contains(fetchFormat) {
                throw DeliveryURLError(
                    .conflictingFormat,
                    "the transformation sets f_\(given[0]) and the format asks for \(fetchFormat): a fetch URL's format "
                        + "is an f_ parameter, so give one of them")
            }
            format = nil
        }

        var form = Form.standard
        if let suffix = options.urlSuffix {
            guard options.type == "upload", options.resourceType == "image" || options.resourceType == "raw"
            else {
                throw DeliveryURLError(.unsupportedForm, "a URL suffix needs image/upload or raw/upload")
            }
            guard !suffix.contains("."), !suffix.contains("/") else {
                throw DeliveryURLError(
                    .invalidSuffix, "a URL suffix must not contain '.' or '/': '\(suffix)'")
            }
            form = .seo
        }
        if options.useRootPath {
            guard options.resourceType == "image", options.type == "upload" else {
                throw DeliveryURLError(.unsupportedForm, "a root path needs image/upload")
            }
            form = .root
        } else if options.shorten, form == .standard, options.resourceType == "image",
            options.type == "upload"
        {
            form = .shortened
        }

        let collapsed = collapseSlashes(source)
        let publicId: String
        if collapsed.hasPrefix("http:/") || collapsed.hasPrefix("https:/") {
            publicId = smartEscape(collapsed)
            // A remote source is delivered as its URL says: no format (nor suffix) is added to
            // it, nor to what is signed, as the SDKs build it.
            format = nil
        } else {
            publicId = smartEscape(percentDecode(collapsed))
        }
        var signedSource = publicId
        if let format { signedSource += "." + format }

        var version = options.version.map { $0.hasPrefix("v") ? String($0.dropFirst()) : $0 }
        if version?.isEmpty ?? true {
            version = nil
            if options.forceVersion, signedSource.contains("/"), !signedSource.hasPrefix("http:/"),
                !signedSource.hasPrefix("https:/"), !startsWithVersion(signedSource)
            {
                version = "1"
            }
        }
        transformation = transformation.map(collapseSlashes)

        var signature: String? = nil
        if let signing = options.signing {
            guard !signing.apiSecret.isEmpty else {
                throw DeliveryURLError(.missingSecret, "signing needs an API secret")
            }
            let payload = [transformation, signedSource].compactMap { $0 }.joined(separator: "/")
            signature = URLSignature.sign(payload, apiSecret: signing.apiSecret, kind: signing.kind).segment
        }

        var finalSource = publicId
        if let suffix = options.urlSuffix { finalSource += "/" + suffix }
        if let format { finalSource += "." + format }
        let (scheme, host, cloudInPath) = prefix(options: options, shard: CRC32.checksum(finalSource) % 5 + 1)
        var cloudName: String? = options.cloudName
        if !cloudInPath, !isPrivateCDNHost(host, cloud: options.cloudName) { cloudName = nil }
        // A raw file's public id holds its extension, as parsing the same URL gives it (built
        // with a format, `doc` + `pdf` described the URL parsed back as `doc.pdf`, no format).
        let rawExtension = options.resourceType == "raw" && form == .standard && options.urlSuffix == nil
        return DeliveryURL(
            scheme: scheme, host: host, cloudName: cloudName, resourceType: options.resourceType,
            type: options.type,
            form: form, signature: signature, transformation: transformation, version: version,
            publicId: rawExtension ? publicId + (format.map { "." + $0 } ?? "") : publicId,
            format: rawExtension ? nil : format, urlSuffix: options.urlSuffix)
    }

    /// Scheme, host and whether the cloud name goes in the path (`unsigned_download_url_prefix`).
    static func prefix(options: Options, shard: UInt32) -> (String, String, Bool) {
        var sharedDomain = !options.privateCDN
        let host: String
        if options.secure {
            var distribution = options.secureDistribution ?? ""
            if distribution.isEmpty || distribution == "cloudinary-a.akamaihd.net" {
                distribution =
                    options.privateCDN ? options.cloudName + "-res.cloudinary.com" : "res.cloudinary.com"
            }
            sharedDomain = sharedDomain || distribution == "res.cloudinary.com"
            var secureSubdomain = options.secureCDNSubdomain
            if secureSubdomain == nil, sharedDomain { secureSubdomain = options.cdnSubdomain }
            if secureSubdomain == true, let start = find("res.cloudinary.com", in: Substring(distribution)) {
                let end = distribution.utf8.index(start, offsetBy: "res.cloudinary.com".utf8.count)
                distribution.replaceSubrange(start..<end, with: "res-\(shard).cloudinary.com")
            }
            host = distribution
            return ("https", host, sharedDomain)
        }
        if let cname = options.cname, !cname.isEmpty {
            host = (options.cdnSubdomain ? "a\(shard)." : "") + cname
        } else {
            var subdomain = options.privateCDN ? options.cloudName + "-res" : "res"
            if options.cdnSubdomain { subdomain += "-\(shard)" }
            host = subdomain + ".cloudinary.com"
        }
        return ("http", host, sharedDomain)
    }

    /// The values of the `f_` parameters that set the delivered format: in components of the
    /// base image, outside layers and `if_ … if_end` branches, as the parser reads them (a `,`
    /// or `/` inside a `!quoted!` value is the value's). Splitting the text took an `f_webp` in
    /// a quoted string, a layer's own `f_png` or a conditional `f_avif` for the delivery's.
    /// A transformation that does not parse has none (it is built as given).
    static func formatsSet(in transformation: String?) -> [String] {
        guard let transformation else { return [] }
        guard let parsed = Transformation.parse(transformation).transformation else {
            // One that does not parse (url build --no-validate) is read as written: an `f_` in it
            // still counts (it got a second one, `c_fit,f_gif,f_webp`).
            return transformation.split(separator: "/").flatMap { $0.split(separator: ",") }
                .filter { $0.hasPrefix("f_") }.map { String($0.dropFirst(2)) }
        }
        let nesting = LayerNesting(parsed)
        var conditional = 0
        var formats: [String] = []
        for (index, component) in parsed.components.enumerated() {
            // `if_…` alone opens a branch that `if_end` closes; with other parameters it is a
            // condition on its own component only.
            if let condition = component.first("if") {
                if condition.rawValue == "end" {
                    conditional = max(0, conditional - 1)
                } else if condition.rawValue != "else", component.parameters.count == 1 {
                    conditional += 1
                }
                continue
            }
            guard conditional == 0, !nesting.inLayer[index] else { continue }
            formats += component.parameters.filter { $0.key == "f" }.map(\.rawValue)
        }
        return formats
    }

    /// Adds `f_<format>` to the last component, keeping it in canonical order.
    static func appendingFormat(_ format: String, to transformation: String?) -> String {
        guard let transformation, !transformation.isEmpty else { return "f_" + format }
        var components = transformation.split(separator: "/", omittingEmptySubsequences: false).map(
            String.init)
        var last = Component(
            parameters: components.last!.split(separator: ",").map { text -> Parameter in
                let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
                return Parameter(key: String(parts[0]), rawValue: parts.count > 1 ? String(parts[1]) : "")
            })
        // A component that ends a condition or opens or applies a layer is the condition's or
        // the layer's: the format goes in a component of its own after it instead.
        if last.parameters.contains(where: { ["if", "l", "u"].contains($0.key) || LayerNesting.isLayerApply($0) }) {
            return transformation + "/f_" + format
        }
        components.removeLast()
        last.parameters.append(Parameter(key: "f", rawValue: format))
        components.append(Transformation(components: [last]).canonicalDescription)
        return components.joined(separator: "/")
    }

    /// The SDKs' `([^:])/+` → `$1/`, matched left to right: a character other than `:` and the
    /// slashes after it become that character and one slash. The character may itself be a
    /// slash, so a run after `:` or at the start keeps two (`x:///y` → `x://y`, `///a` → `//a`).
    static func collapseSlashes(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let slash = UInt8(ascii: "/")
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            out.append(bytes[i])
            guard bytes[i] != UInt8(ascii: ":"), i + 1 < bytes.count, bytes[i + 1] == slash else {
                i += 1
                continue
            }
            out.append(slash)
            i += 1
            while i < bytes.count, bytes[i] == slash { i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` starts like a version segment (`v` and a digit): the SDKs' test for not
    /// adding `v1` to a public id in a folder.
    public static func startsWithVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count > 1 && bytes[0] == UInt8(ascii: "v") && bytes[1] &- 48 < 10
    }

    /// Percent-decoding; malformed escapes are kept as written (`%zz`, a `%` at the end), and
    /// bytes that are not UTF-8 become U+FFFD.
    ///
    /// ```swift
    /// DeliveryURL.percentDecode("Sommer%202026")   // "Sommer 2026"
    /// ```
    public static func percentDecode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 55
            default: nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]),
                let l = hex(bytes[i + 2])
            {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes (uppercase hex, UTF-8) every byte outside `A-Z a-z 0-9 _ . - / :`.
    public static func smartEscape(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            let safe =
                (b | 0x20) &- 97 < 26 || b &- 48 < 10 || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "/") || b == UInt8(ascii: ":")
            if safe {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// CRC-32 (IEEE, as zlib's `crc32`), which picks the CDN shard `res-<1…5>`.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ text: String) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in text.utf8 { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
