#!/usr/bin/env bash
# The packages as users get them (run-tests.sh runs this; setup-debian.sh first; as root):
#   1. the wheel into a fresh venv and with pip --user (packaging/test-install.sh);
#   2. the desktop file and AppStream metainfo validated;
#   3. the one-folder bundle built (packaging/build-bundle.sh), its size printed, and walked
#      from another folder to the record home in demo mode under Xvfb;
#   4. the .deb built from that bundle, installed with apt, run, purged (packaging/deb/).
# About 5-8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_ID=be.dossierassistant.DossierAssistant
REPO="$PWD"

bash packaging/test-install.sh

echo "== desktop file and metainfo"
desktop-file-validate "packaging/linux/$APP_ID.desktop"
appstreamcli validate --no-net "packaging/linux/$APP_ID.metainfo.xml"

echo "== bundle"
bash packaging/build-bundle.sh | tail -1
size_mb="$(du -sm build/bundle/dossier-assistant | cut -f1)"
echo "bundle size: ${size_mb} MB (goal: 150 MB at most)"
if [ "$size_mb" -gt 150 ]; then
  echo "the bundle is over 150 MB: a Qt module or plug-in came back in (packaging/dossier-assistant.spec)" >&2
  exit 1
fi
elsewhere="$(mktemp -d)"
(cd "$elsewhere" && "$REPO/build/bundle/dossier-assistant/dossier-assistant" --version)
rmdir "$elsewhere"
bash packaging/smoke-gui.sh build/bundle/dossier-assistant/dossier-assistant

echo "== deb"
XZ_LEVEL=2 bash packaging/deb/build-deb.sh
bash packaging/deb/test-deb.sh
