"""Turning a seat's window into the wall display and back.

The window itself becomes the wall: its map (the same live widget, never a second page to
build) moves into the wall's large slot, the docks, menus and status bar hide, the window goes
full screen. Leaving puts the map back and restores the dock layout saved on entering. The
window's idle lock pauses meanwhile: a wall nobody touches must not lock itself.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow

from console.ui.wall.wall_view import WallView


class WallMode(QObject):
    """The wall switch of one main window."""

    changed = Signal(bool)   # on the wall or not

    def __init__(self, window: QMainWindow) -> None:
        """`window`: the console's main window (its tasks, idle watch and feed signal)."""
        super().__init__(window)
        self.window = window
        self.view: WallView | None = None
        self._state = QByteArray()
        self._was_maximized = False

    @property
    def active(self) -> bool:
        return self.view is not None

    @property
    def seat_state(self) -> QByteArray:
        """The window's dock layout from before the wall."""
        return self._state

    def enter(self, *, can_leave: bool = True, full_screen: bool = True) -> WallView:
        """Show the wall (again: the one showing). `can_leave=False` (--wall): Esc stays."""
        if self.view is not None:
            return self.view
        w = self.window
        self._state = w.saveState()
        self._was_maximized = w.isMaximized()
        view = WallView(w.tasks, can_leave=can_leave)
        view.set_title(w.windowTitle())
        view.leave_requested.connect(self.leave)
        w.feed_changed.connect(view.on_feed)
        view.set_map(w.takeCentralWidget())
        for dock in w.findChildren(QDockWidget):
            dock.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        w.setCentralWidget(view)
        w.idle.pause()
        self.view = view
        if full_screen:
            w.showFullScreen()
        view.setFocus()
        view.start()
        self.changed.emit(True)
        return view

    def leave(self) -> None:
        """Back to the seat's own layout, the map in the centre."""
        view, w = self.view, self.window
        if view is None:
            return
        self.view = None
        view.stop()
        w.feed_changed.disconnect(view.on_feed)
        the_map = view.set_map(None)
        w.takeCentralWidget()
        view.deleteLater()
        if the_map is not None:
            w.setCentralWidget(the_map)
            the_map.show()
        w.menuBar().show()
        w.statusBar().show()
        w.restoreState(self._state)
        if w.isFullScreen():
            w.showMaximized() if self._was_maximized else w.showNormal()
        w.idle.resume()
        self.changed.emit(False)
