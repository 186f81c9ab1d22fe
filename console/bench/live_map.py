"""Live map figures at megacity scale: the map on screen from the moment the console asks for
it (page building included), cold and with the page's grid part reused; one live update of
10,000 patrols; the GUI-thread cost of the map's periodic refresh with 50,000 open cases.

The cities: CITY_CONSOLE_BENCH_CITY_50K (default /work/benchdata/city_50k_1m.db, the
1,000,000-case city) and CITY_CONSOLE_BENCH_CITY_200K (default /tmp/city_200k.db, made with
`python -m console demo --db /tmp/city_200k.db --cells 200000 --cases 20000 --seed 2`).
Each is copied first: a run never writes to them. A missing city skips its figures.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from console.bench import Figure
from console.bench.map import _prepare_qt, _wait

CITY_50K = os.environ.get("CITY_CONSOLE_BENCH_CITY_50K", "/work/benchdata/city_50k_1m.db")
CITY_200K = os.environ.get("CITY_CONSOLE_BENCH_CITY_200K", "/tmp/city_200k.db")
RUNS = 3


def _copy(source: str, folder: Path) -> str | None:
    if not Path(source).is_file():
        return None
    target = folder / Path(source).name
    shutil.copyfile(source, target)
    for suffix in ("-wal", "-shm"):
        if Path(source + suffix).is_file():
            shutil.copyfile(source + suffix, str(target) + suffix)
    return f"sqlite:///{target}"


def on_screen(app, db, cache: Path, *, cold: bool) -> float:
    """Seconds from MapWidget.build() (the console asking for the map) to the grid drawn."""
    from console.live.tasks import TaskRunner
    from console.map.widget import MapWidget
    from console.ui.seat_settings import SeatSettings
    from console.ui.selection import Selection
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    tasks = TaskRunner(db)
    widget = MapWidget(tasks, SeatSettings.open(), Selection(), build=False)
    widget.grid_cache = cache
    shown: list[float] = []
    widget.on_screen.connect(shown.append)
    widget.resize(1400, 900)
    widget.show()
    try:
        widget.build()
        if not _wait(app, lambda: bool(shown), 300):
            raise RuntimeError("the map did not reach the screen")
        return shown[0]
    finally:
        from PySide6.QtCore import QCoreApplication, QEvent
        widget.shutdown()
        tasks.wait(60_000)
        widget.close()
        widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _figures(app, url: str, cache: Path, label: str) -> Iterator[Figure]:
    from console.store.database import open_database
    db = open_database(url)
    try:
        cold = [on_screen(app, db, cache, cold=True) for _ in range(RUNS)]
        warm = [on_screen(app, db, cache, cold=False) for _ in range(RUNS)]
        yield f"live.map_on_screen_{label}_s", statistics.median(warm), "s"
        yield f"live.map_on_screen_{label}_cold_s", statistics.median(cold), "s"
    finally:
        db.dispose()


def run() -> Iterator[Figure]:
    _prepare_qt()
    from console.ui.app import create_application
    with tempfile.TemporaryDirectory(prefix="console-bench-live-map-") as tmp:
        folder = Path(tmp)
        os.environ["CITY_CONSOLE_DATA_DIR"] = str(folder / "data")
        os.environ["CITY_CONSOLE_CONFIG_DIR"] = str(folder / "config")
        app = create_application(["city-console-bench"], "zh_CN")
        for label, source in (("50k", CITY_50K), ("200k", CITY_200K)):
            url = _copy(source, folder)
            if url is None:
                continue
            yield from _figures(app, url, folder / f"cache-{label}", label)
