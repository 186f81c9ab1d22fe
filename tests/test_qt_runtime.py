"""The Qt binding the console runs on must survive a whole shift."""
from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage


def test_void_calls_do_not_leak_references_to_none(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a None reference per void call and aborts after ~10^5."""
    if sys.version_info >= (3, 12):
        return  # None is immortal there; nothing to count
    img = QImage(4, 4, QImage.Format.Format_RGB32)
    white = QColor("white")
    before = sys.getrefcount(None)
    for _ in range(20_000):
        img.fill(white)
    assert abs(sys.getrefcount(None) - before) < 2_000
