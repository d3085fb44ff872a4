import Foundation
import FuzzSupport
import VipsCore

/// Encoded images from users: read the header through the loader allow-list and the pixel limit,
/// then decode at a small size and convert to sRGB, the way `variant info` and `render` do.
/// A `VipsError` is the expected answer to bad bytes; a crash, an ASan report, a timeout or an
/// out-of-memory is a finding.
let configured: Void = {
    // One worker thread and no operation cache: each input is decoded alone and leaves nothing
    // behind, so a slow or leaking input is attributed to itself.
    Vips.setConcurrency(1)
    Vips.setOperationCacheSize(0)
}()

/// Small enough that a declared 2000×2000 image decodes in well under the fuzzer's timeout.
let limits = LoadOptions(maxPixels: 4_000_000, strictness: .failOnError)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageLoad(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    _ = configured
    let data = Data(bytes: start, count: count)
    guard let image = try? Image.load(data: data, name: "fuzz", options: limits) else { return 0 }
    _ = (image.width, image.height, image.bands, image.hasAlpha, image.orientation, image.hasICCProfile,
         image.pageCount, image.format)
    // The production path decodes from a file with shrink-on-load (ImageInfo.read, Renderer),
    // then converts to 8-bit sRGB.
    guard (try? data.write(to: scratch)) != nil else { return 0 }
    let thumbnail = try? Image.thumbnail(
        path: scratch.path, width: 32, options: ThumbnailOptions(height: 32, strictness: .failOnError),
        maxPixels: limits.maxPixels)
    _ = try? thumbnail?.toSRGB().pixels()
    return 0
}

/// In memory where there is a tmpfs.
let scratch: URL = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return URL(fileURLWithPath: directory).appendingPathComponent("variant-fuzz-\(getpid()).img")
}()

@_cdecl("FuzzImageLoad_main")
public func fuzzerEntryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzImageLoad)
}
