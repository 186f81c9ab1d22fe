"""Audit figures: walking the hash chain of 1,000,000 case events, as `audit verify` does.

The chain is written into a fresh SQLite file the way the demo history writes one (the bulk
path: audit.chain_rows, then one executemany per 50,000), with events like the workflow's. The
figure is what the administrator waits for: `verify` from opening its connection to the verdict,
both chains walked in one snapshot. CITY_CONSOLE_BENCH_AUDIT_EVENTS changes the count.
"""
from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from console.bench import Figure
from console.store import audit
from console.store.bulk import insert_rows
from console.store.database import make_engine, open_database
from console.store.models import CaseEvent

EVENTS = int(os.environ.get("CITY_CONSOLE_BENCH_AUDIT_EVENTS", "1000000"))
CHUNK = 50_000
_STEPS = [("report", None, "reported"), ("register", "reported", "registered"),
          ("dispatch", "registered", "dispatched"), ("mark_handled", "dispatched", "handled"),
          ("request_check", "handled", "checking"), ("close", "checking", "closed")]


# What the workflow records with each action (console/domain/workflow.py), roughly.
_DATA = {
    "report": lambda r: {"category_code": f"20{r.randrange(100, 999)}", "source": "hotline"},
    "register": lambda r: {},
    "dispatch": lambda r: {"department_id": r.randrange(1, 40), "deadline": "2026-01-02T17:00:00"},
    "mark_handled": lambda r: {"note": "已清理"},
    "request_check": lambda r: {"patrol_id": r.randrange(1, 2000)},
    "close": lambda r: {"note": "核查通过"},
}


def _events(n: int, start: int) -> list[dict]:
    r = random.Random(start)
    t0 = datetime(2026, 1, 1, 8)
    rows = []
    for i in range(start, start + n):
        action, before, after = _STEPS[i % len(_STEPS)]
        rows.append(dict(case_id=i // len(_STEPS) + 1, at=t0 + timedelta(seconds=37 * i),
                         actor_id=None, actor_name="值班员·张", actor_role="dispatcher",
                         action=action, from_status=before, to_status=after,
                         note="核查通过" if action == "close" else None,
                         data=_DATA[action](r),
                         seat="seat-01"))
    return rows


def build_chain(path: Path, events: int = EVENTS) -> None:
    """A migrated database holding a chain of `events` case events (their cases are not needed
    for the walk: the build connection runs without the foreign-key pragma)."""
    open_database(f"sqlite:///{path}").dispose()
    engine = make_engine(f"sqlite:///{path}", pragmas=False)
    try:
        for start in range(0, events, CHUNK):
            rows = _events(min(CHUNK, events - start), start)
            with engine.begin() as con:
                audit.chain_rows(con, audit.CASE_EVENTS, rows)
                insert_rows(con, CaseEvent.__table__, rows)
    finally:
        engine.dispose()


def run() -> Iterator[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        path = Path(folder) / "chain.db"
        t = time.perf_counter()
        build_chain(path)
        yield "audit.build_1m_chain_s", time.perf_counter() - t, "s"
        engine = make_engine(f"sqlite:///{path}")
        try:
            t = time.perf_counter()
            report = audit.verify(engine)
            elapsed = time.perf_counter() - t
        finally:
            engine.dispose()
        if not report.ok or report.chains[0].length != EVENTS:
            raise RuntimeError(f"the benchmark chain did not verify: {report.first_break}")
        yield "audit.verify_1m_s", elapsed, "s"
        yield "audit.verify_events_per_s", EVENTS / elapsed, "events/s"
