/// What is wrong with a value: positions are relative to the value's first byte.
struct Problem {
    var code: DiagnosticCode
    var message: String
    var offset = 0
    var length: Int? = nil
    /// The whole parameter to write instead, when one is likely.
    var suggestion: String? = nil
    var severity: Diagnostic.Severity = .error
}

private let underscore = UInt8(ascii: "_")
private let colon = UInt8(ascii: ":")
private let dollar = UInt8(ascii: "$")
private let dot = UInt8(ascii: ".")
private let bang = UInt8(ascii: "!")

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
@inline(__always) private func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }
@inline(__always) private func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
@inline(__always) private func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 97 < 6 }

@inline(__always) private func slice(_ b: Bytes, _ from: Int, _ to: Int) -> Bytes {
    Bytes(rebasing: b[from..<to])
}

@inline(__always) private func equals(_ b: Bytes, _ literal: StaticString) -> Bool {
    guard b.count == literal.utf8CodeUnitCount else { return false }
    let p = literal.utf8Start
    for i in 0..<b.count where b[i] != p[i] { return false }
    return true
}

@inline(__always) private func hasPrefix(_ b: Bytes, _ literal: StaticString) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard b.count >= n else { return false }
    let p = literal.utf8Start
    for i in 0..<n where b[i] != p[i] { return false }
    return true
}

@inline(__always) private func firstIndex(of c: UInt8, in b: Bytes, from: Int = 0) -> Int? {
    var i = from
    while i < b.count {
        if b[i] == c { return i }
        i += 1
    }
    return nil
}

@inline(__always) private func string(_ b: Bytes) -> String { String(decoding: b, as: UTF8.self) }
/// A value as messages quote it, a long one by its two ends (``Diagnostic/shown(_:)``).
private func shown(_ b: Bytes) -> String { Diagnostic.shown(string(b)) }

/// `$` followed by a letter and letters or digits: a variable reference.
@inline(__always) private func isVariableReference(_ b: Bytes) -> Bool {
    guard b.count >= 2, b[0] == dollar, isLetter(b[1]) else { return false }
    for i in 2..<b.count where !isAlnum(b[i]) { return false }
    return true
}

/// Calls `body` with each `separator`-delimited piece and its offset.
@inline(__always) private func forEachPiece(
    _ b: Bytes, separator: UInt8, _ body: (Bytes, Int) -> Problem?
) -> Problem? {
    var start = 0
    var i = 0
    while i <= b.count {
        if i == b.count || b[i] == separator {
            if let problem = body(slice(b, start, i), start) { return problem }
            start = i + 1
        }
        i += 1
    }
    return nil
}

extension TransformationParser {
    // MARK: - Per parameter

    mutating func checkValue(
        _ key: ParameterKey, _ value: Bytes, valueOffset: Int, parameterOffset: Int,
        facts: inout ComponentFacts
    ) {
        let spec = ParameterTable.fast[Int(key.rawValue)]
        if let kind = context.resourceType, !spec.appliesTo.includes(kind) {
            let spec = ParameterTable.spec(key)
            report(
                .error, .wrongResourceType,
                "\(key.text) (\(spec.name)) applies to \(spec.appliesTo.rawValue) only, not to \(kind.rawValue)",
                component: facts.index, offset: parameterOffset,
                length: valueOffset + value.count - parameterOffset)
        }
        let problem: Problem?
        if isVariableReference(value), key != .if {
            problem = nil
        } else {
            problem = check(key, spec, value, facts: &facts, valueOffset: valueOffset)
        }
        if let problem {
            let offset = valueOffset + problem.offset
            report(
                problem.severity, problem.code, problem.message, component: facts.index, offset: offset,
                length: problem.length ?? (value.count - problem.offset), suggestion: problem.suggestion)
        }
    }

    /// `Expected <what> for <key> but received '<value>'`, the one message shape for bad values.
    private func expected(
        _ what: String, _ key: ParameterKey, _ value: Bytes, code: DiagnosticCode = .invalidValue
    )
        -> Problem
    {
        Problem(code: code, message: "expected \(what) for \(key.text) but received '\(shown(value))'")
    }

    private func unknownKeyword(
        _ what: String, _ key: ParameterKey, _ word: Bytes, at offset: Int, among set: KeywordSet,
        whole value: Bytes
    ) -> Problem {
        var problem = Problem(
            code: .unknownValue, message: "unknown \(what) '\(shown(word))' for \(key.text)", offset: offset,
            length: word.count)
        if let best = suggest(string(word), among: set.words) {
            problem.suggestion =
                key.text + "_" + string(slice(value, 0, offset)) + best
                + string(slice(value, offset + word.count, value.count))
        }
        return problem
    }

