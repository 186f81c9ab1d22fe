"""门前三包 and 夜查 figures: what the map and the desk wait for on what this feature adds.

- map.heat_night_ms_{7,30}d: the heat map's "night reports only" points on the 1,000,000-case
  city (read in place, read-only, as console/bench/leader.py does), beside map.heat_ms_{7,30}d,
  the same period's points without the toggle.
- frontage.suggest_ms: the units suggested for one new case (a session, the settings and
  catalogue, the box query, the distances) with 5,000 units registered, median of 200 places.
- frontage.repeat_offenders_ms: the repeat rule's count (the alert engine's recount and the
  map layer's read) over 20,000 offences of 60 days.

Process CPU time is printed beside wall time: other work on a shared machine inflates the latter.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from console.bench import Figure

UNITS, OFFENCES, PLACES = 5_000, 20_000, 200
CENTRE = (120.15, 30.27)


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms) of `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _heat() -> Iterator[Figure]:
    from sqlalchemy import func, select

    from console.bench.leader import _read_only_database
    from console.services import map_data
    from console.store.models import Case, Cell
    db = _read_only_database()
    try:
        with db.session() as s:
            now = s.scalar(select(func.max(Case.reported_at))) or datetime.now()
            # The cells' centroids only (the shared city's schema may be older than the grid's
            # loader): what heat_points reads of the grid.
            cells = s.execute(select(Cell.id, Cell.centroid_lon, Cell.centroid_lat)).all()
        grid = SimpleNamespace(index_of={c[0]: i for i, c in enumerate(cells)},
                               centroids=np.array([(c[1], c[2]) for c in cells]))
        for days in (7, 30):
            since = map_data.heat_since(now, days)
            for night, name in ((False, "heat"), (True, "heat_night")):
                def one(night=night, since=since) -> None:
                    with db.session() as s:
                        map_data.heat_points(s, grid, since, night)
                wall, cpu = _timed(one, 3)
                yield f"map.{name}_ms_{days}d", wall, "ms"
                yield f"map.{name}_cpu_ms_{days}d", cpu, "ms"
    finally:
        db.dispose()


def _register(folder: Path) -> tuple[Any, list[tuple[float, float]], str]:
    """A migrated database with UNITS kerbs of 40 m on a 60 m lattice around CENTRE and
    OFFENCES offences over 60 days; the places to ask about and a frontage category."""
    from sqlalchemy import insert

    from console.domain import frontage as geo
    from console.services import frontage
    from console.store.database import open_database
    from console.store.models import FrontageRecord, FrontageUnit
    db = open_database(f"sqlite:///{folder / 'frontage-bench.db'}")
    rng = random.Random(5)
    now = datetime.now().replace(microsecond=0)
    side = int(UNITS ** 0.5) + 1
    step_lon, step_lat = 60 / 96_000, 60 / 111_000
    rows = []
    for i in range(UNITS):
        lon = CENTRE[0] + (i % side) * step_lon
        lat = CENTRE[1] + (i // side) * step_lat
        kerb = geo.stretch_geometry([[lon, lat], [lon + 40 / 96_000, lat]])
        min_lon, min_lat, max_lon, max_lat = geo.bbox(kerb)
        rows.append(dict(code=f"F{i:05d}", name=f"商户{i}", kind="shop", address="", person="",
                         phone=None, stretch=kerb, min_lon=min_lon, min_lat=min_lat,
                         max_lon=max_lon, max_lat=max_lat, letter_signed_on=None, active=True,
                         updated_at=now))
    with db.transaction() as s:
        s.execute(insert(FrontageUnit), rows)
        s.execute(insert(FrontageRecord), [
            dict(unit_id=rng.randint(1, UNITS), kind="offence", case_id=None,
                 at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)), note="",
                 actor_id=None, actor_name="bench") for _ in range(OFFENCES)])
        code = sorted(frontage.frontage_codes(s))[0]
    places = [(CENTRE[0] + rng.uniform(0, side * step_lon), CENTRE[1] + rng.uniform(0, side * step_lat))
              for _ in range(PLACES)]
    return db, places, code


def _desk() -> Iterator[Figure]:
    from console.services import frontage
    with tempfile.TemporaryDirectory(prefix="console-bench-frontage-") as tmp:
        db, places, code = _register(Path(tmp))
        try:
            found: list[int] = []
            it = iter(places)

            def suggest() -> None:
                lon, lat = next(it)
                with db.session() as s:
                    found.append(len(frontage.suggestions(s, code, lon, lat)))
            wall, cpu = _timed(suggest, PLACES)
            yield "frontage.suggest_ms", wall, "ms"
            yield "frontage.suggest_cpu_ms", cpu, "ms"
            yield "frontage.suggested_per_case", statistics.mean(found), "units"

            def repeats() -> None:
                with db.session() as s:
                    frontage.repeat_offenders(s, datetime.now())
            wall, cpu = _timed(repeats, 5)
            yield "frontage.repeat_offenders_ms", wall, "ms"
            yield "frontage.repeat_offenders_cpu_ms", cpu, "ms"
        finally:
            db.dispose()


def run() -> Iterator[Figure]:
    yield from _desk()
    yield from _heat()
