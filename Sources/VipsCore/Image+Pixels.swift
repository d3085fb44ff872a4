import CVips
import Foundation

/// 8-bit interleaved pixels: 1 band grey, 2 grey + alpha, 3 RGB, 4 RGBA.
public struct PixelBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let bands: Int
    public let data: [UInt8]

    public init(width: Int, height: Int, bands: Int, data: [UInt8]) {
        self.width = width
        self.height = height
        self.bands = bands
        self.data = data
    }

    /// The value of band `band` at (`x`, `y`).
    @inlinable public func value(x: Int, y: Int, band: Int) -> UInt8 {
        data[(y * width + x) * bands + band]
    }
}

extension Image {
    /// Decodes the image and copies its pixels into Swift memory as 8-bit values.
    ///
    /// Images that are not 8-bit are cast (not rescaled); convert with ``toSRGB()`` first for
    /// colour-correct 8-bit sRGB.
    /// - Throws: ``VipsError`` `decodeFailed` when the pixels cannot be decoded.
    public func pixels() throws -> PixelBuffer {
        let eightBit = isEightBit ? self : try apply("cast") { cvips_cast(pointer, $0, Int32(VIPS_FORMAT_UCHAR.rawValue)) }
        var length = 0
        guard let memory = cvips_write_to_memory(eightBit.pointer, &length) else {
            throw failure(.decodeFailed, context: source, prefix: "cannot decode the image")
        }
        defer { cvips_free(memory) }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: memory, count: length))
        return PixelBuffer(width: eightBit.width, height: eightBit.height, bands: eightBit.bands, data: bytes)
    }

    /// Decodes the whole image into memory once, so that several later operations (encoding at
    /// many qualities, say) do not decode it again. The copy keeps the time limit and the
    /// cancellation: each of its computations is watched as the original's are.
    public func materialised() throws -> Image {
        guard let copy = cvips_copy_memory(pointer) else {
            throw failure(.decodeFailed, context: source)
        }
        // The copy's computations signal on the copy, not on the image it came from: it gets
        // watchdogs of its own (one per distinct watch), and does not keep the original alive.
        var fresh: [Watchdog] = []
        for w in watchdogs where !fresh.contains(where: { $0.limit == w.limit && $0.cancellation === w.cancellation }) {
            fresh.append(w.watching(copy))
        }
        return Image(owning: copy, source: source, watchdogs: fresh)
    }
}
