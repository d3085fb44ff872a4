#!/usr/bin/env python3
"""Draw TestImages/annotations.json onto copies of the test images, and check it.

Usage:
  scripts/draw-annotations.py [--out DIR] [--grid N] [--max-side PX] [FILE ...]

For each annotated image (or only the FILEs named) it writes DIR/<name>.png: the
image as displayed (EXIF orientation applied, transparency shown over a
checkerboard) with the boxes drawn on it:
  green   subject
  red     faces
  blue    mustKeep (dashed)
With --grid N it also draws a labelled grid every N pixels (handy when editing
boxes). It checks that every box lies inside the image and that width/height
match the file, prints what is wrong, and exits 1 if anything is.

Needs Pillow (pip install pillow).
"""
import argparse
import json
import os
import sys

from PIL import Image, ImageDraw, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "TestImages")

GREEN = (0, 230, 0)
RED = (255, 30, 30)
BLUE = (40, 120, 255)


def checkerboard(size, cell=16):
    bg = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(bg)
    for y in range(0, size[1], cell):
        for x in range(0, size[0], cell):
            if (x // cell + y // cell) % 2:
                d.rectangle([x, y, x + cell - 1, y + cell - 1], fill=(200, 200, 200))
    return bg


def load_displayed(path):
    im = ImageOps.exif_transpose(Image.open(path))
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        bg = checkerboard(im.size)
        bg.paste(im, (0, 0), im)
        return bg
    return im.convert("RGB")


def rect(draw, box, colour, width, scale, dashed=False):
    x, y, w, h = [v * scale for v in box]
    if not dashed:
        draw.rectangle([x, y, x + w - 1, y + h - 1], outline=colour, width=width)
        return
    dash = 12
    for (x0, y0, x1, y1) in ((x, y, x + w, y), (x, y + h, x + w, y + h),
                             (x, y, x, y + h), (x + w, y, x + w, y + h)):
        length = max(abs(x1 - x0), abs(y1 - y0))
        n = int(length // dash)
        for i in range(0, n + 1, 2):
            a = i * dash / max(length, 1)
            b = min((i + 1) * dash / max(length, 1), 1)
            draw.line([x0 + (x1 - x0) * a, y0 + (y1 - y0) * a,
                       x0 + (x1 - x0) * b, y0 + (y1 - y0) * b], fill=colour, width=width)


def check(entry, size):
    problems = []
    w, h = size
    if (entry.get("width"), entry.get("height")) != (w, h):
        problems.append(f"size is {w}x{h}, annotation says {entry.get('width')}x{entry.get('height')}")
    boxes = [("subject", entry.get("subject"))]
    boxes += [(f"faces[{i}]", b) for i, b in enumerate(entry.get("faces") or [])]
    if entry.get("mustKeep") is not None:
        boxes.append(("mustKeep", entry["mustKeep"]))
    for name, b in boxes:
        if b is None:
            if name == "subject":
                problems.append("subject missing")
            continue
        if len(b) != 4 or b[2] <= 0 or b[3] <= 0:
            problems.append(f"{name} {b} is not [x,y,w,h] with positive size")
            continue
        x, y, bw, bh = b
        if x < 0 or y < 0 or x + bw > w or y + bh > h:
            problems.append(f"{name} {b} is outside the {w}x{h} image")
    if entry.get("contentClass") not in ("photo", "graphic", "text"):
        problems.append(f"contentClass {entry.get('contentClass')!r}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--annotations", default=os.path.join(IMAGES, "annotations.json"))
    ap.add_argument("--images", default=IMAGES)
    ap.add_argument("--out", default="/tmp/annotated")
    ap.add_argument("--grid", type=int, default=0, help="grid spacing in image pixels")
    ap.add_argument("--max-side", type=int, default=1600, help="downscale drawings to this")
    args = ap.parse_args()

    with open(args.annotations) as fh:
        data = json.load(fh)
    os.makedirs(args.out, exist_ok=True)
    wanted = set(os.path.basename(f) for f in args.files)
    annotated = set()
    bad = 0
    for entry in data["images"]:
        name = entry["file"]
        annotated.add(name)
        if wanted and name not in wanted:
            continue
        im = load_displayed(os.path.join(args.images, name))
        problems = check(entry, im.size)
        for p in problems:
            print(f"{name}: {p}")
        bad += bool(problems)
        scale = min(1.0, args.max_side / max(im.size))
        if scale < 1:
            im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
        d = ImageDraw.Draw(im)
        lw = max(2, round(max(im.size) / 400))
        if args.grid:
            g = args.grid
            for gx in range(0, entry["width"], g):
                d.line([gx * scale, 0, gx * scale, im.height], fill=(255, 255, 0), width=1)
                d.text((gx * scale + 2, 2), str(gx), fill=(255, 255, 0))
            for gy in range(0, entry["height"], g):
                d.line([0, gy * scale, im.width, gy * scale], fill=(255, 255, 0), width=1)
                d.text((2, gy * scale + 2), str(gy), fill=(255, 255, 0))
        if entry.get("subject"):
            rect(d, entry["subject"], GREEN, lw, scale)
        for f in entry.get("faces") or []:
            rect(d, f, RED, lw, scale)
        if entry.get("mustKeep"):
            rect(d, entry["mustKeep"], BLUE, lw, scale, dashed=True)
        out = os.path.join(args.out, os.path.splitext(name)[0] + ".png")
        im.save(out)
    on_disk = {f for f in os.listdir(args.images)
               if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"))}
    for missing in sorted(on_disk - annotated):
        print(f"{missing}: not annotated")
        bad += 1
    for gone in sorted(annotated - on_disk):
        print(f"{gone}: annotated but not in {args.images}")
        bad += 1
    print(f"drew {len(wanted) if wanted else len(data['images'])} image(s) into {args.out}; "
          f"{bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
