#!/usr/bin/env bash
# Starts an installed Dossier Assistant (the bundle, the .deb's, a venv's) in demo mode on a
# virtual screen (Xvfb), from an empty folder with an empty home, and walks it with the
# keyboard as a person would: Welcome, language, "Is this you?", about the PIN, the PIN 1234,
# up to the record home. Follows the journey's steps in the program's log (step names only).
#   bash packaging/smoke-gui.sh PROGRAM [extra options]
# Needs xvfb and xdotool (setup-debian.sh installs them).
set -euo pipefail
PROGRAM="$1"; shift
case "$PROGRAM" in */*) PROGRAM="$(cd "$(dirname "$PROGRAM")" && pwd)/$(basename "$PROGRAM")" ;; esac
WORK="$(mktemp -d)"
XVFB_PID=""; APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A display number nobody uses (Xvfb writes it to the file descriptor given).
exec 9>"$WORK/display"
Xvfb -displayfd 9 -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$WORK/display")"
mkdir -p "$WORK/home" "$WORK/here"

LOG="$WORK/program.log"
(cd "$WORK/here" && HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK" QT_QPA_PLATFORM=xcb \
  DOSSIER_LOG_LEVEL=INFO exec "$PROGRAM" --demo --no-pcscd --language en --quit-after 120 "$@" \
  >"$LOG" 2>&1) &
APP_PID=$!

step() { grep -o 'journey step: [a-z_]*' "$LOG" | tail -1 | cut -d' ' -f3 || true; }
wait_for() {  # wait_for STEP SECONDS
  for _ in $(seq 1 $(( $2 * 10 ))); do
    [ "$(step)" = "$1" ] && return 0
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "smoke: did not reach the step '$1' (last: '$(step)')" >&2
  tail -20 "$LOG" >&2
  return 1
}

wait_for welcome 60
echo "smoke: first screen (welcome) shown"
for _ in $(seq 1 8); do
  [ "$(step)" = "pin" ] && break
  before="$(step)"
  xdotool key Return
  for _ in $(seq 1 100); do [ "$(step)" != "$before" ] && break; sleep 0.1; done
done
wait_for pin 10
xdotool type --delay 150 1234
xdotool key Return
wait_for record 60
echo "smoke: record home reached"
