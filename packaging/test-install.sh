#!/usr/bin/env bash
# Installs the program as its users do and checks that it finds its data, from another folder:
#   1. the wheel, built once (into build/dist, reused by the bundle);
#   2. into a fresh virtual environment (dependencies from the lock);
#   3. with "pip install --user" (HOME and PYTHONUSERBASE in a temporary folder).
# Each time: dossier-assistant --version, the headless data check (packaging/check_install.py),
# the card command on a virtual card in French, and (venv) the demo to its first screen offscreen.
# Needs setup-debian.sh first (the .venv builds the wheel). Takes 1-3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/elsewhere"

echo "== install: build the wheel"
bash packaging/build-wheel.sh >/dev/null
WHEEL="$(ls build/dist/dossier_assistant-*.whl)"
echo "$WHEEL ($(du -h "$WHEEL" | cut -f1))"

smoke() {  # smoke PYTHON PROGRAM EXPECTED_DATA_FOLDER
  local python="$1" program="$2" data="$3"
  (
    cd "$WORK/elsewhere"
    version="$("$program" --version)"
    [ "$version" = "dossier-assistant $("$python" -c 'import assistant; print(assistant.__version__)')" ]
    echo "$version"
    "$python" "$REPO/packaging/check_install.py" "$data"
    out="$("$program" card --virtual adult --in-process --language fr)"
    grep -q "Carte lue" <<<"$out" || { echo "card command: $out" >&2; exit 1; }
  )
}

echo "== install: fresh virtual environment"
# --system-site-packages lets step 3 use "pip install --user" with this environment's Python.
python3 -m venv --system-site-packages "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install -q --require-hashes --no-deps -r packaging/lock/runtime.txt
"$VPY" -m pip install -q --no-deps "$WHEEL"
"$VPY" -m pip check
SITE="$("$VPY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
smoke "$VPY" "$WORK/venv/bin/dossier-assistant" "$SITE/assistant/_data"
(
  cd "$WORK/elsewhere"
  ready="$(QT_QPA_PLATFORM=offscreen "$WORK/venv/bin/dossier-assistant" \
           --demo --no-pcscd --report-ready --quit-after 0)"
  grep -q '^READY' <<<"$ready" || { echo "the demo did not reach its first screen" >&2; exit 1; }
  echo "demo: first screen reached"
)

echo "== install: pip install --user"
"$VPY" -m pip uninstall -q -y dossier-assistant
export HOME="$WORK/home" PYTHONUSERBASE="$WORK/userbase"
mkdir -p "$HOME"
"$VPY" -m pip install -q --user --no-deps --no-warn-script-location "$WHEEL"
USER_SITE="$("$VPY" -c 'import site; print(site.getusersitepackages())')"
case "$USER_SITE" in "$WORK/userbase/"*) ;; *) echo "user site is $USER_SITE" >&2; exit 1 ;; esac
smoke "$VPY" "$PYTHONUSERBASE/bin/dossier-assistant" "$USER_SITE/assistant/_data"
echo "== install: every kind passed"
