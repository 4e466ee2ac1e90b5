"""Screenshots of a first run without weights, offscreen at 1280x800, into docs/screenshots/.

    python scripts/first_run_screenshots.py [--out FOLDER]

- first-run.png: the start screen (Open Video, Try a Demo Analysis, the recent files), with a
  fresh settings file, an empty cache (no weights, no trained model) and two recent videos;
- demo-analysis.png: the window after "Try a Demo Analysis" on the shipped sample clip (a real
  analysis: random backbones, an untrained head, HOG; about a minute on a 2-core CPU);
- shortcuts.png: Help ▸ Keyboard Shortcuts;
- settings.png: Analysis ▸ Settings… (device, network engine and precision, model, networks,
  athlete finder).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(shots.ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scratch = shots.use_scratch("judgeapp-first-run-")  # its own cache: no weights, no heads
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    import judgeapp.ui  # noqa: F401  (undoes OpenCV's Qt variables before Qt starts)
    from judgeapp.app.app_settings import AppSettings
    from judgeapp.app.requests import AnalysisRequest
    from judgeapp.ui.desktop import application
    from judgeapp.ui.main_window import MainWindow
    from judgeapp.ui.review import Review
    from judgeapp.ui.settings import SettingsStore
    from judgeapp.ui.settings_dialog import SettingsDialog
    from judgeapp.ui.theme import follow_system

    app = application()
    follow_system(app)
    store = SettingsStore(QSettings(str(scratch / "judgeapp.ini"), QSettings.Format.IniFormat))
    recent = ("/home/coach/videos/ball_final_2025.mp4", "/home/coach/videos/hoop_qualifier.mp4")
    # a new user's defaults otherwise
    store.save(AppSettings(AnalysisRequest(device="cpu"), recent=recent))
    window = MainWindow(store)
    window.add_extension(Review(window))
    window.resize(*shots.SIZE)
    window.show()

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    settle()
    window.grab().save(str(out / "first-run.png"))
    window.show_shortcuts()
    settle()
    window.shortcuts_window.grab().save(str(out / "shortcuts.png"))
    window.shortcuts_window.close()
    dialog = SettingsDialog(window.settings, window)
    dialog.show()
    settle()
    dialog.grab().save(str(out / "settings.png"))
    dialog.close()

    done = QEventLoop()
    window.session.analysisFinished.connect(lambda _o: QTimer.singleShot(1500, done.quit))
    window.session.analysisFailed.connect(lambda m: (print(f"error: {m}"), done.quit()))
    window.demo()
    done.exec()
    window.player.seek(120)
    settle(800)
    window.grab().save(str(out / "demo-analysis.png"))
    window.close()
    print(f"wrote {out}/first-run.png, demo-analysis.png, shortcuts.png, settings.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
