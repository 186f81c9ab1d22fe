"""Map figures: building and first paint of a 50,000-cell page, one live tick of 2,000 patrols
on each side of the channel, and a position's way from the services to the moved marker.

Runs the real widget offscreen (software rendering: the slowest a seat can be) against a
generated 50,000-cell city to which officers are added until 2,000 report positions.
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from console.bench import Figure

CELLS, PATROLS, CASES = 50_000, 2_000, 20_000
TICKS = 30
E2E_SAMPLES = 40
#: Other patrols' fixes per second while the end-to-end probe runs (2,000 every 5 s).
BACKGROUND_FIXES_PER_S = PATROLS / 5


def _prepare_qt() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import console.map.widget  # noqa: F401 — QtWebEngine must be imported before the app


def _city(folder: Path) -> str:
    """A 50,000-cell city with 2,000 officers; CITY_CONSOLE_MAP_BENCH_CITY names a file to
    reuse (copied, so the run never changes it) or to keep the one built here."""
    keep = os.environ.get("CITY_CONSOLE_MAP_BENCH_CITY")
    target = folder / "map50k.db"
    if keep and Path(keep).is_file():
        shutil.copyfile(keep, target)
    else:
        _build_city(target)
        if keep:
            shutil.copyfile(target, keep)
    url = f"sqlite:///{target}"
    _fresh_fixes(url)
    return url


def _build_city(path: Path) -> None:
    """A 50,000-cell demo city with 2,000 officers on round-the-clock shifts."""
    from sqlalchemy import func, select

    from console.sim.demo import build_demo
    from console.store.database import open_database
    from console.store.models import Device, PatrolOfficer, Shift, WorkGrid
    db = open_database(f"sqlite:///{path}")
    build_demo(db, seed=3, cells=CELLS, cases=CASES)
    with db.transaction() as s:
        s.execute(Shift.__table__.update().values(weekdays="0123456", start="00:00", end="00:00"))
        grids = list(s.scalars(select(WorkGrid.id).order_by(WorkGrid.id)))
        have = s.scalar(select(func.count()).select_from(PatrolOfficer))
        for i in range(have, PATROLS):
            officer = PatrolOfficer(code=f"B{i:05d}", name=f"巡查{i:04d}",
                                    work_grid_id=grids[i % len(grids)])
            s.add(officer)
            s.flush()
            s.add(Device(unique_id=f"bench-{i:05d}", patrol_officer_id=officer.id))
            s.add(Shift(patrol_officer_id=officer.id, weekdays="0123456", start="00:00",
                        end="00:00"))
    db.dispose()


def _fresh_fixes(url: str) -> None:
    """Every officer reported half a minute ago from a cell of their own work grid."""
    from sqlalchemy import select

    from console.services.positions import Fix, record_positions
    from console.store.database import open_database
    from console.store.models import Cell, Device, PatrolOfficer, WorkGridCell
    db = open_database(url)
    with db.session() as s:
        homes: dict[int, tuple[float, float]] = {}
        for grid, lon, lat in s.execute(select(WorkGridCell.work_grid_id, Cell.centroid_lon,
                                               Cell.centroid_lat)
                                        .join(Cell, Cell.id == WorkGridCell.cell_id)):
            homes.setdefault(grid, (lon, lat))
        devices = s.execute(select(Device.unique_id, PatrolOfficer.work_grid_id)
                            .join(PatrolOfficer, PatrolOfficer.id == Device.patrol_officer_id)
                            ).all()
    at = datetime.now().replace(microsecond=0) - timedelta(seconds=30)
    with db.transaction() as s:
        record_positions(s, [Fix(d.unique_id, at, homes[d.work_grid_id][1],
                                 homes[d.work_grid_id][0], speed=1.3, battery=90.0)
                             for d in devices])
    db.dispose()


def _wait(app, predicate, timeout_s: float = 60.0) -> bool:
    from PySide6.QtCore import QEventLoop
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return True


class _Seat:
    """One map widget on the bench city, with what its page reported."""

    def __init__(self, app, db, *, feed_interval_ms: int | None = None) -> None:
        from console.live.feed_worker import FeedWorker
        from console.live.tasks import TaskRunner
        from console.map.widget import MapWidget
        from console.common.seat_settings import SeatSettings
        from console.common.selection import Selection
        self.app, self.db = app, db
        self.tasks = TaskRunner(db)
        self.events: list[tuple[str, dict, float]] = []
        self.loaded: list[float] = []
        self.widget = MapWidget(self.tasks, SeatSettings.open(), Selection())
        self.widget.js_event.connect(lambda n, d: self.events.append((n, d, time.time())))
        self.widget.page_loaded.connect(self.loaded.append)
        self.widget.resize(1400, 900)
        self.widget.show()
        self.feed = None
        if feed_interval_ms is not None:
            self.feed = FeedWorker(db, interval_ms=feed_interval_ms)
            self.feed.changes.connect(lambda b: self.widget.apply_feed(b))
            self.feed.start()
        if not _wait(app, lambda: self.widget.ready and bool(self.loaded), 180):
            raise RuntimeError("the map page did not load")

    def js(self, code: str):
        import json
        box: list = []
        self.widget.view.page().runJavaScript(f"JSON.stringify({code})", 0, box.append)
        _wait(self.app, lambda: bool(box), 10)
        return json.loads(box[0]) if box and box[0] else None

    def close(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent
        if self.feed is not None:
            self.feed.stop()
        self.widget.shutdown()
        self.tasks.wait(30_000)
        self.widget.close()
        self.widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _build_times(db, folder: Path, runs: int = 3) -> float:
    from console.map import loader, texts
    from console.mappage import page
    times = []
    for i in range(runs):
        options = page.PageOptions(texts=texts.page_texts(), layer_names=texts.layer_names())
        start = time.perf_counter()
        with db.session() as s:
            loader.build(s, folder / f"build{i}", options, measure="open", heat_days=7,
                         now=datetime.now())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ticks(app, seat: _Seat) -> tuple[float, float, float]:
    """Median cost of one delta of 2,000 moved patrols (ms): the GUI thread's CPU time in
    Python, its wall time (which counts whatever else the machine is doing), and the page's
    time to parse and apply it."""
    from console.store.feed import FeedBatch, PositionRow
    watch = seat.widget.model.watch
    views = watch.views()
    py: list[float] = []
    wall: list[float] = []
    seat.widget.live.sent.connect(lambda info: (py.append(info["py_cpu_ms"]),
                                                wall.append(info["py_ms"])))
    before = len(seat.js("CCC.inspect.applyMs()"))
    for tick in range(TICKS):
        at = datetime.now()   # real time: a fix from the future would hide the next real ones
        rows = [PositionRow(0, v.id, at, v.lat + 0.00001 * (tick + 1), v.lon, 1.3, 90.0, 80.0)
                for v in views]
        seat.widget.live.accept(FeedBatch(since=0, seq=0, positions=rows))
        _wait(app, lambda: len(py) > tick, 10)
        _wait(app, lambda: False, 0.25)   # let the page apply it before the next
    js = seat.js("CCC.inspect.applyMs()")[before:]
    return statistics.median(py), statistics.median(wall), statistics.median(js[-TICKS:])


def _trails_ms(seat: _Seat) -> float:
    """Median time to redraw every patrol's trail (the page does it at most once a second)."""
    return statistics.median(seat.js("CCC.inspect.trailsDrawMs()") for _ in range(10))


