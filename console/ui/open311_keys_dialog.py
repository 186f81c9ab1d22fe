"""The Open311 keys page: the applications that may file citizens' reports, a new key for one
(shown once, to copy), and revocation.

Every read and write goes through console/services/open311_keys.py on a worker; the services
check that the one acting is an administrator as stored now, whatever this page shows.
"""
from __future__ import annotations

import weakref
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error, register_error_texts
from console.common.theme import severity_color
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services import open311_keys
from console.services.actor import Actor

register_error_texts({
    "open311_bad_name": QT_TRANSLATE_NOOP(
        "Errors", "An application name has 1 to {limit} characters and no spaces."),
    "open311_key_active": QT_TRANSLATE_NOOP(
        "Errors", "The application “{name}” already has an active key: revoke it first."),
    "open311_unknown_application": QT_TRANSLATE_NOOP(
        "Errors", "There is no Open311 application named “{name}”."),
})


def _item(text: str, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _when(t: datetime | None) -> str:
    return "—" if t is None else f"{t:%Y-%m-%d %H:%M}"


class KeyShownDialog(QDialog):
    """The new key, once: selectable, with a copy button and the warning that it is not kept."""

    def __init__(self, name: str, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("open311KeyShown")
        self.setWindowTitle(self.tr("New Open311 key"))
        self.key = key
        intro = QLabel(self.tr("The key of the application “{name}”:").format(name=name), self)
        self.field = QLineEdit(key, self)
        self.field.setObjectName("newKey")
        self.field.setReadOnly(True)
        self.field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.field.setMinimumWidth(self.field.fontMetrics().horizontalAdvance(key) + 24)
        self.copy_button = QPushButton(self.tr("&Copy"), self)
        self.copy_button.setObjectName("copyKey")
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.copy_button)
        self.warning = QLabel(self.tr(
            "This key will not be shown again: only a fingerprint of it is stored. Copy it now "
            "and give it to the application's developer over a safe channel. If it is lost, "
            "revoke it and issue a new one."), self)
        self.warning.setObjectName("keyWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            f"font-weight: bold; color: {severity_color('warning').name()};")
        self.copied = QLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.copied.setText(self.tr("Copied to the clipboard."))


class Open311KeysDialog(QDialog):
    """Modeless; reloads on open and after every change."""

    loaded = Signal()
    issued = Signal(str)        # the application a key was just issued to (tests wait on it)
    revoked = Signal(str)

    COLUMNS = ("name", "hint", "issued_by", "issued_at", "last_used_at", "requests", "state")

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("open311KeysDialog")
        self.setWindowTitle(self.tr("Open311 API keys"))
        self.tasks, self.actor = tasks, actor
        self.infos: list[open311_keys.KeyInfo] = []
        self.key_dialog: KeyShownDialog | None = None

        about = QLabel(self.tr(
            "Applications that may file citizens' reports through Open311 GeoReport v2 "
            "(/open311/v2/ on the centre's serve). Each has one key; its reports come in as "
            "source “public”, reported by open311:NAME."), self)
        about.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("open311Keys")
        self.table.setHorizontalHeaderLabels([
            self.tr("Application"), self.tr("Key begins"), self.tr("Issued by"),
            self.tr("Issued"), self.tr("Last used"), self.tr("Reports"), self.tr("State")])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._follow_selection)
        self.message = QLabel(self)
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)

        self.issue_button = QPushButton(self.tr("&Issue a key…"), self)
        self.issue_button.setObjectName("issueKey")
        self.issue_button.clicked.connect(lambda: self.issue())
        self.revoke_button = QPushButton(self.tr("&Revoke…"), self)
        self.revoke_button.setObjectName("revokeKey")
        self.revoke_button.clicked.connect(lambda: self.revoke())
        refresh = QPushButton(self.tr("Re&fresh"), self)
        refresh.clicked.connect(self.reload)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        bottom = QHBoxLayout()
        for button in (self.issue_button, self.revoke_button, refresh):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.resize(900, 420)
        self._follow_selection()

    # --- reading ---------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        actor = self.actor
        self.tasks.run(lambda s: open311_keys.list_keys(s, actor=actor), on_done=self._show,
                       on_error=self._failed, owner=self, key=("open311_keys", "list"))

    def _show(self, infos: list[open311_keys.KeyInfo]) -> None:
        self.infos = infos
        self.table.setRowCount(len(infos))
        for row, k in enumerate(infos):
            if k.revoked_at is None:
                state = self.tr("active")
            else:
                state = self.tr("revoked {time}").format(time=_when(k.revoked_at))
            texts = (k.name, f"{k.hint}…", k.issued_by or "—", _when(k.issued_at),
                     _when(k.last_used_at), str(k.requests), state)
            for col, text in enumerate(texts):
                self.table.setItem(row, col, _item(text, align_right=col == 5))
        self._follow_selection()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(describe_error(exc))
        self._follow_selection()

    def selected(self) -> open311_keys.KeyInfo | None:
        rows = {i.row() for i in self.table.selectedItems()}
        return self.infos[rows.pop()] if len(rows) == 1 and self.infos else None

    def _follow_selection(self) -> None:
        chosen = self.selected()
        self.revoke_button.setEnabled(chosen is not None and chosen.revoked_at is None)

    # --- changing --------------------------------------------------------------------------

    def issue(self, name: str | None = None) -> None:
        """A key for application `name` (asked for when not given), then shown once."""
        if name is None:
            name, ok = QInputDialog.getText(
                self, self.tr("Issue an Open311 key"),
                self.tr("Application name (letters, digits, - and _; no spaces):"))
            if not ok:
                return
        actor, name = self.actor, name.strip()
        self.message.setText(self.tr("Saving…"))

        def done(key: str) -> None:
            self.message.setText("")
            self.key_dialog = KeyShownDialog(name, key, self)
            self.key_dialog.open()
            self.issued.emit(name)
            self.reload()
        self.tasks.run(lambda s: open311_keys.issue_key(s, name, actor=actor), on_done=done,
                       on_error=self._failed, owner=self)

    def revoke(self, name: str | None = None, *, confirm: bool = True) -> None:
        """Refuse the application's key from now on (the selected one when not given)."""
        if name is None:
            chosen = self.selected()
            if chosen is None:
                return
            name = chosen.name
        if confirm and QMessageBox.question(
                self, self.tr("Revoke the key"),
                self.tr("Revoke the key of “{name}”? The application's reports are refused from "
                        "now on; the reports it filed stay.").format(name=name)
        ) != QMessageBox.StandardButton.Yes:
            return
        actor = self.actor

        def done(_none) -> None:
            self.message.setText(self.tr("The key of “{name}” is revoked.").format(name=name))
            self.revoked.emit(name)
            self.reload()
        self.tasks.run(lambda s: open311_keys.revoke_key(s, name, actor=actor), on_done=done,
                       on_error=self._failed, owner=self)


