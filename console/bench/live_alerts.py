"""The alert engine at megacity scale: 10,000 patrol officers and 50,000 open cases.

`live.alerts_first_pass_ms` is what a seat waits for at start-up or on taking over the
evaluator lease: every read of the first pass included (officers, shifts, work grids, open
cases, the stored track summaries and the fixes since them, open alerts) and its writes. The
seat before it evaluated for a minute and died; the lease ran out (30 s) while the phones kept
reporting. `live.alerts_first_pass_history_ms` is the first pass with no summaries to start
from (the first start after the upgrade, or after the console was off longer than the
window): the half hour of history replayed. `live.alerts_pass_ms_10000` is a steady pass: one
fix from every phone on shift arrived since the last one (`live.alerts_pass_max_ms_10000`: the
slowest of them, one that also stores the tracks changed in the last 30 s). The city is the
alerts suite's (console/bench/alerts.py) with 10,000 officers. The `_cpu_ms` figures are the
same passes in this process's CPU time: on a machine shared with other work the wall-clock
ones are mostly waiting for a core.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from console.bench import Figure
from console.bench.alerts import FIX_S, prepare
from console.live.alert_worker import LEASE
from console.services.alerts import AlertEngine
from console.services.positions import Fix, record_positions
from console.store.database import Database, open_database

PATROLS = 10_000
#: Steady passes of the seat that dies (one every FIX_S seconds of the synthetic clock).
PASSES = 12


def _report(db: Database, where: dict[str, tuple[float, float]], at: datetime,
            rng: random.Random) -> None:
    """One fix from every phone on shift."""
    fixes = [Fix(device=d, at=at, lon=lon + rng.uniform(-1e-5, 1e-5),
                 lat=lat + rng.uniform(-1e-5, 1e-5), speed=1.0, accuracy=8.0)
             for d, (lon, lat) in where.items()]
    with db.transaction() as s:
        record_positions(s, fixes)


def _first_pass_ms(db: Database, now: datetime) -> tuple[float, float, AlertEngine]:
    """(wall ms, CPU ms, the engine) of a new seat's first pass, its commit included."""
    engine = AlertEngine()
    start, cpu = time.perf_counter(), time.process_time()
    with db.transaction() as s:
        engine.evaluate(s, now)
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, engine


def takeover(url: str, where: dict[str, tuple[float, float]], now: datetime
             ) -> dict[str, float]:
    """Figure name → ms: first pass from the history, median and slowest steady pass (the
    slowest stores the changed tracks), first pass of the seat taking over; wall and CPU."""
    db = open_database(url)
    rng = random.Random(3)
    history_ms, history_cpu, engine = _first_pass_ms(db, now)
    assert engine.started_from == "history", engine.started_from
    times, cpu_times = [], []
    at = now
    for _ in range(PASSES):
        at += timedelta(seconds=FIX_S)
        _report(db, where, at, rng)
        start, cpu = time.perf_counter(), time.process_time()
        with db.transaction() as s:
            engine.evaluate(s, at)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
    # The seat dies; the phones keep reporting until its lease runs out.
    for _ in range(int(LEASE.total_seconds() // FIX_S)):
        at += timedelta(seconds=FIX_S)
        _report(db, where, at, rng)
    takeover_ms, takeover_cpu, successor = _first_pass_ms(db, at)
    assert successor.started_from == "summaries", successor.started_from
    db.dispose()
    return {"live.alerts_first_pass_ms": takeover_ms,
            "live.alerts_first_pass_history_ms": history_ms,
            "live.alerts_pass_ms_10000": statistics.median(times),
            "live.alerts_pass_max_ms_10000": max(times),
            "live.alerts_first_pass_cpu_ms": takeover_cpu,
            "live.alerts_first_pass_history_cpu_ms": history_cpu,
            "live.alerts_pass_cpu_ms_10000": statistics.median(cpu_times),
            "live.alerts_pass_max_cpu_ms_10000": max(cpu_times)}


def run() -> Iterator[Figure]:
    """live.alerts_first_pass_ms, live.alerts_first_pass_history_ms, live.alerts_pass_ms_10000
    (and the slowest pass, and each in CPU time)."""
    now = datetime.now().replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        url, where = prepare(Path(tmp), now, patrols=PATROLS)
        for name, value in takeover(url, where, now).items():
            yield name, value, "ms"
        yield "live.alerts_patrols_reporting", float(len(where)), "patrols"
