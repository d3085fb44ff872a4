import CloudinaryTransform
import FuzzSupport

/// Transformation strings from untrusted CMS content: parse, validate, canonicalise, and resolve
/// the geometry of whatever is valid. Crashes, traps (overflow, out-of-range index) and broken
/// invariants are findings:
/// - `parse` and `validate` agree on validity and on the canonical string;
/// - every diagnostic's span lies inside the input;
/// - the canonical form is a fixed point: canonical(parse(canonical)) == canonical.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransformation(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let parsed = Transformation.parse(text)
    let validated = Transformation.validate(text)
    check(parsed.isValid == validated.isValid, "parse and validate disagree on validity", text)
    let characters = text.count
    for d in parsed.diagnostics + validated.diagnostics {
        check(d.offset >= 0 && d.length >= 0 && d.offset + d.length <= characters, "a diagnostic points outside the input", text)
    }
    guard parsed.isValid, let transformation = parsed.transformation else { return 0 }

    let canonical = transformation.canonicalDescription
    check(parsed.canonical == nil || parsed.canonical == canonical, "parse's canonical differs from the model's", text)
    check(validated.canonical == nil || validated.canonical == canonical, "validate's canonical differs", text)
    let again = Transformation.parse(canonical)
    check(again.isValid, "the canonical form does not parse: \(canonical)", text)
    check(again.transformation?.canonicalDescription == canonical, "canonical form is not a fixed point", text)
    _ = try? Transformation(parsing: text)

    // Geometry reads the same values as numbers: overflow and division by zero live here.
    for (source, orientation) in [(Size(1000, 750), 1), (Size(1, 1), 1), (Size(6000, 40), 6)] {
        _ = try? transformation.geometry(source: source, orientation: orientation)
    }
    return 0
}

func check(_ condition: Bool, _ message: @autoclosure () -> String, _ input: String) {
    if !condition { fatalError("invariant broken: \(message()) for input \(String(reflecting: input))") }
}

@_cdecl("FuzzTransformation_main")
public func fuzzerEntryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTransformation)
}
