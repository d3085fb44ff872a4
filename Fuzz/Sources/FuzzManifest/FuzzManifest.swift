import Foundation
import FuzzSupport
import VariantEngine

/// Campaign manifests (JSON and YAML) from users: the reader must answer with a manifest or a
/// `ManifestError`, never crash. The first byte picks the syntax, so one corpus feeds both.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let yaml = bytes[0] & 1 == 1
    let data = Data(bytes.dropFirst())
    _ = try? CampaignManifest.parse(data, file: "fuzz", yaml: yaml)
    return 0
}

@_cdecl("FuzzManifest_main")
public func fuzzerEntryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzManifest)
}
