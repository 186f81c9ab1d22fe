"""Hotline follow-up on the 1,000,000-case city: what the receiver and the desk wait for.

- hotline.caller_history_ms: the caller history of a number as the form shows it (totals, the
  newest cases with their repeat calls), a new session each time, median of 50 numbers; the
  demo's hotline cases are given numbers first (about five cases a number).
- hotline.callback_queue_ms: the call-back list with 2,000 to make and 3,000 answered.
- hotline.satisfaction_30d_ms: the 满意度 counts of 30 days (the evaluation's added scan).
Each with its process CPU time beside (`_cpu_ms`): other work on the machine inflates the wall.
The city is a private copy (console/bench/cities.py), migrated, then written.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from datetime import timedelta

from console.bench import Figure

NUMBERS = 200_000           # distinct callers among the hotline cases
PENDING, ANSWERED = 2_000, 3_000


def _timed(fn, repeats: int) -> tuple[float, float]:
    walls, cpus = [], []
    for i in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _prepare(db) -> None:
    from sqlalchemy import func, select, text

    from console.store.models import Callback, Case
    with db.transaction() as s:
        if s.scalar(select(func.count()).select_from(Callback)):
            return
        s.execute(text("UPDATE cases SET reporter_phone = '13' || printf('%09d', id % :n) "
                       "WHERE source = 'hotline'"), {"n": NUMBERS})
        closed = s.execute(select(Case.id, Case.closed_at, Case.department_id)
                           .where(Case.status == "closed", Case.source == "hotline")
                           .order_by(Case.closed_at.desc()).limit(PENDING + ANSWERED)).all()
        outcomes = ("satisfied", "basically_satisfied", "unsatisfied", "unreachable")
        s.add_all(Callback(case_id=cid, closed_at=at, due_at=at + timedelta(hours=24),
                           department_id=dept, note="", version=1,
                           outcome=None if i < PENDING else outcomes[i % 4],
                           done_at=None if i < PENDING else at + timedelta(hours=2))
                  for i, (cid, at, dept) in enumerate(closed))


def run() -> Iterator[Figure]:
    from sqlalchemy import func, select

    from console.bench.cities import MILLION, working_copy
    from console.services import callbacks, caller_history
    from console.services.actor import actor_for
    from console.store import callback_queries
    from console.store.database import open_database
    from console.store.models import Case
    db = open_database(working_copy(MILLION, "hotline"))
    try:
        _prepare(db)
        with db.session() as s:
            desk = actor_for(s)
            now = s.scalar(select(func.max(Case.reported_at))).replace(microsecond=0)
        step = NUMBERS // 50

        def history(i: int) -> None:
            with db.session() as s:
                caller_history.caller_history(s, desk, f"13{(i * step + 7):09d}")
        wall, cpu = _timed(history, 50)
        yield "hotline.caller_history_ms", wall, "ms"
        yield "hotline.caller_history_cpu_ms", cpu, "ms"

        def queue(_i: int) -> None:
            with db.session() as s:
                callbacks.callback_queue(s, desk, now)
        wall, cpu = _timed(queue, 5)
        yield "hotline.callback_queue_ms", wall, "ms"
        yield "hotline.callback_queue_cpu_ms", cpu, "ms"

        def satisfaction(_i: int) -> None:
            with db.session() as s:
                callback_queries.satisfaction_counts(s, now - timedelta(days=30), now)
        wall, cpu = _timed(satisfaction, 5)
        yield "hotline.satisfaction_30d_ms", wall, "ms"
        yield "hotline.satisfaction_30d_cpu_ms", cpu, "ms"
    finally:
        db.dispose()
