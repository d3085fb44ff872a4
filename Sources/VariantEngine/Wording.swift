/// Words for people, shared by the report and the command-line tool.
public enum Wording {
    /// "1 error", "2 errors": the count and its noun, plural unless the count is 1 (nouns that
    /// take an s).
    public static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
