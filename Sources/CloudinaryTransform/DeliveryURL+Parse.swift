import Foundation

extension DeliveryURL {
    /// The first path segments that name the resource type (or its SEO/short forms).
    static let formMarkers: Set<String> = ["image", "video", "raw", "images", "files", "iu"]

    /// Splits a delivery URL into its parts.
    ///
    /// The cloud name is the first path segment on the shared domain (`res[-N].cloudinary.com`) and
    /// on CNAMEs, and comes from the host on a private CDN (`<cloud>-res[-N].cloudinary.com`). Path
    /// segments after the type that read as transformation components (every parameter a known
    /// key or a `$variable`) are the transformation; a `v<digits>` segment marks where the public
    /// id starts. For image and video, the last `.ext` of the last segment is the format.
    ///
    /// ```swift
    /// let url = try DeliveryURL(parsing: "https://res.cloudinary.com/demo/video/upload/c_scale,w_640/clip.mp4")
    /// url.resourceType    // "video"
    /// url.transformation  // "c_scale,w_640"
    /// url.format          // "mp4"
    /// ```
    ///
    /// - Throws: ``DeliveryURLError`` when there is no scheme and host, or no public id.
    public init(parsing text: String) throws {
        // Spaces and line breaks around a URL (pasted, or read from a file) are no part of it:
        // kept, they ended up in the scheme and the format, and in the text a signature covers.
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        // A fragment never reaches the server: it is no part of the public id (`x#frag` was).
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: String? = nil
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        guard let schemeEnd = DeliveryURL.find("://", in: rest) else {
            throw DeliveryURLError(.notAURL, "expected <scheme>://<host>/… but received '\(Diagnostic.shown(text))'")
        }
        let scheme = String(rest[..<schemeEnd])
        // Cloudinary delivers over https and http only: an `ftp://` or `file://` URL is no
        // delivery URL, whatever its path looks like.
        guard ["http", "https"].contains(scheme.lowercased()) else {
            throw DeliveryURLError(
                .unsupportedScheme,
                "expected an https or http URL (what Cloudinary delivers over) but received '\(Diagnostic.shown(text))'"
            )
        }
        rest = rest[rest.index(schemeEnd, offsetBy: 3)...]
        guard let slash = rest.firstIndex(of: "/"), slash > rest.startIndex else {
            throw DeliveryURLError(.missingPath, "no path after the host in '\(text)'")
        }
        let host = String(rest[..<slash])
        var segments = rest[rest.index(after: slash)...].split(
            separator: "/", omittingEmptySubsequences: false
        )
        .map(String.init)
        guard segments.count >= 1, !segments[0].isEmpty else {
            throw DeliveryURLError(.missingPath, "empty path in '\(text)'")
        }

        var cloudName: String? = nil
        if DeliveryURL.isSharedHost(host) {
            cloudName = segments.removeFirst()
        } else if let cloud = DeliveryURL.privateCDNCloud(host) {
            cloudName = cloud
        } else if !DeliveryURL.formMarkers.contains(segments[0]), segments.count > 1,
            DeliveryURL.formMarkers.contains(segments[1])
                || (!DeliveryURL.isSignature(segments[0]) && !DeliveryURL.isVersion(segments[0])
                    && !DeliveryURL.looksLikeTransformation(segments[0]))
        {
            // A custom host carries the cloud name in the path unless it is a private CDN's:
            // then a root-path URL starts with the signature, a transformation, a version or
            // the public id itself (`cdn.example.com/s--…--/sample.jpg` named the cloud
            // "s--…--"). Before image/upload … the first segment is the cloud's, whatever it
            // looks like (a cloud may be called v2024).
            cloudName = segments.removeFirst()
        }

        var resourceType = "image"
        var type = "upload"
        var form = Form.standard
        switch segments.first {
        case "images"?:
            form = .seo
            segments.removeFirst()
        case "files"?:
            form = .seo
            resourceType = "raw"
            segments.removeFirst()
        case "iu"?:
            form = .shortened
            segments.removeFirst()
        case "image"?, "video"?, "raw"?:
            guard segments.count >= 3 else {
                throw DeliveryURLError(
                    .missingPublicId, "expected <resource_type>/<type>/<public_id> in '\(text)'")
            }
            resourceType = segments.removeFirst()
            type = segments.removeFirst()
        default:
            form = .root
        }

        // `c_fill//w_100/sample.jpg` was split as the transformation c_fill and the public id
        // "/w_100/sample". The SDKs fold every run of slashes except one after a ':' (their
        // `([^:])/+`), so that is the one empty segment a URL they build holds: a remote public
        // id's `https://` (fetch, youtube, facebook …). Any other is refused.
        // (After a scheme only: `l_text:Arial_20://w_100` is no remote id.)
        func isScheme(_ segment: String) -> Bool {
            segment.count > 1 && segment.hasSuffix(":") && segment.first!.isLetter
                && segment.dropLast().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }
        }
        if type != "fetch", let empty = segments.indices.first(where: { segments[$0].isEmpty && ($0 == 0 || !isScheme(segments[$0 - 1])) }) {
            let at = empty == segments.count - 1 ? "at the end of the path" : "before '\(Diagnostic.shown(segments[empty + 1]))'"
            throw DeliveryURLError(.emptySegment, "an empty path segment (//) \(at) in '\(Diagnostic.shown(text))'")
        }

