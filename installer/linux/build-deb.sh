#!/usr/bin/env bash
# Package the PyInstaller bundle as a .deb for the Debian/Ubuntu release it is built on.
#
# Usage: installer/linux/build-deb.sh [BUNDLE_DIR [OUT_DIR]]   (defaults: dist/helpdesk dist)
#        DEB_COMPRESSION=xz for a smaller file (gzip, the default, packs ten times faster)
#        make deb                                            (builds the bundle first)
#
# Layout: the bundle in /opt/helpdesk; /usr/bin/helpdesk and /usr/bin/helpdesk-cli as relative
# links into it (so the tree also runs from a `dpkg -x` root); the desktop entry (with the .eml /
# .msg MIME types), hicolor icons and AppStream metainfo under /usr/share. No maintainer scripts:
# the desktop-file-utils, hicolor and shared-mime-info triggers refresh the caches, and nothing
# touches the users' data (~/.local/share/helpdesk and the log folder stay after removal or purge).
#
# Shared libraries that PyInstaller copied from the build machine's Debian packages are taken out
# of the bundle again and named in Depends instead (27 MB less, and security updates apply), except
# libpython, which comes from the Python the bundle was built with.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bundle="$(realpath "${1:-$root/dist/helpdesk}")"
out_dir="$(realpath -m "${2:-$root/dist}")"

[ -x "$bundle/helpdesk" ] || { echo "build-deb: no bundle at $bundle (run: make bundle)" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb not found (a Debian-based system is needed)" >&2; exit 1; }

version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/desktop_app/__init__.py")"
arch="$(dpkg --print-architecture)"
stage="$root/build/deb/helpdesk_${version}_${arch}"
deb="$out_dir/helpdesk_${version}_${arch}.deb"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"

rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$out_dir"
cp -a "$bundle" "$stage/opt/helpdesk"

# --- system libraries: out of the bundle, into Depends -------------------------------------
owner_of() {  # the package that ships a library file of this name, if any
    local name="$1" dir
    for dir in "/usr/lib/$multiarch" "/lib/$multiarch" /usr/lib /lib; do
        [ -e "$dir/$name" ] || continue
        dpkg -S "$dir/$name" 2>/dev/null | head -n1 | cut -d: -f1 && return 0
    done
    return 0
}
depends=()
pruned_kb=0
while IFS= read -r -d '' lib; do
    name="$(basename "$lib")"
    case "$name" in libpython*) continue ;; esac
    package="$(owner_of "$name")"
    [ -n "$package" ] || continue
    pruned_kb=$((pruned_kb + $(du -k "$lib" | cut -f1)))
    rm -f "$lib"
    depends+=("$package")
done < <(find "$stage/opt/helpdesk/_internal" -maxdepth 1 -type f -name 'lib*.so*' -print0)
# Qt loads these at run time (xcb platform plugin, GL, TLS); they are not linked, so not found above.
depends+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
    libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
depends_line="$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, - | sed 's/,/, /g')"

# --- launchers, desktop integration ----------------------------------------------------------
ln -s ../../opt/helpdesk/helpdesk "$stage/usr/bin/helpdesk"
ln -s ../../opt/helpdesk/helpdesk "$stage/usr/bin/helpdesk-cli"
install -D -m 0644 "$root/resources/helpdesk.desktop" "$stage/usr/share/applications/helpdesk.desktop"
install -D -m 0644 "$root/resources/icons/helpdesk.svg" "$stage/usr/share/icons/hicolor/scalable/apps/helpdesk.svg"
for png in "$root"/resources/icons/app/helpdesk-*.png; do
    size="$(basename "$png" .png)"; size="${size#helpdesk-}"
    install -D -m 0644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/helpdesk.png"
done
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" "$here/helpdesk.metainfo.xml" \
    | install -D -m 0644 /dev/stdin "$stage/usr/share/metainfo/org.example.helpdesk.metainfo.xml"
install -D -m 0644 "$here/copyright" "$stage/usr/share/doc/helpdesk/copyright"

installed_kb="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: helpdesk
Version: $version
Architecture: $arch
Maintainer: Help Desk team <helpdesk@example.org>
Installed-Size: $installed_kb
Depends: $depends_line
Section: utils
Priority: optional
Homepage: https://helpdesk.example.org/
Description: offline-first IT help desk (desktop client)
 Log, work and close IT incidents from the desktop, online or offline; changes
 sync with the team's central server. Opens .eml and Outlook .msg email reports.
 .
 Installs the self-contained program in /opt/helpdesk. User data stays in the
 per-user data folder and is kept when the package is removed or purged.
CONTROL

find "$stage" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-gzip}" --build "$stage" "$deb" >/dev/null
echo "build-deb: $deb"
echo "build-deb: installed size $((installed_kb / 1024)) MB ($((pruned_kb / 1024)) MB of system libraries left to Depends), package $(($(stat -c %s "$deb") / 1024 / 1024)) MB"
