import ArgumentParser
import CloudinaryTransform
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check Cloudinary transformation strings and print their canonical form.",
        usage: "variant validate [<transformations> ...] [<options>]",
        discussion: """
            Each transformation is parsed, checked against the documented parameters (values, ranges,
            combinations, if_/if_end balance) and printed in the official SDKs' canonical order (if_
            first, then $variables, then keys in ASCII order; components keep their order), with
            one difference: a $variable whose value uses another comes after it, where the SDKs
            sort it by name ($big_2_mul_$small,$small_150 is printed $small_150,$big_2_mul_$small).
            Diagnostics point at the offending text and suggest a fix when one is likely.

            With no argument, one transformation per line is read from stdin (blank lines skipped).

            With --json, one object per input (one per line, JSON Lines, when there are several or they come from stdin):
              {"input", "valid", "canonical",
               "diagnostics": [{"severity", "code", "message", "component", "offset",
                                "length", "suggestion"}], "note"?}
            "note" is there when the input is no transformation at all (a delivery URL: it gives the
            URL's transformation). "canonical" is null when the input is invalid; "component", "offset" and "length" count
            components from 0 and characters of the input, as a reader sees them (grapheme clusters: an e
            followed by a combining accent is one character; ASCII input counts bytes).

            Exit status: 0 all valid (warnings allowed), 1 any input invalid, 2 usage or I/O error.

            Examples:
              variant validate 'c_fill,g_auto,w_800,h_450/f_auto/q_auto'
              variant validate --json 'c_fil,w_300'
              variant validate --resource-type video 'vc_h264,so_2.5'
              cut -f3 entries.tsv | variant validate --json > report.jsonl

            Parameters (from the parameter table):
            \(ParameterTable.helpText())
            """.reflowed
    )

    @Argument(help: "Transformations to check (default: one per line on stdin).")
    var transformations: [String] = []

    @Flag(help: "Print JSON only on stdout.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Also reject parameters that do not apply to this resource type.", valueName: "image|video"))
    var resourceType: String?

    func validate() throws {
        if let resourceType, MediaKind(rawValue: resourceType) == nil {
            throw ValidationError(
                "Expected image or video for --resource-type but received '\(resourceType)'")
        }
    }

    func run() throws {
        let fromStandardInput = transformations.isEmpty
        let inputs = fromStandardInput ? try Self.readStandardInput() : transformations
        let context = ValidationContext(resourceType: resourceType.flatMap(MediaKind.init))
        var invalid = 0
        for input in inputs {
            let result = Transformation.validate(input, context: context)
            // A delivery URL is said as such, on stderr and in the JSON (found in QA: only on stderr).
            let hint = result.isValid ? nil : deliveryURLHint(input)
            if !result.isValid {
                invalid += 1
                if let hint { Diagnostics.write("variant: note: \(hint)") }
            }
            if json {
                try JSONOutput.print(ValidationJSON(input: input, result: result, note: hint), pretty: inputs.count == 1 && !fromStandardInput)
            } else {
                print(Self.describe(input: input, result: result))
            }
        }
        if invalid > 0 { throw CLIError.invalidInput }
    }

    static func readStandardInput() throws -> [String] {
        // read(2) directly: Foundation's `readDataToEndOfFile()` traps when stdin is a directory
        // or a closed descriptor, and its throwing sibling's error says only "error 256".
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw CLIError.io("stdin: cannot read: \(String(cString: strerror(errno)))")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError.io("stdin is not UTF-8 text")
        }
        // Any line ending: "\r\n" is one Character in Swift, so splitting on "\n" kept Windows
        // files as one line.
        return text.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `✓ input` (and the canonical form when it differs), or `✗ input` followed by each
    /// diagnostic with a caret line under the offending text.
    static func describe(input: String, result: ParseResult) -> String {
        var lines: [String] = []
        if let canonical = result.canonical {
            lines.append(
                canonical == input ? "valid: \(input)" : "valid: \(input)\n  canonical: \(canonical)")
        } else {
            lines.append("invalid: \(abbreviated(input))")
        }
        for rendered in renderedDiagnostics(result.diagnostics, input: input) {
            lines.append(rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}

/// The JSON contract of `variant validate --json`; absent values are written as null.
struct ValidationJSON: Encodable {
    var input: String
    var result: ParseResult
    /// What the input is when it is no transformation at all (a delivery URL: its transformation),
    /// as stderr says it; absent otherwise.
    var note: String? = nil

    enum Keys: String, CodingKey { case input, valid, canonical, diagnostics, note }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(input, forKey: .input)
        try c.encode(result.isValid, forKey: .valid)
        try c.encode(result.canonical, forKey: .canonical)
        try c.encode(result.diagnostics.map(DiagnosticJSON.init), forKey: .diagnostics)
        try c.encodeIfPresent(note, forKey: .note)
    }
}

struct DiagnosticJSON: Encodable {
    var diagnostic: Diagnostic

    enum Keys: String, CodingKey { case severity, code, message, component, offset, length, suggestion }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(diagnostic.severity.rawValue, forKey: .severity)
        try c.encode(diagnostic.code.rawValue, forKey: .code)
        try c.encode(diagnostic.message, forKey: .message)
        try c.encode(diagnostic.component, forKey: .component)
        try c.encode(diagnostic.offset, forKey: .offset)
        try c.encode(diagnostic.length, forKey: .length)
        try c.encode(diagnostic.suggestion, forKey: .suggestion)
    }
}
