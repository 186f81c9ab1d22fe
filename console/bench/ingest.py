"""Intake figures: fixes a second through a real `serve` process into SQLite (and PostgreSQL),
where the time goes, the latency to a seat and the memory under overload (ingest_live.py).

A load generator with keep-alive connections (`wrk` when it is installed, a Debian package;
else asyncio; one request in flight per connection, as phones send) offers OsmAnd GET requests
from 2,000 registered devices to `serve` on 127.0.0.1 for LOAD_S seconds; the figure counts
fixes *committed*: from the first request to the moment the server's queue is empty again.
Generator, serve and its writer process share the machine's two cores (nothing is pinned); the
CPU seconds each of serve's processes spent per committed fix are printed as a comment, as a
figure that a busy machine disturbs less than the rate.

Also: the HTTP answer rate seen by the generator (a ceiling set by the HTTP layer), the 503
share, and the writer alone (write_fixes on batches as large as the writer takes them, in
this process), so the two halves of the cost can be compared.
"""
from __future__ import annotations

import contextlib
import os
import random
import signal
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

from console.bench import Figure
from console.bench.ingest_load import (
    event_loop_runner,
    free_port,
    make_city,
    offer_load,
    osmand_requests,
    patrol_homes,
    start_serve,
    wrk_available,
    wrk_load,
)
from console.services.intake import IntakeFix, write_fixes
from console.store.database import Database, open_database
from console.store.models import Position

LOAD_S = float(os.environ.get("CITY_CONSOLE_BENCH_INGEST_S", "8"))   # at most 20 s a run
DRAIN_TIMEOUT_S = 8.0
WRITER_BATCH = 5000


def _count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Position)) or 0


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _writer_alone(db: Database, devices: list[str]) -> float:
    """write_fixes on batches of WRITER_BATCH, in this process: the database half of the cost."""
    rng = random.Random(2)
    homes = patrol_homes(devices)
    at = datetime.now().replace(microsecond=0)

    def fix(n: int) -> IntakeFix:
        lat, lon = homes[n % len(devices)]
        return IntakeFix(devices[n % len(devices)], at, lat + rng.uniform(-3e-4, 3e-4),
                         lon + rng.uniform(-3e-4, 3e-4), 1.2, 90.0, 10.0, 8.0, 77.0)
    batches = [[fix(b * WRITER_BATCH + i) for i in range(WRITER_BATCH)] for b in range(6)]
    start = time.perf_counter()
    for batch in batches:
        with db.transaction() as s:
            write_fixes(s, batch)
    return len(batches) * WRITER_BATCH / (time.perf_counter() - start)


def _throughput(url: str, prefix: str) -> Iterator[Figure]:
    """Fixes a second committed through serve (`url`: a new, empty database)."""
    db = open_database(url)
    try:
        devices = make_city(db)
        port = free_port()
        proc = start_serve(url, port)
        try:
            requests = osmand_requests(devices, port)
            pids = [proc.pid, *_children(proc.pid)]
            cpu_before = [_cpu_s(p) for p in pids]
            start = time.perf_counter()
            if wrk_available():
                generator = "wrk"
                statuses = wrk_load(port, requests, LOAD_S)
            else:
                generator = "asyncio"
                statuses = event_loop_runner()(offer_load(port, requests, LOAD_S))
            answered = time.perf_counter()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                deadline = time.monotonic() + DRAIN_TIMEOUT_S
                while (health := client.get("/healthz").json())["queue_depth"] and \
                        time.monotonic() < deadline:
                    time.sleep(0.02)
            drained = time.perf_counter()
            cpu = [_cpu_s(p) - c for p, c in zip(pids, cpu_before)]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        committed = _count(db)
        total = sum(statuses.values())
        per_fix = " + ".join(f"{1e6 * c / max(committed, 1):.1f}" for c in cpu if c > 0)
        print(f"# {prefix}: generator {generator}; serve CPU µs per committed fix (main + writer "
              f"process): {per_fix}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
              f"cores", flush=True)
        yield f"{prefix}.positions_per_s", committed / (drained - start), "fixes/s"
        yield f"{prefix}.http_answers_per_s", total / (answered - start), "requests/s"
        yield f"{prefix}.refused_503_share", 100 * statuses[503] / max(total, 1), "%"
        # The server's own count: wrk leaves out answers that came after its last second.
        yield f"{prefix}.accepted_not_committed", health["accepted"] - committed, "fixes"
        yield f"{prefix}.writer_alone_per_s", _writer_alone(db, devices), "fixes/s"
    finally:
        db.dispose()


def run() -> Iterator[Figure]:
    """SQLite always; PostgreSQL too when CITY_CONSOLE_BENCH_PG_URL names a server (a database
    is created there for the run and dropped after)."""
    from console.bench.ingest_live import e2e_p95_ms, rss_overload_mb
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        yield from _throughput(f"sqlite:///{Path(tmp) / 'ingest.db'}", "ingest")
        pg = os.environ.get("CITY_CONSOLE_BENCH_PG_URL")
        if pg:
            with _pg_database(pg) as url:
                yield from _throughput(url, "ingest.pg")
        yield "ingest.e2e_p95_ms", e2e_p95_ms(f"sqlite:///{Path(tmp) / 'e2e.db'}"), "ms"
        if os.environ.get("CITY_CONSOLE_BENCH_INGEST_RSS", "1") != "0":
            main_mb, writer_mb = rss_overload_mb(f"sqlite:///{Path(tmp) / 'rss.db'}")
            yield "ingest.rss_overload_mb", main_mb, "MB"
            yield "ingest.rss_overload_writer_mb", writer_mb, "MB"


@contextlib.contextmanager
def _pg_database(server_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, make_url
    name = f"bench_ingest_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as con:
                con.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
