#!/bin/sh
# Kiosk session for Dossier Assistant under the cage Wayland kiosk compositor.
#
# cage shows exactly one application full screen, with no desktop, no panels and no window
# switching; when the application exits, the session ends (systemd starts it again).
# Installed as /usr/bin/dossier-kiosk by the .deb and started by dossier-kiosk.service.
#
# Environment (optional):
#   DOSSIER_KIOSK_CONFIG   kiosk file (default /etc/dossier-assistant/kiosk.toml; must be
#                          owned by root:kiosk with mode 0640, in a root-owned folder)
#   DOSSIER_ASSISTANT      the program (default: dossier-assistant on PATH)
#   DOSSIER_EXTRA_ARGS     more arguments, e.g. "--reader ACS" (only readers named so)
#
# The kiosk always uses the real card readers: the demo card and the demo hub need --demo or
# --training, which a production kiosk never passes. Where a real card's record comes from is
# set in the kiosk file (record_source = "portal": the official portal, handed to the phone).
set -eu

CONFIG="${DOSSIER_KIOSK_CONFIG:-/etc/dossier-assistant/kiosk.toml}"
PROGRAM="${DOSSIER_ASSISTANT:-dossier-assistant}"

# Qt on Wayland, with the touch screen; no cursor theme needed for touch-only use.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-wayland}"
export QT_WAYLAND_DISABLE_WINDOWDECORATION=1
export XCURSOR_SIZE="${XCURSOR_SIZE:-48}"
# Nothing naming a person is written by the program in kiosk mode; keep the caches of the
# toolkit in memory too (a tmpfs under /run/user/UID is cleaned at logout).
export XDG_CACHE_HOME="${XDG_RUNTIME_DIR:-/tmp}/dossier-cache"

if [ ! -r "$CONFIG" ]; then
  echo "dossier-kiosk: cannot read $CONFIG" >&2
  exit 78  # EX_CONFIG: systemd does not loop on a broken configuration
fi

# -d: no client-side decorations. cage refuses VT switching (Ctrl+Alt+Fn) unless given -s.
# shellcheck disable=SC2086
exec cage -d -- "$PROGRAM" --kiosk "$CONFIG" --real-card ${DOSSIER_EXTRA_ARGS:-}
