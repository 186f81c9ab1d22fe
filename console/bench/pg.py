"""The queue on a million cases on PostgreSQL: `pg.queue_first_rows_1m_ms`.

The same measurement as `bench queues` (console/bench/queues.py: the real queue dock in a child
process, from choosing a tab or typing a filter to the first rows in the table, thread hand-off
included), against the million-case city loaded into a PostgreSQL database.

The city is built once into the database BENCH_DATABASE on the server (minutes: the demo
generator writes a million cases through the services' bulk path) and reused while it holds a
million cases; the bench migrates it to the current schema first.

Configuration: CITY_CONSOLE_BENCH_PG_URL (else CITY_CONSOLE_TEST_PG_URL) names a loopback
server whose user may create databases.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from console.bench import Figure, offscreen_platform
from console.bench.queues import CASES, CELLS
from console.bench.seats import _bench_url

BENCH_DATABASE = "bench_pgqueue"


def city_url() -> str:
    """The URL of the million-case city on the bench server (built first if need be)."""
    server = _bench_url()
    url = make_url(server).set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            exists = con.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                 {"d": BENCH_DATABASE}).first()
            if exists and _cases(url) < CASES:
                # A build that did not finish (or another city): built again from empty.
                con.execute(text(f'DROP DATABASE "{BENCH_DATABASE}" WITH (FORCE)'))
                exists = None
            if not exists:
                con.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
                _build(url)
    finally:
        admin.dispose()
    _analyzed(url)
    return url


def _analyzed(url: str) -> None:
    """Statistics as autovacuum keeps them on a server in service. A city just loaded may have
    been analysed half way (its open cases, written last, unseen): the planner then expects one
    dispatched case instead of thousands and joins before it sorts, which is a loading artefact,
    not the queue's cost."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as con:
            stale = con.execute(text(
                "SELECT coalesce(sum(n_mod_since_analyze), 0) FROM pg_stat_user_tables "
                "WHERE relname IN ('cases', 'case_events')")).scalar_one()
            if stale:
                con.execute(text("ANALYZE cases"))
                con.execute(text("ANALYZE case_events"))
    finally:
        engine.dispose()


def _cases(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            present = con.execute(text("SELECT to_regclass('cases')")).scalar()
            return con.execute(text("SELECT count(*) FROM cases")).scalar_one() if present else 0
    finally:
        engine.dispose()


def _build(url: str) -> None:
    from console.sim.demo import build_demo
    from console.store.database import open_database
    print(f"building the million-case city in {BENCH_DATABASE} (long, once)", file=sys.stderr,
          flush=True)
    db = open_database(url)
    try:
        build_demo(db, seed=1, cells=CELLS, cases=CASES)
    finally:
        db.dispose()


def run() -> Iterator[Figure]:
    """pg.queue_first_rows_1m_ms (the slowest of every tab and text filter, as
    queue.first_rows_1m_ms on SQLite), its slowest tab and text filter, a scrolled page."""
    url = city_url()
    env = dict(os.environ, QT_QPA_PLATFORM=offscreen_platform())
    done = subprocess.run([sys.executable, "-m", "console.bench.queues", url], env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"PostgreSQL queue benchmark failed:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    yield "pg.queue_first_rows_1m_ms", max([*data["tabs"].values(), *data["text"].values()]), "ms"
    yield "pg.queue_slowest_tab_1m_ms", max(data["tabs"].values()), "ms"
    yield "pg.queue_text_filter_1m_ms", max(data["text"].values()), "ms"
    yield "pg.queue_scroll_page_1m_ms", data["scroll_page_ms"], "ms"
