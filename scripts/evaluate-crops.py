#!/usr/bin/env python3
"""Evaluates smart crops and face detection against TestImages/annotations.json.

For every annotated image and the ratios 16:9, 4:5, 1:1, 9:16, 3:1, 2:3 it compares, on the same
window sizes (the largest window of the ratio, what c_fill keeps at zoom 1):

  ours       `variant crop IMAGE --json` (one call per image, all ratios)
  centre     the window centred
  attention  libvips smartcrop interesting=attention (what sharp and imgproxy ship)
  entropy    libvips smartcrop interesting=entropy

Metrics (see issue 5):
  mean retention  area(mustKeep ∩ crop) / the largest such area any window of that size keeps
  share < 0.8     share of crops whose retention is under 0.8
  face-cut rate   faces that fit in the window but are sliced by its edge (keep >10% and <90%)

and for faces: recall on annotated faces at least 40 px high (a detection counts at IoU >= 0.4),
precision (the share of detections that overlap an annotated face at IoU >= 0.4) and false
detections per image (detections that overlap no annotated face at IoU >= 0.4); and the content
class (`variant analyze IMAGE --json --no-faces`) against the annotated one.

Usage:
  python3 scripts/evaluate-crops.py [--variant PATH] [--images TestImages] [--json OUT]

Needs pyvips (pip install pyvips) and numpy, and a built `variant`
(swift build -c release; the default path is .build/release/variant).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pyvips

RATIOS = [(16, 9), (4, 5), (1, 1), (9, 16), (3, 1), (2, 3)]
METHODS = ["ours", "centre", "attention", "entropy"]


def largest_window(width, height, rw, rh):
    """The same rounding as AspectRatio.largestWindow in the engine."""
    if width * rh >= height * rw:
        h = height
        w = min(width, max(1, int(round_half_up(height * rw / rh))))
    else:
        w = width
        h = min(height, max(1, int(round_half_up(width * rh / rw))))
    return w, h


def round_half_up(v):
    # Swift's rounded() rounds half away from zero; Python's round() rounds half to even.
    return int(np.floor(v + 0.5))


def area(r):
    return max(0, r[2]) * max(0, r[3])


def intersection(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if x1 <= x0 or y1 <= y0:
        return 0
    return (x1 - x0) * (y1 - y0)


def iou(a, b):
    i = intersection(a, b)
    u = area(a) + area(b) - i
    return i / u if u > 0 else 0.0


def as_array(image):
    image = image.cast("uchar") if image.format != "uchar" else image
    return np.ndarray(buffer=image.write_to_memory(), dtype=np.uint8,
                      shape=[image.height, image.width, image.bands])


def locate(source, crop, w, h):
    """Finds where libvips cut `crop` from `source` (it is an exact extract, so the column or
    row profile matches exactly at one offset)."""
    W, H = source.shape[1], source.shape[0]
    if W - w > 0:
        src = source.astype(np.int64).sum(axis=(0, 2))
        cut = crop.astype(np.int64).sum(axis=(0, 2))
        errors = [np.abs(src[x:x + w] - cut).sum() for x in range(W - w + 1)]
        return int(np.argmin(errors)), 0
    if H - h > 0:
        src = source.astype(np.int64).sum(axis=(1, 2))
        cut = crop.astype(np.int64).sum(axis=(1, 2))
        errors = [np.abs(src[y:y + h] - cut).sum() for y in range(H - h + 1)]
        return 0, int(np.argmin(errors))
    return 0, 0


def peers(path, windows):
    image = pyvips.Image.new_from_file(path).autorot()
    if image.interpretation not in ("srgb", "b-w"):
        image = image.colourspace("srgb")
    source = as_array(image)
    out = {}
    for (w, h) in windows:
        centre = ((image.width - w) // 2, (image.height - h) // 2)
        out[("centre", w, h)] = (centre[0], centre[1], w, h)
        for interesting in ("attention", "entropy"):
            crop = as_array(image.smartcrop(w, h, interesting=interesting))
            x, y = locate(source, crop, w, h)
            out[(interesting, w, h)] = (x, y, w, h)
    return out


def ours(variant, path, extra=()):
    args = [variant, "crop", path, "--json", *extra] + sum([["--aspect", f"{a}:{b}"] for a, b in RATIOS], [])
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"variant crop failed on {path}: {result.stderr.strip()}")
    return json.loads(result.stdout), elapsed


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", default=os.path.join(root, ".build", "release", "variant"))
    parser.add_argument("--images", default=os.path.join(root, "TestImages"))
    parser.add_argument("--json", help="also write the per-crop results here")
    parser.add_argument("--verbose", action="store_true", help="print every crop under 0.8 and every cut face")
    parser.add_argument("--extra", default="", help="extra arguments for variant crop (tuning)")
    parser.add_argument("--skip-peers", action="store_true", help="only ours (quicker, for tuning)")
    args = parser.parse_args()

    annotations = json.load(open(os.path.join(args.images, "annotations.json")))
    retention = {m: [] for m in METHODS}
    cuts = {m: [0, 0] for m in METHODS}  # cut, fitting
    detection = {"annotated": 0, "found": 0, "false": 0, "images": 0, "detections": 0}
    rows = []
    times = []
    classes = []  # (file, annotated, ours)
    for entry in annotations["images"]:
        path = os.path.join(args.images, entry["file"])
        W, H = entry["width"], entry["height"]
        result, elapsed = ours(args.variant, path, args.extra.split())
        times.append(elapsed)
        if (result["width"], result["height"]) != (W, H):
            sys.exit(f"{entry['file']}: variant reports {result['width']}x{result['height']}, annotation {W}x{H}")
        analysed = subprocess.run([args.variant, "analyze", path, "--json", "--no-faces"], capture_output=True, text=True)
        if analysed.returncode != 0:
            sys.exit(f"variant analyze failed on {path}: {analysed.stderr.strip()}")
        classes.append((entry["file"], entry["contentClass"], json.loads(analysed.stdout)["contentClass"]))
        windows = [largest_window(W, H, a, b) for a, b in RATIOS]
        rects = {} if args.skip_peers else peers(path, windows)
        for crop, (a, b), (w, h) in zip(result["crops"], RATIOS, windows):
            if (crop["width"], crop["height"]) != (w, h):
                sys.exit(f"{entry['file']} {a}:{b}: ours is {crop['width']}x{crop['height']}, expected {w}x{h}")
            rects[("ours", w, h)] = (crop["x"], crop["y"], w, h)

        # Face detection.
        detected = [(f["x"], f["y"], f["width"], f["height"]) for f in result["faces"]]
        annotated = [tuple(f) for f in entry.get("faces", [])]
        detection["images"] += 1
        detection["detections"] += len(detected)
        used = set()
        for face in annotated:
            if face[3] < 40:
                continue
            detection["annotated"] += 1
            best = max(range(len(detected)), key=lambda i: iou(face, detected[i]), default=None)
            if best is not None and best not in used and iou(face, detected[best]) >= 0.4:
                used.add(best)
                detection["found"] += 1
            elif args.verbose:
                print(f"missed face {face} in {entry['file']}", file=sys.stderr)
        for d in detected:
            if all(iou(d, face) < 0.4 for face in annotated):
                detection["false"] += 1
                if args.verbose:
                    print(f"false face {d} in {entry['file']}", file=sys.stderr)

        keep = entry.get("mustKeep")
        for (a, b), (w, h) in zip(RATIOS, windows):
            for m in METHODS:
                if (m, w, h) not in rects:
                    continue
                r = rects[(m, w, h)]
                row = {"file": entry["file"], "ratio": f"{a}:{b}", "method": m, "crop": r}
                if keep:
                    best = min(keep[2], w) * min(keep[3], h)
                    value = intersection(keep, r) / best if best > 0 else 1.0
                    retention[m].append(value)
                    row["retention"] = value
                    if args.verbose and m == "ours" and value < 0.8:
                        print(f"low retention {value:.2f}: {entry['file']} {a}:{b} crop {r} keep {keep}", file=sys.stderr)
                for face in annotated:
                    if face[2] <= w and face[3] <= h:
                        cuts[m][1] += 1
                        kept = intersection(face, r) / area(face)
                        if 0.1 < kept < 0.9:
                            cuts[m][0] += 1
                            if args.verbose and m == "ours":
                                print(f"cut face {face} ({kept:.2f}): {entry['file']} {a}:{b} crop {r}", file=sys.stderr)
                rows.append(row)

    print(f"Crops over {len(annotations['images'])} images × {len(RATIOS)} ratios "
          f"({len(retention['ours'])} crops with a must-keep box, {cuts['ours'][1]} face-in-window cases)\n")
    print("| method | mean retention | crops < 0.8 | face-cut rate |")
    print("| --- | ---: | ---: | ---: |")
    for m in METHODS:
        if args.skip_peers and m != "ours":
            continue
        values = retention[m]
        mean = sum(values) / len(values) if values else float("nan")
        under = sum(1 for v in values if v < 0.8) / len(values) if values else float("nan")
        rate = cuts[m][0] / cuts[m][1] if cuts[m][1] else 0.0
        print(f"| {m} | {mean:.3f} | {under:.1%} | {rate:.1%} ({cuts[m][0]}/{cuts[m][1]}) |")
    d = detection
    recall = d["found"] / d["annotated"] if d["annotated"] else float("nan")
    print(f"\nFace detection over {d['images']} images ({d['annotated']} annotated faces ≥ 40 px high)\n")
    # Precision: the share of detections that are an annotated face (of any size) at IoU >= 0.4.
    true = d["detections"] - d["false"]
    precision = true / d["detections"] if d["detections"] else float("nan")
    print("| recall (IoU ≥ 0.4) | precision (IoU ≥ 0.4) | false detections / image | detections |")
    print("| ---: | ---: | ---: | ---: |")
    print(f"| {recall:.3f} ({d['found']}/{d['annotated']}) | {precision:.3f} ({true}/{d['detections']}) "
          f"| {d['false'] / d['images']:.3f} ({d['false']}) | {d['detections']} |")
    agree = sum(1 for _, a, o in classes if a == o)
    print(f"\nContent class: {agree}/{len(classes)} as annotated\n")
    print("| annotated | " + " | ".join(f"ours: {c}" for c in ("photo", "graphic", "text")) + " |")
    print("| --- | ---: | ---: | ---: |")
    for a in ("photo", "graphic", "text"):
        print(f"| {a} | " + " | ".join(str(sum(1 for _, x, o in classes if x == a and o == c)) for c in ("photo", "graphic", "text")) + " |")
    for f, a, o in classes:
        if a != o:
            print(f"- {f}: annotated {a}, ours {o}")
    placement_with_known_faces(args, annotations)
    print(f"\n`variant crop` (six ratios, faces, focal point): median {sorted(times)[len(times) // 2] * 1000:.0f} ms per image, "
          f"total {sum(times):.2f} s")
    if args.json:
        json.dump({"rows": rows, "detection": detection}, open(args.json, "w"), indent=1)


ZOOMS = ["1", "1.5", "2", "3"]


def placement_with_known_faces(args, annotations):
    """The placement alone, without detection: the annotated faces given with --faces, at
    several zooms. A slice is avoidable when some window of the same size keeps a face (90 % of
    it) and slices none (every face that fits keeps at most 10 % or at least 90 %); positions are
    tried on a grid of at most 240 × 240."""
    def avoidable(faces, width, height, w, h):
        fits = [f[2] <= w and f[3] <= h for f in faces]
        for x in np.unique(np.linspace(0, width - w, min(width - w + 1, 240)).astype(int)):
            for y in np.unique(np.linspace(0, height - h, min(height - h + 1, 240)).astype(int)):
                kept = [intersection(f, (x, y, w, h)) / area(f) for f in faces]
                if all(k <= 0.1 or k >= 0.9 or not fit for k, fit in zip(kept, fits)) and any(k >= 0.9 for k in kept):
                    return True
        return False

    print("\nWith the annotated faces given (`--faces`), no detection: faces sliced by the crop, and crops\n"
          "where a window of the same size keeps a face and slices none\n")
    print("| zoom | faces that fit | sliced | crops with an avoidable slice |")
    print("| ---: | ---: | ---: | ---: |")
    for zoom in ZOOMS:
        fitting = sliced = avoidable_crops = 0
        for entry in annotations["images"]:
            faces = entry["faces"]
            if not faces:
                continue
            known = ";".join(",".join(str(v) for v in f) for f in faces)
            ratios = [a for r in RATIOS for a in ("--aspect", f"{r[0]}:{r[1]}")]
            run = subprocess.run([args.variant, "crop", os.path.join(args.images, entry["file"]), "--json",
                                  "--zoom", zoom, "--faces", known] + ratios, capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"variant crop failed on {entry['file']}: {run.stderr.strip()}")
            result = json.loads(run.stdout)
            for c in result["crops"]:
                r = (c["x"], c["y"], c["width"], c["height"])
                cut = [f for f in faces if f[2] <= r[2] and f[3] <= r[3] and 0.1 < intersection(f, r) / area(f) < 0.9]
                fitting += sum(1 for f in faces if f[2] <= r[2] and f[3] <= r[3])
                sliced += len(cut)
                if cut and avoidable(faces, result["width"], result["height"], r[2], r[3]):
                    avoidable_crops += 1
                    if args.verbose:
                        print(f"avoidable slice at zoom {zoom}: {entry['file']} {c['aspectRatio']} crop {r}", file=sys.stderr)
        print(f"| {zoom} | {fitting} | {sliced} | {avoidable_crops} |")


if __name__ == "__main__":
    main()
