"""This seat's own settings: one typed list, stored in an INI file in the config folder.

Shared settings (work calendar, thresholds) live in the database and apply to every seat; these
belong to one workstation. The list is versioned like Spyder's CONF_VERSION so a later release
can migrate old files instead of misreading them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from console.paths import config_dir

CONF_VERSION = 1
FILE_NAME = "seat.ini"


@dataclass(frozen=True)
class SeatSetting:
    key: str
    type: type
    default: Any
    description: str


SEAT_SETTINGS: tuple[SeatSetting, ...] = (
    SeatSetting("ui/theme", str, "dark", "Colour theme: 'dark' (command centre) or 'light'"),
    SeatSetting("ui/language", str, "zh_CN", "Interface language: 'zh_CN' or 'en'"),
    SeatSetting("live/feed_interval_ms", int, 250, "How often the change feed is polled (ms)"),
    SeatSetting("window/geometry", QByteArray, QByteArray(), "Main window geometry (saveGeometry)"),
    SeatSetting("window/state", QByteArray, QByteArray(), "Dock layout (QMainWindow.saveState)"),
    SeatSetting("database/last_url", str, "", "The database this seat opened last"),
    SeatSetting("alerts/sound_muted", int, 0, "1: this seat's alert sound is muted"),
    SeatSetting("map/tile_url", str, "", "Base-map XYZ tile URL ({z}/{x}/{y}); empty: no tiles"),
    SeatSetting("map/tile_attribution", str, "", "Attribution shown for the base-map tiles"),
    SeatSetting("map/tile_subdomains", str, "abc", "What {s} in the tile URL stands for, e.g. 01234567"),
    SeatSetting("map/layers", str, "", "Map layers shown, comma-separated; empty: the defaults"),
    SeatSetting("map/measure", str, "open", "What shades the grid cells (open, overdue, ...)"),
    SeatSetting("map/heat_days", int, 7, "Heat map period in days (0: today)"),
    SeatSetting("map/view", str, "", "Last map view as 'lat,lon,zoom'; empty: the whole city"),
    SeatSetting("listener/enabled", int, 0,
                "1: this seat starts the field listener (`serve`) as a supervised child process"),
    SeatSetting("listener/host", str, "0.0.0.0", "Address the local listener listens on"),
    SeatSetting("listener/port", int, 5055, "OsmAnd (Traccar Client) port of the local listener"),
)
_BY_KEY = {s.key: s for s in SEAT_SETTINGS}

# version → function upgrading a file written by that version to the next one.
MIGRATIONS: dict[int, Callable[[QSettings], None]] = {}


class SeatSettings:
    """Typed access to the seat's settings; unknown keys are a programming error (KeyError)."""

    def __init__(self, qsettings: QSettings) -> None:
        self.qsettings = qsettings
        self._migrate()

    @classmethod
    def open(cls) -> SeatSettings:
        """The settings file of this seat (CITY_CONSOLE_CONFIG_DIR moves it, e.g. in tests)."""
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return cls(QSettings(str(folder / FILE_NAME), QSettings.Format.IniFormat))

    def get(self, key: str) -> Any:
        """The stored value converted to the setting's type, or its default."""
        spec = _BY_KEY[key]
        raw = self.qsettings.value(key)
        if raw is None:
            return spec.default
        try:
            if spec.type is QByteArray:
                return raw if isinstance(raw, QByteArray) else QByteArray(raw)
            if spec.type is int:
                return int(raw)
            return spec.type(raw)
        except (TypeError, ValueError):
            return spec.default   # a hand-edited file must not stop the console from starting

    def set(self, key: str, value: Any) -> None:
        spec = _BY_KEY[key]
        if spec.type is not QByteArray:
            value = spec.type(value)
        self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()

    def _migrate(self) -> None:
        version = int(self.qsettings.value("meta/version", 0) or 0)
        if version == 0:
            self.qsettings.setValue("meta/version", CONF_VERSION)   # a new file needs no migration
            return
        while version < CONF_VERSION:
            MIGRATIONS[version](self.qsettings)
            version += 1
            self.qsettings.setValue("meta/version", version)
