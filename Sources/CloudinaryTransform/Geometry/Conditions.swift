import Foundation

/// `if_` blocks ("Transformation rules"): `if_<cond>` alone opens a block that `if_else` and
/// `if_end` close; `if_<cond>` together with other parameters guards that component only.
struct GeometryConditionBlocks {
    /// The condition of the open block, if any.
    private var open: Bool?
    private var skipping = false

    /// Whether the component takes part in the geometry.
    mutating func admits(_ spec: GeometryComponentSpec, parameters: [GeometryParameter], evaluate: (String) -> Bool)
        -> Bool
    {
        guard let condition = spec.condition else { return !skipping }
        switch condition {
        case "end":
            open = nil
            skipping = false
            return false
        case "else":
            skipping = open ?? false
            return false
        default:
            guard !skipping else { return false }
            let holds = evaluate(condition)
            let guardsItself = parameters.contains { $0.key != "if" && !$0.key.hasPrefix("$") }
            if guardsItself { return holds }
            open = holds
            skipping = !holds
            return false
        }
    }
}

/// Evaluates `if_` conditions on what the geometry knows: `w`, `h`, `ar` of the current image,
/// `iw`, `ih`, `iar` of the original, `fc` (face count from the resolver), `pc` (the file's
/// pages or frames, when there is a file), numbers and variables; `and` binds tighter than `or`.
enum GeometryConditions {
    static func evaluate(_ text: String, size: Size, original: Size, faceCount: Int, pageCount: Int? = nil,
                         reader: GeometryComponentReader) -> Bool?
    {
        let tokens = text.split(separator: "_").map(String.init)
        func operand(_ token: String) -> Double? {
            switch token {
            case "w", "width": return Double(size.width)
            case "h", "height": return Double(size.height)
            case "ar", "aspect_ratio": return Double(size.width) / Double(size.height)
            case "fc", "face_count": return Double(faceCount)
            // Without a file (`variant geometry`) the count is unknown, and so is the condition.
            case "pc": return pageCount.map(Double.init)
            default: return reader.evaluate(token, input: size)
            }
        }
        // Split on `or`, then `and`; each clause is `lhs op rhs`.
        var anyHolds = false
        for disjunct in tokens.split(separator: "or") {
            var allHold = true
            for clause in Array(disjunct).split(separator: "and") {
                let parts = Array(clause)
                guard parts.count == 3, let lhs = operand(parts[0]), let rhs = operand(parts[2]) else {
                    return nil
                }
                let holds: Bool
                switch parts[1] {
                case "eq": holds = lhs == rhs
                case "ne": holds = lhs != rhs
                case "lt": holds = lhs < rhs
                case "gt": holds = lhs > rhs
                case "lte": holds = lhs <= rhs
                case "gte": holds = lhs >= rhs
                default: return nil
                }
                allHold = allHold && holds
            }
            anyHolds = anyHolds || allHold
        }
        return anyHolds
    }
}
