#!/usr/bin/env python3
"""Checks the local f_auto/q_auto decisions against the exhaustive optimum.

For every image and size (`c_limit,w_N,h_N`: the longest side at most N px), runs `variant optimize` twice: the search (what
users get) and `--exhaustive` (every quality 1-100 of every allowed format, the smallest file
meeting the target). Prints a Markdown table: bytes of the decision / bytes of the optimum,
encodes per searched format (a format whose search was pruned is marked `p`: a file that still
missed the target was already larger than another format's passing file), and whether the
decision met the target, then the totals and the CPU time of both sides.

`png` in --formats is only tried for variants the optimiser takes for graphics (palette and
lossless PNG, and lossless WebP when webp is allowed), so the default list means "AVIF, WebP,
JPEG, plus PNG for graphics".

Usage: scripts/evaluate-optimizer.py [--variant BIN] [--widths 600,1200] [--level good]
       [--formats avif,webp,jpeg,png] [--images a.jpg,b.jpg] [--json OUT]
       scripts/evaluate-optimizer.py --report a.json,b.json   (the table of earlier runs)
"""
import argparse
import json
import os
import resource
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


def run(variant, image, width, level, formats, exhaustive, extra=()):
    """One `variant optimize` of `c_limit,w_N,h_N`, its JSON with the CPU seconds it took."""
    cmd = [variant, "optimize", os.path.join(ROOT, "TestImages", image),
           "--transformation", f"c_limit,w_{width},h_{width}", "--level", level, "--formats", formats, "--json"]
    cmd += list(extra)
    if exhaustive:
        cmd.append("--exhaustive")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr}")
    result = json.loads(out.stdout)
    result["cpuSeconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


LOSSLESS = {"png", "webp-lossless"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", default=os.path.join(ROOT, ".build/release/variant"))
    ap.add_argument("--widths", default="600,1200")
    ap.add_argument("--level", default="good")
    ap.add_argument("--formats", default="avif,webp,jpeg,png")
    ap.add_argument("--images", default=",".join(DEFAULT_IMAGES))
    ap.add_argument("--json", help="also write the raw results here (after every variant)")
    ap.add_argument("--report", help="run nothing: print the table of earlier --json files (comma-separated)")
    args = ap.parse_args()

    raw = []
    started = time.time()
    if args.report:
        for path in args.report.split(","):
            with open(path) as f:
                raw.extend(json.load(f))
    else:
        for image in args.images.split(","):
            for width in [int(w) for w in args.widths.split(",")]:
                search = run(args.variant, image, width, args.level, args.formats, False)
                best = run(args.variant, image, width, args.level, args.formats, True)
                raw.append({"image": image, "width": width, "search": search, "exhaustive": best})
                if args.json:
                    with open(args.json, "w") as f:
                        json.dump(raw, f, indent=1)
                searched = [c for c in search["candidates"] if c["format"] not in LOSSLESS]
                ratio = search["bytes"] / best["bytes"] if best["meetsTarget"] else float("nan")
                print(f"{image} {width}: {search['format']} q{search['quality']} {search['bytes']} B "
                      f"vs optimum {best['format']} q{best['quality']} {best['bytes']} B = {ratio:.3f}; "
                      f"encodes {[(c['format'], c['encodes'], c['pruned']) for c in searched]}; "
                      f"cpu {search['cpuSeconds']:.1f} s vs {best['cpuSeconds']:.1f} s", file=sys.stderr, flush=True)
    rows = []
    for entry in sorted(raw, key=lambda e: (e["width"], e["image"])):
        search, best = entry["search"], entry["exhaustive"]
        ratio = search["bytes"] / best["bytes"] if best["meetsTarget"] else float("nan")
        searched = [c for c in search["candidates"] if c["format"] not in LOSSLESS]
        rows.append((entry["image"], entry["width"], search, best, ratio, searched))

    print("| image | width | kind | decision | score | bytes | optimum | bytes | ratio | encodes per format |")
    print("|---|---:|---|---|---:|---:|---|---:|---:|---|")
    for image, width, s, b, ratio, searched in rows:
        enc = ", ".join(f"{c['format']} {c['encodes']}{'p' if c['pruned'] else ''}" for c in searched)
        q = lambda r: f" q{r['quality']}" if r["quality"] is not None else ""
        print(f"| {image} | {width} | {s['contentKind']} | {s['format']}{q(s)} | {s['ssimulacra2']:.2f} | {s['bytes']} | "
              f"{b['format']}{q(b)} | {b['bytes']} | {ratio:.3f} | {enc} |")
    ratios = [r[4] for r in rows if r[4] == r[4]]
    encodes = [c["encodes"] for r in rows for c in r[5]]
    pruned = sum(1 for r in rows for c in r[5] if c["pruned"])
    under = [r for r in rows if not r[2]["meetsTarget"] and r[3]["meetsTarget"]]
    over = [r for r in rows if r[4] == r[4] and r[4] > 1.05]
    total_ours = sum(r[2]["bytes"] for r in rows)
    total_best = sum(r[3]["bytes"] for r in rows)
    cpu_search = sum(r[2]["cpuSeconds"] for r in rows)
    cpu_best = sum(r[3]["cpuSeconds"] for r in rows)
    print()
    print(f"variants: {len(rows)}; target {rows[0][2]['target'] if rows else '?'}")
    print(f"bytes / optimum: total {total_ours / total_best:.4f}, worst {max(ratios):.4f}, "
          f"median {sorted(ratios)[len(ratios) // 2]:.4f}; over 1.05: {len(over)}")
    full = [c["encodes"] for r in rows for c in r[5] if not c["pruned"]]
    print(f"encodes per searched format: mean {sum(encodes) / len(encodes):.2f}, max {max(encodes)} "
          f"({len(encodes)} format searches, {pruned} pruned); "
          f"searches not pruned: mean {sum(full) / max(1, len(full)):.2f} over {len(full)}")
    below = [r for r in rows if r[2]["ssimulacra2"] < r[2]["target"]]
    print(f"decisions scoring under the target: {len(below)}")
    print(f"decisions under the target (when the optimum meets it): {len(under)}")
    print(f"CPU time: search {cpu_search:.0f} s, exhaustive {cpu_best:.0f} s; elapsed {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
