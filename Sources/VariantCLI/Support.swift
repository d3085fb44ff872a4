import ArgumentParser
import CloudinaryTransform
import Foundation
import Synchronization
import VariantEngine

/// Exit statuses of the CLI contract.
enum ExitStatus {
    static let success: Int32 = 0
    /// The input was checked and found invalid, or a policy failed.
    static let invalid: Int32 = 1
    /// Usage or I/O error.
    static let ioError: Int32 = 2
}

/// An error the CLI reports as one line and an exit status.
struct CLIError: Error {
    var message: String
    var status: Int32

    static func usage(_ message: String) -> CLIError { CLIError(message: message, status: ExitStatus.ioError) }
    static func io(_ message: String) -> CLIError { CLIError(message: message, status: ExitStatus.ioError) }
    /// Results were printed already; only the status remains.
    static let invalidInput = CLIError(message: "", status: ExitStatus.invalid)
}

enum Diagnostics {
    /// One line on stderr (or several, for a message that lists things). Other control
    /// characters in it (a file name or an id from a manifest may hold an escape sequence that
    /// retitles or clears the terminal) are written as `\u{1B}`.
    static func write(_ text: String) {
        let visible = visible(text)
        raw(visible.hasSuffix("\n") ? visible : visible + "\n")
    }

    /// `text` with every control character but the tab and the newline, and every bidirectional
    /// embedding, override and isolate, spelled out (`\u{1B}`, `\u{202E}`).
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A control character but the tab and the newline, or a bidirectional embedding, override
    /// or isolate, which reorders the rest of the terminal's line (found in QA: an overlay text's
    /// U+202E reversed its violation's line on stderr, as it had in the report).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar != "\t" && scalar != "\n" && scalar.properties.generalCategory == .control) || scalar.reordersText
    }

    /// Text on stderr as it is; a failed write is ignored (there is nowhere left to report it),
    /// and unlike `FileHandle.write(_:)` it does not trap.
    static func raw(_ text: String) {
        _ = writeEverything(Data(text.utf8), to: STDERR_FILENO)
    }

    /// `variant: error: text` and `variant: warning: text` are one line each: a line break in
    /// the text (a file name or an id may hold one) is spelled out too, so one problem stays one
    /// line for whoever parses the log. (Lists of problems go through ``write(_:)``.)
    static func error(_ text: String) { write("variant: error: \(oneLine(text))") }
    static func warning(_ text: String) { write("variant: warning: \(oneLine(text))") }
    /// A warning on stderr, kept in `notes` as a command's JSON gives it ("warning: …").
    static func warning(_ text: String, noting notes: inout [String]) {
        warning(text)
        notes.append("warning: " + text)
    }
    static func oneLine(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\\u{A}") }
}

enum JSONOutput {
    /// One JSON document on stdout, keys sorted for stable output.
    static func print<T: Encodable>(_ value: T, pretty: Bool = true) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        try StandardOutput.write(data)
    }
}

enum StandardOutput {
    /// The first failed write of a `print`, reported when the command ends.
    static let failure = Mutex<String?>(nil)

    /// Writes to stdout, or fails as an I/O error naming the reason (a full disk, a closed
    /// descriptor) rather than trapping as `FileHandle.write(_:)` does.
    static func write(_ data: Data) throws {
        if let reason = writeEverything(data, to: STDOUT_FILENO) {
            throw CLIError.io("stdout: cannot write: \(reason)")
        }
    }
}

/// Writes all of `data` to `descriptor` with write(2), again after an interruption; the reason
/// when a write failed, nil when everything was written.
func writeEverything(_ data: Data, to descriptor: Int32) -> String? {
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> String? in
        var done = 0
        while done < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            if written == 0 { return "nothing was written" }
            done += written
        }
        return nil
    }
}

/// The commands' `print`: straight to stdout (no buffer to lose at exit), and a failed write is
/// remembered, so that a result lost to a full disk or a closed stdout exits 2, not 0.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    do {
        try StandardOutput.write(Data(text.utf8))
    } catch let error as CLIError {
        StandardOutput.failure.withLock { $0 = $0 ?? error.message }
    } catch {}
}

extension String {
    /// Help text with each paragraph on one line, for the argument parser to wrap at the
    /// terminal's width: source lines are broken at about 95 columns and the parser wraps at 80,
    /// so hard breaks left a short line after most long ones. Lines that start with a space
    /// (examples, JSON) or with "- " (list items) keep their own lines.
    var reflowed: String {
        var lines: [String] = []
        var joinable = false
        for line in split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let prose = !line.isEmpty && !line.hasPrefix(" ")
            if prose && joinable && !line.hasPrefix("- ") {
                lines[lines.count - 1] += " " + line
            } else {
                lines.append(line)
            }
            joinable = prose
        }
        return lines.joined(separator: "\n")
    }
}

/// The usage error for a count, size or limit given as zero or less.
func requirePositive(_ value: Int, for option: String) throws {
    if value < 1 { throw ValidationError("expected a positive number for \(option) but received \(value)") }
}

/// `-o -`: the image's bytes go to standard output, for a pipe.
let standardOutputPath = "-"

