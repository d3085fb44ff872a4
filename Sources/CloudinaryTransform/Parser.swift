/// A diagnostic whose position is still in UTF-8 bytes; converted to characters at the end.
struct PendingDiagnostic {
    var severity: Diagnostic.Severity
    var code: DiagnosticCode
    var message: String
    var component: Int?
    var offset: Int
    var length: Int
    var suggestion: String?
}

typealias Bytes = UnsafeRawBufferPointer

/// What the validator learned about one component while reading its parameters; read by the
/// combination checks once the component ends.
struct ComponentFacts {
    var index = 0
    var start = 0
    var end = 0
    /// Bit `n` is set when the key with raw value `n` is present.
    var present: UInt64 = 0
    var cropModeAcceptsAutoGravity = true
    var cropModeRequiresAutoGravity = false
    var cropMode: (offset: Int, length: Int)? = nil
    var gravityIsAuto = false
    var gravity: (offset: Int, length: Int)? = nil
    /// `g_liquid` (content-aware rescaling), which only `c_scale` takes.
    var gravityIsLiquid = false
    var cropModeIsScale = false
    var cropModeIsThumb = false
    var layerApply = false
    var isConditionOnly = false
    var conditionKind: ConditionKind = .none
    var conditionOffset = 0
    var parameterCount = 0
    var formatAuto = false
    var qualityAuto = false
    /// Units of w, h, x, y: bit 0 pixels seen, bit 1 relative seen.
    var units: UInt8 = 0
    var firstUnit: (offset: Int, length: Int, relative: Bool)? = nil
    var conflictingUnit: (offset: Int, length: Int)? = nil

    enum ConditionKind { case none, condition, elseBranch, end }

    @inline(__always) func has(_ key: ParameterKey) -> Bool { present & (1 << UInt64(key.rawValue)) != 0 }
}

/// Splits a transformation into components and parameters on its UTF-8 bytes, and runs the
/// validator on each parameter as it goes (one pass, no intermediate arrays of substrings).
struct TransformationParser {
    let bytes: Bytes
    let context: ValidationContext
    var diagnostics: [PendingDiagnostic] = []
    /// Problems beyond ``diagnosticLimit``, counted only, and whether one of them is an error.
    var unlisted = 0
    var unlistedErrors = false
    var components: [Component] = []
    /// Per open `if_` block, innermost last, whether its `if_else` was seen.
    var elseSeen: [Bool] = []
    /// How many `if_` blocks are open.
    var conditionalDepth: Int { elseSeen.count }
    var openConditionOffset = 0
    /// The component of the outermost open `if_` block.
    var openConditionComponent = 0
    var previousWasInlineCondition = false
    var layerOpen = false
    var declaredInComponent: [String] = []
    var openLayers = 0
    var sawSize = false
    var firstDpr: (component: Int, offset: Int, length: Int)? = nil
    var hasError = false

    let spans: UnsafeMutableBufferPointer<Int>
    var spanCount = 0
    /// Whether to build the ``Transformation`` model (strings and arrays) or only check and print.
    let buildModel: Bool

    init(
        bytes: UnsafeBufferPointer<UInt8>, context: ValidationContext, spans: UnsafeMutableBufferPointer<Int>,
        buildModel: Bool = true
    ) {
        self.bytes = UnsafeRawBufferPointer(bytes)
        self.context = context
        self.spans = spans
        self.buildModel = buildModel
    }

    mutating func run(input: String) -> ParseResult {
        let n = bytes.count
        if n == 0 {
            report(
                .error, .emptyComponent, "the transformation is empty", component: nil, offset: 0, length: 0)
            return finish(input: input)
        }
        var componentIndex = 0
        var componentStart = 0
        var i = 0
        // Components split on `/`, except inside a `!quoted!` string.
        while i <= n {
            if i < n {
                let c = bytes[i]
                if c == UInt8(ascii: "!"), opensQuote(at: i) {
                    if let close = quoteEnd(openingAt: i) {
                        i = close + 1
                        continue
                    }
                    // With no closing `!`, the text would run to whatever `!` a later edit or
                    // the canonical order puts after it, so its extent is not decidable: refuse.
                    // There is at most one such `!`: any later `!` would have closed it.
                    report(
                        .error, .unterminatedText,
                        "'!' opens a text value that has no closing '!' (text values are written '!text!')",
                        component: componentIndex, offset: i, length: 1)
                }
                if c != UInt8(ascii: "/") {
                    i += 1
                    continue
                }
            }
            readComponent(index: componentIndex, start: componentStart, end: i)
            componentIndex += 1
            componentStart = i + 1
            i += 1
        }
        if let dpr = firstDpr, !sawSize {
            report(
                .error, .dprWithoutSize,
                "dpr needs a width or height (w_ or h_) somewhere in the transformation",
                component: dpr.component, offset: dpr.offset, length: dpr.length)
        }
        if conditionalDepth > 0 {
            report(
                .error, .unbalancedConditional, "if_ has no matching if_end", component: openConditionComponent,
                offset: openConditionOffset, length: 2, suggestion: nil)
        }
        checkVariableUses()
        return finish(input: input)
    }