    private mutating func check(
        _ key: ParameterKey, _ spec: FastSpec, _ value: Bytes, facts: inout ComponentFacts, valueOffset: Int
    ) -> Problem? {
        switch spec.grammar {
        case .size:
            return checkSize(key, spec, value, facts: &facts, valueOffset: valueOffset)
        case .coordinate:
            return checkNumeric(key, spec, value, facts: &facts, valueOffset: valueOffset, trackUnits: true)
        case .opacity, .zoom, .keyframeInterval, .dpr:
            if key == .dpr, equals(value, "auto") { return nil }
            return checkNumeric(key, spec, value, facts: &facts, valueOffset: valueOffset, trackUnits: false)
        case .integer:
            if NumberScanner.classify(value) == .decimal {
                return expected("a whole number", key, value)
            }
            return checkNumeric(key, spec, value, facts: &facts, valueOffset: valueOffset, trackUnits: false)
        case .angle:
            if NumberScanner.classify(value) != .none { return nil }
            // An expression has `_` between its names; so do auto_right and auto_left, also in
            // a `.` list of modes (`a_auto_right.hflip`, as the SDKs write a list).
            if firstIndex(of: underscore, in: value) != nil, !Keywords.angleKeywords.contains(value) {
                var namesAMode = false
                _ = forEachPiece(value, separator: dot) { piece, _ in
                    if Keywords.angleKeywords.contains(piece) { namesAMode = true }
                    return nil
                }
                if !namesAMode { return checkExpression(key, value) }
            }
            return forEachPiece(value, separator: dot) { piece, offset in
                if NumberScanner.classify(piece) != .none || Keywords.angleKeywords.contains(piece) {
                    return nil
                }
                return self.unknownKeyword(
                    "angle mode", key, piece, at: offset, among: Keywords.angleKeywords, whole: value)
            }
        case .aspectRatio:
            return checkAspectRatio(key, value)
        case .quality:
            let problem = checkQuality(key, spec, value)
            if problem == nil, hasPrefix(value, "auto") { facts.qualityAuto = true }
            return problem
        case .radius:
            if equals(value, "max") { return nil }
            var pieces = 0
            let problem = forEachPiece(value, separator: colon) { piece, offset in
                pieces += 1
                if piece.isEmpty {
                    return Problem(
                        code: .invalidValue, message: "empty radius value", offset: offset, length: 0)
                }
                if isVariableReference(piece) { return nil }
                switch NumberScanner.classify(piece) {
                case .integer, .decimal:
                    if piece[0] == UInt8(ascii: "-") {
                        return Problem(
                            code: .outOfRange,
                            message: "radius must not be negative, received '\(shown(piece))'",
                            offset: offset, length: piece.count)
                    }
                    return nil
                case .none:
                    if firstIndex(of: underscore, in: piece) != nil {
                        return self.checkExpression(key, piece)
                    }
                    var p = self.expected("pixels, max, or 1 to 4 values separated by ':'", key, value)
                    p.offset = offset
                    p.length = piece.count
                    return p
                }
            }
            if problem == nil, pieces > 4 {
                return Problem(code: .invalidValue, message: "r takes 1 to 4 values, received \(pieces)")
            }
            return problem
        case .cropMode:
            guard Keywords.cropModes.contains(value) else {
                return unknownKeyword("crop mode", key, value, at: 0, among: Keywords.cropModes, whole: value)
            }
            facts.cropModeAcceptsAutoGravity = Keywords.autoGravityCropModes.contains(value)
            facts.cropModeRequiresAutoGravity = equals(value, "fill_pad") || equals(value, "auto_pad")
            facts.cropModeIsScale = equals(value, "scale")
            facts.cropModeIsThumb = equals(value, "thumb")
            facts.cropMode = (valueOffset - 2, value.count + 2)
            return nil
        case .gravity:
            return checkGravity(key, value, facts: &facts, valueOffset: valueOffset)
        case .format:
            if Keywords.formats.contains(value) {
                if equals(value, "auto") { facts.formatAuto = true }
                return nil
            }
            if hasPrefix(value, "auto:") {
                facts.formatAuto = true
                return nil
            }
            return unknownKeyword("format", key, value, at: 0, among: Keywords.formats, whole: value)
        case .flags:
            return forEachPiece(value, separator: dot) { piece, offset in
                let nameEnd = firstIndex(of: colon, in: piece) ?? piece.count
                let name = slice(piece, 0, nameEnd)
                if Keywords.flags.contains(name) {
                    if equals(name, "layer_apply") { facts.layerApply = true }
                    // `fl_progressive:` passed, where `e_sepia:` is refused.
                    if nameEnd == piece.count - 1 {
                        return Problem(code: .invalidValue, message: "empty argument after fl_\(string(name)):",
                                       offset: offset + piece.count, length: 0)
                    }
                    return nil
                }
                return self.unknownKeyword("flag", key, name, at: offset, among: Keywords.flags, whole: value)
            }
        case .effect:
            return checkEffect(key, value)
        case .color:
            return checkColor(key, value, at: 0)
        case .background:
            if hasPrefix(value, "auto") || hasPrefix(value, "blurred") || hasPrefix(value, "gen_fill") {
                let nameEnd = firstIndex(of: colon, in: value) ?? value.count
                let name = slice(value, 0, nameEnd)
                if equals(name, "auto") || equals(name, "blurred") || equals(name, "gen_fill") { return nil }
            }
            return checkColor(key, value, at: 0)
        case .border:
            return checkBorder(key, value)
        case .offset, .duration:
            if key == .so, equals(value, "auto") { return nil }
            if value.count > 1, value[value.count - 1] == UInt8(ascii: "p") {
                let number = slice(value, 0, value.count - 1)
                if NumberScanner.classify(number) != .none {
                    let v = NumberScanner.value(number)
                    if v < 0 || v > 100 {
                        return Problem(
                            code: .outOfRange,
                            message:
                                "a percentage for \(key.text) must be 0 to 100, received '\(shown(value))'")
                    }
                    return nil
                }
            }
            return checkNumeric(key, spec, value, facts: &facts, valueOffset: valueOffset, trackUnits: false)
        case .audioFrequency:
            if Keywords.audioFrequencies.contains(value) { return nil }
            return unknownKeyword(
                "audio frequency", key, value, at: 0, among: Keywords.audioFrequencies, whole: value)
        case .bitRate:
            var end = value.count
            if hasSuffix(value, ":constant") { end -= 9 }
            var i = 0
            while i < end, isDigit(value[i]) { i += 1 }
            if i > 0,
                i == end
                    || (i == end - 1
                        && (value[i] | 0x20 == UInt8(ascii: "k") || value[i] | 0x20 == UInt8(ascii: "m")))
            {
                return nil
            }
            return expected("bits per second (an integer, <n>k or <n>m, optionally :constant)", key, value)
        case .videoSampling:
            if NumberScanner.classify(value) == .integer { return nil }
            if value.count > 1, value[value.count - 1] == UInt8(ascii: "s"),
                NumberScanner.classify(slice(value, 0, value.count - 1)) != .none
            {
                return nil
            }
            return expected("a frame count or <seconds>s", key, value)
        case .fps:
            let dash = firstIndex(of: UInt8(ascii: "-"), in: value)
            let low = slice(value, 0, dash ?? value.count)
            let high = dash.map { slice(value, $0 + 1, value.count) } ?? Bytes(start: nil, count: 0)
            let lowOK = low.isEmpty ? dash != nil && !high.isEmpty : NumberScanner.classify(low) != .none
            let highOK = high.isEmpty || NumberScanner.classify(high) != .none
            if lowOK, highOK { return nil }
            return expected("frames per second: n, <min>-<max>, <min>- or -<max>", key, value)
        case .page:
            if hasPrefix(value, "name:") || hasPrefix(value, "embedded:") || hasPrefix(value, "id:") {
                return value.count > 5 ? nil : expected("a page number, range or layer name", key, value)
            }
            for c in value where !(isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ";") || c == dot)
            {
                return expected("a page number, a range a-b, a list a;b or n-", key, value)
            }
            return nil
        case .audioCodec:
            if Keywords.audioCodecs.contains(value) { return nil }
            return unknownKeyword("audio codec", key, value, at: 0, among: Keywords.audioCodecs, whole: value)
        case .videoCodec:
            var index = 0
            return forEachPiece(value, separator: colon) { piece, offset in
                defer { index += 1 }
                switch index {
                case 0:
                    if Keywords.videoCodecs.contains(piece) { return nil }
                    return self.unknownKeyword(
                        "video codec", key, piece, at: offset, among: Keywords.videoCodecs, whole: value)
                case 1:
                    if Keywords.videoProfiles.contains(piece) { return nil }
                    return self.unknownKeyword(
                        "video profile", key, piece, at: offset, among: Keywords.videoProfiles, whole: value)
                case 2:
                    if NumberScanner.classify(piece) != .none { return nil }
                    return Problem(
                        code: .invalidValue, message: "expected a codec level such as 3.1 for vc",
                        offset: offset, length: piece.count)
                default:
                    if equals(piece, "bframes_no") { return nil }
                    return Problem(
                        code: .invalidValue, message: "expected bframes_no for vc", offset: offset,
                        length: piece.count)
                }
            }
        case .colorSpace:
            if Keywords.colorSpaces.contains(value) { return nil }
            if hasPrefix(value, "icc:"), value.count > 4 { return nil }
            return unknownKeyword(
                "colour space", key, value, at: 0, among: Keywords.colorSpaces, whole: value)
        case .streamingProfile, .name:
            for c in value where !(isAlnum(c) || c == underscore || c == UInt8(ascii: "-")) {
                return expected("a name (letters, digits, '_' and '-')", key, value)
            }
            return nil
        case .condition:
            return checkCondition(value, facts: &facts, valueOffset: valueOffset)
        case .layer:
            return checkLayer(key, value)
        case .publicID:
            if firstIndex(of: dot, in: value) == nil {
                return Problem(
                    code: .suspiciousValue,
                    message:
                        "the default image '\(shown(value))' has no extension; d_ expects the public id with its format",
                    severity: .warning)
            }
            return nil
        case .namedTransformation:
            return forEachPiece(value, separator: dot) { piece, offset in
                if piece.isEmpty {
                    return Problem(
                        code: .invalidValue, message: "empty named transformation in t", offset: offset,
                        length: 0)
                }
                for c in piece where !(isAlnum(c) || c == underscore || c == UInt8(ascii: "-")) {
                    return Problem(
                        code: .invalidValue,
                        message: "expected a transformation name for t but received '\(shown(piece))'",
                        offset: offset, length: piece.count)
                }
                return nil
            }
        case .customFunction:
            var rest = value
            if hasPrefix(rest, "pre:") { rest = slice(rest, 4, rest.count) }
            if (hasPrefix(rest, "wasm:") && rest.count > 5) || (hasPrefix(rest, "remote:") && rest.count > 7)
            {
                return nil
            }
            return expected("[pre:]wasm:<public_id> or [pre:]remote:<base64url>", key, value)
        }
    }

    private func hasSuffix(_ b: Bytes, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard b.count >= n else { return false }
        return equals(slice(b, b.count - n, b.count), literal)
    }

    // MARK: Numbers and expressions

    private mutating func checkSize(
        _ key: ParameterKey, _ spec: FastSpec, _ value: Bytes, facts: inout ComponentFacts, valueOffset: Int
    ) -> Problem? {
        if key == .w, equals(value, "ow") || equals(value, "auto") || hasPrefix(value, "auto:") { return nil }
        if key == .h, equals(value, "oh") { return nil }
        let kind = NumberScanner.classify(value)
        if kind != .none, value[0] == UInt8(ascii: "-") {
            return expected("a non-negative size", key, value, code: .invalidSize)
        }
        if kind == .none, firstIndex(of: underscore, in: value) == nil,
            !Keywords.predefinedVariables.contains(value)
        {
            var problem = expected(
                key == .w
                    ? "pixels, a decimal (relative), auto, ow or an expression"
                    : "pixels, a decimal (relative), oh or an expression",
                key, value, code: .invalidSize)
            if key == .w, let best = suggest(string(value), among: ["auto", "ow"]) {
                problem.suggestion = "w_" + best
            }
            return problem
        }
        if let problem = checkNumeric(key, spec, value, facts: &facts, valueOffset: valueOffset, trackUnits: true) {
            return problem
        }
        // Nothing can be that size: geometry and rendering refuse it, so validate does too (a
        // warning let a sync tool gating on validate store strings that never render).
        if kind != .none, Double(string(value)) == 0 {
            return Problem(
                code: .invalidSize,
                message: "\(key.text)_\(string(value)) asks for a \(key == .w ? "width" : "height") of zero; a size is positive pixels or a decimal share of the input")
        }
        return nil
    }

    /// A number within the table's range, a variable, or an arithmetic expression.
    private mutating func checkNumeric(
        _ key: ParameterKey, _ spec: FastSpec, _ value: Bytes, facts: inout ComponentFacts, valueOffset: Int,
        trackUnits: Bool
    ) -> Problem? {
        let kind = NumberScanner.classify(value)
        if kind == .none {
            if Keywords.predefinedVariables.contains(value) { return nil }
            if firstIndex(of: underscore, in: value) == nil {
                return expected("a number or an expression", key, value)
            }
            return checkExpression(key, value)
        }
        let number = NumberScanner.value(value)
        if spec.hasRange, number < spec.low || number > spec.high {
            let low = spec.low
            let high = spec.high
            let what: String
            if low > 0, low < 0.001 {
                what = "greater than 0"
            } else if high >= 1e6 {
                // An open-ended range in practice: name the side the value broke.
                what = number > high ? "at most \(numberText(high))" : "at least \(numberText(low))"
            } else {
                what = "\(numberText(low)) to \(numberText(high))"
            }
            return Problem(
                code: key == .w || key == .h ? .invalidSize : .outOfRange,
                message:
                    "\(key.text) (\(ParameterTable.spec(key).name)) must be \(what), received '\(shown(value))'"
            )
        }
        if trackUnits, number != 0 {
            let relative = kind == .decimal
            let bit: UInt8 = relative ? 2 : 1
            if facts.units != 0, facts.units & bit == 0, facts.conflictingUnit == nil {
                facts.conflictingUnit = (
                    valueOffset - key.text.utf8.count - 1, value.count + key.text.utf8.count + 1
                )
            }
            if facts.firstUnit == nil {
                facts.firstUnit = (
                    valueOffset - key.text.utf8.count - 1, value.count + key.text.utf8.count + 1, relative
                )
            }
            facts.units |= bit
        }
        return nil
    }

    /// `operand (op operand)*` where an operand is a number, a predefined variable or `$name`.
    private func checkExpression(_ key: ParameterKey, _ value: Bytes) -> Problem? {
        checkExpression(key.text, value)
    }

    private func checkExpression(_ key: String, _ value: Bytes) -> Problem? {
        var expectOperand = true
        var tokenCount = 0
        let problem = forEachPiece(value, separator: underscore) { token, offset in
            tokenCount += 1
            if expectOperand {
                expectOperand = false
                if NumberScanner.classify(token) != .none || isVariableReference(token)
                    || Keywords.predefinedVariables.contains(token)
                {
                    return nil
                }
                if hasPrefix(token, "!"), token.count >= 2, token[token.count - 1] == bang { return nil }
                return self.badToken(
                    key, token, at: offset, in: value, expecting: "a number, a variable or $name",
                    among: Vocabulary.predefinedVariables)
            }
            expectOperand = true
            if Keywords.operators.contains(token) { return nil }
            return self.badToken(
                key, token, at: offset, in: value, expecting: "an operator", among: Vocabulary.operators)
        }
        if let problem { return problem }
        if expectOperand, tokenCount > 0 {
            return Problem(
                code: .invalidExpression,
                message: "the expression '\(shown(value))' for \(key) ends with an operator")
        }
        return nil
    }

    private func badToken(
        _ key: String, _ token: Bytes, at offset: Int, in value: Bytes, expecting: String, among: [String]
    ) -> Problem {
        var problem = Problem(
            code: .invalidExpression,
            message: "expected \(expecting) in the expression for \(key) but received '\(shown(token))'",
            offset: offset, length: token.count)
        if let best = suggest(string(token), among: among) {
            problem.suggestion =
                key + "_" + string(slice(value, 0, offset)) + best
                + string(slice(value, offset + token.count, value.count))
        }
        return problem
    }

    private func checkAspectRatio(_ key: ParameterKey, _ value: Bytes) -> Problem? {
        if let separator = firstIndex(of: colon, in: value) {
            let w = slice(value, 0, separator)
            let h = slice(value, separator + 1, value.count)
            for (part, offset) in [(w, 0), (h, separator + 1)] {
                guard NumberScanner.classify(part) != .none, NumberScanner.value(part) > 0 else {
                    return Problem(
                        code: .invalidAspectRatio,
                        message:
                            "expected <width>:<height> with two positive numbers for ar but received '\(shown(value))'",
                        offset: offset, length: max(part.count, 1))
                }
            }
            return nil
        }
        switch NumberScanner.classify(value) {
        case .none:
            if firstIndex(of: underscore, in: value) != nil || Keywords.predefinedVariables.contains(value) {
                return checkExpression(key, value)
            }
            return Problem(
                code: .invalidAspectRatio,
                message:
                    "expected <width>:<height> or a positive decimal for ar but received '\(shown(value))'")
        default:
            if NumberScanner.value(value) <= 0 {
                return Problem(
                    code: .invalidAspectRatio,
                    message: "an aspect ratio must be positive, received '\(shown(value))'")
            }
            return nil
        }
    }

    private func checkQuality(_ key: ParameterKey, _ spec: FastSpec, _ value: Bytes) -> Problem? {
        let separator = firstIndex(of: colon, in: value)
        let head = slice(value, 0, separator ?? value.count)
        let tail = separator.map { slice(value, $0 + 1, value.count) }
        if equals(head, "auto") {
            // q_auto[:<level>][:sensitive]
            guard var level = tail else { return nil }
            if let colon = firstIndex(of: colon, in: level) {
                let flag = slice(level, colon + 1, level.count)
                guard equals(flag, "sensitive") else {
                    return Problem(code: .unknownValue,
                                   message: "q_auto takes a level and then only ':sensitive', received '\(shown(flag))'",
                                   offset: 5 + colon + 1, length: flag.count)
                }
                level = slice(level, 0, colon)
            } else if equals(level, "sensitive") {
                return nil
            }
            if Keywords.qualityLevels.contains(level) { return nil }
            return unknownKeyword(
                "q_auto level", key, level, at: 5, among: Keywords.qualityLevels, whole: value)
        }
        if equals(head, "jpegmini") {
            guard let tail else { return nil }
            if equals(tail, "0") || equals(tail, "1") || equals(tail, "2") { return nil }
            return Problem(
                code: .invalidValue, message: "jpegmini takes 0, 1 or 2", offset: 9, length: tail.count)
        }
        switch NumberScanner.classify(head) {
        case .integer:
            let q = NumberScanner.value(head)
            if q < 1 || q > 100 {
                return Problem(
                    code: .outOfRange, message: "q (quality) must be 1 to 100, received '\(shown(head))'",
                    offset: 0,
                    length: head.count)
            }
            if let tail, !(equals(tail, "420") || equals(tail, "444") || equals(tail, "422")) {
                return Problem(
                    code: .invalidValue,
                    message: "expected a chroma subsampling 420, 422 or 444 after q_\(string(head)):",
                    offset: head.count + 1, length: tail.count)
            }
            return nil
        case .decimal:
            return expected(
                "a whole number 1 to 100, auto[:best|good|eco|low] or jpegmini", key, value,
                code: .invalidValue)
        case .none:
            if firstIndex(of: underscore, in: value) != nil { return checkExpression(key, value) }
            var problem = expected("1 to 100, auto[:best|good|eco|low] or jpegmini[:0|1|2]", key, value)
            if let best = suggest(string(head), among: ["auto", "jpegmini"]) {
                problem.suggestion = "q_" + best + (tail.map { ":" + string($0) } ?? "")
            }
            return problem
        }
    }

    private func checkColor(_ key: ParameterKey, _ value: Bytes, at offset: Int) -> Problem? {
        if hasPrefix(value, "rgb:") {
            let digits = value.count - 4
            var allHex = true
            for i in 4..<value.count where !isHex(value[i]) { allHex = false }
            if allHex, digits == 3 || digits == 4 || digits == 6 || digits == 8 { return nil }
            return Problem(
                code: .invalidColor,
                message:
                    "expected rgb: followed by 3, 4, 6 or 8 hex digits for \(key.text) but received '\(shown(value))'",
                offset: offset, length: value.count)
        }
        if Keywords.colorNames.contains(value) || isVariableReference(value) { return nil }
        var problem = Problem(
            code: .invalidColor, message: "unknown colour '\(shown(value))' for \(key.text)", offset: offset,
            length: value.count)
        var allHex = value.count > 0
        for c in value where !isHex(c) { allHex = false }
        if allHex, [3, 4, 6, 8].contains(value.count) {
            problem.suggestion = key.text + "_rgb:" + string(value)
        } else if let best = suggest(string(value), among: Keywords.colorNames.words) {
            problem.suggestion = key.text + "_" + best
        }
        return problem
    }

    private func checkBorder(_ key: ParameterKey, _ value: Bytes) -> Problem? {
        var i = 0
        while i < value.count, isDigit(value[i]) { i += 1 }
        guard i > 0, hasPrefix(slice(value, i, value.count), "px_") else {
            return expected("<width>px_solid_<colour>", key, value)
        }
        let rest = slice(value, i + 3, value.count)
        guard let styleEnd = firstIndex(of: underscore, in: rest) else {
            return expected("<width>px_solid_<colour>", key, value)
        }
        let style = slice(rest, 0, styleEnd)
        if !equals(style, "solid") {
            return Problem(
                code: .invalidValue, message: "the only border style is solid, received '\(shown(style))'",
                offset: i + 3, length: style.count,
                suggestion: "bo_" + string(slice(value, 0, i)) + "px_solid_"
                    + string(slice(rest, styleEnd + 1, rest.count)))
        }
        return checkColor(key, slice(rest, styleEnd + 1, rest.count), at: i + 3 + styleEnd + 1)
    }

    private func checkEffect(_ key: ParameterKey, _ value: Bytes) -> Problem? {
        let nameEnd = firstIndex(of: colon, in: value) ?? value.count
        let name = slice(value, 0, nameEnd)
        guard Keywords.effects.contains(name) else {
            return unknownKeyword("effect", key, name, at: 0, among: Keywords.effects, whole: value)
        }
        if nameEnd < value.count {
            let first = nameEnd + 1
            var end = first
            while end < value.count, value[end] != colon { end += 1 }
            let argument = slice(value, first, end)
            if argument.isEmpty {
                return Problem(
                    code: .invalidValue, message: "empty argument after e_\(string(name)):", offset: first,
                    length: 0)
            }
            guard let range = ParameterTable.effectRanges[string(name)] else { return nil }
            if NumberScanner.classify(argument) == .none {
                // A variable or an expression on one (`$strength`, `$s_mul_2`) is checked by
                // Cloudinary once it has a value; named arguments (`e_contrast:level_-70;type_linear`)
                // are not checked here; a few effects take a word instead of the number.
                let words = ParameterTable.effectWords[string(name), default: []]
                if argument.first == dollar || argument.contains(underscore) || argument.contains(UInt8(ascii: ";"))
                    || words.contains(string(argument))
                {
                    return nil
                }
                return Problem(
                    code: .invalidValue,
                    message: "e_\(string(name)) takes a number \(numberText(range.lowerBound)) to \(numberText(range.upperBound))"
                        + words.map { " or '\($0)'" }.joined() + ", received '\(shown(argument))'",
                    offset: first, length: argument.count,
                    suggestion: words.isEmpty ? nil : suggest(string(argument), among: words).map {
                        "e_\(string(name)):" + $0 + string(slice(value, end, value.count))
                    })
            }
            if !range.contains(NumberScanner.value(argument)) {
                return Problem(
                    code: .outOfRange,
                    message:
                        "e_\(string(name)) takes \(numberText(range.lowerBound)) to \(numberText(range.upperBound)), received \(shown(argument))",
                    offset: first, length: argument.count)
            }
        }
        return nil
    }

    private mutating func checkGravity(
        _ key: ParameterKey, _ value: Bytes, facts: inout ComponentFacts, valueOffset: Int
    ) -> Problem? {
        facts.gravity = (valueOffset - 2, value.count + 2)
        let headEnd = firstIndex(of: colon, in: value) ?? value.count
        let head = slice(value, 0, headEnd)
        facts.gravityIsLiquid = equals(head, "liquid")
        if equals(head, "auto") {
            facts.gravityIsAuto = true
            if headEnd == value.count { return nil }
            return forEachPiece(slice(value, headEnd + 1, value.count), separator: colon) { piece, offset in
                // <focal> or <object>, optionally _<weight> or _avoid.
                if piece.isEmpty {
                    return Problem(
                        code: .invalidValue, message: "empty focal after g_auto:",
                        offset: headEnd + 1 + offset, length: 0)
                }
                for c in piece where !(isAlnum(c) || c == underscore) {
                    return Problem(
                        code: .invalidValue,
                        message: "expected a focal name for g_auto but received '\(shown(piece))'",
                        offset: headEnd + 1 + offset, length: piece.count)
                }
                return nil
            }
        }
        if Keywords.compassGravities.contains(value) { return nil }
        if Keywords.compassGravities.contains(head) {
            // g_north_east:x_10 was told "did you mean g_north_west:x_10?": the gravity is fine,
            // the qualifier is what no compass gravity takes.
            let tail = string(slice(value, headEnd + 1, value.count))
            var problem = Problem(
                code: .invalidValue,
                message: "g_\(string(head)) takes no ':' qualifier; offsets are parameters of their own (x_, y_)",
                offset: headEnd, length: value.count - headEnd)
            if tail.range(of: #"^[xy]_-?[0-9.]+$"#, options: .regularExpression) != nil {
                problem.suggestion = "g_\(string(head)),\(tail)"
            }
            return problem
        }
        if Keywords.specialGravities.contains(head) {
            if headEnd == value.count { return nil }
            return forEachPiece(slice(value, headEnd + 1, value.count), separator: colon) { piece, offset in
                if Keywords.gravityFallbacks.contains(piece) { return nil }
                return self.unknownKeyword(
                    "gravity fallback", key, piece, at: headEnd + 1 + offset,
                    among: Keywords.gravityFallbacks,
                    whole: value)
            }
        }
        var problem = Problem(
            code: .unknownValue, message: "unknown gravity '\(shown(value))' for g", offset: 0,
            length: value.count)
        if let best = suggest(string(head), among: Vocabulary.compassGravities + Vocabulary.specialGravities)
        {
            problem.suggestion = "g_" + best + string(slice(value, headEnd, value.count))
        }
        return problem
    }

    private func checkLayer(_ key: ParameterKey, _ value: Bytes) -> Problem? {
        if hasPrefix(value, "text:") {
            let rest = slice(value, 5, value.count)
            guard let styleEnd = firstIndex(of: colon, in: rest), styleEnd > 0, styleEnd < rest.count - 1
            else {
                return expected("text:<font>_<size>[_<style>…]:<text>", key, value)
            }
            if let problem = checkURLSafeText(key, rest, at: 5) { return problem }
            let style = slice(rest, 0, styleEnd)
            if firstIndex(of: underscore, in: style) == nil, firstIndex(of: dollar, in: style) == nil {
                // A style without "_" is the public id of a text-style, which is legal.
                return spaceInText(key, rest, textStart: styleEnd + 1, at: 5)
            }
            return checkTextStyle(key, style, in: value) ?? spaceInText(key, rest, textStart: styleEnd + 1, at: 5)
        }
        if hasPrefix(value, "fetch:") {
            let data = slice(value, 6, value.count)
            if data.isEmpty { return expected("fetch:<base64url of the URL>", key, value) }
            for c in data
            where !(isAlnum(c) || c == UInt8(ascii: "-") || c == underscore || c == UInt8(ascii: "=")) {
                return Problem(
                    code: .invalidValue,
                    message: "expected the remote URL in base64url after \(key.text)_fetch:",
                    offset: 6, length: data.count)
            }
            return nil
        }
        if hasPrefix(value, "subtitles:") {
            return value.count > 10 ? nil : expected("subtitles:[<style>:]<public_id>", key, value)
        }
        if value[value.count - 1] == colon || value[0] == colon {
            return expected("a public id (folders separated by ':')", key, value)
        }
        return nil
    }

    /// A text layer's font and text go into a URL path as they are written: a `?` or `#` ends
    /// the path there (`url build` signed such a URL and could not parse it back), a control
    /// character is no part of a URL, and a `%` must start an escape. The SDKs escape all of them
    /// in the text (`%3F`, `%23`, `%25`).
    private func checkURLSafeText(_ key: ParameterKey, _ text: Bytes, at base: Int) -> Problem? {
        func hex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f")) }
        for (i, c) in text.enumerated() {
            let problem: String?
            switch c {
            case UInt8(ascii: "?"): problem = "a '?' ends the URL's path"
            case UInt8(ascii: "#"): problem = "a '#' ends the URL's path"
            case 0..<0x20, 0x7F: problem = "a control character is no part of a URL"
            case UInt8(ascii: "%"):
                problem = i + 2 < text.count && hex(text[i + 1]) && hex(text[i + 2]) ? nil : "a '%' starts no escape (two hex digits)"
            default: problem = nil
            }
            if let problem {
                return Problem(code: .invalidValue, message: "\(problem): write it as \(String(format: "%%%02X", c)) in \(key.text)_text",
                               offset: base + i, length: 1)
            }
        }
        return nil
    }

    /// A space in a text layer's text: a browser sends it as %20, which the SDKs write (a warning:
    /// the SDKs leave a font family's spaces alone, `l_text:Open Sans_20:…`, and it renders).
    private func spaceInText(_ key: ParameterKey, _ rest: Bytes, textStart: Int, at base: Int) -> Problem? {
        guard let i = (textStart..<rest.count).first(where: { rest[$0] == UInt8(ascii: " ") }) else { return nil }
        return Problem(code: .invalidValue,
                       message: "a space in \(key.text)_text's text: write it as %20, as the SDKs do (a client sends %20, "
                           + "so a URL signed with the space does not verify)",
                       offset: base + i, length: 1, severity: .warning)
    }

    /// `<family>_<size>[_<style>…]`: when the second piece is a size, every piece after it must
    /// be a documented style (a warning otherwise: a misspelt `bolt` is silently plain text).
    /// Anything else is a saved text style's public id, which only Cloudinary knows.
    private func checkTextStyle(_ key: ParameterKey, _ style: Bytes, in value: Bytes) -> Problem? {
        var pieces: [(Bytes, Int)] = []
        _ = forEachPiece(style, separator: underscore) { piece, offset in
            pieces.append((piece, offset))
            return nil
        }
        let base = 5  // "text:"
        // A size (a number second) makes this a family and a size: both must be there, the size
        // above 0 (found in review: Arial_0, Arial_-5 and _30 were valid, then not drawn).
        if pieces.count >= 2, NumberScanner.classify(pieces[1].0) != .none {
            if pieces[0].0.isEmpty {
                return Problem(code: .invalidValue, message: "a text layer needs a font family before its size (text:Arial_30:…)",
                               offset: base, length: 0)
            }
            if NumberScanner.value(pieces[1].0) <= 0 {
                return Problem(code: .outOfRange, message: "a text layer's font size must be above 0, received '\(shown(pieces[1].0))'",
                               offset: base + pieces[1].1, length: pieces[1].0.count)
            }
        }
        guard pieces.count > 2, NumberScanner.classify(pieces[1].0) != .none || isVariableReference(pieces[1].0) else { return nil }
        var i = 2
        while i < pieces.count {
            let (piece, offset) = pieces[i]
            // A style with a value is one word (antialias, hinting) or two (letter_spacing).
            let single = string(piece)
            let pair = i + 1 < pieces.count ? single + "_" + string(pieces[i + 1].0) : ""
            let name = Vocabulary.textStylesWithValue.contains(single) ? single : pair
            if Vocabulary.textStylesWithValue.contains(name) {
                let words = name == single ? 1 : 2
                guard i + words < pieces.count else {
                    return Problem(code: .invalidValue, message: "\(name) in a text style needs a value after it (\(name)_<value>)",
                                   offset: base + offset, length: name.utf8.count, severity: .warning)
                }
                let argument = pieces[i + words]
                let allowed = name == "antialias" ? Vocabulary.fontAntialiasing : name == "hinting" ? Vocabulary.fontHinting : nil
                let valid = allowed.map { $0.contains(string(argument.0)) }
                    ?? (NumberScanner.classify(argument.0) != .none || isVariableReference(argument.0))
                if !valid {
                    return Problem(code: .invalidValue,
                                   message: "expected \(allowed.map { $0.joined(separator: ", ") } ?? "a number") after \(name) in a text style but received '\(shown(argument.0))'",
                                   offset: base + argument.1, length: argument.0.count, severity: .warning)
                }
                i += words + 1
                continue
            }
            if !Keywords.textStyles.contains(piece) {
                var problem = unknownKeyword("text style", key, piece, at: base + offset, among: Keywords.textStyles, whole: value)
                problem.severity = .warning
                return problem
            }
            i += 1
        }
        return nil
    }

    // MARK: Conditions and variables

    private mutating func checkCondition(_ value: Bytes, facts: inout ComponentFacts, valueOffset: Int)
        -> Problem?
    {
        facts.conditionOffset = valueOffset - 3
        if equals(value, "end") {
            facts.conditionKind = .end
            return nil
        }
        if equals(value, "else") {
            facts.conditionKind = .elseBranch
            return nil
        }
        facts.conditionKind = .condition
        // clause := expr cmp expr ; condition := clause ((and|or) clause)* ; expr := operand (arith operand)*
        var needOperand = true
        var clauseHasComparison = false
        var tokenStart = 0
        while tokenStart <= value.count {
            // A token ends at the next "_" outside a !quoted! string.
            var i = tokenStart
            while i < value.count, value[i] != underscore {
                if value[i] == bang, let close = firstIndex(of: bang, in: value, from: i + 1) { i = close }
                i += 1
            }
            let token = slice(value, tokenStart, i)
            if needOperand {
                guard isConditionOperand(token) else {
                    return badToken(
                        "if", token, at: tokenStart, in: value,
                        expecting: "an operand (w, h, ar, fc, $name, a number …)",
                        among: Vocabulary.predefinedVariables)
                }
                needOperand = false
            } else if equals(token, "add") || equals(token, "sub") || equals(token, "mul")
                || equals(token, "div")
                || equals(token, "mod") || equals(token, "pow")
            {
                needOperand = true
            } else if equals(token, "eq") || equals(token, "ne") || equals(token, "lt") || equals(token, "gt")
                || equals(token, "lte") || equals(token, "gte") || equals(token, "in") || equals(token, "nin")
            {
                if clauseHasComparison {
                    return Problem(
                        code: .invalidExpression,
                        message: "two comparisons in one clause; join clauses with _and_ or _or_",
                        offset: tokenStart, length: token.count)
                }
                clauseHasComparison = true
                needOperand = true
            } else if equals(token, "and") || equals(token, "or") {
                if !clauseHasComparison {
                    return Problem(
                        code: .invalidExpression,
                        message: "\(string(token)) joins two comparisons, but the clause before it has none",
                        offset: tokenStart, length: token.count)
                }
                clauseHasComparison = false
                needOperand = true
            } else {
                return badToken(
                    "if", token, at: tokenStart, in: value,
                    expecting: clauseHasComparison
                        ? "and, or or an arithmetic operator" : "a comparison (eq ne lt gt lte gte in nin)",
                    among: Vocabulary.operators)
            }
            tokenStart = i + 1
        }
        if needOperand {
            return Problem(
                code: .invalidExpression, message: "the condition '\(shown(value))' ends with an operator")
        }
        if !clauseHasComparison {
            return Problem(
                code: .invalidExpression,
                message: "expected <operand>_<comparison>_<operand> for if but received '\(shown(value))'")
        }
        return nil
    }

    private func isConditionOperand(_ token: Bytes) -> Bool {
        if token.isEmpty { return false }
        if NumberScanner.classify(token) != .none || isVariableReference(token) { return true }
        if Keywords.predefinedVariables.contains(token) { return true }
        if token[0] == bang { return token.count >= 2 && token[token.count - 1] == bang }
        if hasPrefix(token, "md:") || hasPrefix(token, "ctx:") { return token.count > 4 }
        return false
    }

    mutating func checkVariableDeclaration(
        name: Bytes, key: String, value: Bytes, valueOffset: Int, parameterOffset: Int,
        facts: inout ComponentFacts
    ) {
        var validName = name.count >= 2 && isLetter(name[1])
        if validName { for i in 2..<name.count where !isAlnum(name[i]) { validName = false } }
        if !validName {
            report(
                .error, .invalidVariable,
                "a variable name is $ followed by a letter and letters or digits, received '\(key)'",
                component: facts.index, offset: parameterOffset, length: name.count)
            return
        }
        for other in declaredInComponent where other == key {
            report(
                .error, .duplicateParameter, "\(key) is declared twice in component \(facts.index)",
                component: facts.index, offset: parameterOffset,
                length: valueOffset + value.count - parameterOffset)
        }
        declaredInComponent.append(key)
        if NumberScanner.classify(value) != .none || isVariableReference(value) { return }
        if value[0] == bang {
            if value.count < 2 || value[value.count - 1] != bang {
                report(
                    .error, .invalidVariable, "a string value is written !text!, received '\(shown(value))'",
                    component: facts.index, offset: valueOffset, length: value.count)
            }
            return
        }
        if hasPrefix(value, "ctx:") || hasPrefix(value, "md:") { return }
        if let problem = checkExpressionForVariable(key, value) {
            report(
                problem.severity, problem.code, problem.message, component: facts.index,
                offset: valueOffset + problem.offset, length: problem.length ?? value.count,
                suggestion: problem.suggestion)
        }
    }

    private func checkExpressionForVariable(_ key: String, _ value: Bytes) -> Problem? {
        if Keywords.predefinedVariables.contains(value) { return nil }
        guard firstIndex(of: underscore, in: value) != nil else {
            return Problem(
                code: .invalidVariable,
                message:
                    "expected a number, !string!, $name or an expression as a variable value but received '\(shown(value))'"
            )
        }
        return checkExpression(key, value)
    }

    // MARK: - Per component

    mutating func checkCombinations(_ facts: inout ComponentFacts) {
        if !declaredInComponent.isEmpty { declaredInComponent.removeAll(keepingCapacity: true) }
        let index = facts.index
        if facts.gravityIsAuto, let gravity = facts.gravity {
            if facts.has(.c), !facts.cropModeAcceptsAutoGravity {
                let crop = facts.cropMode.map { text($0.offset, $0.length) } ?? "this crop mode"
                report(
                    .error, .gravityNotSupported,
                    "g_auto works only with c_fill, c_lfill, c_fill_pad, c_thumb, c_crop, c_auto and c_auto_pad, not with \(crop)",
                    component: index, offset: gravity.offset, length: gravity.length)
            } else if !facts.has(.c), facts.layerApply {
                report(
                    .error, .gravityNotSupported, "g_auto cannot position a layer (fl_layer_apply)",
                    component: index, offset: gravity.offset, length: gravity.length)
            }
        }
        // "Liquid rescaling ... can be used only in conjunction with c_scale" (no c_ means scale).
        if facts.gravityIsLiquid, !facts.cropModeIsScale, let crop = facts.cropMode, let gravity = facts.gravity {
            report(
                .error, .gravityNotSupported,
                "g_liquid works only with c_scale, not with \(text(crop.offset, crop.length))",
                component: index, offset: gravity.offset, length: gravity.length)
        }
        if facts.cropModeIsThumb, facts.gravity == nil, let crop = facts.cropMode {
            report(
                .warning, .gravityMissing,
                "c_thumb needs a gravity (g_face, g_auto, …); without one it crops the centre like c_fill",
                component: index, offset: crop.offset, length: crop.length, suggestion: "g_auto")
        }
        if facts.cropModeRequiresAutoGravity, !facts.gravityIsAuto, let crop = facts.cropMode {
            report(
                .error, .autoGravityRequired,
                "\(text(crop.offset, crop.length)) needs g_auto in the same component",
                component: index, offset: crop.offset, length: crop.length, suggestion: "g_auto")
        }
        // "When setting a DPR value, you must also include a crop/resize transformation specifying a
        // certain width or height": anywhere in the URL, since dpr is delivery-wide (a trailing
        // dpr_2.0 component doubles the earlier resize). Checked when the string ends.
        if facts.has(.w) || facts.has(.h) || facts.has(.t) || facts.has(.l) || facts.has(.u) {
            sawSize = true
        }
        if facts.has(.dpr), firstDpr == nil {
            let position = position(of: .dpr, from: facts.start, to: facts.end)
            firstDpr = (index, position.offset, position.length)
        }
        if let conflict = facts.conflictingUnit, let first = facts.firstUnit {
            report(
                .error, .mixedUnits,
                "\(text(conflict.offset, conflict.length)) mixes \(first.relative ? "pixels" : "relative values") with \(first.relative ? "relative" : "pixel") \(text(first.offset, first.length)) in one component",
                component: index, offset: conflict.offset, length: conflict.length)
        }
        if facts.formatAuto, facts.qualityAuto {
            let position = position(of: .f, from: facts.start, to: facts.end)
            report(
                .warning, .formatQualityTogether,
                "f_auto and q_auto are best delivered in separate components (…/f_auto/q_auto)",
                component: index, offset: position.offset, length: position.length)
        }
        // Qualifiers with nothing to qualify.
        var qualifiers = facts.present & ParameterTable.qualifierKeys
        while qualifiers != 0 {
            let raw = UInt8(qualifiers.trailingZeroBitCount)
            qualifiers &= qualifiers - 1
            if facts.present & ParameterTable.qualifierMasks[Int(raw)] == 0 {
                let key = ParameterKey(rawValue: raw)!
                let position = position(of: key, from: facts.start, to: facts.end)
                let targets = ParameterTable.spec(key).qualifies.filter { $0 != .fl }.map { $0.text + "_" }
                report(
                    .warning, .qualifierWithoutAction,
                    "\(key.text)_ qualifies \(targets.joined(separator: ", ")) but none is in this component",
                    component: index, offset: position.offset, length: position.length)
            }
        }
        // Layers.
        let hasLayer = facts.has(.l) || facts.has(.u)
        if facts.layerApply {
            if !hasLayer {
                if openLayers == 0 {
                    let position = position(of: .fl, from: facts.start, to: facts.end)
                    report(
                        .warning, .layerApplyWithoutLayer, "fl_layer_apply with no l_ or u_ layer before it",
                        component: index, offset: position.offset, length: position.length)
                } else {
                    openLayers -= 1
                }
            }
        } else if hasLayer {
            openLayers += 1
        }
        // Conditionals.
        let inline = facts.parameterCount > 1
        switch facts.conditionKind {
        case .none:
            previousWasInlineCondition = false
        case .condition:
            if inline {
                previousWasInlineCondition = true
            } else {
                if conditionalDepth == 0 {
                    openConditionOffset = facts.conditionOffset
                    openConditionComponent = index
                }
                elseSeen.append(false)
                previousWasInlineCondition = false
            }
        case .elseBranch:
            if conditionalDepth == 0, !previousWasInlineCondition {
                report(
                    .error, .unbalancedConditional, "if_else with no if_ before it", component: index,
                    offset: facts.conditionOffset, length: 7)
            } else if conditionalDepth > 0, !previousWasInlineCondition {
                // if_ … if_else … if_end has one else branch; a second one has no meaning.
                if elseSeen.last == true {
                    report(
                        .error, .unbalancedConditional, "a second if_else in one if_ block", component: index,
                        offset: facts.conditionOffset, length: 7)
                }
                elseSeen[elseSeen.count - 1] = true
            }
            previousWasInlineCondition = false
        case .end:
            if conditionalDepth == 0 {
                report(
                    .error, .unbalancedConditional, "if_end with no if_ before it", component: index,
                    offset: facts.conditionOffset, length: 6)
            } else {
                elseSeen.removeLast()
            }
            previousWasInlineCondition = false
        }
    }
}

/// A number for a message: whole numbers without a decimal point (`90`, not `90.0`), anything
/// else, including whole numbers too large for `Int` (`3.1e+45`), as Swift prints a `Double`.
func numberText(_ v: Double) -> String {
    v.magnitude < 1e15 && v == v.rounded() ? String(Int(v)) : String(v)
}
