"""Alert figures: one rule pass at full scale, and the time from a write to the alert on screen.

The city: the demo's 50,000 cells, topped up to 2,000 patrol officers (half of them on shift,
with 25 minutes of position history every 5 s) and 50,000 open cases. Set
CITY_CONSOLE_BENCH_ALERTS_DB to a demo database file to use a copy of it instead of building one.
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from console.bench import Figure
from console.domain.patrol_state import on_shift
from console.domain.workflow import OPEN, Status
from console.services.alerts import AlertEngine
from console.services.positions import Fix, record_positions
from console.sim.demo import SHIFT_PATTERNS, build_demo
from console.store.bulk import insert_rows
from console.store.database import Database, open_database
from console.store.models import (
    Case,
    Category,
    Cell,
    Department,
    Device,
    PatrolOfficer,
    Position,
    Shift,
    WorkGrid,
    WorkGridCell,
)

PATROLS = 2000
OPEN_CASES = 50_000
HISTORY_MIN = 25
FIX_S = 5


def _top_up_patrols(db: Database, want: int) -> None:
    with db.transaction() as s:
        have = s.scalar(select(func.count()).select_from(PatrolOfficer)) or 0
        grids = s.scalars(select(WorkGrid.id).order_by(WorkGrid.id)).all()
        for n in range(have + 1, want + 1):
            officer = PatrolOfficer(code=f"B{n:05d}", name=f"巡查员{n:04d}",
                                    work_grid_id=grids[n % len(grids)])
            s.add(officer)
            s.flush()
            s.add(Device(unique_id=f"bench-{n:05d}", patrol_officer_id=officer.id))
            start, end = SHIFT_PATTERNS[n % len(SHIFT_PATTERNS)]
            s.add(Shift(patrol_officer_id=officer.id, weekdays="0123456", start=start, end=end))


def _top_up_cases(db: Database, want: int, now: datetime, rng: random.Random) -> None:
    with db.session() as s:
        have = s.scalar(select(func.count()).select_from(Case)
                        .where(Case.status.in_([x.value for x in OPEN]))) or 0
        cells = s.scalars(select(Cell.id)).all()
        cats = s.execute(select(Category.code, Category.urgent)).all()
        depts = s.scalars(select(Department.id)).all()
    rows = []
    for i in range(max(0, want - have)):
        code, urgent = rng.choice(cats)
        # Like a city that keeps up: about 4% of what departments hold is overdue.
        if rng.random() < 0.04:
            deadline = now - timedelta(minutes=rng.uniform(1, 3 * 24 * 60))
        else:
            deadline = now + timedelta(minutes=rng.uniform(10, 6 * 24 * 60))
        dispatched = now - timedelta(minutes=rng.uniform(1, 5 * 24 * 60))
        deadline = max(deadline, dispatched + timedelta(hours=1))
        reported = dispatched - timedelta(minutes=rng.uniform(5, 120))
        status = rng.choices([Status.DISPATCHED, Status.REGISTERED, Status.REPORTED,
                              Status.HANDLED], weights=[84, 6, 3, 7])[0]
        held = status in (Status.DISPATCHED, Status.HANDLED)
        rows.append(dict(
            number=f"9{i:011d}", source="hotline", category_code=code,
            cell_id=rng.choice(cells), lon=None, lat=None, address="", description="bench",
            photos=[], urgent=bool(urgent), status=status.value, reported_at=reported,
            registered_at=reported, dispatched_at=dispatched if held else None,
            handled_at=None, closed_at=None, deadline=deadline if held else None,
            requested_deadline=None, department_id=rng.choice(depts) if held else None,
            rework_count=0, extension_count=0, return_count=0, supervision_level=0, version=3,
            updated_at=reported))
    with db.engine.begin() as con:
        for i in range(0, len(rows), 10_000):
            insert_rows(con, Case.__table__, rows[i:i + 10_000])


def _walk(db: Database, now: datetime, rng: random.Random) -> dict[str, tuple[float, float]]:
    """Position history of every on-shift officer for the last HISTORY_MIN minutes."""
    with db.session() as s:
        rows = s.execute(select(PatrolOfficer.id, PatrolOfficer.work_grid_id,
                                Device.id.label("device"), Device.unique_id, Shift.weekdays,
                                Shift.start, Shift.end)
                         .join(Device, Device.patrol_officer_id == PatrolOfficer.id)
                         .join(Shift, Shift.patrol_officer_id == PatrolOfficer.id)).all()
        first_cell = dict(s.execute(select(WorkGridCell.work_grid_id, func.min(WorkGridCell.cell_id))
                                    .group_by(WorkGridCell.work_grid_id)).all())
        centre = {c.id: (c.centroid_lon, c.centroid_lat) for c in s.execute(
            select(Cell.id, Cell.centroid_lon, Cell.centroid_lat)
            .where(Cell.id.in_(list(first_cell.values()))))}
    where: dict[str, tuple[float, float]] = {}
    history = []
    start = now - timedelta(minutes=HISTORY_MIN)
    for r in rows:
        if on_shift([(r.weekdays, r.start, r.end)], now) is None:
            continue
        lon, lat = centre[first_cell[r.work_grid_id]]
        t = start
        while t < now:
            lon += rng.uniform(-2e-5, 2e-5)
            lat += rng.uniform(-2e-5, 2e-5)
            history.append(dict(device_id=r.device, patrol_officer_id=r.id, at=t, lat=lat, lon=lon,
                                speed=1.0, heading=None, altitude=None, accuracy=8.0, battery=80.0))
            t += timedelta(seconds=FIX_S)
        where[r.unique_id] = (lon, lat)
    with db.engine.begin() as con:
        for i in range(0, len(history), 20_000):
            insert_rows(con, Position.__table__, history[i:i + 20_000])
    return where


def prepare(folder: Path, now: datetime, patrols: int = PATROLS
            ) -> tuple[str, dict[str, tuple[float, float]]]:
    """A database for the figures: 50,000 cells, `patrols` officers, 50,000 open cases."""
    path = folder / "alerts-bench.db"
    source = os.environ.get("CITY_CONSOLE_BENCH_ALERTS_DB")
    if source:
        shutil.copy(source, path)
        db = open_database(f"sqlite:///{path}")
    else:
        db = open_database(f"sqlite:///{path}")
        build_demo(db, seed=1, cells=50_000, cases=20_000, now=now)
    rng = random.Random(7)
    _top_up_patrols(db, patrols)
    _top_up_cases(db, OPEN_CASES, now, rng)
    where = _walk(db, now, rng)
    with db.engine.connect() as con:
        con.exec_driver_sql("ANALYZE")
    db.dispose()
    return f"sqlite:///{path}", where


def eval_ms(url: str, where: dict[str, tuple[float, float]], now: datetime,
            passes: int = 10) -> tuple[float, float, int]:
    """(first pass with the start-up reads, median steady pass, open cases) at full scale."""
    db = open_database(url)
    engine = AlertEngine()
    start = time.perf_counter()
    with db.transaction() as s:
        result = engine.evaluate(s, now)
    cold = (time.perf_counter() - start) * 1000
    rng = random.Random(3)
    times = []
    for i in range(1, passes + 1):
        at = now + timedelta(seconds=FIX_S * i)
        # What arrives between two passes: one fix from every phone on shift.
        fixes = [Fix(device=d, at=at, lon=lon + rng.uniform(-1e-5, 1e-5),
                     lat=lat + rng.uniform(-1e-5, 1e-5), speed=1.0, accuracy=8.0)
                 for d, (lon, lat) in where.items()]
        with db.transaction() as s:
            record_positions(s, fixes)
        start = time.perf_counter()
        with db.transaction() as s:
            result = engine.evaluate(s, at)
        times.append((time.perf_counter() - start) * 1000)
    db.dispose()
    return cold, statistics.median(times), result.open_cases


def run() -> Iterator[Figure]:
    """alerts.eval_ms (steady pass, 2,000 patrols, 50,000 open cases) and the latency figure."""
    from console.bench.alert_latency import latency_p95_ms

    now = datetime.now().replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        url, where = prepare(Path(tmp), now)
        cold, steady, open_cases = eval_ms(url, where, now)
        yield "alerts.eval_ms", steady, "ms"
        yield "alerts.eval_first_pass_ms", cold, "ms"
        yield "alerts.open_cases", float(open_cases), "cases"
        yield "alerts.patrols_reporting", float(len(where)), "patrols"
        yield "alerts.latency_p95_ms", latency_p95_ms(url), "ms"
