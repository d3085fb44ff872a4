import CVips
import Foundation

/// An error from the libvips layer: a typed code, a message, and the input it concerns.
public struct VipsError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is. New codes may be added; match the ones you handle.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let initialisationFailed = Code(rawValue: "initialisation-failed")
        public static let fileNotFound = Code(rawValue: "file-not-found")
        public static let notAFile = Code(rawValue: "not-a-file")
        public static let emptyInput = Code(rawValue: "empty-input")
        public static let unreadable = Code(rawValue: "unreadable")
        public static let unsupportedFormat = Code(rawValue: "unsupported-format")
        public static let tooManyPixels = Code(rawValue: "too-many-pixels")
        public static let decodeFailed = Code(rawValue: "decode-failed")
        public static let operationFailed = Code(rawValue: "operation-failed")
        public static let encodeFailed = Code(rawValue: "encode-failed")
        public static let invalidArgument = Code(rawValue: "invalid-argument")
        /// An image wider or taller than the format it is encoded in takes
        /// (``ImageFormat/maxSide``): the request is invalid for that format, not the input damaged.
        public static let tooLargeForFormat = Code(rawValue: "too-large-for-format")
        /// A computation ran past its time limit (``LoadOptions/timeout``) and was stopped.
        public static let timeout = Code(rawValue: "timeout")
        /// A computation was stopped because its ``VipsCancellation`` was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
    }

    public let code: Code
    /// A one-line human message (libvips's own text where libvips failed).
    public let message: String
    /// The input concerned: a file path, "<bytes>", or the operation's name.
    public let context: String?

    public init(_ code: Code, _ message: String, context: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        if let context { return "\(context): \(message)" }
        return message
    }

    /// Builds an error from libvips's error buffer, which this reads and clears.
    /// With `redecoding`, an empty buffer has the file the context names decoded again
    /// (``decodeFailure(ofFileIn:)``).
    static func fromLibvips(_ code: Code, context: String?, fallback: String = "libvips failed", prefix: String? = nil,
                            redecoding: Bool = true) -> VipsError {
        guard var text = takeLibvipsMessages(naming: context) else {
            if redecoding, let context, let decoding = decodeFailure(ofFileIn: context) { return decoding }
            return VipsError(code, prefix.map { "\($0): \(fallback)" } ?? fallback, context: context)
        }
        if let prefix { text = "\(prefix): \(text)" }
        return VipsError(code, text, context: context)
    }

    /// When libvips failed and its buffer was empty (another thread had taken the words: a
    /// damaged JPEG in a plan of eight at once said only "libvips failed"), the file the
    /// context names ("/srv/a.jpg" or "/srv/a.jpg: jpeg encode") is decoded again on its own;
    /// if that fails, its reason is this failure's. Nil when the context names no file or the
    /// file decodes.
    static func decodeFailure(ofFileIn context: String) -> VipsError? {
        let path = filePath(in: context)
        var info = stat()
        guard path.hasPrefix("/"), stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        // The check decodes through libvips too: once per failure, not again from inside it.
        let key = "variant.vips.redecoding"
        let thread = Thread.current.threadDictionary
        guard thread[key] == nil else { return nil }
        thread[key] = true
        defer { thread[key] = nil }
        // The check's own words can be taken the same way: a few tries (seen at eight at once).
        for _ in 0..<3 {
            do {
                try Image.verifyDecodes(path: path)
                return nil
            } catch let error as VipsError where error.code == .decodeFailed && !error.message.hasSuffix("libvips failed") {
                var words = error.message
                for said in ["cannot decode the image: ", "the image data is damaged: "] where words.hasPrefix(said) {
                    words.removeFirst(said.count)
                }
                return VipsError(.decodeFailed, "cannot decode the image: " + words, context: path)
            } catch let error as VipsError where error.code == .decodeFailed {
                continue
            } catch {
                return nil
            }
        }
        return nil
    }

    /// What libvips's message buffer holds, as one line, emptying it; nil when it is empty.
    /// Loaders start their lines with the file's name: with `context` that name, it is said
    /// once by the error ("x.avif: bad seek", not "x.avif: x.avif: bad seek"), and a line said
    /// twice is kept once.
    static func takeLibvipsMessages(naming context: String? = nil) -> String? {
        guard let raw = cvips_error_copy() else { return nil }
        let copied = String(cString: raw)
        cvips_free(raw)
        var lines: [String] = []
        for line in copied.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            var text = line
            if let context, text.hasPrefix(context + ": "), text.count > context.count + 2 { text.removeFirst(context.count + 2) }
            if let context, namesAnotherFile(text, context: context) { continue }
            if !lines.contains(text) { lines.append(text) }
        }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }

    /// The input a context names: "/srv/a.jpg" of "/srv/a.jpg: jpeg encode".
    static func filePath(in context: String) -> String {
        context.components(separatedBy: ": ").first ?? context
    }

    /// Whether a line of libvips's buffer is about a file other than the one `context` names
    /// ("/srv/a.jpg" or "/srv/a.jpg: jpeg encode"): it starts with another path ("/srv/b.avif:
    /// bad seek to 3576") or quotes one (`VipsForeignLoad: "/srv/b.jpg" is not a known file
    /// format`). The buffer is the process's, and under concurrent use a failure read the
    /// lines of files that failed on other threads as part of its own reason. Only absolute
    /// paths are recognised; a line naming no file is kept.
    static func namesAnotherFile(_ line: String, context: String) -> Bool {
        let own = filePath(in: context)
        func foreign(_ path: Substring) -> Bool { path.hasPrefix("/") && path != own && path != context }
        if let colon = line.range(of: ": "), foreign(line[..<colon.lowerBound]) { return true }
        let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
        return stride(from: 1, to: quoted.count - 1, by: 2).contains { foreign(quoted[$0]) }
    }
}

/// `localizedDescription` (what loggers print) says what happened, not "The operation could
/// not be completed".
extension VipsError: LocalizedError {
    public var errorDescription: String? { description }
}
