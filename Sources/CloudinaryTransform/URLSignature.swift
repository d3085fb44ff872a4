/// Delivery URL signatures ("Delivery URL signatures"): `s--` + the first characters of the
/// URL-safe base64 of a hash of `<transformation>/<public_id>[.<ext>]` followed by the API secret, + `--`.
///
/// ```swift
/// let signature = URLSignature.sign("c_fill,w_300/sample.jpg", apiSecret: "abcd", kind: .sha1Short)
/// signature.segment   // "s--" + 8 characters + "--"
/// ```
public enum URLSignature {
    /// The three kinds the SDKs produce.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// SHA-1, 8 characters (the default).
        case sha1Short
        /// SHA-256, 8 characters (the SDK's `signature_algorithm = sha256`).
        case sha256Short
        /// SHA-256, 32 characters (the SDK's `long_url_signature`).
        case sha256Long

        /// The kind for the SDK's settings: a long signature always uses SHA-256.
        public init(algorithm: Algorithm = .sha1, long: Bool = false) {
            if long {
                self = .sha256Long
            } else {
                self = algorithm == .sha256 ? .sha256Short : .sha1Short
            }
        }

        /// How many base64url characters are kept.
        public var length: Int { self == .sha256Long ? 32 : 8 }
    }

    /// The hash function of a signature.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable, Codable {
        case sha1, sha256
    }

    /// A computed signature.
    public struct Signature: Sendable, Hashable, CustomStringConvertible {
        public let kind: Kind
        /// The base64url characters between `s--` and `--` (may themselves contain `-`).
        public let value: String
        /// The URL path segment, `s--<value>--`.
        public var segment: String { "s--" + value + "--" }
        public var description: String { segment }
    }

    /// Signs `payload` (what ``DeliveryURL/signedPayload`` returns) with `apiSecret`.
    ///
    /// - Parameters:
    ///   - payload: `<transformation>/<public_id>[.<ext>]` exactly as in the URL, without version.
    ///   - apiSecret: the account's API secret.
    ///   - kind: which hash and how many characters.
    /// - Returns: the signature; put ``Signature/segment`` right after the type in the URL.
    public static func sign(_ payload: String, apiSecret: String, kind: Kind = .sha1Short) -> Signature {
        let digest: Digest
        switch kind {
        case .sha1Short: digest = SHA1.hash(payload + apiSecret)
        case .sha256Short, .sha256Long: digest = SHA256.hash(payload + apiSecret)
        }
        let encoded = digest.base64URL
        return Signature(kind: kind, value: String(encoded.prefix(kind.length)))
    }
}
