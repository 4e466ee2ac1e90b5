#!/usr/bin/env bash
# The system libraries Qt's X11 (xcb) platform plugin needs and a bare Debian/Ubuntu lacks.
# Usage: gui_system_libs.sh [--install]
#   Lists the missing Debian packages (nothing printed when none is missing). With --install,
#   installs them with apt-get where this user can (root); otherwise prints the command.
# Exit status 0 always: the command line works without them, only the desktop window needs them.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)" = "Linux" ] || exit 0
qt=$(.venv/bin/python -c 'import PySide6, os; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))' 2>/dev/null) || exit 0

declare -A package_of=(
  [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1 [libxcb-image.so.0]=libxcb-image0
  [libxcb-render-util.so.0]=libxcb-render-util0 [libxcb-shape.so.0]=libxcb-shape0
  [libxcb-xkb.so.1]=libxcb-xkb1 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libxkbcommon.so.0]=libxkbcommon0 [libxcb-randr.so.0]=libxcb-randr0
  [libxcb-xfixes.so.0]=libxcb-xfixes0 [libxcb-sync.so.1]=libxcb-sync1
  [libxcb-shm.so.0]=libxcb-shm0 [libxcb-util.so.1]=libxcb-util1
  [libxcb-xinput.so.0]=libxcb-xinput0 [libxcb-glx.so.0]=libxcb-glx0
  [libX11-xcb.so.1]=libx11-xcb1 [libEGL.so.1]=libegl1 [libGL.so.1]=libgl1
  [libfontconfig.so.1]=libfontconfig1 [libdbus-1.so.3]=libdbus-1-3
)

missing=$(
  {
    ldd "$qt/plugins/platforms/libqxcb.so" "$qt/lib/libQt6XcbQpa.so.6" 2>/dev/null |
      awk '/not found/ {print $1}'
    # Qt 6.5+ opens libxcb-cursor at start-up, so ldd does not list it.
    ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor.so.0 ' || echo libxcb-cursor.so.0
  } | sort -u
)
packages=""
for lib in $missing; do
  packages="$packages ${package_of[$lib]:-}"
done
packages=$(echo $packages | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -n "${packages// /}" ] || exit 0

if [ "${1:-}" = "--install" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the libraries the desktop window needs: $packages"
  (apt-get update -qq && apt-get install -y -qq $packages >/dev/null) ||
    echo "Could not install them; the desktop window needs: apt-get install $packages"
else
  echo "The desktop window (judgeapp gui) needs system libraries this machine lacks:"
  echo "  sudo apt-get install $packages"
fi
exit 0
