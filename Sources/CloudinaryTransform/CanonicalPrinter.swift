/// The canonical order of parameters inside a component, as the official SDKs print it.
///
/// The Python SDK puts `if_` first, then the `$variable` parameters sorted as `key_value`
/// strings, then all other parameters sorted as `key_value` strings. Since `$` sorts before every
/// letter, that is: `if_` first, then plain byte order of the whole `key_value` text. For documented
/// keys, all lowercase letters, that is ASCII order of the key, because `_` sorts before letters
/// (`e_` < `eo_`, `f_` < `fl_`).
enum CanonicalOrder {
    /// Whether the parameter text `bytes[a0..<a1]` sorts before `bytes[b0..<b1]`.
    @inline(__always)
    static func precedes(_ bytes: Bytes, _ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> Bool {
        let aIf = isCondition(bytes, a0, a1)
        let bIf = isCondition(bytes, b0, b1)
        if aIf != bIf { return aIf }
        if aIf { return false }
        var i = a0
        var j = b0
        while i < a1, j < b1 {
            let x = bytes[i]
            let y = bytes[j]
            if x != y { return x < y }
            i += 1
            j += 1
        }
        return i == a1 && j < b1
    }

    /// `order` (indexes of parameters) with a variable that another one in the
    /// same component uses moved before it: `$z_10,$a_$z_mul_2` stays so, where name order put
    /// `$a` first, using `$z` before it was set. Variables no other one uses keep name order
    /// (the SDKs sort `$name` keys); a cycle keeps it too.
    /// Each parameter's "key_value" text comes from `text`.
    static func declaringFirst(_ order: [Int], text: (Int) -> String) -> [Int] {
        let variables = order.filter { text($0).hasPrefix("$") }
        guard variables.count > 1 else { return order }
        var texts: [Int: String] = [:]
        for v in variables { texts[v] = text(v) }
        func name(_ index: Int) -> Substring { texts[index]!.prefix { $0 != "_" } }
        // A use is `$name` not followed by another letter or digit, outside `!quoted!` text;
        // inside it only `$(name)` is one, as the validator reads uses.
        func uses(_ user: Int, _ used: Int) -> Bool {
            let text = Array(texts[user]!.utf8), reference = Array(name(used).utf8)
            var i = (text.firstIndex(of: UInt8(ascii: "_")) ?? 0) + 1
            var quoted = false
            while i < text.count {
                let c = text[i]
                if c == UInt8(ascii: "!") { quoted.toggle(); i += 1; continue }
                if c == UInt8(ascii: "$") {
                    if quoted {
                        let form = [UInt8(ascii: "$"), UInt8(ascii: "(")] + reference.dropFirst() + [UInt8(ascii: ")")]
                        if text[i...].starts(with: form) { return true }
                    } else if text[i...].starts(with: reference) {
                        let after = i + reference.count < text.count ? text[i + reference.count] : nil
                        if after.map({ !(($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)) }) ?? true { return true }
                    }
                }
                i += 1
            }
            return false
        }
        var pending = variables, placed: [Int] = []
        while !pending.isEmpty {
            let ready = pending.firstIndex { v in !pending.contains { $0 != v && uses(v, $0) } } ?? 0
            placed.append(pending.remove(at: ready))
        }
        var next = placed.makeIterator()
        return order.map { texts[$0] != nil ? next.next()! : $0 }
    }

    @inline(__always)
    static func isCondition(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bool {
        end - start >= 3 && bytes[start] == UInt8(ascii: "i") && bytes[start + 1] == UInt8(ascii: "f")
            && bytes[start + 2] == UInt8(ascii: "_")
    }
}

/// Prints a transformation model in canonical order (see ``CanonicalOrder``).
enum CanonicalPrinter {
    static func print(_ transformation: Transformation) -> String {
        // Each parameter's "key_value" text, then one pass that writes them in order.
        var texts: [String] = []
        var breaks: [Int] = []
        for component in transformation.components {
            for parameter in component.parameters { texts.append(parameter.key + "_" + parameter.rawValue) }
            breaks.append(texts.count)
        }
        var joined = texts.joined(separator: ",")
        let capacity = joined.utf8.count + breaks.count
        return joined.withUTF8 { all in
            let bytes = Bytes(all)
            // Spans of each text inside `joined`.
            var spans: [Int] = []
            spans.reserveCapacity(texts.count * 2)
            var offset = 0
            for text in texts {
                let n = text.utf8.count
                spans.append(offset)
                spans.append(offset + n)
                offset += n + 1
            }
            return String(unsafeUninitializedCapacity: capacity) { out in
                var at = 0
                var first = 0
                for (componentIndex, end) in breaks.enumerated() {
                    if componentIndex > 0 {
                        out[at] = UInt8(ascii: "/")
                        at += 1
                    }
                    var order = Array(first..<end)
                    for k in 1..<max(order.count, 1) {
                        let moving = order[k]
                        var j = k
                        while j > 0,
                            CanonicalOrder.precedes(
                                bytes, spans[2 * moving], spans[2 * moving + 1], spans[2 * order[j - 1]],
                                spans[2 * order[j - 1] + 1])
                        {
                            order[j] = order[j - 1]
                            j -= 1
                        }
                        order[j] = moving
                    }
                    order = CanonicalOrder.declaringFirst(order) { texts[$0] }
                    for (k, index) in order.enumerated() {
                        if k > 0 {
                            out[at] = UInt8(ascii: ",")
                            at += 1
                        }
                        for b in spans[2 * index]..<spans[2 * index + 1] {
                            out[at] = bytes[b]
                            at += 1
                        }
                    }
                    first = end
                }
                return at
            }
        }
    }
}
