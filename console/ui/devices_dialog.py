"""The devices page: registered phones with their officer and last fix, and the unknown phones
a listener has seen, each registered for an officer in one click.

Registered devices come from the database (a task, off the GUI thread); unknown ones from the
local listener's /admin/unknown-devices (a pool thread: only a running `serve` knows them).
"""
from __future__ import annotations

import weakref
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMenuBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.live.tasks import TaskRunner
from console.services import devices as device_services
from console.ui.listener import ListenerSupervisor, fetch_json


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class DevicesDialog(QDialog):
    """Modeless; reloads on open and after every registration."""

    registered = Signal(str)        # a device id just registered (tests wait on it)
    loaded = Signal()               # both lists shown

    def __init__(self, tasks: TaskRunner, listener: ListenerSupervisor | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devicesDialog")
        self.setWindowTitle(self.tr("Field devices"))
        self.tasks, self.listener = tasks, listener
        self._officers: list[tuple[str, str]] = []
        self._pending = 0

        self.known = QTableWidget(0, 5, self)
        self.known.setObjectName("registeredDevices")
        self.known.setHorizontalHeaderLabels([
            self.tr("Device"), self.tr("Officer"), self.tr("State"), self.tr("Last fix"),
            self.tr("Position")])
        self.unknown = QTableWidget(0, 5, self)
        self.unknown.setObjectName("unknownDevices")
        self.unknown.setHorizontalHeaderLabels([
            self.tr("Device"), self.tr("Requests"), self.tr("Last seen"), self.tr("Position"), ""])
        for table in (self.known, self.unknown):
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
            table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.unknown_note = QLabel(self)
        self.unknown_note.setWordWrap(True)

        refresh = QPushButton(self.tr("&Refresh"), self)
        refresh.clicked.connect(self.reload)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(refresh)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Registered devices"), self))
        layout.addWidget(self.known, 3)
        layout.addWidget(QLabel(self.tr("Unknown devices seen by the listener"), self))
        layout.addWidget(self.unknown_note)
        layout.addWidget(self.unknown, 2)
        layout.addLayout(bottom)
        self.resize(860, 560)

    # --- loading ---------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        self._pending = 2
        self.tasks.run(lambda s: (device_services.list_devices(s),
                                  device_services.officer_choices(s)),
                       on_done=self._show_known, owner=self, key=("devices", "known"))
        if self.listener is None:
            self._note(self.tr(
                "This seat runs no listener: unknown devices are listed by the centre's "
                "serve at /admin/unknown-devices."))
            self._show_unknown([])
            return
        url = self.listener.base_url + "/admin/unknown-devices"
        self._note("")
        self.tasks.call(lambda: fetch_json(url), on_done=self._show_unknown,
                        on_error=self._unknown_failed, owner=self, key=("devices", "unknown"))

    def _note(self, text: str) -> None:
        self.unknown_note.setText(text)
        self.unknown_note.setVisible(bool(text))

    def _done_one(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.loaded.emit()

    def _show_known(self, result) -> None:
        infos, self._officers = result
        self.known.setRowCount(len(infos))
        for row, d in enumerate(infos):
            officer = f"{d.officer_name} ({d.officer_code})" if d.officer_code else "—"
            if not d.active:
                state = self.tr("disabled")
            elif d.suspect_at is not None:
                state = self.tr("suspect: {kmh} km/h at {time}").format(
                    kmh=f"{d.suspect_kmh:.0f}", time=f"{d.suspect_at:%m-%d %H:%M}")
            else:
                state = self.tr("active")
            last = "—" if d.last_at is None else f"{d.last_at:%Y-%m-%d %H:%M:%S}"
            where = "—" if d.last_lat is None else f"{d.last_lat:.5f}, {d.last_lon:.5f}"
            for col, text in enumerate((d.unique_id, officer, state, last, where)):
                self.known.setItem(row, col, _item(text))
        self._done_one()

    def _show_unknown(self, rows: list[dict]) -> None:
        self.unknown.setRowCount(len(rows))
        for row, u in enumerate(rows):
            where = "—" if u.get("lat") is None else f"{u['lat']:.5f}, {u['lon']:.5f}"
            seen = datetime.fromtimestamp(u["last_seen"]).strftime("%Y-%m-%d %H:%M:%S")
            for col, text in enumerate((u["unique_id"], str(u["count"]), seen, where)):
                self.unknown.setItem(row, col, _item(text))
            button = QPushButton(self.tr("Register for officer…"), self.unknown)
            button.setObjectName(f"register:{u['unique_id']}")
            button.clicked.connect(lambda _=False, d=u["unique_id"]: self.register(d))
            self.unknown.setCellWidget(row, 4, button)
        if self.listener is not None and not rows:
            self._note(self.tr("No unknown device has reported."))
        self._done_one()

    def _unknown_failed(self, exc: BaseException) -> None:
        self._note(self.tr("The listener does not answer: {error}").format(
            error=str(exc)[:200]))
        self._show_unknown([])

    # --- registering -----------------------------------------------------------------------

    def register(self, unique_id: str, officer_code: str | None = None) -> None:
        """Register `unique_id` for an officer (asked for when not given)."""
        if officer_code is None:
            labels = [f"{name} ({code})" for code, name in self._officers]
            if not labels:
                return
            choice, ok = QInputDialog.getItem(
                self, self.tr("Register device"),
                self.tr("Officer who carries {device}:").format(device=unique_id), labels, 0, False)
            if not ok:
                return
            officer_code = self._officers[labels.index(choice)][0]

        def done(_info) -> None:
            self.registered.emit(unique_id)
            self.reload()
        self.tasks.run(lambda s: device_services.add_device(s, unique_id, officer_code),
                       on_done=done, owner=self)


def install_devices_menu(menu_bar: QMenuBar, tasks: TaskRunner,
                         listener: ListenerSupervisor | None, parent: QWidget) -> QMenu:
    """A "Field" menu before Help with "Devices…", opening one modeless DevicesDialog."""
    menu = QMenu(QCoreApplication.translate("DevicesDialog", "Fi&eld"), menu_bar)
    menu.setObjectName("fieldMenu")
    dialogs: list[DevicesDialog] = []
    # Not the window itself: the action's connection holding it would keep it alive for good.
    parent_ref = weakref.ref(parent)

    def open_dialog() -> None:
        if not dialogs:
            dialogs.append(DevicesDialog(tasks, listener, parent_ref()))
        dialog = dialogs[0]
        dialog.reload()
        dialog.show()
        dialog.raise_()
    action = menu.addAction(QCoreApplication.translate("DevicesDialog", "&Devices…"))
    action.setObjectName("devicesAction")
    action.triggered.connect(open_dialog)
    actions = menu_bar.actions()
    if actions:
        menu_bar.insertMenu(actions[-1], menu)      # before Help
    else:
        menu_bar.addMenu(menu)
    menu.open_dialog = open_dialog      # type: ignore[attr-defined]  (tests, screenshots)
    return menu
