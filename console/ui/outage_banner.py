"""The outage banner: across the top of the window while the database server cannot be reached.

The feed worker notices first (it reads several times a second) and says when it is back; a
task that fails on a lost connection raises the banner too, so a seat whose feed happened to be
between reads still says so at once. Nothing is closed meanwhile: a form whose save failed
stays open with what was typed and offers to try again (common/messages.is_busy).
"""
from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QWidget

# A feed status "ok" this long after the banner went up means a read succeeded since.
_SETTLE_S = 1.0


class OutageBanner(QToolBar):
    """Hidden while the database answers; "connection lost, reconnecting… (since HH:MM:SS)"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outageBanner")   # saveState wants a name; it never moves
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)   # not a toolbar the user may hide
        self.label = QLabel(self)
        self.label.setObjectName("outageText")
        self.label.setProperty("kind", "errorBanner")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(self.label)
        self._since: datetime | None = None
        self._raised_at = 0.0
        self.hide()

    @property
    def since(self) -> datetime | None:
        """When the connection was lost (None: the database answers)."""
        return self._since

    @Slot(object)
    def connection_lost(self, since: datetime | None = None) -> None:
        if self._since is not None:
            return   # the first time it was lost is the one to show
        self._since = since or datetime.now().replace(microsecond=0)
        self._raised_at = time.monotonic()
        self.label.setText(self.tr("Database connection lost, reconnecting… (since {time})")
                           .format(time=f"{self._since:%H:%M:%S}"))
        self.show()

    @Slot()
    def connection_back(self) -> None:
        self._since = None
        self.hide()

    @Slot(dict)
    def feed_status(self, status: dict) -> None:
        """A status the feed worker sends after a successful read: if it came well after the
        banner went up (raised by a failed task, the feed never lost), the server answers."""
        if (self._since is not None and status.get("ok")
                and time.monotonic() - self._raised_at >= _SETTLE_S):
            self.connection_back()
