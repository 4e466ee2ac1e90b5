"""`judgeapp gui [VIDEO]` (also plain `judgeapp` and `judgeapp VIDEO`): the desktop app.

A missing file or a folder does not stop the window from opening: started from a desktop
launcher, the user would see nothing. The window opens and says what is wrong in it. When Qt
cannot start at all (on Linux, no display, or the X11 libraries of its xcb plugin missing), one
line says why and what to do.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# The libraries Qt's xcb platform plugin loads that a bare Debian/Ubuntu lacks, and their
# packages (scripts/gui_system_libs.sh installs them all).
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop app (the default command)",
        description="Open the desktop app, optionally with a video.",
    )
    parser.add_argument("video", nargs="?", help="a routine video to open")
    parser.set_defaults(func=run)


def missing_xcb_packages(load=None) -> list[str]:
    """The packages of the xcb plugin's libraries that cannot be loaded here (Linux, X11)."""
    import ctypes

    load = load or ctypes.CDLL
    missing = []
    for library, package in XCB_LIBRARIES.items():
        try:
            load(library)
        except OSError:
            missing.append(package)
    return missing


def qt_platform_problem(load=None) -> str | None:
    """One line saying what to install when Qt's xcb plugin would not load, else None."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb"):
        return None
    missing = missing_xcb_packages(load)
    if not missing:
        return None
    return (
        "the desktop app cannot start: Qt's X11 plugin needs system libraries this machine "
        f"lacks; install them with: sudo apt-get install {' '.join(missing)} "
        "(or run: bash scripts/gui_system_libs.sh)"
    )


def no_display_problem(environ=None) -> str | None:
    """One line when there is no screen to open a window on (Linux with neither an X11 nor a
    Wayland display, and no Qt platform chosen): Qt would abort the process instead."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM", "") not in ("", "xcb"):
        return None
    wayland_ok = env.get("WAYLAND_DISPLAY") and not env.get("QT_QPA_PLATFORM")
    if env.get("DISPLAY") or wayland_ok:
        return None
    return (
        "the desktop app needs a display, and this session has none (DISPLAY and "
        "WAYLAND_DISPLAY are unset); the command line works without one (judgeapp score VIDEO)"
    )


def run(args: argparse.Namespace) -> int:
    from judgeapp.core.errors import JudgeappError

    if (problem := qt_platform_problem() or no_display_problem()) is not None:
        raise JudgeappError(problem)
    # Loaded by name: the command line never imports Qt until the GUI starts.
    app = importlib.import_module("judgeapp.ui.desktop")
    return app.run(args.video)
