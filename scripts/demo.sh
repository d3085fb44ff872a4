#!/usr/bin/env bash
# The demo job: plan the sample campaign over TestImages (every asset x placement x width:
# crop, transformation, delivery URL, format, quality, predicted bytes, policy), write the plan
# and the HTML contact sheet, then render a few of the planned variants locally.
set -uo pipefail
variant=$1
out=$2
mkdir -p "$out"
manifest=TestImages/campaign/campaign.json

echo "== variant plan $manifest"
# --fixed-quality: each variant is encoded once at its level's fixed quality (about 10 s here).
# Without it every variant gets the full SSIMULACRA2 search, AVIF included: about 80 s of wall
# time on 2 cores (BENCHMARKS.md, "AVIF effort 3"), so the demo shows the fast mode.
"$variant" plan "$manifest" -o "$out/plan.json" --report "$out/report.html" --cache "$out/cache.sqlite" --fixed-quality
status=$?
# Exit 1 would mean the plan was written and some asset broke a placement policy at error
# level (listed above); the demo campaign's deliberate cases (widths that need upscaling,
# subjects that do not fit a ratio) are warnings, so it exits 0.
if [ $status -ne 0 ] && [ $status -ne 1 ]; then
  echo "demo: variant plan failed (exit $status)" >&2
  exit $status
fi
echo
echo "== one variant decided the way the plan does without --fixed-quality: each format's lowest"
echo "   quality meeting the level's SSIMULACRA2 target, then the smallest file (a local f_auto,q_auto)"
# (render's f_auto,q_auto below makes the same decision and writes the file.)
"$variant" optimize TestImages/people-couple-bar.jpg --transformation c_fill,g_auto,w_960,h_540 --level good || exit $?
echo
echo "== a few variants rendered locally -> $out/"
"$variant" render TestImages/people-couple-bar.jpg "c_fill,g_auto,w_960,h_540/f_auto,q_auto" -o "$out/couple-16x9.avif"
"$variant" render TestImages/people-portrait-grace-hopper.jpg "c_fill,g_auto,w_600,h_600/f_webp,q_80" -o "$out/hopper-1x1.webp"
"$variant" render TestImages/logo-alpha.png "c_pad,b_white,w_1200,h_400/f_png" -o "$out/logo-banner.png"
# The German override of the lake hero, as the plan stored it: its crop, scale and text overlay.
lettered=$(grep -o '"transformation" : "[^"]*Sommer[^"]*"' "$out/plan.json" | tail -n 1 | sed 's/.*: "//; s/"$//')
if [ -n "$lettered" ]; then
  "$variant" render TestImages/landscape-lake-boats.jpg "$lettered" -o "$out/lake-de.webp"
fi
echo
echo "demo: plan in $out/plan.json, contact sheet in $out/report.html (open it in a browser)"
