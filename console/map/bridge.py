"""The QWebChannel object the page talks to: one signal out, one slot in, both JSON text.

JSON text rather than QVariant maps: QWebChannel serialises a string as it is, while a
two-thousand-row nested list would be converted element by element on both sides.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class MapBridge(QObject):
    """Registered in the page as `bridge`; `event` re-emits what the page says as (name, dict)."""

    toJs = Signal(str)             # noqa: N815 — the page connects to this name
    event = Signal(str, dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sent_bytes = 0

    def send(self, op: str, **payload: Any) -> int:
        """Send one message to the page; returns its size in bytes (for the tick benchmark)."""
        return self.send_text(self.encode(op, **payload))

    @staticmethod
    def encode(op: str, **payload: Any) -> str:
        """A message as the page takes it (any thread may encode; only the GUI thread sends)."""
        return json.dumps({"op": op, **payload}, ensure_ascii=False, separators=(",", ":"))

    def send_text(self, text: str) -> int:
        """Send a message `encode` made; returns its size."""
        self.sent_bytes += len(text)
        self.toJs.emit(text)
        return len(text)

    @Slot(str)
    def fromJs(self, text: str) -> None:   # noqa: N802 — called by name from the page
        try:
            message = json.loads(text)
            name = str(message.pop("ev"))
        except (ValueError, KeyError, AttributeError, TypeError):
            log.warning("map page sent an unreadable message: %.200s", text)
            return
        self.event.emit(name, message)
