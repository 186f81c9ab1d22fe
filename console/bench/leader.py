"""The duty leader's figures: kpi.evaluate_30d_1m_ms — every department, street and community
ranked over 30 days (with the 30 days before, for the change) on the 1,000,000-case city.

The city is read in place, read-only (CITY_CONSOLE_BENCH_DB names another SQLite file; the
default is the shared one in /work/benchdata). What is timed is what the rankings page waits
for: a new session, the settings, both periods' grouped scans, the scores and the names.
Process CPU time is printed beside the wall time, which other work on the machine inflates.

Then report.shift_pdf_s (console/bench/leader_reports.py): the hand-over PDF of a busy shift on
the same city; and wall.frame_ms (console/bench/leader_wall.py): one refresh of the wall display on the GUI
thread with the simulator running.
"""
from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from console.bench import Figure

DEFAULT_DB = Path("/work/benchdata/city_50k_1m.db")
REPEATS = 5


def _read_only_database():
    from console.store.database import Database, make_engine, open_database
    path = Path(os.environ.get("CITY_CONSOLE_BENCH_DB") or DEFAULT_DB).resolve()
    if not path.exists():
        raise RuntimeError(f"no million-case city at {path} (set CITY_CONSOLE_BENCH_DB)")
    # The city in this version's schema first (once after an upgrade: the evaluation reads the
    # newer tables), as the console itself would upgrade it on opening.
    open_database(f"sqlite:///{path}").dispose()
    # mode=ro: the shared city is never written, not even a WAL pragma.
    return Database(make_engine(f"sqlite:///file:{path}?mode=ro&uri=true", pragmas=False))


def run() -> Iterator[Figure]:
    from sqlalchemy import func, select

    from console.domain.evaluation import Level, Period
    from console.services.evaluation import evaluate_many
    from console.store.models import Case
    db = _read_only_database()
    try:
        with db.session() as s:
            newest = s.scalar(select(func.max(Case.reported_at)))
        now = (newest or datetime.now()).replace(microsecond=0)
        period = Period(now - timedelta(days=30), now)
        levels = (Level.DEPARTMENT, Level.STREET, Level.COMMUNITY)
        walls, cpus = [], []
        for _ in range(REPEATS):
            t0, c0 = time.perf_counter(), time.process_time()
            with db.session() as s:
                rankings = evaluate_many(s, levels, period, now)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        units = sum(len(r.rows) for r in rankings.values())
        yield "kpi.evaluate_30d_1m_ms", statistics.median(walls), "ms"
        yield "kpi.evaluate_30d_1m_cpu_ms", statistics.median(cpus), "ms"
        yield "kpi.evaluate_30d_units", units, "units"
        from console.bench import leader_reports
        yield from leader_reports.run(db)
    finally:
        db.dispose()
    from console.bench import leader_wall
    yield from leader_wall.run()
