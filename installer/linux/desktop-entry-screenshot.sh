#!/usr/bin/env bash
# Screenshots of the installed app started the way a desktop starts it: unpack the .deb into a
# temporary root, read the Exec line of its helpdesk.desktop and run it under Xvfb, then run it
# again with an .eml file for %F ("Open with Help Desk") while the first window is open.
#
# Usage: installer/linux/desktop-entry-screenshot.sh [DEB [OUT_DIR]]
#        (defaults: the newest dist/helpdesk_*.deb, docs/screenshots)
# Writes OUT_DIR/installed-from-desktop-entry.png and OUT_DIR/installed-open-with-eml.png.
# Needs xvfb-run (scripts/install-system-deps.sh xvfb runtime) and the project's venv (the
# screen is grabbed with Pillow's ImageGrab).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(cd "$here/../.." && pwd)"
deb="${1:-$(ls -t "$root_dir"/dist/helpdesk_*.deb 2>/dev/null | head -n1 || true)}"
out_dir="$(realpath -m "${2:-$root_dir/docs/screenshots}")"
python="$root_dir/.venv/bin/python"
[ -f "$deb" ] || { echo "desktop-entry-screenshot: no .deb (run: make deb)" >&2; exit 1; }

if [ -z "${DISPLAY:-}" ]; then  # re-run this script inside a virtual X server
    "$root_dir/scripts/install-system-deps.sh" xvfb runtime
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$deb" "$out_dir"
fi

work="$(mktemp -d)"
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$out_dir"
dpkg -x "$deb" "$work/root"
export HOME="$work/home" PATH="$work/root/usr/bin:$PATH" QT_QPA_PLATFORM=xcb
unset XDG_DATA_HOME XDG_STATE_HOME HELPDESK_DATA_DIR HELPDESK_LOG_DIR
mkdir -p "$HOME"
helpdesk-cli seed-demo --incidents 60 --reporters 30 --quiet

# The Exec line as a launcher runs it: field codes expanded (%F: the files, none from the menu).
exec_line="$(sed -n 's/^Exec=//p' "$work/root/usr/share/applications/helpdesk.desktop" | head -n1)"
echo "desktop-entry-screenshot: Exec=$exec_line"
expand_exec() {  # expand_exec FILE... : the Exec line with %F replaced by the files, in $command
    local words=() word
    read -r -a words <<<"$exec_line"
    command=()
    for word in "${words[@]}"; do
        case "$word" in
            %F | %U) command+=("$@") ;;
            %f | %u) [ $# -gt 0 ] && command+=("$1") ;;
            %*) ;;
            *) command+=("$word") ;;
        esac
    done
}
grab() {
    "$python" -c 'import os, sys; from PIL import ImageGrab; ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(sys.argv[1])' "$1"
    echo "desktop-entry-screenshot: $1"
}
wait_for_log() {  # wait_for_log TEXT: until the app's log says it
    for _ in $(seq 1 150); do
        grep -q "$1" "$HOME"/.local/state/helpdesk/log/helpdesk.log 2>/dev/null && return 0
        sleep 0.2
    done
    echo "desktop-entry-screenshot: the app never logged '$1'" >&2
    return 1
}

expand_exec  # from the menu: no files
echo "desktop-entry-screenshot: runs: ${command[*]}"
"${command[@]}" &
app_pid=$!
wait_for_log "starting"
sleep 4  # the first paint, then the services load behind it
grab "$out_dir/installed-from-desktop-entry.png"

"$python" - "$work/call.eml" <<'PY'
import sys
from email.message import EmailMessage
message = EmailMessage()
message["From"] = "Jane Roe <jane.roe@example.com>"
message["To"] = "Service Desk <helpdesk@example.com>"
message["Subject"] = "VPN drops every few minutes since this morning"
message["Date"] = "Thu, 26 Nov 2026 09:12:00 +0000"
message.set_content("Hello,\n\nmy VPN connection drops every five minutes. Rebooting did not help.\n\nJane")
open(sys.argv[1], "wb").write(message.as_bytes())
PY
expand_exec "$work/call.eml"  # "Open with": hands the file to the open window, then exits
echo "desktop-entry-screenshot: runs: ${command[*]}"
"${command[@]}"
wait_for_log "a new launch asked"
sleep 4
grab "$out_dir/installed-open-with-eml.png"
kill "$app_pid" && wait "$app_pid" 2>/dev/null || true
app_pid=""
