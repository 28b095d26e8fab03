#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the help desk needs outside Python.
#
# Usage: scripts/install-system-deps.sh COMPONENT...
#   venv      the python3.X-venv package, when the interpreter is Debian's own (PYTHON=...)
#   test      libraries Qt needs to run offscreen (the test suite)
#   runtime   test + the X11/xcb libraries Qt needs to open real windows (make run)
#   xvfb      a virtual X server for screenshots and display-less runs (xvfb-run)
#   postgres  a PostgreSQL server for the server tests (`make test` installs it)
#   build     binutils (objdump, strip), which PyInstaller needs for the bundle and the .deb
#
# Checks with dpkg first, so it is quick when everything is present. Installs with apt-get when
# run as root; otherwise names the missing packages and exits 1. Not Debian-based (no dpkg): says
# so and exits 0, because package names differ there. HELPDESK_SKIP_SYSTEM_DEPS=1 skips all checks.
set -euo pipefail

TEST_PACKAGES=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
DISPLAY_PACKAGES=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
    libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0)
XVFB_PACKAGES=(xvfb xauth)
POSTGRES_PACKAGES=(postgresql)
BUILD_PACKAGES=(binutils)

log() { printf 'install-system-deps: %s\n' "$*" >&2; }

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# ensure_packages PKG...: install whatever is missing (root) or explain (not root).
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    if [ "$(id -u)" -ne 0 ]; then
        log "missing system packages: ${missing[*]}"
        log "install them with:  sudo apt-get install ${missing[*]}"
        log "(or run this script as root: sudo $0 ${COMPONENTS[*]})"
        exit 1
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

install_venv_deps() {
    # Debian splits ensurepip out of python3.X into python3.X-venv; interpreters from pyenv,
    # uv or a source build carry their own.
    local python="${PYTHON:-python3.11}" real version
    real="$(readlink -f "$(command -v "$python" || true)" 2>/dev/null || true)"
    case "$real" in
        /usr/bin/python3*)
            version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
            ensure_packages "python${version}-venv"
            ;;
    esac
}

install_test_deps() {
    ensure_packages "${TEST_PACKAGES[@]}"
}

install_runtime_deps() {
    ensure_packages "${TEST_PACKAGES[@]}" "${DISPLAY_PACKAGES[@]}"
}

install_xvfb_deps() {
    ensure_packages "${XVFB_PACKAGES[@]}"
}

# PostgreSQL for the server tests, which start their own cluster with initdb/pg_ctl in a temp
# dir; Debian keeps those binaries off PATH, so this prints the directory they live in.
install_postgres_deps() {
    ensure_packages "${POSTGRES_PACKAGES[@]}"
    local bindir
    bindir="$(find_postgres_bindir)" || { log "postgresql is installed but initdb was not found"; exit 1; }
    log "PostgreSQL binaries: $bindir"
}

# Prints /usr/lib/postgresql/<newest version>/bin.
find_postgres_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
}

main() {
    [ $# -ge 1 ] || usage
    COMPONENTS=("$@")
    if [ "${HELPDESK_SKIP_SYSTEM_DEPS:-0}" = "1" ]; then
        log "HELPDESK_SKIP_SYSTEM_DEPS=1: skipping checks for ${COMPONENTS[*]}"
        return 0
    fi
    # Validate every argument before doing anything.
    local component
    for component in "$@"; do
        case "$component" in
            venv | test | runtime | xvfb | postgres | build) ;;
            -h | --help) usage ;;
            *) log "unknown component: $component"; usage ;;
        esac
    done
    if [ "$(uname -s)" != "Linux" ]; then
        return 0 # macOS/Windows: the PySide6 wheels bring what Qt needs.
    fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        log "not a Debian-based system: check by hand that Qt's libraries (EGL, GL, fontconfig,"
        log "xkbcommon, dbus, glib; xcb-cursor etc. for windows) are installed"
        return 0
    fi
    for component in "$@"; do
        case "$component" in
            venv) install_venv_deps ;;
            test) install_test_deps ;;
            runtime) install_runtime_deps ;;
            xvfb) install_xvfb_deps ;;
            postgres) install_postgres_deps ;;
            build) ensure_packages "${BUILD_PACKAGES[@]}" ;;
        esac
    done
}

main "$@"
