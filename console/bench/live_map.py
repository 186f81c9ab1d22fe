"""Live map figures at megacity scale: the map on screen from the moment the console asks for
it (page building included), cold and with the page's grid part reused (and when the rest of
the first picture, read after the grid is drawn, reached the page); one live update of
10,000 patrols; the GUI-thread cost of the map's periodic refresh with 50,000 open cases.

The cities are console/bench/cities.py's MILLION (50,000 cells, 1,000,000 cases) and
MEGACITY (200,000 cells), built on first use or named by CITY_CONSOLE_BENCH_DB and
CITY_CONSOLE_BENCH_CITY_200K; the run uses working copies and never writes to them. A copy of a
city built before the demo set a grid version gets the one the demo sets now (the first start
of the console on such a database reads the grid's fingerprint instead: see `on_screen`'s cold
figure).
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path

from console.bench import Figure, cities
from console.bench.map import _prepare_qt, _wait

RUNS = 3
COLD_RUNS = 2   # a cold page at 200,000 cells takes most of a minute
PATROLS = 10_000
TICKS = 15


def _with_grid_version(url: str, city: cities.City) -> str:
    """Give a city without a grid version the one the demo generator gives it now."""
    from console.services import map_grid
    from console.store.database import open_database
    db = open_database(url)
    try:
        with db.transaction() as s:
            if map_grid.grid_version(s) is None:
                map_grid.bump_grid_version(s, token=f"demo:{city.seed}:{city.cells}")
    finally:
        db.dispose()
    return url


def on_screen(app, db, cache: Path, *, cold: bool) -> tuple[float, float, dict]:
    """Seconds from MapWidget.build() (the console asking for the map) to the grid drawn,
    and to the rest of the first picture (measure, cases, patrols, heat) sent to the page;
    and where the time went: the worker's build (s) and the page's marks (ms since its
    navigation began, see resources/map: grid.bin read, decoded, tiles drawn, frame)."""
    from console.live.tasks import TaskRunner
    from console.map.widget import MapWidget
    from console.common.seat_settings import SeatSettings
    from console.common.selection import Selection
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    tasks = TaskRunner(db)
    widget = MapWidget(tasks, SeatSettings.open(), Selection(), build=False)
    widget.grid_cache = cache
    shown: list[float] = []
    widget.on_screen.connect(shown.append)
    filled: list[float] = []
    widget.filled.connect(filled.append)
    marks: dict = {}
    widget.js_event.connect(lambda name, data: marks.update(data.get("marks") or {})
                            if name == "firstPaint" else None)
    widget.page_loaded.connect(lambda s: marks.setdefault("page_s", s))
    widget.resize(1400, 900)
    widget.show()
    try:
        widget.build()
        if not _wait(app, lambda: bool(shown) and bool(filled), 300):
            raise RuntimeError("the map did not reach the screen")
        marks["build_s"] = shown[0] - marks.get("page_s", 0.0)
        return shown[0], filled[0], marks
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
        cold = [on_screen(app, db, cache, cold=True)[0] for _ in range(COLD_RUNS)]
        warm = [on_screen(app, db, cache, cold=False) for _ in range(RUNS)]
        shown = [w[0] for w in warm]
        yield f"live.map_on_screen_{label}_s", statistics.median(shown), "s"
        yield f"live.map_on_screen_{label}_best_s", min(shown), "s"
        yield f"live.map_on_screen_{label}_worst_s", max(shown), "s"
        yield f"live.map_filled_{label}_s", statistics.median(w[1] for w in warm), "s"
        yield f"live.map_on_screen_{label}_cold_s", statistics.median(cold), "s"
        # Where the reused page's time goes (medians): the worker, then the page.
        parts = [w[2] for w in warm]

        def part(key: str) -> float:
            return statistics.median(p.get(key, float("nan")) for p in parts)
        yield f"live.map_build_{label}_s", part("build_s"), "s"
        yield f"live.map_page_{label}_s", part("page_s"), "s"
        yield f"live.map_page_grid_read_{label}_ms", part("fileRead"), "ms"
        yield f"live.map_page_grid_decode_{label}_ms", part("gridDecoded") - part("gridInit"), "ms"
        yield f"live.map_page_tiles_drawn_{label}_ms", part("tilesDrawn"), "ms"
    finally:
        db.dispose()


def _officers(url: str, count: int) -> None:
    """Officers on round-the-clock shifts until `count`, each with a fix half a minute old."""
    from sqlalchemy import func, select

    from console.bench.map import _fresh_fixes
    from console.store.database import open_database
    from console.store.models import Device, PatrolOfficer, Shift, WorkGrid
    db = open_database(url)
    with db.transaction() as s:
        s.execute(Shift.__table__.update().values(weekdays="0123456", start="00:00", end="00:00"))
        grids = list(s.scalars(select(WorkGrid.id).order_by(WorkGrid.id)))
        have = s.scalar(select(func.count()).select_from(PatrolOfficer))
        for i in range(have, count):
            officer = PatrolOfficer(code=f"L{i:05d}", name=f"巡查{i:05d}",
                                    work_grid_id=grids[i % len(grids)])
            s.add(officer)
            s.flush()
            s.add(Device(unique_id=f"live-{i:05d}", patrol_officer_id=officer.id))
            s.add(Shift(patrol_officer_id=officer.id, weekdays="0123456", start="00:00",
                        end="00:00"))
    db.dispose()
    _fresh_fixes(url)


def _open_cases(url: str, count: int) -> int:
    """Reopen closed cases (in the bench's own copy) until `count` are open, with deadlines
    spread over the next days: the 1,000,000-case demo has fewer open than a megacity."""
    from datetime import datetime, timedelta

    from sqlalchemy import func, select, update

    from console.services.map_data import OPEN_STATUSES
    from console.store.database import open_database
    from console.store.models import Case
    db = open_database(url)
    now = datetime.now()
    with db.transaction() as s:
        have = s.scalar(select(func.count()).select_from(Case).where(Case.status.in_(OPEN_STATUSES)))
        ids = list(s.scalars(select(Case.id).where(Case.status == "closed")
                             .order_by(Case.id.desc()).limit(max(0, count - have))))
        for k in range(8):   # eight deadline groups: some overdue, some near, most running
            part = ids[k::8]
            if part:
                s.execute(update(Case).where(Case.id.in_(part)).values(
                    status="dispatched", dispatched_at=now - timedelta(hours=20),
                    deadline=now + timedelta(hours=6 * k - 6)))
        total = have + len(ids)
    db.dispose()
    return total


def tick_ms(app, url: str) -> tuple[float, float, float, float]:
    """One live update of every patrol moved (ms, medians): the GUI thread's Python (CPU
    time of the whole flush: states, rows, JSON) and the page's parse and apply; and the
    trails' redraw, which runs at most once a second in an animation frame of its own (not
    inside a delta), with the trails the ticks drew."""
    from datetime import datetime

    from console.bench.map import _Seat
    from console.store.database import open_database
    from console.store.feed import FeedBatch, PositionRow
    db = open_database(url)
    seat = _Seat(app, db)
    try:
        views = seat.widget.model.watch.views()
        py: list[float] = []
        seat.widget.live.sent.connect(lambda info: py.append(info["py_cpu_ms"]))
        before = len(seat.js("CCC.inspect.applyMs()"))
        for tick in range(TICKS):
            at = datetime.now()
            rows = [PositionRow(0, v.id, at, v.lat + 0.00001 * (tick + 1), v.lon, 1.3, 90.0, 80.0)
                    for v in views]
            seat.widget.live.accept(FeedBatch(since=0, seq=0, positions=rows))
            _wait(app, lambda: len(py) > tick, 20)
            _wait(app, lambda: False, 0.3)
        js = seat.js("CCC.inspect.applyMs()")[before:]
        trails = statistics.median(seat.js("CCC.inspect.trailsDrawMs()") for _ in range(5))
        return statistics.median(py), statistics.median(js[-TICKS:]), len(views), trails
    finally:
        seat.close()
        db.dispose()


def resync_gui_ms(app, url: str) -> tuple[float, int]:
    """GUI-thread time of the map's periodic refresh (all its steps), and the open cases."""
    from console.bench.map import _Seat
    from console.store.database import open_database
    db = open_database(url)
    seat = _Seat(app, db)
    try:
        live = seat.widget.live
        totals = []
        for _ in range(RUNS):
            steps: list[dict] = []
            live.refreshed.connect(steps.append)
            live.refresh_cases()
            _wait(app, lambda: {"cases", "measure"} <= {s["step"] for s in steps}, 120)
            live.refreshed.disconnect(steps.append)
            totals.append(sum(s["gui_ms"] for s in steps))
        return statistics.median(totals), len(seat.widget.model.case_rows)
    finally:
        seat.close()
        db.dispose()


