"""Foundation figures: demo generation, the full case cycle, a feed poll, cold start."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from console.bench import Figure, offscreen_platform
from console.services import cases as svc
from console.services.actor import actor_for
from console.sim.demo import build_demo
from console.store import feed
from console.store.database import open_database
from console.store.models import Cell, PatrolOfficer


def _build(folder: Path, name: str, cells: int, cases: int) -> tuple[str, float]:
    url = f"sqlite:///{folder / name}"
    start = time.perf_counter()
    db = open_database(url)
    build_demo(db, seed=1, cells=cells, cases=cases)
    elapsed = time.perf_counter() - start
    db.dispose()
    return url, elapsed


def full_cycle_per_s(url: str, n: int = 200) -> float:
    """Cases per second through report → register → dispatch → handled → check → close."""
    db = open_database(url)
    with db.session() as s:
        cells = s.scalars(select(Cell.code).limit(n)).all()
        patrol = s.scalar(select(PatrolOfficer.id).limit(1))
        desk = actor_for(s)
        leader = actor_for(s, "leader1")   # may mark handled on a department's behalf
    start = time.perf_counter()
    for i in range(n):
        with db.transaction() as s:
            c = svc.report(s, desk, category_code="20301", source="hotline",
                           cell_code=cells[i % len(cells)], description="bench")
        with db.transaction() as s:
            c = svc.register(s, desk, c.case_id, c.version)
        with db.transaction() as s:
            c = svc.dispatch(s, desk, c.case_id, c.version)
        with db.transaction() as s:
            c = svc.mark_handled(s, leader, c.case_id, c.version)
        with db.transaction() as s:
            c = svc.request_check(s, desk, c.case_id, c.version, patrol_id=patrol)
        with db.transaction() as s:
            svc.close(s, desk, c.case_id, c.version)
    elapsed = time.perf_counter() - start
    db.dispose()
    return n / elapsed


def feed_poll_ms(url: str, polls: int = 50) -> float:
    """Median time of one 'what changed since N' read that finds one new change."""
    db = open_database(url)
    with db.session() as s:
        actor = actor_for(s)
        cell = s.scalar(select(Cell.code).limit(1))
    times = []
    for _ in range(polls):
        with db.session() as s:
            since = feed.current_seq(s)
        with db.transaction() as s:
            svc.report(s, actor, category_code="20301", source="hotline", cell_code=cell)
        start = time.perf_counter()
        with db.session() as s:
            batch = feed.changes_since(s, since)
        times.append((time.perf_counter() - start) * 1000)
        assert len(batch.rows) == 1
    db.dispose()
    return statistics.median(times)


def cold_start_s(url: str) -> float:
    """From launching the console process to its main window shown (its own report)."""
    with tempfile.TemporaryDirectory() as tmp:
        mark = Path(tmp) / "shown"
        env = dict(os.environ, CITY_CONSOLE_STARTUP_MARK=str(mark),
                   CITY_CONSOLE_CONFIG_DIR=str(Path(tmp) / "config"),
                   QT_QPA_PLATFORM=offscreen_platform())
        start = time.time()
        subprocess.run([sys.executable, "-m", "console", "--db", url, "--quit-after", "1"],
                       env=env, check=True, capture_output=True, timeout=120)
        return float(mark.read_text()) - start


def run_small() -> Iterator[Figure]:
    """The figures that need no million-case database."""
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        url, elapsed = _build(Path(tmp), "demo5k.db", 5000, 30000)
        yield "demo.generate_5k_s", elapsed, "s"
        yield "services.full_cycle_per_s", full_cycle_per_s(url), "cases/s"
        yield "app.cold_start_s", cold_start_s(url), "s"


def run() -> Iterator[Figure]:
    """All foundation figures, including the 50,000-cell, 1,000,000-case city."""
    yield from run_small()
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        url, elapsed = _build(Path(tmp), "demo1m.db", 50000, 1_000_000)
        yield "demo.generate_50k_1m_s", elapsed, "s"
        yield "feed.poll_ms", feed_poll_ms(url), "ms"
