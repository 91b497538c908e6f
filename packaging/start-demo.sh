#!/usr/bin/env bash
# Quick start 1: set everything up, then start Dossier Assistant on its embedded default:
# the virtual eID card inserted in the virtual reader and the demo hub.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/setup-debian.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No screen found: starting a virtual screen (Xvfb :99). Look at it with a VNC viewer or screenshots."
  Xvfb :99 -screen 0 1280x1024x24 >/dev/null 2>&1 &
  export DISPLAY=:99
fi
exec .venv/bin/dossier-assistant --demo "$@"
