#!/usr/bin/env bash
# Installs the Debian packages the tests drive (Chromium for browser tests, nginx for
# the security-header test, rsync for publishing, npm for the form editor) when they are missing. Never downloads
# a browser build: Chromium comes from Debian's archive like any other package.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
# A real text font, so reflow and screenshots measure text as residents see it.
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)  # invoke publish to a server
# Node.js and npm, to install the form editor (Decap CMS) from package-lock.json.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# The libraries WeasyPrint (the PDFs of council reports) loads: Pango, HarfBuzz, fonts.
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "ok installed" || missing+=("$lib")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