def run() -> Iterator[Figure]:
    # Found (or built) before the data folder moves to the run's own below.
    urls = [(label, _with_grid_version(cities.working_copy(city, f"live-map-{label}"), city))
            for label, city in (("50k", cities.MILLION), ("200k", cities.MEGACITY))]
    _prepare_qt()
    from console.common.application import create_application
    with tempfile.TemporaryDirectory(prefix="console-bench-live-map-") as tmp:
        folder = Path(tmp)
        os.environ["CITY_CONSOLE_DATA_DIR"] = str(folder / "data")
        os.environ["CITY_CONSOLE_CONFIG_DIR"] = str(folder / "config")
        app = create_application(["city-console-bench"], "zh_CN")
        for label, url in urls:
            yield from _figures(app, url, folder / f"cache-{label}", label)
            if label == "50k":
                _open_cases(url, 50_000)
                ms, open_cases = resync_gui_ms(app, url)
                yield "live.map_resync_gui_ms_50k", ms, "ms"
                yield "live.map_resync_open_cases", open_cases, "cases"
            if label == "200k":
                _officers(url, PATROLS)
                py, js, n, trails = tick_ms(app, url)
                yield f"live.map_tick_py_ms_{n}", py, "ms"
                yield f"live.map_tick_js_ms_{n}", js, "ms"
                yield f"live.map_tick_ms_{n}", py + js, "ms"
                yield f"live.map_trails_draw_ms_{n}", trails, "ms"