    /// A `!` right after `_`, `:` or at the start of a value opens a quoted string that ends at the
    /// next `!`; separators inside it do not split.
    @inline(__always)
    func opensQuote(at i: Int) -> Bool {
        guard i > 0 else { return false }
        let previous = bytes[i - 1]
        return previous == UInt8(ascii: "_") || previous == UInt8(ascii: ":")
    }

    @inline(__always)
    func quoteEnd(openingAt i: Int) -> Int? {
        guard opensQuote(at: i) else { return nil }
        var j = i + 1
        while j < bytes.count {
            if bytes[j] == UInt8(ascii: "!") { return j }
            j += 1
        }
        return nil
    }

    mutating func readComponent(index: Int, start: Int, end: Int) {
        if start == end {
            report(
                .error, .emptyComponent, "empty component (nothing between two '/' or at either end)",
                component: index, offset: start, length: 0)
            return
        }
        var facts = ComponentFacts()
        facts.index = index
        facts.start = start
        facts.end = end
        var parameters: [Parameter] = []
        if buildModel { parameters.reserveCapacity(6) }
        var parameterStart = start
        var i = start
        while i <= end {
            if i < end {
                let c = bytes[i]
                if c == UInt8(ascii: "!"), let close = quoteEnd(openingAt: i), close < end {
                    i = close + 1
                    continue
                }
                if c != UInt8(ascii: ",") {
                    i += 1
                    continue
                }
            }
            if parameterStart == i {
                report(
                    .error, .emptyParameter, "empty parameter (nothing between two ',' or at either end)",
                    component: index, offset: i, length: 0)
            } else if readParameter(start: parameterStart, end: i, facts: &facts) {
                if buildModel { parameters.append(makeParameter(start: parameterStart, end: i)) }
                spans[spanCount] = parameterStart
                spans[spanCount + 1] = i
                spanCount += 2
            }
            parameterStart = i + 1
            i += 1
        }
        checkCombinations(&facts)
        if buildModel { components.append(Component(parameters: parameters, sourceOffset: start)) }
        spans[spanCount] = -1
        spans[spanCount + 1] = -1
        spanCount += 2
    }

    func makeParameter(start: Int, end: Int) -> Parameter {
        var underscore = start
        while bytes[underscore] != UInt8(ascii: "_") { underscore += 1 }
        return Parameter(
            key: String(decoding: Bytes(rebasing: bytes[start..<underscore]), as: UTF8.self),
            rawValue: String(decoding: Bytes(rebasing: bytes[(underscore + 1)..<end]), as: UTF8.self),
            sourceOffset: start)
    }