        var signature: String? = nil
        if segments.count > 1, DeliveryURL.isSignature(segments[0]) { signature = segments.removeFirst() }

        // Keep one segment for the public id (two with an SEO suffix).
        let keep = form == .seo ? 2 : 1
        var components: [String] = []
        var version: String? = nil
        while segments.count > keep {
            let segment = segments[0]
            if DeliveryURL.isVersion(segment) {
                version = String(segment.dropFirst())
                segments.removeFirst()
                break
            }
            guard DeliveryURL.looksLikeTransformation(segment) else { break }
            components.append(segments.removeFirst())
        }

        var urlSuffix: String? = nil
        var format: String? = nil
        if form == .seo, segments.count >= 2 {
            var last = segments.removeLast()
            // A suffix holds no '.', so a dot there starts the format, raw files' too.
            if let dot = last.lastIndex(of: ".") {
                format = String(last[last.index(after: dot)...])
                last = String(last[..<dot])
            }
            urlSuffix = last
        }
        var publicId = segments.joined(separator: "/")
        if form != .seo, resourceType != "raw", type != "fetch",
            let dot = publicId.lastIndex(of: "."), !publicId[dot...].contains("/"),
            publicId.index(after: dot) < publicId.endIndex,
            // `.hidden` (or `folder/.hidden`) is a public id starting with a dot, not a format.
            dot != publicId.startIndex, publicId[publicId.index(before: dot)] != "/",
            // Nor is `.jpg%3Fx%3D1` (the SDKs build it from the id `a.jpg?x=1`): a format is
            // letters, digits, '-' and '_', as a build takes it.
            publicId[publicId.index(after: dot)...].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        {
            format = String(publicId[publicId.index(after: dot)...])
            publicId = String(publicId[..<dot])
        }
        guard !publicId.isEmpty else { throw DeliveryURLError(.missingPublicId, "no public id in '\(text)'") }

        self.init(
            scheme: scheme, host: host, cloudName: cloudName, resourceType: resourceType, type: type,
            form: form,
            signature: signature,
            transformation: components.isEmpty ? nil : components.joined(separator: "/"),
            version: version, publicId: publicId, format: format, urlSuffix: urlSuffix, query: query)
    }

    static func find(_ needle: String, in haystack: Substring) -> Substring.Index? {
        let n = Array(needle.utf8)
        let h = haystack.utf8
        var i = h.startIndex
        while i != h.endIndex {
            var j = i
            var k = 0
            while k < n.count, j != h.endIndex, h[j] == n[k] {
                j = h.index(after: j)
                k += 1
            }
            if k == n.count { return i }
            i = h.index(after: i)
        }
        return nil
    }

    /// `res.cloudinary.com` or a shard `res-N.cloudinary.com`.
    static func isSharedHost(_ host: String) -> Bool {
        guard host.hasSuffix(".cloudinary.com") else { return false }
        let name = host.dropLast(".cloudinary.com".count)
        return name == "res" || (name.hasPrefix("res-") && name.dropFirst(4).allSatisfy(\.isNumber))
    }

    /// The cloud of `<cloud>-res[-N].cloudinary.com`.
    static func privateCDNCloud(_ host: String) -> String? {
        guard host.hasSuffix(".cloudinary.com") else { return nil }
        var name = Substring(host.dropLast(".cloudinary.com".count))
        if let dash = name.lastIndex(of: "-"), name[name.index(after: dash)...].allSatisfy(\.isNumber),
            name.index(after: dash) < name.endIndex
        {
            name = name[..<dash]
        }
        guard name.hasSuffix("-res"), name.count > 4 else { return nil }
        return String(name.dropLast(4))
    }

    /// `s--` + 8 or 32 base64url characters + `--`; the characters may include `-`.
    static func isSignature(_ segment: String) -> Bool {
        guard segment.hasPrefix("s--"), segment.hasSuffix("--") else { return false }
        let inner = segment.utf8.dropFirst(3).dropLast(2)
        guard inner.count == 8 || inner.count == 32 else { return false }
        return inner.allSatisfy {
            ($0 | 0x20) &- 97 < 26 || $0 &- 48 < 10 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }

    static func isVersion(_ segment: String) -> Bool {
        segment.count > 1 && segment.hasPrefix("v") && segment.utf8.dropFirst().allSatisfy { $0 &- 48 < 10 }
    }

    /// Every `,`-separated parameter is `key_value` with a documented key or a `$variable`.
    static func looksLikeTransformation(_ segment: String) -> Bool {
        guard !segment.isEmpty else { return false }
        for parameter in segment.split(separator: ",", omittingEmptySubsequences: false) {
            guard let underscore = parameter.firstIndex(of: "_"), underscore > parameter.startIndex else {
                return false
            }
            let key = parameter[..<underscore]
            if key.hasPrefix("$") { continue }
            if ParameterKey(String(key)) == nil { return false }
        }
        return true
    }
}
