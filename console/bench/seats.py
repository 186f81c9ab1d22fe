"""A room of seats on one PostgreSQL: how fast a commit is seen everywhere, how many connections.

N headless seat processes each open the database as a seat does (its engine, pool and feed
listener) and run the real FeedWorker with no window; the bench process commits a change and
waits until every seat's worker has delivered it. Loopback servers only.

Figures: `seats.visibility_p95_ms` — from the start of a commit to the moment the last of the N
seats has the batch (95th percentile over the rounds; target ≤ 500 ms with 20 seats);
`seats.db_connections` — peak connections to the bench database while the seats run (seats,
the writer and the sampler itself; target ≤ 100 with 20 seats).

Configuration: CITY_CONSOLE_BENCH_PG_URL (else CITY_CONSOLE_TEST_PG_URL) names a server whose
user may create databases; CITY_CONSOLE_BENCH_SEATS (default 20), CITY_CONSOLE_BENCH_ROUNDS (40).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from console.bench import Figure

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
READY_TIMEOUT_S = 180
ROUND_TIMEOUT_S = 10


def _seat(url: str, index: int, ready, seen, stop) -> None:
    """One headless seat (its own process): the seat's engine and a FeedWorker, no window."""
    os.environ["CITY_CONSOLE_APPLICATION_NAME"] = f"bench-seat-{index}"
    from PySide6.QtCore import QCoreApplication, Qt

    from console.live.feed_worker import FeedWorker
    from console.store.database import open_database
    app = QCoreApplication.instance() or QCoreApplication([])   # noqa: F841 — QThread needs it
    db = open_database(url, upgrade=False)
    worker = FeedWorker(db)

    def delivered(batch) -> None:
        now = time.time()
        for row in batch.rows:
            if "bench_mark" in row.payload:
                seen.put((index, row.payload["bench_mark"], now))
    # Direct: the seat process runs no event loop; the callback only timestamps and queues.
    worker.changes.connect(delivered, Qt.ConnectionType.DirectConnection)
    worker.start()
    while worker.seq is None and not stop.is_set():
        stop.wait(0.05)
    ready.put(index)
    stop.wait()
    worker.stop()
    db.dispose()


def _bench_url() -> str:
    url = os.environ.get("CITY_CONSOLE_BENCH_PG_URL") or os.environ.get("CITY_CONSOLE_TEST_PG_URL")
    if not url:
        raise SystemExit("seats: set CITY_CONSOLE_BENCH_PG_URL to a loopback PostgreSQL")
    if make_url(url).host not in LOOPBACK:
        raise SystemExit("seats: the bench runs against a loopback PostgreSQL only")
    return url


def _peak_sampler(admin, name: str, stop: threading.Event, peak: list[int]) -> None:
    with admin.connect() as con:
        while not stop.is_set():
            n = con.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                            {"d": name}).scalar_one()
            peak[0] = max(peak[0], n)
            stop.wait(0.05)


def run() -> Iterator[Figure]:
    from console.domain.changes import ChangeAction, ChangeKind
    from console.store import feed
    from console.store.database import open_database

    base = _bench_url()
    seats = int(os.environ.get("CITY_CONSOLE_BENCH_SEATS", "20"))
    rounds = int(os.environ.get("CITY_CONSOLE_BENCH_ROUNDS", "40"))
    name = f"console_bench_seats_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    ctx = mp.get_context("spawn")   # a fresh interpreter per seat: no forked Qt or pool state
    ready, seen, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = []
    sampling, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_peak_sampler, args=(admin, name, sampling, peak))
    db = None
    try:
        db = open_database(url)
        procs = [ctx.Process(target=_seat, args=(url, i, ready, seen, stop), daemon=True)
                 for i in range(seats)]
        for p in procs:
            p.start()
        sampler.start()
        for _ in range(seats):
            ready.get(timeout=READY_TIMEOUT_S)
        worst: list[float] = []
        for mark in range(rounds):
            started = time.time()
            with db.transaction() as s:
                feed.record(s, ChangeKind.SETTINGS, None, ChangeAction.CHANGED, datetime.now(),
                            {"bench_mark": mark})
            last = 0.0
            got: set[int] = set()
            deadline = time.monotonic() + ROUND_TIMEOUT_S
            while len(got) < seats:
                try:
                    index, m, at = seen.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    raise SystemExit(f"seats: round {mark}: {seats - len(got)} seats never "
                                     "saw the commit") from None
                if m == mark:
                    got.add(index)
                    last = max(last, at)
            worst.append((last - started) * 1000)
            time.sleep(0.1)   # let the rounds stand apart: each is one commit, not a burst
        p95 = statistics.quantiles(worst, n=20, method="inclusive")[-1] if len(worst) >= 2 else worst[0]
        yield "seats.visibility_p95_ms", p95, f"ms (commit → all {seats} seats, {rounds} rounds)"
        yield "seats.visibility_max_ms", max(worst), "ms"
        yield "seats.db_connections", float(peak[0]), f"connections (peak, {seats} seats + writer + sampler)"
        yield "seats.load_1min", os.getloadavg()[0], "load average during the bench"
    finally:
        stop.set()
        sampling.set()
        for p in procs:
            p.join(timeout=20)
            if p.is_alive():
                p.terminate()
        if sampler.is_alive():
            sampler.join(timeout=5)
        if db is not None:
            db.dispose()
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
