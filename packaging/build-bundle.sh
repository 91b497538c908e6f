#!/usr/bin/env bash
# Builds the Linux one-folder bundle into build/bundle/dossier-assistant/ with PyInstaller
# (packaging/dossier-assistant.spec), from the program's wheel and the locked dependencies
# (packaging/lock/bundle.txt) in a build environment of its own (build/bundle-venv).
# Needs setup-debian.sh first (its .venv builds the wheel). Prints the bundle's size.
# A few minutes on 2 cores; the .deb (packaging/deb/build-deb.sh) reuses the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/build-wheel.sh >/dev/null
WHEEL="$(ls build/dist/dossier_assistant-*.whl)"

VENV=build/bundle-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
"$VENV/bin/python" -m pip install -q --require-hashes --no-deps -r packaging/lock/bundle.txt
"$VENV/bin/python" -m pip install -q --no-deps --force-reinstall "$WHEEL"
"$VENV/bin/python" -m pip check
# The catalogs compiled once (.mo beside .po), so the bundle does not parse .po files.
"$VENV/bin/python" -I - <<'PY'
from importlib.resources import files
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

for po in sorted(files("assistant._data").joinpath("locales").glob("*/LC_MESSAGES/*.po")):
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
PY

rm -rf build/bundle
# From build/ in isolated mode (-I): the program must come from the build environment's wheel,
# never from the checkout's folders.
REPO="$PWD"
(cd build && "$REPO/$VENV/bin/python" -I -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$REPO/build/bundle" --workpath "$REPO/build/pyinstaller" \
  "$REPO/packaging/dossier-assistant.spec")
echo "bundle: build/bundle/dossier-assistant ($(du -sh build/bundle/dossier-assistant | cut -f1))"
