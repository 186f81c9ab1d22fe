"""Intake figures: fixes a second through a real `serve` process into SQLite (and PostgreSQL),
where the time goes, the latency to a seat and the memory under overload (ingest_live.py).

A load generator with keep-alive connections (asyncio, one request in flight per connection,
as phones send) offers OsmAnd GET requests from 2,000 registered devices to `serve` on
127.0.0.1 for LOAD_S seconds; the figure counts fixes *committed*: from the first request to
the moment the server's queue is empty again. The server's own core is the budget; the
generator takes the other one.

Also: the HTTP answer rate seen by the generator (a ceiling set by the HTTP layer), the 503
share, and the writer alone (write_fixes on batches as large as the writer takes them, in
this process), so the two halves of the cost can be compared.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from console.bench import Figure
from console.services.intake import IntakeFix, write_fixes
from console.store.database import Database, open_database
from console.store.models import Device, PatrolOfficer, Position

DEVICES = 2000
CONNECTIONS = 64
LOAD_S = float(os.environ.get("CITY_CONSOLE_BENCH_INGEST_S", "8"))   # at most 20 s a run
DRAIN_TIMEOUT_S = 8.0
WRITER_BATCH = 5000
_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


def _city(db: Database) -> list[str]:
    with db.transaction() as s:
        s.execute(insert(PatrolOfficer), [dict(code=f"I{n:05d}", name=f"巡查员{n:04d}", active=True)
                                       for n in range(DEVICES)])
        officers = s.scalars(select(PatrolOfficer.id).order_by(PatrolOfficer.id)).all()
        s.execute(insert(Device), [dict(unique_id=f"ingest-{n:05d}", patrol_officer_id=o,
                                     active=True) for n, o in enumerate(officers)])
    return [f"ingest-{n:05d}" for n in range(DEVICES)]


def _homes(devices: list[str]) -> list[tuple[float, float]]:
    """Where each officer patrols: fixes stay within ~50 m of it (a plausible walk, so the
    impossible-speed check does its work on every fix without flagging any)."""
    rng = random.Random(3)
    return [(30.27 + rng.uniform(-0.05, 0.05), 120.15 + rng.uniform(-0.05, 0.05)) for _ in devices]


def _requests(devices: list[str], port: int) -> list[bytes]:
    rng = random.Random(1)
    homes = _homes(devices)
    stamp = int(time.time())
    out = []
    for i in range(4 * len(devices)):
        lat, lon = homes[i % len(devices)]
        query = (f"id={devices[i % len(devices)]}&lat={lat + rng.uniform(-3e-4, 3e-4):.6f}"
                 f"&lon={lon + rng.uniform(-3e-4, 3e-4):.6f}&timestamp={stamp}"
                 f"&speed={rng.uniform(0, 3):.1f}&bearing={rng.uniform(0, 360):.0f}"
                 f"&altitude=10&accuracy=8&batt=77")
        out.append(f"GET /?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return out


class _Phone(asyncio.Protocol):
    """One keep-alive connection sending its next request when the previous one is answered."""

    def __init__(self, requests: list[bytes], start: int, stop_at: float, statuses: Counter,
                 done: asyncio.Future, gap: float = 0.0) -> None:
        self.requests, self.i, self.stop_at = requests, start, stop_at
        self.statuses, self.done, self.buf = statuses, done, b""
        self.gap = gap       # seconds between an answer and the next request (0: at once)
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        if self.loop.time() >= self.stop_at:
            if not self.transport.is_closing():
                self.transport.close()
            return
        self.transport.write(self.requests[self.i % len(self.requests)])
        self.i += 1

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            head = self.buf[:end]
            match = _LENGTH.search(head)
            total = end + 4 + (int(match.group(1)) if match else 0)
            if len(self.buf) < total:
                return
            self.statuses[int(head[9:12])] += 1
            self.buf = self.buf[total:]
            if self.gap:
                self.loop.call_later(self.gap, self._send)
            else:
                self._send()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _load(port: int, requests: list[bytes], seconds: float, *,
                connections: int = CONNECTIONS, gap: float = 0.0) -> Counter:
    loop = asyncio.get_running_loop()
    statuses: Counter = Counter()
    stop_at = loop.time() + seconds
    waits = []
    for c in range(connections):
        done = loop.create_future()
        await loop.create_connection(
            lambda c=c, done=done: _Phone(requests, c * 97, stop_at, statuses, done, gap),
            "127.0.0.1", port)
        waits.append(done)
    await asyncio.gather(*waits)
    return statuses


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_serve(url: str, port: int, queue: int = 200_000) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "console", "serve", "--db", url,
                             "--host", "127.0.0.1", "--port-osmand", str(port),
                             "--queue", str(queue)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if "Uvicorn running" in line:
                ready.set()
            if os.environ.get("CITY_CONSOLE_BENCH_VERBOSE"):
                print(line, end="", file=sys.stderr)
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        raise RuntimeError("serve did not start")
    return proc


def _count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Position)) or 0


def _writer_alone(db: Database, devices: list[str]) -> float:
    """write_fixes on batches of WRITER_BATCH, in this process: the database half of the cost."""
    rng = random.Random(2)
    homes = _homes(devices)
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


def _runner():
    try:
        import uvloop
        return uvloop.run
    except ImportError:
        return asyncio.run


def _throughput(url: str, prefix: str) -> Iterator[Figure]:
    """Fixes a second committed through serve (`url`: a new, empty database)."""
    db = open_database(url)
    try:
        devices = _city(db)
        port = _free_port()
        proc = _start_serve(url, port)
        try:
            requests = _requests(devices, port)
            start = time.perf_counter()
            statuses = _runner()(_load(port, requests, LOAD_S))
            answered = time.perf_counter()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                deadline = time.monotonic() + DRAIN_TIMEOUT_S
                while client.get("/healthz").json()["queue_depth"] and \
                        time.monotonic() < deadline:
                    time.sleep(0.02)
            drained = time.perf_counter()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        committed = _count(db)
        total = sum(statuses.values())
        yield f"{prefix}.positions_per_s", committed / (drained - start), "fixes/s"
        yield f"{prefix}.http_answers_per_s", total / (answered - start), "requests/s"
        yield f"{prefix}.refused_503_share", 100 * statuses[503] / max(total, 1), "%"
        yield f"{prefix}.accepted_not_committed", statuses[200] - committed, "fixes"
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
