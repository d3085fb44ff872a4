/// The SDKs' rewriting of human-readable expressions into URL syntax (`normalize_expression`).
///
/// Operators followed by a space or `_` become words (`*` → `mul`, `>=` → `gte`, `&&` → `and`),
/// long variable names become their short forms (`initial_width` → `iw`, `faceCount` → `fc`)
/// unless preceded by `$` or `:`, then runs of spaces and underscores collapse to one `_`. A value
/// wholly wrapped in `!…!` is left alone.
///
/// ```swift
/// ExpressionSyntax.normalize("initial_width * 0.5")                 // "iw_mul_0.5"
/// ExpressionSyntax.normalize("face_count > 2 || page_count != 1")   // "fc_gt_2_or_pc_ne_1"
/// ExpressionSyntax.normalize("w_mul_2")                             // "w_mul_2" (already URL syntax)
/// ```
public enum ExpressionSyntax {
    /// Operators in the SDK's alternation order; each is rewritten only when a space or `_` follows.
    static let operators: [(String, String)] = [
        ("||", "or"), (">=", "gte"), ("<=", "lte"), ("&&", "and"), ("!=", "ne"), (">", "gt"), ("=", "eq"),
        ("<", "lt"), ("/", "div"), ("-", "sub"), ("+", "add"), ("*", "mul"), ("^", "pow"),
    ]

    /// Long names in the SDK's order (the first that matches at a position wins, as in its regex).
    static let names: [(String, String)] = [
        ("aspect_ratio", "ar"), ("aspectRatio", "ar"), ("current_page", "cp"), ("currentPage", "cp"),
        ("face_count", "fc"), ("faceCount", "fc"), ("height", "h"), ("initial_aspect_ratio", "iar"),
        ("initialAspectRatio", "iar"), ("trimmed_aspect_ratio", "tar"), ("trimmedAspectRatio", "tar"),
        ("initial_height", "ih"), ("initialHeight", "ih"), ("initial_width", "iw"), ("initialWidth", "iw"),
        ("page_count", "pc"), ("pageCount", "pc"), ("page_x", "px"), ("pageX", "px"), ("page_y", "py"),
        ("pageY", "py"), ("tags", "tags"), ("width", "w"), ("duration", "du"), ("initial_duration", "idu"),
        ("initialDuration", "idu"), ("illustration_score", "ils"), ("illustrationScore", "ils"),
        ("context", "ctx"),
    ]

    /// The URL form of an expression, exactly as the official Python SDK writes it.
    public static func normalize(_ expression: String) -> String {
        let bytes = Array(expression.utf8)
        if bytes.count >= 3, bytes.first == UInt8(ascii: "!"), bytes.last == UInt8(ascii: "!") {
            return expression
        }
        let operatorBytes = operators.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        let nameBytes = names.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func matches(_ word: [UInt8], at i: Int) -> Bool {
            guard i + word.count <= bytes.count else { return false }
            for k in 0..<word.count where bytes[i + k] != word[k] { return false }
            return true
        }
        scan: while i < bytes.count {
            for (op, replacement) in operatorBytes where matches(op, at: i) {
                let next = i + op.count
                if next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "_") {
                    out.append(contentsOf: replacement)
                    i = next
                    continue scan
                }
            }
            if bytes[i] == UInt8(ascii: "$") {
                // `\$_*[^_ ]+` is kept as written (a variable reference).
                var j = i + 1
                while j < bytes.count, bytes[j] == UInt8(ascii: "_") { j += 1 }
                let start = j
                while j < bytes.count, bytes[j] != UInt8(ascii: "_"), bytes[j] != UInt8(ascii: " ") { j += 1 }
                if j > start {
                    out.append(contentsOf: bytes[i..<j])
                    i = j
                    continue scan
                }
            }
            let previous = i > 0 ? bytes[i - 1] : 0
            if previous != UInt8(ascii: "$"), previous != UInt8(ascii: ":") {
                for (name, replacement) in nameBytes where matches(name, at: i) {
                    out.append(contentsOf: replacement)
                    i += name.count
                    continue scan
                }
            }
            out.append(bytes[i])
            i += 1
        }
        // Runs of spaces and underscores become one underscore.
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(out.count)
        var inRun = false
        for b in out {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "_") {
                if !inRun { collapsed.append(UInt8(ascii: "_")) }
                inRun = true
            } else {
                collapsed.append(b)
                inRun = false
            }
        }
        return String(decoding: collapsed, as: UTF8.self)
    }
}
