import Foundation
import Testing
@testable import VipsCore

/// The sRGB check that lets the analysis skip a transform between two encodings of sRGB.
@Suite("ICC profiles")
struct ICCProfileTests {
    static let images = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestImages")

    static func profile(_ name: String) throws -> [UInt8] {
        try #require(Image.load(path: images.appendingPathComponent(name).path).iccProfile)
    }

    /// A matrix/TRC profile built here: sRGB's colorants (or others), and one curve shared by
    /// the three channels.
    static func matrixProfile(colorants: [(Double, Double, Double)] = ICCProfile.srgbColorants.map(\.xyz),
                              curve: [UInt8], extraTags: [String] = []) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) } }
        func fixed(_ v: Double) -> [UInt8] { be32(UInt32(bitPattern: Int32((v * 65536).rounded()))) }
        let names = ["rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"] + extraTags
        var payloads: [[UInt8]] = colorants.map { c in Array("XYZ ".utf8) + [0, 0, 0, 0] + fixed(c.0) + fixed(c.1) + fixed(c.2) }
        payloads += Array(repeating: curve, count: 3 + extraTags.count)
        var header = [UInt8](repeating: 0, count: 128)
        header.replaceSubrange(16..<20, with: Array("RGB ".utf8))
        header.replaceSubrange(20..<24, with: Array("XYZ ".utf8))
        var table = be32(UInt32(names.count))
        var data: [UInt8] = []
        var offset = 128 + 4 + 12 * names.count
        for (name, payload) in zip(names, payloads) {
            table += Array(name.utf8) + be32(UInt32(offset)) + be32(UInt32(payload.count))
            data += payload
            offset += payload.count
        }
        return header + table + data
    }

    static func parametric(_ type: UInt16, _ parameters: [Double]) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) } }
        return Array("para".utf8) + [0, 0, 0, 0, UInt8(type >> 8), UInt8(type & 255), 0, 0]
            + parameters.flatMap { be32(UInt32(bitPattern: Int32(($0 * 65536).rounded()))) }
    }

    static let srgbParameters = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]

    @Test("the sRGB profile of the camera JPEGs is sRGB; Adobe RGB (1998) is not")
    func embeddedProfiles() throws {
        #expect(ICCProfile.isSRGB(try Self.profile("people-couple-bar.jpg")))
        #expect(!ICCProfile.isSRGB(try Self.profile("product-coffee-adobergb.jpg")))
    }

    @Test("parametric curves: sRGB's parameters pass, a plain gamma 2.2 does not; other primaries do not")
    func builtProfiles() {
        #expect(ICCProfile.isSRGB(Self.matrixProfile(curve: Self.parametric(3, Self.srgbParameters))))
        #expect(ICCProfile.isSRGB(Self.matrixProfile(curve: Self.parametric(4, Self.srgbParameters + [0, 0]))))
        #expect(!ICCProfile.isSRGB(Self.matrixProfile(curve: Self.parametric(0, [2.2]))))
        #expect(!ICCProfile.isSRGB(Self.matrixProfile(curve: Self.parametric(3, [2.2] + Self.srgbParameters.dropFirst()))))
        // Display P3's colorants with sRGB's curve.
        let p3 = [(0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841)]
        #expect(!ICCProfile.isSRGB(Self.matrixProfile(colorants: p3, curve: Self.parametric(3, Self.srgbParameters))))
        // Lookup tables win over the matrix in a colour engine.
        #expect(!ICCProfile.isSRGB(Self.matrixProfile(curve: Self.parametric(3, Self.srgbParameters), extraTags: ["A2B0"])))
    }

    @Test("every truncation and a damaged tag table are simply not sRGB")
    func damagedProfiles() throws {
        let srgb = try Self.profile("people-couple-bar.jpg")
        for length in Swift.stride(from: 0, to: srgb.count, by: 7) {
            #expect(!ICCProfile.isSRGB(Array(srgb.prefix(length))), "\(length) bytes")
        }
        var huge = srgb
        huge.replaceSubrange(128..<132, with: [0x7f, 0xff, 0xff, 0xff])
        #expect(!ICCProfile.isSRGB(huge))
        var outside = srgb
        outside.replaceSubrange(136..<140, with: [0xff, 0xff, 0xff, 0xf0])
        #expect(!ICCProfile.isSRGB(outside))
    }

    @Test("toSRGB(keepingSRGBProfiles:) skips only sRGB profiles, whose transform changed no pixel anyway")
    func keepingSRGB() throws {
        // The sRGB profile of the camera JPEGs against libvips's own: an identity at 8 bits, so
        // skipping it loses nothing (and saved 0.01 s of a 12 MP analysis).
        let couple = try Image.load(path: Self.images.appendingPathComponent("people-couple-bar.jpg").path).thumbnail(width: 64)
        #expect(try couple.toSRGB(keepingSRGBProfiles: true).pixels() == couple.pixels())
        #expect(try couple.toSRGB().pixels() == couple.pixels())
        // Adobe RGB is converted either way.
        let coffee = try Image.load(path: Self.images.appendingPathComponent("product-coffee-adobergb.jpg").path).thumbnail(width: 64)
        let measured = try coffee.toSRGB(keepingSRGBProfiles: true).pixels()
        #expect(measured != (try coffee.pixels()))
        #expect(measured == (try coffee.toSRGB().pixels()))
    }
}
