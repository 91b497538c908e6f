#!/usr/bin/env bash
# Builds build/dossier-assistant_<version>-1_<arch>.deb from the one-folder bundle
# (packaging/build-bundle.sh; built first if missing) with dpkg-deb, from a staged tree:
#   /usr/lib/dossier-assistant/        the bundle; /usr/bin/dossier-assistant links to it
#   /usr/share/applications, metainfo, icons/hicolor   desktop integration (packaging/linux)
#   /usr/bin/dossier-kiosk, /usr/lib/systemd/system/dossier-kiosk.service   the kiosk session
#     (installed, never enabled: packaging/kiosk/README.md says how)
#   /usr/share/doc/dossier-assistant/  copyright, the kiosk guide and example kiosk file
# Depends: the system libraries the bundle links (found with ldd, owners from dpkg -S), the
# smart card service and the speech packages. No compiler, no maintainer scripts.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
BUNDLE=build/bundle/dossier-assistant
[ -x "$BUNDLE/dossier-assistant" ] || bash packaging/build-bundle.sh

APP_ID=be.dossierassistant.DossierAssistant
VERSION="$("$BUNDLE/dossier-assistant" --version | awk '{print $2}')"
ARCH="$(dpkg --print-architecture)"
ROOT=build/deb/root
rm -rf build/deb
mkdir -p "$ROOT/DEBIAN" "$ROOT/usr/bin" "$ROOT/usr/lib" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/metainfo" "$ROOT/usr/lib/systemd/system" \
  "$ROOT/usr/share/doc/dossier-assistant/examples"

cp -a "$BUNDLE" "$ROOT/usr/lib/dossier-assistant"
ln -s ../lib/dossier-assistant/dossier-assistant "$ROOT/usr/bin/dossier-assistant"

install -m 0644 "packaging/linux/$APP_ID.desktop" "$ROOT/usr/share/applications/"
install -m 0644 "packaging/linux/$APP_ID.metainfo.xml" "$ROOT/usr/share/metainfo/"
for png in assets/app-icon/png/*.png; do
  size="$(basename "$png" .png)"
  install -D -m 0644 "$png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
install -D -m 0644 assets/app-icon/dossier-assistant.svg \
  "$ROOT/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"

install -m 0755 packaging/kiosk/dossier-kiosk.sh "$ROOT/usr/bin/dossier-kiosk"
install -m 0644 packaging/kiosk/dossier-kiosk.service "$ROOT/usr/lib/systemd/system/"
install -m 0644 packaging/kiosk/kiosk.toml "$ROOT/usr/share/doc/dossier-assistant/examples/"
install -m 0644 packaging/kiosk/README.md "$ROOT/usr/share/doc/dossier-assistant/kiosk.md"
install -m 0644 packaging/deb/copyright "$ROOT/usr/share/doc/dossier-assistant/copyright"

# Ownership and modes as a package wants them: root, directories 0755, files 0644 or 0755.
find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$ROOT" -type f -perm -u+x -exec chmod 0755 {} +

# The system libraries the bundle's programs and libraries link, and the packages owning them.
libs="$(mktemp)"
trap 'rm -f "$libs"' EXIT
INTERNAL="$REPO/$BUNDLE/_internal"
find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
  while IFS= read -r -d '' file; do
    [ "$(head -c4 "$file" | od -An -c | tr -d ' ')" = "177ELF" ] || continue
    LD_LIBRARY_PATH="$INTERNAL:$INTERNAL/PySide6/Qt/lib" ldd "$file" 2>/dev/null || true
  done | awk '/=>/ {print $1, $3}' | sort -u >"$libs"
if grep -q ' not$' "$libs"; then
  echo "libraries not found on this system:" >&2; grep ' not$' "$libs" >&2; exit 1
fi
mapfile -t system_libs < <(awk '{print $2}' "$libs" | grep -v "^$REPO/")
query=()
for path in "${system_libs[@]}"; do query+=("$path" "$(readlink -f "$path")"); done
owners="$(dpkg -S "${query[@]}" 2>/dev/null || true)"  # "package[:arch]: path" lines
for path in "${system_libs[@]}"; do
  awk -v a="$path" -v b="$(readlink -f "$path")" '$NF == a || $NF == b {found = 1}
      END {exit !found}' <<<"$owners" || { echo "no package owns $path" >&2; exit 1; }
done
packages="$(cut -d: -f1 <<<"$owners" | sort -u)"
depends="$(for p in $packages; do printf '%s, ' "$p"; done)"
depends+="pcscd, libpcsclite1, speech-dispatcher, speech-dispatcher-espeak-ng"

cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: dossier-assistant
Version: $VERSION-1
Architecture: $ARCH
Maintainer: Dossier Assistant team <maintainers@dossierassistant.be>
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $depends
Recommends: poppler-utils
Suggests: cage
Section: misc
Priority: optional
Homepage: https://dossierassistant.be/
Description: see and understand your health record with your Belgian eID card
 Dossier Assistant guides a patient step by step from the eID card in the reader
 to their medicines, vaccines, results and documents, in French, Dutch, English
 and German, with big buttons, pictograms, Easy Read words and speech. It has
 modes for patients at home, mediators in public digital spaces and pharmacy
 kiosks (the cage session and its systemd unit are included, not enabled).
CONTROL

DEB="build/dossier-assistant_${VERSION}-1_${ARCH}.deb"
# XZ_LEVEL: 6 (dpkg-deb's default) for a release; CI uses 2 (a few MB more, minutes less).
dpkg-deb --root-owner-group -Zxz -z"${XZ_LEVEL:-6}" --build "$ROOT" "$DEB" >/dev/null
echo "deb: $DEB ($(du -h "$DEB" | cut -f1); installed $(du -sh --exclude=DEBIAN "$ROOT" | cut -f1))"
