"""Render the main window with judges' marks being edited to docs/screenshots/marks-editing.png.

    python scripts/marks_screenshot.py [--video PATH] [--out PNG] [--segments PNG] [--dark]

Offscreen at 1280x800, with a private library and settings. No analysis runs: the window shows
a hand-made result (weights that rise and fall, an athlete box), so the picture is about the
marks dock: a panel score, four marks (one selected), a note being typed, the player zoomed in
and an A-B loop set. `--segments` also saves the Crops dock's Segments tab at the same size.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screenshot_setup as shots  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = shots.shot_parser(__doc__, shots.ROOT / "docs" / "screenshots" / "marks-editing.png")
    parser.add_argument("--segments", default="", help="also save the Segments tab here")
    args = parser.parse_args(argv)

    opened = shots.open_with_result("judgeapp-marks-shot-", args.video, args.dark)
    if opened is None:
        return 1
    window, review, _result = opened
    panel = review.marks_panel
    player = window.player

    def at(frame: int) -> None:
        player.seek(frame)
        shots.wait(lambda: player.current_index == frame, 10)

    for frame, kind, deduction, text in (
        (30, "highlight", "", "clean throw, high"),
        (96, "deduction", "0.3", "loss of balance on landing"),
        (150, "comment", "", "music accent missed?"),
        (200, "deduction", "0.1", "small step"),
    ):
        at(frame)
        panel.kind_combo.setCurrentText(kind)
        panel.deduction_edit.setText(deduction)
        panel.text_edit.setText(text)
        panel.add_mark_now()
    shots.type_panel_score(panel)
    at(120)
    player.set_loop_a()
    at(168)
    player.set_loop_b()
    at(132)
    player.view.zoom_to(1.6)
    review.marks_dock.show()
    review.marks_dock.raise_()
    panel.table.selectRow(1)
    panel.kind_combo.setCurrentText("deduction")
    panel.deduction_edit.setText("0.1")
    panel.text_edit.setFocus()
    panel.text_edit.setText("bent knee in the pivot")
    shots.wait(lambda: False, 0.4)  # let the last paint settle
    ok = shots.save_grab(window, args.out)
    if ok and args.segments:
        window.crops_dock.show()
        window.crops_dock.raise_()
        window.crops.tabs.setCurrentIndex(1)
        shots.wait(lambda: all(b.has_image() for b in window.crops.buttons()), 30)
        shots.wait(lambda: False, 0.3)
        ok = shots.save_grab(window, args.segments)
    window.close()
    review.library.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
