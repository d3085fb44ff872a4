#!/usr/bin/env bash
# Runs every variant command over TestImages with VIPS_LEAK=1 and fails when libvips reports
# objects, areas or tracked allocations still alive at shutdown.
set -uo pipefail
bin=${1:-.build/debug/variant}
images=${2:-TestImages}
log=$(mktemp)
out=$(mktemp -d)
trap 'rm -rf "$log" "$out"' EXIT

has() { "$bin" "$1" --help >/dev/null 2>&1; }
runs=0
for f in "$images"/*.{jpg,jpeg,png,webp,avif,gif,tif,tiff}; do
  [ -e "$f" ] || continue
  base=$(basename "$f")
  cmds=("info $f --json")
  has render && cmds+=("render $f c_fill,g_center,w_320,h_180 -o $out/$base.webp --json")
  has analyze && cmds+=("analyze $f --json")
  has crop && cmds+=("crop $f --json")
  has optimize && cmds+=("optimize $f --transformation c_scale,w_300 --formats webp,jpeg --json")
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    VIPS_LEAK=1 "$bin" $c >/dev/null 2>"$log"
    runs=$((runs + 1))
    # libvips's own leak report: "N objects alive:", "N VipsArea alive", "memory: N allocations".
    if grep -Eq 'objects alive|VipsArea alive|memory: [0-9]+ allocations' "$log"; then
      echo "leak-check: libvips reports a leak for: variant $c" >&2
      cat "$log" >&2
      exit 1
    fi
  done
done
echo "leak-check: $runs runs, no leaked libvips objects"
