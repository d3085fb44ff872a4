#!/usr/bin/env bash
# Installs the system packages the build, the tests and the demo need, only when missing.
# Debian 12: libvips 8.14 (with libheif/AV1, libwebp, libimagequant) and its command-line tools.
set -euo pipefail

need=()
pkg-config --exists vips 2>/dev/null || need+=(libvips-dev)
command -v vips >/dev/null 2>&1 || need+=(libvips-tools)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# libjpeg's headers: the JPEG damage check calls it directly (libvips-dev brings them too).
pkg-config --exists libjpeg 2>/dev/null || need+=(libjpeg-dev)
# Text layers name Cloudinary's fonts (Arial, Times New Roman, Courier New); Liberation's have
# the same metrics, so a rendered line takes the width Cloudinary's takes.
dpkg -s fonts-liberation2 >/dev/null 2>&1 || need+=(fonts-liberation2)
for extra in "$@"; do
  case "$extra" in
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    *) dpkg -s "$extra" >/dev/null 2>&1 || need+=("$extra") ;;
  esac
done

if [ ${#need[@]} -eq 0 ]; then exit 0; fi

echo "Installing system packages: ${need[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "error: need root (or sudo) to install ${need[*]}" >&2; exit 2; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "Installed: ${need[*]}" >&2
