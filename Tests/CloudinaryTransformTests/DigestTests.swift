import CloudinaryTransform
import Testing

/// SHA-1 and SHA-256 against FIPS 180 example vectors and Python's hashlib around the padding
/// boundaries (55, 56, 63, 64 … bytes).
@Suite("Digests")
struct DigestTests {
    static let vectors: [(String, String, String)] = [
        (
            "", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ),
        (
            "abc", "a9993e364706816aba3e25717850c26c9cd0d89d",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "a49b2446a02c645bf419f995b67091253a04a259",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    /// Bytes `i % 251` for i in 0..<n, hashed by hashlib.
    static let lengths: [(Int, String, String)] = [
        (
            55, "8ae2d46729cfe68ff927af5eec9c7d1b66d65ac2",
            "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"
        ),
        (
            56, "636e2ec698dac903498e648bd2f3af641d3c88cb",
            "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"
        ),
        (
            57, "7cb1330f35244b57437539253304ea78a6b7c443",
            "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"
        ),
        (
            63, "6d942da0c4392b123528f2905c713a3ce28364bd",
            "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"
        ),
        (
            64, "c6138d514ffa2135bfce0ed0b8fac65669917ec7",
            "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"
        ),
        (
            65, "69bd728ad6e13cd76ff19751fde427b00e395746",
            "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"
        ),
        (
            119, "41c89d06001bab4ab78736b44efe7ce18ce6ae08",
            "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"
        ),
        (
            120, "d3dbd653bd8597b7475321b60a36891278e6a04a",
            "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"
        ),
        (
            127, "89d7312a903f65cd2b3e34a975e55dbea9033353",
            "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"
        ),
        (
            128, "e6434bc401f98603d7eda504790c98c67385d535",
            "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"
        ),
        (
            129, "3352e41cc30b40ae80108970492b21014049e625",
            "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135"
        ),
        (
            1000, "c9c960a0b925474fab83942cc27d504fc24ac37b",
            "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"
        ),
    ]

    @Test func fipsVectors() {
        for (message, sha1, sha256) in Self.vectors {
            #expect(SHA1.hash(message).hex == sha1, "SHA-1 of '\(message)'")
            #expect(SHA256.hash(message).hex == sha256, "SHA-256 of '\(message)'")
        }
    }

    @Test func paddingBoundaries() {
        for (n, sha1, sha256) in Self.lengths {
            let bytes = (0..<n).map { UInt8($0 % 251) }
            #expect(SHA1.hash(bytes).hex == sha1, "SHA-1 of \(n) bytes")
            #expect(SHA256.hash(bytes).hex == sha256, "SHA-256 of \(n) bytes")
        }
    }

    @Test func streamingInUnevenPiecesMatchesOneShot() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        for step in [1, 3, 63, 64, 65, 200] {
            var one = SHA1()
            var two = SHA256()
            var i = 0
            while i < bytes.count {
                let piece = Array(bytes[i..<min(i + step, bytes.count)])
                one.update(piece)
                two.update(piece)
                i += step
            }
            #expect(one.finalize().hex == "c9c960a0b925474fab83942cc27d504fc24ac37b", "step \(step)")
            #expect(two.finalize().hex == "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d")
        }
    }

    @Test func oneMillionA() {
        var one = SHA1()
        var two = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 {
            one.update(chunk)
            two.update(chunk)
        }
        #expect(one.finalize().hex == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(two.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func finalizeDoesNotConsumeTheHasher() {
        var hasher = SHA256()
        hasher.update("ab")
        _ = hasher.finalize()
        hasher.update("c")
        #expect(hasher.finalize() == SHA256.hash("abc"))
    }

    @Test func base64URL() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xFE, 0x01]) == "-__-AQ==")
        #expect(Base64URL.encode([0xFB, 0xFF, 0xFE, 0x01], padding: false) == "-__-AQ")
        #expect(Base64URL.decode("-__-AQ==") == [0xFB, 0xFF, 0xFE, 0x01])
        #expect(
            Base64URL.decode("aHR0cHM6Ly9leGFtcGxlLmNvbS9hLnBuZw").map { String(decoding: $0, as: UTF8.self) }
                == "https://example.com/a.png")
        #expect(Base64URL.decode("a%b") == nil)
    }
}
