#!/usr/bin/env python3
"""Checks the local f_auto/q_auto decisions against the exhaustive optimum.

For every image and width, runs `variant optimize` twice: the search (what users get) and
`--exhaustive` (every quality 1-100 of every allowed format, the smallest file meeting the
target). Prints a Markdown table: bytes of the decision / bytes of the optimum, encodes per
format, and whether the decision met the target.

Usage: scripts/evaluate-optimizer.py [--variant BIN] [--widths 600,1200] [--level good]
       [--formats avif,webp,jpeg] [--images a.jpg,b.jpg] [--json OUT]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_IMAGES = [
    "people-astronaut.jpg", "people-portrait-grace-hopper.jpg", "people-couple-bar.jpg",
    "people-beach-small-faces.jpg", "animal-cat-closeup.jpg", "animal-dog-bicycle.jpg",
    "product-coffee-adobergb.jpg", "product-fig-bowl.jpg", "landscape-lake-boats.jpg",
    "landscape-mountain-meadow.jpg", "architecture-temple.jpg", "animal-dogs-window.jpg",
    "graphic-illustration.png", "logo-alpha.png",
]


def run(variant, image, width, level, formats, exhaustive):
    cmd = [variant, "optimize", os.path.join(ROOT, "TestImages", image),
           "--transformation", f"c_limit,w_{width}", "--level", level, "--formats", formats, "--json"]
    if exhaustive:
        cmd.append("--exhaustive")
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", default=os.path.join(ROOT, ".build/release/variant"))
    ap.add_argument("--widths", default="600,1200")
    ap.add_argument("--level", default="good")
    ap.add_argument("--formats", default="avif,webp,jpeg")
    ap.add_argument("--images", default=",".join(DEFAULT_IMAGES))
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args()

    rows, raw = [], []
    started = time.time()
    for image in args.images.split(","):
        for width in [int(w) for w in args.widths.split(",")]:
            search = run(args.variant, image, width, args.level, args.formats, False)
            best = run(args.variant, image, width, args.level, args.formats, True)
            raw.append({"image": image, "width": width, "search": search, "exhaustive": best})
            ratio = search["bytes"] / best["bytes"] if best["meetsTarget"] else float("nan")
            per_format = {c["format"]: c["encodes"] for c in search["candidates"]}
            rows.append((image, width, search, best, ratio, per_format))
            print(f"{image} {width}: {search['format']} q{search['quality']} {search['bytes']} B "
                  f"vs optimum {best['format']} q{best['quality']} {best['bytes']} B = {ratio:.3f}; "
                  f"encodes {per_format}", file=sys.stderr)

    print(f"| image | width | decision | score | bytes | optimum | bytes | ratio | encodes per format |")
    print("|---|---|---|---|---|---|---|---|---|")
    for image, width, s, b, ratio, per_format in rows:
        enc = ", ".join(f"{k} {v}" for k, v in per_format.items())
        print(f"| {image} | {width} | {s['format']} q{s['quality']} | {s['ssimulacra2']:.1f} | {s['bytes']} | "
              f"{b['format']} q{b['quality']} | {b['bytes']} | {ratio:.3f} | {enc} |")
    ratios = [r[4] for r in rows if r[4] == r[4]]
    encodes = [v for r in rows for v in r[5].values()]
    under = [r for r in rows if not r[2]["meetsTarget"] and r[3]["meetsTarget"]]
    total_ours = sum(r[2]["bytes"] for r in rows)
    total_best = sum(r[3]["bytes"] for r in rows)
    print()
    print(f"variants: {len(rows)}; target {rows[0][2]['target'] if rows else '?'} ({args.level}); formats {args.formats}")
    print(f"bytes / optimum: total {total_ours / total_best:.3f}, worst {max(ratios):.3f}, "
          f"median {sorted(ratios)[len(ratios) // 2]:.3f}")
    print(f"encodes per format: mean {sum(encodes) / len(encodes):.2f}, max {max(encodes)}")
    print(f"decisions under the target (when the optimum meets it): {len(under)}")
    print(f"elapsed: {time.time() - started:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
