#!/usr/bin/env python3
"""Compares the crops of two `variant` builds with the faces each detects.

For every people and animal photo in TestImages, at zooms 1, 1.5, 2, 2.5, 3 and 4 and the six
campaign ratios, runs `variant crop IMAGE --json --zoom Z` with both binaries and prints, for
each, the faces cut and kept (as `variant crop` counts them) and the mean saliency kept (its
score), then the crops whose score moved by more than 0.05.

Usage:
  python3 scripts/compare-crops.py BASE_VARIANT NEW_VARIANT [--images TestImages]
"""
import argparse
import glob
import json
import os
import subprocess

ZOOMS = ["1", "1.5", "2", "2.5", "3", "4"]


def crops(binary, images):
    out = []
    for image in images:
        for zoom in ZOOMS:
            run = subprocess.run([binary, "crop", image, "--json", "--zoom", zoom], capture_output=True, text=True)
            if run.returncode != 0:
                raise SystemExit(f"{binary} crop {image} failed: {run.stderr.strip()}")
            for c in json.loads(run.stdout)["crops"]:
                out.append((os.path.basename(image), zoom, c))
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--images", default=os.path.join(root, "TestImages"))
    args = parser.parse_args()
    images = [f for f in sorted(glob.glob(os.path.join(args.images, "*.jp*g")))
              if os.path.basename(f).startswith(("people", "animal"))]
    results = {name: crops(binary, images) for name, binary in (("base", args.base), ("new", args.new))}
    print(f"{len(images)} photos × {len(ZOOMS)} zooms × 6 ratios = {len(results['base'])} crops\n")
    print("| build | faces cut | faces kept | mean score |")
    print("| --- | ---: | ---: | ---: |")
    for name, rows in results.items():
        cs = [c for _, _, c in rows]
        print(f"| {name} | {sum(c['facesCut'] for c in cs)} | {sum(c['facesKept'] for c in cs)} "
              f"| {sum(c['score'] for c in cs) / len(cs):.4f} |")
    print()
    for (image, zoom, b), (_, _, n) in zip(results["base"], results["new"]):
        if abs(n["score"] - b["score"]) > 0.05:
            print(f"{image} zoom {zoom} {b['aspectRatio']}: score {b['score']} -> {n['score']}, "
                  f"kept/cut {b['facesKept']}/{b['facesCut']} -> {n['facesKept']}/{n['facesCut']}")


if __name__ == "__main__":
    main()
