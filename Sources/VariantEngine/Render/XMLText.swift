/// Text made safe inside XML, HTML and Pango markup: the five characters that are syntax there
/// become entities.
enum XMLText {
    static func escaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// ``escaped(_:)`` for a page people read, with the characters that reorder the text after
    /// them (bidirectional embeddings, overrides and isolates) written out as `[U+202E]`: an
    /// override in an overlay text reversed the rest of its violation's line in the report,
    /// numbers included (found in QA). The marks (U+200E, U+200F) reorder nothing and stay.
    static func escapedForReading(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: \.reordersText) else { return escaped(text) }
        let visible = text.unicodeScalars.map { $0.reordersText ? String(format: "[U+%04X]", $0.value) : String($0) }.joined()
        return escaped(visible)
    }
}
