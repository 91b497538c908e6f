#!/usr/bin/env bash
# Sets up everything Dossier Assistant needs on a fresh Debian 12 machine (run as root):
# system packages (pcscd, the virtual reader driver, Xvfb, the libraries Qt needs, speech),
# a virtual environment in .venv with the program and its test tools, and a running pcscd.
# Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # smart cards: the PC/SC daemon, the virtual reader driver, headers to build pyscard
  pcscd vsmartcard-vpcd libpcsclite-dev pcsc-tools swig
  # a virtual screen for screenshots, and the libraries Qt's xcb platform plugin loads
  xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon0
  libegl1 libgl1 libopengl0 libfontconfig1 libdbus-1-3 libglib2.0-0
  # speech for the Listen button
  speech-dispatcher speech-dispatcher-espeak-ng espeak-ng libspeechd2
  # printing to PDF and reading it back in tests
  libcups2 poppler-utils
  zbar-tools  # zbarimg: tests read back the QR codes the program draws
  # the SMART end-to-end tests: a real browser driven headless, and node for the test servers
  chromium chromium-driver
  # the packages' checks: desktop file and AppStream validators, keys typed into the bundle
  desktop-file-utils appstream xdotool
  # Python
  python3 python3-venv python3-dev gcc
)

missing=()
node_pkgs=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node (Debian's nodejs, unless a node is already installed) and npm for the SMART test servers
# (oidc-provider and Medplum's FHIR router, pinned in tests/e2e/smart/package-lock.json).
if ! command -v node >/dev/null 2>&1; then
  node_pkgs+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  node_pkgs+=(npm)
fi
if [ "${#node_pkgs[@]}" -gt 0 ]; then
  echo "Installing ${node_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${node_pkgs[@]}"
fi
if [ ! -d tests/e2e/smart/node_modules ] \
   || ! cmp -s tests/e2e/smart/package-lock.json tests/e2e/smart/node_modules/.package-lock.json.copy; then
  echo "Installing the SMART test servers (npm ci)"
  (cd tests/e2e/smart && npm ci --no-audit --no-fund --loglevel=error \
     && cp package-lock.json node_modules/.package-lock.json.copy)
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# Every dependency from the lock file, each checked against its recorded hashes; then the program
# itself without dependencies (so nothing unlocked comes in). Refresh: packaging/lock/refresh.sh
.venv/bin/python -m pip install -q --require-hashes --no-deps -r packaging/lock/build.txt
.venv/bin/python -m pip install -q --require-hashes --no-deps -r packaging/lock/test.txt
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
.venv/bin/python -m pip check

# pcscd: start it if it is not running (no systemd on CI machines).
if ! pgrep -x pcscd >/dev/null 2>&1; then
  echo "Starting pcscd"
  $SUDO pcscd || true
  for _ in $(seq 1 50); do
    [ -S /run/pcscd/pcscd.comm ] && break
    sleep 0.1
  done
fi
pgrep -x pcscd >/dev/null || { echo "pcscd did not start" >&2; exit 1; }

# Compile the translation catalogs (locales/*.po -> .mo) so the program starts in every language.
if [ -f locales/compile.py ]; then
  .venv/bin/python locales/compile.py
fi
