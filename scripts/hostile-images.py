#!/usr/bin/env python3
"""Writes hostile image files into a folder, for the hostile-input tests and for trying by hand.

    scripts/hostile-images.py OUTDIR          # prints one line per file: name, bytes, what it is

Nothing here is committed: the files are made at test time (Tests/VariantCLITests/
HostileImageTests.swift runs this script into a temporary folder). Needs Python 3 (stdlib only),
the `vips` command (libvips-tools) and libvips.so.42 (for the animated images, through ctypes:
the vips command cannot set page-height).

Every file is deterministic: same bytes on every run with the same libvips.
"""

import ctypes
import os
import random
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE_PHOTO = os.path.join(ROOT, "TestImages", "people-astronaut.jpg")


def vips(*args):
    subprocess.run(["vips", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


# --- PNG -------------------------------------------------------------------------------------

def png_chunk(kind, body):
    typed = kind + body
    return struct.pack(">I", len(body)) + typed + struct.pack(">I", zlib.crc32(typed) & 0xFFFFFFFF)


def png_insert_before_idat(png, chunks):
    at = png.index(b"IDAT") - 4
    return png[:at] + b"".join(chunks) + png[at:]


def png_bomb(width, height):
    """A valid PNG header declaring width x height, with one compressed row behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


# --- JPEG ------------------------------------------------------------------------------------

def jpeg_segments(data):
    """Splits a JPEG into (marker, segment bytes) up to SOS; returns them and the rest."""
    assert data[:2] == b"\xff\xd8"
    i, segments = 2, []
    while True:
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker == 0xDA:
            return segments, data[i:]
        segments.append((marker, data[i:i + 2 + length]))
        i += 2 + length


def jpeg_segment(marker, body):
    assert len(body) + 2 <= 0xFFFF
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg_with(data, extra_segments, drop=()):
    """The JPEG with `extra_segments` right after SOI and any segment whose marker is in drop removed."""
    segments, rest = jpeg_segments(data)
    kept = [s for m, s in segments if m not in drop]
    return b"\xff\xd8" + b"".join(extra_segments) + b"".join(kept) + rest


def icc_segments(profile):
    """An ICC profile split over APP2 segments the way the ICC spec allows (up to 255 of them)."""
    size = 65519
    pieces = [profile[i:i + size] for i in range(0, len(profile), size)]
    assert len(pieces) <= 255
    return [jpeg_segment(0xE2, b"ICC_PROFILE\0" + bytes([n + 1, len(pieces)]) + piece)
            for n, piece in enumerate(pieces)]


def jpeg_declaring(data, width, height):
    """Rewrites the frame header (SOF0/SOF2) to declare another size; the scan data is unchanged."""
    out = bytearray(data)
    i = 2
    while True:
        marker = out[i + 1]
        length = struct.unpack(">H", out[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            out[i + 5:i + 9] = struct.pack(">HH", height, width)
            return bytes(out)
        i += 2 + length


def icc_with_damaged_tag(profile, tag=b"gXYZ"):
    """The profile with one tag's type signature changed (XYZ -> XXZ): it still parses, but no
    colour transform can be built from it ("Couldn't link the profiles")."""
    out = bytearray(profile)
    count = struct.unpack(">I", out[128:132])[0]
    for k in range(count):
        sig, offset, _ = struct.unpack(">4sII", out[132 + 12 * k:144 + 12 * k])
        if sig == tag:
            out[offset:offset + 4] = b"XXZ "
            return bytes(out)
    raise ValueError("no %s tag" % tag)


def jpeg_icc(data):
    """The ICC profile carried by a JPEG's APP2 segments, reassembled."""
    chunks = [s[4 + 14:] for m, s in jpeg_segments(data)[0] if m == 0xE2 and s[4:16] == b"ICC_PROFILE\0"]
    return b"".join(chunks)


def exif_ifd_loop():
    """An EXIF block whose IFD0 points at itself, twice (ExifIFD pointer and next-IFD offset)."""
    tiff = b"II*\0" + struct.pack("<I", 8)
    ifd = struct.pack("<H", 2)
    ifd += struct.pack("<HHII", 0x0112, 3, 1, 6)          # Orientation = 6
    ifd += struct.pack("<HHII", 0x8769, 4, 1, 8)          # ExifIFD -> IFD0
    ifd += struct.pack("<I", 8)                           # next IFD -> IFD0
    return b"Exif\0\0" + tiff + ifd


# --- corruption ------------------------------------------------------------------------------

def bit_flipped(data, flips, seed, skip):
    """`flips` single-bit flips after the first `skip` bytes (headers stay readable)."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        i = rng.randrange(skip, len(out) - 2)
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


# --- animated, through libvips (page-height cannot be set from the command line) -------------

def animated(path_in, path_out, page_height):
    lib = ctypes.CDLL("libvips.so.42")
    lib.vips_init.argtypes = [ctypes.c_char_p]
    lib.vips_image_new_from_file.restype = ctypes.c_void_p
    lib.vips_image_new_from_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    lib.vips_image_copy_memory.restype = ctypes.c_void_p
    lib.vips_image_copy_memory.argtypes = [ctypes.c_void_p]
    lib.vips_image_set_int.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.vips_image_write_to_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    lib.vips_error_buffer.restype = ctypes.c_char_p
    lib.g_object_unref.argtypes = [ctypes.c_void_p]
    if lib.vips_init(b"hostile-images") != 0:
        raise RuntimeError("vips_init failed")
    tall = lib.vips_image_new_from_file(path_in.encode(), None)
    memory = lib.vips_image_copy_memory(tall)
    if not tall or not memory:
        raise RuntimeError(lib.vips_error_buffer().decode())
    lib.vips_image_set_int(memory, b"page-height", page_height)
    if lib.vips_image_write_to_file(memory, path_out.encode(), None) != 0:
        raise RuntimeError(lib.vips_error_buffer().decode())
    lib.g_object_unref(memory)
    lib.g_object_unref(tall)


# --- the set ---------------------------------------------------------------------------------

def make(out):
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, ".work")
    os.makedirs(work, exist_ok=True)
    w = lambda name: os.path.join(work, name)
    made = []

    def write(name, data, what):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        made.append((name, len(data), what))

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    # Sources: a 320 px photo, as JPEG (with its ICC profile and EXIF), PNG and WebP.
    vips("thumbnail", BASE_PHOTO, w("base.v"), "320")
    vips("copy", w("base.v"), w("base.jpg") + "[Q=85]")
    vips("copy", w("base.v"), w("plain.jpg") + "[Q=85,strip]")
    vips("copy", w("base.v"), w("base.png") + "[strip]")
    vips("copy", w("base.v"), w("base.webp") + "[Q=80,strip]")
    jpeg, plain, png, webp = read(w("base.jpg")), read(w("plain.jpg")), read(w("base.png")), read(w("base.webp"))

    write("zero-bytes.jpg", b"", "an empty file")
    write("truncated.jpg", plain[: len(plain) // 2], "JPEG cut in half")
    write("truncated.png", png[: len(png) // 2], "PNG cut in half")
    write("truncated.webp", webp[: len(webp) // 2], "WebP cut in half")
    write("header-only.jpg", plain[:400], "JPEG cut after its headers")
    write("damaged-scan.jpg", plain[: len(plain) // 2] + b"\xff\xd9",
          "JPEG cut in half, its end-of-image marker put back (libjpeg only warns, and decodes grey)")
    # 5000 bytes of a 3200 px JPEG's scan data overwritten: decoded at 1/8 (shrink-on-load),
    # libjpeg warns once and the decode goes on, even when told to fail on warnings.
    vips("resize", w("base.v"), w("large.v"), "10")
    vips("copy", w("large.v"), w("large.jpg") + "[Q=85,strip]")
    large = bytearray(read(w("large.jpg")))
    large[len(large) // 2: len(large) // 2 + 5000] = b"\xaa" * 5000
    write("damaged-large.jpg", bytes(large), "3200 px JPEG with 5000 bytes of scan data overwritten")
    # A progressive JPEG whose last Huffman table and scan repeat 1500 times before the end:
    # libjpeg warns at each repeat and reads them all before the first row (about 20 ms a scan
    # at 4000 px, 30 s in all), a decode no --timeout reached.
    vips("black", w("flat.v"), "4000", "4000")
    vips("copy", w("flat.v"), w("progressive.jpg") + "[Q=75,interlace,strip]")
    progressive = read(w("progressive.jpg"))
    last_table = progressive.rindex(b"\xff\xc4")
    assert progressive.endswith(b"\xff\xd9") and progressive.rindex(b"\xff\xda") > last_table
    write("scan-bomb.jpg", progressive[:-2] + progressive[last_table:-2] * 1500 + b"\xff\xd9",
          "progressive 4000 px JPEG with its last scan repeated 1500 times (libjpeg reads every one)")
    write("bit-flipped.jpg", bit_flipped(plain, 40, 1, 1000), "JPEG with 40 bits flipped in the scan data")
    write("bit-flipped.png", bit_flipped(png, 40, 2, 200), "PNG with 40 bits flipped in IDAT")
    write("bit-flipped.webp", bit_flipped(webp, 40, 3, 100), "WebP with 40 bits flipped in the bitstream")
    write("png-named.jpg", png, "PNG bytes named .jpg")
    write("jpeg-named.png", plain, "JPEG bytes named .png")
    write("text-named.jpg", b"<html><body>not an image</body></html>\n" * 20, "HTML named .jpg")

    write("bomb-100000x100000.png", png_bomb(100000, 100000), "a 69-byte PNG declaring 100000x100000")
    write("bomb-65500x65500.jpg", jpeg_declaring(plain, 65500, 65500), "JPEG header declaring 65500x65500")
    # Under the default limit but over a small one: the limit is what refuses, not the size.
    write("bomb-10000x10000.png", png_bomb(10000, 10000), "a 69-byte PNG declaring 10000x10000 (100 MP)")

    rng = random.Random(5)
    noise = bytes(rng.getrandbits(8) for _ in range(5 * 1024 * 1024))
    # JPEG segments hold 64 KB at most: 5 MB of XMP is 81 APP1 segments; 5 MB of ICC is 81
    # APP2 chunks of one profile, which the decoder reassembles.
    xmp_header = b"http://ns.adobe.com/xap/1.0/\0"
    xmp = [jpeg_segment(0xE1, xmp_header + noise[i:i + 65000]) for i in range(0, len(noise), 65000)]
    write("xmp-5mb.jpg", jpeg_with(plain, xmp), "JPEG with 5 MB of XMP in 81 APP1 segments")
    write("icc-5mb.jpg", jpeg_with(plain, icc_segments(noise)), "JPEG with a 5 MB ICC profile of noise")
    write("exif-5mb.png", png_insert_before_idat(png, [png_chunk(b"eXIf", b"MM\0*" + noise)]),
          "PNG with a 5 MB eXIf chunk")
    write("xmp-5mb.png", png_insert_before_idat(
        png, [png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + noise)]), "PNG with a 5 MB XMP chunk")
    nested = b"<x:xmpmeta>" + b"<a>" * 200000 + b"</a>" * 200000 + b"</x:xmpmeta>"
    write("xmp-nested.png", png_insert_before_idat(
        png, [png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + nested)]), "PNG with XMP nested 200000 deep")
    write("exif-ifd-loop.jpg", jpeg_with(plain, [jpeg_segment(0xE1, exif_ifd_loop())]),
          "JPEG whose EXIF IFD points at itself")
    write("icc-noise.jpg", jpeg_with(plain, icc_segments(noise[:3000])),
          "JPEG with a 3 KB ICC profile of noise")

    write("icc-damaged-tag.jpg", jpeg_with(plain, icc_segments(icc_with_damaged_tag(jpeg_icc(jpeg)))),
          "JPEG whose ICC profile has a damaged tag (parses, cannot be linked)")

    # A CMYK profile on an RGB JPEG: a real profile for the wrong colour space.
    vips("icc_export", w("base.v"), w("cmyk.jpg") + "[Q=85]", "--output-profile", "cmyk")
    cmyk = read(w("cmyk.jpg"))
    cmyk_icc = [s for m, s in jpeg_segments(cmyk)[0] if m == 0xE2]
    write("icc-cmyk-on-rgb.jpg", jpeg_with(plain, cmyk_icc), "RGB JPEG carrying a CMYK ICC profile")
    write("cmyk-with-profile.jpg", cmyk, "CMYK JPEG with its profile")
    write("cmyk-no-profile.jpg", jpeg_with(cmyk, [], drop=(0xE2,)), "CMYK JPEG without a profile")

    # CMYK with alpha (5 bands, half transparent), its profile embedded: libvips's thumbnail turns
    # it into sRGB and alpha but leaves the CMYK profile attached.
    vips("icc_export", w("base.v"), w("cmyk.v"), "--output-profile", "cmyk")
    vips("bandjoin_const", w("cmyk.v"), w("cmyk-alpha.v"), "128")
    vips("copy", w("cmyk-alpha.v"), w("cmyk-alpha.tif"), "--interpretation", "cmyk")
    write("cmyk-alpha.tif", read(w("cmyk-alpha.tif")), "CMYK TIFF with alpha and its profile")
    # libvips writes a TIFF's directory at its end: cut in half, the file has none.
    vips("copy", w("base.v"), w("plain.tif"))
    tif = read(w("plain.tif"))
    write("truncated.tif", tif[: len(tif) // 2], "TIFF cut in half (its directory, at the end, gone)")

    # HEIC (HEVC in HEIF): the same container as AVIF, another codec.
    vips("heifsave", w("base.v"), w("hevc.heic"), "--compression", "hevc")
    write("hevc.heic", read(w("hevc.heic")), "HEIC (HEVC-coded HEIF)")
    vips("heifsave", w("base.v"), w("av1.avif"), "--compression", "av1")
    write("av1.avif", read(w("av1.avif")), "AVIF (AV1-coded HEIF)")
    avif = read(w("av1.avif"))
    write("truncated.avif", avif[: len(avif) // 2], "AVIF cut in half")

    vips("colourspace", w("base.v"), w("rgb16.png"), "rgb16")
    write("rgb-16bit.png", read(w("rgb16.png")), "16-bit RGB PNG")
    vips("colourspace", w("base.v"), w("grey.v"), "b-w")
    vips("bandjoin_const", w("grey.v"), w("grey-alpha.png"), "180")
    write("grey-alpha.png", read(w("grey-alpha.png")), "greyscale PNG with alpha")
    vips("colourspace", w("base.v"), w("grey16.png"), "grey16")
    write("grey-16bit.png", read(w("grey16.png")), "16-bit greyscale PNG")

    # 500 frames of 48x48, each different (identical frames would be merged by the encoders).
    frames, side = 500, 48
    vips("xyz", w("xyz.v"), str(side), str(side * frames))
    vips("extract_band", w("xyz.v"), w("y.v"), "1")
    vips("remainder_const", w("y.v"), w("ymod.v"), "251")
    vips("cast", w("ymod.v"), w("y8.v"), "uchar")
    vips("bandjoin", f"{w('y8.v')} {w('y8.v')} {w('y8.v')}", w("tall.v"))
    animated(w("tall.v"), w("frames.gif"), side)
    animated(w("tall.v"), w("frames.webp"), side)
    write("animated-500-frames.gif", read(w("frames.gif")), "GIF with 500 frames")
    write("animated-500-frames.webp", read(w("frames.webp")), "WebP with 500 frames")

    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    os.rmdir(work)
    return made


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    for name, size, what in make(sys.argv[1]):
        print(f"{name}\t{size}\t{what}")


if __name__ == "__main__":
    main()
