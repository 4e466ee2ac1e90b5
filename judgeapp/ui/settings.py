"""Persisting the user's choices and the window layout with QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from judgeapp.app.view_models import DEFAULT_K, AppSettings


def _as_list(value) -> list[str]:
    """QSettings gives a one-item list back as a plain string (INI files) and None as empty."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class SettingsStore:
    """AppSettings and the window layout in a QSettings (the platform's own place by default)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings or QSettings("judgeapp", "judgeapp")

    def load(self) -> AppSettings:
        s = self.qsettings
        return AppSettings(
            device=str(s.value("analysis/device", "auto")),
            model=str(s.value("analysis/model", "") or ""),
            profile=str(s.value("analysis/profile", "") or ""),
            pretrained=s.value("analysis/pretrained", True, type=bool),
            detector=str(s.value("analysis/detector", "auto")),
            k=s.value("view/k", DEFAULT_K, type=int),
            recent=tuple(_as_list(s.value("files/recent", []))),
            auto_analyze=s.value("analysis/auto", True, type=bool),
            engine=str(s.value("analysis/engine", "auto")),
            precision=str(s.value("analysis/precision", "") or ""),
            athlete=str(s.value("analysis/athlete", "track") or "track"),
        )

    def save(self, settings: AppSettings) -> None:
        s = self.qsettings
        s.setValue("analysis/device", settings.device)
        s.setValue("analysis/model", settings.model)
        s.setValue("analysis/profile", settings.profile)
        s.setValue("analysis/pretrained", settings.pretrained)
        s.setValue("analysis/detector", settings.detector)
        s.setValue("analysis/auto", settings.auto_analyze)
        s.setValue("analysis/engine", settings.engine)
        s.setValue("analysis/precision", settings.precision)
        s.setValue("analysis/athlete", settings.athlete)
        s.setValue("view/k", settings.k)
        s.setValue("files/recent", list(settings.recent))  # written to disk by Qt soon after

    def save_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        """Keep the window layout (on closing; everything is written to disk now)."""
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)
        self.qsettings.sync()

    def layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.qsettings.value("window/geometry")
        state = self.qsettings.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )
