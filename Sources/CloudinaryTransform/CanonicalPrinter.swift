/// Prints a transformation in the official SDKs' order.
///
/// Within a component: `if_` first, then `$variables`, then every other parameter, the last two
/// groups each sorted by the bytes of `key_value` (what the Python SDK sorts). For documented keys,
/// all lowercase letters, that is plain ASCII order of the key, since `_` sorts before letters.
enum CanonicalPrinter {
    static func print(_ transformation: Transformation) -> String {
        var out = ""
        var capacity = 0
        for component in transformation.components {
            for parameter in component.parameters {
                capacity += parameter.key.utf8.count + parameter.rawValue.utf8.count + 2
            }
        }
        out.reserveCapacity(capacity)
        for (index, component) in transformation.components.enumerated() {
            if index > 0 { out.append("/") }
            append(component, to: &out)
        }
        return out
    }

    static func append(_ component: Component, to out: inout String) {
        let parameters = component.parameters
        let n = parameters.count
        if n == 0 { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { order in
            for i in 0..<n { order[i] = i }
            // Insertion sort: components hold a handful of parameters.
            for i in 1..<n {
                let moving = order[i]
                var j = i
                while j > 0, precedes(parameters[moving], parameters[order[j - 1]]) {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = moving
            }
            for i in 0..<n {
                if i > 0 { out.append(",") }
                let parameter = parameters[order[i]]
                out.append(parameter.key)
                out.append("_")
                out.append(parameter.rawValue)
            }
        }
    }

    /// 0 for `if`, 1 for a variable, 2 for anything else.
    @inline(__always)
    static func group(_ key: String) -> Int {
        var iterator = key.utf8.makeIterator()
        switch iterator.next() {
        case UInt8(ascii: "$"): return 1
        case UInt8(ascii: "i"): return key == "if" ? 0 : 2
        default: return 2
        }
    }

    @inline(__always)
    static func precedes(_ a: Parameter, _ b: Parameter) -> Bool {
        let ga = group(a.key)
        let gb = group(b.key)
        if ga != gb { return ga < gb }
        if ga == 0 { return false }
        return keyValueLess(a, b)
    }

    /// Byte order of `a.key + "_" + a.rawValue` against the same for `b`, without building them.
    @inline(__always)
    static func keyValueLess(_ a: Parameter, _ b: Parameter) -> Bool {
        var ia = a.key.utf8.makeIterator()
        var ib = b.key.utf8.makeIterator()
        var aInValue = false
        var bInValue = false
        var va = a.rawValue.utf8.makeIterator()
        var vb = b.rawValue.utf8.makeIterator()
        while true {
            let ca: UInt8?
            if aInValue {
                ca = va.next()
            } else if let c = ia.next() {
                ca = c
            } else {
                aInValue = true
                ca = UInt8(ascii: "_")
            }
            let cb: UInt8?
            if bInValue {
                cb = vb.next()
            } else if let c = ib.next() {
                cb = c
            } else {
                bInValue = true
                cb = UInt8(ascii: "_")
            }
            switch (ca, cb) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): if x != y { return x < y }
            }
        }
    }
}
