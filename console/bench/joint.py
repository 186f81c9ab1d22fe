"""Joint enforcement's reads on a million cases: a department's queue (its own cases and its
parts of joint cases), the disputes page's agenda, and the precedents a dispatch dialog asks
for. Each figure is the service call a worker makes for the screen, the slowest of a few
departments or cases, wall-clock (noisy on a shared machine; CPU time is printed beside it).

Reads only: the million-case city of the queue benchmark (CITY_CONSOLE_BENCH_DB to measure
another; migrated to the current schema first).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from sqlalchemy import func, select

from console.bench import Figure

REPEATS = 3


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms) of the best of REPEATS calls (the first warms the page cache)."""
    best = (float("inf"), float("inf"))
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return best


def run() -> Iterator[Figure]:
    """joint.department_queue_1m_ms, joint.disputes_agenda_1m_ms, joint.precedents_1m_ms."""
    from console.bench.queues import _database
    from console.services import disputes
    from console.services.queues import (
        QueueFilter,
        QueueQuery,
        queue_page,
        stage_counts,
    )
    from console.store.database import open_database
    from console.store.models import Case, Department
    db = open_database(_database())
    try:
        with db.session() as s:
            departments = list(s.scalars(select(Department.id).order_by(Department.id).limit(4)))
            now = s.scalar(select(func.max(Case.reported_at)))
            registered = list(s.scalars(select(Case.id).where(Case.status == "registered")
                                        .limit(4)))

        def queue(d: int) -> None:
            with db.session() as s:
                queue_page(s, QueueQuery("dispatched", QueueFilter(department_id=d)), now=now)
                stage_counts(s, QueueFilter(department_id=d), now=now)

        def agenda() -> None:
            with db.session() as s:
                disputes.agenda(s)

        def precedents(case_id: int) -> None:
            with db.session() as s:
                disputes.precedents_for_case(s, case_id)
        q = [_timed(lambda d=d: queue(d)) for d in departments]
        a = _timed(agenda)
        p = [_timed(lambda c=c: precedents(c)) for c in registered] or [(0.0, 0.0)]
    finally:
        db.dispose()
    yield "joint.department_queue_1m_ms", round(max(w for w, _ in q), 1), "ms"
    yield "joint.department_queue_1m_cpu_ms", round(max(c for _, c in q), 1), "ms"
    yield "joint.disputes_agenda_1m_ms", round(a[0], 1), "ms"
    yield "joint.disputes_agenda_1m_cpu_ms", round(a[1], 1), "ms"
    yield "joint.precedents_1m_ms", round(max(w for w, _ in p), 1), "ms"
