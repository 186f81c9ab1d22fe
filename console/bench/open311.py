"""Open311 figure: a POST request answered with its id, through a real `serve` process.

A small demo city (SQLite, in a temporary folder) with 2,000 registered phones; `serve` runs
with Open311 beside OsmAnd. A background generator offers about 2,000 OsmAnd fixes a second
(paced, keep-alive connections) while reports are POSTed one at a time, paced under the
per-address rate limit; each is timed from sending to the answer with its id (the report
committed: numbering, duplicate hint, feed row, all of it).
"""
from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

from console.bench import Figure
from console.bench.ingest_load import free_port, make_city, osmand_requests
from console.services.open311_keys import issue_key
from console.store.database import open_database

POSTS = int(os.environ.get("CITY_CONSOLE_BENCH_OPEN311_POSTS", "120"))
POST_EVERY_S = 0.11             # under the default 10 a second per address
BACKGROUND_PER_S = 2000
BACKGROUND_CONNECTIONS = 20


async def _paced(port: int, requests: list[bytes], stop: threading.Event, got: Counter) -> None:
    period = BACKGROUND_CONNECTIONS / BACKGROUND_PER_S

    async def phone(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i, due = offset, asyncio.get_running_loop().time()
        while not stop.is_set():
            writer.write(requests[i % len(requests)])
            i += BACKGROUND_CONNECTIONS
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length")), 0)
            if length:
                await reader.readexactly(length)
            got[int(head[9:12])] += 1
            due += period
            await asyncio.sleep(max(0.0, due - asyncio.get_running_loop().time()))
        writer.close()

    await asyncio.gather(*(phone(c) for c in range(BACKGROUND_CONNECTIONS)))


def _start(url: str, osmand: int, open311: int, data_dir: Path) -> subprocess.Popen:
    env = dict(os.environ, CITY_CONSOLE_DATA_DIR=str(data_dir))
    proc = subprocess.Popen([sys.executable, "-m", "console", "serve", "--db", url, "--host",
                             "127.0.0.1", "--port-osmand", str(osmand), "--port-open311",
                             str(open311)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if "Application startup complete" in line:
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        raise RuntimeError("serve did not start")
    return proc


def run() -> Iterator[Figure]:
    from console.sim.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'open311.db'}"
        db = open_database(url)
        build_demo(db, seed=1, cells=400, cases=50)
        devices = make_city(db)
        with db.transaction() as s:
            key = issue_key(s, "bench")
            from sqlalchemy import select

            from console.store.models import Category, Cell
            code = s.scalars(select(Category.code).where(Category.kind == "event",
                                                         Category.active.is_(True))).first()
            cells = s.execute(select(Cell.centroid_lon, Cell.centroid_lat).limit(200)).all()
        db.dispose()
        osmand, open311 = free_port(), free_port()
        proc = _start(url, osmand, open311, Path(tmp) / "data")
        stop, got = threading.Event(), Counter()
        background = threading.Thread(target=lambda: asyncio.run(
            _paced(osmand, osmand_requests(devices, osmand), stop, got)), daemon=True)
        try:
            background.start()
            time.sleep(2)                     # the background at its rate before timing
            times, refused = [], 0
            base = f"http://127.0.0.1:{open311}/open311/v2"
            with httpx.Client(timeout=30) as http:
                started = time.monotonic()
                for i in range(POSTS):
                    lon, lat = cells[i % len(cells)]
                    t0 = time.perf_counter()
                    r = http.post(f"{base}/requests.json", data={
                        "api_key": key, "service_code": code, "lat": lat, "long": lon,
                        "description": f"压测上报 {i}", "phone": "13800000000"})
                    elapsed = time.perf_counter() - t0
                    if r.status_code == 201 and r.json()[0]["service_request_id"]:
                        times.append(elapsed * 1000)
                    else:
                        refused += 1
                    time.sleep(max(0.0, started + (i + 1) * POST_EVERY_S - time.monotonic()))
                seconds = time.monotonic() - started
        finally:
            stop.set()
            background.join(timeout=10)
            proc.terminate()
            proc.wait(timeout=60)
        times.sort()
        yield "open311.post_p95_ms", times[int(0.95 * (len(times) - 1))], "ms"
        yield "open311.post_median_ms", statistics.median(times), "ms"
        yield "open311.posts_refused", refused, "requests"
        yield "open311.background_fixes_per_s", got[200] / max(seconds + 2, 1e-9), "fixes/s"
