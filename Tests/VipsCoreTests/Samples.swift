import Foundation
import VipsCore

/// Small images made in the test, so the tests need no fixture files.
enum Samples {
    /// A smooth RGB gradient with a bright square, `width` × `height`.
    static func gradient(width: Int = 64, height: Int = 48, bands: Int = 3) -> PixelBuffer {
        var data = [UInt8](repeating: 0, count: width * height * bands)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * bands
                let inSquare = x > width / 4 && x < width / 2 && y > height / 4 && y < height / 2
                data[i] = UInt8(x * 255 / max(1, width - 1))
                if bands >= 3 {
                    data[i + 1] = UInt8(y * 255 / max(1, height - 1))
                    data[i + 2] = inSquare ? 255 : 40
                }
                if bands == 4 || bands == 2 { data[i + bands - 1] = inSquare ? 255 : 128 }
            }
        }
        return PixelBuffer(width: width, height: height, bands: bands, data: data)
    }

    static func encoded(_ format: ImageFormat, width: Int = 64, height: Int = 48, bands: Int = 3) throws -> Data {
        let image = try Image(pixels: gradient(width: width, height: height, bands: bands))
        return try image.encoded(as: .defaults(for: format))
    }

    /// A PNG header declaring `width` × `height` with no real pixel data behind it.
    static func pngBomb(width: UInt32, height: UInt32) -> Data {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return be(UInt32(body.count)) + typed + be(crc32(typed))
        }
        let ihdr = be(width) + be(height) + [8, 0, 0, 0, 0]
        let idat: [UInt8] = [0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]
        return Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", []))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xedb8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func temporaryFile(_ name: String, _ data: Data) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vipscore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }
}
