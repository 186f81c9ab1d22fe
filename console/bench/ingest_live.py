"""Intake figures around a running `serve`: latency to a seat, memory under overload.

- e2e: a probe phone's GET answered (the response read by the client, so a little after it was
  sent) → a seat's FeedWorker delivering that fix on the GUI thread, with ~2,000 fixes a second
  from other phones in the background. The map's own patrol update comes after that (its cost
  is `bench map`'s map.tick_py_ms_2000 + map.tick_js_ms_2000), not included here.
- overload: serve offered twice what it can write for RSS_S seconds. A lock on the SQLite file
  is held 95 % of the time (unthrottled, the writer outruns the HTTP side on these two cores,
  and no generator here could offer it twice its rate); what serve then writes is measured
  first (CAPACITY_S flat out, in a serve of its own), then a fresh serve is offered twice that,
  paced. Peak resident memory (VmHWM) of the server process and of its writer process; the
  rates offered and committed are printed as a comment.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import statistics
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from console.bench.ingest_load import (
    event_loop_runner,
    free_port,
    make_city,
    offer_load,
    offer_paced,
    osmand_requests,
    wrk_available,
    wrk_load,
    patrol_homes,
    start_serve,
)
from console.store.database import open_database, sqlite_path
from console.store.models import Device

E2E_SAMPLES = 30
BACKGROUND_CONNECTIONS = 20
BACKGROUND_GAP_S = 0.01          # 20 connections × (10 ms + answer) ≈ 2,000 requests a second
BACKGROUND_S = 20.0
LOCKED_S, FREE_S = 2.85, 0.15
OVERLOAD_CONNECTIONS = 256
RSS_S = float(os.environ.get("CITY_CONSOLE_BENCH_INGEST_RSS_S", "60"))
CAPACITY_S = 10.0


def _qt_app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    return QCoreApplication.instance() or QCoreApplication(["bench-ingest"])


def _pump(app, predicate, timeout_s: float) -> bool:
    from PySide6.QtCore import QEventLoop
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    return True


def _background(port: int, requests: list[bytes], stop: threading.Event, done: list) -> None:
    async def go():
        task = asyncio.ensure_future(offer_load(port, requests, BACKGROUND_S,
                                           connections=BACKGROUND_CONNECTIONS, gap=BACKGROUND_GAP_S))
        while not task.done() and not stop.is_set():
            await asyncio.sleep(0.05)
        return await task
    started = time.perf_counter()
    statuses = event_loop_runner()(go())
    done.append(sum(statuses.values()) / (time.perf_counter() - started))


def e2e_p95_ms(url: str) -> float:
    from console.live.feed_worker import DEFAULT_INTERVAL_MS, FeedWorker
    app = _qt_app()
    db = open_database(url)
    devices = make_city(db)
    probe, others = devices[0], devices[1:]
    lat0, lon0 = patrol_homes(devices)[0]
    with db.session() as s:
        probe_id = s.scalar(select(Device.id).where(Device.unique_id == probe))
    port = free_port()
    proc = start_serve(url, port)
    arrivals: dict[float, float] = {}

    def delivered(batch) -> None:
        now = time.time()
        for p in batch.positions:
            if p.device_id == probe_id:
                arrivals.setdefault(round(p.lat, 6), now)
    feed = FeedWorker(db, interval_ms=DEFAULT_INTERVAL_MS)   # the seat setting's default
    feed.changes.connect(delivered)
    feed.start()
    stop, rate = threading.Event(), []
    thread = threading.Thread(target=_background, name="bench-background",
                              args=(port, osmand_requests(others, port), stop, rate))
    thread.start()
    rng = random.Random(7)
    latencies = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            _pump(app, lambda: False, 1.0)      # the background reaches its pace
            for i in range(E2E_SAMPLES):
                lat = round(lat0 + 1e-5 * (i + 1), 6)
                answer = client.get("/", params={"id": probe, "lat": f"{lat:.6f}",
                                                 "lon": f"{lon0:.6f}"})
                sent = time.time()
                if answer.status_code != 200:
                    continue
                if _pump(app, lambda lat=lat: lat in arrivals, 10):
                    latencies.append((arrivals[lat] - sent) * 1000)
                _pump(app, lambda: False, rng.uniform(0.1, 0.4))
    finally:
        stop.set()
        thread.join(30)
        feed.stop()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        db.dispose()
    if not latencies:
        raise RuntimeError("no probe fix reached the seat")
    latencies.sort()
    print(f"# e2e: {len(latencies)} samples, median {statistics.median(latencies):.0f} ms, "
          f"background {rate[0] if rate else 0:.0f} requests/s", flush=True)
    return latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]


def _kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _writer_pid(pid: int) -> int | None:
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
                return int(child)
    return None


def _throttle(path: str, stop: threading.Event) -> None:
    """Hold the database's write lock 95 % of the time, in spells of seconds: the writer, which
    outwrites the HTTP side here, then writes one batch (at most MAX_BATCH fixes) a spell, less
    than half what the generator can offer. Shorter spells would not slow it: it writes
    everything queued in each free moment."""
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        while not stop.is_set():
            con.execute("BEGIN IMMEDIATE")
            stop.wait(LOCKED_S)
            con.execute("COMMIT")
            stop.wait(FREE_S)
    finally:
        con.close()


def _written(port: int) -> int:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        return client.get("/healthz").json()["written"]


def _throttled(url: str, work):
    """`work(port, serve process)` against a fresh serve whose database is locked 95 % of the
    time; serve stopped after."""
    port = free_port()
    proc = start_serve(url, port, queue=100_000)     # serve's default queue
    stop = threading.Event()
    throttle = threading.Thread(target=_throttle, args=(str(sqlite_path(url)), stop))
    throttle.start()
    try:
        return work(port, proc)
    finally:
        stop.set()
        throttle.join(10)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=180)


def rss_overload_mb(url: str) -> tuple[float, float]:
    """Peak RSS (MB) of serve and of its writer process offered twice what it writes."""
    db = open_database(url)
    devices = make_city(db)
    db.dispose()

    def capacity(port: int, proc) -> float:
        requests = osmand_requests(devices, port)
        before, started = _written(port), time.perf_counter()
        if wrk_available():
            wrk_load(port, requests, CAPACITY_S)
        else:
            event_loop_runner()(offer_load(port, requests, CAPACITY_S))
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            health = client.get("/healthz").json()
        if not health["queue_depth"]:
            print("# overload: the generator, not the writer, was the limit: "
                  "the capacity below is a lower bound", flush=True)
        return (health["written"] - before) / (time.perf_counter() - started)

    def overload(port: int, proc):
        writer = _writer_pid(proc.pid)
        requests = osmand_requests(devices, port)
        started = time.perf_counter()
        if wrk_available():
            statuses = wrk_load(port, requests, RSS_S, rate=2 * can_write,
                                connections=OVERLOAD_CONNECTIONS)
        else:
            statuses = event_loop_runner()(offer_paced(port, requests, RSS_S, 2 * can_write))
        elapsed = time.perf_counter() - started
        peak = _kb(proc.pid, "VmHWM") / 1024
        writer_peak = _kb(writer, "VmHWM") / 1024 if writer else 0.0
        return statuses, elapsed, _written(port), peak, writer_peak

    can_write = _throttled(url, capacity)
    statuses, elapsed, written, peak, writer_peak = _throttled(url, overload)
    total = sum(statuses.values())
    print(f"# overload: serve writes {can_write:.0f}/s (throttled); offered {2 * can_write:.0f}/s "
          f"for {elapsed:.0f} s, sent {total / elapsed:.0f}/s ({total / elapsed / can_write:.1f}×), "
          f"{statuses[200] / elapsed:.0f}/s "
          f"accepted, {written / elapsed:.0f}/s committed, "
          f"{100 * statuses[503] / max(total, 1):.0f}% answered 503", flush=True)
    return peak, writer_peak
