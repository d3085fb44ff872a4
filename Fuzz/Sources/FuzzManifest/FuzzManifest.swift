import Foundation
import VariantEngine

/// Campaign manifests (JSON and YAML) from users: the reader must answer with a manifest or a
/// `ManifestError`, never crash. The first byte picks the syntax, so one corpus feeds both.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let yaml = bytes[0] & 1 == 1
    let data = Data(bytes.dropFirst())
    _ = try? CampaignManifest.parse(data, file: "fuzz", yaml: yaml)
    return 0
}