def _e2e(app, seat: _Seat) -> float:
    """p95 of: a fix written through the services → that patrol's marker moved on the page."""
    from sqlalchemy import select

    from console.services.positions import Fix, record_positions
    from console.store.models import Device
    probe = seat.widget.model.watch.views()[0]
    probe_id = probe.id
    with seat.db.session() as s:
        rows = s.execute(select(Device.unique_id, Device.patrol_officer_id)
                         .order_by(Device.id)).all()
    probe_device = next(r.unique_id for r in rows if r.patrol_officer_id == probe_id)
    others = [r.unique_id for r in rows if r.patrol_officer_id != probe_id]
    stop = threading.Event()
    request: dict = {}
    written = threading.Event()
    rng = random.Random(5)

    def writer() -> None:
        batch = max(1, int(BACKGROUND_FIXES_PER_S / 4))
        k = 0
        while not stop.is_set():
            now = datetime.now()
            fixes = [Fix(others[(k + i) % len(others)], now, 30.27 + rng.uniform(-0.05, 0.05),
                         120.15 + rng.uniform(-0.05, 0.05), speed=1.3, battery=80.0)
                     for i in range(batch)]
            k += batch
            if "lat" in request and not written.is_set():
                fixes.append(Fix(probe_device, now, request["lat"], probe.lon, speed=1.3,
                                 battery=80.0))
                request["t0"] = time.time()
                with seat.db.transaction() as s:
                    record_positions(s, fixes)
                written.set()
            else:
                with seat.db.transaction() as s:
                    record_positions(s, fixes)
            stop.wait(0.25)

    thread = threading.Thread(target=writer, name="bench-writer")
    thread.start()
    latencies = []
    try:
        for i in range(E2E_SAMPLES):
            lat = round(probe.lat + 0.0001 * (i + 1), 6)
            seat.js(f"(CCC.receive({{op: 'watch', id: {probe_id}, lat: {lat}}}), 1)")
            hits = len([e for e in seat.events if e[0] == "watchHit"])
            written.clear()
            request.clear()
            request["lat"] = lat
            _wait(app, lambda: written.is_set(), 10)
            ok = _wait(app, lambda: len([e for e in seat.events if e[0] == "watchHit"]) > hits, 10)
            if ok:
                hit = [e for e in seat.events if e[0] == "watchHit"][-1]
                latencies.append(hit[1]["at"] - request["t0"] * 1000)
            _wait(app, lambda: False, rng.uniform(0.1, 0.6))
    finally:
        stop.set()
        thread.join(10)
    latencies.sort()
    return latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]


def run() -> Iterator[Figure]:
    _prepare_qt()
    from console.store.database import open_database
    from console.common.application import create_application
    from console.common.seat_settings import SeatSettings
    with tempfile.TemporaryDirectory(prefix="console-bench-map-") as tmp:
        folder = Path(tmp)
        os.environ["CITY_CONSOLE_DATA_DIR"] = str(folder / "data")
        os.environ["CITY_CONSOLE_CONFIG_DIR"] = str(folder / "config")
        app = create_application(["city-console-bench"], "zh_CN")
        db = open_database(_city(folder))
        try:
            yield "map.build_50k_s", _build_times(db, folder), "s"
            paints = []
            for _ in range(3):
                seat = _Seat(app, db)
                paints.append(seat.loaded[0])
                seat.close()
            yield "map.first_paint_50k_s", statistics.median(paints), "s"
            interval = SeatSettings.open().get("live/feed_interval_ms")
            seat = _Seat(app, db, feed_interval_ms=interval)
            try:
                py_ms, wall_ms, js_ms = _ticks(app, seat)
                yield "map.tick_py_ms_2000", py_ms, "ms"
                yield "map.tick_js_ms_2000", js_ms, "ms"
                yield "map.tick_py_wall_ms_2000", wall_ms, "ms"
                yield "map.trails_draw_ms_2000", _trails_ms(seat), "ms"
                yield "map.e2e_p95_ms", _e2e(app, seat), "ms"
            finally:
                seat.close()
        finally:
            db.dispose()