    /// Checks one `key_value` parameter; `false` when it has no value to keep.
    mutating func readParameter(start: Int, end: Int, facts: inout ComponentFacts) -> Bool {
        var underscore = start
        while underscore < end, bytes[underscore] != UInt8(ascii: "_") { underscore += 1 }
        let keyBytes = Bytes(rebasing: bytes[start..<underscore])
        guard underscore < end - 1 else {
            let key = String(decoding: keyBytes, as: UTF8.self)
            let whole = String(decoding: Bytes(rebasing: bytes[start..<end]), as: UTF8.self)
            if underscore == end, ParameterKey(bytes: keyBytes) == nil, !key.hasPrefix("$") {
                reportUnknownKey(key, value: "", component: facts.index, offset: start, length: end - start)
            } else {
                report(
                    .error, .missingValue, "'\(whole)' has no value (expected \(key)_<value>)",
                    component: facts.index, offset: start, length: end - start)
            }
            return false
        }
        facts.parameterCount += 1
        let valueStart = underscore + 1
        let valueBytes = Bytes(rebasing: bytes[valueStart..<end])
        if let parameterKey = ParameterKey(bytes: keyBytes) {
            let bit: UInt64 = 1 << UInt64(parameterKey.rawValue)
            // Flags may come as several fl_ parameters as well as one dotted list: the reference's
            // documented `u_site_bg/c_fill,fl_layer_apply,fl_relative,h_1.0,w_1.0` was refused.
            if facts.present & bit != 0, parameterKey != .fl {
                let first = position(of: parameterKey, from: facts.start, to: start)
                report(
                    .error, .duplicateParameter,
                    "\(parameterKey.text) appears twice in component \(facts.index) (first as \(text(first.offset, first.length)))",
                    component: facts.index, offset: start, length: end - start)
            }
            facts.present |= bit
            checkValue(
                parameterKey, valueBytes, valueOffset: valueStart, parameterOffset: start, facts: &facts)
        } else if keyBytes.count > 0, keyBytes[0] == UInt8(ascii: "$") {
            checkVariableDeclaration(
                name: keyBytes, key: String(decoding: keyBytes, as: UTF8.self), value: valueBytes,
                valueOffset: valueStart, parameterOffset: start, facts: &facts)
        } else {
            reportUnknownKey(
                String(decoding: keyBytes, as: UTF8.self), value: String(decoding: valueBytes, as: UTF8.self),
                component: facts.index, offset: start, length: underscore - start)
        }
        return true
    }

    mutating func report(
        _ severity: Diagnostic.Severity, _ code: DiagnosticCode, _ message: String, component: Int?,
        offset: Int,
        length: Int, suggestion: String? = nil
    ) {
        if severity == .error { hasError = true }
        // A span never reaches past the input: a missing part at the very end (`ar_16:`) is
        // marked with one character, which there is none of.
        let offset = min(max(offset, 0), bytes.count)
        let length = min(max(length, 0), bytes.count - offset)
        guard diagnostics.count < Self.diagnosticLimit else {
            unlisted += 1
            if severity == .error { unlistedErrors = true }
            return
        }
        diagnostics.append(
            PendingDiagnostic(
                severity: severity, code: code, message: message, component: component, offset: offset,
                length: length, suggestion: suggestion))
    }

    /// Problems after this many are counted, not listed: one more diagnostic says how many.
    static let diagnosticLimit = 1000

    /// Problems after this many get no "did you mean": each suggestion compares the word with
    /// every known name, and a long hostile string of unknown names would otherwise pay that for
    /// each of them. A person fixing a transformation reads the first few anyway.
    static let suggestionLimit = 16

    /// ``Suggest/closest(to:among:)`` while fewer than ``suggestionLimit`` problems are reported.
    func suggest(_ word: String, among candidates: [String]) -> String? {
        diagnostics.count < Self.suggestionLimit ? Suggest.closest(to: word, among: candidates) : nil
    }

