"""The web view that shows the map page, guarded so the page stays local.

The page is a local file; the only network address it may reach is the base-map tile
server the seat configured. Everything else is blocked and counted — a console in a
command centre must not leak where its patrols are, nor hang on a missing CDN.
"""
from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (QWebEnginePage, QWebEngineSettings,
                                     QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from console.map.bridge import MapBridge

log = logging.getLogger(__name__)

LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob", "about"})


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Lets local requests through, and the tile server's; blocks and records the rest."""

    def __init__(self, allowed_hosts: set[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allowed_hosts = {h.lower() for h in (allowed_hosts or set()) if h}
        self.requests: deque[str] = deque(maxlen=2000)    # every URL asked for, newest last
        self.blocked: deque[str] = deque(maxlen=200)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:   # noqa: N802
        url = info.requestUrl()
        self.requests.append(url.toString())
        if url.scheme().lower() in LOCAL_SCHEMES or url.host().lower() in self.allowed_hosts:
            return
        info.block(True)
        self.blocked.append(url.toString())
        log.info("map page request blocked: %s", url.toString())


class MapPage(QWebEnginePage):
    """Keeps the page where it is and reports its script errors to the log."""

    script_error = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page_url = QUrl()
        self.errors: list[str] = []

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            text = f"{source}:{line}: {message}"
            self.errors.append(text)
            self.script_error.emit(text)
            log.error("map page: %s", text)
        else:
            log.debug("map page: %s", message)

    def acceptNavigationRequest(self, url: QUrl, kind, main_frame: bool) -> bool:  # noqa: N802
        if not main_frame or url == self.page_url:
            return True
        if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            # e.g. the tile attribution's link: the system browser, never this view.
            QDesktopServices.openUrl(url)
        return False

    def createWindow(self, _kind) -> None:  # noqa: N802
        return None


class MapView(QWebEngineView):
    """A QWebEngineView with the page, the guard and the channel to `bridge`."""

    def __init__(self, bridge: MapBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        # The page's own right-click becomes our menu (report here); Chromium's has no place.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.map_page = MapPage(self)
        # The page uses the interceptor and the channel's objects until it is gone: they are
        # its children, so they are deleted after it and never before (a page calling a
        # deleted interceptor crashes the process).
        self.guard = OfflineGuard(parent=self.map_page)
        bridge.setParent(self.map_page)
        self.map_page.setUrlRequestInterceptor(self.guard)
        settings = self.map_page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        self.channel = QWebChannel(self.map_page)
        self.channel.registerObject("bridge", bridge)
        self.map_page.setWebChannel(self.channel)
        self.setPage(self.map_page)

    def open(self, path: str, *, tile_hosts: set[str] | None = None,
             background: str = "#0a1220") -> None:
        """Load the page file with load(): inline HTML is limited to 2 MB and the page is larger."""
        self.guard.allowed_hosts = {h.lower() for h in tile_hosts or ()}
        # A file page may fetch remote images only when a tile server is configured.
        self.map_page.settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, bool(tile_hosts))
        self.map_page.setBackgroundColor(QColor(background))
        url = QUrl.fromLocalFile(path)
        self.map_page.page_url = url
        self.load(url)
