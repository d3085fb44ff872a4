#!/bin/sh
# Builds the content-class test fixtures in Tests/VariantEngineTests/Fixtures/content-class/
# with the vips command line (libvips 8.14, Pango for the text). Run from the package root;
# the PNGs are committed, so the tests never need this script.
#
#   text-card.png         four lines of black text on white: a text card (class text)
#   sale-banner.png       two words of white text on a flat red ground (class graphic)
#   product-on-white.jpg  TestImages/product-fig-bowl.jpg reduced and set in a white margin
#                         that is about 80 % of the frame (class photo)
set -eu
out=Tests/VariantEngineTests/Fixtures/content-class
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

vips text "$tmp/t.png" "Quarterly results are in. Revenue grew in every region, and the new \
stores opened on time. Thank you to every team that made it happen; the full report follows \
on the next pages, with the numbers by market." --dpi 110 --width 760 --rgba
vips flatten "$tmp/t.png" "$tmp/t3.png" --background "255 255 255"
w=$(vipsheader -f width "$tmp/t3.png"); h=$(vipsheader -f height "$tmp/t3.png")
vips embed "$tmp/t3.png" "$out/text-card.png[compression=9,strip]" 40 30 $((w + 80)) $((h + 60)) --extend white

vips text "$tmp/s.png" "<b>Summer Sale</b>" --dpi 260 --rgba
vips flatten "$tmp/s.png" "$tmp/s3.png" --background "200 30 40"
vips embed "$tmp/s3.png" "$out/sale-banner.png[compression=9,strip]" 90 60 900 300 --extend background --background "200 30 40"

vips resize TestImages/product-fig-bowl.jpg "$tmp/f.png" 0.12
w=$(vipsheader -f width "$tmp/f.png"); h=$(vipsheader -f height "$tmp/f.png")
vips embed "$tmp/f.png" "$out/product-on-white.jpg[Q=85,strip]" $((w * 3 / 5)) $((h * 3 / 5)) $((w * 22 / 10)) $((h * 22 / 10)) --extend white

ls -l "$out"
