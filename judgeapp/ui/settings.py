"""Persisting the user's choices and the window layout with QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from judgeapp.app.app_settings import DEFAULT_K, AppSettings
from judgeapp.app.requests import AnalysisRequest

# The analysis request is kept as one record: one key per field, named as the field.
REQUEST_GROUP = "analysis"


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
        s.beginGroup(REQUEST_GROUP)
        record = {key: s.value(key) for key in s.childKeys()}
        s.endGroup()
        return AppSettings(
            request=AnalysisRequest.from_record(record),
            k=s.value("view/k", DEFAULT_K, type=int),
            recent=tuple(_as_list(s.value("files/recent", []))),
            auto_analyze=s.value("analysis/auto", True, type=bool),
        )

    def save(self, settings: AppSettings) -> None:
        s = self.qsettings
        for key, value in settings.request.to_record().items():
            s.setValue(f"{REQUEST_GROUP}/{key}", value)
        s.setValue("analysis/auto", settings.auto_analyze)
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