/// Whether `path` is standard output: `-`, or a path to the file, pipe or device that
/// descriptor 1 is (`/dev/stdout`, `/proc/self/fd/1`, the file stdout is redirected to).
func isStandardOutput(_ path: String?) -> Bool {
    guard let path else { return false }
    if path == standardOutputPath { return true }
    var named = stat(), descriptor = stat()
    guard stat(path, &named) == 0, fstat(STDOUT_FILENO, &descriptor) == 0 else { return false }
    return named.st_dev == descriptor.st_dev && named.st_ino == descriptor.st_ino
}

/// Whether `path` (through any links) is a device or a pipe, which is written as it
/// is, without a temporary file in its folder: its folder need not be writable (`-o /dev/null`
/// was refused to anyone but root, /dev being root's), but it must be.
/// - Throws: `CLIError.io` when it is one this process may not write.
func writesThrough(_ path: String) throws -> Bool {
    var status = stat()
    guard stat(path, &status) == 0 else { return false }
    let type = status.st_mode & S_IFMT
    guard type != S_IFREG, type != S_IFDIR else { return false }
    // A socket cannot be opened for writing (it failed only after the work).
    if type == S_IFSOCK { throw CLIError.io("\(path): is a socket, not a file, device or pipe") }
    guard access(path, W_OK) == 0 else { throw CLIError.io("\(path): cannot be written (\(String(cString: strerror(errno))))") }
    return true
}

/// Checks an image output path (`render -o`, `optimize -o`) before any work: a path, not a
/// directory, not the source image itself, in a folder that exists and can be written, with an
/// extension that names a format or none. Returns the format the extension names. `-` is
/// standard output, refused when it is a terminal (image bytes would garble it) or when
/// `--json` would print there too.
/// `formats`: the formats the command writes (a known extension of another is refused too).
func checkImageOutput(_ path: String, option: String = "-o", source: String, formatHint: String, json: Bool,
                      formats: [ImageFormat] = ImageFormat.allCases) throws -> ImageFormat? {
    if isStandardOutput(path) {
        if json {
            throw CLIError.usage("\(option) \(path) writes the image to stdout, where --json prints: give a file path, or drop --json")
        }
        if isatty(STDOUT_FILENO) != 0 {
            throw CLIError.usage("\(option) \(path) writes image bytes to stdout, which is a terminal: redirect it (\(option) - > out.webp) or pipe it")
        }
        return path == standardOutputPath ? nil : ImageFormat(name: (path as NSString).pathExtension)
    }
    try checkNamesAFile(path, option: option, kind: "an image file")
    // The output would replace its own source (as `plan` refuses to overwrite its inputs).
    if AtomicFile.destination(of: path) == AtomicFile.destination(of: source) {
        throw CLIError.io("\(option) \(path): the same file as the source image; give another path")
    }
    var isDirectory: ObjCBool = false
    let folder = URL(fileURLWithPath: AtomicFile.destination(of: path)).deletingLastPathComponent().path
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw CLIError.io("\(path): \(folder) is not a directory")
    }
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
        throw CLIError.io("\(path): the folder \(folder) does not exist")
    }
    guard try writesThrough(path) || FileManager.default.isWritableFile(atPath: folder) else {
        throw CLIError.io("\(path): the folder \(folder) is not writable")
    }
    let ext = (path as NSString).pathExtension
    let format = ImageFormat(name: ext)
    let names = formats.map { "." + $0.fileExtension }
    let listed = names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
    if !ext.isEmpty, format == nil {
        throw CLIError.usage("\(path): unknown output extension '.\(ext)': name the file \(listed), or \(formatHint)")
    }
    if let format, !formats.contains(format) {
        throw CLIError.usage("\(path): this command does not write \(format.displayName): name the file \(listed), or \(formatHint)")
    }
    return format
}

/// Refuses an output path that names no file: an empty one, or one ending in `/` (a folder:
/// written as given, it became a file of that name); and a file no one may write, which the
/// write would refuse only after the work (``AtomicFile``).
func checkNamesAFile(_ path: String, option: String, kind: String) throws {
    if path.isEmpty { throw CLIError.usage("\(option): expected a path to \(kind) but received an empty one") }
    // "missing/.." and "x/." name folders too (and "missing/.." sent the folder check into a
    // walk up that never ended).
    let last = path.split(separator: "/").last
    // An existing folder too, named as the output (it read as an input's error: "adir: is a
    // directory, not an image file").
    var isDirectory: ObjCBool = false
    if path.hasSuffix("/") || last == "." || last == ".."
        || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
        throw CLIError.usage("\(option) \(path): names a folder; give the path of \(kind)")
    }
    if path != standardOutputPath, AtomicFile.isReadOnlyFile(path) { throw CLIError.io("\(path): \(AtomicFile.readOnlyReason)") }
}

