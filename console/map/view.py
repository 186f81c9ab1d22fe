"""The web view that shows the map page, guarded so the page stays local.

The page is a local file; the only network address it may reach is the base-map tile
server the seat configured. Everything else is blocked and counted — a console in a
command centre must not leak where its patrols are, nor hang on a missing CDN.

The guard is the last line, not the page's good behaviour: were a script ever injected, it
could read no file outside the page's folder (the interceptor checks every file URL, by tag
or by request; the page itself requests only its grid.bin, beside it), reach no host but the tile server's, navigate
nowhere (no navigation leaves the page, and nothing is handed to the system browser), and
send nothing over WebRTC (no non-proxied UDP; the interceptor never sees those packets).
"""
from __future__ import annotations

import logging
import os
from collections import deque
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QColor
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (QWebEnginePage, QWebEngineSettings,
                                     QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from console.map.bridge import MapBridge
from console.mappage.page import DEFAULT_PORTS

log = logging.getLogger(__name__)

#: Schemes whose content comes from the page itself (no file, no network behind them).
INNER_SCHEMES = frozenset({"data", "blob", "about"})
#: The one Qt resource the page loads (the QWebChannel client).
QRC_ALLOWED = frozenset({"/qtwebchannel/qwebchannel.js"})
TILE_SCHEMES = frozenset({"http", "https"})
#: Chromium: WebRTC may use no UDP but through a proxy (there is none): no STUN, no peers.
WEBRTC_FLAG = "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"


def harden_chromium_flags() -> None:
    """Add the WebRTC flag to QTWEBENGINE_CHROMIUM_FLAGS (read when the first page is made,
    so this runs when this module is imported, before any view exists)."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if WEBRTC_FLAG not in flags.split():
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {WEBRTC_FLAG}".strip()


harden_chromium_flags()


def _inside(path: str, folder: str) -> bool:
    """Whether a file path lies in a folder (after resolving `..` and links)."""
    if not folder:
        return False
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


_IMAGE = QWebEngineUrlRequestInfo.ResourceType.ResourceTypeImage


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Lets through the page's own folder, Qt's channel script and the tile server's hosts;
    blocks and records the rest."""

    def __init__(self, allowed_hosts: set[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allowed_hosts = {h.lower() for h in (allowed_hosts or set()) if h}
        self.folder = ""   # the page's folder, resolved; no file outside it is served
        self.requests: deque[str] = deque(maxlen=2000)    # every URL asked for, newest last
        self.blocked: deque[str] = deque(maxlen=200)

    def allows(self, url: QUrl, resource: QWebEngineUrlRequestInfo.ResourceType = _IMAGE) -> bool:
        """Whether the page may load `url` as `resource` (a tile is an image, nothing else)."""
        scheme = url.scheme().lower()
        if scheme in INNER_SCHEMES:
            return True
        if scheme == "file":
            return _inside(url.toLocalFile(), self.folder)
        if scheme == "qrc":
            return url.path() in QRC_ALLOWED
        if scheme not in TILE_SCHEMES or resource != _IMAGE:
            return False
        # The configured host and port only: another service on the tile host is out of reach.
        port = url.port(DEFAULT_PORTS[scheme])
        return f"{url.host().lower()}:{port}" in self.allowed_hosts

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:   # noqa: N802
        url = info.requestUrl()
        self.requests.append(url.toString())
        if self.allows(url, info.resourceType()):
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
        self.refused: deque[str] = deque(maxlen=200)   # navigations denied, newest last

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            text = f"{source}:{line}: {message}"
            self.errors.append(text)
            self.script_error.emit(text)
            log.error("map page: %s", text)
        else:
            log.debug("map page: %s", message)

    def acceptNavigationRequest(self, url: QUrl, kind, main_frame: bool) -> bool:  # noqa: N802
        # The page itself, once; nothing else in any frame. A link (the tile attribution's)
        # opens nothing either: a script's `location.href = ...` arrives as a link click too,
        # and handing it to the system browser would carry whatever the URL was made of.
        same = QUrl(url)
        same.setFragment(None)
        if same == self.page_url:
            return True
        if not main_frame and url.scheme().lower() == "about":
            return True
        self.refused.append(url.toString())
        log.info("map page navigation refused: %.200s", url.toString())
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
        attr = QWebEngineSettings.WebAttribute
        # Needed for the page's own scripts (file: to file:); the guard limits every file URL,
        # fetched or loaded by tag, to the page's folder.
        settings.setAttribute(attr.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(attr.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attr.JavascriptCanOpenWindows, False)
        settings.setAttribute(attr.WebRTCPublicInterfacesOnly, True)
        settings.setAttribute(attr.LocalStorageEnabled, False)
        self.channel = QWebChannel(self.map_page)
        self.channel.registerObject("bridge", bridge)
        self.map_page.setWebChannel(self.channel)
        self.setPage(self.map_page)

    def open(self, path: str, *, tile_hosts: set[str] | None = None,
             background: str = "#0a1220") -> None:
        """Load the page file with load(): inline HTML is limited to 2 MB and the page is larger.
        `tile_hosts`: "host:port" of the tile server (console.mappage.page.tile_hosts)."""
        self.guard.allowed_hosts = {h.lower() for h in tile_hosts or ()}
        # A file page may fetch remote images only when a tile server is configured.
        self.map_page.settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, bool(tile_hosts))
        self.map_page.setBackgroundColor(QColor(background))
        url = QUrl.fromLocalFile(path)
        self.guard.folder = os.path.realpath(Path(path).parent)
        self.map_page.page_url = url
        self.load(url)
