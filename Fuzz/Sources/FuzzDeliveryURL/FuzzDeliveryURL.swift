import CloudinaryTransform
import FuzzSupport

/// Delivery URLs from untrusted CMS content: parse, and for what parses, print it back and
/// parse the transformation it carries. A URL that parses prints to a URL that parses again to
/// the same parts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeliveryURL(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let url = try? DeliveryURL(parsing: text) else { return 0 }
    let printed = url.absoluteString
    guard let again = try? DeliveryURL(parsing: printed) else {
        fatalError("a parsed URL prints to one that does not parse: \(String(reflecting: text)) -> \(printed)")
    }
    if again.absoluteString != printed {
        fatalError("printing is not stable: \(String(reflecting: text)) -> \(printed) -> \(again.absoluteString)")
    }
    if let transformation = url.transformation { _ = Transformation.parse(transformation) }
    return 0
}

@_cdecl("FuzzDeliveryURL_main")
public func fuzzerEntryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzDeliveryURL)
}
