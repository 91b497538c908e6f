#!/usr/bin/env bash
# Installs the .deb with apt as an administrator would, checks it, then removes it with
# --purge and checks that none of its files are left. Run as root (CI is):
#   bash packaging/deb/test-deb.sh [build/dossier-assistant_*.deb]
# Checks: dossier-assistant --version and the card command from another folder, the installed
# desktop file and metainfo validate, the demo walked to the record home under Xvfb
# (packaging/smoke-gui.sh), the kiosk session and unit in place but not enabled.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
DEB="$(readlink -f "${1:-$(ls build/dossier-assistant_*.deb | tail -1)}")"
APP_ID=be.dossierassistant.DossierAssistant
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if dpkg -s dossier-assistant >/dev/null 2>&1; then
  echo "deb: dossier-assistant is already installed; remove it first" >&2
  exit 1
fi
echo "== deb: apt install $(basename "$DEB")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$DEB" >/dev/null
dpkg -L dossier-assistant | sort >"$WORK/files"

echo "== deb: checks"
cd "$WORK"
version="$(dossier-assistant --version)"
echo "$version"
[ "$(command -v dossier-assistant)" = /usr/bin/dossier-assistant ]
out="$(HOME="$WORK" dossier-assistant card --virtual adult --in-process --language fr)"
grep -q "Carte lue" <<<"$out" || { echo "card command: $out" >&2; exit 1; }
desktop-file-validate "/usr/share/applications/$APP_ID.desktop"
appstreamcli validate --no-net "/usr/share/metainfo/$APP_ID.metainfo.xml" >/dev/null
for size in 16 48 256 512; do
  [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png" ]
done
[ -x /usr/bin/dossier-kiosk ] && [ -f /usr/lib/systemd/system/dossier-kiosk.service ]
if [ -d /etc/systemd/system/graphical.target.wants ] &&
   [ -e /etc/systemd/system/graphical.target.wants/dossier-kiosk.service ]; then
  echo "deb: the kiosk unit was enabled by the package" >&2; exit 1
fi
bash "$REPO/packaging/smoke-gui.sh" /usr/bin/dossier-assistant
cd "$REPO"

echo "== deb: apt remove --purge"
DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq dossier-assistant >/dev/null
if dpkg -s dossier-assistant >/dev/null 2>&1; then
  echo "deb: still known to dpkg after purge" >&2; exit 1
fi
left=0
while IFS= read -r path; do
  # Folders shared with other packages (/usr/bin, /usr/share/icons/...) stay; ours must not.
  if [ -e "$path" ] && { [ ! -d "$path" ] || [[ "$path" == */dossier-assistant* ]]; }; then
    echo "deb: left behind: $path" >&2; left=1
  fi
done <"$WORK/files"
[ "$left" -eq 0 ]
echo "== deb: installed, ran and removed cleanly"
