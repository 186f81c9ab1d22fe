"""The start mark: the window says once when the queue's first rows and the map's grid are
both on screen (what `bench live-start` times from the command)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from console.common.seat_settings import SeatSettings
from console.live.tasks import TaskRunner
from console.ui.main_window import MainWindow
from tests.test_map_widget import LOAD_TIMEOUT_MS, city  # noqa: F401 — the shared map city


def test_first_screen_comes_once_after_the_queue_rows_and_the_grid(city, tmp_path, qtbot,  # noqa: F811
                                                                   qapp):
    db = city.open(tmp_path)
    tasks = TaskRunner(db)
    window = MainWindow(tasks, SeatSettings.open(), user_name="张伟", role="dispatcher",
                        database_url=db.url)
    pages: list[int] = []
    window.queue_dock.model.loaded.connect(lambda: pages.append(window.queue_dock.model.rowCount()))
    seen: list[tuple[bool, int]] = []
    window.first_screen.connect(lambda: seen.append((window.map_widget.grid_drawn, len(pages))))
    tiles = window.status_dock.tiles.values()
    plotted: list[bool] = []   # whether a sparkline existed when the first screen was said
    window.first_screen.connect(lambda: plotted.append(any(t.plot is not None for t in tiles)))
    try:
        window.show()
        qtbot.waitUntil(lambda: bool(seen), timeout=LOAD_TIMEOUT_MS)
        drawn, queue_pages = seen[0]
        assert drawn and queue_pages == 1, "the grid drawn and the queue's first page in"
        # The sparklines come after it (their first plot imports pyqtgraph), not within it.
        assert plotted == [False]
        qtbot.waitUntil(lambda: all(t.plot is not None for t in tiles), timeout=10_000)
        # Later loads of either part say nothing more.
        with qtbot.waitSignal(window.queue_dock.model.loaded, timeout=5000):
            window.queue_dock.model.reload()
        qtbot.waitUntil(lambda: window.map_widget.ready, timeout=LOAD_TIMEOUT_MS)
        assert len(seen) == 1
    finally:
        window.map_widget.shutdown()
        assert tasks.wait(10_000)
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        db.dispose()
