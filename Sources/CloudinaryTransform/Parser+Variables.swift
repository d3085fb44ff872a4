extension TransformationParser {
    /// Warns about each `$name` used where no component up to and including its own declares it
    /// (`$name_<value>`). Cloudinary's rule is "declare before use"; an undeclared name is most
    /// often a typo (`w_$widht` beside `$width_300`). A named transformation (`t_`) can declare
    /// variables we cannot see, so nothing is reported after one. Inside a `!quoted!` string
    /// only the `$(name)` form counts as a use, since a bare `$` there can be literal text.
    ///
    /// A separate pass over the bytes, taken only when the input holds a `$`, so strings without
    /// variables (nearly all) pay one byte search for it.
    mutating func checkVariableUses() {
        let dollarSign = UInt8(ascii: "$")
        guard bytes.contains(dollarSign) else { return }
        let n = bytes.count
        var declared: [(name: Bytes, component: Int)] = []
        var uses: [(name: Bytes, component: Int, offset: Int, length: Int, parameter: Int)] = []
        var namedFrom = Int.max
        var component = 0
        var parameterStart = true
        // In a text overlay's text (`l_text:<style>:…`, after the second `:`) a bare `$` is the
        // text's own: only `$(name)` is a use there. The style (`Arial_$size`) is not text.
        var inText = false
        var textColons = 0
        var parameter = 0
        var i = 0
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "!"), let close = quoteEnd(openingAt: i) {
                // `$(name)` inside a quoted string.
                var j = i + 1
                while j + 2 < close {
                    if bytes[j] == dollarSign, bytes[j + 1] == UInt8(ascii: "("),
                        let (name, end) = variableName(from: j + 2), end < close, bytes[end] == UInt8(ascii: ")")
                    {
                        uses.append((name, component, j, end + 1 - j, parameter))
                        j = end + 1
                    } else {
                        j += 1
                    }
                }
                i = close + 1
                parameterStart = false
                continue
            }
            if c == UInt8(ascii: "/") || c == UInt8(ascii: ",") {
                if c == UInt8(ascii: "/") { component += 1 }
                parameterStart = true
                inText = false
                textColons = 0
                i += 1
                continue
            }
            if parameterStart {
                parameterStart = false
                parameter = i
                if c == dollarSign, let (name, end) = variableName(from: i + 1),
                    end < n, bytes[end] == UInt8(ascii: "_")
                {
                    declared.append((name, component))
                    i = end + 1
                    continue
                }
                if c == UInt8(ascii: "t"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "_") {
                    namedFrom = min(namedFrom, component)
                }
                inText = false
                textColons = startsTextLayer(at: i) ? 2 : 0
            }
            if c == UInt8(ascii: ":"), textColons > 0 {
                textColons -= 1
                if textColons == 0 { inText = true }
            }
            if c == dollarSign {
                let parenthesised = i + 1 < n && bytes[i + 1] == UInt8(ascii: "(")
                if let (name, end) = variableName(from: i + (parenthesised ? 2 : 1)) {
                    let closed = parenthesised && end < n && bytes[end] == UInt8(ascii: ")")
                    if closed || (!parenthesised && !inText) {
                        let stop = closed ? end + 1 : end
                        uses.append((name, component, i, stop - i, parameter))
                        i = stop
                        continue
                    }
                }
            }
            i += 1
        }
        // Where each name is first declared: one look-up per use (a string of thousands of uses
        // and declarations took seconds when each use searched them all).
        var firstDeclared: [String: Int] = [:]
        for declaration in declared {
            let name = "$" + String(decoding: declaration.name, as: UTF8.self)
            if firstDeclared[name] == nil { firstDeclared[name] = declaration.component }
        }
        var names: [String]? = nil
        for use in uses where use.component < namedFrom {
            if diagnostics.count >= Self.diagnosticLimit { break }
            let name = "$" + String(decoding: use.name, as: UTF8.self)
            let declaredIn = firstDeclared[name]
            if let declaredIn, declaredIn <= use.component { continue }
            let later = declaredIn != nil
            var message = "\(name) is used but "
            message += later ? "declared only in a later component (declare before use)" : "never declared (\(name)_<value>)"
            var suggestion: String? = nil
            if !later, diagnostics.count < Self.suggestionLimit {
                if names == nil { names = firstDeclared.keys.sorted() }
                suggestion = suggest(name, among: names!).map { replacing(use, with: $0) }
            }
            report(
                .warning, .undefinedVariable, message, component: use.component, offset: use.offset,
                length: use.length, suggestion: suggestion)
        }
    }

    /// The whole parameter holding `use`, with `name` (`$other`) written in its place.
    private func replacing(_ use: (name: Bytes, component: Int, offset: Int, length: Int, parameter: Int), with name: String) -> String {
        // The parameter's end, read from its start so that quoted strings are skipped whole.
        var end = use.parameter
        while end < bytes.count, bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "/") {
            if bytes[end] == UInt8(ascii: "!"), let close = quoteEnd(openingAt: end) { end = close }
            end += 1
        }
        end = max(end, use.offset + use.length)
        let parenthesised = bytes[use.offset + 1] == UInt8(ascii: "(")
        return String(decoding: bytes[use.parameter..<use.offset], as: UTF8.self)
            + (parenthesised ? "$(\(name.dropFirst()))" : name)
            + String(decoding: bytes[(use.offset + use.length)..<end], as: UTF8.self)
    }

    /// `l_text:` or `u_text:` at `i`.
    private func startsTextLayer(at i: Int) -> Bool {
        guard i + 7 <= bytes.count, bytes[i] == UInt8(ascii: "l") || bytes[i] == UInt8(ascii: "u") else { return false }
        return bytes[(i + 1)..<(i + 7)].elementsEqual("_text:".utf8)
    }

    /// The letters and digits of a variable name starting with a letter at `start`, and the
    /// index after them.
    private func variableName(from start: Int) -> (Bytes, Int)? {
        guard start < bytes.count, (bytes[start] | 0x20) &- 97 < 26 else { return nil }
        var end = start + 1
        while end < bytes.count {
            let c = bytes[end]
            guard (c | 0x20) &- 97 < 26 || c &- 48 < 10 else { break }
            end += 1
        }
        return (Bytes(rebasing: bytes[start..<end]), end)
    }
}
