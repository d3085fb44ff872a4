#!/usr/bin/env bash
# The demo job over TestImages: describe every image, then render variants of each.
set -euo pipefail
variant=$1
out=$2
mkdir -p "$out"
shopt -s nullglob
images=(TestImages/*.jpg TestImages/*.png TestImages/*.webp)
[ ${#images[@]} -gt 0 ] || { echo "demo: no images under TestImages/" >&2; exit 2; }

echo "== variant info: ${#images[@]} images"
"$variant" info "${images[@]}"

if "$variant" render --help >/dev/null 2>&1; then
  echo
  echo "== variant render: a 16:9 hero and a 1:1 social variant of each image -> $out/"
  for f in "${images[@]}"; do
    name=$(basename "${f%.*}")
    "$variant" render "$f" "c_fill,g_auto,w_960,h_540" -o "$out/$name-16x9.jpg" --json | tr -d '\n '; echo "  $name-16x9.jpg"
    "$variant" render "$f" "c_fill,g_auto,w_600,h_600/f_webp,q_80" -o "$out/$name-1x1.webp" --json | tr -d '\n '; echo "  $name-1x1.webp"
  done
fi
echo
echo "demo: done; outputs in $out/"
