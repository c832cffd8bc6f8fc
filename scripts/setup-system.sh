#!/usr/bin/env bash
# System packages the test suite needs, from Debian's archive (never assumed present):
#   fonts-dejavu-core  text in the PNG figures rendered by resvg
#   bsdutils           `script`: the Ctrl-C test runs `lawful fit` under a pseudo-terminal
# Runs as root (CI, developer machines here); with sudo elsewhere. Idempotent and quiet.
set -euo pipefail
need=()
for pkg in fonts-dejavu-core bsdutils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
