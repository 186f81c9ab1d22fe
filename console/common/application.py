"""The QApplication of a seat: names, High-DPI policy, translators, font and theme.

Below every window and preview, so the map and the queues can be shown alone (previews,
benchmarks) without the main window.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from console.common.i18n import install_translators
from console.common.seat_settings import SeatSettings
from console.common.theme import apply_font, apply_theme
from console.paths import APP_NAME


def _prepare_environment() -> None:
    # Chromium refuses to start its sandbox as root; QtWebEngine reads this when first imported.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()


def create_application(argv: list[str], lang: str) -> QApplication:
    """The QApplication with names, High-DPI policy, translators, font and the seat's theme."""
    _prepare_environment()
    QCoreApplication.setOrganizationName("CityCommandConsole")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        # QtWebEngine (the map) needs shared GL contexts, set before the application exists.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv)
    install_translators(app, lang)
    apply_font(app)
    apply_theme(app, SeatSettings.open().get("ui/theme"))
    return app
