"""What the leader's list dialogs (responsibility disputes, field terminal sessions) share: the
read-only table and its items, the bottom row with Refresh and Close, and the menu action that
opens the one dialog, shown only to those the permission lets in."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from console.services.actor import Actor

ActorOf = Callable[[], Actor | None]


def item(text: str, data: object = None, *, tooltip: bool = False) -> QTableWidgetItem:
    """A read-only cell; `data` under UserRole; `tooltip`: the text again, for a row kept to
    one line."""
    out = QTableWidgetItem(text)
    if tooltip:
        out.setToolTip(text)
    out.setFlags(out.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        out.setData(Qt.ItemDataRole.UserRole, data)
    return out


def table(parent: QWidget, name: str, headers: list[str],
          stretch: int | None = None) -> QTableWidget:
    """Whole rows selected, columns sized to their contents; the column `stretch` (None: the
    last) takes the rest of the width."""
    out = QTableWidget(0, len(headers), parent)
    out.setObjectName(name)
    out.setHorizontalHeaderLabels(headers)
    out.verticalHeader().hide()
    header = out.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    out.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    return out


def bottom_row(dialog: QDialog, left: QWidget, refresh: QPushButton) -> QHBoxLayout:
    """`left`, space, Refresh, Close."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.close)
    bottom = QHBoxLayout()
    bottom.addWidget(left)
    bottom.addStretch(1)
    bottom.addWidget(refresh)
    bottom.addWidget(buttons)
    return bottom


def install_dialog_action(menu: QMenu, text: str, name: str, make: Callable[[], QDialog],
                          allowed: Callable[[], bool]) -> QAction:
    """An action in `menu` that opens the one dialog `make` builds (reloaded each time), shown
    while `allowed()` — asked each time the menu opens, so a shift change needs nothing more.
    `action.open_dialog()` opens it too (tests, screenshots)."""
    dialogs: list[QDialog] = []

    def open_dialog() -> QDialog:
        if not dialogs:
            dialogs.append(make())
        dialog = dialogs[0]
        dialog.reload()
        dialog.show()
        dialog.raise_()
        return dialog
    action = menu.addAction(text)
    action.setObjectName(name)
    action.triggered.connect(open_dialog)
    action.setVisible(allowed())
    menu.aboutToShow.connect(lambda: action.setVisible(allowed()))
    action.open_dialog = open_dialog        # type: ignore[attr-defined]  (tests, screenshots)
    return action
