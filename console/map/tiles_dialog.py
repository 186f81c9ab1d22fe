"""This seat's own base map: an XYZ tile URL (an intranet tile server, 天地图 with a key) that
replaces the centre's (console/services/base_map.py) at this seat only."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from console.common.seat_settings import SeatSettings
from console.services.settings import valid_tile_url


class TilesDialog(QDialog):
    """Edits map/tile_url, map/tile_subdomains and map/tile_attribution of the seat."""

    def __init__(self, settings: SeatSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapTilesDialog")
        self.setWindowTitle(self.tr("Base map"))
        self.settings = settings
        self.url = QLineEdit(settings.get("map/tile_url"), self)
        self.url.setPlaceholderText("http://tiles.example/{z}/{x}/{y}.png")
        self.subdomains = QLineEdit(settings.get("map/tile_subdomains"), self)
        self.attribution = QLineEdit(settings.get("map/tile_attribution"), self)
        note = QLabel(self.tr("These tiles are for this seat only. Leave the address empty "
                              "to draw the centre's base map (Administration → Base map of the "
                              "centre), or nothing but the grid if the centre has none. {s} in "
                              "the address stands for each of the subdomains in turn."), self)
        note.setWordWrap(True)
        note.setProperty("kind", "note")
        self.error = QLabel(self)
        self.error.setProperty("state", "error")
        form = QFormLayout()
        form.addRow(self.tr("Tile address"), self.url)
        form.addRow(self.tr("Subdomains"), self.subdomains)
        form.addRow(self.tr("Attribution"), self.attribution)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def accept(self) -> None:
        url = self.url.text().strip()
        if not valid_tile_url(url):
            self.error.setText(self.tr("The address must start with http://, https:// or "
                                       "file:// and contain {z}, {x} and {y}."))
            return
        self.settings.set("map/tile_url", url)
        self.settings.set("map/tile_subdomains", self.subdomains.text().strip() or "abc")
        self.settings.set("map/tile_attribution", self.attribution.text().strip())
        self.settings.sync()
        super().accept()