/// Writes an image to `path` atomically (nothing is left there on failure), or to standard
/// output for `-` and for a path that names it (`/dev/stdout`): written at its place in the
/// stream, not renamed over the file stdout is redirected to (found in review: `{ echo header;
/// variant render … -o /dev/stdout; } > f` lost the header).
func writeImageOutput(_ data: Data, to path: String) throws {
    do {
        if isStandardOutput(path) {
            try StandardOutput.write(data)
        } else {
            try AtomicFile.write(data, to: path)
        }
    } catch let error as EngineError {
        throw CLIError.io(error.description)
    } catch let error as CLIError {
        throw error
    } catch {
        throw CLIError.io("\(path == standardOutputPath ? "stdout" : path): cannot write: \(error.localizedDescription)")
    }
}

/// A summary line for a person: on stdout, or on stderr when stdout carries the image (`-o -`,
/// `-o /dev/stdout`).
func printSummary(_ line: String, output: String?) {
    if isStandardOutput(output) { Diagnostics.write(line) } else { print(line) }
}

/// How many diagnostics of one input are printed for a person; `--json` lists up to the
/// library's limit (1000, then one saying how many more). A 120,000-character string of
/// repeated parameters made `validate` print 3.6 GB.
let printedDiagnosticLimit = 20

/// Each diagnostic with the input and a caret line (windowed around the problem), at most
/// ``printedDiagnosticLimit`` of them, then one line saying how many more there are.
func renderedDiagnostics(_ diagnostics: [Diagnostic], input: String) -> [String] {
    let listed = diagnostics.filter { $0.code != .moreDiagnostics }
    var lines = listed.prefix(printedDiagnosticLimit).map { $0.rendered(input: input) }
    if listed.count > printedDiagnosticLimit {
        lines.append("… and \(Wording.counted(listed.count - printedDiagnosticLimit, "more diagnostic")) (--json lists them)")
    }
    if let unlisted = diagnostics.last(where: { $0.code == .moreDiagnostics }) { lines.append("… \(unlisted.message)") }
    return lines
}

/// The boxes of `--faces` and `--custom`, or a usage error naming the option whose value is
/// wrong (it was "--faces/--custom: …", without the usage lines other bad values get).
func knownRegions(faces: String?, custom: String?) throws -> KnownRegions {
    func boxes(_ text: String?, _ option: String) throws -> [Rect] {
        do {
            return try text.map(KnownRegions.parseBoxes) ?? []
        } catch let error as GeometryError {
            throw ValidationError("\(option): \(error.message)")
        }
    }
    return KnownRegions(faces: try boxes(faces, "--faces"), custom: try boxes(custom, "--custom"))
}

/// `text` itself when short, else its start and its length: for echoing inputs in messages.
func abbreviated(_ text: String, limit: Int = 200) -> String {
    text.count <= limit ? text : "\(text.prefix(limit))… (\(text.count) characters)"
}

/// What to say when a delivery URL, or the end of one's path, is given where a transformation
/// goes: which part is the transformation. Found in QA: a plan's `url` pasted into `render` gave
/// nine errors (`unknown parameter 'https:'`, `'v1' (did you mean vc_?)` …) and no way forward.
func deliveryURLHint(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let lower = trimmed.lowercased()
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
        guard let transformation = (try? DeliveryURL(parsing: trimmed))?.transformation else {
            return "\(abbreviated(trimmed)) is a URL, not a transformation (one looks like c_fill,w_800,h_450)"
        }
        return "\(abbreviated(trimmed)) is a delivery URL, not a transformation: its transformation is \(transformation) "
            + "(variant url parse shows every part)"
    }
    // The end of a URL's path: a valid transformation, a version, then the public id.
    let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
    if let version = parts.firstIndex(where: { $0.count > 1 && $0.first == "v" && $0.dropFirst().allSatisfy { ("0"..."9").contains($0) } }),
       version > 0, version < parts.count - 1 {
        let before = parts[..<version].joined(separator: "/")
        if Transformation.parse(before).isValid {
            return "\(abbreviated(trimmed)) ends like a delivery URL's path: the transformation is \(before), and "
                + "/\(parts[version])/\(parts[(version + 1)...].joined(separator: "/")) its version and public id"
        }
    }
    return nil
}

/// The parsed transformation, or its diagnostics on stderr (capped, with carets) and an
/// "invalid transformation" error with exit status 1. An invalid one that names an existing
/// file is an image given where the transformation goes: that is said instead, with `usage`;
/// likewise a delivery URL (``deliveryURLHint(_:)``).
func parseTransformationArgument(_ text: String, usage: String) throws -> Transformation {
    let parsed = Transformation.parse(text)
    guard let transformation = parsed.transformation, parsed.isValid else {
        // A file, not a folder: "///" (three empty components) names the root folder.
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isFolder), !isFolder.boolValue {
            throw CLIError(message: "invalid transformation: \(abbreviated(text)) is a file, not a transformation "
                           + "(one looks like c_fill,w_800,h_450): \(usage)", status: ExitStatus.invalid)
        }
        if let hint = deliveryURLHint(text) {
            throw CLIError(message: "invalid transformation: \(hint)", status: ExitStatus.invalid)
        }
        for line in renderedDiagnostics(parsed.diagnostics, input: text) { Diagnostics.write("variant: " + line) }
        throw CLIError(message: "invalid transformation: \(abbreviated(text))", status: ExitStatus.invalid)
    }
    return transformation
}