    mutating func reportUnknownKey(_ key: String, value: String, component: Int, offset: Int, length: Int) {
        var suggestion: String? = nil
        // A known key with spaces around it (`w_100, c_fill`): the key, not a near name of the
        // key with its space ("ac_fill" was offered).
        func trimmed(_ text: String) -> String { String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
        let bare = trimmed(key)
        if bare != key, ParameterTable.keyTexts.contains(bare) {
            suggestion = bare + "_" + value
        } else if key != key.lowercased(), ParameterTable.keyTexts.contains(key.lowercased()) {
            // Typed in capitals (C_SCALE): keys and keywords are lower case. The value too when it
            // has no small letter (it was "did you mean c_SCALE?", itself refused).
            suggestion = key.lowercased() + "_" + (value.contains(where: \.isLowercase) ? value : value.lowercased())
        } else if let spec = ParameterTable.all.first(where: { $0.sdkOption == key || $0.name == key }) {
            suggestion = spec.key.text + "_" + value
        } else if let best = suggest(key, among: ParameterTable.keyTexts) {
            suggestion = best + "_" + value
        } else if let name = suggest(key, among: ParameterTable.sdkOptions),
            let spec = ParameterTable.all.first(where: { $0.sdkOption == name })
        {
            // A misspelt SDK option name (`widht`): suggest the URL key.
            suggestion = spec.key.text + "_" + value
        }
        report(
            .error, .unknownParameter, "unknown parameter '\(Diagnostic.shown(key))'", component: component, offset: offset,
            // Without the spaces around it: ' w_100 ' was offered 'w_100 ', itself refused.
            length: max(length, 1), suggestion: suggestion.map(trimmed))
    }

    /// Converts byte offsets to character offsets: needed for non-ASCII input, and for "\r\n",
    /// the one pair of ASCII bytes that is a single character.
    mutating func finish(input: String) -> ParseResult {
        var isASCII = true
        if !diagnostics.isEmpty {
            var previous: UInt8 = 0
            for b in bytes {
                if b >= 0x80 || (previous == UInt8(ascii: "\r") && b == UInt8(ascii: "\n")) {
                    isASCII = false
                    break
                }
                previous = b
            }
        }
        var out: [Diagnostic] = []
        out.reserveCapacity(diagnostics.count)
        for d in diagnostics {
            var offset = d.offset
            var length = d.length
            if !isASCII {
                let utf8 = input.utf8
                let startIndex = utf8.index(utf8.startIndex, offsetBy: d.offset)
                let endIndex = utf8.index(startIndex, offsetBy: d.length)
                offset = input.distance(from: input.startIndex, to: startIndex)
                length = input.distance(from: startIndex, to: endIndex)
            }
            out.append(
                Diagnostic(
                    severity: d.severity, code: d.code, message: d.message, component: d.component,
                    offset: offset,
                    length: length, suggestion: d.suggestion))
        }
        if unlisted > 0 {
            out.append(Diagnostic(
                severity: unlistedErrors ? .error : .warning, code: .moreDiagnostics,
                message: "and \(unlisted) more problems, not listed (the first \(Self.diagnosticLimit) are)",
                component: nil, offset: input.count, length: 0))
        }
        if hasError { return ParseResult(transformation: nil, diagnostics: out, canonical: nil) }
        return ParseResult(
            transformation: buildModel ? Transformation(components: components) : nil, diagnostics: out,
            canonical: printCanonical(), isValid: true)
    }

    /// The canonical string, printed from the input's bytes: a valid input's canonical form is a
    /// permutation of its parameters, so it has exactly the input's length.
    func printCanonical() -> String {
        String(unsafeUninitializedCapacity: bytes.count) { out in
            var at = 0
            var first = 0
            var index = 0
            while index < spanCount {
                if spans[index] >= 0 {
                    index += 2
                    continue
                }
                // spans[first..<index] are one component's parameters.
                if at > 0 {
                    out[at] = UInt8(ascii: "/")
                    at += 1
                }
                let count = (index - first) / 2
                withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { order in
                    for k in 0..<count { order[k] = first + 2 * k }
                    for k in 1..<max(count, 1) {
                        let moving = order[k]
                        var j = k
                        while j > 0,
                            CanonicalOrder.precedes(
                                bytes, spans[moving], spans[moving + 1], spans[order[j - 1]],
                                spans[order[j - 1] + 1])
                        {
                            order[j] = order[j - 1]
                            j -= 1
                        }
                        order[j] = moving
                    }
                    // Variables used by another of the component's come before it (rare: two
                    // or more variables in one component).
                    var variables = 0
                    for k in 0..<count where bytes[spans[order[k]]] == UInt8(ascii: "$") { variables += 1 }
                    if variables > 1 {
                        let sorted = CanonicalOrder.declaringFirst(Array(order)) { i in
                            String(decoding: bytes[spans[i]..<spans[i + 1]], as: UTF8.self)
                        }
                        for k in 0..<count { order[k] = sorted[k] }
                    }
                    for k in 0..<count {
                        if k > 0 {
                            out[at] = UInt8(ascii: ",")
                            at += 1
                        }
                        let start = spans[order[k]]
                        let end = spans[order[k] + 1]
                        for b in start..<end {
                            out[at] = bytes[b]
                            at += 1
                        }
                    }
                }
                index += 2
                first = index
            }
            return at
        }
    }

    /// Where the first parameter with `key` sits between two offsets (only read when reporting).
    func position(of key: ParameterKey, from: Int, to: Int) -> (offset: Int, length: Int) {
        var start = from
        var i = from
        while i <= to {
            if i == to || bytes[i] == UInt8(ascii: ",") {
                var underscore = start
                while underscore < i, bytes[underscore] != UInt8(ascii: "_") { underscore += 1 }
                if ParameterKey(bytes: Bytes(rebasing: bytes[start..<underscore])) == key {
                    return (start, i - start)
                }
                start = i + 1
            }
            i += 1
        }
        return (from, 0)
    }

    @inline(__always)
    func text(_ offset: Int, _ length: Int) -> String {
        String(decoding: Bytes(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
    }
}
