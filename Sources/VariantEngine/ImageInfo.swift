import Foundation
import VipsCore

/// What `variant info` reports about an image file.
public struct ImageInfo: Sendable, Codable, Equatable {
    /// Width after EXIF orientation.
    public var width: Int
    /// Height after EXIF orientation.
    public var height: Int
    /// "jpeg", "png", "webp", "avif", "heic", "gif", "tiff" ...
    public var format: String
    public var bands: Int
    public var hasAlpha: Bool
    /// EXIF orientation 1...8.
    public var orientation: Int
    public var hasIccProfile: Bool
    /// Size of the file in bytes.
    public var bytes: Int
    /// Frames in an animated image or pages in a document (1 for a still image).
    public var pages: Int

    /// Reads the header of `path` and, when `verify` is true, decodes the image at reduced size
    /// so that truncated or corrupt files are reported instead of described, down to damage the
    /// decoder only warns about (``Image/verifyDecodes(path:maxPixels:)``).
    ///
    /// ```swift
    /// let info = try ImageInfo.read(path: "TestImages/people-portrait-grace-hopper.jpg")
    /// print(info.width, info.height)
    /// ```
    /// - Throws: `VipsError` naming the file and the reason.
    public static func read(path: String, verify: Bool = true, limits: LoadOptions = LoadOptions()) throws -> ImageInfo {
        let image = try Image.load(path: path, options: limits)
        let swapsSides = image.orientation >= 5
        let pageHeight = image.pageCount > 1 ? image.pageHeight : image.height
        if verify { try Image.verifyDecodes(path: path, maxPixels: limits.maxPixels) }
        let size = fileSize(path)
        return ImageInfo(
            width: swapsSides ? pageHeight : image.width,
            height: swapsSides ? image.width : pageHeight,
            format: image.fileFormat ?? "unknown",
            bands: image.bands,
            hasAlpha: image.hasAlpha,
            orientation: image.orientation,
            hasIccProfile: image.hasICCProfile,
            bytes: size,
            pages: image.pageCount)
    }
}

/// The size in bytes of the file at `path`, through any symbolic links (Foundation's file
/// attributes give a link's own length: 8 bytes for a link to an 87 kB JPEG); 0 when unreadable.
func fileSize(_ path: String) -> Int {
    var status = stat()
    return stat(path, &status) == 0 ? Int(status.st_size) : 0
}
