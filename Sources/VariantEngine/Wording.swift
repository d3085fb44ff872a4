/// Words for people, shared by the report and the command-line tool.
public enum Wording {
    /// "1 error", "2 errors": the count and its noun, plural unless the count is 1 (nouns that
    /// take an s).
    public static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// "a, b, c and 4 more": the first `limit` items, so a message about thousands of them
    /// stays a line.
    public static func listed(_ items: [String], limit: Int) -> String {
        items.prefix(limit).joined(separator: ", ") + (items.count > limit ? " and \(items.count - limit) more" : "")
    }
}

extension Unicode.Scalar {
    /// A bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): it
    /// reorders the text after it, so a name or a message holding one reads other than it is.
    /// Spelled out wherever such text is shown (the report, stderr) and refused in names.
    package var reordersText: Bool { (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) }
}
