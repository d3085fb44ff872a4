#!/usr/bin/env python3
"""What the AVIF encoder effort does to the optimiser's decisions.

Runs `variant optimize --level good` over the rows of BENCHMARKS.md's optimiser table
(`c_limit,w_N,h_N` of TestImages sources, N = 600 and 1200) at two AVIF efforts and prints, per
row, each effort's decision (format, quality, bytes, score, AVIF encodes, CPU seconds), then the
totals: bytes and CPU time of the second effort against the first.

Usage: scripts/compare-avif-effort.py [--variant BIN] [--efforts 3,4]
"""
import argparse
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The optimiser evaluation's runner: one `variant optimize` of a row, with its CPU time.
_spec = importlib.util.spec_from_file_location("evaluate_optimizer", os.path.join(ROOT, "scripts", "evaluate-optimizer.py"))
evaluate_optimizer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate_optimizer)
ROWS_600 = """animal-bird-trunk-large.jpg animal-bird-very-tall.jpg animal-dog-bicycle.jpg animal-dogs-window.jpg
architecture-facade.jpg architecture-temple.jpg graphic-illustration.png landscape-lake-boats.jpg
landscape-mountain-meadow.jpg landscape-very-wide.jpg logo-alpha.png people-beach-small-faces.jpg
people-couple-bar.jpg people-couple-canyon-exif-orientation-3.jpg people-face-closeup.jpg
people-group-bar-crowd.jpg people-group-solvay-1927.jpg people-group-three-tattoos.jpg
people-hiker-dog-horse.jpg people-pool-exif-orientation-6.jpg product-coffee-adobergb.jpg
product-fig-bowl.jpg""".split()
ROWS_1200 = """animal-bird-trunk-large.jpg animal-dogs-window.jpg architecture-facade.jpg
graphic-illustration.png landscape-lake-boats.jpg landscape-mountain-meadow.jpg landscape-very-wide.jpg
people-group-solvay-1927.jpg product-fig-bowl.jpg""".split()


def decide(variant, image, width, effort):
    result = evaluate_optimizer.run(variant, image, width, "good", "avif,webp,jpeg,png", False,
                                    extra=["--avif-effort", str(effort)])
    result["cpu"] = result["cpuSeconds"]
    avif = [c for c in result["candidates"] if c["format"] == "avif"]
    result["avifEncodes"] = avif[0]["encodes"] if avif else 0
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", default=os.path.join(ROOT, ".build/release/variant"))
    ap.add_argument("--efforts", default="3,4")
    args = ap.parse_args()
    efforts = [int(e) for e in args.efforts.split(",")]
    if len(efforts) != 2:
        sys.exit("--efforts takes two efforts, e.g. 3,4")
    totals = {e: [0, 0.0] for e in efforts}
    flips = 0
    print("| image | width | " + " | ".join(f"effort {e}: decision, bytes, score, AVIF encodes, CPU" for e in efforts) + " |")
    print("|---|---:|---|---|")
    for width, images in ((600, ROWS_600), (1200, ROWS_1200)):
        for image in images:
            cells = []
            formats = set()
            for e in efforts:
                r = decide(args.variant, image, width, e)
                totals[e][0] += r["bytes"]
                totals[e][1] += r["cpu"]
                formats.add(r["format"])
                cells.append(f'{r["format"]} q{r["quality"]}, {r["bytes"]}, {r["ssimulacra2"]:.2f}, {r["avifEncodes"]}, {r["cpu"]:.2f} s')
            flips += len(formats) > 1
            print(f"| {image} | {width} | " + " | ".join(cells) + " |", flush=True)
    a, b = efforts
    print()
    print(f"bytes: effort {a} {totals[a][0]}, effort {b} {totals[b][0]} ({totals[a][0] / totals[b][0]:.3f}x)")
    print(f"CPU: effort {a} {totals[a][1]:.1f} s, effort {b} {totals[b][1]:.1f} s ({totals[a][1] / totals[b][1]:.3f}x)")
    print(f"rows whose format differs: {flips}")


if __name__ == "__main__":
    main()