def add_open311_keys_action(menu: QMenu, tasks: TaskRunner, window: QWidget) -> QAction:
    """"Open311 API keys…" in the Field menu, shown to administrators only (`window.actor`,
    followed through `window.actor_changed`); one modeless page per window."""
    action = menu.addAction(QCoreApplication.translate("Open311KeysDialog", "Open311 API &keys…"))
    action.setObjectName("open311KeysAction")
    dialogs: list[Open311KeysDialog] = []

    def follow(actor: Actor | None) -> None:
        allowed = actor is not None and may(actor.role, Permission.MANAGE_USERS)
        action.setVisible(allowed)
        if dialogs and (not allowed or dialogs[0].actor != actor):
            dialogs.pop().close()       # the next user opens a page of their own

    # The action's connection must not hold the window (the window holds the action): a
    # window closed for good would never be deleted, its map timers running on.
    window_ref = weakref.ref(window)

    def open_dialog() -> None:
        window = window_ref()
        actor = getattr(window, "actor", None)
        if actor is None or not may(actor.role, Permission.MANAGE_USERS):
            return
        if not dialogs:
            dialogs.append(Open311KeysDialog(tasks, actor, window))
        dialog = dialogs[0]
        dialog.reload()
        dialog.show()
        dialog.raise_()
    follow(getattr(window, "actor", None))
    window.actor_changed.connect(follow)
    action.triggered.connect(open_dialog)
    action.open_dialog = open_dialog        # type: ignore[attr-defined]  (tests, screenshots)
    action.dialogs = dialogs                # type: ignore[attr-defined]
    return action
