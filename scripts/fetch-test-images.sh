#!/usr/bin/env bash
# Reproduces TestImages/ from freely licensed images shipped in Debian (bookworm)
# packages and PyPI packages. See TestImages/SOURCES.md for licences.
#
# Usage: scripts/fetch-test-images.sh [OUTDIR]      (default: TestImages/ of this repo)
#        CHECK=1 scripts/fetch-test-images.sh /tmp/ti   then compare with TestImages/
#
# Needs: apt-get (Debian 12), dpkg-deb, python3 -m pip, unzip, the vips CLI
# (libvips-tools) and exiftool (libimage-exiftool-perl). Missing tools are
# installed with apt-get when running as root.
#
# Versions are pinned; if a pinned Debian version is no longer served (security
# updates replace old ones) the current candidate is used and a warning printed.
# Files copied byte-for-byte are identical whatever the tool versions; files
# that are re-encoded (marked "derived" in SOURCES.md) depend on the libvips /
# libjpeg / libpng versions (made with libvips 8.14.1 from Debian 12).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/TestImages}
WORK=$(mktemp -d /tmp/fetch-test-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
mkdir -p "$OUT"

# --- tools -------------------------------------------------------------------
need_apt=()
command -v vips >/dev/null || need_apt+=(libvips-tools)
command -v exiftool >/dev/null || need_apt+=(libimage-exiftool-perl)
command -v unzip >/dev/null || need_apt+=(unzip)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else
    echo "missing tools: ${need_apt[*]} (apt-get install them)" >&2; exit 1
  fi
fi

# --- sources -------------------------------------------------------------------
# deb NAME VERSION -> extracts the package into $WORK/deb/NAME, prints that dir
deb() {
  local name=$1 ver=$2 dir=$WORK/deb/$1
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" "$WORK/dl"
    ( cd "$WORK/dl" && chmod 777 . &&
      { apt-get download -qq "$name=$ver" 2>/dev/null ||
        { echo "warning: $name=$ver not available, using current candidate" >&2;
          apt-get download -qq "$name"; }; } ) >&2
    dpkg-deb -x "$WORK"/dl/"${name}"_*.deb "$dir"
  fi
  echo "$dir"
}
# whl NAME VERSION -> unpacks the wheel into $WORK/whl/NAME, prints that dir
whl() {
  local name=$1 ver=$2 dir=$WORK/whl/$1
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" "$WORK/pip"
    python3 -m pip download -q --no-deps --only-binary=:all: \
      --platform manylinux_2_28_x86_64 --python-version 3.11 \
      -d "$WORK/pip" "$name==$ver" >&2
    unzip -q -o "$WORK"/pip/*.whl -d "$dir"
    rm -f "$WORK"/pip/*.whl
  fi
  echo "$dir"
}

KPA=$(deb kphotoalbum 5.9.1-1)/usr/share/kphotoalbum/demo
DKN=$(deb darknet 0.0.0+git20180914.61c9d02e-2+b4)/usr/share/darknet/data
MPL=$(deb python-matplotlib-data 3.6.3-1)/usr/share/matplotlib/mpl-data/sample_data
SKL=$(deb python3-sklearn 1.2.1+dfsg-1)/usr/lib/python3/dist-packages/sklearn/datasets/images
PWW=$(deb plasma-workspace-wallpapers 4:5.27.5-2)/usr/share/wallpapers
L16=$(deb lomiri-wallpapers-16.04 20.04.0-2)/usr/share/backgrounds
L20=$(deb lomiri-wallpapers-20.04 20.04.0-2)/usr/share/backgrounds
OXY=$(deb oxygen-icon-theme 5:5.103.0-1)/usr/share/icons/oxygen/base/256x256
GMP=$(deb gimp-data 2.10.34-1+deb12u10)/usr/share/gimp/2.0/images
WEB=$(deb webext-debianbuttons 2.3-2)/usr/share/webext/debian-buttons/icons
ICC=$(deb colord-data 1.4.6-2.2)/usr/share/color/icc/colord
VSP=$(deb visp-images-data 3.5.0-1)/usr/share/visp-images-data/ViSP-images
SKI=$(whl scikit-image 0.26.0)/skimage/data

# --- helpers ---------------------------------------------------------------------
copy() { cp "$1" "$OUT/$2"; chmod 644 "$OUT/$2"; }
# PNG photo -> baseline JPEG, quality 90
tojpeg() { vips jpegsave "$1" "$OUT/$2" --Q 90 --optimize-coding; }
# crop X Y W H, JPEG quality 90
crop() { vips extract_area "$1" "$WORK/crop.v" "$3" "$4" "$5" "$6"
         vips jpegsave "$WORK/crop.v" "$OUT/$2" --Q 90 --optimize-coding; }
# keep the pixels as shipped (stored rotated) and set the EXIF Orientation
# tag that makes them display upright
orient() { cp "$1" "$OUT/$2"; chmod 644 "$OUT/$2"
           exiftool -q -overwrite_original -n -Orientation="$3" "$OUT/$2"; }

# --- people and faces ----------------------------------------------------------
copy   "$MPL/grace_hopper.jpg"        people-portrait-grace-hopper.jpg
tojpeg "$SKI/astronaut.png"           people-astronaut.jpg
copy   "$KPA/bar55.jpg"               people-group-bar-crowd.jpg
copy   "$KPA/bar55_2.jpg"             people-couple-bar.jpg
copy   "$KPA/qt-logo.jpg"             people-group-three-tattoos.jpg
copy   "$KPA/cold_water.jpg"          people-beach-small-faces.jpg
copy   "$KPA/anne_helene.jpg"         people-beach-woman-sitting.jpg
copy   "$KPA/jesper.jpg"              people-face-closeup.jpg
orient "$KPA/wayne.jpg"               people-pool-exif-orientation-6.jpg 6
orient "$KPA/grand_canyon_1.jpg"      people-couple-canyon-exif-orientation-3.jpg 3
copy   "$DKN/person.jpg"              people-hiker-dog-horse.jpg
copy   "$VSP/Solvay/Solvay_conference_1927_Version2_2126x1463.jpg"  people-group-solvay-1927.jpg

# --- animals ---------------------------------------------------------------------
tojpeg "$SKI/chelsea.png"             animal-cat-closeup.jpg
copy   "$DKN/dog.jpg"                 animal-dog-bicycle.jpg
copy   "$L16/friends_by_Aitzol_Berasategi.jpg"  animal-dogs-window.jpg
copy   "$L20/Kleiber_by_Lukas_Baubkus.jpg"      animal-bird-trunk-large.jpg
crop   "$L20/Kleiber_by_Lukas_Baubkus.jpg"      animal-bird-very-tall.jpg 2200 0 1100 3391

# --- products and cut-outs ------------------------------------------------------
# coffee: sRGB -> Adobe RGB (1998), profile embedded, JPEG quality 90
vips icc_transform "$SKI/coffee.png" "$WORK/coffee.v" "$ICC/AdobeRGB1998.icc" \
  --input-profile srgb --intent relative --embedded
vips jpegsave "$WORK/coffee.v" "$OUT/product-coffee-adobergb.jpg" --Q 90 --optimize-coding
copy   "$L16/Picture_0B_by_freespace.jpg"       product-fig-bowl.jpg
copy   "$OXY/devices/camera-photo.png"          product-camera-cutout.png
copy   "$GMP/wilber.png"                        mascot-wilber-cutout.png

# --- logos, graphics, text --------------------------------------------------------
vips svgload "$WEB/openlogo-nd.svg" "$WORK/logo.v" --scale 8
vips pngsave "$WORK/logo.v" "$OUT/logo-alpha.png" --compression 9
copy   "$MPL/logo2.png"                         logo-very-wide.png
copy   "$PWW/FlyingKonqui/contents/images/2560x1600.png"  graphic-illustration.png
copy   "$SKI/page.png"                          text-page-scan.png

# --- landscapes and architecture ------------------------------------------------
copy   "$PWW/EveningGlow/contents/images/2560x1600.jpg"   landscape-lake-boats.jpg
copy   "$L16/aitzgorri_by_Aitzol_Berasategi.jpg"           landscape-mountain-meadow.jpg
crop   "$L16/picosdeeuropa_by_Aitzol_Berasategi.jpg"       landscape-very-wide.jpg 0 300 3264 760
copy   "$SKL/china.jpg"                                    architecture-temple.jpg
copy   "$PWW/Grey/contents/images/2560x1600.jpg"          architecture-facade.jpg

echo "wrote $(ls "$OUT" | grep -cE '\.(jpg|png)$') images to $OUT ($(du -sh "$OUT" | cut -f1))"
