#!/usr/bin/env bash
# Installs the Debian packages the tests need: a PostGIS server (the integration suite starts a
# throwaway one), chromium (browser tests through playwright-core), gdal-bin (ogrinfo/ogr2ogr read
# our OGC API), and a CJK font so Chinese labels render in headless chromium.
set -euo pipefail
packages=(postgresql-15-postgis-3 chromium fonts-noto-cjk gdal-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The Debian postgresql package may start a cluster on 5432; the tests never use it.
