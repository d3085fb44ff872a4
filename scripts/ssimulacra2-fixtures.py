#!/usr/bin/env python3
"""Builds the SSIMULACRA2 test fixtures: image pairs plus the reference scores.

The Swift implementation in Sources/VariantEngine/Quality/ is checked against the C++
reference (cloudinary/ssimulacra2, version 2.1). This script

1. renders a few synthetic reference images (photo-like textures, a UI card, a logo with
   soft transparency, a grey image, a 44x26 one) and shrinks two of TestImages/ (a
   public-domain portrait and an LGPL icon with alpha, see TestImages/SOURCES.md);
2. encodes each one as JPEG, WebP, AVIF (AV1, 8-bit) and palette PNG at qualities from 10
   to 95 with libvips, decodes the result and stores it as PNG;
3. scores every pair with the reference binary named by $SSIMULACRA2_BIN (this script
   never builds it);
4. writes scores.json: a list of {reference, distorted, format, quality, alpha, score}.

With --pypi it also records, as `pypiScore`, what the PyPI `ssimulacra2` package says about
the opaque pairs (information only: that package is not the reference).

Usage:
    SSIMULACRA2_BIN=/path/to/ssimulacra2 python3 scripts/ssimulacra2-fixtures.py [--pypi]

Needs pyvips (pip install pyvips) over libvips 8.14 with libheif/aom, libwebp, libimagequant.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pyvips

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "Tests" / "VariantEngineTests" / "Fixtures" / "ssimulacra2"

# Qualities per format. Spread from 10 to 95 so that scores cover negative values up to
# the >85 region, where the reference's float32 rounding matters.
QUALITIES = {
    "jpeg": [10, 35, 60, 80, 95],
    "webp": [10, 50, 75, 90],
    "avif": [15, 40, 60, 85],
    "png": [10, 60, 95],
}


# --- reference images -------------------------------------------------------------------


def join(bands):
    return bands[0].bandjoin(bands[1:])


def octaves(width, height, cells, seed):
    """Sum of Perlin octaves, about -1..1."""
    total = None
    weight = 1.0
    norm = 0.0
    for index, cell in enumerate(cells):
        layer = pyvips.Image.perlin(width, height, cell_size=cell, seed=seed + index) * weight
        total = layer if total is None else total + layer
        norm += weight
        weight *= 0.5
    return total / norm


def landscape(width=320, height=224):
    """Photo-like: sky gradient, textured hills, fine grain."""
    sky_t = pyvips.Image.xyz(width, height)[1] / height
    terrain = octaves(width, height, [96, 32, 12, 4], seed=11)
    ridge = (pyvips.Image.xyz(width, height)[1] / height) + terrain * 0.35 > 0.55
    ridge = ridge.gaussblur(0.8)  # soft but visible horizon
    ridge = ridge / 255.0
    detail = octaves(width, height, [24, 6, 2], seed=23)
    sky = join([
        90 + 80 * sky_t, 140 + 60 * sky_t, 210 + 30 * sky_t,
    ])
    ground = join([
        95 + 70 * terrain + 40 * detail,
        110 + 60 * terrain + 35 * detail,
        60 + 30 * terrain + 25 * detail,
    ])
    image = sky * (1 - ridge) + ground * ridge
    grain = pyvips.Image.gaussnoise(width, height, sigma=3.0, mean=0.0, seed=5)
    image = image + grain
    return image.cast("uchar")


def cells(width=288, height=256):
    """Photo-like: organic cells with colour variation and one sharp-edged object."""
    worley = pyvips.Image.worley(width, height, cell_size=40, seed=3)
    worley = worley / max(1.0, worley.max())
    hue = octaves(width, height, [64, 16], seed=31)
    image = join([
        60 + 150 * worley + 30 * hue,
        40 + 110 * worley - 20 * hue,
        90 + 90 * (1 - worley) + 25 * hue,
    ]).gaussblur(0.6)
    xyz = pyvips.Image.xyz(width, height)
    dx = xyz[0] - width * 0.68
    dy = xyz[1] - height * 0.35
    disc = ((dx * dx + dy * dy) < (height * 0.16) ** 2).ifthenelse(
        [235, 225, 60], [0, 0, 0]
    )
    mask = ((dx * dx + dy * dy) < (height * 0.16) ** 2)
    image = mask.ifthenelse(disc, image)
    grain = pyvips.Image.gaussnoise(width, height, sigma=2.0, mean=0.0, seed=7)
    return (image + grain).cast("uchar")


def paint(image, mask, colour, x, y):
    """Blends `colour` into `image` through an 8-bit coverage mask placed at (x, y)."""
    coverage = mask.embed(x, y, image.width, image.height) / 255.0
    return image * (1 - coverage) + coverage * colour


def card(width=320, height=200):
    """Graphic: flat UI card with text, thin rules and a gradient button."""
    image = pyvips.Image.black(width, height, bands=3) + [246, 244, 240]
    image = image.draw_rect([32, 92, 160], 0, 0, width, 44, fill=True)
    image = image.draw_rect([220, 220, 220], 16, 60, width - 32, 1, fill=True)
    image = image.draw_rect([220, 220, 220], 16, 150, width - 32, 1, fill=True)
    title = pyvips.Image.text("Spring campaign", font="DejaVu Sans Bold 16", dpi=72)
    image = paint(image, title, [255, 255, 255], 16, 12)
    body = pyvips.Image.text(
        "Hero 16:9, mobile 4:5, social 1:1.\nFormats and qualities chosen per variant.",
        font="DejaVu Sans 11", dpi=72,
    )
    image = paint(image, body, [40, 40, 40], 16, 70)
    ramp = pyvips.Image.xyz(120, 32)[0] / 120.0
    button = join([200 + 40 * ramp, 80 + 50 * ramp, 40 + 20 * ramp])
    image = image.insert(button, 16, 160)
    label = pyvips.Image.text("Buy now", font="DejaVu Sans Bold 12", dpi=72)
    image = paint(image, label, [255, 255, 255], 46, 168)
    return image.cast("uchar")


def logo(size=256):
    """Graphic with alpha: an antialiased ring and a letter on transparency, soft shadow."""
    big = size * 4
    xyz = pyvips.Image.xyz(big, big)
    dx = xyz[0] - big / 2
    dy = xyz[1] - big / 2
    r2 = dx * dx + dy * dy
    ring = (r2 < (big * 0.42) ** 2) & (r2 > (big * 0.30) ** 2)
    letter = pyvips.Image.text("V", font="DejaVu Sans Bold 300", dpi=72)
    letter = letter.embed((big - letter.width) // 2, (big - letter.height) // 2, big, big)
    shape = (ring | (letter > 128)).cast("uchar")  # 0 or 255
    alpha = shape.resize(0.25, kernel="lanczos3")
    shadow = alpha.gaussblur(6).embed(6, 6, size, size) * 0.45
    alpha_all = (alpha.cast("float")).maxpair(shadow) if hasattr(alpha, "maxpair") else \
        (alpha > shadow).ifthenelse(alpha, shadow)
    ramp = pyvips.Image.xyz(size, size)[1] / size
    colour = join([210 - 120 * ramp, 60 + 90 * ramp, 120 + 100 * ramp])
    colour = (alpha > shadow).ifthenelse(colour, [20, 20, 30])
    return colour.bandjoin(alpha_all).cast("uchar")


def vignette_photo():
    """Photo with soft transparency: the landscape under a radial alpha falloff."""
    base = landscape(256, 192)
    xyz = pyvips.Image.xyz(base.width, base.height)
    dx = (xyz[0] - base.width / 2) / (base.width / 2)
    dy = (xyz[1] - base.height / 2) / (base.height / 2)
    radius = (dx * dx + dy * dy) ** 0.5
    alpha = ((1.15 - radius) * 400).cast("float")
    alpha = (alpha > 255).ifthenelse(255, (alpha < 0).ifthenelse(0, alpha))
    return base.bandjoin(alpha).cast("uchar")


def grey():
    """Grey photo-like image (one band)."""
    return cells(256, 224).colourspace("b-w").cast("uchar")


def test_image(name, size):
    """A photo from TestImages/ (licences in TestImages/SOURCES.md), shrunk to `size` px."""
    image = pyvips.Image.thumbnail(str(ROOT / "TestImages" / name), size)
    if image.get_typeof("icc-profile-data") != 0:
        image = image.icc_transform("srgb")
    return image.cast("uchar")


SOURCES = [
    # name, builder, formats
    ("landscape", landscape, ["jpeg", "webp", "avif", "png"]),
    ("cells", cells, ["jpeg", "webp", "avif", "png"]),
    ("card", card, ["jpeg", "webp", "avif", "png"]),
    ("logo-rgba", logo, ["webp", "avif", "png"]),
    ("vignette-rgba", vignette_photo, ["webp", "avif", "png"]),
    ("grey", grey, ["jpeg", "webp"]),
    # 44x26: the reference stops on the size of the previous scale, so it still scores a
    # 11x7 scale here; this pair pins that rule down.
    ("tiny", lambda: landscape(44, 26), ["jpeg"]),
    # Real photographs, fewer qualities each to keep the fixtures small.
    ("astronaut", lambda: test_image("people-astronaut.jpg", 256), ["jpeg", "webp", "avif", "png"]),
    ("camera-rgba", lambda: test_image("product-camera-cutout.png", 224), ["webp", "avif", "png"]),
]

# Qualities for the real photographs (a subset of QUALITIES).
PHOTO_QUALITIES = {"jpeg": [35, 90], "webp": [50, 95], "avif": [40, 85], "png": [60]}


# --- distortion -------------------------------------------------------------------------


def encode(image, fmt, quality):
    if fmt == "jpeg":
        data = image.jpegsave_buffer(Q=quality, optimize_coding=True, strip=True)
    elif fmt == "webp":
        data = image.webpsave_buffer(Q=quality, effort=4, strip=True)
    elif fmt == "avif":
        # 8-bit: bitdepth=10 crashed with this libheif/libaom.
        data = image.heifsave_buffer(Q=quality, compression="av1", bitdepth=8, effort=4, strip=True)
    elif fmt == "png":
        data = image.pngsave_buffer(palette=True, Q=quality, effort=7, strip=True)
    else:
        raise ValueError(fmt)
    decoded = pyvips.Image.new_from_buffer(data, "", access="sequential")
    if decoded.format != "uchar":
        decoded = decoded.cast("uchar")
    return decoded.copy_memory(), len(data)


def save_png(image, path):
    image.pngsave(str(path), compression=9, strip=True)


def reference_score(binary, reference, distorted):
    result = subprocess.run(
        [binary, str(reference), str(distorted)], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


def pypi_score(reference, distorted):
    """The PyPI package's score (opaque pairs only), or None when it is not installed."""
    try:
        from ssimulacra2 import compute_ssimulacra2  # type: ignore
    except ImportError:
        return None
    return float(compute_ssimulacra2(str(reference), str(distorted)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pypi", action="store_true", help="also record the PyPI package's score")
    args = parser.parse_args()

    binary = os.environ.get("SSIMULACRA2_BIN")
    if not binary or not os.access(binary, os.X_OK):
        sys.exit("Set SSIMULACRA2_BIN to the C++ reference ssimulacra2 binary (this script does not build it).")

    out = args.out
    (out / "reference").mkdir(parents=True, exist_ok=True)
    (out / "distorted").mkdir(parents=True, exist_ok=True)

    pairs = []
    for name, build, formats in SOURCES:
        ref_rel = f"reference/{name}.png"
        save_png(build(), out / ref_rel)
        # Encode what was stored, with its PNG interpretation (sRGB or grey), not the
        # in-memory pipeline: libimagequant garbles a 4-band "multiband" image.
        image = pyvips.Image.new_from_file(str(out / ref_rel)).copy_memory()
        alpha = image.bands in (2, 4)
        for fmt in formats:
            qualities = PHOTO_QUALITIES if name in ("astronaut", "camera-rgba") else QUALITIES
            for quality in qualities[fmt]:
                distorted, encoded_bytes = encode(image, fmt, quality)
                dist_rel = f"distorted/{name}-{fmt}-q{quality}.png"
                save_png(distorted, out / dist_rel)
                entry = {
                    "reference": ref_rel,
                    "distorted": dist_rel,
                    "format": fmt,
                    "quality": quality,
                    "alpha": alpha,
                    "encodedBytes": encoded_bytes,
                    "score": round(reference_score(binary, out / ref_rel, out / dist_rel), 6),
                }
                if args.pypi and not alpha:
                    value = pypi_score(out / ref_rel, out / dist_rel)
                    if value is not None:
                        entry["pypiScore"] = round(value, 4)
                pairs.append(entry)
                print(f"{dist_rel:45} {entry['score']:10.4f}", file=sys.stderr)

    with open(out / "scores.json", "w") as handle:
        json.dump(pairs, handle, indent=1)
        handle.write("\n")
    print(f"{len(pairs)} pairs -> {out / 'scores.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
