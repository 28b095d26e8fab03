#!/usr/bin/env bash
# Smoke test of the .deb: unpack it into a temporary root, then, with a fresh HOME, log an incident
# through the installed CLI and start the installed app offscreen until its main window shows the
# queue. Prints the installed size (target: under 150 MB) and the time taken. Exit 0 = all good.
#
# Usage: installer/linux/smoke-test.sh [DEB]        (default: the newest dist/helpdesk_*.deb)
#        SMOKE_TIMEOUT=120 (seconds for each program run)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(cd "$here/../.." && pwd)"
deb="${1:-$(ls -t "$root_dir"/dist/helpdesk_*.deb 2>/dev/null | head -n1 || true)}"
limit="${SMOKE_TIMEOUT:-120}"
target_mb=150
[ -f "$deb" ] || { echo "smoke-test: no .deb given or found in dist/ (run: make deb)" >&2; exit 1; }

started=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "smoke-test: FAIL: $*" >&2; exit 1; }

# 1. Install into a temporary root (what dpkg -i would put under /).
dpkg -x "$deb" "$work/root"
for path in opt/helpdesk/helpdesk usr/bin/helpdesk usr/bin/helpdesk-cli \
    usr/share/applications/helpdesk.desktop usr/share/metainfo/org.example.helpdesk.metainfo.xml \
    usr/share/icons/hicolor/scalable/apps/helpdesk.svg usr/share/icons/hicolor/48x48/apps/helpdesk.png; do
    [ -e "$work/root/$path" ] || fail "the package lacks /$path"
done
grep -q '^MimeType=.*message/rfc822' "$work/root/usr/share/applications/helpdesk.desktop" || fail ".desktop has no .eml MIME type"
# The freedesktop validators, where installed (desktop-file-utils, appstream).
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$work/root/usr/share/applications/helpdesk.desktop" || fail "desktop-file-validate"
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$work/root/usr/share/metainfo/org.example.helpdesk.metainfo.xml" >/dev/null \
        || fail "appstreamcli validate"
fi
installed_kb="$(du -sk "$work/root" | cut -f1)"
echo "smoke-test: installed size $((installed_kb / 1024)) MB (target < $target_mb MB); Installed-Size field $(dpkg-deb -f "$deb" Installed-Size) KB"

# 2. A fresh user: nothing in HOME, default per-user folders, no display.
export HOME="$work/home"
mkdir -p "$HOME"
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME HELPDESK_DATA_DIR HELPDESK_LOG_DIR DISPLAY WAYLAND_DISPLAY
export QT_QPA_PLATFORM=offscreen
export PATH="$work/root/usr/bin:$PATH"

# 3. The installed CLI logs an incident.
created="$(timeout "$limit" helpdesk-cli create --title "Smoke test: printer offline" \
    --description "Installed from the .deb" --reporter "Smoke Tester" --json)" || fail "helpdesk-cli create failed"
echo "$created" | grep -q '"number": "INC-' || fail "helpdesk-cli create printed no incident number: $created"
[ -f "$HOME/.local/share/helpdesk/helpdesk.sqlite3" ] || fail "no database in the per-user data folder"

# 4. The installed app starts, shows the window with the queue, loads its services and quits.
output="$(timeout "$limit" helpdesk --exit-when-idle 2>"$work/app.err")" || fail "helpdesk did not start: $(cat "$work/app.err")"
echo "$output" | grep -Eq '^ready [0-9.]+$' || fail "the main window did not come up: $output $(cat "$work/app.err")"
echo "$output" | grep -Eq '^services [0-9.]+$' || fail "the services did not load: $output"
log_file="$(find "$HOME/.local/state/helpdesk" -name helpdesk.log 2>/dev/null | head -n1)"
[ -n "$log_file" ] || fail "no log file in the per-user log folder"
listed="$(timeout "$limit" helpdesk-cli list --json)"
echo "$listed" | grep -q "Smoke test: printer offline" || fail "the incident is not listed: $listed"

echo "smoke-test: $(echo "$output" | tr '\n' ' ')(ms after start); log in ${log_file#"$HOME"/}"
echo "smoke-test: OK in $((SECONDS - started)) s"
[ "$((installed_kb / 1024))" -lt "$target_mb" ] || echo "smoke-test: WARNING: installed size is over the $target_mb MB target" >&2
