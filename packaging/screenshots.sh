#!/usr/bin/env bash
# One command for every screenshot: FR/NL/EN/DE x (normal, high contrast, 200 % text) at
# 1024x768 and 1920x1080, written to screenshots-out/ (not in git); the README's main shots
# are copied to docs/screenshots/. Starts Xvfb when there is no display.
#
#   bash packaging/screenshots.sh                 # everything, and the README's shots in docs/
#   bash packaging/screenshots.sh --languages fr  # extra options go to tests/screenshots/take.py
#   bash packaging/screenshots.sh --out /tmp/shots --only 07-pin,k2 --looks high-contrast-200
#                                                 # --out given: only there, docs/ untouched
#   bash packaging/screenshots.sh --out /tmp/shots --docs docs/screenshots   # both, on purpose
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
export DOSSIER_TTS_ENGINE="${DOSSIER_TTS_ENGINE:-mock}"
# --out wins: the defaults (screenshots-out/ and the copy to docs/screenshots/) only apply when
# the caller names no output folder. --docs is passed on as given.
defaults=(--out screenshots-out --docs docs/screenshots)
for arg in "$@"; do
  case "$arg" in
    --out | --out=*) defaults=() ;;
  esac
done
args=(-m tests.screenshots.take "${defaults[@]}" "$@")
if [ -n "${DISPLAY:-}" ] || [ "${QT_QPA_PLATFORM:-}" = "offscreen" ]; then
  "$PY" "${args[@]}"
elif command -v xvfb-run >/dev/null 2>&1; then
  export QT_QPA_PLATFORM=xcb
  xvfb-run -a -s "-screen 0 1920x1080x24" "$PY" "${args[@]}"
else
  echo "No display and no xvfb-run: install xvfb, or set QT_QPA_PLATFORM=offscreen." >&2
  exit 1
fi
