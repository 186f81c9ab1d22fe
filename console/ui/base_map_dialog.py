"""底图: the administrator's page for the centre's base map — the XYZ tiles every seat's map
draws unless a seat names its own (the map's own tiles dialog). Read and saved through
console/services/base_map.py on the task runner as the signed-in administrator; a refusal is
shown as its sentence and the typed address stays; every seat's map rebuilds on the feed.
"""
from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import base_map
from console.services.actor import Actor
from console.services.cases import now


class BaseMapDialog(QDialog):
    """The centre's tile address, subdomains and attribution."""

    loaded = Signal(object)     # the BaseMap stored
    saved = Signal(list)        # the keys written
    refused = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("baseMapDialog")
        self.setWindowTitle(self.tr("Base map of the centre"))
        self.resize(720, 300)
        self.tasks, self.actor = tasks, actor
        self.stored: base_map.BaseMap | None = None
        self.url = QLineEdit(self)
        self.url.setObjectName("centreTileUrl")
        self.url.setPlaceholderText("http://tiles.example/{z}/{x}/{y}.png")
        self.subdomains = QLineEdit(self)
        self.subdomains.setObjectName("centreTileSubdomains")
        self.subdomains.setPlaceholderText("abc")
        self.attribution = QLineEdit(self)
        self.attribution.setObjectName("centreTileAttribution")
        self.attribution.setPlaceholderText(self.tr("e.g. 市测绘院"))
        form = QFormLayout()
        form.addRow(self.tr("Tile address"), self.url)
        form.addRow(self.tr("Subdomains"), self.subdomains)
        form.addRow(self.tr("Attribution"), self.attribution)
        note = QLabel(self.tr(
            "Every seat's map draws these tiles: an intranet tile server, or 天地图 with the "
            "centre's key. {s} in the address stands for each subdomain in turn. Empty: the grid "
            "and boundaries alone, with no network request. A seat on another network may name "
            "tiles of its own in its map (Base map… in the map's menu)."), self)
        note.setWordWrap(True)
        note.setProperty("kind", "note")
        self.message = QLabel(self)
        self.message.setObjectName("baseMapMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setObjectName("saveBaseMap")
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.reload()

    @Slot()
    def reload(self) -> None:
        self.tasks.run(base_map.centre_base_map, on_done=self._show, on_error=self._failed,
                       owner=self, key=(id(self), "base map"))

    def _show(self, stored: base_map.BaseMap) -> None:
        self.stored = stored
        # Fields the administrator has typed in keep what was typed (setText clears the mark).
        for field, value in ((self.url, stored.url), (self.subdomains, stored.subdomains),
                             (self.attribution, stored.attribution)):
            if not field.isModified():
                field.setText(value)
        self.loaded.emit(stored)

    def typed(self) -> base_map.BaseMap:
        return base_map.BaseMap(self.url.text(), self.subdomains.text(), self.attribution.text())

    def _failed(self, exc: BaseException) -> None:
        text = describe_error(exc)
        self.message.setText(text)
        self.save_button.setEnabled(True)
        self.refused.emit(text)

    @Slot(object)
    def on_feed(self, batch) -> None:
        if any(row.entity == ChangeKind.SETTINGS and (row.payload or {}).get("key") in
               (None, *base_map.KEYS) for row in batch.rows):
            self.reload()

    def save(self) -> None:
        actor, wanted, at = self.actor, self.typed(), now()

        def done(keys: list[str]) -> None:
            self.save_button.setEnabled(True)
            for field in (self.url, self.subdomains, self.attribution):
                field.setModified(False)
            self.message.setText(self.tr("Saved; every seat's map redraws with it.") if keys
                                 else self.tr("Nothing changed."))
            self.saved.emit(keys)
            self.reload()
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))
        self.tasks.run(lambda s: base_map.save_centre_base_map(s, actor, wanted, at),
                       on_done=done, on_error=self._failed, owner=self)
