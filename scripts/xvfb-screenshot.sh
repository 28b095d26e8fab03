#!/usr/bin/env bash
# Run a command under a virtual X server so a Qt window can be shown and grabbed to PNG.
#
# Usage: scripts/xvfb-screenshot.sh COMMAND [ARG...]
#   e.g. scripts/xvfb-screenshot.sh .venv/bin/python scripts/screenshots.py artifacts/screenshots
#
# The screen is 1600x1000 at 24-bit colour; -a picks a free display number, so runs can overlap.
# Installs xvfb/xauth and Qt's xcb libraries first when they are missing (as root), and forces
# Qt's xcb platform so an exported QT_QPA_PLATFORM=offscreen does not bypass the X server.
# Exits with the command's status.
set -euo pipefail

if [ $# -eq 0 ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/install-system-deps.sh" xvfb runtime

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-screenshot: xvfb-run not found (Debian package: xvfb)" >&2
    exit 1
fi

export QT_QPA_PLATFORM=xcb
exec xvfb-run -a -s "-screen 0 1600x1000x24" "$@" </dev/null
